// The registry's projections: key layout, the Projector that derives them
// from events, and the rebuild check.
//
// Every key lives inside one county (the EventStore scopes keys by county):
//   c                         the County
//   s/{school}                a School           p/{post}   a Post
//   t/{teacher}               a Teacher
//   preq/{id}                 a PeriodRequirement (itinerant teaching)
//   road/{id}                 a RoadDistance
//   ap/{applicant}            an Applicant (recruitment)
//   jp/{post}                 a RecruitmentPost
//   x/ts/{school}/{teacher}   teachers by school (value empty)
//   x/tj/{subject}/{teacher}  teachers by subject
//   x/ps/{school}/{post}      posts by school
//   _r/{request_id}           AIP-155 idempotency records (not derived from
//                             events: they hold the request digest; the "_"
//                             prefix marks keys the projection check skips)
//
// Events: "rota.v1.County|School|Post|Teacher|PeriodRequirement|
// RoadDistance|Applicant|RecruitmentPost" carry
// the full resource as stored (etag = the event's sequence); "rota.v1.Delete"
// carries a DeleteResponse with the deleted resource's name. `ProjectEvent` is
// the only code that maps an event to projection writes: the live write path
// and the rebuild check both call it, so they cannot diverge.
//
// The rebuild check itself is storage::CheckProjections
// (service/storage/projection_check.h) called with RegistryProjector().
//
// Thread-safety: ProjectEvent is pure; OverlaySnapshot is not thread-safe.
//
// Example:
//   OverlaySnapshot overlay(*snapshot);
//   ROTA_ASSIGN_OR_RETURN(auto writes, ProjectEvent(event, overlay));
//   overlay.Apply(writes);
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "rota/v1/resources.pb.h"
#include "service/storage/event_store.h"

namespace rota::service {

namespace keys {
inline constexpr char kCounty[] = "c";
inline constexpr char kSchoolPrefix[] = "s/";
inline constexpr char kPostPrefix[] = "p/";
inline constexpr char kTeacherPrefix[] = "t/";
inline constexpr char kPeriodRequirementPrefix[] = "preq/";
inline constexpr char kRoadDistancePrefix[] = "road/";
inline constexpr char kApplicantPrefix[] = "ap/";
// Not "rp/": round placements live there (round_projection.cc).
inline constexpr char kRecruitmentPostPrefix[] = "jp/";
inline constexpr char kIndexPrefix[] = "x/";
inline constexpr char kRequestPrefix[] = "_r/";
std::string School(absl::string_view id);
std::string Post(absl::string_view id);
std::string Teacher(absl::string_view id);
std::string PeriodRequirement(absl::string_view id);
std::string RoadDistance(absl::string_view id);
std::string Applicant(absl::string_view id);
std::string RecruitmentPost(absl::string_view id);
std::string TeachersBySchoolPrefix(absl::string_view school);
std::string TeachersBySubjectPrefix(absl::string_view subject);
std::string PostsBySchoolPrefix(absl::string_view school);
std::string Request(absl::string_view request_id);
}  // namespace keys

// Event types.
inline constexpr char kCountyEvent[] = "rota.v1.County";
inline constexpr char kSchoolEvent[] = "rota.v1.School";
inline constexpr char kPostEvent[] = "rota.v1.Post";
inline constexpr char kTeacherEvent[] = "rota.v1.Teacher";
inline constexpr char kPeriodRequirementEvent[] = "rota.v1.PeriodRequirement";
inline constexpr char kRoadDistanceEvent[] = "rota.v1.RoadDistance";
inline constexpr char kApplicantEvent[] = "rota.v1.Applicant";
inline constexpr char kRecruitmentPostEvent[] = "rota.v1.RecruitmentPost";
inline constexpr char kDeleteEvent[] = "rota.v1.Delete";

// Parses the projection at `key` of `s`; nullopt if absent, DATA_LOSS if the
// bytes do not parse. The one loader of stored rows for the registry, round,
// policy and audit services.
template <typename Proto>
absl::StatusOr<std::optional<Proto>> LoadProto(const storage::Snapshot& s,
                                               const std::string& key) {
  absl::StatusOr<std::optional<std::string>> bytes = s.Get(key);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<Proto>();
  Proto p;
  if (!p.ParseFromString(**bytes)) {
    return absl::DataLossError(absl::StrCat("stored ", key, " does not parse"));
  }
  return std::optional<Proto>(std::move(p));
}

// Projection writes caused by `event`, given the state before it.
// INVALID_ARGUMENT (DATA_LOSS-like) if the payload does not parse.
absl::StatusOr<std::vector<storage::ProjectionWrite>> ProjectEvent(
    const storage::Event& event, const storage::Snapshot& before);

// The projection writes of an upsert event whose payload is `payload` (`r`
// serialized), given the row stored before it (`old`, null if none): the row
// and its index keys. ProjectEvent calls these for the upsert events, so a
// write that holds the message already (an import row) spares parsing it
// back and projects exactly as a rebuild does.
std::vector<storage::ProjectionWrite> ProjectUpsert(
    const rota::v1::School& r, const std::string& payload,
    const rota::v1::School* old);
std::vector<storage::ProjectionWrite> ProjectUpsert(const rota::v1::Post& r,
                                                    const std::string& payload,
                                                    const rota::v1::Post* old);
std::vector<storage::ProjectionWrite> ProjectUpsert(
    const rota::v1::Teacher& r, const std::string& payload,
    const rota::v1::Teacher* old);
std::vector<storage::ProjectionWrite> ProjectUpsert(
    const rota::v1::PeriodRequirement& r, const std::string& payload,
    const rota::v1::PeriodRequirement* old);
std::vector<storage::ProjectionWrite> ProjectUpsert(
    const rota::v1::RoadDistance& r, const std::string& payload,
    const rota::v1::RoadDistance* old);
std::vector<storage::ProjectionWrite> ProjectUpsert(
    const rota::v1::Applicant& r, const std::string& payload,
    const rota::v1::Applicant* old);
std::vector<storage::ProjectionWrite> ProjectUpsert(
    const rota::v1::RecruitmentPost& r, const std::string& payload,
    const rota::v1::RecruitmentPost* old);

// ProjectEvent as a storage::Projector.
storage::Projector RegistryProjector();

// A snapshot plus writes not yet committed (earlier events of the same
// batch). Reads see the pending writes over the base.
class OverlaySnapshot : public storage::Snapshot {
 public:
  // The pending writes by key. A B-tree: an import batch stages tens of
  // thousands of keys, and std::map spent an allocation and a cache miss on
  // each.
  using PendingMap = absl::btree_map<std::string, std::optional<std::string>>;
  // What a writer that holds its county's mutex across several snapshots
  // knows of the store: the keys it read that had a value, and the
  // collections (key prefixes) whose every row it read when it began (or
  // that were empty), so that a key under them it has not seen need not be
  // looked up at all. Valid only while nothing but the writer changes the
  // county, and only if the writer hands it every write it appends
  // (Forget).
  class StoreReads {
   public:
    // `rows` are every key under `prefix` in the store, with their values,
    // when the writer began (none: the collection was empty).
    void AddCompletePrefix(
        std::string prefix,
        std::vector<std::pair<std::string, std::string>> rows = {});
    // The keys of `writes` now hold what the writer wrote.
    void Forget(const std::vector<storage::ProjectionWrite>& writes);
    void Forget(const PendingMap& writes);

