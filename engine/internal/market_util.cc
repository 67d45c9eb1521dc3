#include "engine/internal/market_util.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"

namespace rota::engine::internal {

std::vector<int32_t> SeatsAfterExempt(const Market& m) {
  std::vector<int32_t> cap = m.capacity;
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    if (m.exempt[t] && m.own_post[t] >= 0) --cap[m.own_post[t]];
  }
  for (int32_t& c : cap) c = std::max(c, 0);
  return cap;
}

std::vector<int32_t> EntryTeachers(const Market& m) {
  std::vector<int32_t> out(m.num_entries());
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    for (int32_t e = m.entry_begin[t]; e < m.entry_begin[t + 1]; ++e)
      out[e] = t;
  }
  return out;
}

Reason ReasonForBlock(EntryBlock block) {
  switch (block) {
    case EntryBlock::kNotQualified:
      return Reason::kNotQualified;
    case EntryBlock::kNotInPriority:
      return Reason::kNotInPriority;
    case EntryBlock::kExempt:
      return Reason::kExempt;
    case EntryBlock::kNone:
      break;
  }
  return Reason::kNotReached;
}

std::vector<int32_t> TenureEnds(const Market& m) {
  std::vector<int32_t> end(m.num_teachers);
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    end[t] = m.own_entry[t] >= 0 ? m.own_entry[t] + 1 : m.listed_end[t];
  }
  return end;
}

void ReportUnmetFloors(const Market& m, const std::vector<int32_t>& post_of,
                       const std::vector<int32_t>& end, bool tenure,
                       MatchResult* result) {
  std::vector<int32_t> entry_teacher;
  for (int32_t p = 0; p < m.num_posts; ++p) {
    const int32_t r = m.rule_of_post[p];
    if (r < 0) continue;
    for (const Market::Rule::Bound& b : m.rules[r].bounds) {
      if (b.floor <= 0) continue;
      UnmetFloor u;
      u.post = p;
      u.group = b.group;
      u.floor = b.floor;
      for (int32_t t = 0; t < m.num_teachers; ++t) {
        if (post_of[t] != p || m.exempt[t]) continue;
        if (m.InGroup(t, b.group)) {
          ++u.achieved;
        } else if (tenure && m.own_post[t] == p) {
          ++u.tenured_others;
        }
      }
      if (u.achieved >= b.floor) continue;
      if (entry_teacher.empty()) entry_teacher = EntryTeachers(m);
      for (int32_t i = m.applicants_begin[p]; i < m.applicants_begin[p + 1];
           ++i) {
        const int32_t e = m.applicants[i];
        const int32_t t = entry_teacher[e];
        if (!m.InGroup(t, b.group) || m.entry_block[e] != EntryBlock::kNone ||
            e >= end[t]) {
          continue;
        }
        ++u.applicants;
        if (post_of[t] >= 0 && post_of[t] != p) {
          const int32_t got = m.FindEntry(t, post_of[t]);
          if (got >= 0 && got < e) ++u.placed_higher;
        }
      }
      result->unmet_floors.push_back(u);
    }
  }
}

absl::Status CheckHoldersFit(const Market& m, const std::vector<int32_t>& seats,
                             std::string_view mechanism) {
  std::vector<int32_t> holders(m.num_posts, 0);
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    if (!m.exempt[t] && m.own_post[t] >= 0) ++holders[m.own_post[t]];
  }
  for (int32_t p = 0; p < m.num_posts; ++p) {
    if (holders[p] > seats[p]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "post \"", m.post_ids[p], "\": ", holders[p], " holders for ",
          seats[p], " seats; ", std::string(mechanism),
          " needs every holder to own a seat (use da-star to let holders "
          "compete)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace rota::engine::internal
