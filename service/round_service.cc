#include "service/round_service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>

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
#include "common/sha256.h"
#include "common/status_macros.h"
#include "engine/rules/county.h"
#include "engine/rules/hard_rule.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "rota/v1/round_events.pb.h"
#include "service/county_write.h"
#include "service/page_token.h"
#include "service/round_commit.h"
#include "service/round_projection.h"
#include "service/validation.h"

namespace rota::service {
namespace {

using rota::v1::Round;
using storage::Snapshot;

constexpr int32_t kDefaultPageSize = 50;
constexpr int32_t kMaxPageSize = 1000;
constexpr char kRounds[] = "rounds";

const char* KindSlug(rota::v1::RoundKind kind) {
  return kind == rota::v1::EXCHANGE_ROTATION    ? "exchange-rotation"
         : kind == rota::v1::ITINERANT_TEACHING ? "itinerant-teaching"
                                                : "competitive-hiring";
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
                                    absl::string_view field = "name") {
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
struct ReadView {
  std::unique_ptr<Snapshot> snapshot;
  ChildName name;
  Round round;
};

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

template <typename Fn>
absl::Status ScanAll(const Snapshot& s, const std::string& prefix, Fn fn) {
  std::string after;
  constexpr size_t kBatch = 1024;
  while (true) {
    ROTA_ASSIGN_OR_RETURN(auto rows, s.Scan(prefix, after, kBatch));
    for (const auto& [k, v] : rows) ROTA_RETURN_IF_ERROR(fn(k, v));
    if (rows.size() < kBatch) return absl::OkStatus();
    after = rows.back().first;
  }
}

// Parses every value under `prefix` into a new element of `out` (in place:
// on `out`'s arena, if it has one).
template <typename Proto>
absl::Status LoadInto(const Snapshot& s, const std::string& prefix,
                      google::protobuf::RepeatedPtrField<Proto>* out) {
  return ScanAll(s, prefix, [&](const std::string& k, const std::string& v) {
    if (!out->Add()->ParseFromString(v))
      return absl::DataLossError(absl::StrCat("stored ", k, " does not parse"));
    return absl::OkStatus();
  });
}

template <typename Proto>
absl::StatusOr<std::vector<Proto>> LoadAll(const Snapshot& s,
                                           const std::string& prefix) {
  std::vector<Proto> out;
  ROTA_RETURN_IF_ERROR(
      ScanAll(s, prefix, [&](const std::string& k, const std::string& v) {
        Proto p;
        if (!p.ParseFromString(v))
          return absl::DataLossError(
              absl::StrCat("stored ", k, " does not parse"));
        out.push_back(std::move(p));
        return absl::OkStatus();
      }));
  return out;
}

int32_t LatestRun(const Round& r) {
  return r.runs_size() == 0 ? 0 : r.runs(r.runs_size() - 1).run();
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

// What a call needs of the frozen inputs. A prefecture's are tens of
// megabytes, so the parts a call does not read are skipped unparsed.
enum class FrozenParts {
  kEngineInputs,  // run, override, replay: all but the eligibility list
  kSchools,       // commit: round, policy and schools
};

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

// ---- filters: term { AND term }, term = field (= | !=) value -------------

struct Term {
  std::string field;
  bool negated = false;
  std::string value;
};

absl::Status BadFilter(absl::string_view why) {
  return InvalidField("filter", why, kReasonInvalidFilter);
}

absl::StatusOr<std::vector<Term>> ParseTerms(
    absl::string_view text, const std::set<std::string>& fields) {
  std::vector<Term> out;
  std::string t(absl::StripAsciiWhitespace(text));
  if (t.empty()) return out;
  for (absl::string_view part : absl::StrSplit(t, " AND ")) {
    part = absl::StripAsciiWhitespace(part);
    Term term;
    size_t op = part.find("!=");
    size_t len = 2;
    if (op == absl::string_view::npos) {
      op = part.find('=');
      len = 1;
    } else {
      term.negated = true;
    }
    if (op == absl::string_view::npos)
      return BadFilter(
          absl::StrCat("term \"", part.substr(0, 80),
                       "\" must be field = value or field != value"));
    term.field = std::string(absl::StripAsciiWhitespace(part.substr(0, op)));
    std::string value(absl::StripAsciiWhitespace(part.substr(op + len)));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (!fields.count(term.field)) {
      std::string known;
      for (const auto& f : fields)
        absl::StrAppend(&known, known.empty() ? "" : ", ", f);
      return BadFilter(absl::StrCat("unknown field \"",
                                    term.field.substr(0, 80),
                                    "\"; filterable fields: ", known));
    }
    if (value.empty())
      return BadFilter(
          absl::StrCat("term on \"", term.field, "\" has no value"));
    term.value = value;
    out.push_back(std::move(term));
  }
  return out;
}

bool BoolField(const std::string& f) {
  return f == "mandatory" || f == "locked" || f == "overridden" ||
         f == "eligible" || f == "voluntary" || f == "exempt";
}

absl::Status CheckTermValues(const std::vector<Term>& terms) {
  for (const auto& t : terms) {
    if (BoolField(t.field) && t.value != "true" && t.value != "false")
      return BadFilter(absl::StrCat(t.field, " takes true or false"));
    if (t.field == "outcome") {
      rota::v1::Outcome o;
      if (!rota::v1::Outcome_Parse(absl::AsciiStrToUpper(t.value), &o) ||
          o == rota::v1::OUTCOME_UNSPECIFIED)
        return BadFilter(
            "outcome takes STAYED, MOVED, UNPLACED, EXEMPT, INSPECTOR, "
            "DOWN_HIRED or UP_HIRED");
    }
  }
  return absl::OkStatus();
}

// `get(field)` returns the item's values of a field (several for "school").
template <typename Get>
bool MatchTerms(const std::vector<Term>& terms, Get get) {
  for (const auto& t : terms) {
    std::vector<std::string> values = get(t.field);
    std::string want = t.value;
    if (t.field == "outcome") want = absl::AsciiStrToUpper(want);
    if (t.field == "school" || t.field == "from_school" ||
        t.field == "to_school" || t.field == "teacher")
      want = IdOfName(want);
    bool any = std::find(values.begin(), values.end(), want) != values.end();
    if (any == t.negated) return false;
  }
  return true;
}

const char* Bool(bool b) { return b ? "true" : "false"; }

std::vector<std::string> PlacementField(const rota::v1::Placement& p,
                                        const std::string& f) {
  if (f == "school") {
    std::vector<std::string> v = {IdOfName(p.from_school())};
    if (!p.to_school().empty()) v.push_back(IdOfName(p.to_school()));
    return v;
  }
  if (f == "from_school") return {IdOfName(p.from_school())};
  if (f == "to_school") return {IdOfName(p.to_school())};
  if (f == "teacher") return {IdOfName(p.teacher())};
  if (f == "outcome") return {rota::v1::Outcome_Name(p.outcome())};
  if (f == "mandatory") return {Bool(p.mandatory())};
  if (f == "locked") return {Bool(p.locked())};
  if (f == "overridden") return {Bool(p.overridden())};
  return {};
}

std::vector<std::string> EligibilityField(const rota::v1::EligibilityEntry& e,
                                          const std::string& f) {
  if (f == "school") return {IdOfName(e.school())};
  if (f == "teacher") return {IdOfName(e.teacher())};
  if (f == "eligible") return {Bool(e.eligible())};
  if (f == "mandatory") return {Bool(e.mandatory())};
  if (f == "voluntary") return {Bool(e.voluntary())};
  if (f == "exempt") return {Bool(e.exempt())};
  return {};
}

// Pages through `prefix` keeping the rows `keep` accepts.
template <typename Proto, typename Keep>
absl::Status Page(const Snapshot& s, const std::string& prefix,
                  const std::string& scope, const std::string& filter,
                  int32_t page_size, const std::string& page_token, Keep keep,
                  std::vector<Proto>& out, std::string& next_token) {
  if (page_size < 0) return InvalidField("page_size", "must be >= 0");
  size_t limit =
      page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
  ROTA_ASSIGN_OR_RETURN(std::string after,
                        DecodePageToken(page_token, scope, filter));
  std::string cursor = after.empty() ? "" : prefix + after;
  while (out.size() < limit) {
    ROTA_ASSIGN_OR_RETURN(auto rows, s.Scan(prefix, cursor, 512));
    for (const auto& [k, v] : rows) {
      cursor = k;
      Proto p;
      if (!p.ParseFromString(v))
        return absl::DataLossError(
            absl::StrCat("stored ", k, " does not parse"));
      if (keep(p)) out.push_back(std::move(p));
      if (out.size() >= limit) break;
    }
    if (out.size() >= limit) {
      // More rows may follow: hand out a token unless the scan is exhausted.
      ROTA_ASSIGN_OR_RETURN(auto more, s.Scan(prefix, cursor, 1));
      if (!more.empty())
        next_token =
            EncodePageToken(scope, filter, cursor.substr(prefix.size()));
      return absl::OkStatus();
    }
    if (rows.size() < 512) return absl::OkStatus();
  }
  return absl::OkStatus();
}

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
                             absl::string_view county,
                             absl::string_view prefix) {
  std::optional<engine::rules::HardRuleViolation> v =
      engine::rules::GetHardRuleViolation(status);
  if (!v.has_value()) return status;
  return PreconditionFailed(
      absl::StrReplaceAll(absl::AsciiStrToUpper(v->rule), {{" ", "_"}}),
      ChildResourceName(county, kTeachers, v->teacher),
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
  summary.set_teachers(result.teachers);
  summary.set_moved(result.moved);
  summary.set_stayed(result.stayed);
  summary.set_unplaced(result.unplaced);
  summary.set_quota_violations(result.quota_violations);
  summary.set_itinerant_teachers(result.itinerant_teachers);
  summary.set_uncovered_periods(result.uncovered_periods);
  summary.set_run_time(w.now());
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
// name, the request id, then the caller's access to the county.
absl::StatusOr<ChildName> CheckRoundWrite(const CallContext& call,
                                          const std::string& round_name,
                                          const std::string& request_id) {
  Violations v;
  ROTA_ASSIGN_OR_RETURN(ChildName n, RoundName(round_name));
  ValidateRequestId(request_id, v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, n.county));
  return n;
}

}  // namespace

// ---- the frozen inputs, converted for the engine ----------------------------

std::string Rounds::CacheKey(const Round& round) {
  return absl::StrCat(round.name(), "@", round.frozen_sequence());
}

std::shared_ptr<Rounds::CachedFrozen> Rounds::FindCached(
    const std::string& key) {
  absl::MutexLock lock(&cache_mu_);
  for (size_t i = 0; i < cache_.size(); ++i) {
    if (cache_[i].first != key) continue;
    std::rotate(cache_.begin(), cache_.begin() + i, cache_.begin() + i + 1);
    return cache_.front().second;
  }
  return nullptr;
}

void Rounds::Cache(const std::string& key,
                   std::shared_ptr<CachedFrozen> entry) {
  absl::MutexLock lock(&cache_mu_);
  cache_.erase(std::remove_if(cache_.begin(), cache_.end(),
                              [&](const auto& e) { return e.first == key; }),
               cache_.end());
  cache_.insert(cache_.begin(), {key, std::move(entry)});
  if (cache_.size() > kCachedRounds) cache_.resize(kCachedRounds);
}

absl::StatusOr<std::shared_ptr<Rounds::CachedFrozen>> Rounds::EngineInputsOf(
    const Round& round) {
  const std::string key = CacheKey(round);
  if (std::shared_ptr<CachedFrozen> hit = FindCached(key)) return hit;
  ROTA_ASSIGN_OR_RETURN(storage::Event event, ReadFrozenEvent(*store_, round));
  google::protobuf::Arena arena;
  ROTA_ASSIGN_OR_RETURN(
      rota::v1::RoundFrozen * f,
      ParseFrozen(event, round, FrozenParts::kEngineInputs, &arena));
  auto entry = std::make_shared<CachedFrozen>();
  entry->payload_digest = Sha256(event.payload);
  {
    absl::MutexLock lock(&entry->mu);
    ROTA_ASSIGN_OR_RETURN(entry->frozen, ToFrozenEngineInputs(*f));
  }
  Cache(key, entry);
  return entry;
}

absl::StatusOr<std::shared_ptr<const Rounds::RunExplanations>>
Rounds::ExplanationsOf(const Snapshot& s, const Round& round, int32_t run) {
  const std::string key = absl::StrCat(CacheKey(round), "#", run);
  absl::MutexLock explain_lock(&explain_mu_);
  if (explained_ != nullptr && explained_->key == key) return explained_;
  ROTA_ASSIGN_OR_RETURN(ChildName n, RoundName(round.name()));
  ROTA_ASSIGN_OR_RETURN(rota::v1::RoundRun record, LoadRunRecord(s, n, run));
  std::vector<rota::v1::PlacementAdjusted> adjustments(
      record.adjustments().begin(), record.adjustments().end());
  ROTA_ASSIGN_OR_RETURN(std::shared_ptr<CachedFrozen> inputs,
                        EngineInputsOf(round));
  absl::MutexLock lock(&inputs->mu);
  ROTA_ASSIGN_OR_RETURN(
      EngineResult result,
      RunEngine(inputs->frozen, adjustments, record.summary().parameters(),
                nullptr, EngineOutput::kFull));
  if (result.result_hash != record.summary().result_hash()) {
    return absl::DataLossError(absl::StrCat(
        "run ", run, " of ", round.name(),
        " does not recompute to its recorded result (", result.result_hash,
        " vs ", record.summary().result_hash(),
        "), so it cannot be explained; `rotactl audit replay` says more"));
  }
  auto out = std::make_shared<RunExplanations>();
  out->key = key;
  for (auto& x : result.explanations) {
    std::string teacher = x.placement().teacher();
    out->by_teacher.emplace(std::move(teacher), std::move(x));
  }
  explained_ = out;
  return std::shared_ptr<const RunExplanations>(out);
}

// ---- create / get / list ---------------------------------------------------

absl::StatusOr<Round> Rounds::CreateRound(
    const CallContext& call, const rota::v1::CreateRoundRequest& req) {
  Violations v;
  std::optional<std::string> county = ParseCountyName(req.parent());
  if (!county.has_value()) v.Add("parent", "must be counties/{county}");
  if (!req.round_id().empty() && !IsValidId(req.round_id()))
    v.Add("round_id", "must match [a-z0-9][a-z0-9_-]{0,62}");
  ValidateRequestId(req.request_id(), v);
  const Round& in = req.round();
  if (in.kind() != rota::v1::EXCHANGE_ROTATION &&
      in.kind() != rota::v1::COMPETITIVE_HIRING &&
      in.kind() != rota::v1::ITINERANT_TEACHING)
    v.Add("round.kind",
          "must be EXCHANGE_ROTATION, COMPETITIVE_HIRING or "
          "ITINERANT_TEACHING");
  if (in.school_year() < 2000 || in.school_year() > 2100)
    v.Add("round.school_year", "must be a year between 2000 and 2100");
  if (in.policy_version() < 0)
    v.Add("round.policy_version", "must be >= 0 (0 = latest at freeze)");
  if (in.effective_date().empty()) {
    v.Add("round.effective_date", "is required (YYYY-MM-DD)");
  } else if (!ParseDate(in.effective_date()).has_value()) {
    v.Add("round.effective_date", "must be a real date YYYY-MM-DD");
  }
  if (!in.display_name().empty())
    ValidateDisplayName("round.display_name", in.display_name(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *county));
  return WriteToCounty<Round>(
      *store_, *county_mutex_(*county), call, *county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<Round> {
        std::string id = req.round_id();
        if (id.empty()) {
          std::string base =
              absl::StrCat(in.school_year(), "-", KindSlug(in.kind()), "-");
          for (int n = 1;; ++n) {
            id = absl::StrCat(base, n);
            ROTA_ASSIGN_OR_RETURN(auto existing,
                                  w.state().Get(keys::Round(id)));
            if (!existing.has_value()) break;
          }
        } else {
          ROTA_ASSIGN_OR_RETURN(auto existing, w.state().Get(keys::Round(id)));
          if (existing.has_value()) {
            return WithReason(absl::AlreadyExistsError(absl::StrCat(
                                  ChildResourceName(*county, kRounds, id),
                                  " already exists")),
                              kReasonAlreadyExists);
          }
        }
        if (in.policy_version() > 0) {
          absl::StatusOr<rota::v1::Policy> p = Policies::Load(
              w.state(), *county, in.school_year(), in.policy_version());
          if (absl::IsNotFound(p.status())) {
            return InvalidField(
                "round.policy_version",
                absl::StrCat("policy version ", in.policy_version(),
                             " of school year ", in.school_year(),
                             " does not exist"));
          }
          ROTA_RETURN_IF_ERROR(p.status());
        }
        Round r;
        r.set_name(ChildResourceName(*county, kRounds, id));
        r.set_kind(in.kind());
        r.set_school_year(in.school_year());
        r.set_policy_version(in.policy_version());
        r.set_effective_date(in.effective_date());
        r.set_display_name(in.display_name());
        r.set_state(rota::v1::DRAFT);
        r.set_etag(absl::StrCat(w.next_sequence()));
        r.set_create_time(w.now());
        r.set_update_time(w.now());
        rota::v1::RoundCreated e;
        *e.mutable_round() = r;
        ROTA_RETURN_IF_ERROR(
            w.AddEvent(kRoundCreatedEvent, SerializeDeterministic(e)));
        return r;
      });
}

absl::StatusOr<Round> Rounds::GetRound(const CallContext& call,
                                       const rota::v1::GetRoundRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ReadView v, OpenRound(*store_, call, req.name()));
  return v.round;
}

absl::StatusOr<rota::v1::ListRoundsResponse> Rounds::ListRounds(
    const CallContext& call, const rota::v1::ListRoundsRequest& req) {
  std::optional<std::string> county = ParseCountyName(req.parent());
  if (!county.has_value())
    return InvalidField("parent", "must be counties/{county}");
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *county));
  ROTA_ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> s,
                        OpenCountySnapshot(*store_, *county));
  rota::v1::ListRoundsResponse out;
  std::vector<Round> rounds;
  std::string next;
  ROTA_RETURN_IF_ERROR(Page<Round>(
      *s, keys::kRoundPrefix, req.parent(), "", req.page_size(),
      req.page_token(), [](const Round&) { return true; }, rounds, next));
  for (auto& r : rounds) *out.add_rounds() = std::move(r);
  out.set_next_page_token(next);
  return out;
}

