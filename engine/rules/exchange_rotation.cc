#include "engine/rules/exchange_rotation.h"

#include "engine/rules/hard_rule.h"
#include "engine/rules/internal/exchange_rotation_run.h"

// Preparation, the rule predicates and pins of the run; the phases are in
// exchange_rotation_phases.cc, the outcome in exchange_rotation_outcome.cc.
namespace rota::engine::rules {
namespace exchange_internal {

void Run::Prepare() {
  for (const School& s : in_.schools) schools_.push_back(&s);
  std::sort(schools_.begin(), schools_.end(),
            [](const School* a, const School* b) { return a->id < b->id; });
  school_index_.reserve(schools_.size());
  for (size_t i = 0; i < schools_.size(); ++i) {
    school_index_[schools_[i]->id] = static_cast<int>(i);
  }
  const int ns = static_cast<int>(schools_.size());
  posts_of_.resize(ns);
  for (const Post& p : in_.posts)
    posts_of_[school_index_.at(p.school)].push_back(&p);
  for (auto& v : posts_of_) {
    std::sort(v.begin(), v.end(),
              [](const Post* a, const Post* b) { return a->id < b->id; });
  }
  absl::flat_hash_map<std::string_view, int> subject_id;
  for (const Post& p : in_.posts) {
    subject_id.emplace(p.subject, static_cast<int>(subject_id.size()));
  }
  school_subjects_.resize(ns);
  school_stage_mask_.assign(ns, 0);
  school_class_.assign(ns, 0);
  in_scope_.assign(ns, 0);
  carries_share_.assign(ns, 0);
  school_serves_obligation_.assign(ns, 0);
  uint8_t scope_mask = 0;
  for (Stage st : ep_.stage_scope) scope_mask |= StageBit(st);
  for (int s = 0; s < ns; ++s) {
    const School& sc = *schools_[s];
    school_serves_obligation_[s] = ServesObligation(sc.locality) ? 1 : 0;
    carries_share_[s] =
        std::find(ep_.share_localities.begin(), ep_.share_localities.end(),
                  sc.locality) != ep_.share_localities.end() &&
        (!sc.weak || ep_.weak_schools_carry_share);
    const int locality = static_cast<int>(sc.locality);
    ROTA_CHECK(locality >= 0 && locality * 2 + 1 < kNumClasses);
    school_class_[s] = static_cast<uint8_t>(locality * 2 + (sc.weak ? 1 : 0));
    for (Stage st : sc.stages) school_stage_mask_[s] |= StageBit(st);
    in_scope_[s] = (school_stage_mask_[s] & scope_mask) != 0 ? 1 : 0;
    std::vector<std::pair<int, uint8_t>>& subj = school_subjects_[s];
    for (const Post* p : posts_of_[s]) {
      Stage st = p->stage == Stage::kUnspecified ? sc.stages.front() : p->stage;
      subj.push_back({subject_id.at(p->subject), StageBit(st)});
    }
    std::sort(subj.begin(), subj.end());
    // Merge the stages of one subject.
    size_t w = 0;
    for (size_t r = 0; r < subj.size(); ++r) {
      if (w > 0 && subj[w - 1].first == subj[r].first) {
        subj[w - 1].second |= subj[r].second;
      } else {
        subj[w++] = subj[r];
      }
    }
    subj.resize(w);
  }
  subject_schools_.resize(subject_id.size());
  for (int s = 0; s < ns; ++s) {
    if (posts_of_[s].empty()) postless_schools_.push_back(s);
    for (auto [id, mask] : school_subjects_[s]) {
      subject_schools_[id].push_back({s, mask});
    }
  }
  stamp_.assign(ns, 0);
  for (const Teacher& t : in_.teachers) teachers_.push_back(&t);
  std::sort(teachers_.begin(), teachers_.end(),
            [](const Teacher* a, const Teacher* b) { return a->id < b->id; });
  const int nt = static_cast<int>(teachers_.size());
  teacher_index_.reserve(nt);
  for (int t = 0; t < nt; ++t) teacher_index_[teachers_[t]->id] = t;
  subject_ids_.resize(nt);
  stage_mask_.assign(nt, 0);
  for (int t = 0; t < nt; ++t) {
    const Teacher& x = *teachers_[t];
    for (Stage st : x.certificate_stages) stage_mask_[t] |= StageBit(st);
    for (const std::string& subj : x.subjects) {
      auto it = subject_id.find(subj);
      subject_ids_[t].push_back(it == subject_id.end() ? kNone : it->second);
    }
  }

  initial_count_.assign(ns, 0);
  orig_.resize(nt);
  points_.resize(nt);
  ties_.resize(nt);
  draw_.resize(nt);
  retire_.resize(nt);
  years_at_.resize(nt);
  status_.assign(nt, Status::kNotEligible);
  status_reason_.resize(nt);
  status_code_.assign(nt, Reason::kNone);
  obligation_.assign(nt, std::nullopt);
  app_.assign(nt, nullptr);
  app_schools_.resize(nt);
  pin_target_.assign(nt, kNone);
  pin_override_.assign(nt, 0);
  pin_reason_.resize(nt);
  phase_.assign(nt, Phase::kStay);
  mandatory_.assign(nt, 0);
  no_target_.assign(nt, 0);
  no_share_.assign(nt, 0);
  leader_.assign(nt, 0);
  office_start_.resize(nt);
  leader_capped_.assign(nt, 0);
  leader_options_.assign(nt, kNone);
  leader_partners_.assign(nt, kNone);
  const int32_t eff = in_.effective_day;
  // Non-established (编外) teachers who take no part hold their seats
  // outside the headcount (编制数 counts established staff).
  outside_.assign(ns, 0);
  std::vector<uint8_t> takes_part(nt, 1);
  for (int t = 0; t < nt; ++t) {
    const Teacher& x = *teachers_[t];
    orig_[t] = school_index_.at(x.school);
    ++initial_count_[orig_[t]];
    points_[t] = ComputePoints(x, schools_[orig_[t]], policy_, eff);
    ties_[t] = TieChainValues(x, policy_);
    draw_[t] = LotteryDraw(in_.seed, x.id);
    retire_[t] = RetirementDay(x, policy_.retirement);
    leader_[t] = x.role == Role::kPrincipal || x.role == Role::kVicePrincipal;
    // A leader's years in office at her school: since she joined it or took
    // up the role there, whichever is later.
    office_start_[t] = x.school_join_day;
    if (leader_[t] && x.role_start_day.has_value()) {
      office_start_[t] = std::max(office_start_[t], *x.role_start_day);
    }
    years_at_[t] = FullYearsBetween(office_start_[t], eff);
    obligation_[t] = FindBindingObligation(x, schools_[orig_[t]], eff);
    if (x.employment == Employment::kNonEstablished &&
        !ep_.rotate_non_established) {
      takes_part[t] = 0;
      ++outside_[orig_[t]];
    }
  }
  limit_.resize(ns);
  for (int s = 0; s < ns; ++s) {
    limit_[s] = std::max<int64_t>(schools_[s]->headcount,
                                  initial_count_[s] - outside_[s]) +
                outside_[s];
  }
  cur_ = orig_;

  // Priority order: points, tie chain, lottery, id (engine/model.h).
  std::vector<int> order(nt);
  std::iota(order.begin(), order.end(), 0);
  std::vector<int64_t> total(nt);  // contiguous: the sort reads it most
  for (int t = 0; t < nt; ++t) total[t] = points_[t].total;
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (total[a] != total[b]) return total[a] > total[b];
    if (ties_[a] != ties_[b]) return ties_[a] > ties_[b];
    if (draw_[a] != draw_[b]) return draw_[a] < draw_[b];
    return a < b;
  });
  prank_.resize(nt);
  for (int i = 0; i < nt; ++i) prank_[order[i]] = i;

