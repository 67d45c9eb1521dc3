#include "service/round_engine.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "engine/rules/competitive_hiring.h"
#include "engine/rules/exchange_rotation.h"
#include "engine/rules/itinerant_teaching.h"
#include "engine/rules/recruitment.h"
#include "engine/rules/round_outcome.h"
#include "service/round_inputs.h"
#include "service/round_projection.h"
#include "service/round_recruitment.h"
#include "service/validation.h"

namespace rota::service {
namespace {

namespace rules = ::rota::engine::rules;

std::string Name(absl::string_view county, absl::string_view collection,
                 absl::string_view id) {
  if (id.empty()) return "";
  return absl::StrCat("counties/", county, "/", collection, "/", id);
}

absl::StatusOr<rules::RunParameters> ToParams(
    const rota::v1::RunParameters& p) {
  rules::RunParameters out;
  const std::string& vm = p.voluntary_mechanism();
  if (vm == "to-be" || vm == "TO_BE" || vm == "to_be") {
    out.voluntary_mechanism =
        rules::VoluntaryMechanism::kTeacherOptimalBlockExchange;
  } else if (vm == "da-star" || vm == "DA_STAR" || vm == "da_star" ||
             vm == "da*") {
    out.voluntary_mechanism =
        rules::VoluntaryMechanism::kTenureDeferredAcceptance;
  } else if (!vm.empty()) {
    return absl::InvalidArgumentError(
        "parameters.voluntary_mechanism: must be \"to-be\" or \"da-star\"");
  }
  const std::string& sm = p.stage_mode();
  if (sm == "simultaneous" || sm == "SIMULTANEOUS") {
    out.stage_mode = rules::StageMode::kSimultaneous;
  } else if (sm == "sequential" || sm == "SEQUENTIAL") {
    out.stage_mode = rules::StageMode::kSequential;
  } else if (!sm.empty()) {
    return absl::InvalidArgumentError(
        "parameters.stage_mode: must be \"simultaneous\" or \"sequential\"");
  }
  return out;
}

std::string CountyOf(const rota::v1::Round& round) {
  return IdOfName(round.name().substr(0, round.name().find("/rounds/")));
}

// Display names and genders of the run's people and schools, and the school
// of each post (for people reading the results; not in the hash).
struct People {
  std::map<std::string, std::string> school_names;
  std::map<std::string, std::pair<std::string, rota::v1::Gender>> people;
  std::map<std::string, std::string> post_schools;