// ---- applications -----------------------------------------------------------

absl::StatusOr<rota::v1::SubmitApplicationsResponse> Rounds::SubmitChunk(
    const CallContext& call, const rota::v1::SubmitApplicationsRequest& req) {
  Violations v;
  absl::StatusOr<ChildName> n = RoundName(req.round(), "round");
  if (!n.ok()) return n.status();
  ValidateRequestId(req.request_id(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, n->county));
  const std::string county = n->county;
  return WriteToCounty<rota::v1::SubmitApplicationsResponse>(
      *store_, *county_mutex_(county), call, county, req, req.request_id(),
      [&](CountyWrite& w)
          -> absl::StatusOr<rota::v1::SubmitApplicationsResponse> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), *n));
        if (round.state() != rota::v1::DRAFT)
          return WrongState(round, "DRAFT (applications close at freeze)");
        const bool hiring = round.kind() == rota::v1::COMPETITIVE_HIRING;
        const char* collection = hiring ? kPosts : kSchools;
        rota::v1::SubmitApplicationsResponse resp;
        resp.set_rows_received(req.rows_size());
        std::map<std::string, rota::v1::Application> applied;
        for (const auto& row : req.rows()) {
          const auto& a = row.application();
          std::vector<std::pair<std::string, std::string>> errors;
          std::optional<std::string> teacher =
              RefId(county, kTeachers, a.teacher());
          if (a.teacher().empty()) {
            errors.push_back({"application.teacher", "is required"});
          } else if (!teacher.has_value()) {
            errors.push_back({"application.teacher",
                              "must be a teacher id or counties/" + county +
                                  "/teachers/{id} of this county"});
          } else {
            ROTA_ASSIGN_OR_RETURN(auto t,
                                  w.state().Get(keys::Teacher(*teacher)));
            if (!t.has_value())
              errors.push_back(
                  {"application.teacher",
                   absl::StrCat("teacher \"", *teacher, "\" does not exist")});
          }
          rota::v1::Application clean;
          std::set<std::string> seen;
          for (int i = 0; i < a.preferences_size(); ++i) {
            std::string field =
                absl::StrCat("application.preferences[", i, "]");
            std::optional<std::string> id =
                RefId(county, collection, a.preferences(i));
            if (!id.has_value()) {
              errors.push_back(
                  {field, absl::StrCat("must be a ", hiring ? "post" : "school",
                                       " id or resource name of this county")});
              continue;
            }
            ROTA_ASSIGN_OR_RETURN(
                auto exists,
                w.state().Get(hiring ? keys::Post(*id) : keys::School(*id)));
            if (!exists.has_value()) {
              errors.push_back(
                  {field, absl::StrCat(hiring ? "post" : "school", " \"", *id,
                                       "\" does not exist")});
            } else if (!seen.insert(*id).second) {
              errors.push_back({field, "is listed twice"});
            } else {
              clean.add_preferences(ChildResourceName(county, collection, *id));
            }
          }
          if (!errors.empty()) {
            resp.set_rows_rejected(resp.rows_rejected() + 1);
            for (auto& [field, reason] : errors) {
              auto* e = resp.add_errors();
              e->set_row(row.row());
              e->set_field(field);
              e->set_reason(reason);
            }
            continue;
          }
          clean.set_teacher(ChildResourceName(county, kTeachers, *teacher));
          clean.set_voluntary(a.voluntary());
          applied[*teacher] = std::move(clean);
          resp.set_rows_applied(resp.rows_applied() + 1);
        }
        if (applied.empty()) return resp;
        int64_t added = 0;
        for (const auto& [id, a] : applied) {
          ROTA_ASSIGN_OR_RETURN(auto old,
                                w.state().Get(keys::Application(n->id, id)));
          if (!old.has_value()) ++added;
        }
        round.set_applications(round.applications() + added);
        round.set_etag(absl::StrCat(w.next_sequence()));
        round.set_update_time(w.now());
        rota::v1::ApplicationsSubmitted e;
        *e.mutable_round() = round;
        for (auto& [id, a] : applied) *e.add_applications() = std::move(a);
        ROTA_RETURN_IF_ERROR(
            w.AddEvent(kApplicationsEvent, SerializeDeterministic(e)));
        return resp;
      });
}

