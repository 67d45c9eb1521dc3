#include "engine/top_trading_cycles.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "engine/internal/market_util.h"

namespace rota::engine {

absl::Status RunTopTradingCycles(const Market& m, bool explain,
                                 MatchResult* result) {
  const int32_t n = m.num_teachers;
  std::vector<int32_t> rem = internal::SeatsAfterExempt(m);
  ROTA_RETURN_IF_ERROR(internal::CheckHoldersFit(m, rem, "ttc"));
  const std::vector<int32_t> end = internal::TenureEnds(m);
  const std::vector<int32_t> entry_teacher = internal::EntryTeachers(m);
  std::vector<uint8_t> active(n);
  std::vector<int32_t> next(n);
  for (int32_t t = 0; t < n; ++t) {
    active[t] = m.exempt[t] ? 0 : 1;
    next[t] = m.entry_begin[t];
  }
  std::vector<int32_t> hptr(m.num_posts), aptr(m.num_posts);
  for (int32_t p = 0; p < m.num_posts; ++p) {
    hptr[p] = m.holders_begin[p];
    aptr[p] = m.applicants_begin[p];
  }
  if (explain)
    result->entry_reason.assign(m.num_entries(), Reason::kNotReached);
  result->post_of.assign(n, -1);
  int64_t moves = 0, cycles = 0;

  // The post teacher t points to, or -1 when her list is exhausted.
  auto point = [&](int32_t t) -> int32_t {
    while (next[t] < end[t]) {
      const int32_t e = next[t];
      if (m.entry_block[e] != EntryBlock::kNone) {
        if (explain)
          result->entry_reason[e] = internal::ReasonForBlock(m.entry_block[e]);
      } else if (rem[m.entry_post[e]] > 0) {
        return m.entry_post[e];
      } else if (explain) {
        result->entry_reason[e] = Reason::kTaken;
      }
      ++next[t];
      ++moves;
    }
    return -1;
  };
  // The teacher post p points to. REQUIRES: some remaining teacher points to
  // p (so one exists).
  auto top = [&](int32_t p) -> int32_t {
    while (hptr[p] < m.holders_begin[p + 1]) {
      const int32_t h = m.holders[hptr[p]];
      if (active[h]) return h;
      ++hptr[p];
    }
    while (aptr[p] < m.applicants_begin[p + 1]) {
      const int32_t e = m.applicants[aptr[p]];
      const int32_t t = entry_teacher[e];
      if (active[t] && m.entry_block[e] == EntryBlock::kNone && e < end[t])
        return t;
      ++aptr[p];
      ++moves;
    }
    return -1;
  };

  std::vector<int32_t> path, path_post;
  std::vector<int32_t> in_path(n, -1);
  for (int32_t s = 0; s < n; ++s) {
    if (!active[s]) continue;
    path.push_back(s);
    path_post.push_back(-1);
    in_path[s] = 0;
    while (!path.empty()) {
      const int32_t t = path.back();
      const int32_t p = point(t);
      if (p < 0) {  // nothing left she accepts: unplaced
        active[t] = 0;
        in_path[t] = -1;
        path.pop_back();
        path_post.pop_back();
        continue;
      }
      path_post.back() = p;
      const int32_t u = top(p);
      ROTA_CHECK(u >= 0) << "post with a pointing teacher has no top";
      if (in_path[u] < 0) {
        in_path[u] = static_cast<int32_t>(path.size());
        path.push_back(u);
        path_post.push_back(-1);
        continue;
      }
      // Cycle path[in_path[u]] ... path.back(): each gets the post she points
      // to.
      const int32_t from = in_path[u];
      for (size_t i = from; i < path.size(); ++i) {
        const int32_t x = path[i];
        const int32_t q = path_post[i];
        result->post_of[x] = q;
        --rem[q];
        active[x] = 0;
        in_path[x] = -1;
      }
      ++cycles;
      path.resize(from);
      path_post.resize(from);
    }
  }
  for (int32_t t = 0; t < n; ++t) {
    if (m.exempt[t]) result->post_of[t] = m.own_post[t];
  }
  result->stats.proposals = moves;
  result->stats.cycles = cycles;
  internal::ReportUnmetFloors(m, result->post_of, end, /*tenure=*/false,
                              result);
  return absl::OkStatus();
}

}  // namespace rota::engine
