// Helpers shared by the RoundService handlers (round_service.cc: create,
// applications, freeze, eligibility, run; round_results.cc: results,
// explanations, locks and overrides, commit, cancel, replay): round names
// and state checks, reading the frozen inputs and run records, paging,
// running the engine and staging a run. Private to those files.
//
// Thread-safety: pure functions over the snapshots and stores passed in.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "rota/v1/round_events.pb.h"
#include "rota/v1/rounds.pb.h"
#include "service/access.h"
#include "service/county_write.h"
#include "service/page_token.h"
#include "service/round_engine.h"
#include "service/storage/event_store.h"
#include "service/validation.h"

namespace rota::service::round_internal {

using rota::v1::Round;
using storage::Snapshot;

inline constexpr char kRounds[] = "rounds";

// "exchange-rotation", "competitive-hiring", ...: the kind in generated
// round ids.
const char* KindSlug(rota::v1::RoundKind kind);

// The collection of the people a round places: applicants (recruitment) or
// teachers (the other kinds).
const char* PeopleOf(rota::v1::RoundKind kind);

// The collection a round's preferences, overrides and locks name: schools
// (exchange rotation), posts (competitive hiring) or recruitment posts.
const char* TargetsOf(rota::v1::RoundKind kind);

absl::Status NotFoundName(absl::string_view what);

// FAILED_PRECONDITION with a ROUND_STATE PreconditionFailure naming the
// state `required`.
absl::Status WrongState(const Round& round, absl::string_view required);

// "counties/{c}/rounds/{r}" -> parts, or INVALID_ARGUMENT on `field`.
absl::StatusOr<ChildName> RoundName(const std::string& name,
                                    absl::string_view field = "name");

// A reference given as a bare id or a full name of `county`'s `collection`.
std::optional<std::string> RefId(absl::string_view county,
                                 absl::string_view collection,
                                 absl::string_view value);

absl::StatusOr<Round> LoadRound(const Snapshot& s, const ChildName& n);

// Reads a round for a read-only call.
struct ReadView {
  std::unique_ptr<Snapshot> snapshot;
  ChildName name;
  Round round;
};
absl::StatusOr<ReadView> OpenRound(const storage::EventStore& store,
                                   const CallContext& call,
                                   const std::string& name);

int32_t LatestRun(const Round& r);

// RunSummary.etag of `run` of the round `round_name`: the first 32 hex
// digits of SHA-256 over the round name, the run number and the result hash.
std::string RunEtag(const std::string& round_name,
                    const rota::v1::RunSummary& run);

// The run a read call means: 0 = latest. FAILED_PRECONDITION without runs.
absl::StatusOr<int32_t> PickRun(const Round& r, int32_t run);

// What a call needs of the frozen inputs. A prefecture's are tens of
// megabytes, so the parts a call does not read are skipped unparsed.
enum class FrozenParts {
  kEngineInputs,  // run, override, replay: all but the eligibility list
  kSchools,       // commit: round, policy and schools
};

// The round's RoundFrozen event: the freeze appends only that event, so it
// is the one after round.frozen_sequence.
absl::StatusOr<storage::Event> ReadFrozenEvent(const storage::EventStore& store,
                                               const Round& round);

// The frozen inputs in `event` (ReadFrozenEvent), on `arena` (tens of MB of
// small messages, freed at once).
absl::StatusOr<rota::v1::RoundFrozen*> ParseFrozen(
    const storage::Event& event, const Round& round, FrozenParts parts,
    google::protobuf::Arena* arena);

absl::StatusOr<rota::v1::RoundFrozen*> LoadFrozen(
    const storage::EventStore& store, const Round& round, FrozenParts parts,
    google::protobuf::Arena* arena);

absl::StatusOr<rota::v1::RoundRun> LoadRunRecord(const Snapshot& s,
                                                 const ChildName& n,
                                                 int32_t run);

// A reason given for a lock or override: required, UTF-8, bounded.
void ValidateReason(absl::string_view reason, Violations& v);

// The adjustments in force (latest per teacher), teacher id order.
absl::StatusOr<std::vector<rota::v1::PlacementAdjusted>> Adjustments(
    const Snapshot& s, absl::string_view round);

// The engines refuse a run whose locks or overrides break a hard rule with a
// typed violation (engine/rules/hard_rule.h). That becomes a
// google.rpc.PreconditionFailure: type the rule in capitals (spaces as
// underscores: "leadership cap" -> LEADERSHIP_CAP), subject the
// teacher (or applicant: `people` is PeopleOf the round's kind) named, the
// description `prefix` + the rule + the engine's sentence.
// Other errors pass through.
absl::Status HardRuleRefusal(const absl::Status& status,
                             absl::string_view county, absl::string_view prefix,
                             absl::string_view people = kTeachers);

// Runs the engine; bad parameters become INVALID_ARGUMENT on their field.
absl::StatusOr<EngineResult> Compute(
    FrozenEngineInputs& frozen,
    const std::vector<rota::v1::PlacementAdjusted>& adjustments,
    const rota::v1::RunParameters& params, const ProgressFn& progress);

// Stages a RoundRun event for `result`, a run of the round with
// `adjustments` and `params`.
absl::StatusOr<rota::v1::RunSummary> StageRun(
    CountyWrite& w, Round round,
    const std::vector<rota::v1::PlacementAdjusted>& adjustments,
    const rota::v1::RunParameters& params, EngineResult result);

// The checks of a call that changes a round and takes nothing else: its
// name, the caller's access to its county, then the request id.
absl::StatusOr<ChildName> CheckRoundWrite(const CallContext& call,
                                          const std::string& round_name,
                                          const std::string& request_id);

// ---- templates
// ---------------------------------------------------------------

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

template <typename Proto, typename Keep>
absl::Status Page(const Snapshot& s, const std::string& prefix,
                  const std::string& scope, const std::string& filter,
                  int32_t page_size, const std::string& page_token, Keep keep,
                  std::vector<Proto>& out, std::string& next_token) {
  if (page_size < 0) return InvalidField("page_size", "must be >= 0");
  size_t limit = PageLimit(page_size);
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

}  // namespace rota::service::round_internal
