// The leadership rotation of the exchange rotation run (exchange_rotation.h
// step 2b): principals and vice-principals are posts, not ordinary seats.
//
// Per role (principals, vice-principals) the leaders who change school in
// this run form a closed market: the members are the leaders pinned to
// another school by a lock or override and the leaders who must rotate and
// are picked within the annual cap; the seats are the members' own
// leadership seats, one each. Every member takes one seat: her own (she
// stays) or another member's at a school her rules allow, so the moves are
// swaps and cycles and every school ends with as many principals and
// vice-principals as it had. Among all such assignments the run takes the
// one that moves the most leaders, then the least cost: the rank of the
// school in her preference list (unlisted schools after every listed one),
// then the distance in km. It is solved exactly as a min-cost assignment
// (engine/min_cost_flow.h) in which staying costs more than all moves
// together. Staff counts never change (a leader leaves for every one who
// arrives), so the later phases see the same school limits.
#include "engine/rules/hard_rule.h"
#include "engine/rules/internal/exchange_rotation_run.h"

namespace rota::engine::rules::exchange_internal {
namespace {

constexpr std::string_view kRoleName[2] = {"principal", "vice-principal"};
constexpr std::string_view kRolePlural[2] = {"principals", "vice-principals"};
constexpr std::string_view kRoleZh[2] = {"校长", "副校长"};

}  // namespace

int Run::LeaderRole(int t) const {
  switch (teachers_[t]->role) {
    case Role::kPrincipal:
      return 0;
    case Role::kVicePrincipal:
      return 1;
    default:
      return kNone;
  }
}

bool Run::LeaderDirectionAllows(int from_class, int to_class) const {
  const bool from_rural = IsRural(static_cast<Locality>(from_class / 2));
  const bool to_rural = IsRural(static_cast<Locality>(to_class / 2));
  const bool from_weak = from_class % 2 == 1, to_weak = to_class % 2 == 1;
  for (LeaderDirection d : ep_.leader_directions) {
    switch (d) {
      case LeaderDirection::kUrbanRuralExchange:
        if (from_rural != to_rural) return true;
        break;
      case LeaderDirection::kStrongWeakExchange:
        if (from_weak != to_weak) return true;
        break;
      case LeaderDirection::kAnySchool:
        return true;
    }
  }
  return false;
}

bool Run::LeaderQualified(int t, int s) const {
  return (school_stage_mask_[s] & stage_mask_[t]) != 0;
}

bool Run::LeaderAllowed(int t, int s) const {
  return s != orig_[t] && TargetOpen(t, s) &&
         LeaderDirectionAllows(school_class_[orig_[t]], school_class_[s]) &&
         LeaderQualified(t, s);
}

absl::Status Run::RotateLeaders() {
  const int nt = static_cast<int>(teachers_.size());
  auto error = [&](int t, std::string_view rule, const std::string& what) {
    return HardRuleError({.teacher = TeacherId(t),
                          .rule = std::string(rule),
                          .is_override = pin_override_[t] != 0,
                          .sentence = what});
  };
  for (int r = 0; r < 2; ++r) {
    const std::string role(kRoleName[r]), plural(kRolePlural[r]);
    std::vector<int> pinned, candidates;
    std::vector<int64_t> at_school(schools_.size(), 0);
    for (int t = 0; t < nt; ++t) {
      if (LeaderRole(t) != r) continue;
      ++leader_total_[r];
      ++at_school[orig_[t]];
      if (pin_target_[t] != kNone) {
        // A return home at the end of a term exchange is not a rotation:
        // she takes back the seat her personnel relation kept.
        if (pin_target_[t] != orig_[t] && !returning_[t]) pinned.push_back(t);
      } else if (status_[t] == Status::kPrincipalRotate) {
        candidates.push_back(t);
      }
    }
    leader_cap_[r] = ep_.leader_rotation_cap_percent * leader_total_[r] / 100;
    for (int t : pinned) {
      if (!LeaderQualified(t, pin_target_[t])) {
        return error(t, "qualification",
                     absl::StrCat("school \"", Name(pin_target_[t]),
                                  "\" teaches no stage ", P(t).his,
                                  " certificate covers"));
      }
      if (at_school[pin_target_[t]] == 0) {
        return error(t, "leadership",
                     absl::StrCat("school \"", Name(pin_target_[t]),
                                  "\" has no ", role, ", so no ", role,
                                  " seat to take there: every school keeps "
                                  "the number of ",
                                  plural, " it has"));
      }
    }
    if (static_cast<int64_t>(pinned.size()) > leader_cap_[r]) {
      return error(
          pinned[leader_cap_[r]], "leadership cap",
          absl::StrCat(pinned.size(), " ", plural,
                       " are locked or overridden to another "
                       "school, above the annual cap of ",
                       leader_cap_[r], " (", ep_.leader_rotation_cap_percent,
                       "% of ", leader_total_[r], ")"));
    }
    // A leader for whom no seat could be vacated (no other leader of her
    // role who must rotate or is pinned elsewhere is at a school she may
    // take) stays whatever the cap: she is not picked, so her place within
    // the cap goes to someone who may move.
    {
      std::vector<int> partners = candidates;
      partners.insert(partners.end(), pinned.begin(), pinned.end());
      std::vector<int> open;
      for (int t : candidates) {
        int n = 0;
        for (int x : partners) {
          if (orig_[x] != orig_[t] && LeaderAllowed(t, orig_[x])) ++n;
        }
        leader_partners_[t] = n;
        if (n > 0) {
          open.push_back(t);
        } else {
          mandatory_[t] = 1;  // UNPLACED, with that reason
        }
      }
      candidates.swap(open);
    }
    // The cap picks who rotates: selection order, then the lottery.
    std::vector<std::vector<int64_t>> keys(nt);
    for (int t : candidates) keys[t] = SelectionKey(t);
    std::sort(candidates.begin(), candidates.end(), [&](int a, int b) {
      if (keys[a] != keys[b]) return keys[a] < keys[b];
      if (draw_[a] != draw_[b]) return draw_[a] < draw_[b];
      return a < b;
    });
    const size_t room = static_cast<size_t>(
        leader_cap_[r] - static_cast<int64_t>(pinned.size()));
    std::vector<int> members = pinned;
    for (size_t i = 0; i < candidates.size(); ++i) {
      const int t = candidates[i];
      if (i < room) {
        members.push_back(t);
        mandatory_[t] = 1;
      } else {
        leader_capped_[t] = 1;
      }
    }
    if (members.empty()) continue;
    std::sort(members.begin(), members.end());  // id order
    const int n = static_cast<int>(members.size());

    // Options: seat k is members[k]'s seat at her school.
    struct Option {
      int seat;
      int64_t rank, km;
    };
    std::vector<std::vector<Option>> options(n);
    int64_t max_rank = 0, max_km = 0;
    for (int k = 0; k < n; ++k) {
      const int t = members[k];
      const bool is_pinned = pin_target_[t] != kNone;
      for (int j = 0; j < n; ++j) {
        const int s = orig_[members[j]];
        if (j == k || s == orig_[t]) continue;
        if (is_pinned ? s != pin_target_[t] : !LeaderAllowed(t, s)) continue;
        Option o{j, 0, 0};
        if (!is_pinned) {
          const std::vector<int>& list = app_schools_[t];
          o.rank = std::find(list.begin(), list.end(), s) - list.begin();
          // Whole km, rounded (SchoolDistanceMetres, county.h).
          o.km =
              (SchoolDistanceMetres(*schools_[orig_[t]], *schools_[s]) + 500) /
              1000;
        }
        max_rank = std::max(max_rank, o.rank);
        max_km = std::max(max_km, o.km);
        options[k].push_back(o);
      }
      if (!is_pinned) leader_options_[t] = static_cast<int>(options[k].size());
      if (is_pinned && options[k].empty()) {
        return error(
            t, "leadership",
            absl::StrCat("no ", role, " of school \"", Name(pin_target_[t]),
                         "\" leaves in this run (not due to rotate, beyond "
                         "the annual cap, or locked in place), so no ",
                         role, " seat is free there: a ", role,
                         " moves only into the seat of a ", role,
                         " who leaves"));
      }
    }
    // Rank before distance; staying costs more than every move together, so
    // the least cost moves the most leaders. Distance is dropped if the
    // costs would not fit the solver's range (never in a real county).
    int64_t km_weight = 1, rank_weight = max_km + 1;
    if ((max_rank + 1) * rank_weight * (n + 1) >= kMaxFlowCost) {
      km_weight = 0;
      rank_weight = 1;
    }
    const int64_t max_move = max_rank * rank_weight + max_km * km_weight;
    ROTA_CHECK((max_move + 1) * (n + 1) < kMaxFlowCost);
    const int64_t stay = (max_move + 1) * (n + 1);
    engine::AssignmentProblem problem;
    for (int k = 0; k < n; ++k) problem.AddPost(1);
    std::vector<AssignmentOption> list;
    for (int k = 0; k < n; ++k) {
      list.clear();
      if (pin_target_[members[k]] == kNone) list.push_back({k, stay});
      for (const Option& o : options[k]) {
        list.push_back({o.seat, o.rank * rank_weight + o.km * km_weight});
      }
      problem.AddTeacher(list);
    }
    ROTA_ASSIGN_OR_RETURN(engine::AssignmentResult result,
                          engine::SolveAssignment(problem));
    if (result.status != engine::FlowStatus::kOptimal) {
      // Only pins can make it infeasible: without them everyone may stay.
      return error(
          pinned.front(), "leadership",
          absl::StrCat("every school must end with as many ", plural,
                       " as it had, and the ", plural,
                       " who leave in this run cannot fill the seats left by "
                       "the locked and overridden ones (leader directions and "
                       "certificate stages)"));
    }
    for (int k = 0; k < n; ++k) {
      const int t = members[k];
      const int s = orig_[members[result.post_of_teacher[k]]];
      if (pin_target_[t] != kNone) {
        ROTA_CHECK(s == pin_target_[t]);
      } else if (s != orig_[t]) {
        cur_[t] = s;
        phase_[t] = Phase::kLeadership;
      }
    }
  }
  return absl::OkStatus();
}

Text Run::LeaderSentence(int t, Reason* code) const {
  *code = Reason::kNone;
  if (status_[t] != Status::kPrincipalRotate) return {};
  if (pin_target_[t] != kNone) {
    *code = Reason::kPinned;
    return {"placement fixed by a lock or override", "去向已由人工锁定或调整"};
  }
  const int r = LeaderRole(t);
  const std::string cap = absl::StrCat(
      "the annual cap of ", leader_cap_[r], " ", Sv(kRolePlural[r]), " (",
      ep_.leader_rotation_cap_percent, "% of ", leader_total_[r], ")");
  const std::string cap_zh = absl::StrCat(
      "年度", Sv(kRoleZh[r]), "交流上限 ", leader_cap_[r], " 人（",
      leader_total_[r], " 人的 ", ep_.leader_rotation_cap_percent, "%）");
  const char* zh = P(t).zh;
  if (leader_partners_[t] == 0) {
    *code = Reason::kLeaderNoVacatableSeat;
    return {
        absl::StrCat(
            "must rotate under the principal rule; not counted against ", cap,
            ": no seat of ", P(t).his, " role can be vacated for ", P(t).him),
        absl::StrCat("按校级领导任职期满规定须交流；不计入", cap_zh,
                     "：没有同职务的岗位能为", zh, "腾出")};
  }
  if (leader_capped_[t]) {
    *code = Reason::kLeaderBeyondCap;
    return {absl::StrCat(
                "must rotate under the principal rule but not selected: ", cap,
                " is taken by locks, overrides and ", Sv(kRolePlural[r]),
                " picked before ", P(t).him, " (selection order then lottery)"),
            absl::StrCat("按校级领导任职期满规定须交流，但未被确定：", cap_zh,
                         "已由人工锁定、调整及排在", zh, "之前的",
                         Sv(kRoleZh[r]), "占满（先按遴选顺序，再抽签）")};
  }
  *code = Reason::kLeaderWithinCap;
  return {absl::StrCat("must rotate under the principal rule; selected within ",
                       cap, " (selection order then lottery)"),
          absl::StrCat("按校级领导任职期满规定须交流；在", cap_zh,
                       "内被确定（先按遴选顺序，再抽签）")};
}

Text Run::LeaderStayReason(int t, Reason* code) const {
  const int r = LeaderRole(t);
  const std::string role(kRoleName[r]);
  const std::string_view role_zh = kRoleZh[r];
  const std::string where =
      absl::StrCat("at a school in an allowed leader direction (",
                   LeaderDirectionsText(", "), ") teaching a stage ", P(t).his,
                   " certificate covers");
  const std::string where_zh =
      absl::StrCat("符合领导交流方向（", LeaderDirectionsZh(), "）且开设",
                   P(t).zh, "资格证所含学段的学校");
  const std::string stays_zh =
      absl::StrCat("须交流但留任 ", teachers_[t]->school, "：");
  if (leader_partners_[t] <= 0) {
    *code = Reason::kLeaderNoPartner;
    return {
        absl::StrCat("must rotate but stays at ", teachers_[t]->school,
                     ": no other ", role,
                     " who must rotate this year (or is moved by a lock or "
                     "override) is ",
                     where, ", so no ", role, " seat can be vacated for ",
                     P(t).him, "; a ", role, " moves only into the seat of a ",
                     role, " who leaves"),
        absl::StrCat(stays_zh,
                     "本年度没有其他须交流（或经人工锁定、调整而调动）的",
                     Sv(role_zh), "在", where_zh, "任职，无法为", P(t).zh,
                     "腾出", Sv(role_zh), "岗位；", Sv(role_zh), "只能调入离任",
                     Sv(role_zh), "空出的岗位")};
  }
  if (leader_options_[t] <= 0) {
    *code = Reason::kLeaderNoSeatVacated;
    return {absl::StrCat("must rotate but stays at ", teachers_[t]->school,
                         ": no ", role, " seat vacated in this run is ", where,
                         "; the ", leader_partners_[t], " ", Sv(kRolePlural[r]),
                         " who could make room for ", P(t).him,
                         " are beyond the annual cap or have no seat they may "
                         "take themselves"),
            absl::StrCat(stays_zh, "本轮空出的", Sv(role_zh), "岗位都不在",
                         where_zh, "；可为", P(t).zh, "腾出岗位的 ",
                         leader_partners_[t], " 名", Sv(role_zh),
                         "超出年度上限，或自身无岗位可去")};
  }
  *code = Reason::kLeaderNoCycle;
  return {absl::StrCat(
              "must rotate but stays at ", teachers_[t]->school, ": ",
              leader_options_[t], " ", role,
              " seats vacated in this run would suit ", P(t).him,
              ", but the exchange of leadership seats that moves the most ",
              Sv(kRolePlural[r]), " has no swap or cycle through ", P(t).him),
          absl::StrCat(stays_zh, "本轮空出的 ", leader_options_[t], " 个",
                       Sv(role_zh), "岗位适合", P(t).zh, "，但使交流",
                       Sv(role_zh), "人数最多的岗位对调方案中，没有包含",
                       P(t).zh, "的互换或循环对调")};
}

std::string Run::LeaderDirectionsZh() const {
  std::vector<std::string> dirs;
  for (LeaderDirection d : ep_.leader_directions) {
    dirs.push_back(std::string(internal::LeaderDirectionZh(d)));
  }
  return absl::StrJoin(dirs, "或");
}

std::string Run::LeaderDirectionsText(std::string_view separator) const {
  std::vector<std::string> dirs;
  for (LeaderDirection d : ep_.leader_directions) {
    dirs.push_back(std::string(LeaderDirectionName(d)));
  }
  return absl::StrJoin(dirs, Sv(separator));
}

void Run::ExplainLeaderChoice(int t, int s, ChoiceExplanation* c) const {
  Reason unused;
  const int r = LeaderRole(t);
  const std::string role(kRoleName[r]);
  const std::string_view role_zh = kRoleZh[r];
  const char* zh = P(t).zh;
  auto set = [&](Verdict v, Text sentence) {
    c->verdict = v;
    c->sentence = std::move(sentence.en);
    c->sentence_zh = std::move(sentence.zh);
  };
  if (status_[t] != Status::kPrincipalRotate) {
    set(Verdict::kQuota,
        {absl::StrCat("leadership seats change hands only under the principal "
                      "rule, and ",
                      P(t).he, " is ", status_reason_[t].en),
         absl::StrCat("校级领导岗位只按任职期满交流规定调整，而", zh,
                      "的情况是：", status_reason_[t].zh)});
    return;
  }
  if (s == orig_[t]) {
    const Text stay = LeaderStayReason(t, &unused);
    set(Verdict::kQuota,
        {absl::StrCat(P(t).he, " must rotate, so ", P(t).his,
                      " own seat is not a choice; ", stay.en),
         absl::StrCat(zh, "须交流，不能选择本校原岗位；", stay.zh)});
    return;
  }
  if (leader_capped_[t]) {
    set(Verdict::kQuota, LeaderSentence(t, &unused));
    return;
  }
  const School& sc = *schools_[s];
  if (!LeaderQualified(t, s)) {
    set(Verdict::kNotQualified,
        {absl::StrCat(c->choice, " teaches no stage ", P(t).his,
                      " certificate covers"),
         absl::StrCat(c->choice, " 没有", zh, "资格证所含的学段")});
    return;
  }
  if (!LeaderDirectionAllows(school_class_[orig_[t]], school_class_[s])) {
    const School& own = *schools_[orig_[t]];
    set(Verdict::kDirection,
        {absl::StrCat("a ", role, " rotates only by ",
                      LeaderDirectionsText(" or "), " (leader_directions); ",
                      c->choice, " is ", Sv(LocalityName(sc.locality)),
                      sc.weak ? " (weak)" : "", " and ", P(t).his,
                      " school is ", Sv(LocalityName(own.locality)),
                      own.weak ? " (weak)" : ""),
         absl::StrCat(Sv(role_zh), "只能按", LeaderDirectionsZh(), "交流；",
                      c->choice, " 属于", Sv(internal::LocalityZh(sc.locality)),
                      internal::WeakZh(sc.weak), "，", zh, "所在学校属于",
                      Sv(internal::LocalityZh(own.locality)),
                      internal::WeakZh(own.weak))});
    return;
  }
  // Leaders of her role move in swaps and cycles: a seat at s was vacated
  // exactly when one of them arrived there.
  int arrived = kNone, stayed = kNone;
  for (int x : occupants_[s]) {
    if (LeaderRole(x) != r) continue;
    if (orig_[x] != s && arrived == kNone) arrived = x;
    if (orig_[x] == s && stayed == kNone) stayed = x;
  }
  if (arrived != kNone) {
    c->competitor = TeacherId(arrived);
    c->competitor_points = points_[arrived].total;
    set(Verdict::kFull,
        {absl::StrCat("the ", role, " seat vacated at ", c->choice, " went to ",
                      c->competitor,
                      ": the exchange of leadership seats moves the most ",
                      Sv(kRolePlural[r]),
                      ", then follows preferences, then distance"),
         absl::StrCat(
             c->choice, " 空出的", Sv(role_zh), "岗位由 ", c->competitor,
             " 调入：领导岗位对调先使交流人数最多，再按志愿，再按路程")});
  } else if (stayed != kNone) {
    c->competitor = TeacherId(stayed);
    c->competitor_points = points_[stayed].total;
    c->competitor_by_tenure = true;
    set(Verdict::kFull,
        {absl::StrCat("no ", role, " seat at ", c->choice,
                      " is vacated in this run: its ", role, " ", c->competitor,
                      " stays"),
         absl::StrCat(c->choice, " 本轮没有空出", Sv(role_zh), "岗位：该校",
                      Sv(role_zh), " ", c->competitor, " 留任")});
  } else {
    set(Verdict::kNotReached,
        {absl::StrCat(c->choice, " has no ", role, ", so no ", role, " seat"),
         absl::StrCat(c->choice, " 没有", Sv(role_zh), "，因而没有",
                      Sv(role_zh), "岗位")});
  }
}

void Run::AddLeaderQuota(RoundOutcome* out) const {
  const int nt = static_cast<int>(teachers_.size());
  int64_t due = 0, moved = 0;
  std::vector<std::string> capped, no_partner, no_seat, no_cycle, pinned;
  for (int t = 0; t < nt; ++t) {
    if (status_[t] != Status::kPrincipalRotate) continue;
    ++due;
    if (cur_[t] != orig_[t]) {
      ++moved;
    } else if (pin_target_[t] != kNone) {
      pinned.push_back(TeacherId(t));
    } else if (leader_capped_[t]) {
      capped.push_back(TeacherId(t));
    } else if (leader_partners_[t] <= 0) {
      no_partner.push_back(TeacherId(t));
    } else if (leader_options_[t] <= 0) {
      no_seat.push_back(TeacherId(t));
    } else {
      no_cycle.push_back(TeacherId(t));
    }
  }
  const std::string caps = absl::StrCat(
      "annual cap ", ep_.leader_rotation_cap_percent, "%: ", leader_cap_[0],
      " of ", leader_total_[0], " principals, ", leader_cap_[1], " of ",
      leader_total_[1], " vice-principals");
  const std::string caps_zh =
      absl::StrCat("年度交流上限 ", ep_.leader_rotation_cap_percent, "%：校长 ",
                   leader_total_[0], " 人中 ", leader_cap_[0], " 人，副校长 ",
                   leader_total_[1], " 人中 ", leader_cap_[1], " 人");
  if (due > 0) {
    QuotaLine q;
    q.scope = "county";
    q.quota_code = QuotaCode::kPrincipalRotation;
    q.quota = std::string(QuotaName(q.quota_code));
    q.required = due;
    q.achieved = moved;
    q.holds = moved == due;
    if (!q.holds) {
      std::vector<std::string> parts, parts_zh;
      if (!capped.empty()) {
        parts.push_back(
            absl::StrCat("beyond the ", caps, ": ", ListHead(capped)));
        parts_zh.push_back(
            absl::StrCat("超出", caps_zh, "：", ListHead(capped)));
      }
      if (!no_partner.empty()) {
        parts.push_back(absl::StrCat(
            "no other leader of their role who must rotate is at a school in "
            "an allowed leader direction teaching their stages: ",
            ListHead(no_partner)));
        parts_zh.push_back(
            absl::StrCat("符合领导交流方向且开设其学段的学校中，没有其他须交流"
                         "的同职务领导：",
                         ListHead(no_partner)));
      }
      if (!no_seat.empty()) {
        parts.push_back(absl::StrCat(
            "the leaders who could make room for them are beyond the cap or "
            "cannot move themselves: ",
            ListHead(no_seat)));
        parts_zh.push_back(absl::StrCat(
            "可为其腾出岗位的领导超出上限或自身无法调动：", ListHead(no_seat)));
      }
      if (!no_cycle.empty()) {
        parts.push_back(absl::StrCat(
            "in no swap or cycle of the exchange that moves the most "
            "leaders: ",
            ListHead(no_cycle)));
        parts_zh.push_back(absl::StrCat("未进入交流人数最多的岗位对调方案：",
                                        ListHead(no_cycle)));
      }
      if (!pinned.empty()) {
        parts.push_back(
            absl::StrCat("kept by lock/override: ", ListHead(pinned)));
        parts_zh.push_back(
            absl::StrCat("经人工锁定或调整留任：", ListHead(pinned)));
      }
      q.reason =
          absl::StrCat(due - moved, " not moved; ", absl::StrJoin(parts, "; "));
      q.reason_zh = absl::StrCat(due - moved, " 人未交流；",
                                 absl::StrJoin(parts_zh, "；"));
    }
    out->quotas.push_back(std::move(q));
  }
  AddNote(out,
          {absl::StrCat(
               "leaders: a principal or vice-principal moves only into a seat "
               "of ",
               legacy_pronouns_ ? "her" : "their",
               " role vacated in this run (swaps and cycles; every school "
               "keeps its leadership), by ",
               LeaderDirectionsText(" or "), "; ", caps),
           absl::StrCat("校级领导：校长、副校长只能调入本轮同职务领导离任空出的"
                        "岗位（互换或循环对调，各校领导职数不变），按",
                        LeaderDirectionsZh(), "；", caps_zh)});
}

}  // namespace rota::engine::rules::exchange_internal
