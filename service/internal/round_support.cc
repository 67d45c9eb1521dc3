#include "service/internal/round_support.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "common/sha256.h"
#include "engine/rules/hard_rule.h"
#include "engine/rules/round_outcome.h"
#include "service/round_projection.h"

namespace rota::service::round_internal {

const char* KindSlug(rota::v1::RoundKind kind) {
  switch (kind) {
    case rota::v1::EXCHANGE_ROTATION:
      return "exchange-rotation";
    case rota::v1::ITINERANT_TEACHING:
      return "itinerant-teaching";
    case rota::v1::RECRUITMENT:
      return "recruitment";
    default:
      return "competitive-hiring";
  }
}

const char* PeopleOf(rota::v1::RoundKind kind) {
  return kind == rota::v1::RECRUITMENT ? kApplicants : kTeachers;
}

const char* TargetsOf(rota::v1::RoundKind kind) {
  switch (kind) {
    case rota::v1::EXCHANGE_ROTATION:
    case rota::v1::ITINERANT_TEACHING:
      return kSchools;
    case rota::v1::RECRUITMENT:
      return kRecruitmentPosts;
    default:
      return kPosts;
  }
}

absl::Status NotFoundName(absl::string_view what) {
  return WithReason(absl::NotFoundError(absl::StrCat(what, " not found")),
                    kReasonNotFound);
}

absl::Status WrongState(const Round& round, absl::string_view required) {
  return PreconditionFailed(
      "ROUND_STATE", round.name(),
      absl::StrCat("the round is ", rota::v1::RoundState_Name(round.state()),
                   "; this call requires ", required));
}

// "counties/{c}/rounds/{r}" -> parts, or INVALID_ARGUMENT on `field`.
absl::StatusOr<ChildName> RoundName(const std::string& name,
                                    absl::string_view field) {
  std::optional<ChildName> n = ParseChildName(name, kRounds);
  if (!n.has_value())
    return InvalidField(field, "must be counties/{county}/rounds/{round}");
  return *n;
}

// A reference given as a bare id or a full name of `county`'s `collection`.
std::optional<std::string> RefId(absl::string_view county,
                                 absl::string_view collection,
                                 absl::string_view value) {
  if (IsValidId(value)) return std::string(value);
  std::optional<ChildName> n = ParseChildName(value, collection);
  if (!n.has_value() || n->county != county) return std::nullopt;
  return n->id;
}

absl::StatusOr<Round> LoadRound(const Snapshot& s, const ChildName& n) {
  ROTA_ASSIGN_OR_RETURN(std::optional<Round> r,
                        LoadProto<Round>(s, keys::Round(n.id)));
  if (!r.has_value())
    return NotFoundName(ChildResourceName(n.county, kRounds, n.id));
  return *r;
}

// Reads a round for a read-only call.
absl::StatusOr<ReadView> OpenRound(const storage::EventStore& store,
                                   const CallContext& call,
                                   const std::string& name) {
  ReadView v;
  ROTA_ASSIGN_OR_RETURN(v.name, RoundName(name));
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, v.name.county));
  ROTA_ASSIGN_OR_RETURN(v.snapshot, OpenCountySnapshot(store, v.name.county));
  ROTA_ASSIGN_OR_RETURN(v.round, LoadRound(*v.snapshot, v.name));
  return v;
}

int32_t LatestRun(const Round& r) {
  return r.runs_size() == 0 ? 0 : r.runs(r.runs_size() - 1).run();
}

std::string RunEtag(const std::string& round_name,
                    const rota::v1::RunSummary& run) {
  const std::string text = absl::StrCat("rota run etag\n", round_name, "\n",
                                        run.run(), "\n", run.result_hash());
  return ToHex(Sha256(text)).substr(0, 32);
}

// The run a read call means: 0 = latest. FAILED_PRECONDITION without runs.
absl::StatusOr<int32_t> PickRun(const Round& r, int32_t run) {
  if (r.runs_size() == 0)
    return WrongState(r, "a run (state PROPOSED); run the round first");
  if (run < 0) return InvalidField("run", "must be >= 0");
  if (run == 0) return LatestRun(r);
  if (run > LatestRun(r))
    return NotFoundName(absl::StrCat(r.name(), " run ", run));
  return run;
}

