// The RoundService handlers that read or settle a run: results,
// explanations, report, locks and overrides, commit, cancel and replay
// (round_service.h documents the events each writes).
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/cancellation.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "engine/rules/county.h"
#include "engine/rules/hard_rule.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "rota/v1/round_events.pb.h"
#include "service/county_write.h"
#include "service/filter.h"
#include "service/internal/round_support.h"
#include "service/page_token.h"
#include "service/round_commit.h"
#include "service/round_projection.h"
#include "service/round_service.h"
#include "service/validation.h"

namespace rota::service {

using round_internal::Adjustments;
using round_internal::CheckRoundWrite;
using round_internal::Compute;
using round_internal::FrozenParts;
using round_internal::HardRuleRefusal;
using round_internal::LatestRun;
using round_internal::LoadAll;
using round_internal::LoadFrozen;
using round_internal::LoadRound;
using round_internal::LoadRunRecord;
using round_internal::NotFoundName;
using round_internal::OpenRound;
using round_internal::Page;
using round_internal::ParseFrozen;
using round_internal::PeopleOf;
using round_internal::PickRun;
using round_internal::ReadFrozenEvent;
using round_internal::ReadView;
using round_internal::RefId;
using round_internal::Round;
using round_internal::RoundName;
using round_internal::RunEtag;
using round_internal::Snapshot;
using round_internal::StageRun;
using round_internal::TargetsOf;
using round_internal::ValidateReason;
using round_internal::WrongState;

// ---- results ----------------------------------------------------------------

absl::StatusOr<rota::v1::ListPlacementsResponse> Rounds::ListPlacements(
    const CallContext& call, const rota::v1::ListPlacementsRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ReadView v, OpenRound(*store_, call, req.name()));
  ROTA_ASSIGN_OR_RETURN(int32_t run, PickRun(v.round, req.run()));
  ROTA_ASSIGN_OR_RETURN(
      Filter filter,
      ParseFilter(req.filter(), FilterKind::kPlacement, v.name.county));
  rota::v1::ListPlacementsResponse out;
  std::vector<rota::v1::Placement> rows;
  std::string next;
  ROTA_RETURN_IF_ERROR(Page<rota::v1::Placement>(
      *v.snapshot, keys::PlacementPrefix(v.name.id, run),
      absl::StrCat(req.name(), "#", run), req.filter(), req.page_size(),
      req.page_token(),
      [&](const rota::v1::Placement& p) { return filter.Matches(p); }, rows,
      next));
  for (auto& r : rows) *out.add_placements() = std::move(r);
  out.set_next_page_token(next);
  return out;
}

absl::StatusOr<rota::v1::Explanation> Rounds::ExplainPlacement(
    const CallContext& call, const rota::v1::ExplainPlacementRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ReadView v, OpenRound(*store_, call, req.name()));
  const char* people = PeopleOf(v.round.kind());
  std::optional<std::string> teacher =
      RefId(v.name.county, people, req.teacher());
  if (!teacher.has_value())
    return InvalidField(
        "teacher",
        absl::StrCat("must be ",
                     people == kApplicants ? "an applicant" : "a teacher",
                     " id or resource name of the round's "
                     "county"));
  ROTA_ASSIGN_OR_RETURN(int32_t run, PickRun(v.round, req.run()));
  // Runs stored by earlier versions carry their explanations.
  ROTA_ASSIGN_OR_RETURN(
      auto x, LoadProto<rota::v1::Explanation>(
                  *v.snapshot, keys::Explanation(v.name.id, run, *teacher)));
  if (!x.has_value()) {
    ROTA_ASSIGN_OR_RETURN(std::shared_ptr<const RunExplanations> all,
                          ExplanationsOf(*v.snapshot, v.round, run));
    auto it = all->by_teacher.find(
        ChildResourceName(v.name.county, people, *teacher));
    if (it == all->by_teacher.end())
      return NotFoundName(
          absl::StrCat(people == kApplicants ? "applicant " : "teacher ",
                       *teacher, " in run ", run, " of ", v.round.name()));
    x = it->second;
  }
  // The placement as it stands (locks and overrides).
  ROTA_ASSIGN_OR_RETURN(
      auto p, LoadProto<rota::v1::Placement>(
                  *v.snapshot, keys::Placement(v.name.id, run, *teacher)));
  if (p.has_value()) *x->mutable_placement() = *p;
  return *x;
}