// ---- freeze -----------------------------------------------------------------

absl::StatusOr<Round> Rounds::FreezeRound(
    const CallContext& call, const rota::v1::FreezeRoundRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ChildName n,
                        CheckRoundWrite(call, req.name(), req.request_id()));
  std::shared_ptr<CachedFrozen> converted;
  absl::StatusOr<Round> frozen = WriteToCounty<Round>(
      *store_, *county_mutex_(n.county), call, n.county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<Round> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), n));
        if (round.state() != rota::v1::DRAFT) return WrongState(round, "DRAFT");
        const Snapshot& s = w.state();
        // On an arena: a prefecture's frozen inputs are ~10^6 small messages,
        // freed here in one go.
        google::protobuf::Arena arena;
        rota::v1::RoundFrozen& f =
            *google::protobuf::Arena::CreateMessage<rota::v1::RoundFrozen>(
                &arena);
        ROTA_ASSIGN_OR_RETURN(rota::v1::Policy policy,
                              Policies::Load(s, n.county, round.school_year(),
                                             round.policy_version()));
        round.set_policy_version(policy.version());
        *f.mutable_policy() = policy;
        ROTA_RETURN_IF_ERROR(
            LoadInto(s, keys::kSchoolPrefix, f.mutable_schools()));
        ROTA_RETURN_IF_ERROR(LoadInto(s, keys::kPostPrefix, f.mutable_posts()));
        ROTA_RETURN_IF_ERROR(
            LoadInto(s, keys::kTeacherPrefix, f.mutable_teachers()));
        if (round.kind() == rota::v1::ITINERANT_TEACHING) {
          ROTA_RETURN_IF_ERROR(LoadInto(s, keys::kPeriodRequirementPrefix,
                                        f.mutable_period_requirements()));
          ROTA_RETURN_IF_ERROR(LoadInto(s, keys::kRoadDistancePrefix,
                                        f.mutable_road_distances()));
        }
        ROTA_ASSIGN_OR_RETURN(auto apps, LoadAll<rota::v1::Application>(
                                             s, keys::ApplicationPrefix(n.id)));
        absl::flat_hash_set<absl::string_view> school_ids, post_ids,
            teacher_ids;
        for (const auto& x : f.schools()) school_ids.insert(x.name());
        for (const auto& x : f.posts()) post_ids.insert(x.name());
        for (const auto& x : f.teachers()) teacher_ids.insert(x.name());
        // Applications of teachers (or to schools/posts) deleted since they
        // were submitted are dropped from the frozen inputs.
        const auto& targets = round.kind() == rota::v1::COMPETITIVE_HIRING
                                  ? post_ids
                                  : school_ids;
        int64_t kept = 0;
        for (auto& a : apps) {
          if (!teacher_ids.contains(a.teacher())) continue;
          rota::v1::Application& clean = *f.add_applications();
          clean.set_teacher(a.teacher());
          clean.set_voluntary(a.voluntary());
          for (const auto& p : a.preferences())
            if (targets.contains(p)) clean.add_preferences(p);
          ++kept;
        }
        round.set_applications(kept);
        round.set_frozen_sequence(static_cast<int64_t>(w.head()));
        if (req.has_seed()) {
          round.set_seed(req.seed());
          round.set_seed_drawn(false);
        } else {
          absl::BitGen gen;
          round.set_seed(absl::Uniform<uint64_t>(gen));
          round.set_seed_drawn(true);
        }
        round.set_state(rota::v1::FROZEN);
        *f.mutable_round() = round;
        ROTA_ASSIGN_OR_RETURN(FrozenEngineInputs engine_inputs,
                              ToFrozenEngineInputs(f));
        ROTA_ASSIGN_OR_RETURN(auto eligibility,
                              ComputeEligibility(engine_inputs));
        int64_t eligible = 0;
        for (auto& e : eligibility) {
          if (e.eligible()) ++eligible;
          *f.add_eligibility() = std::move(e);
        }
        round.set_eligible_teachers(eligible);
        round.set_etag(absl::StrCat(w.next_sequence()));
        round.set_update_time(w.now());
        *f.mutable_round() = round;
        std::string payload = SerializeDeterministic(f);
        converted = std::make_shared<CachedFrozen>();
        converted->payload_digest = Sha256(payload);
        {
          absl::MutexLock lock(&converted->mu);
          converted->frozen = std::move(engine_inputs);
        }
        w.AddProjectedEvent(kRoundFrozenEvent, std::move(payload),
                            ProjectRoundFrozen(f));
        return round;
      });
  // Cached only once the freeze is stored (not for a retried request, whose
  // builder did not run).
  if (frozen.ok() && converted != nullptr)
    Cache(CacheKey(*frozen), std::move(converted));
  return frozen;
}