  // Eligibility.
  for (int t = 0; t < nt; ++t) {
    const Teacher& x = *teachers_[t];
    std::vector<std::string> exemptions, exemptions_zh;
    for (const Exemption& e : x.exemptions) {
      if (e.ActiveOn(eff)) {
        exemptions.push_back(absl::StrCat(Sv(ExemptionName(e.kind)),
                                          e.note.empty() ? "" : " (", e.note,
                                          e.note.empty() ? "" : ")"));
        exemptions_zh.push_back(absl::StrCat(Sv(internal::ExemptionZh(e.kind)),
                                             e.note.empty() ? "" : "（", e.note,
                                             e.note.empty() ? "" : "）"));
      }
    }
    std::sort(exemptions.begin(), exemptions.end());
    std::sort(exemptions_zh.begin(), exemptions_zh.end());
    const bool principal =
        x.role == Role::kPrincipal || x.role == Role::kVicePrincipal;
    const std::string role = x.role == Role::kPrincipal       ? "principal"
                             : x.role == Role::kVicePrincipal ? "vice-principal"
                                                              : "teacher";
    const std::string role_zh = x.role == Role::kPrincipal       ? "校长"
                                : x.role == Role::kVicePrincipal ? "副校长"
                                                                 : "教师";
    const std::string years =
        principal ? absl::StrCat(years_at_[t], " years in office at ", x.school,
                                 " (since ", FormatDate(office_start_[t]),
                                 "); retires ", FormatDate(retire_[t]))
                  : absl::StrCat(years_at_[t], " years at ", x.school,
                                 "; retires ", FormatDate(retire_[t]));
    const std::string years_zh =
        principal ? absl::StrCat("在 ", x.school, " 任职 ", years_at_[t],
                                 " 年（自 ", FormatDate(office_start_[t]),
                                 " 起）；", FormatDate(retire_[t]), " 退休")
                  : absl::StrCat("在 ", x.school, " 任教 ", years_at_[t],
                                 " 年；", FormatDate(retire_[t]), " 退休");
    const char* he_zh = P(t).zh;
    if (!exemptions.empty()) {
      status_[t] = Status::kExempt;
      status_code_[t] = Reason::kExempt;
      status_reason_[t] = {
          absl::StrCat("exempt (", absl::StrJoin(exemptions, ", "),
                       "): never moved; ", years),
          absl::StrCat("依规免于交流（", absl::StrJoin(exemptions_zh, "、"),
                       "）：不作调动；", years_zh)};
      continue;
    }
    if (!takes_part[t]) {
      status_code_[t] = Reason::kNonEstablished;
      status_reason_[t] = {
          absl::StrCat(
              "not eligible: non-established (编外) teachers are not rotation "
              "movers (policy rotate_non_established is off); ",
              P(t).he, " stays and any application is not considered"),
          absl::StrCat("不符合交流条件：编外人员不参加交流轮岗（本县政策未将"
                       "编外人员纳入交流）；",
                       he_zh, "留任原校，所报志愿不予考虑")};
      continue;
    }
    if (!in_scope_[orig_[t]]) {
      std::vector<std::string> stages, stages_zh;
      for (Stage st : schools_[orig_[t]]->stages) {
        stages.push_back(std::string(StageName(st)));
        stages_zh.push_back(std::string(internal::StageZh(st)));
      }
      status_code_[t] = Reason::kOutOfStageScope;
      status_reason_[t] = {
          absl::StrCat(
              "not eligible: ", x.school, " (", absl::StrJoin(stages, ", "),
              ") is outside the rotation's stage scope (policy stage_scope); ",
              P(t).he, " stays and any application is not considered"),
          absl::StrCat("不符合交流条件：", x.school, "（",
                       absl::StrJoin(stages_zh, "、"),
                       "）不在本轮交流的学段范围内；", he_zh,
                       "留任原校，所报志愿不予考虑")};
      continue;
    }
    if (principal) {
      if (years_at_[t] < ep_.principal_min_years) {
        status_code_[t] = Reason::kLeaderNotDue;
        status_reason_[t] = {
            absl::StrCat("not due to rotate: ", role, " with ", years_at_[t],
                         " years in office at the school (since ",
                         FormatDate(office_start_[t]), "), fewer than ",
                         ep_.principal_min_years),
            absl::StrCat("未到交流年限：", role_zh, "在本校任职 ", years_at_[t],
                         " 年（自 ", FormatDate(office_start_[t]),
                         " 起），不满 ", ep_.principal_min_years, " 年")};
      } else if (retire_[t] >
                 AddYears(eff, ep_.principal_min_years_to_retirement)) {
        status_[t] = Status::kPrincipalRotate;
        status_code_[t] = Reason::kLeaderMustRotate;
        status_reason_[t] = {
            absl::StrCat(role, " must rotate: ", years, " (more than ",
                         ep_.principal_min_years_to_retirement, " years away)"),
            absl::StrCat(role_zh, "任职期满须交流：", years_zh, "（距退休超过 ",
                         ep_.principal_min_years_to_retirement, " 年）")};
      } else {
        status_[t] = Status::kInspector;
        status_code_[t] = Reason::kLeaderInspector;
        status_reason_[t] = {
            absl::StrCat(
                role, " within ", ep_.principal_min_years_to_retirement,
                " years of retirement: flagged for the full-time inspector "
                "role (专职督学) instead of rotating; ",
                years),
            absl::StrCat(role_zh, "距退休不足 ",
                         ep_.principal_min_years_to_retirement,
                         " 年：不再交流，改任专职督学；", years_zh)};
      }
      continue;
    }
    if (years_at_[t] < ep_.min_years_at_school) {
      status_code_[t] = Reason::kTooFewYears;
      status_reason_[t] = {
          absl::StrCat("not eligible: ", years_at_[t],
                       " years at the school, fewer than ",
                       ep_.min_years_at_school),
          absl::StrCat("不符合交流条件：在本校任教 ", years_at_[t],
                       " 年，不满 ", ep_.min_years_at_school, " 年")};
    } else if (retire_[t] <= AddYears(eff, ep_.min_years_to_retirement)) {
      status_code_[t] = Reason::kNearRetirement;
      status_reason_[t] = {
          absl::StrCat("not eligible: retires ", FormatDate(retire_[t]),
                       ", not more than ", ep_.min_years_to_retirement,
                       " years after the effective date"),
          absl::StrCat("不符合交流条件：", FormatDate(retire_[t]),
                       " 退休，距生效日期不超过 ", ep_.min_years_to_retirement,
                       " 年")};
    } else {
      status_[t] = Status::kEligible;
      status_code_[t] = Reason::kEligible;
      status_reason_[t] = {absl::StrCat("eligible: ", years),
                           absl::StrCat("符合交流条件：", years_zh)};
    }
  }