absl::StatusOr<rota::v1::RoundReport> Rounds::GetRoundReport(
    const CallContext& call, const rota::v1::GetRoundReportRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ReadView v, OpenRound(*store_, call, req.name()));
  ROTA_ASSIGN_OR_RETURN(int32_t run, PickRun(v.round, req.run()));
  ROTA_ASSIGN_OR_RETURN(auto record, LoadRunRecord(*v.snapshot, v.name, run));
  return record.report();
}

// ---- lock / override --------------------------------------------------------

namespace {

struct AdjustmentTarget {
  ChildName round;
  std::string teacher;  // id
};

// The checks a lock and an override share: the round's name, the caller's
// access to its county, then teacher name, reason and request id.
absl::StatusOr<AdjustmentTarget> CheckAdjustment(
    const CallContext& call, const std::string& round_name,
    const std::string& teacher_ref, const std::string& reason,
    const std::string& request_id) {
  Violations v;
  ROTA_ASSIGN_OR_RETURN(ChildName n, RoundName(round_name));
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, n.county));
  // Teachers, or applicants in a recruitment round (the round is read
  // later, under the county's lock).
  std::optional<std::string> teacher = RefId(n.county, kTeachers, teacher_ref);
  if (!teacher.has_value()) teacher = RefId(n.county, kApplicants, teacher_ref);
  if (!teacher.has_value())
    v.Add("teacher",
          "must be a teacher (or applicant) id or resource name of this "
          "county");
  ValidateReason(reason, v);
  ValidateRequestId(request_id, v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  return AdjustmentTarget{std::move(n), std::move(*teacher)};
}

}  // namespace

absl::StatusOr<rota::v1::Placement> Rounds::LockPlacement(
    const CallContext& call, const rota::v1::LockPlacementRequest& req) {
  ROTA_ASSIGN_OR_RETURN(AdjustmentTarget target,
                        CheckAdjustment(call, req.name(), req.teacher(),
                                        req.reason(), req.request_id()));
  const ChildName& n = target.round;
  const std::string& teacher = target.teacher;
  return WriteToCounty<rota::v1::Placement>(
      *store_, *county_mutex_(n.county), call, n.county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<rota::v1::Placement> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), n));
        if (round.state() != rota::v1::PROPOSED)
          return WrongState(round, "PROPOSED (run the round first)");
        int32_t run = LatestRun(round);
        ROTA_ASSIGN_OR_RETURN(
            auto p, LoadProto<rota::v1::Placement>(
                        w.state(), keys::Placement(n.id, run, teacher)));
        if (!p.has_value())
          return NotFoundName(absl::StrCat("teacher ", teacher, " in run ", run,
                                           " of ", round.name()));
        const bool hiring = round.kind() == rota::v1::COMPETITIVE_HIRING;
        std::string to;
        switch (p->outcome()) {
          case rota::v1::MOVED:
          case rota::v1::DOWN_HIRED:
          case rota::v1::UP_HIRED:
            to = hiring ? p->to_post() : p->to_school();
            break;
          case rota::v1::STAYED:
            to = hiring ? p->to_post() : "";
            break;
          case rota::v1::RECRUITED:
            to = p->to_post();
            break;
          case rota::v1::ITINERANT:  // keeps her at the school she visits
            to = p->to_school();
            break;
          default:
            to = "";
        }
        p->set_locked(true);
        p->set_override_reason(req.reason());
        rota::v1::PlacementAdjusted e;
        round.set_etag(absl::StrCat(w.next_sequence()));
        round.set_update_time(w.now());
        *e.mutable_round() = round;
        e.set_teacher(p->teacher());
        e.set_override(false);
        e.set_to(to);
        e.set_reason(req.reason());
        e.set_run(run);
        *e.mutable_placement() = *p;
        ROTA_RETURN_IF_ERROR(
            w.AddEvent(kPlacementAdjustedEvent, SerializeDeterministic(e)));
        return *p;
      });
}

