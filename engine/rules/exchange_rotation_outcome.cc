// The exchange rotation outcome: explanations, eligibility entries, quota
// lines and notes.
#include "engine/rules/internal/exchange_rotation_run.h"

namespace rota::engine::rules::exchange_internal {

std::string Run::SelectionSentence(int t, Reason* code) const {
  *code = Reason::kNone;
  if (leader_[t]) return LeaderSentence(t, code);
  if (status_[t] != Status::kEligible) return "";
  if (pin_target_[t] != kNone) {
    *code = Reason::kPinned;
    return "placement fixed by a lock or override";
  }
  if (cur_[t] != orig_[t] && !mandatory_[t]) {
    *code = Reason::kMovedVoluntarily;
    return "moved voluntarily; counts towards the rotation share";
  }
  if (mandatory_[t]) {
    *code = Reason::kSelected;
    return absl::StrCat("selected to rotate (",
                        IsBackbone(teachers_[t]->backbone) ? "backbone; " : "",
                        "selection order then lottery)");
  }
  if (no_share_[t]) {
    *code = Reason::kShareNotCarried;
    const School& sc = *schools_[orig_[t]];
    return absl::StrCat(
        "not selected: ", P(t).his, " school (", Sv(LocalityName(sc.locality)),
        sc.weak ? ", weak" : "",
        ") does not carry the rotation share (policy share_localities, "
        "weak_schools_carry_share); ",
        P(t).he, " may apply voluntarily");
  }
  if (no_target_[t]) {
    *code = Reason::kNoTargetInDirection;
    return "not selected: no qualified school lies in an allowed direction "
           "for a mandatory move";
  }
  *code = Reason::kShareMet;
  return absl::StrCat(
      "not selected: the rotation share was met by teachers picked before ",
      P(t).him, " (selection order then lottery)");
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
  e.notes.push_back(status_reason_[t]);
  const std::string& sel = selection_[t];
  if (!sel.empty()) e.notes.push_back(sel);
  if (pin_target_[t] != kNone && !returning_[t]) {
    e.notes.push_back(absl::StrCat(pin_override_[t] ? "override" : "lock", ": ",
                                   pin_reason_[t]));
  }
  if (obligation_[t].has_value()) {
    e.notes.push_back(absl::StrCat(
        ObligationSentence(*obligation_[t]), ": until it is served ", P(t).he,
        " may move only to a rural school or teaching point"));
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
    auto set = [&](Verdict v, std::string sentence) {
      c.verdict = v;
      c.sentence = std::move(sentence);
    };
    if (s == f && !unplaced) {
      set(Verdict::kGot,
          s == orig_[t]
              ? absl::StrCat(pr.he, " stays at ", c.choice)
              : absl::StrCat("placed at ", c.choice, " (choice ", rank, ")"));
    } else if (got_rank > 0 && rank > got_rank) {
      set(Verdict::kBetterChoiceHeld,
          absl::StrCat(pr.he, " holds ", Name(f), ", ", pr.his, " choice ",
                       got_rank));
    } else if (status_[t] == Status::kExempt) {
      set(Verdict::kExempt, absl::StrCat(pr.he, " is exempt and never moves"));
    } else if (returning_[t]) {
      set(Verdict::kNotReached, status_reason_[t]);
    } else if (pin_target_[t] != kNone) {
      set(Verdict::kNotReached,
          absl::StrCat(pr.his, " placement is fixed by ",
                       pin_override_[t] ? "an override" : "a lock", ": ",
                       pin_reason_[t]));
    } else if (leader_[t]) {
      ExplainLeaderChoice(t, s, &c);
    } else if (Qualification(t, s) == 0) {
      set(Verdict::kNotQualified,
          absl::StrCat(c.choice, " has no post for ", pr.his, " subjects (",
                       absl::StrJoin(teachers_[t]->subjects, ", "),
                       ") at a stage ", pr.his, " certificate covers"));
    } else if (s != orig_[t] && !TargetOpen(t, s)) {
      set(obligation_[t].has_value() && in_scope_[s] ? Verdict::kDirection
                                                     : Verdict::kNotReached,
          TargetProblem(t, s));
    } else if (s == orig_[t]) {
      set(Verdict::kQuota,
          mand ? absl::StrCat(pr.he, " must rotate, so ", pr.he,
                              " cannot stay at ", pr.his, " own school")
               : absl::StrCat(pr.he, " could not stay at ", pr.his,
                              " own school"));
    } else {
      const bool vol_considered =
          vol && (own_rank == 0 || rank < own_rank) && VoluntaryAllowed(t, s);
      const bool mand_considered = mand && MandatoryAllowed(t, s);
      if (!vol_considered && !mand_considered) {
        if (vol && own_rank > 0 && rank > own_rank) {
          set(Verdict::kNotReached,
              absl::StrCat("listed after ", pr.his, " own school (choice ",
                           own_rank, "): staying ranks above it"));
        } else if (mand && !MandatoryAllowed(t, s)) {
          set(Verdict::kDirection,
              absl::StrCat("a mandatory move must go to a school of lower "
                           "locality or from a non-weak to a weak school; ",
                           c.choice, " is ", Sv(LocalityName(sc.locality)),
                           sc.weak ? " (weak)" : "", " and ", pr.his,
                           " school is ",
                           Sv(LocalityName(schools_[orig_[t]]->locality)),
                           schools_[orig_[t]]->weak ? " (weak)" : ""));
        } else if (vol && !VoluntaryAllowed(t, s)) {
          set(Verdict::kDirection,
              "moves from rural schools to urban or town schools are not "
              "allowed by the policy (allow_rural_to_urban_training)");
        } else if (status_[t] == Status::kEligible ||
                   status_[t] == Status::kPrincipalRotate) {
          set(Verdict::kQuota,
              absl::StrCat(pr.he, " did not apply voluntarily and was ",
                           selection_[t]));
        } else {
          set(Verdict::kQuota,
              absl::StrCat(pr.he,
                           " did not apply voluntarily and cannot be "
                           "made to rotate: ",
                           status_reason_[t]));
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
          std::string how =
              returning_[best]
                  ? absl::StrCat("returns to ", rival.his,
                                 " own seat there from a term exchange")
              : pin_target_[best] != kNone
                  ? absl::StrCat("holds ", rival.his,
                                 " seat there by an administrator's lock or "
                                 "override")
              : c.competitor_by_tenure
                  ? absl::StrCat("keeps ", rival.his,
                                 " own seat there (tenure)")
                  : absl::StrCat("has higher priority (", c.competitor_points,
                                 " vs ", c.teacher_points,
                                 " centipoints, then tie "
                                 "chain and lottery)");
          set(Verdict::kFull,
              absl::StrCat(c.choice, " is full (", count[s], " staff, limit ",
                           limit_[s], "); ", c.competitor, ", the last of ",
                           "those there who outrank ", pr.him, ", ", how));
        } else if (vol_considered &&
                   mechanism_ ==
                       VoluntaryMechanism::kTeacherOptimalBlockExchange) {
          set(Verdict::kNotReached,
              absl::StrCat("TO-BE moves voluntary applicants only by "
                           "exchanges that leave every school at least as "
                           "well off, and none brought ",
                           pr.him, " to ", c.choice,
                           "; its seats went to teachers who hold them by "
                           "such exchanges or by later phases"));
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
          std::string who;
          if (last != kNone) {
            c.competitor = TeacherId(last);
            c.competitor_points = points_[last].total;
            who = absl::StrCat("; the last newcomer there, ", c.competitor,
                               " (", c.competitor_points,
                               " centipoints), came by ", Via(last));
          }
          set(Verdict::kNotReached,
              absl::StrCat(c.choice, " is full (", count[s], " staff, limit ",
                           limit_[s],
                           "): its seats went to teachers placed by a step ",
                           pr.he, " was not part of, who keep them", who));
        }
      } else {
        set(Verdict::kNotReached,
            absl::StrCat("a seat at ", c.choice, " was freed only after ",
                         pr.he, " had been placed"));
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
    e.reason = status_reason_[t];
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
    const std::string mode =
        ep_.mode == ExchangeMode::kTermExchange
            ? absl::StrCat("term exchange until ",
                           p.return_day ? FormatDate(*p.return_day) : "")
            : "transfer";
    if (status_[t] == Status::kExempt) {
      p.outcome = Outcome::kExempt;
      p.reason_code = status_code_[t];
      p.reason = status_reason_[t];
    } else if (returning_[t]) {
      p.outcome = Outcome::kMoved;
      p.reason_code = status_code_[t];
      p.reason = status_reason_[t];
    } else if (moved) {
      p.outcome = Outcome::kMoved;
      p.reason_code = Reason::kMovedByRoute;
      p.reason = absl::StrCat(
          "moves to ", p.to_school, " by ", p.via,
          p.choice > 0 ? absl::StrCat(", choice ", p.choice) : std::string(),
          "; ", mode);
    } else if (status_[t] == Status::kInspector) {
      p.outcome = Outcome::kInspector;
      p.reason_code = status_code_[t];
      p.reason = status_reason_[t];
    } else if (mandatory_[t] && leader_[t]) {
      p.outcome = Outcome::kUnplaced;
      p.reason = LeaderStayReason(t, &p.reason_code);
    } else if (mandatory_[t]) {
      p.outcome = Outcome::kUnplaced;
      p.reason_code = Reason::kNoFreeSeatInDirection;
      p.reason = absl::StrCat(
          "must rotate but could not be placed: all ", CountAllowedTargets(t),
          " qualified schools in an allowed direction are full; ", P(t).he,
          " stays at ", x.school);
    } else {
      p.outcome = Outcome::kStayed;
      const std::string& sel = selection_[t];
      p.reason_code = pin_target_[t] != kNone ? Reason::kPinned
                      : sel.empty()           ? status_code_[t]
                                              : selection_code_[t];
      p.reason = pin_target_[t] != kNone
                     ? absl::StrCat("stays at ", x.school, " (",
                                    pin_override_[t] ? "override" : "lock", ")")
                 : sel.empty() ? absl::StrCat("stays at ", x.school, "; ",
                                              status_reason_[t])
                               : absl::StrCat("stays at ", x.school, "; ", sel);
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
    const std::string& sel = selection_[t];
    if (!sel.empty()) absl::StrAppend(&out.eligibility[t].reason, "; ", sel);
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
      rot.reason = absl::StrCat("required ", g.required, " (",
                                ep_.rotation_share_percent, "% of ", g.eligible,
                                " eligible");
      if (g.exempt_would_be > 0) {
        absl::StrAppend(&rot.reason, "; ", g.exempt_would_be,
                        " exempt not counted");
      }
      absl::StrAppend(&rot.reason, "); ", g.voluntary_movers,
                      " moved voluntarily or by lock/override, ", g.selected,
                      " selected");
      if (g.no_target > 0) {
        absl::StrAppend(&rot.reason, "; ", g.no_target,
                        " eligible have no qualified school in an allowed "
                        "direction");
      }
      if (pinned_stay > 0) {
        absl::StrAppend(&rot.reason, "; ", pinned_stay,
                        " kept in place by lock/override");
      }
      if (unplaced > 0) {
        absl::StrAppend(&rot.reason, "; ", unplaced,
                        " selected could not be placed (every qualified "
                        "school in an allowed direction is full)");
      }
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
      bbl.reason = absl::StrCat("required ", bbl.required, " (",
                                ep_.backbone_share_percent, "% of ", achieved,
                                " movers); only ", g.backbone_eligible,
                                " backbone teachers eligible");
      if (g.backbone_exempt > 0) {
        absl::StrAppend(&bbl.reason, " (", g.backbone_exempt, " more exempt)");
      }
      if (bb_no_target > 0) {
        absl::StrAppend(&bbl.reason, "; ", bb_no_target,
                        " of them have no qualified school in an allowed "
                        "direction");
      }
      if (bb_unplaced > 0) {
        absl::StrAppend(&bbl.reason, "; ", bb_unplaced,
                        " selected could not be placed");
      }
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
    }
    out.quotas.push_back(std::move(rot));
    out.quotas.push_back(std::move(bbl));
  }
  AddLeaderQuota(&out);
  out.notes.push_back(absl::StrCat(
      "shares ", county ? "county-wide" : "per school", ": rotation ",
      ep_.rotation_share_percent, "% of the eligible, backbone ",
      ep_.backbone_share_percent, "% of movers"));
  out.notes.push_back(ep_.mode == ExchangeMode::kTermExchange
                          ? absl::StrCat("term exchange of ", ep_.term_years,
                                         " years: movers return on ",
                                         FormatDate(AddYears(in_.effective_day,
                                                             ep_.term_years)))
                          : std::string("transfer: personnel relations move"));
  out.notes.push_back(absl::StrCat("voluntary applicants by ",
                                   Sv(VoluntaryMechanismName(mechanism_))));
  FinishOutcome(in_, &out);
  return out;
}

}  // namespace rota::engine::rules::exchange_internal