// The round's RoundFrozen event: the freeze appends only that event, so it
// is the one after round.frozen_sequence.
absl::StatusOr<storage::Event> ReadFrozenEvent(const storage::EventStore& store,
                                               const Round& round) {
  ROTA_ASSIGN_OR_RETURN(ChildName n, RoundName(round.name()));
  const uint64_t sequence = static_cast<uint64_t>(round.frozen_sequence()) + 1;
  ROTA_ASSIGN_OR_RETURN(std::vector<storage::Event> events,
                        store.ReadRange(n.county, sequence, 1));
  if (events.empty() || events[0].type != kRoundFrozenEvent)
    return absl::DataLossError(absl::StrCat("frozen inputs of round ", n.id,
                                            " are missing: event ", sequence,
                                            " is not its RoundFrozen event"));
  return std::move(events[0]);
}

// The frozen inputs in `event` (ReadFrozenEvent), on `arena` (tens of MB of
// small messages, freed at once).
absl::StatusOr<rota::v1::RoundFrozen*> ParseFrozen(
    const storage::Event& event, const Round& round, FrozenParts parts,
    google::protobuf::Arena* arena) {
  // Field numbers of rota.v1.RoundFrozen (round_events.proto).
  constexpr int kPosts = 4, kTeachers = 5, kApplications = 6, kEligibility = 7,
                kRequirements = 8, kRoads = 9;
  std::vector<int> skip;
  if (parts == FrozenParts::kEngineInputs) skip = {kEligibility};
  if (parts == FrozenParts::kSchools)
    skip = {kPosts,       kTeachers,     kApplications,
            kEligibility, kRequirements, kRoads};
  auto* f =
      google::protobuf::Arena::CreateMessage<rota::v1::RoundFrozen>(arena);
  if (!ParseSkippingFields(event.payload, skip, f) ||
      f->round().name() != round.name())
    return absl::DataLossError(absl::StrCat(
        "frozen inputs of round ", round.name(), " (event ", event.sequence,
        ") do not parse or belong to another round"));
  return f;
}

absl::StatusOr<rota::v1::RoundFrozen*> LoadFrozen(
    const storage::EventStore& store, const Round& round, FrozenParts parts,
    google::protobuf::Arena* arena) {
  ROTA_ASSIGN_OR_RETURN(storage::Event event, ReadFrozenEvent(store, round));
  return ParseFrozen(event, round, parts, arena);
}

absl::StatusOr<rota::v1::RoundRun> LoadRunRecord(const Snapshot& s,
                                                 const ChildName& n,
                                                 int32_t run) {
  ROTA_ASSIGN_OR_RETURN(
      auto r, LoadProto<rota::v1::RoundRun>(s, keys::Report(n.id, run)));
  if (!r.has_value())
    return absl::DataLossError(
        absl::StrCat("record of run ", run, " of round ", n.id, " is missing"));
  return *r;
}

// Pages through `prefix` keeping the rows `keep` accepts.

void ValidateReason(absl::string_view reason, Violations& v) {
  std::optional<size_t> n = Utf8Length(reason);
  if (reason.empty()) {
    v.Add("reason", "is required: say why");
  } else if (!n.has_value() || *n > kMaxNoteChars) {
    v.Add("reason", absl::StrCat("must be valid UTF-8 of at most ",
                                 kMaxNoteChars, " characters"));
  }
}

// The adjustments in force (latest per teacher), teacher id order.
absl::StatusOr<std::vector<rota::v1::PlacementAdjusted>> Adjustments(
    const Snapshot& s, absl::string_view round) {
  return LoadAll<rota::v1::PlacementAdjusted>(s, keys::AdjustmentPrefix(round));
}

