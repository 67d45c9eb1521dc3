#include "engine/choice_rules.h"

#include <algorithm>
#include <vector>

namespace rota::engine {

void ApplyChoiceRule(const Market& market, const Market::Rule& rule,
                     int32_t capacity, uint32_t tenured_below,
                     absl::Span<const Candidate> sorted,
                     absl::Span<uint8_t> chosen, absl::Span<Reason> reasons) {
  const size_t n = sorted.size();
  std::fill(chosen.begin(), chosen.end(), 0);
  int32_t taken = 0;
  // Tenured candidates come first in `sorted`; keep them (up to capacity).
  size_t tenured = 0;
  while (tenured < n && sorted[tenured].key < tenured_below &&
         static_cast<int32_t>(tenured) < capacity) {
    ++tenured;
  }
  if (!rule.seat_groups.empty()) {
    // Seats the tenured occupy: a seat reserved for one of their groups if
    // any is left, else an open seat, else any seat.
    std::vector<uint8_t> seat_used(rule.seat_groups.size(), 0);
    for (size_t i = 0; i < tenured; ++i) {
      size_t seat = rule.seat_groups.size();
      for (int pass = 0; pass < 3 && seat == rule.seat_groups.size(); ++pass) {
        for (size_t k = 0; k < rule.seat_groups.size(); ++k) {
          const int32_t g = rule.seat_groups[k];
          if (seat_used[k]) continue;
          if ((pass == 0 && g >= 0 && market.InGroup(sorted[i].teacher, g)) ||
              (pass == 1 && g < 0) || pass == 2) {
            seat = k;
            break;
          }
        }
      }
      seat_used[seat] = 1;
      chosen[i] = 1;
      ++taken;
    }
    for (size_t k = 0; k < rule.seat_groups.size(); ++k) {
      const int32_t g = rule.seat_groups[k];
      if (seat_used[k]) continue;
      if (taken >= capacity) break;
      size_t pick = n;
      if (g >= 0) {
        for (size_t i = 0; i < n; ++i) {
          if (!chosen[i] && market.InGroup(sorted[i].teacher, g)) {
            pick = i;
            break;
          }
        }
      }
      if (pick == n) {
        for (size_t i = 0; i < n; ++i) {
          if (!chosen[i]) {
            pick = i;
            break;
          }
        }
      }
      if (pick == n) break;
      chosen[pick] = 1;
      ++taken;
    }
    for (size_t i = 0; i < n; ++i) {
      if (!chosen[i]) {
        reasons[i] = static_cast<int32_t>(i) < capacity ? Reason::kReservedSeat
                                                        : Reason::kFull;
      }
    }
    return;
  }
  // Floors and ceilings.
  std::vector<int32_t> count(rule.bounds.size(), 0);
  auto blocked_by_ceiling = [&](int32_t teacher, bool hard_only) {
    for (size_t b = 0; b < rule.bounds.size(); ++b) {
      const auto& bound = rule.bounds[b];
      if (bound.ceiling < 0 || (hard_only && !bound.hard)) continue;
      if (market.InGroup(teacher, bound.group) && count[b] >= bound.ceiling) {
        return true;
      }
    }
    return false;
  };
  auto take = [&](size_t i) {
    chosen[i] = 1;
    ++taken;
    for (size_t b = 0; b < rule.bounds.size(); ++b) {
      if (market.InGroup(sorted[i].teacher, rule.bounds[b].group)) ++count[b];
    }
  };
  for (size_t i = 0; i < tenured; ++i) take(i);
  for (size_t i = 0; i < n && taken < capacity; ++i) {
    if (chosen[i]) continue;
    bool below_floor = false;
    for (size_t b = 0; b < rule.bounds.size(); ++b) {
      if (market.InGroup(sorted[i].teacher, rule.bounds[b].group) &&
          count[b] < rule.bounds[b].floor) {
        below_floor = true;
      }
    }
    if (below_floor && !blocked_by_ceiling(sorted[i].teacher, true)) take(i);
  }
  // Soft floors never keep a seat empty for members who have not applied:
  // passes 2 and 3 fill every remaining seat.
  for (size_t i = 0; i < n && taken < capacity; ++i) {
    if (!chosen[i] && !blocked_by_ceiling(sorted[i].teacher, false)) take(i);
  }
  for (size_t i = 0; i < n && taken < capacity; ++i) {
    if (!chosen[i] && !blocked_by_ceiling(sorted[i].teacher, true)) take(i);
  }
  for (size_t i = 0; i < n; ++i) {
    if (chosen[i]) continue;
    if (static_cast<int32_t>(i) >= capacity) {
      reasons[i] = Reason::kFull;
    } else if (blocked_by_ceiling(sorted[i].teacher, false)) {
      reasons[i] = Reason::kCeiling;
    } else {
      reasons[i] = Reason::kFloorSeat;
    }
  }
}

int32_t CountInGroup(const Market& market, int32_t group,
                     absl::Span<const int32_t> teachers) {
  int32_t c = 0;
  for (int32_t t : teachers) c += market.InGroup(t, group) ? 1 : 0;
  return c;
}

}  // namespace rota::engine
