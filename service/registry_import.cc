// Registry::ImportChunk / ImportChunks / ImportBatches: BulkImport's chunks
// validated row by row and appended in durable batches, batch n+1 validated
// while batch n syncs (see registry_service.h for the guarantees).
#include <future>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/cleanup/cleanup.h"
#include "common/status_macros.h"
#include "service/county_write.h"
#include "service/grpc_status.h"
#include "service/internal/registry_resource.h"
#include "service/projection.h"
#include "service/registry_service.h"
#include "service/validation.h"

namespace rota::service {
namespace {

using registry_internal::CountyExists;
using registry_internal::ExistingRows;
using registry_internal::ImportRow;
using registry_internal::ParentCounty;
using registry_internal::RejectDuplicateRows;
using rota::v1::BulkImportRequest;
using rota::v1::BulkImportResponse;
using storage::EventDraft;
using storage::ProjectionWrite;

// A batch validated and staged, not yet appended.
struct StagedBatch {
  uint64_t head = 0;  // the log's sequence before it
  std::vector<EventDraft> drafts;
  std::vector<ProjectionWrite> writes;  // for the append
  OverlaySnapshot::PendingMap written;  // the same, for the next batch
  std::vector<BulkImportResponse> responses;
};

// A batch being appended: what the next batch needs of it.
struct InflightBatch {
  uint64_t head_after = 0;  // the log's sequence once it is appended
  OverlaySnapshot::PendingMap written;  // its projection writes, by key
  std::vector<BulkImportResponse> responses;
  std::future<absl::Status> done;
};

// Rows of every kind in a chunk.
int RowsOf(const BulkImportRequest& r) {
  return r.schools_size() + r.posts_size() + r.teachers_size() +
         r.period_requirements_size() + r.road_distances_size() +
         r.applicants_size() + r.recruitment_posts_size();
}

// Rows of a chunk's repeated field `rows` (resource at `get`), validated and
// staged in order, skipping the duplicates RejectDuplicateRows found.
template <typename Row, typename Get>
absl::Status ImportRows(CountyWrite& ctx, const std::string& county,
                        google::protobuf::RepeatedPtrField<Row>* rows, Get get,
                        absl::string_view field, ExistingRows* existing,
                        BulkImportResponse& response) {
  const std::vector<bool> skip = RejectDuplicateRows(
      *rows, [&](const Row& r) -> const auto& { return get(r); }, field,
      response);
  for (int k = 0; k < rows->size(); ++k) {
    if (skip[k]) continue;
    Row& r = *rows->Mutable(k);
    ROTA_RETURN_IF_ERROR(ImportRow(
        ctx, county, r.row(), *get.mutable_resource(&r), existing, response));
  }
  return absl::OkStatus();
}

// The resource of an import row kind, read-only and mutable.
#define ROTA_IMPORT_ROW_ACCESS(Name, field)      \
  struct Name {                                  \
    template <typename Row>                      \
    const auto& operator()(const Row& r) const { \
      return r.field();                          \
    }                                            \
    template <typename Row>                      \
    auto* mutable_resource(Row* r) const {       \
      return r->mutable_##field();               \
    }                                            \
  };
ROTA_IMPORT_ROW_ACCESS(SchoolOf, school)
ROTA_IMPORT_ROW_ACCESS(PostOf, post)
ROTA_IMPORT_ROW_ACCESS(TeacherOf, teacher)
ROTA_IMPORT_ROW_ACCESS(PeriodRequirementOf, period_requirement)
ROTA_IMPORT_ROW_ACCESS(RoadDistanceOf, road_distance)
ROTA_IMPORT_ROW_ACCESS(RecruitmentPostOf, recruitment_post)
ROTA_IMPORT_ROW_ACCESS(ApplicantOf, applicant)
#undef ROTA_IMPORT_ROW_ACCESS

// Validates and stages `chunks` (with their request digests) on `ctx`: a
// chunk whose request id has a record is answered from it; the others are
// validated row by row (schools first, then posts, teachers, period
// requirements, roads, recruitment posts, applicants, so rows can reference
// resources created earlier in the same chunk or batch).
absl::StatusOr<std::vector<BulkImportResponse>> StageChunks(
    CountyWrite& ctx, const std::string& county,
    const std::vector<BulkImportRequest*>& chunks,
    const std::vector<std::string>& digests, ExistingRows* existing) {
  std::vector<BulkImportResponse> responses(chunks.size());
  for (size_t i = 0; i < chunks.size(); ++i) {
    BulkImportRequest& req = *chunks[i];
    BulkImportResponse& response = responses[i];
    // A dry run neither replays nor records a request.
    const std::string request_id = req.dry_run() ? "" : req.request_id();
    if (!request_id.empty()) {
      // Earlier chunks of this batch (and of the batch being synced) are
      // visible through the overlay.
      ROTA_ASSIGN_OR_RETURN(std::optional<std::string> record,
                            ctx.state().Get(keys::Request(request_id)));
      if (record.has_value()) {
        const std::string& digest = digests[i];
        if (record->compare(0, digest.size(), digest) != 0) {
          return RequestIdReused();
        }
        if (!response.ParseFromArray(
                record->data() + digest.size(),
                static_cast<int>(record->size() - digest.size()))) {
          return absl::DataLossError(
              "stored response of request_id does not parse");
        }
        continue;  // replayed chunk: nothing applied twice
      }
    }
    ctx.set_request_id(request_id);
    const size_t drafts_before = ctx.drafts().size();
    response.set_chunks(1);
    response.set_rows_received(RowsOf(req));
    ROTA_RETURN_IF_ERROR(ImportRows(ctx, county, req.mutable_schools(),
                                    SchoolOf(), "school.name", existing,
                                    response));
    ROTA_RETURN_IF_ERROR(ImportRows(ctx, county, req.mutable_posts(), PostOf(),
                                    "post.name", existing, response));
    ROTA_RETURN_IF_ERROR(ImportRows(ctx, county, req.mutable_teachers(),
                                    TeacherOf(), "teacher.name", existing,
                                    response));
    ROTA_RETURN_IF_ERROR(ImportRows(
        ctx, county, req.mutable_period_requirements(), PeriodRequirementOf(),
        "period_requirement.name", existing, response));
    ROTA_RETURN_IF_ERROR(ImportRows(ctx, county, req.mutable_road_distances(),
                                    RoadDistanceOf(), "road_distance.name",
                                    existing, response));
    ROTA_RETURN_IF_ERROR(ImportRows(
        ctx, county, req.mutable_recruitment_posts(), RecruitmentPostOf(),
        "recruitment_post.name", existing, response));
    ROTA_RETURN_IF_ERROR(ImportRows(ctx, county, req.mutable_applicants(),
                                    ApplicantOf(), "applicant.name", existing,
                                    response));
    if (!request_id.empty() && ctx.drafts().size() > drafts_before) {
      ctx.AddRecord(keys::Request(request_id),
                    digests[i] + SerializeDeterministic(response));
    }
  }
  return responses;
}

// Key prefixes of the rows an import creates.
constexpr const char* kImportedRowPrefixes[] = {
    keys::kSchoolPrefix,         keys::kPostPrefix,
    keys::kTeacherPrefix,        keys::kPeriodRequirementPrefix,
    keys::kRoadDistancePrefix,   keys::kApplicantPrefix,
    keys::kRecruitmentPostPrefix};

// Rows name schools and posts: once a run has taken this many rows, it
// reads these collections whole (one scan of a county's 25,000 posts costs
// what a few thousand point reads do), when they have at most
// kMaxPrefetchedRows rows.
constexpr const char* kReferencedRowPrefixes[] = {keys::kSchoolPrefix,
                                                  keys::kPostPrefix};
constexpr int kPrefetchAfterRows = 2000;
constexpr size_t kMaxPrefetchedRows = 100000;

// Bytes of the arena's first block, kept from batch to batch: room for a
// batch of 8 chunks of 500 teachers (~4 MB as messages) without more.
constexpr size_t kImportArenaBlockBytes = 8 << 20;

google::protobuf::ArenaOptions ImportArenaOptions(char* first_block) {
  google::protobuf::ArenaOptions options;
  options.initial_block = first_block;
  options.initial_block_size = kImportArenaBlockBytes;
  return options;
}

}  // namespace

Registry::ImportBatch::ImportBatch()
    : first_block_(new char[kImportArenaBlockBytes]),
      arena_(ImportArenaOptions(first_block_.get())) {}

BulkImportRequest* Registry::ImportBatch::Add() {
  chunks_.push_back(
      google::protobuf::Arena::CreateMessage<BulkImportRequest>(&arena_));
  return chunks_.back();
}

void Registry::ImportBatch::Reset() {
  chunks_.clear();
  arena_.Reset();
}

absl::StatusOr<BulkImportResponse> Registry::ImportChunk(
    const CallContext& call, const BulkImportRequest& req) {
  ROTA_ASSIGN_OR_RETURN(std::vector<BulkImportResponse> out,
                        ImportChunks(call, {req}));
  return std::move(out[0]);
}

absl::StatusOr<std::vector<BulkImportResponse>> Registry::ImportChunks(
    const CallContext& call, const std::vector<BulkImportRequest>& chunks) {
  std::vector<BulkImportResponse> out;
  if (chunks.empty()) return out;
  bool given = false;
  ROTA_RETURN_IF_ERROR(ImportBatches(
      call,
      [&](ImportBatch* batch) -> absl::StatusOr<bool> {
        if (given) return false;
        given = true;
        for (const BulkImportRequest& chunk : chunks) *batch->Add() = chunk;
        return true;
      },
      [&](std::vector<BulkImportResponse> applied) {
        out = std::move(applied);
      }));
  return out;
}

absl::Status Registry::ImportBatches(const CallContext& call, ImportSource next,
                                     ImportSink applied) {
  std::optional<std::string> county;  // of the first batch
  std::optional<bool> dry_run;        // of the first chunk
  absl::Mutex* mu = nullptr;          // county's writer mutex, once held
  // The batch being appended (on another thread).
  std::optional<InflightBatch> inflight;
  // Waits for the batch being appended; hands its responses to the sink if
  // it is durable.
  auto finish_inflight = [&]() -> absl::Status {
    if (!inflight.has_value()) return absl::OkStatus();
    absl::Status s = inflight->done.get();
    if (s.ok()) applied(std::move(inflight->responses));
    inflight.reset();
    return s;
  };
  auto cleanup = absl::MakeCleanup([&] {
    (void)finish_inflight();
    if (mu != nullptr) mu->Unlock();
  });

  ImportBatch batch;  // reused from batch to batch
  // The store's answers to the run's point reads (does this school exist?
  // is this teacher new?), kept from batch to batch: the county's writer
  // mutex is held for the run, so only the run's own writes change them, and
  // each batch's writes are handed over as it is staged.
  OverlaySnapshot::StoreReads store_reads;
  ExistingRows existing;
  int run_rows = 0;         // rows taken so far
  bool prefetched = false;  // kReferencedRowPrefixes read whole (or too big)
  std::vector<const char*> empty_at_start;  // collections, when it began
  std::vector<BulkImportRequest*>& chunks = batch.chunks();
  for (int run = 0; run < kMaxBatchesPerRun; ++run) {
    batch.Reset();
    ROTA_ASSIGN_OR_RETURN(bool more, next(&batch));
    if (!more || chunks.empty()) break;
    // Access to every county the chunks name comes before their validation.
    for (const BulkImportRequest* chunk : chunks) {
      ROTA_RETURN_IF_ERROR(
          CheckCountyAccessIfNamed(call, ParseCountyName(chunk->parent())));
    }
    Violations v;
    std::optional<std::string> c = ParentCounty(chunks[0]->parent(), v);
    for (const BulkImportRequest* chunk_ptr : chunks) {
      const BulkImportRequest& chunk = *chunk_ptr;
      if (chunk.parent() != chunks[0]->parent() ||
          (county.has_value() && c.has_value() && *c != *county)) {
        v.Add("parent", "must be the same on every chunk of an import");
      }
      if (!dry_run.has_value()) dry_run = chunk.dry_run();
      if (chunk.dry_run() != *dry_run) {
        v.Add("dry_run", "must be the same on every chunk of an import");
      }
      ValidateRequestId(chunk.request_id(), v);
    }
    ROTA_RETURN_IF_ERROR(v.ToStatus());
    if (!county.has_value()) {
      ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *c));
      county = *c;
    }
    std::vector<std::string> digests(chunks.size());
    for (size_t i = 0; i < chunks.size(); ++i) {
      if (!chunks[i]->request_id().empty() && !*dry_run)
        digests[i] = RequestDigestInPlace(chunks[i]);
    }
    if (mu == nullptr) {
      mu = CountyMutex(*county);
      mu->Lock();
    }