absl::StatusOr<rota::v1::ListEligibilityResponse> Rounds::ListEligibility(
    const CallContext& call, const rota::v1::ListEligibilityRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ReadView v, OpenRound(*store_, call, req.name()));
  if (v.round.state() == rota::v1::DRAFT ||
      (v.round.state() == rota::v1::CANCELLED &&
       v.round.frozen_sequence() == 0 && v.round.seed() == 0 &&
       !v.round.seed_drawn()))
    return WrongState(v.round, "frozen inputs (FROZEN, PROPOSED or COMMITTED)");
  static const std::set<std::string> kFields = {
      "school", "teacher", "eligible", "mandatory", "voluntary", "exempt"};
  ROTA_ASSIGN_OR_RETURN(auto terms, ParseTerms(req.filter(), kFields));
  ROTA_RETURN_IF_ERROR(CheckTermValues(terms));
  rota::v1::ListEligibilityResponse out;
  std::vector<rota::v1::EligibilityEntry> rows;
  std::string next;
  ROTA_RETURN_IF_ERROR(Page<rota::v1::EligibilityEntry>(
      *v.snapshot, keys::EligibilityPrefix(v.name.id), req.name(), req.filter(),
      req.page_size(), req.page_token(),
      [&](const rota::v1::EligibilityEntry& e) {
        return MatchTerms(terms, [&](const std::string& f) {
          return EligibilityField(e, f);
        });
      },
      rows, next));
  for (auto& r : rows) *out.add_entries() = std::move(r);
  out.set_next_page_token(next);
  return out;
}