  for (const Application& a : in_.applications) {
    int t = teacher_index_.at(a.teacher);
    if (!takes_part[t] || !in_scope_[orig_[t]]) continue;
    app_[t] = &a;
    for (const std::string& p : a.preferences) {
      app_schools_[t].push_back(school_index_.at(p));
    }
  }
  PrepareReturns();
}

void Run::PrepareReturns() {
  const int nt = static_cast<int>(teachers_.size());
  home_.assign(nt, kNone);
  returning_.assign(nt, 0);
  std::vector<int64_t> due(schools_.size(), 0);
  for (int t = 0; t < nt; ++t) {
    const Teacher& x = *teachers_[t];
    if (x.home_school.empty() || !x.term_end_day.has_value() ||
        *x.term_end_day > in_.effective_day) {
      continue;
    }
    const int h = school_index_.at(x.home_school);
    home_[t] = h;
    returning_[t] = 1;
    ++due[h];
    // Her return is not a rotation: she is neither eligible nor exempt in
    // this round, and her seat at home is hers (as a pin's is).
    status_[t] = Status::kNotEligible;
    status_code_[t] = Reason::kTermReturn;
    const Pronouns pr = P(t);
    status_reason_[t] = {
        absl::StrCat("returns to ", pr.his, " home school ", x.home_school,
                     ": ", pr.his, " term exchange ended on ",
                     FormatDate(*x.term_end_day), " and ", pr.his,
                     " personnel relation stayed there; not a rotation move"),
        absl::StrCat("返回原单位 ", x.home_school, "：", pr.zh,
                     "的期限交流已于 ", FormatDate(*x.term_end_day),
                     " 期满，人事关系一直保留在原单位；不属于交流轮岗")};
    pin_target_[t] = h;
  }
  // Her personnel relation never left: the home school's staff before the
  // round counts her, so no newcomer can have taken her seat.
  for (size_t s = 0; s < schools_.size(); ++s) {
    if (due[s] == 0) continue;
    limit_[s] = std::max<int64_t>(schools_[s]->headcount,
                                  initial_count_[s] - outside_[s] + due[s]) +
                outside_[s];
  }
}