    // The county as it will be when the batch being synced is durable: the
    // store's state (which may or may not include that batch yet) with that
    // batch's writes laid over it.
    ROTA_ASSIGN_OR_RETURN(std::unique_ptr<storage::Snapshot> snapshot,
                          OpenCountySnapshot(*store_, *county));
    if (run == 0) {
      // A collection the county has no row of yet (its first import of
      // teachers, say): no new row's key need be looked up in the store.
      for (const char* prefix : kImportedRowPrefixes) {
        ROTA_ASSIGN_OR_RETURN(auto first, snapshot->Scan(prefix, "", 1));
        if (first.empty()) {
          store_reads.AddCompletePrefix(prefix);
          empty_at_start.push_back(prefix);
        }
      }
    }
    for (const BulkImportRequest* chunk : chunks) run_rows += RowsOf(*chunk);
    if (run_rows >= kPrefetchAfterRows && !prefetched) {
      prefetched = true;
      for (const char* prefix : kReferencedRowPrefixes) {
        if (absl::c_linear_search(empty_at_start, prefix)) continue;
        ROTA_ASSIGN_OR_RETURN(
            auto rows, snapshot->Scan(prefix, "", kMaxPrefetchedRows + 1));
        if (rows.empty() || rows.size() > kMaxPrefetchedRows) continue;
        store_reads.AddCompletePrefix(prefix, std::move(rows));
      }
      // The batch being appended may be missing from the snapshot.
      if (inflight.has_value()) store_reads.Forget(inflight->written);
    }
    OverlaySnapshot base(*snapshot, &store_reads);
    uint64_t head = snapshot->head_sequence();
    if (inflight.has_value()) {
      base.AdoptPending(std::move(inflight->written));
      head = inflight->head_after;
    } else {
      ROTA_ASSIGN_OR_RETURN(bool exists, CountyExists(*snapshot));
      if (!exists) return CountyMissing(*county);
    }
    CountyWrite ctx(base, call, head);
    // A dry run's batches each start from the store.
    if (*dry_run) existing.clear();
    ROTA_ASSIGN_OR_RETURN(
        std::vector<BulkImportResponse> responses,
        StageChunks(ctx, *county, chunks, digests, &existing));
    StagedBatch staged;
    staged.head = head;
    staged.drafts = std::move(ctx.drafts());
    staged.writes = ctx.CopyWrites();
    staged.written = ctx.TakeWriteMap();
    store_reads.Forget(staged.writes);
    staged.responses = std::move(responses);

    // The log takes batches in order: the previous one must be durable
    // before this one is appended after it.
    ROTA_RETURN_IF_ERROR(finish_inflight());
    // A dry run answers what the import would do and writes nothing (each
    // batch is checked against the county as it is, not as earlier batches
    // of the dry run would leave it).
    if (staged.drafts.empty() || *dry_run) {  // or every chunk replayed or
                                              // rejected
      applied(std::move(staged.responses));
      continue;
    }
    // The next batch reads these writes (`written`) while they are appended
    // (`writes`, a copy).
    inflight.emplace();
    inflight->head_after = staged.head + staged.drafts.size();
    inflight->written = std::move(staged.written);
    inflight->responses = std::move(staged.responses);
    inflight->done = std::async(
        std::launch::async, [this, county = *county, head = staged.head,
                             drafts = std::move(staged.drafts),
                             writes = std::move(staged.writes)]() mutable {
          return store_
              ->Append(county, head, std::move(drafts), std::move(writes))
              .status();
        });
  }
  return finish_inflight();
}

}  // namespace rota::service