// ---- run --------------------------------------------------------------------

absl::StatusOr<rota::v1::RunSummary> Rounds::RunRound(
    const CallContext& call, const rota::v1::RunRoundRequest& req,
    const ProgressFn& progress) {
  ROTA_ASSIGN_OR_RETURN(ChildName n,
                        CheckRoundWrite(call, req.name(), req.request_id()));
  return WriteToCounty<rota::v1::RunSummary>(
      *store_, *county_mutex_(n.county), call, n.county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<rota::v1::RunSummary> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), n));
        if (round.state() != rota::v1::FROZEN &&
            round.state() != rota::v1::PROPOSED)
          return WrongState(round, "FROZEN or PROPOSED");
        ROTA_ASSIGN_OR_RETURN(std::shared_ptr<CachedFrozen> inputs,
                              EngineInputsOf(round));
        ROTA_ASSIGN_OR_RETURN(auto adjustments, Adjustments(w.state(), n.id));
        absl::MutexLock lock(&inputs->mu);
        absl::StatusOr<EngineResult> result =
            Compute(inputs->frozen, adjustments, req.parameters(), progress);
        if (!result.ok()) {
          // A lock that no longer holds (the departures that made room for
          // it do not happen with these parameters).
          return HardRuleRefusal(
              result.status(), n.county,
              "the run cannot keep the round's locks and overrides: one "
              "breaks the ");
        }
        if (progress) progress("storing", 0, 1);
        return StageRun(w, round, adjustments, req.parameters(),
                        *std::move(result));
      });
}