absl::StatusOr<rota::v1::Placement> Rounds::OverridePlacement(
    const CallContext& call, const rota::v1::OverridePlacementRequest& req) {
  ROTA_ASSIGN_OR_RETURN(AdjustmentTarget target,
                        CheckAdjustment(call, req.name(), req.teacher(),
                                        req.reason(), req.request_id()));
  const ChildName& n = target.round;
  const std::string& teacher = target.teacher;
  return WriteToCounty<rota::v1::Placement>(
      *store_, *county_mutex_(n.county), call, n.county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<rota::v1::Placement> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), n));
        if (round.state() != rota::v1::PROPOSED)
          return WrongState(round, "PROPOSED (run the round first)");
        const bool hiring = round.kind() == rota::v1::COMPETITIVE_HIRING;
        const bool recruitment = round.kind() == rota::v1::RECRUITMENT;
        const char* collection = TargetsOf(round.kind());
        const char* people = PeopleOf(round.kind());
        ROTA_ASSIGN_OR_RETURN(std::shared_ptr<CachedFrozen> inputs,
                              EngineInputsOf(round));
        absl::MutexLock lock(&inputs->mu);
        const engine::rules::CountyInputs& frozen = inputs->frozen.inputs;
        std::string to;
        if (!req.to().empty()) {
          std::optional<std::string> id = RefId(n.county, collection, req.to());
          bool known = false;
          if (id.has_value()) {
            if (recruitment) {
              for (const auto& p : frozen.recruitment_posts)
                known |= p.id == *id;
            } else if (hiring) {
              for (const auto& p : frozen.posts) known |= p.id == *id;
            } else {
              for (const auto& s : frozen.schools) known |= s.id == *id;
            }
            to = ChildResourceName(n.county, collection, *id);
          }
          if (!known)
            return InvalidField("to",
                                absl::StrCat("must name a ",
                                             recruitment ? "recruitment post"
                                             : hiring    ? "post"
                                                         : "school",
                                             " of the round's frozen inputs"));
        }
        std::string teacher_name = ChildResourceName(n.county, people, teacher);
        bool in_round = false;
        if (recruitment) {
          for (const auto& a : frozen.applicants) in_round |= a.id == teacher;
        } else {
          for (const auto& t : frozen.teachers) in_round |= t.id == teacher;
        }
        if (!in_round)
          return NotFoundName(
              absl::StrCat(recruitment ? "applicant " : "teacher ", teacher,
                           " in ", round.name()));
        ROTA_ASSIGN_OR_RETURN(auto adjustments, Adjustments(w.state(), n.id));
        rota::v1::PlacementAdjusted e;
        e.set_teacher(teacher_name);
        e.set_override(true);
        e.set_to(to);
        e.set_reason(req.reason());
        std::vector<rota::v1::PlacementAdjusted> with;
        for (const auto& a : adjustments)
          if (a.teacher() != teacher_name) with.push_back(a);
        with.push_back(e);
        std::sort(with.begin(), with.end(), [](const auto& a, const auto& b) {
          return a.teacher() < b.teacher();
        });
        // The engine decides whether the override breaks a hard rule; if it
        // does not, its run with the override becomes the latest run.
        const rota::v1::RunParameters params =
            round.runs(round.runs_size() - 1).parameters();
        absl::StatusOr<EngineResult> result =
            Compute(inputs->frozen, with, params, nullptr);
        if (!result.ok()) {
          return HardRuleRefusal(result.status(), n.county,
                                 "override refused: it breaks the ", people);
        }
        rota::v1::Placement mine;
        bool found = false;
        for (const auto& p : result->placements) {
          if (p.teacher() == teacher_name) {
            mine = p;
            found = true;
          }
        }
        if (!found && round.kind() == rota::v1::ITINERANT_TEACHING) {
          // 走教 lists only teachers who teach elsewhere: one kept at home
          // by the override stays at her school.
          for (const auto& t : frozen.teachers) {
            if (t.id != teacher) continue;
            mine.set_teacher(teacher_name);
            mine.set_from_school(
                ChildResourceName(n.county, kSchools, t.school));
            mine.set_to_school(mine.from_school());
            mine.set_outcome(rota::v1::STAYED);
            mine.set_overridden(true);
            mine.set_override_reason(req.reason());
            found = true;
          }
        }
        if (!found)
          return absl::InternalError("the run lost the overridden teacher");
        e.set_run(LatestRun(round) + 1);
        *e.mutable_placement() = mine;
        round.set_etag(absl::StrCat(w.next_sequence()));
        round.set_update_time(w.now());
        *e.mutable_round() = round;
        ROTA_RETURN_IF_ERROR(
            w.AddEvent(kPlacementAdjustedEvent, SerializeDeterministic(e)));
        // The engine's run with the override becomes the latest run.
        ROTA_RETURN_IF_ERROR(
            StageRun(w, round, with, params, std::move(*result)).status());
        return mine;
      });
}