int Run::Qualification(int t, int s) const {
  if (posts_of_[s].empty()) {
    return (school_stage_mask_[s] & stage_mask_[t]) != 0 ? 1 : 0;
  }
  // The best fit is her earliest subject taught at a stage she covers.
  const std::vector<std::pair<int, uint8_t>>& subj = school_subjects_[s];
  const std::vector<int>& ids = subject_ids_[t];
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == kNone) continue;
    auto it = std::lower_bound(
        subj.begin(), subj.end(), ids[i],
        [](const std::pair<int, uint8_t>& a, int id) { return a.first < id; });
    if (it != subj.end() && it->first == ids[i] &&
        (it->second & stage_mask_[t]) != 0) {
      return i == 0 ? 1 : 2;
    }
  }
  return 0;
}

Text Run::TargetProblem(int t, int s) const {
  if (!in_scope_[s]) {
    return {absl::StrCat(Name(s),
                         " is outside the rotation's stage scope (policy "
                         "stage_scope): it receives no movers"),
            absl::StrCat(Name(s), " 不在本轮交流的学段范围内，不接收交流教师")};
  }
  if (obligation_[t].has_value() && !school_serves_obligation_[s]) {
    return {
        absl::StrCat(ObligationSentence(*obligation_[t]),
                     ": until it is served ", P(t).he,
                     " may only move to a rural school or teaching point, "
                     "and ",
                     Name(s), " is ", Sv(LocalityName(schools_[s]->locality))),
        absl::StrCat(ObligationSentenceZh(*obligation_[t]), "：服务期满前",
                     P(t).zh, "只能调往乡村学校或教学点，而 ", Name(s), " 属于",
                     Sv(internal::LocalityZh(schools_[s]->locality)))};
  }
  return {};
}