// ---- results ----------------------------------------------------------------

absl::StatusOr<rota::v1::ListPlacementsResponse> Rounds::ListPlacements(
    const CallContext& call, const rota::v1::ListPlacementsRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ReadView v, OpenRound(*store_, call, req.name()));
  ROTA_ASSIGN_OR_RETURN(int32_t run, PickRun(v.round, req.run()));
  static const std::set<std::string> kFields = {
      "school",  "from_school", "to_school", "teacher",
      "outcome", "mandatory",   "locked",    "overridden"};
  ROTA_ASSIGN_OR_RETURN(auto terms, ParseTerms(req.filter(), kFields));
  ROTA_RETURN_IF_ERROR(CheckTermValues(terms));
  rota::v1::ListPlacementsResponse out;
  std::vector<rota::v1::Placement> rows;
  std::string next;
  ROTA_RETURN_IF_ERROR(Page<rota::v1::Placement>(
      *v.snapshot, keys::PlacementPrefix(v.name.id, run),
      absl::StrCat(req.name(), "#", run), req.filter(), req.page_size(),
      req.page_token(),
      [&](const rota::v1::Placement& p) {
        return MatchTerms(
            terms, [&](const std::string& f) { return PlacementField(p, f); });
      },
      rows, next));
  for (auto& r : rows) *out.add_placements() = std::move(r);
  out.set_next_page_token(next);
  return out;
}