// ---- commit / cancel --------------------------------------------------------

namespace {

// A commit applies the run that was reviewed: `run_etag` must be the
// RunSummary.etag of the round's latest run.
absl::Status CheckRunEtag(const Round& round, const std::string& run_etag) {
  const rota::v1::RunSummary& latest = round.runs(round.runs_size() - 1);
  if (run_etag.empty()) {
    return PreconditionFailed(
        "RUN_ETAG_REQUIRED", "run_etag",
        absl::StrCat("is required: the etag of the run of ", round.name(),
                     " that was reviewed (shown by `rotactl round run` and "
                     "`rotactl round results`)"));
  }
  if (run_etag != RunEtag(round.name(), latest)) {
    return PreconditionFailed(
        "RUN_ETAG_STALE", "run_etag",
        absl::StrCat("\"", run_etag, "\" is not the etag of run ", latest.run(),
                     ", the latest run of ", round.name(),
                     ": review the latest run and commit with its etag"));
  }
  return absl::OkStatus();
}

// A recruitment round's commit: every hire becomes a teacher
// (NewTeacherOfHire). FAILED_PRECONDITION if a teacher with her id exists
// or a school she is placed at was deleted since the freeze.
absl::Status NewTeachersOfHires(
    const Snapshot& state, const rota::v1::RoundFrozen& frozen,
    const std::vector<rota::v1::Placement>& placements,
    const CommitContext& context, std::vector<rota::v1::Teacher>* created,
    rota::v1::RoundCommitted* c) {
  absl::flat_hash_map<absl::string_view, const rota::v1::Applicant*> applicants;
  applicants.reserve(frozen.applicants_size());
  for (const auto& a : frozen.applicants()) applicants[a.name()] = &a;
  // Schools already found in the registry (hires share a few hundred).
  absl::flat_hash_set<std::string> schools_found;
  for (const auto& p : placements) {
    if (p.outcome() != rota::v1::RECRUITED) continue;
    auto a = applicants.find(p.teacher());
    if (a == applicants.end())
      return absl::DataLossError(absl::StrCat(
          "hire ", p.teacher(), " is not among the round's frozen applicants"));
    rota::v1::Teacher t = NewTeacherOfHire(p, *a->second, context);
    ROTA_ASSIGN_OR_RETURN(auto existing,
                          state.Get(keys::Teacher(IdOfName(t.name()))));
    if (existing.has_value()) {
      return PreconditionFailed(
          "STAFF_ID_IN_USE", t.name(),
          absl::StrCat("a teacher already has the staff id of applicant ",
                       p.teacher(),
                       "; cancel the round, change the applicant's id and "
                       "open a new round"));
    }
    for (const std::string* school : {&p.to_school(), &t.school()}) {
      if (schools_found.contains(*school)) continue;
      ROTA_ASSIGN_OR_RETURN(auto s, state.Get(keys::School(IdOfName(*school))));
      if (!s.has_value()) {
        return PreconditionFailed(
            "REGISTRY_CHANGED", *school,
            absl::StrCat("the school of ", p.teacher(),
                         "'s placement was deleted after the freeze; cancel "
                         "and open a new round"));
      }
      schools_found.insert(*school);
    }
    c->add_teachers(t.name());
    *c->add_placements() = p;
    created->push_back(std::move(t));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Round> Rounds::CommitRound(
    const CallContext& call, const rota::v1::CommitRoundRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ChildName n,
                        CheckRoundWrite(call, req.name(), req.request_id()));
  return WriteToCounty<Round>(
      *store_, *county_mutex_(n.county), call, n.county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<Round> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), n));
        if (!req.etag().empty() && req.etag() != round.etag()) {
          return EtagMismatch(round.name(), req.etag(), round.etag());
        }
        if (round.state() != rota::v1::PROPOSED)
          return WrongState(round, "PROPOSED (run the round first)");
        const int32_t run = LatestRun(round);
        ROTA_RETURN_IF_ERROR(CheckRunEtag(round, req.run_etag()));
        const bool hiring = round.kind() == rota::v1::COMPETITIVE_HIRING;
        google::protobuf::Arena arena;
        ROTA_ASSIGN_OR_RETURN(
            const rota::v1::RoundFrozen* f,
            LoadFrozen(*store_, round, FrozenParts::kSchools, &arena));
        const rota::v1::RoundFrozen& frozen = *f;
        ROTA_ASSIGN_OR_RETURN(auto placements,
                              LoadAll<rota::v1::Placement>(
                                  w.state(), keys::PlacementPrefix(n.id, run)));
        std::map<std::string, const rota::v1::School*> schools;
        for (const auto& s : frozen.schools()) schools[s.name()] = &s;
        const bool term_exchange =
            !hiring && frozen.policy().exchange_rotation().mode() ==
                           rota::v1::TERM_EXCHANGE;
        CommitContext context;
        context.hiring = hiring;
        context.term_exchange = term_exchange;
        context.effective_date = round.effective_date();
        context.schools = &schools;
        std::vector<rota::v1::Teacher> updated;
        rota::v1::RoundCommitted c;
        if (round.kind() == rota::v1::RECRUITMENT) {
          ROTA_RETURN_IF_ERROR(NewTeachersOfHires(w.state(), frozen, placements,
                                                  context, &updated, &c));
          placements.clear();
        }
        for (const auto& p : placements) {
          if (p.outcome() == rota::v1::ITINERANT) {
            // 走教: she keeps her school and post; her record gains the
            // school year of 走教 (the service history points read).
            ROTA_ASSIGN_OR_RETURN(
                auto t, LoadProto<rota::v1::Teacher>(
                            w.state(), keys::Teacher(IdOfName(p.teacher()))));
            if (!t.has_value()) {
              return PreconditionFailed(
                  "REGISTRY_CHANGED", p.teacher(),
                  "the teacher was deleted after the freeze; cancel and "
                  "open a new round");
            }
            rota::v1::Teacher nt = *t;
            *c.add_previous() = *t;
            RecordItinerantService(p, round, &nt);
            updated.push_back(std::move(nt));
            c.add_teachers(p.teacher());
            *c.add_placements() = p;
            continue;
          }
          const bool school_change =
              !p.to_school().empty() && p.to_school() != p.from_school();
          const bool post_change = hiring && p.to_post() != p.from_post() &&
                                   (p.outcome() == rota::v1::MOVED ||
                                    p.outcome() == rota::v1::DOWN_HIRED ||
                                    p.outcome() == rota::v1::UP_HIRED ||
                                    p.outcome() == rota::v1::UNPLACED);
          if (!school_change && !post_change) continue;
          ROTA_ASSIGN_OR_RETURN(
              auto t, LoadProto<rota::v1::Teacher>(
                          w.state(), keys::Teacher(IdOfName(p.teacher()))));
          if (!t.has_value() || t->school() != p.from_school()) {
            return PreconditionFailed(
                "REGISTRY_CHANGED", p.teacher(),
                t.has_value()
                    ? "the teacher changed school after the freeze; cancel "
                      "and open a new round"
                    : "the teacher was deleted after the freeze; cancel and "
                      "open a new round");
          }
          rota::v1::Teacher nt = *t;
          *c.add_previous() = *t;
          ApplyCommittedPlacement(p, context, &nt);
          updated.push_back(std::move(nt));
          c.add_teachers(p.teacher());
          *c.add_placements() = p;
        }
        round.set_state(rota::v1::COMMITTED);
        round.set_committed_result_hash(
            round.runs(round.runs_size() - 1).result_hash());
        round.set_etag(absl::StrCat(w.next_sequence()));
        round.set_update_time(w.now());
        *c.mutable_round() = round;
        c.set_run(run);
        ROTA_RETURN_IF_ERROR(
            w.AddEvent(kRoundCommittedEvent, SerializeDeterministic(c)));
        for (auto& t : updated) {
          t.set_etag(absl::StrCat(w.next_sequence()));
          t.set_update_time(w.now());
          ROTA_RETURN_IF_ERROR(
              w.AddEvent(kTeacherEvent, SerializeDeterministic(t)));
        }
        return round;
      });
}

