// The market phases of the exchange rotation run: voluntary applicants,
// selection, mandatory movers by preference, county allocation, freed seats.
#include "engine/rules/internal/exchange_rotation_run.h"

namespace rota::engine::rules::exchange_internal {

absl::StatusOr<std::vector<int>> Run::SolveMarket(
    const std::vector<std::vector<int>>& prefs, engine::Mechanism m) {
  engine::Model model;
  model.lottery_seed = in_.seed;
  const int ns = static_cast<int>(schools_.size());
  std::vector<int64_t> pinned_at(ns, 0), holders(ns, 0);
  const int nt = static_cast<int>(teachers_.size());
  for (int t = 0; t < nt; ++t) {
    if (pin_target_[t] != kNone) {
      ++pinned_at[pin_target_[t]];
    } else {
      ++holders[cur_[t]];
    }
  }
  // Under DA* a holder whose list is empty (or exempt) keeps her seat
  // wherever her colleagues cannot crowd her out (holders <= seats: they
  // rank first there by tenure), so she is left out and her seat with her:
  // the same matching for everyone else, on a much smaller market. TO-BE
  // needs every holder (a post gives up its lowest-priority one in play).
  const bool prune = m == engine::Mechanism::kTenureDeferredAcceptance;
  std::vector<int64_t> kept_out(ns, 0);
  std::vector<int> members;
  for (int t = 0; t < nt; ++t) {
    if (pin_target_[t] != kNone) continue;
    const int h = cur_[t];
    if (prune && holders[h] <= limit_[h] - pinned_at[h] &&
        (prefs[t].empty() || status_[t] == Status::kExempt)) {
      ++kept_out[h];
      continue;
    }
    members.push_back(t);
    engine::Teacher x;
    x.id = TeacherId(t);
    x.exempt = status_[t] == Status::kExempt;
    x.points = points_[t].total;
    x.tie_breakers = ties_[t];
    x.current_post = Name(cur_[t]);
    for (int s : prefs[t]) x.preferences.push_back(Name(s));
    model.teachers.push_back(std::move(x));
  }
  for (int s = 0; s < ns; ++s) {
    engine::Post p;
    p.id = Name(s);
    p.school = Name(s);
    p.capacity = limit_[s] - pinned_at[s] - kept_out[s];
    // TO-BE only trades seats (no school's staff count changes), and it
    // needs every holder to own one: where pinned arrivals wait for
    // colleagues to leave, it may count the seats they still hold.
    if (m == engine::Mechanism::kTeacherOptimalBlockExchange) {
      p.capacity = std::max(p.capacity, holders[s]);
    }
    model.posts.push_back(std::move(p));
  }
  engine::SolveOptions options;
  options.explain = false;
  options.encode = false;
  ROTA_ASSIGN_OR_RETURN(engine::MatchResult r,
                        engine::Solve(model, m, options));
  // A teacher with no post is one DA* pushed out of her own seat because
  // pins took seats there that her colleagues have not (yet) freed: she
  // stays, and no newcomer got in (holders rank first); CheckPinnedCapacity
  // reports the pin if the school is still over its limit at the end.
  std::vector<int> out = cur_;
  for (size_t k = 0; k < members.size(); ++k) {
    if (r.post_of[k] >= 0) out[members[k]] = r.post_of[k];
  }
  return out;
}

absl::Status Run::MoveByMarket(const std::vector<std::vector<int>>& prefs,
                               engine::Mechanism m, Phase phase) {
  if (std::all_of(prefs.begin(), prefs.end(),
                  [](const std::vector<int>& p) { return p.empty(); })) {
    return absl::OkStatus();
  }
  ROTA_ASSIGN_OR_RETURN(std::vector<int> next, SolveMarket(prefs, m));
  for (size_t t = 0; t < next.size(); ++t) {
    if (next[t] == cur_[t]) continue;
    // Under DA* a holder without a list keeps her seat: only applicants move.
    ROTA_CHECK(m != engine::Mechanism::kTenureDeferredAcceptance ||
               !prefs[t].empty());
    cur_[t] = next[t];
    phase_[t] = phase;
  }
  return absl::OkStatus();
}

absl::Status Run::Voluntary() {
  const int nt = static_cast<int>(teachers_.size());
  std::vector<std::vector<int>> prefs(nt);
  for (int t = 0; t < nt; ++t) {
    if (app_[t] == nullptr || !app_[t]->voluntary) continue;
    if (pin_target_[t] != kNone || status_[t] == Status::kExempt) continue;
    if (leader_[t]) continue;  // leadership seats move only in RotateLeaders
    for (int s : app_schools_[t]) {
      if (s == orig_[t]) break;  // staying ends her list
      if (VoluntaryAllowed(t, s) && Qualification(t, s) > 0) {
        prefs[t].push_back(s);
      }
    }
  }
  engine::Mechanism m =
      mechanism_ == VoluntaryMechanism::kTenureDeferredAcceptance
          ? engine::Mechanism::kTenureDeferredAcceptance
          : engine::Mechanism::kTeacherOptimalBlockExchange;
  ROTA_RETURN_IF_ERROR(MoveByMarket(prefs, m, Phase::kVoluntary));
  if (m != engine::Mechanism::kTeacherOptimalBlockExchange) {
    return absl::OkStatus();
  }
  // TO-BE only trades seats (engine/teacher_optimal_block_exchange.h: with
  // no newcomers a vacancy is never filled). Free seats then go to the
  // voluntary applicants by DA* from where TO-BE left them: each list is cut
  // at her current school, so nobody ends worse than after TO-BE.
  for (int t = 0; t < nt; ++t) {
    auto it = std::find(prefs[t].begin(), prefs[t].end(), cur_[t]);
    prefs[t].erase(it, prefs[t].end());
  }
  return MoveByMarket(prefs, engine::Mechanism::kTenureDeferredAcceptance,
                      Phase::kVoluntaryFreeSeats);
}

absl::Status Run::FreedSeats() {
  const int nt = static_cast<int>(teachers_.size());
  std::vector<std::vector<int>> prefs(nt);
  for (int t = 0; t < nt; ++t) {
    if (app_[t] == nullptr || pin_target_[t] != kNone ||
        status_[t] == Status::kExempt || leader_[t]) {
      continue;
    }
    const bool mover = mandatory_[t] != 0;
    if (!mover && !app_[t]->voluntary) continue;
    // An unplaced mandatory mover may take any school on her list that her
    // direction allows (her own is never one of them).
    const bool unplaced = mover && cur_[t] == orig_[t];
    for (int s : app_schools_[t]) {
      if (s == cur_[t] && !unplaced) break;  // no better
      if (!mover && s == orig_[t]) break;    // staying ranks above the rest
      const bool allowed =
          mover ? MandatoryAllowed(t, s) : VoluntaryAllowed(t, s);
      if (allowed && Qualification(t, s) > 0) prefs[t].push_back(s);
    }
  }
  return MoveByMarket(prefs, engine::Mechanism::kTenureDeferredAcceptance,
                      Phase::kFreedSeats);
}

void Run::Select() {
  const int nt = static_cast<int>(teachers_.size());
  const bool county = ep_.share_scope == ShareScope::kCountyWide;
  group_of_.assign(nt, kNone);
  if (county) {
    groups_.resize(1);
    groups_[0].scope = "county";
  } else {
    groups_.resize(schools_.size());
    for (size_t s = 0; s < schools_.size(); ++s) groups_[s].scope = Name(s);
  }
  for (int t = 0; t < nt; ++t) {
    int g = county ? 0 : orig_[t];
    const Teacher& x = *teachers_[t];
    const bool principal =
        x.role == Role::kPrincipal || x.role == Role::kVicePrincipal;
    // Only schools that carry the share (policy share_localities,
    // weak_schools_carry_share) have a pool; the eligible elsewhere may
    // still volunteer.
    if (!carries_share_[orig_[t]] || !in_scope_[orig_[t]]) {
      if (status_[t] == Status::kEligible) no_share_[t] = 1;
      continue;
    }
    if (status_[t] == Status::kExempt && !principal &&
        (x.employment != Employment::kNonEstablished ||
         ep_.rotate_non_established) &&
        years_at_[t] >= ep_.min_years_at_school &&
        retire_[t] > AddYears(in_.effective_day, ep_.min_years_to_retirement)) {
      ++groups_[g].exempt_would_be;
      if (IsBackbone(x.backbone)) ++groups_[g].backbone_exempt;
    }
    if (status_[t] != Status::kEligible) continue;
    group_of_[t] = g;
    Group& gr = groups_[g];
    ++gr.eligible;
    if (IsBackbone(x.backbone)) ++gr.backbone_eligible;
    gr.members.push_back(t);
  }
  std::vector<std::vector<int64_t>> keys(teachers_.size());
  std::vector<uint8_t> taken(teachers_.size(), 0);
  for (Group& g : groups_) {
    if (g.eligible == 0) continue;
    g.required = SharePercent(ep_.rotation_share_percent, g.eligible,
                              ep_.share_rounding);
    int64_t movers = 0, backbone = 0;
    std::vector<int> candidates;
    for (int t : g.members) {
      if (cur_[t] != orig_[t]) {
        ++movers;
        ++g.voluntary_movers;
        if (IsBackbone(teachers_[t]->backbone)) ++backbone;
        continue;
      }
      if (pin_target_[t] != kNone) continue;
      if (CountAllowedTargets(t) == 0) {
        no_target_[t] = 1;
        ++g.no_target;
        continue;
      }
      candidates.push_back(t);
    }
    for (int t : candidates) keys[t] = SelectionKey(t);
    std::sort(candidates.begin(), candidates.end(), [&](int a, int b) {
      if (keys[a] != keys[b]) return keys[a] < keys[b];
      if (draw_[a] != draw_[b]) return draw_[a] < draw_[b];
      return a < b;
    });
    auto take = [&](bool backbone_only) {
      for (int t : candidates) {
        if (taken[t]) continue;
        if (backbone_only && !IsBackbone(teachers_[t]->backbone)) continue;
        taken[t] = 1;
        mandatory_[t] = 1;
        ++g.selected;
        ++movers;
        if (IsBackbone(teachers_[t]->backbone)) ++backbone;
        return true;
      }
      return false;
    };
    while (true) {
      int64_t planned = std::max(g.required, movers);
      if (backbone < CeilPercent(ep_.backbone_share_percent, planned) &&
          take(true)) {
        continue;
      }
      if (movers < g.required && take(false)) continue;
      break;
    }
  }
}

std::vector<int64_t> Run::SelectionKey(int t) const {
  std::vector<int64_t> k;
  for (SelectionCriterion c : ep_.selection_order) {
    switch (c) {
      case SelectionCriterion::kLongestAtSchool:
        k.push_back(office_start_[t]);
        break;
      case SelectionCriterion::kYoungest:
        k.push_back(-int64_t{retire_[t]});
        break;
      case SelectionCriterion::kLowestPoints:
        k.push_back(points_[t].total);
        break;
    }
  }
  return k;
}

absl::Status Run::MandatoryByPreference() {
  const int nt = static_cast<int>(teachers_.size());
  std::vector<std::vector<int>> prefs(nt);
  for (int t = 0; t < nt; ++t) {
    if (!mandatory_[t] || app_[t] == nullptr || leader_[t]) continue;
    for (int s : app_schools_[t]) {
      if (MandatoryAllowed(t, s) && Qualification(t, s) > 0) {
        prefs[t].push_back(s);
      }
    }
  }
  // Only listed mandatory movers move (MoveByMarket checks it).
  return MoveByMarket(prefs, engine::Mechanism::kTenureDeferredAcceptance,
                      Phase::kMandatoryPreference);
}

absl::Status Run::Allocate() {
  const int nt = static_cast<int>(teachers_.size());
  const int ns = static_cast<int>(schools_.size());
  const int64_t secondary =
      policy_.competitive_hiring.allocation_secondary_subject_cost;
  // Seats free now (or freed by the mandatory movers) go first to those who
  // listed them, by priority: the allocation takes only what nobody on a
  // list above where she is claims.
  ROTA_RETURN_IF_ERROR(FreedSeats());
  std::vector<int> waiting;
  std::vector<uint8_t> is_waiting(nt, 0);
  for (int t = 0; t < nt; ++t) {
    if (!mandatory_[t] || cur_[t] != orig_[t] || leader_[t]) continue;
    waiting.push_back(t);
    is_waiting[t] = 1;
  }
  if (waiting.empty()) return absl::OkStatus();
  // Options are only ever needed at schools with a free seat, and most
  // schools never have one: each school's list of (cost, waiting mover it
  // may take: allowed direction, qualified) is built the first time it has
  // a free seat, cheapest first (ties by teacher).
  std::vector<std::vector<AssignmentOption>> takers(ns);  // post = teacher
  std::vector<uint8_t> built(ns, 0);
  // Waiting movers by the class of their school, so that a school visits
  // only those who may come, and distances by origin school, computed once
  // per school built.
  std::vector<std::vector<int>> waiting_of_class(kNumClasses);
  for (int t : waiting) waiting_of_class[school_class_[orig_[t]]].push_back(t);
  std::vector<int64_t> metres_from(ns, -1);
  std::vector<uint8_t> subject_mask(subject_schools_.size(), 0);
  std::vector<uint64_t> keys;
  auto build = [&](int s) {
    built[s] = 1;
    std::vector<AssignmentOption>& v = takers[s];
    // Qualification(t, s) with the school's subjects spread out by id.
    for (auto [id, mask] : school_subjects_[s]) subject_mask[id] = mask;
    const bool postless = posts_of_[s].empty();
    auto take = [&](int t) {
      if (!TargetOpen(t, s)) return;
      int q = 0;
      if (postless) {
        q = (school_stage_mask_[s] & stage_mask_[t]) != 0 ? 1 : 0;
      } else {
        const std::vector<int>& ids = subject_ids_[t];
        for (size_t i = 0; i < ids.size() && q == 0; ++i) {
          if (ids[i] != kNone && (subject_mask[ids[i]] & stage_mask_[t]) != 0) {
            q = i == 0 ? 1 : 2;
          }
        }
      }
      if (q == 0) return;
      const int from = orig_[t];
      if (metres_from[from] < 0) {
        metres_from[from] = SchoolDistanceMetres(*schools_[from], *schools_[s]);
      }
      // As competitive hiring's county allocation: per km, pro rata.
      v.push_back({t, metres_from[from] * ep_.allocation_cost_per_km / 1000 +
                          (q == 2 ? secondary : 0)});
    };
    std::fill(metres_from.begin(), metres_from.end(), -1);
    for (int c = 0; c < kNumClasses; ++c) {
      if (!DirectionAllows(c, school_class_[s])) continue;
      for (int t : waiting_of_class[c]) take(t);
    }
    for (auto [id, mask] : school_subjects_[s]) subject_mask[id] = 0;
    // By cost, then teacher: as one integer key when both fit (they do
    // unless the county has 2^24 teachers), which sorts much faster.
    constexpr int kTeacherBits = 24;
    const bool packed =
        nt < (1 << kTeacherBits) &&
        std::all_of(v.begin(), v.end(), [](const AssignmentOption& o) {
          return o.cost < (int64_t{1} << (64 - kTeacherBits - 1));
        });
    if (packed) {
      keys.clear();
      for (const AssignmentOption& o : v) {
        keys.push_back(static_cast<uint64_t>(o.cost) << kTeacherBits |
                       static_cast<uint64_t>(o.post));
      }
      std::sort(keys.begin(), keys.end());
      for (size_t i = 0; i < keys.size(); ++i) {
        v[i] = {static_cast<int>(keys[i] & ((1u << kTeacherBits) - 1)),
                static_cast<int64_t>(keys[i] >> kTeacherBits)};
      }
    } else {
      std::sort(v.begin(), v.end(),
                [](const AssignmentOption& a, const AssignmentOption& b) {
                  return a.cost != b.cost ? a.cost < b.cost : a.post < b.post;
                });
    }
  };
  std::vector<int64_t> count(ns, 0);
  for (int t = 0; t < nt; ++t) ++count[cur_[t]];
  std::vector<int> member_of(nt, kNone);
  while (!waiting.empty()) {
    // Free seats, and the waiting movers who can take one of them.
    std::vector<int> school_of_post;
    std::vector<int64_t> capacity;
    std::vector<std::vector<AssignmentOption>> by_post;  // post = member
    std::vector<int> members;
    int64_t seats = 0;
    for (int s = 0; s < ns; ++s) {
      if (count[s] >= limit_[s]) continue;
      if (!built[s]) build(s);
      std::vector<AssignmentOption> v;
      for (AssignmentOption o : takers[s]) {
        const int t = o.post;
        if (!is_waiting[t]) continue;
        if (member_of[t] == kNone) {
          member_of[t] = static_cast<int>(members.size());
          members.push_back(t);
        }
        v.push_back({member_of[t], o.cost});
      }
      if (v.empty()) continue;
      school_of_post.push_back(s);
      capacity.push_back(limit_[s] - count[s]);
      seats += capacity.back();
      by_post.push_back(std::move(v));
    }
    if (members.empty()) break;
    const int np = static_cast<int>(capacity.size());
    const int nm = static_cast<int>(members.size());
    // The most movers placed, then the least cost, exactly as SolveAssignment
    // over every option with no unassigned option would give, by pricing the
    // long option lists (engine/rules/internal/priced_assignment.h). The
    // matching reads the same from either side, and the solver is fastest
    // when the side it places one by one is the smaller: when free seats
    // are fewer than movers, each seat is placed at a mover instead (every
    // mover a post of capacity 1).
    std::vector<int> school_of_member(nm, kNone);
    if (seats < nm) {
      std::vector<std::vector<AssignmentOption>> seat_options;
      std::vector<int> post_of_seat;
      for (int p = 0; p < np; ++p) {
        for (int64_t i = 0; i < capacity[p]; ++i) {
          seat_options.push_back(by_post[p]);
          post_of_seat.push_back(p);
        }
      }
      ROTA_ASSIGN_OR_RETURN(internal::PricedAssignmentResult r,
                            internal::SolvePricedAssignment(
                                std::vector<int64_t>(nm, 1), seat_options));
      for (size_t u = 0; u < post_of_seat.size(); ++u) {
        const int k = r.post_of_teacher[u];
        if (k != kUnassigned)
          school_of_member[k] = school_of_post[post_of_seat[u]];
      }
    } else {
      std::vector<std::vector<AssignmentOption>> options(nm);
      for (int p = 0; p < np; ++p) {
        for (AssignmentOption o : by_post[p]) {
          options[o.post].push_back({p, o.cost});
        }
      }
      for (auto& v : options) {
        // By cost, ties by school (posts are in school order).
        std::stable_sort(
            v.begin(), v.end(),
            [](const AssignmentOption& a, const AssignmentOption& b) {
              return a.cost < b.cost;
            });
      }
      ROTA_ASSIGN_OR_RETURN(internal::PricedAssignmentResult r,
                            internal::SolvePricedAssignment(capacity, options));
      for (int k = 0; k < nm; ++k) {
        const int p = r.post_of_teacher[k];
        if (p != kUnassigned) school_of_member[k] = school_of_post[p];
      }
    }
    bool progress = false;
    for (int k = 0; k < nm; ++k) {
      const int t = members[k];
      member_of[t] = kNone;
      const int s = school_of_member[k];
      if (s == kNone) continue;
      cur_[t] = s;
      phase_[t] = Phase::kAllocation;
      progress = true;
    }
    if (!progress) break;
    // The movers just placed freed their seats: offered first to those who
    // listed them (FreedSeats), then the allocation goes on with the rest.
    ROTA_RETURN_IF_ERROR(FreedSeats());
    std::fill(count.begin(), count.end(), 0);
    for (int t = 0; t < nt; ++t) ++count[cur_[t]];
    std::vector<int> still;
    for (int t : waiting) {
      is_waiting[t] = cur_[t] == orig_[t] ? 1 : 0;
      if (is_waiting[t]) still.push_back(t);
    }
    waiting.swap(still);
  }
  return absl::OkStatus();
}

}  // namespace rota::engine::rules::exchange_internal