  explicit People(const rules::CountyInputs& in) {
    for (const auto& s : in.schools) school_names[s.id] = s.display_name;
    for (const auto& t : in.teachers)
      people[t.id] = {t.display_name, static_cast<rota::v1::Gender>(t.gender)};
    for (const auto& a : in.applicants)
      people[a.id] = {a.display_name, static_cast<rota::v1::Gender>(a.gender)};
    for (const auto& p : in.posts) post_schools[p.id] = p.school;
    for (const auto& p : in.recruitment_posts) post_schools[p.id] = p.school;
  }
  std::string School(const std::string& id) const {
    auto it = school_names.find(id);
    return it == school_names.end() ? "" : it->second;
  }
  std::string Person(const std::string& id) const {
    auto it = people.find(id);
    return it == people.end() ? "" : it->second.first;
  }
  rota::v1::Gender GenderOf(const std::string& id) const {
    auto it = people.find(id);
    return it == people.end() ? rota::v1::GENDER_UNSPECIFIED
                              : it->second.second;
  }
  // A listed choice: a school, or a post (the post's school).
  std::string Choice(const std::string& id) const {
    auto it = post_schools.find(id);
    return School(it == post_schools.end() ? id : it->second);
  }
};

// Itinerant teaching: each teacher's assignments and weekly plan on her
// placement (teacher id order on both sides), the coverage lines on the
// report.
void AddItinerant(const std::string& county, const rules::CountyInputs& in,
                  const People& people, const rules::ItinerantResult& it,
                  EngineResult* r) {
  std::map<std::string, std::string> names;
  for (const auto& s : in.schools) names[s.id] = s.display_name;
  std::map<std::string, rota::v1::Placement*> by_teacher;
  for (auto& p : r->placements) by_teacher[IdOfName(p.teacher())] = &p;
  for (const auto& a : it.assignments) {
    auto found = by_teacher.find(a.teacher);
    if (found == by_teacher.end()) continue;
    auto* x = found->second->add_itinerant_assignments();
    x->set_school(Name(county, "schools", a.school));
    x->set_subject(a.subject);
    x->set_stage(static_cast<rota::v1::Stage>(a.stage));
    x->set_periods(a.periods);
    x->set_own_school(a.own_school);
    x->set_metres(a.metres);
    x->set_minutes(a.minutes);
  }
  for (const auto& plan : it.plans) {
    auto found = by_teacher.find(plan.teacher);
    if (found == by_teacher.end()) continue;
    auto* x = found->second->mutable_itinerant_plan();
    x->set_home_school(Name(county, "schools", plan.home_school));
    for (int slot = 0; slot < rules::kHalfDaysPerWeek; ++slot) {
      const rules::HalfDaySlot& h = plan.slots[slot];
      if (h.school.empty()) continue;
      auto* v = x->add_visits();
      v->set_half_day(std::string(HalfDayName(slot)));
      v->set_school(Name(county, "schools", h.school));
      v->set_school_name(names[h.school]);
      v->set_periods(h.periods);
    }
    x->set_own_load(plan.own_load);
    x->set_itinerant_periods(plan.itinerant_periods);
    x->set_own_extra_periods(plan.own_extra_periods);
    x->set_weekly_travel_metres(plan.weekly_travel_metres);
    x->set_subsidy_yuan_per_month(plan.subsidy_yuan_per_month);
  }
  for (const auto& c : it.coverage) {
    auto* x = r->report.add_coverage();
    x->set_school(Name(county, "schools", c.school));
    x->set_school_name(names[c.school]);
    x->set_subject(c.subject);
    x->set_stage(static_cast<rota::v1::Stage>(c.stage));
    x->set_required(c.required);
    x->set_own(c.own);
    x->set_itinerant(c.itinerant);
    x->set_uncovered(c.uncovered);
    x->set_reason(std::string(rules::UncoveredReasonCode(c.reason)));
    x->set_sentence(c.sentence);
    for (const auto& a : it.assignments) {
      if (!a.own_school && a.school == c.school && a.subject == c.subject &&
          a.stage == c.stage) {
        x->add_teachers(Name(county, "teachers", a.teacher));
        x->add_teacher_names(people.Person(a.teacher));
      }
    }
  }
}

// notes_zh holds one entry per note: the engine's Chinese twin, or "" where
// a note has none (the engine's list may be shorter).
void AddNotesZh(size_t n, const std::vector<std::string>& zh,
                google::protobuf::RepeatedPtrField<std::string>* out) {
  for (size_t i = 0; i < n; ++i) *out->Add() = i < zh.size() ? zh[i] : "";
}

}  // namespace

absl::StatusOr<FrozenEngineInputs> ToFrozenEngineInputs(
    const rota::v1::RoundFrozen& frozen) {
  FrozenEngineInputs out;
  out.kind = frozen.round().kind();
  out.county = CountyOf(frozen.round());
  ROTA_ASSIGN_OR_RETURN(out.inputs, ToCountyInputs(frozen, {}));
  out.policy = ToRoundPolicy(frozen.policy());
  return out;
}

absl::StatusOr<std::vector<rota::v1::EligibilityEntry>> ComputeEligibility(
    const FrozenEngineInputs& frozen) {
  const std::string& county = frozen.county;
  const rules::CountyInputs& in = frozen.inputs;
  const rules::RoundPolicy& policy = frozen.policy;
  std::vector<rota::v1::EligibilityEntry> out;
  if (frozen.kind == rota::v1::RECRUITMENT)
    return RecruitmentEligibility(frozen);
  const People named(in);
  const auto add_names = [&](rota::v1::EligibilityEntry& e,
                             const std::string& teacher,
                             const std::string& school) {
    e.set_teacher_name(named.Person(teacher));
    e.set_school_name(named.School(school));
  };
  if (frozen.kind == rota::v1::COMPETITIVE_HIRING) {
    // Competitive hiring: every teacher takes part; nobody is "selected".
    std::map<std::string, const rules::Teacher*> teachers;
    for (const auto& t : in.teachers) teachers[t.id] = &t;
    std::map<std::string, bool> applied;
    for (const auto& a : in.applications) applied[a.teacher] = true;
    for (const auto& [id, t] : teachers) {
      rota::v1::EligibilityEntry e;
      e.set_teacher(Name(county, "teachers", id));
      e.set_school(Name(county, "schools", t->school));
      add_names(e, id, t->school);
      e.set_eligible(true);
      e.set_voluntary(applied.count(id) > 0);
      e.set_reason(applied.count(id) ? "takes part; submitted a preference list"
                                     : "takes part; no preference list");
      e.set_reason_zh(applied.count(id) ? "参加竞聘；已填报志愿"
                                        : "参加竞聘；未填报志愿");
      out.push_back(std::move(e));
    }
    return out;
  }
  // Exchange rotation: who may be made to rotate; 走教: the teachers of
  // shortage subjects and whether they can teach elsewhere.
  ROTA_ASSIGN_OR_RETURN(std::vector<rules::EligibilityEntry> entries,
                        frozen.kind == rota::v1::ITINERANT_TEACHING
                            ? rules::ComputeItinerantEligibility(in, policy)
                            : rules::ComputeEligibility(in, policy));
  for (const auto& x : entries) {
    rota::v1::EligibilityEntry e;
    e.set_teacher(Name(county, "teachers", x.teacher));
    e.set_school(Name(county, "schools", x.school));
    add_names(e, x.teacher, x.school);
    e.set_eligible(x.eligible);
    e.set_mandatory(x.mandatory);
    e.set_voluntary(x.voluntary);
    e.set_exempt(x.exempt);
    e.set_points(x.points);
    e.set_reason(x.reason);
    e.set_reason_zh(x.reason_zh);
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<EngineResult> RunEngine(
    const rota::v1::RoundFrozen& frozen,
    const std::vector<rota::v1::PlacementAdjusted>& adjustments,
    const rota::v1::RunParameters& params, const ProgressFn& progress,
    EngineOutput output, int32_t outcome_encoding) {
  if (progress) progress("inputs", 0, 3);
  ROTA_ASSIGN_OR_RETURN(FrozenEngineInputs in, ToFrozenEngineInputs(frozen));
  return RunEngine(in, adjustments, params, progress, output, outcome_encoding);
}

absl::StatusOr<EngineResult> RunEngine(
    FrozenEngineInputs& frozen,
    const std::vector<rota::v1::PlacementAdjusted>& adjustments,
    const rota::v1::RunParameters& params, const ProgressFn& progress,
    EngineOutput output, int32_t outcome_encoding) {
  // Runs recorded before the encoding was recorded used version 1.
  if (outcome_encoding == 0) outcome_encoding = rules::kOutcomeEncodingV1;
  if (!rules::KnownOutcomeEncoding(outcome_encoding)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the run's result hash was recorded with outcome encoding ",
        outcome_encoding, ", which this engine (",
        std::string(rules::kEngineVersion),
        ") does not know; use a newer rotad"));
  }
  const std::string& county = frozen.county;
  auto report = [&](const char* phase, int64_t done, int64_t total) {
    if (progress) progress(phase, done, total);
  };
  report("inputs", 0, 3);
  ROTA_ASSIGN_OR_RETURN(rules::RunParameters rp, ToParams(params));
  rules::CountyInputs& in = frozen.inputs;
  AddAdjustments(adjustments, &in);
  // Take the adjustments out again however the run ends.
  struct Restore {
    rules::CountyInputs& in;
    ~Restore() {
      in.locks.clear();
      in.overrides.clear();
    }
  } restore{in};
  const rules::RoundPolicy& policy = frozen.policy;
  rules::OutcomeOptions options;
  // Itinerant teaching: the coverage sentences and placement reasons are
  // part of the stored report (cheap to derive), so every output, the hash
  // alone included, derives them: a replay must hash what the run hashed.
  options.explanations = output == EngineOutput::kFull ||
                         frozen.kind == rota::v1::ITINERANT_TEACHING;
  // Version 1 hashed the sentences as they were then: "she" of everyone.
  options.legacy_pronouns = outcome_encoding == rules::kOutcomeEncodingV1;
  report("matching", 1, 3);
  absl::StatusOr<rules::RoundOutcome> outcome;
  switch (frozen.kind) {
    case rota::v1::EXCHANGE_ROTATION:
      outcome = rules::RunExchangeRotation(in, policy, rp, options);
      break;
    case rota::v1::ITINERANT_TEACHING:
      outcome = rules::RunItinerantTeaching(in, policy, rp, options);
      break;
    case rota::v1::RECRUITMENT:
      outcome = rules::RunRecruitment(in, policy, rp, options);
      break;
    default:
      outcome = rules::RunCompetitiveHiring(in, policy, rp, options);
  }
  if (!outcome.ok()) return outcome.status();
  report("results", 2, 3);
  const rules::RoundOutcome& o = *outcome;
  EngineResult r;
  r.outcome_encoding = outcome_encoding;
  r.result_hash = outcome_encoding == rules::kOutcomeEncodingCurrent
                      ? o.hash_hex
                      : rules::OutcomeHashHex(o, outcome_encoding);
  r.teachers = o.counts.teachers;
  r.moved = o.counts.moved;
  r.stayed = o.counts.stayed;
  r.unplaced = o.counts.unplaced;
  r.quota_violations = o.counts.quota_violations;
  r.itinerant_teachers = o.counts.itinerant;
  for (const auto& c : o.itinerant.coverage) r.uncovered_periods += c.uncovered;
  if (output == EngineOutput::kHashOnly) return r;
  // Recruitment: applicants and recruitment posts in the place of teachers
  // and posts.
  const bool recruitment = frozen.kind == rota::v1::RECRUITMENT;
  const char* people = recruitment ? "applicants" : "teachers";
  const char* posts = recruitment ? "recruitment-posts" : "posts";
  const People named(in);
  r.placements.reserve(o.placements.size());
  for (const auto& p : o.placements) {
    rota::v1::Placement x;
    x.set_teacher(Name(county, people, p.teacher));
    x.set_from_school(Name(county, "schools", p.from_school));
    x.set_from_post(Name(county, posts, p.from_post));
    x.set_to_school(Name(county, "schools", p.to_school));
    x.set_to_post(Name(county, posts, p.to_post));
    x.set_outcome(static_cast<rota::v1::Outcome>(p.outcome));
    x.set_choice(p.choice);
    x.set_via(p.via);
    x.set_route(static_cast<rota::v1::Route>(p.route));
    x.set_reason_code(static_cast<rota::v1::PlacementReason>(p.reason_code));
    x.set_mandatory(p.mandatory);
    x.set_locked(p.locked);
    x.set_overridden(p.overridden);
    x.set_override_reason(p.override_reason);
    if (p.return_day.has_value())
      x.set_return_date(rules::FormatDate(*p.return_day));
    x.set_points(p.points);
    x.set_reason(p.reason);
    x.set_reason_zh(p.reason_zh);
    x.set_teacher_name(named.Person(p.teacher));
    x.set_teacher_gender(named.GenderOf(p.teacher));
    x.set_from_school_name(named.School(p.from_school));
    x.set_to_school_name(named.School(p.to_school));
    r.placements.push_back(std::move(x));
  }
  if (frozen.kind == rota::v1::ITINERANT_TEACHING)
    AddItinerant(county, in, named, o.itinerant, &r);
  const char* choice_collection =
      frozen.kind == rota::v1::COMPETITIVE_HIRING || recruitment ? posts
                                                                 : "schools";
  if (output == EngineOutput::kFull)
    r.explanations.reserve(o.explanations.size());
  for (size_t i = 0; output == EngineOutput::kFull && i < o.explanations.size();
       ++i) {
    const rules::TeacherExplanation& t = o.explanations[i];
    rota::v1::Explanation x;
    // Only the teacher: the placement is stored once, with the placements
    // (ExplainPlacement joins them, showing later adjustments too).
    x.mutable_placement()->set_teacher(Name(county, people, t.teacher));
    for (const auto& c : t.points_breakdown) {
      auto* pc = x.add_points_breakdown();
      pc->set_component(c.component);
      pc->set_component_zh(c.component_zh);
      pc->set_centipoints(c.centipoints);
    }
    for (const auto& c : t.choices) {
      auto* ce = x.add_choices();
      ce->set_choice(Name(county, choice_collection, c.choice));
      ce->set_rank(c.rank);
      ce->set_verdict(std::string(rules::VerdictName(c.verdict)));
      ce->set_sentence(c.sentence);
      ce->set_sentence_zh(c.sentence_zh);
      ce->set_competitor(
          c.competitor.empty() ? "" : Name(county, people, c.competitor));
      ce->set_competitor_points(c.competitor_points);
      ce->set_teacher_points(c.teacher_points);
      ce->set_admitted(c.admitted);
      ce->set_choice_name(named.Choice(c.choice));
      ce->set_competitor_name(named.Person(c.competitor));
    }
    for (const auto& n : t.notes) x.add_notes(n);
    AddNotesZh(t.notes.size(), t.notes_zh, x.mutable_notes_zh());
    r.explanations.push_back(std::move(x));
  }
  auto& rep = r.report;
  for (const auto& c : o.counts.movers_by_direction) {
    auto* s = rep.add_movers_by_direction();
    s->set_key(c.key);
    s->set_count(c.count);
  }
  for (const auto& c : o.counts.movers_by_locality) {
    auto* s = rep.add_movers_by_locality();
    s->set_key(c.key);
    s->set_count(c.count);
  }
  for (const auto& c : o.counts.rank_distribution) {
    auto* s = rep.add_rank_distribution();
    s->set_key(c.key);
    s->set_count(c.count);
  }
  for (const auto& q : o.quotas) {
    auto* l = rep.add_quotas();
    l->set_scope(q.scope == "county" ? q.scope
                                     : Name(county, "schools", q.scope));
    l->set_quota(q.quota);
    l->set_required(q.required);
    l->set_achieved(q.achieved);
    l->set_holds(q.holds);
    l->set_reason(q.reason);
    l->set_reason_zh(q.reason_zh);
    if (q.scope != "county") l->set_scope_name(named.School(q.scope));
  }
  for (const auto& p : r.placements) {
    if (p.outcome() == rota::v1::UNPLACED) *rep.add_unplaced() = p;
  }
  for (const auto& n : o.notes) rep.add_notes(n);
  AddNotesZh(o.notes.size(), o.notes_zh, rep.mutable_notes_zh());
  if (recruitment) AddRecruitmentResults(frozen, o, &r);
  report("results", 3, 3);
  return r;
}

std::string FirstPlacementDifference(
    const std::vector<rota::v1::Placement>& recorded,
    const std::vector<rota::v1::Placement>& replayed) {
  std::map<std::string, const rota::v1::Placement*> by_teacher;
  for (const auto& p : recorded) by_teacher[p.teacher()] = &p;
  std::map<std::string, const rota::v1::Placement*> ordered;
  for (const auto& p : replayed) ordered[p.teacher()] = &p;
  for (const auto& [teacher, p] : ordered) {
    auto it = by_teacher.find(teacher);
    if (it == by_teacher.end())
      return absl::StrCat("teacher ", teacher, ": not in the recorded run");
    const rota::v1::Placement& q = *it->second;
    if (q.to_school() != p->to_school() || q.to_post() != p->to_post() ||
        q.outcome() != p->outcome()) {
      return absl::StrCat(
          "teacher ", teacher, ": recorded ",
          rota::v1::Outcome_Name(q.outcome()), " to ", q.to_school(),
          q.to_post().empty() ? "" : " " + q.to_post(), ", replay ",
          rota::v1::Outcome_Name(p->outcome()), " to ", p->to_school(),
          p->to_post().empty() ? "" : " " + p->to_post());
    }
  }
  if (ordered.size() != by_teacher.size())
    return "the recorded run places teachers the replay does not";
  return "placements agree; explanations, eligibility or quota lines differ";
}

}  // namespace rota::service
