#include "engine/teacher_optimal_block_exchange.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "common/status_macros.h"
#include "engine/internal/market_util.h"

namespace rota::engine {

absl::Status RunTeacherOptimalBlockExchange(const Market& m, bool explain,
                                            MatchResult* result) {
  const int32_t n = m.num_teachers;
  const std::vector<int32_t> seats = internal::SeatsAfterExempt(m);
  ROTA_RETURN_IF_ERROR(internal::CheckHoldersFit(m, seats, "to-be"));
  const std::vector<int32_t> end = internal::TenureEnds(m);

  std::vector<uint8_t> in_play(n);
  std::vector<int32_t> next(n);
  std::vector<int32_t> vacancies = seats;
  for (int32_t t = 0; t < n; ++t) {
    in_play[t] = m.exempt[t] ? 0 : 1;
    next[t] = m.entry_begin[t];
    if (in_play[t] && m.own_post[t] >= 0) --vacancies[m.own_post[t]];
  }
  // Lowest remaining holder: walk each post's holders from the back.
  std::vector<int32_t> low(m.num_posts);
  for (int32_t p = 0; p < m.num_posts; ++p) low[p] = m.holders_begin[p + 1] - 1;
  // The newcomer pool, served by base points then the tie order.
  std::vector<int32_t> pool;
  for (int32_t t = 0; t < n; ++t) {
    if (in_play[t] && m.own_post[t] < 0) pool.push_back(t);
  }
  std::sort(pool.begin(), pool.end(), [&](int32_t a, int32_t b) {
    if (m.points[a] != m.points[b]) return m.points[a] > m.points[b];
    return m.tie_rank[a] < m.tie_rank[b];
  });
  size_t pool_next = 0;
  auto pool_top = [&]() -> int32_t {
    while (pool_next < pool.size() && !in_play[pool[pool_next]]) ++pool_next;
    return pool_next < pool.size() ? pool[pool_next] : -1;
  };
  // The teacher post p gives up: {holder, false}, {newcomer, true} through a
  // vacancy, or {-1, false} when the post is closed.
  struct Target {
    int32_t teacher;
    bool vacancy;
  };
  auto target = [&](int32_t p) -> Target {
    if (vacancies[p] > 0) {
      const int32_t x = pool_top();
      if (x >= 0) return {x, true};
      vacancies[p] = 0;  // nobody can ever fill it
    }
    while (low[p] >= m.holders_begin[p]) {
      const int32_t h = m.holders[low[p]];
      if (in_play[h]) return {h, false};
      --low[p];
    }
    return {-1, false};
  };

  if (explain)
    result->entry_reason.assign(m.num_entries(), Reason::kNotReached);
  result->post_of.assign(n, -1);
  int64_t moves = 0, cycles = 0;

  // Best acceptable post for t (advancing her pointer), -1 if none.
  auto point = [&](int32_t t) -> int32_t {
    while (next[t] < end[t]) {
      const int32_t e = next[t];
      const int32_t p = m.entry_post[e];
      if (m.entry_block[e] != EntryBlock::kNone) {
        if (explain)
          result->entry_reason[e] = internal::ReasonForBlock(m.entry_block[e]);
      } else if (p == m.own_post[t]) {
        return p;
      } else {
        const Target g = target(p);
        if (g.teacher >= 0 &&
            (g.vacancy ||
             m.entry_key[e] < m.entry_key[m.own_entry[g.teacher]])) {
          return p;
        }
        if (explain) result->entry_reason[e] = Reason::kNoExchange;
      }
      ++next[t];
      ++moves;
    }
    return -1;
  };

  std::vector<int32_t> path, path_post;
  std::vector<uint8_t> path_vacancy;
  std::vector<int32_t> in_path(n, -1);
  auto push = [&](int32_t t) {
    in_path[t] = static_cast<int32_t>(path.size());
    path.push_back(t);
    path_post.push_back(-1);
    path_vacancy.push_back(0);
  };
  auto pop = [&]() {
    in_path[path.back()] = -1;
    path.pop_back();
    path_post.pop_back();
    path_vacancy.pop_back();
  };
  for (int32_t s = 0; s < n; ++s) {
    if (!in_play[s]) continue;
    push(s);
    while (!path.empty()) {
      const int32_t t = path.back();
      const int32_t p = point(t);
      if (p < 0) {  // a newcomer nobody accepts: unplaced
        ROTA_CHECK(m.own_post[t] < 0) << "holder without her own post";
        in_play[t] = 0;
        pop();
        continue;
      }
      const Target g = target(p);
      ROTA_CHECK(g.teacher >= 0) << "accepting post without target";
      path_post.back() = p;
      path_vacancy.back() = g.vacancy ? 1 : 0;
      if (in_path[g.teacher] < 0) {
        push(g.teacher);
        continue;
      }
      const int32_t from = in_path[g.teacher];
      for (size_t i = from; i < path.size(); ++i) {
        const int32_t x = path[i];
        result->post_of[x] = path_post[i];
        if (path_vacancy[i]) --vacancies[path_post[i]];
        in_play[x] = 0;
      }
      ++cycles;
      while (static_cast<int32_t>(path.size()) > from) pop();
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