   private:
    friend class OverlaySnapshot;
    // Absent from the store without asking it.
    bool KnownAbsent(const std::string& key) const;
    void ForgetKey(const std::string& key);

    absl::flat_hash_map<std::string, std::optional<std::string>> values_;
    std::vector<std::string> complete_prefixes_;
    // Keys the writer wrote under a complete prefix.
    absl::flat_hash_set<std::string> written_;
  };

  explicit OverlaySnapshot(const storage::Snapshot& base)
      : base_(&base), store_reads_(&own_reads_) {}
  // Answers from and remembers in `*reads` (which must outlive the overlay)
  // what the base says: a writer may keep one StoreReads for all its
  // snapshots of the county.
  OverlaySnapshot(const storage::Snapshot& base, StoreReads* reads)
      : base_(&base), store_reads_(reads) {}
  // An overlay over nothing: a purely in-memory state (used by rebuilds).
  OverlaySnapshot() = default;
  // Not copyable: the read cache may point into the object itself.
  OverlaySnapshot(const OverlaySnapshot&) = delete;
  OverlaySnapshot& operator=(const OverlaySnapshot&) = delete;

  void Apply(const std::vector<storage::ProjectionWrite>& writes);
  // The same, moving the values in (no copy of large projections).
  void Apply(std::vector<storage::ProjectionWrite>&& writes);
  // The pending writes, one per key (the last one staged), in key order;
  // leaves none pending. Appending them gives the same state as appending
  // every staged write in order.
  std::vector<storage::ProjectionWrite> TakePending();
  // TakePending's list, copied, leaving the writes pending.
  std::vector<storage::ProjectionWrite> CopyPending() const;
  // Moves the pending writes out (as a map: another overlay can adopt them
  // without sorting them again), leaving none pending.
  PendingMap TakePendingMap();
  // Replaces the pending writes with `pending`.
  void AdoptPending(PendingMap pending) { pending_ = std::move(pending); }

  uint64_t head_sequence() const override {
    return base_ ? base_->head_sequence() : 0;
  }
  absl::StatusOr<std::optional<std::string>> Get(
      const std::string& key) const override;
  absl::StatusOr<bool> Contains(const std::string& key) const override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Scan(
      const std::string& prefix, const std::string& start_after,
      size_t limit) const override;

 private:
  const storage::Snapshot* base_ = nullptr;
  // The value of `key` in the base, read once (see StoreReads).
  absl::StatusOr<const std::optional<std::string>*> BaseRead(
      const std::string& key) const;

  PendingMap pending_;
  // What `base_` answered: own_reads_ unless the caller keeps it.
  mutable StoreReads own_reads_;
  StoreReads* store_reads_ = &own_reads_;
};

}  // namespace rota::service
