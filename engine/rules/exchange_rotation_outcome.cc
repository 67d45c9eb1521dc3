// The exchange rotation outcome: explanations, eligibility entries, quota
// lines and notes.
#include "engine/rules/internal/exchange_rotation_run.h"

namespace rota::engine::rules::exchange_internal {

Text Run::SelectionSentence(int t, Reason* code) const {
  *code = Reason::kNone;
  if (leader_[t]) return LeaderSentence(t, code);
  if (status_[t] != Status::kEligible) return {};
  if (pin_target_[t] != kNone) {
    *code = Reason::kPinned;
    return {"placement fixed by a lock or override", "去向已由人工锁定或调整"};
  }
  if (cur_[t] != orig_[t] && !mandatory_[t]) {
    *code = Reason::kMovedVoluntarily;
    return {"moved voluntarily; counts towards the rotation share",
            "自愿交流；计入交流比例"};
  }
  const char* zh = P(t).zh;
  if (mandatory_[t]) {
    *code = Reason::kSelected;
    const bool backbone = IsBackbone(teachers_[t]->backbone);
    return {absl::StrCat("selected to rotate (", backbone ? "backbone; " : "",
                         "selection order then lottery)"),
            absl::StrCat("被确定为交流对象（", backbone ? "骨干教师；" : "",
                         "先按遴选顺序，再抽签）")};
  }
  if (no_share_[t]) {
    *code = Reason::kShareNotCarried;
    const School& sc = *schools_[orig_[t]];
    return {absl::StrCat(
                "not selected: ", P(t).his, " school (",
                Sv(LocalityName(sc.locality)), sc.weak ? ", weak" : "",
                ") does not carry the rotation share (policy share_localities, "
                "weak_schools_carry_share); ",
                P(t).he, " may apply voluntarily"),
            absl::StrCat("未被确定为交流对象：", zh, "所在学校（",
                         Sv(internal::LocalityZh(sc.locality)),
                         sc.weak ? "，薄弱学校" : "",
                         "）按本县政策不承担交流比例；", zh, "可自愿申请交流")};
  }
  if (no_target_[t]) {
    *code = Reason::kNoTargetInDirection;
    return {
        "not selected: no qualified school lies in an allowed direction "
        "for a mandatory move",
        absl::StrCat("未被确定为交流对象：符合指令交流方向的学校中，没有", zh,
                     "可任教的学校")};
  }
  *code = Reason::kShareMet;
  return {absl::StrCat(
              "not selected: the rotation share was met by teachers picked "
              "before ",
              P(t).him, " (selection order then lottery)"),
          absl::StrCat("未被确定为交流对象：排在", zh,
                       "之前的教师已满足交流比例（先按遴选顺序，再抽签）")};
}

Route Run::RouteOf(int t) const {
  switch (phase_[t]) {
    case Phase::kPin:
      return pin_override_[t] ? Route::kOverride : Route::kLock;
    case Phase::kVoluntary:
      return mechanism_ == VoluntaryMechanism::kTeacherOptimalBlockExchange
                 ? Route::kVoluntaryToBe
                 : Route::kVoluntaryDaStar;
    case Phase::kVoluntaryFreeSeats:
      return Route::kVoluntaryAfterToBe;
    case Phase::kMandatoryPreference:
      return Route::kMandatoryByPreference;
    case Phase::kAllocation:
      return Route::kCountyAllocation;
    case Phase::kFreedSeats:
      return Route::kFreedSeats;
    case Phase::kReturn:
      return Route::kTermReturn;
    case Phase::kLeadership:
      return Route::kLeadershipMarket;
    case Phase::kStay:
      break;
  }
  return Route::kNone;
}

std::string Run::Via(int t) const {
  return std::string(RouteSentence(RouteOf(t)));
}

TeacherExplanation Run::Explain(int t) const {
  TeacherExplanation e;
  e.teacher = TeacherId(t);  // points_breakdown: moved in by Finish
  AddNote(&e, status_reason_[t]);
  const Text& sel = selection_[t];
  if (!sel.empty()) AddNote(&e, sel);
  if (pin_target_[t] != kNone && !returning_[t]) {
    AddNote(&e, {absl::StrCat(pin_override_[t] ? "override" : "lock", ": ",
                              pin_reason_[t]),
                 absl::StrCat(pin_override_[t] ? "人工调整" : "人工锁定", "：",
                              pin_reason_[t])});
  }
  if (obligation_[t].has_value()) {
    AddNote(&e,
            {absl::StrCat(ObligationSentence(*obligation_[t]),
                          ": until it is served ", P(t).he,
                          " may move only to a rural school or teaching "
                          "point"),
             absl::StrCat(ObligationSentenceZh(*obligation_[t]), "：服务期满前",
                          P(t).zh, "只能调往乡村学校或教学点")});
  }
  if (app_[t] == nullptr) return e;
  const Pronouns pr = P(t);
  const int f = cur_[t];
  const bool mand = mandatory_[t] != 0;
  // A mandatory mover left at her own school did not "get" it even if she
  // listed it: she is unplaced, and every choice gets its real verdict.
  const bool unplaced = mand && f == orig_[t];
  int got_rank = 0;
  for (size_t i = 0; i < app_schools_[t].size() && !unplaced; ++i) {
    if (app_schools_[t][i] == f) got_rank = static_cast<int>(i) + 1;
  }
  int own_rank = 0;
  for (size_t i = 0; i < app_schools_[t].size(); ++i) {
    if (app_schools_[t][i] == orig_[t]) own_rank = static_cast<int>(i) + 1;
  }
  const bool vol = app_[t]->voluntary && status_[t] != Status::kExempt;
  const std::vector<int64_t>& count = final_count_;
  for (size_t i = 0; i < app_schools_[t].size(); ++i) {
    const int s = app_schools_[t][i];
    const int rank = static_cast<int>(i) + 1;
    ChoiceExplanation c;
    c.choice = Name(s);
    c.rank = rank;
    c.teacher_points = points_[t].total;
    c.admitted = static_cast<int32_t>(count[s]);
    const School& sc = *schools_[s];
    auto set = [&](Verdict v, Text sentence) {
      c.verdict = v;
      c.sentence = std::move(sentence.en);
      c.sentence_zh = std::move(sentence.zh);
    };
    const char* zh = pr.zh;
    if (s == f && !unplaced) {
      set(Verdict::kGot, s == orig_[t]
                             ? Text{absl::StrCat(pr.he, " stays at ", c.choice),
                                    absl::StrCat(zh, "留任 ", c.choice)}
                             : Text{absl::StrCat("placed at ", c.choice,
                                                 " (choice ", rank, ")"),
                                    absl::StrCat("调往 ", c.choice, "（第 ",
                                                 rank, " 志愿）")});
    } else if (got_rank > 0 && rank > got_rank) {
      set(Verdict::kBetterChoiceHeld,
          {absl::StrCat(pr.he, " holds ", Name(f), ", ", pr.his, " choice ",
                        got_rank),
           absl::StrCat(zh, "已获第 ", got_rank, " 志愿 ", Name(f))});
    } else if (status_[t] == Status::kExempt) {
      set(Verdict::kExempt, {absl::StrCat(pr.he, " is exempt and never moves"),
                             absl::StrCat(zh, "依规免于交流，不作调动")});
    } else if (returning_[t]) {
      set(Verdict::kNotReached, status_reason_[t]);
    } else if (pin_target_[t] != kNone) {
      set(Verdict::kNotReached,
          {absl::StrCat(pr.his, " placement is fixed by ",
                        pin_override_[t] ? "an override" : "a lock", ": ",
                        pin_reason_[t]),
           absl::StrCat(zh, "的去向已由",
                        pin_override_[t] ? "人工调整" : "人工锁定", "确定：",
                        pin_reason_[t])});
    } else if (leader_[t]) {
      ExplainLeaderChoice(t, s, &c);
    } else if (Qualification(t, s) == 0) {
      set(Verdict::kNotQualified,
          {absl::StrCat(c.choice, " has no post for ", pr.his, " subjects (",
                        absl::StrJoin(teachers_[t]->subjects, ", "),
                        ") at a stage ", pr.his, " certificate covers"),
           absl::StrCat(
               c.choice, " 在", zh, "资格证所含学段没有", zh, "任教学科（",
               absl::StrJoin(teachers_[t]->subjects, "、"), "）的岗位")});
    } else if (s != orig_[t] && !TargetOpen(t, s)) {
      set(obligation_[t].has_value() && in_scope_[s] ? Verdict::kDirection
                                                     : Verdict::kNotReached,
          TargetProblem(t, s));
    } else if (s == orig_[t]) {
      set(Verdict::kQuota,
          mand ? Text{absl::StrCat(pr.he, " must rotate, so ", pr.he,
                                   " cannot stay at ", pr.his, " own school"),
                      absl::StrCat(zh, "须交流，不能留在本校")}
               : Text{absl::StrCat(pr.he, " could not stay at ", pr.his,
                                   " own school"),
                      absl::StrCat(zh, "未能留在本校")});
    } else {
      const bool vol_considered =
          vol && (own_rank == 0 || rank < own_rank) && VoluntaryAllowed(t, s);
      const bool mand_considered = mand && MandatoryAllowed(t, s);
      if (!vol_considered && !mand_considered) {
        if (vol && own_rank > 0 && rank > own_rank) {
          set(Verdict::kNotReached,
              {absl::StrCat("listed after ", pr.his, " own school (choice ",
                            own_rank, "): staying ranks above it"),
               absl::StrCat("排在", zh, "本校（第 ", own_rank,
                            " 志愿）之后：留任本校优先")});
        } else if (mand && !MandatoryAllowed(t, s)) {
          const School& own = *schools_[orig_[t]];
          set(Verdict::kDirection,
              {absl::StrCat("a mandatory move must go to a school of lower "
                            "locality or from a non-weak to a weak school; ",
                            c.choice, " is ", Sv(LocalityName(sc.locality)),
                            sc.weak ? " (weak)" : "", " and ", pr.his,
                            " school is ", Sv(LocalityName(own.locality)),
                            own.weak ? " (weak)" : ""),
               absl::StrCat("指令交流只能调往地域层级更低的学校（城区、镇区、"
                            "乡村、教学点依次降低），或由非薄弱学校调往薄弱"
                            "学校；",
                            c.choice, " 属于",
                            Sv(internal::LocalityZh(sc.locality)),
                            internal::WeakZh(sc.weak), "，", zh, "所在学校属于",
                            Sv(internal::LocalityZh(own.locality)),
                            internal::WeakZh(own.weak))});
        } else if (vol && !VoluntaryAllowed(t, s)) {
          set(Verdict::kDirection,
              {"moves from rural schools to urban or town schools are not "
               "allowed by the policy (allow_rural_to_urban_training)",
               "按本县政策，乡村学校教师不得交流到城区或镇区学校"});
        } else if (status_[t] == Status::kEligible ||
                   status_[t] == Status::kPrincipalRotate) {
          set(Verdict::kQuota,
              {absl::StrCat(pr.he, " did not apply voluntarily and was ",
                            selection_[t].en),
               absl::StrCat(zh, "未申请自愿交流，且", selection_[t].zh)});
        } else {
          set(Verdict::kQuota,
              {absl::StrCat(pr.he,
                            " did not apply voluntarily and cannot be "
                            "made to rotate: ",
                            status_reason_[t].en),
               absl::StrCat(zh, "未申请自愿交流，也不能被安排交流：",
                            status_reason_[t].zh)});
        }
      } else if (count[s] >= limit_[s]) {
        // Occupants are sorted best first: the last who outranks her.
        int best = kNone;
        for (auto it = occupants_[s].rbegin(); it != occupants_[s].rend();
             ++it) {
          if (*it != t && Outranks(*it, t, s)) {
            best = *it;
            break;
          }
        }
        if (best != kNone) {
          c.competitor = TeacherId(best);
          c.competitor_points = points_[best].total;
          // A teacher back from a term exchange holds her own seat too.
          c.competitor_by_tenure =
              (orig_[best] == s && pin_target_[best] == kNone) ||
              returning_[best];
          const Pronouns rival = P(best);
          Text how =
              returning_[best]
                  ? Text{absl::StrCat("returns to ", rival.his,
                                      " own seat there from a term exchange"),
                         "期限交流期满，返回本人原岗位"}
              : pin_target_[best] != kNone
                  ? Text{absl::StrCat("holds ", rival.his,
                                      " seat there by an administrator's lock "
                                      "or override"),
                         "经人工锁定或调整占有该校岗位"}
              : c.competitor_by_tenure
                  ? Text{absl::StrCat("keeps ", rival.his,
                                      " own seat there (tenure)"),
                         "保留本人原岗位（原岗优先）"}
                  : Text{absl::StrCat("has higher priority (",
                                      c.competitor_points, " vs ",
                                      c.teacher_points,
                                      " centipoints, then tie "
                                      "chain and lottery)"),
                         absl::StrCat("排序更靠前（积分 ",
                                      PointsText(c.competitor_points), " 对 ",
                                      PointsText(c.teacher_points),
                                      "，同分再比较其他条件并抽签）")};
          set(Verdict::kFull,
              {absl::StrCat(c.choice, " is full (", count[s], " staff, limit ",
                            limit_[s], "); ", c.competitor, ", the last of ",
                            "those there who outrank ", pr.him, ", ", how.en),
               absl::StrCat(c.choice, " 已满员（在编 ", count[s], " 人，上限 ",
                            limit_[s], " 人）；排在", zh, "之前的最后一名 ",
                            c.competitor, " ", how.zh)});
        } else if (vol_considered &&
                   mechanism_ ==
                       VoluntaryMechanism::kTeacherOptimalBlockExchange) {
          set(Verdict::kNotReached,
              {absl::StrCat("TO-BE moves voluntary applicants only by "
                            "exchanges that leave every school at least as "
                            "well off, and none brought ",
                            pr.him, " to ", c.choice,
                            "; its seats went to teachers who hold them by "
                            "such exchanges or by later phases"),
               absl::StrCat("自愿交流只按不使任何学校吃亏的成组互换进行，没有"
                            "一组互换能让",
                            zh, "调往 ", c.choice,
                            "；该校岗位已由通过互换或后续环节调入的教师占有")});
        } else {
          // Nobody there outranks her: its seats went to newcomers of a
          // step she was not part of (voluntary applicants before the
          // mandatory movers, mandatory movers after her voluntary move),
          // and a seat once taken is kept.
          int last = kNone;
          for (auto it = occupants_[s].rbegin(); it != occupants_[s].rend();
               ++it) {
            if (*it != t && orig_[*it] != s) {
              last = *it;
              break;
            }
          }
          Text who;
          if (last != kNone) {
            c.competitor = TeacherId(last);
            c.competitor_points = points_[last].total;
            who = {absl::StrCat("; the last newcomer there, ", c.competitor,
                                " (", c.competitor_points,
                                " centipoints), came by ", Via(last)),
                   absl::StrCat("；最后调入该校的 ", c.competitor, "（积分 ",
                                PointsText(c.competitor_points), "）经",
                                Sv(internal::RouteZh(RouteOf(last))), "调入")};
          }
          set(Verdict::kNotReached,
              {absl::StrCat(c.choice, " is full (", count[s], " staff, limit ",
                            limit_[s],
                            "): its seats went to teachers placed by a step ",
                            pr.he, " was not part of, who keep them", who.en),
               absl::StrCat(c.choice, " 已满员（在编 ", count[s], " 人，上限 ",
                            limit_[s], " 人）：岗位已由", zh,
                            "未参加的环节安排的教师占有并保留", who.zh)});
        }
      } else {
        set(Verdict::kNotReached,
            {absl::StrCat("a seat at ", c.choice, " was freed only after ",
                          pr.he, " had been placed"),
             absl::StrCat(c.choice, " 的岗位在", zh, "已被安排之后才空出")});
      }
    }
    e.choices.push_back(std::move(c));
  }
  return e;
}

std::vector<EligibilityEntry> Run::Eligibility() const {
  std::vector<EligibilityEntry> out;
  for (size_t i = 0; i < teachers_.size(); ++i) {
    const int t = static_cast<int>(i);
    EligibilityEntry e;
    e.teacher = TeacherId(t);
    e.school = Name(orig_[t]);
    e.eligible = status_[t] == Status::kEligible ||
                 status_[t] == Status::kPrincipalRotate;
    e.mandatory = mandatory_[t] || status_[t] == Status::kPrincipalRotate;
    e.voluntary = app_[t] != nullptr && app_[t]->voluntary;
    e.exempt = status_[t] == Status::kExempt;
    e.points = points_[t].total;
    e.reason_code = status_code_[t];
    if (!selection_code_.empty()) e.selection_code = selection_code_[t];
    e.reason = status_reason_[t].en;
    e.reason_zh = status_reason_[t].zh;
    out.push_back(std::move(e));
  }
  return out;
}

RoundOutcome Run::Finish() {
  RoundOutcome out;
  out.kind = RoundKind::kExchangeRotation;
  out.seed = in_.seed;
  out.mechanism_code = static_cast<uint8_t>(mechanism_);
  out.mechanism = absl::StrCat(
      "voluntary ", Sv(VoluntaryMechanismName(mechanism_)),
      "; mandatory da-star by preference; county allocation min-cost; "
      "leaders by exact assignment");
  const int nt = static_cast<int>(teachers_.size());
  const int ns = static_cast<int>(schools_.size());
  std::vector<int64_t> count(ns, 0);
  for (int t = 0; t < nt; ++t) ++count[cur_[t]];
  selection_.resize(nt);
  selection_code_.assign(nt, Reason::kNone);
  for (int t = 0; t < nt; ++t) {
    selection_[t] = SelectionSentence(t, &selection_code_[t]);
  }
  out.placements.reserve(nt);
  if (explanations_) out.explanations.reserve(nt);
  for (int t = 0; t < nt; ++t) {
    const Teacher& x = *teachers_[t];
    Placement p;
    p.teacher = x.id;
    p.from_school = x.school;
    p.from_post = x.post;
    p.to_school = Name(cur_[t]);
    const bool moved = cur_[t] != orig_[t];
    p.to_post = moved ? "" : x.post;
    p.mandatory = mandatory_[t] != 0;
    p.points = points_[t].total;
    if (pin_target_[t] != kNone && !returning_[t]) {
      p.locked = !pin_override_[t];
      p.overridden = pin_override_[t];
      p.override_reason = pin_reason_[t];
    }
    if (app_[t] != nullptr && moved) {
      for (size_t i = 0; i < app_schools_[t].size(); ++i) {
        if (app_schools_[t][i] == cur_[t]) p.choice = static_cast<int>(i) + 1;
      }
    }
    p.route = RouteOf(t);
    p.via = std::string(RouteSentence(p.route));
    if (moved && ep_.mode == ExchangeMode::kTermExchange && !returning_[t]) {
      p.return_day = AddYears(in_.effective_day, ep_.term_years);
    }
    const std::string return_date =
        p.return_day ? FormatDate(*p.return_day) : "";
    const Text mode =
        ep_.mode == ExchangeMode::kTermExchange
            ? Text{absl::StrCat("term exchange until ", return_date),
                   absl::StrCat("期限交流至 ", return_date)}
            : Text{"transfer", "人事关系随迁"};
    auto set = [&p](const Text& why) {
      p.reason = why.en;
      p.reason_zh = why.zh;
    };
    const char* zh = P(t).zh;
    if (status_[t] == Status::kExempt) {
      p.outcome = Outcome::kExempt;
      p.reason_code = status_code_[t];
      set(status_reason_[t]);
    } else if (returning_[t]) {
      p.outcome = Outcome::kMoved;
      p.reason_code = status_code_[t];
      set(status_reason_[t]);
    } else if (moved) {
      p.outcome = Outcome::kMoved;
      p.reason_code = Reason::kMovedByRoute;
      set({absl::StrCat("moves to ", p.to_school, " by ", p.via,
                        p.choice > 0 ? absl::StrCat(", choice ", p.choice)
                                     : std::string(),
                        "; ", mode.en),
           absl::StrCat(
               "经", Sv(internal::RouteZh(p.route)), "调往 ", p.to_school,
               p.choice > 0 ? absl::StrCat("（第 ", p.choice, " 志愿）")
                            : std::string(),
               "；", mode.zh)});
    } else if (status_[t] == Status::kInspector) {
      p.outcome = Outcome::kInspector;
      p.reason_code = status_code_[t];
      set(status_reason_[t]);
    } else if (mandatory_[t] && leader_[t]) {
      p.outcome = Outcome::kUnplaced;
      set(LeaderStayReason(t, &p.reason_code));
    } else if (mandatory_[t]) {
      p.outcome = Outcome::kUnplaced;
      p.reason_code = Reason::kNoFreeSeatInDirection;
      const int64_t targets = CountAllowedTargets(t);
      set({absl::StrCat("must rotate but could not be placed: all ", targets,
                        " qualified schools in an allowed direction are full; ",
                        P(t).he, " stays at ", x.school),
           absl::StrCat("须交流但未能安排：符合交流方向且", zh, "可任教的 ",
                        targets, " 所学校均已满员；", zh, "暂留 ", x.school)});
    } else {
      p.outcome = Outcome::kStayed;
      const Text& sel = selection_[t];
      p.reason_code = pin_target_[t] != kNone ? Reason::kPinned
                      : sel.empty()           ? status_code_[t]
                                              : selection_code_[t];
      const Text stays{absl::StrCat("stays at ", x.school),
                       absl::StrCat("留任 ", x.school)};
      set(pin_target_[t] != kNone
              ? Text{absl::StrCat(stays.en, " (",
                                  pin_override_[t] ? "override" : "lock", ")"),
                     absl::StrCat(stays.zh, "（",
                                  pin_override_[t] ? "人工调整" : "人工锁定",
                                  "）")}
          : sel.empty()
              ? Text{absl::StrCat(stays.en, "; ", status_reason_[t].en),
                     absl::StrCat(stays.zh, "；", status_reason_[t].zh)}
              : Text{absl::StrCat(stays.en, "; ", sel.en),
                     absl::StrCat(stays.zh, "；", sel.zh)});
    }
    out.placements.push_back(std::move(p));
  }
  final_count_ = count;
  occupants_.assign(ns, {});
  for (int t = 0; t < nt; ++t) occupants_[cur_[t]].push_back(t);
  for (auto& v : occupants_) {
    std::sort(v.begin(), v.end(),
              [&](int a, int b) { return prank_[a] < prank_[b]; });
  }
  for (int t = 0; t < nt && explanations_; ++t) {
    out.explanations.push_back(Explain(t));
    // Their last use: moved, not copied (and freed once, with the outcome).
    out.explanations.back().points_breakdown = std::move(points_[t].components);
  }
  out.eligibility = Eligibility();
  for (int t = 0; t < nt; ++t) {
    const Text& sel = selection_[t];
    if (!sel.empty()) {
      absl::StrAppend(&out.eligibility[t].reason, "; ", sel.en);
      absl::StrAppend(&out.eligibility[t].reason_zh, "；", sel.zh);
    }
  }

  // Quota lines.
  const bool county = ep_.share_scope == ShareScope::kCountyWide;
  int64_t sum_required = 0, sum_achieved = 0, sum_bb_required = 0,
          sum_bb_achieved = 0;
  std::vector<std::string> failing_rotation, failing_backbone;
  for (const Group& g : groups_) {
    if (g.eligible == 0) continue;
    int64_t achieved = 0, bb = 0, unplaced = 0, pinned_stay = 0;
    for (int t : g.members) {
      if (cur_[t] != orig_[t]) {
        ++achieved;
        if (IsBackbone(teachers_[t]->backbone)) ++bb;
      } else if (mandatory_[t]) {
        ++unplaced;
      } else if (pin_target_[t] != kNone) {
        ++pinned_stay;
      }
    }
    QuotaLine rot;
    rot.scope = g.scope;
    rot.quota_code = QuotaCode::kRotationShare;
    rot.quota = std::string(QuotaName(rot.quota_code));
    rot.required = g.required;
    rot.achieved = achieved;
    rot.holds = achieved >= g.required;
    if (!rot.holds) {
      Text why{absl::StrCat("required ", g.required, " (",
                            ep_.rotation_share_percent, "% of ", g.eligible,
                            " eligible"),
               absl::StrCat("应交流 ", g.required, " 人（符合条件 ", g.eligible,
                            " 人的 ", ep_.rotation_share_percent, "%")};
      if (g.exempt_would_be > 0) {
        Append(&why,
               {absl::StrCat("; ", g.exempt_would_be, " exempt not counted"),
                absl::StrCat("；另有 ", g.exempt_would_be,
                             " 人依规免于交流，不计入")});
      }
      Append(&why, {absl::StrCat("); ", g.voluntary_movers,
                                 " moved voluntarily or by lock/override, ",
                                 g.selected, " selected"),
                    absl::StrCat("）；自愿交流或经人工锁定、调整调动 ",
                                 g.voluntary_movers, " 人，确定交流 ",
                                 g.selected, " 人")});
      if (g.no_target > 0) {
        Append(&why, {absl::StrCat("; ", g.no_target,
                                   " eligible have no qualified school in an "
                                   "allowed direction"),
                      absl::StrCat("；", g.no_target,
                                   " 名符合条件的教师在交流方向上没有可任教的"
                                   "学校")});
      }
      if (pinned_stay > 0) {
        Append(
            &why,
            {absl::StrCat("; ", pinned_stay, " kept in place by lock/override"),
             absl::StrCat("；", pinned_stay, " 人经人工锁定或调整留任")});
      }
      if (unplaced > 0) {
        Append(&why, {absl::StrCat("; ", unplaced,
                                   " selected could not be placed (every "
                                   "qualified school in an allowed direction "
                                   "is full)"),
                      absl::StrCat("；", unplaced,
                                   " 名确定交流的教师未能安排（交流方向上可任教"
                                   "的学校均已满员）")});
      }
      rot.reason = std::move(why.en);
      rot.reason_zh = std::move(why.zh);
      failing_rotation.push_back(g.scope);
    }
    QuotaLine bbl;
    bbl.scope = g.scope;
    bbl.quota_code = QuotaCode::kBackboneShare;
    bbl.quota = std::string(QuotaName(bbl.quota_code));
    bbl.required = CeilPercent(ep_.backbone_share_percent, achieved);
    bbl.achieved = bb;
    bbl.holds = bb >= bbl.required;
    if (!bbl.holds) {
      int64_t bb_unplaced = 0, bb_no_target = 0;
      for (int t : g.members) {
        if (!IsBackbone(teachers_[t]->backbone)) continue;
        if (mandatory_[t] && cur_[t] == orig_[t]) ++bb_unplaced;
        if (no_target_[t]) ++bb_no_target;
      }
      Text why{absl::StrCat("required ", bbl.required, " (",
                            ep_.backbone_share_percent, "% of ", achieved,
                            " movers); only ", g.backbone_eligible,
                            " backbone teachers eligible"),
               absl::StrCat("骨干教师应交流 ", bbl.required, " 人（交流人数 ",
                            achieved, " 人的 ", ep_.backbone_share_percent,
                            "%）；符合条件的骨干教师仅 ", g.backbone_eligible,
                            " 人")};
      if (g.backbone_exempt > 0) {
        Append(&why, {absl::StrCat(" (", g.backbone_exempt, " more exempt)"),
                      absl::StrCat("（另有 ", g.backbone_exempt,
                                   " 人依规免于交流）")});
      }
      if (bb_no_target > 0) {
        Append(&why, {absl::StrCat("; ", bb_no_target,
                                   " of them have no qualified school in an "
                                   "allowed direction"),
                      absl::StrCat("；其中 ", bb_no_target,
                                   " 人在交流方向上没有可任教的学校")});
      }
      if (bb_unplaced > 0) {
        Append(
            &why,
            {absl::StrCat("; ", bb_unplaced, " selected could not be placed"),
             absl::StrCat("；", bb_unplaced, " 名确定交流的骨干教师未能安排")});
      }
      bbl.reason = std::move(why.en);
      bbl.reason_zh = std::move(why.zh);
      failing_backbone.push_back(g.scope);
    }
    sum_required += rot.required;
    sum_achieved += achieved;
    sum_bb_required += bbl.required;
    sum_bb_achieved += bb;
    out.quotas.push_back(std::move(rot));
    out.quotas.push_back(std::move(bbl));
  }
  if (!county) {
    QuotaLine rot;
    rot.scope = "county";
    rot.quota_code = QuotaCode::kRotationShare;
    rot.quota = std::string(QuotaName(rot.quota_code));
    rot.required = sum_required;
    rot.achieved = sum_achieved;
    rot.holds = sum_achieved >= sum_required;
    if (!rot.holds) {
      rot.reason = absl::StrCat(
          failing_rotation.size(),
          " schools below their share: ", ListHead(failing_rotation));
      rot.reason_zh =
          absl::StrCat(failing_rotation.size(), " 所学校未达到交流比例：",
                       ListHead(failing_rotation));
    }
    QuotaLine bbl;
    bbl.scope = "county";
    bbl.quota_code = QuotaCode::kBackboneShare;
    bbl.quota = std::string(QuotaName(bbl.quota_code));
    bbl.required = sum_bb_required;
    bbl.achieved = sum_bb_achieved;
    bbl.holds = sum_bb_achieved >= sum_bb_required;
    if (!bbl.holds) {
      bbl.reason = absl::StrCat(
          failing_backbone.size(),
          " schools below their share: ", ListHead(failing_backbone));
      bbl.reason_zh = absl::StrCat(failing_backbone.size(),
                                   " 所学校未达到骨干教师交流比例：",
                                   ListHead(failing_backbone));
    }
    out.quotas.push_back(std::move(rot));
    out.quotas.push_back(std::move(bbl));
  }
  AddLeaderQuota(&out);
  AddNote(&out, {absl::StrCat("shares ", county ? "county-wide" : "per school",
                              ": rotation ", ep_.rotation_share_percent,
                              "% of the eligible, backbone ",
                              ep_.backbone_share_percent, "% of movers"),
                 absl::StrCat("交流比例", county ? "按全县" : "按学校",
                              "计算：交流人数不低于符合条件人数的 ",
                              ep_.rotation_share_percent,
                              "%，骨干教师不低于交流人数的 ",
                              ep_.backbone_share_percent, "%")});
  const std::string return_date =
      FormatDate(AddYears(in_.effective_day, ep_.term_years));
  AddNote(
      &out,
      ep_.mode == ExchangeMode::kTermExchange
          ? Text{absl::StrCat("term exchange of ", ep_.term_years,
                              " years: movers return on ", return_date),
                 absl::StrCat("期限交流 ", ep_.term_years, " 年：交流教师于 ",
                              return_date, " 返回原单位")}
          : Text{"transfer: personnel relations move",
                 "调动交流：人事关系随迁"});
  AddNote(&out, {absl::StrCat("voluntary applicants by ",
                              Sv(VoluntaryMechanismName(mechanism_))),
                 absl::StrCat("自愿交流申请按",
                              Sv(internal::VoluntaryMechanismZh(mechanism_)),
                              "办理")});
  FinishOutcome(in_, &out);
  return out;
}

}  // namespace rota::engine::rules::exchange_internal