// The engines refuse a run whose locks or overrides break a hard rule with a
// typed violation (engine/rules/hard_rule.h). That becomes a
// google.rpc.PreconditionFailure: type the rule in capitals (spaces as
// underscores: "leadership cap" -> LEADERSHIP_CAP), subject the
// teacher named, the description `prefix` + the rule + the engine's sentence.
// Other errors pass through.
absl::Status HardRuleRefusal(const absl::Status& status,
                             absl::string_view county, absl::string_view prefix,
                             absl::string_view people) {
  std::optional<engine::rules::HardRuleViolation> v =
      engine::rules::GetHardRuleViolation(status);
  if (!v.has_value()) return status;
  return PreconditionFailed(
      absl::StrReplaceAll(absl::AsciiStrToUpper(v->rule), {{" ", "_"}}),
      ChildResourceName(county, people, v->teacher),
      absl::StrCat(prefix, "\"", v->rule, "\" rule: ", status.message()));
}

// Runs the engine; bad parameters become INVALID_ARGUMENT on their field.
absl::StatusOr<EngineResult> Compute(
    FrozenEngineInputs& frozen,
    const std::vector<rota::v1::PlacementAdjusted>& adjustments,
    const rota::v1::RunParameters& params, const ProgressFn& progress) {
  absl::StatusOr<EngineResult> result = RunEngine(
      frozen, adjustments, params, progress, EngineOutput::kPlacements);
  if (!result.ok() && absl::IsInvalidArgument(result.status()) &&
      absl::StartsWith(result.status().message(), "parameters.")) {
    std::string msg(result.status().message());
    size_t colon = msg.find(':');
    return InvalidField(msg.substr(0, colon), colon == std::string::npos
                                                  ? "is invalid"
                                                  : msg.substr(colon + 2));
  }
  return result;
}

// Stages a RoundRun event for `result`, a run of the round with
// `adjustments` and `params`.
absl::StatusOr<rota::v1::RunSummary> StageRun(
    CountyWrite& w, Round round,
    const std::vector<rota::v1::PlacementAdjusted>& adjustments,
    const rota::v1::RunParameters& params, EngineResult result) {
  rota::v1::RoundRun run;
  rota::v1::RunSummary& summary = *run.mutable_summary();
  summary.set_run(LatestRun(round) + 1);
  *summary.mutable_parameters() = params;
  summary.set_result_hash(result.result_hash);
  // Replay and explain re-encode with the version the hash was computed
  // with (engine/rules/round_outcome.h).
  summary.set_outcome_encoding(result.outcome_encoding);
  summary.set_engine_version(std::string(engine::rules::kEngineVersion));
  summary.set_teachers(result.teachers);
  summary.set_moved(result.moved);
  summary.set_stayed(result.stayed);
  summary.set_unplaced(result.unplaced);
  summary.set_quota_violations(result.quota_violations);
  summary.set_recruited(result.recruited);
  summary.set_seats_unfilled(result.seats_unfilled);
  summary.set_itinerant_teachers(result.itinerant_teachers);
  summary.set_uncovered_periods(result.uncovered_periods);
  summary.set_run_time(w.now());
  summary.set_etag(RunEtag(round.name(), summary));
  round.set_state(rota::v1::PROPOSED);
  *round.add_runs() = summary;
  round.set_etag(absl::StrCat(w.next_sequence()));
  round.set_update_time(w.now());
  *run.mutable_round() = round;
  for (auto& p : result.placements) *run.add_placements() = std::move(p);
  *run.mutable_report() = std::move(result.report);
  run.mutable_report()->set_round(round.name());
  run.mutable_report()->set_run(summary.run());
  run.mutable_report()->set_result_hash(summary.result_hash());
  for (const auto& a : adjustments) *run.add_adjustments() = a;
  rota::v1::RunSummary out = summary;
  std::string payload = SerializeDeterministic(run);
  w.AddProjectedEvent(kRoundRunEvent, std::move(payload), ProjectRoundRun(run));
  return out;
}

// The checks of a call that changes a round and takes nothing else: its
// name, the caller's access to its county, then the request id.
absl::StatusOr<ChildName> CheckRoundWrite(const CallContext& call,
                                          const std::string& round_name,
                                          const std::string& request_id) {
  Violations v;
  ROTA_ASSIGN_OR_RETURN(ChildName n, RoundName(round_name));
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, n.county));
  ValidateRequestId(request_id, v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  return n;
}

}  // namespace rota::service::round_internal