absl::StatusOr<Round> Rounds::CancelRound(
    const CallContext& call, const rota::v1::CancelRoundRequest& req) {
  Violations v;
  ROTA_ASSIGN_OR_RETURN(ChildName n, RoundName(req.name()));
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, n.county));
  ValidateRequestId(req.request_id(), v);
  if (!req.reason().empty()) {
    std::optional<size_t> len = Utf8Length(req.reason());
    if (!len.has_value() || *len > kMaxNoteChars)
      v.Add("reason", "must be valid UTF-8 of at most 2000 characters");
  }
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  return WriteToCounty<Round>(
      *store_, *county_mutex_(n.county), call, n.county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<Round> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), n));
        if (round.state() == rota::v1::COMMITTED ||
            round.state() == rota::v1::CANCELLED ||
            round.state() == rota::v1::REVERSED)
          return WrongState(round, "DRAFT, FROZEN or PROPOSED");
        round.set_state(rota::v1::CANCELLED);
        round.set_etag(absl::StrCat(w.next_sequence()));
        round.set_update_time(w.now());
        rota::v1::RoundCancelled e;
        *e.mutable_round() = round;
        e.set_reason(req.reason());
        ROTA_RETURN_IF_ERROR(
            w.AddEvent(kRoundCancelledEvent, SerializeDeterministic(e)));
        return round;
      });
}