bool Run::MandatoryAllowed(int t, int s) const {
  if (s == orig_[t] || !TargetOpen(t, s)) return false;
  return DirectionAllows(school_class_[orig_[t]], school_class_[s]);
}

bool Run::VoluntaryAllowed(int t, int s) const {
  if (!TargetOpen(t, s)) return false;
  const School& from = *schools_[orig_[t]];
  const School& to = *schools_[s];
  if (IsRural(from.locality) && !IsRural(to.locality)) {
    return ep_.allow_rural_to_urban_training;
  }
  return true;
}

int64_t Run::CountAllowedTargets(int t) const {
  // Directions depend only on the two schools' classes (locality, weak),
  // and qualification only on her subjects and stages: count the qualified
  // schools of each class once per such profile.
  std::string profile(1, static_cast<char>(stage_mask_[t]));
  for (int id : subject_ids_[t]) {
    absl::StrAppend(
        &profile,
        Sv(std::string_view(reinterpret_cast<const char*>(&id), sizeof id)));
  }
  auto [it, inserted] = class_counts_.try_emplace(profile);
  std::array<int64_t, kNumClasses>& counts = it->second;
  if (inserted) {
    counts.fill(0);
    ++stamp_round_;
    auto see = [&](int s) {
      if (stamp_[s] == stamp_round_ || !in_scope_[s]) return;
      stamp_[s] = stamp_round_;
      ++counts[school_class_[s]];
    };
    for (int id : subject_ids_[t]) {
      if (id == kNone) continue;
      for (auto [s, mask] : subject_schools_[id]) {
        if ((mask & stage_mask_[t]) != 0) see(s);
      }
    }
    for (int s : postless_schools_) {
      if ((school_stage_mask_[s] & stage_mask_[t]) != 0) see(s);
    }
  }
  // Her own school is never a target: no direction leads from a class to
  // itself.
  const int from = orig_[t];
  int64_t n = 0;
  for (int c = 0; c < kNumClasses; ++c) {
    if (obligation_[t].has_value() &&
        !ServesObligation(static_cast<Locality>(c / 2))) {
      continue;  // TargetOpen: she may only go to rural schools
    }
    if (DirectionAllows(school_class_[from], c)) n += counts[c];
  }
  return n;
}