absl::StatusOr<rota::v1::Explanation> Rounds::ExplainPlacement(
    const CallContext& call, const rota::v1::ExplainPlacementRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ReadView v, OpenRound(*store_, call, req.name()));
  std::optional<std::string> teacher =
      RefId(v.name.county, kTeachers, req.teacher());
  if (!teacher.has_value())
    return InvalidField("teacher",
                        "must be a teacher id or resource name of "
                        "the round's county");
  ROTA_ASSIGN_OR_RETURN(int32_t run, PickRun(v.round, req.run()));
  // Runs stored by earlier versions carry their explanations.
  ROTA_ASSIGN_OR_RETURN(
      auto x, LoadProto<rota::v1::Explanation>(
                  *v.snapshot, keys::Explanation(v.name.id, run, *teacher)));
  if (!x.has_value()) {
    ROTA_ASSIGN_OR_RETURN(std::shared_ptr<const RunExplanations> all,
                          ExplanationsOf(*v.snapshot, v.round, run));
    auto it = all->by_teacher.find(
        ChildResourceName(v.name.county, kTeachers, *teacher));
    if (it == all->by_teacher.end())
      return NotFoundName(absl::StrCat("teacher ", *teacher, " in run ", run,
                                       " of ", v.round.name()));
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

// The checks a lock and an override share: round and teacher names, reason,
// request id, then the caller's access to the county.
absl::StatusOr<AdjustmentTarget> CheckAdjustment(
    const CallContext& call, const std::string& round_name,
    const std::string& teacher_ref, const std::string& reason,
    const std::string& request_id) {
  Violations v;
  ROTA_ASSIGN_OR_RETURN(ChildName n, RoundName(round_name));
  std::optional<std::string> teacher = RefId(n.county, kTeachers, teacher_ref);
  if (!teacher.has_value())
    v.Add("teacher", "must be a teacher id or resource name of this county");
  ValidateReason(reason, v);
  ValidateRequestId(request_id, v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, n.county));
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
        const char* collection = hiring ? kPosts : kSchools;
        ROTA_ASSIGN_OR_RETURN(std::shared_ptr<CachedFrozen> inputs,
                              EngineInputsOf(round));
        absl::MutexLock lock(&inputs->mu);
        const engine::rules::CountyInputs& frozen = inputs->frozen.inputs;
        std::string to;
        if (!req.to().empty()) {
          std::optional<std::string> id = RefId(n.county, collection, req.to());
          bool known = false;
          if (id.has_value()) {
            if (hiring) {
              for (const auto& p : frozen.posts) known |= p.id == *id;
            } else {
              for (const auto& s : frozen.schools) known |= s.id == *id;
            }
            to = ChildResourceName(n.county, collection, *id);
          }
          if (!known)
            return InvalidField(
                "to", absl::StrCat("must name a ", hiring ? "post" : "school",
                                   " of the round's frozen inputs"));
        }
        std::string teacher_name =
            ChildResourceName(n.county, kTeachers, teacher);
        bool in_round = false;
        for (const auto& t : frozen.teachers) in_round |= t.id == teacher;
        if (!in_round)
          return NotFoundName(
              absl::StrCat("teacher ", teacher, " in ", round.name()));
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
                                 "override refused: it breaks the ");
        }
        rota::v1::Placement mine;
        bool found = false;
        for (const auto& p : result->placements) {
          if (p.teacher() == teacher_name) {
            mine = p;
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

absl::StatusOr<Round> Rounds::CommitRound(
    const CallContext& call, const rota::v1::CommitRoundRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ChildName n,
                        CheckRoundWrite(call, req.name(), req.request_id()));
  return WriteToCounty<Round>(
      *store_, *county_mutex_(n.county), call, n.county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<Round> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), n));
        if (!req.etag().empty() && req.etag() != round.etag()) {
          return WithReason(absl::AbortedError(absl::StrCat(
                                "etag \"", req.etag(), "\" of ", round.name(),
                                " is stale; current etag is \"", round.etag(),
                                "\": re-read and retry")),
                            kReasonEtagMismatch);
        }
        if (round.state() != rota::v1::PROPOSED)
          return WrongState(round, "PROPOSED (run the round first)");
        const int32_t run = LatestRun(round);
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
        for (const auto& p : placements) {
          if (p.outcome() == rota::v1::ITINERANT) {
            // 走教: she keeps her school and post; the committed placement
            // (with her plan) is the record of her service.
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
  ValidateRequestId(req.request_id(), v);
  if (!req.reason().empty()) {
    std::optional<size_t> len = Utf8Length(req.reason());
    if (!len.has_value() || *len > kMaxNoteChars)
      v.Add("reason", "must be valid UTF-8 of at most 2000 characters");
  }
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, n.county));
  return WriteToCounty<Round>(
      *store_, *county_mutex_(n.county), call, n.county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<Round> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), n));
        if (round.state() == rota::v1::COMMITTED ||
            round.state() == rota::v1::CANCELLED)
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
  if (run == 0 && v.round.state() == rota::v1::COMMITTED) {
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
  const Sha256Digest digest = Sha256(event.payload);
  std::shared_ptr<CachedFrozen> converted = FindCached(CacheKey(v.round));
  if (converted != nullptr && converted->payload_digest != digest)
    converted = nullptr;
  auto recompute = [&](EngineOutput output) -> absl::StatusOr<EngineResult> {
    if (converted != nullptr) {
      absl::MutexLock lock(&converted->mu);
      return RunEngine(converted->frozen, adjustments,
                       record.summary().parameters(), nullptr, output);
    }
    google::protobuf::Arena arena;
    ROTA_ASSIGN_OR_RETURN(
        const rota::v1::RoundFrozen* f,
        ParseFrozen(event, v.round, FrozenParts::kEngineInputs, &arena));
    return RunEngine(*f, adjustments, record.summary().parameters(), nullptr,
                     output);
  };
  // The hash decides; the placements are converted (by a second run) only
  // to name the first difference when it does not match.
  ROTA_ASSIGN_OR_RETURN(EngineResult r, recompute(EngineOutput::kHashOnly));
  rota::v1::ReplayRoundResponse out;
  out.set_recorded_hash(record.summary().result_hash());
  out.set_replay_hash(r.result_hash);
  out.set_match(out.recorded_hash() == out.replay_hash());
  if (!out.match()) {
    ROTA_ASSIGN_OR_RETURN(r, recompute(EngineOutput::kFull));
    ROTA_ASSIGN_OR_RETURN(
        auto stored, LoadAll<rota::v1::Placement>(
                         *v.snapshot, keys::PlacementPrefix(v.name.id, run)));
    std::map<std::string, rota::v1::Placement> by_teacher;
    for (auto& p : stored) by_teacher[p.teacher()] = std::move(p);
    for (const auto& p : r.placements) {
      auto it = by_teacher.find(p.teacher());
      if (it == by_teacher.end()) {
        out.set_first_difference(
            absl::StrCat("teacher ", p.teacher(), ": not in the recorded run"));
        break;
      }
      const auto& q = it->second;
      if (q.to_school() != p.to_school() || q.to_post() != p.to_post() ||
          q.outcome() != p.outcome()) {
        out.set_first_difference(absl::StrCat(
            "teacher ", p.teacher(), ": recorded ",
            rota::v1::Outcome_Name(q.outcome()), " to ", q.to_school(),
            q.to_post().empty() ? "" : " " + q.to_post(), ", replay ",
            rota::v1::Outcome_Name(p.outcome()), " to ", p.to_school(),
            p.to_post().empty() ? "" : " " + p.to_post()));
        break;
      }
    }
    if (out.first_difference().empty())
      out.set_first_difference(
          "placements agree; explanations, eligibility or quota lines differ");
  }
  return out;
}

}  // namespace rota::service