// ---- replay -----------------------------------------------------------------

absl::StatusOr<rota::v1::ReplayRoundResponse> Rounds::ReplayRound(
    const CallContext& call, const rota::v1::ReplayRoundRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ReadView v, OpenRound(*store_, call, req.name()));
  int32_t run = req.run();
  if (run == 0 && (v.round.state() == rota::v1::COMMITTED ||
                   v.round.state() == rota::v1::REVERSED)) {
    // The committed run is the latest one (commit takes the latest run).
    run = LatestRun(v.round);
  }
  ROTA_ASSIGN_OR_RETURN(run, PickRun(v.round, run));
  ROTA_ASSIGN_OR_RETURN(auto record, LoadRunRecord(*v.snapshot, v.name, run));
  std::vector<rota::v1::PlacementAdjusted> adjustments(
      record.adjustments().begin(), record.adjustments().end());
  // The inputs are the stored RoundFrozen event's bytes. When this server
  // holds the round's inputs already converted for the engine from bytes
  // with the same SHA-256, it uses them (the conversion is a pure function of
  // the bytes); otherwise it parses and converts the stored bytes.
  ROTA_ASSIGN_OR_RETURN(storage::Event event,
                        ReadFrozenEvent(*store_, v.round));
  ROTA_RETURN_IF_ERROR(CheckNotCancelled("a replay"));
  const Sha256Digest digest = Sha256(event.payload);
  std::shared_ptr<CachedFrozen> converted = FindCached(CacheKey(v.round));
  if (converted != nullptr && converted->payload_digest != digest)
    converted = nullptr;
  auto recompute = [&](EngineOutput output) -> absl::StatusOr<EngineResult> {
    if (converted != nullptr) {
      absl::MutexLock lock(&converted->mu);
      return RunEngine(converted->frozen, adjustments,
                       record.summary().parameters(), nullptr, output,
                       record.summary().outcome_encoding());
    }
    google::protobuf::Arena arena;
    ROTA_ASSIGN_OR_RETURN(
        const rota::v1::RoundFrozen* f,
        ParseFrozen(event, v.round, FrozenParts::kEngineInputs, &arena));
    return RunEngine(*f, adjustments, record.summary().parameters(), nullptr,
                     output, record.summary().outcome_encoding());
  };
  // The hash decides; the placements are converted (by a second run) only
  // to name the first difference when it does not match.
  ROTA_ASSIGN_OR_RETURN(EngineResult r, recompute(EngineOutput::kHashOnly));
  rota::v1::ReplayRoundResponse out;
  out.set_recorded_hash(record.summary().result_hash());
  out.set_replay_hash(r.result_hash);
  out.set_match(out.recorded_hash() == out.replay_hash());
  if (!out.match()) {
    ROTA_RETURN_IF_ERROR(CheckNotCancelled("a replay"));
    ROTA_ASSIGN_OR_RETURN(r, recompute(EngineOutput::kFull));
    ROTA_ASSIGN_OR_RETURN(
        auto stored, LoadAll<rota::v1::Placement>(
                         *v.snapshot, keys::PlacementPrefix(v.name.id, run)));
    out.set_first_difference(FirstPlacementDifference(stored, r.placements));
  }
  return out;
}

}  // namespace rota::service