bool Run::DirectionAllows(int from_class, int to_class) const {
  const Locality from_locality = static_cast<Locality>(from_class / 2);
  const Locality to_locality = static_cast<Locality>(to_class / 2);
  const bool from_weak = from_class % 2 == 1, to_weak = to_class % 2 == 1;
  for (Direction d : ep_.mandatory_directions) {
    if (d == Direction::kUrbanToRural &&
        LowerLocality(to_locality, from_locality)) {
      return true;
    }
    if (d == Direction::kStrongToWeak && !from_weak && to_weak) return true;
  }
  return false;
}

bool Run::Outranks(int c, int t, int s) const {
  if (pin_target_[c] != kNone) return true;  // pinned, or back from a term
  if (orig_[c] == s && cur_[c] == s) return true;  // tenure
  if (orig_[t] == s) return false;
  return prank_[c] < prank_[t];
}

absl::Status Run::ApplyPins() {
  const int nt = static_cast<int>(teachers_.size());
  auto pin = [&](const std::string& teacher, const std::string& to,
                 const std::string& reason, bool is_override) {
    int t = teacher_index_.at(teacher);
    returning_[t] = 0;  // an administrator's placement wins over a return
    pin_target_[t] = to.empty() ? orig_[t] : school_index_.at(to);
    pin_override_[t] = is_override ? 1 : 0;
    pin_reason_[t] = reason;
  };
  for (const Lock& l : in_.locks) pin(l.teacher, l.to, l.reason, false);
  for (const Override& o : in_.overrides) pin(o.teacher, o.to, o.reason, true);
  auto error = [&](int t, std::string_view rule, const std::string& what) {
    return HardRuleError({.teacher = TeacherId(t),
                          .rule = std::string(rule),
                          .is_override = pin_override_[t] != 0,
                          .sentence = what});
  };
  // Seats a pin certainly takes: pinned arrivals plus everyone who cannot
  // leave (pinned to stay, exempt). Other teachers there may still leave in
  // this run; whether they do is checked at the end (CheckPinnedCapacity).
  std::vector<int64_t> certain(schools_.size(), 0);
  for (int t = 0; t < nt; ++t) {
    const int s = pin_target_[t];
    if (s != kNone) {
      // A pinned leader's move is an exchange of leadership seats
      // (RotateLeaders checks it), which leaves staff counts as they are.
      // A return home is not: it takes her seat there like any return.
      if (!leader_[t] || returning_[t] || s == orig_[t]) ++certain[s];
    } else if (status_[t] == Status::kExempt) {
      ++certain[orig_[t]];
    }
  }
  for (int t = 0; t < nt; ++t) {
    int s = pin_target_[t];
    if (s == kNone || s == orig_[t] || s == home_[t]) continue;
    if (status_[t] == Status::kExempt) {
      return error(t, "exemption",
                   absl::StrCat(P(t).he, " is ", status_reason_[t].en,
                                "; exempt teachers never move"));
    }
    if (leader_[t]) continue;  // leadership seats: RotateLeaders
    if (Qualification(t, s) == 0) {
      return error(
          t, "qualification",
          absl::StrCat("school \"", Name(s), "\" has no post for ", P(t).his,
                       " subjects (",
                       absl::StrJoin(teachers_[t]->subjects, ", "),
                       ") at a stage ", P(t).his, " certificate covers"));
    }
    if (obligation_[t].has_value() && !school_serves_obligation_[s]) {
      return error(
          t, "obligation",
          absl::StrCat(ObligationSentence(*obligation_[t]), "; school \"",
                       Name(s), "\" is ",
                       Sv(LocalityName(schools_[s]->locality)),
                       ", and until the obligation is served ", P(t).he,
                       " may only move to a rural school or "
                       "teaching point"));
    }
    if (certain[s] > limit_[s]) {
      return error(t, "capacity",
                   absl::StrCat("school \"", Name(s), "\" would have at least ",
                                certain[s],
                                " staff (locked, overridden or exempt), "
                                "above its limit ",
                                limit_[s]));
    }
  }
  for (int t = 0; t < nt; ++t) {
    if (pin_target_[t] == kNone) continue;
    cur_[t] = pin_target_[t];
    phase_[t] = returning_[t] ? Phase::kReturn : Phase::kPin;
  }
  return absl::OkStatus();
}

absl::Status Run::CheckPinnedCapacity() const {
  const int nt = static_cast<int>(teachers_.size());
  std::vector<int64_t> count(schools_.size(), 0);
  for (int t = 0; t < nt; ++t) ++count[cur_[t]];
  for (int t = 0; t < nt; ++t) {
    const int s = pin_target_[t];
    if (s == kNone || s == orig_[t] || returning_[t] || count[s] <= limit_[s])
      continue;
    return HardRuleError(
        {.teacher = TeacherId(t),
         .rule = "capacity",
         .is_override = pin_override_[t] != 0,
         .sentence = absl::StrCat(
             "school \"", Name(s), "\" would end with ", count[s],
             " staff, above its limit ", limit_[s], " (headcount ",
             schools_[s]->headcount,
             "): not enough of its teachers leave in this run to make room for "
             "the locked and overridden arrivals; lock the departures that "
             "made room, or release this placement")});
  }
  return absl::OkStatus();
}

}  // namespace exchange_internal

using exchange_internal::Run;

absl::StatusOr<std::vector<EligibilityEntry>> ComputeEligibility(
    const CountyInputs& inputs, const RoundPolicy& policy) {
  ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));
  ROTA_RETURN_IF_ERROR(
      ValidateCountyInputs(inputs, RoundKind::kExchangeRotation));
  Run run(inputs, policy, RunParameters{});
  run.Prepare();
  return run.Eligibility();
}

absl::StatusOr<RoundOutcome> RunExchangeRotation(
    const CountyInputs& inputs, const RoundPolicy& policy,
    const RunParameters& parameters, const OutcomeOptions& options) {
  ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));
  ROTA_RETURN_IF_ERROR(
      ValidateCountyInputs(inputs, RoundKind::kExchangeRotation));
  if (parameters.voluntary_mechanism.has_value()) {
    int v = static_cast<int>(*parameters.voluntary_mechanism);
    if (v < 1 || v > 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameters.voluntary_mechanism: unknown value ", v));
    }
  }
  Run run(inputs, policy, parameters, options);
  run.Prepare();
  ROTA_RETURN_IF_ERROR(run.ApplyPins());
  ROTA_RETURN_IF_ERROR(run.RotateLeaders());
  ROTA_RETURN_IF_ERROR(run.Voluntary());
  run.Select();
  ROTA_RETURN_IF_ERROR(run.MandatoryByPreference());
  ROTA_RETURN_IF_ERROR(run.Allocate());  // with FreedSeats between rounds
  ROTA_RETURN_IF_ERROR(run.CheckPinnedCapacity());
  return run.Finish();
}

}  // namespace rota::engine::rules
