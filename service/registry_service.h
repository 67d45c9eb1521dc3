// Registry: the logic behind rota.v1.RegistryService, independent of gRPC
// transport (grpc_server.h adapts it). Every method takes the caller and the
// request message and returns the response or an absl::Status.
//
// Writes: a per-county mutex serialises validate-against-snapshot + Append,
// so a county's writers never race; `expected_sequence` on Append is the
// safety net. An import stream holds it across pipelined batches
// (ImportBatches: batch n+1 is validated over batch n's writes while batch n
// syncs). Each mutation appends one event (a BulkImport chunk: one per
// applied row) together with its projection writes (from ProjectEvent) and,
// when the request has a request_id, its idempotency record, in one synced
// batch. Reads go straight to the projections and take no lock.
//
// Thread-safety: all methods may be called concurrently.
//
// Example:
//   Registry registry(store.get());
//   absl::StatusOr<rota::v1::County> c = registry.CreateCounty(call, request);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/arena.h"
#include "rota/v1/registry.pb.h"
#include "service/access.h"
#include "service/storage/event_store.h"

namespace rota::service {

class Registry {
 public:
  // `store` must outlive the Registry.
  explicit Registry(storage::EventStore* store) : store_(store) {}

  absl::StatusOr<rota::v1::County> CreateCounty(
      const CallContext& call, const rota::v1::CreateCountyRequest& req);
  absl::StatusOr<rota::v1::County> GetCounty(
      const CallContext& call, const rota::v1::GetCountyRequest& req);
  absl::StatusOr<rota::v1::County> UpdateCounty(
      const CallContext& call, const rota::v1::UpdateCountyRequest& req);
  absl::StatusOr<rota::v1::DeleteResponse> DeleteCounty(
      const CallContext& call, const rota::v1::DeleteCountyRequest& req);
  absl::StatusOr<rota::v1::ListCountiesResponse> ListCounties(
      const CallContext& call, const rota::v1::ListCountiesRequest& req);

  absl::StatusOr<rota::v1::School> CreateSchool(
      const CallContext& call, const rota::v1::CreateSchoolRequest& req);
  absl::StatusOr<rota::v1::School> GetSchool(
      const CallContext& call, const rota::v1::GetSchoolRequest& req);
  absl::StatusOr<rota::v1::School> UpdateSchool(
      const CallContext& call, const rota::v1::UpdateSchoolRequest& req);
  absl::StatusOr<rota::v1::DeleteResponse> DeleteSchool(
      const CallContext& call, const rota::v1::DeleteSchoolRequest& req);
  absl::StatusOr<rota::v1::ListSchoolsResponse> ListSchools(
      const CallContext& call, const rota::v1::ListSchoolsRequest& req);

  absl::StatusOr<rota::v1::Post> CreatePost(
      const CallContext& call, const rota::v1::CreatePostRequest& req);
  absl::StatusOr<rota::v1::Post> GetPost(const CallContext& call,
                                         const rota::v1::GetPostRequest& req);
  absl::StatusOr<rota::v1::Post> UpdatePost(
      const CallContext& call, const rota::v1::UpdatePostRequest& req);
  absl::StatusOr<rota::v1::DeleteResponse> DeletePost(
      const CallContext& call, const rota::v1::DeletePostRequest& req);
  absl::StatusOr<rota::v1::ListPostsResponse> ListPosts(
      const CallContext& call, const rota::v1::ListPostsRequest& req);

  absl::StatusOr<rota::v1::Teacher> CreateTeacher(
      const CallContext& call, const rota::v1::CreateTeacherRequest& req);
  absl::StatusOr<rota::v1::Teacher> GetTeacher(
      const CallContext& call, const rota::v1::GetTeacherRequest& req);
  absl::StatusOr<rota::v1::Teacher> UpdateTeacher(
      const CallContext& call, const rota::v1::UpdateTeacherRequest& req);
  absl::StatusOr<rota::v1::DeleteResponse> DeleteTeacher(
      const CallContext& call, const rota::v1::DeleteTeacherRequest& req);
  absl::StatusOr<rota::v1::ListTeachersResponse> ListTeachers(
      const CallContext& call, const rota::v1::ListTeachersRequest& req);

  // One BulkImport chunk: validates row by row (rows may reference schools
  // and posts created earlier in the same chunk), applies the valid rows in
  // one durable batch and reports the invalid ones. `chunks` is 1 in the
  // result. Chunk-level problems (parent, request_id, missing county) are
  // errors; row problems are results. A dry run (every chunk's dry_run)
  // validates and answers alike but writes nothing.
  absl::StatusOr<rota::v1::BulkImportResponse> ImportChunk(
      const CallContext& call, const rota::v1::BulkImportRequest& req);

  // Several chunks of one import stream (same parent) in one durable batch:
  // each chunk is still all-or-nothing and has its own idempotency record,
  // but they share one fsync. Returns one response per chunk. An error
  // applies nothing.
  absl::StatusOr<std::vector<rota::v1::BulkImportResponse>> ImportChunks(
      const CallContext& call,
      const std::vector<rota::v1::BulkImportRequest>& chunks);

  // A batch of an import stream's chunks. They live on an arena: a batch
  // holds thousands of rows, and freeing them one message and string at a
  // time cost as much as parsing them. Reset keeps the arena's first block,
  // so a stream's batches reuse the same memory.
  class ImportBatch {
   public:
    ImportBatch();
    ImportBatch(const ImportBatch&) = delete;
    ImportBatch& operator=(const ImportBatch&) = delete;

    // A new empty chunk at the end of the batch.
    rota::v1::BulkImportRequest* Add();
    // Drops every chunk.
    void Reset();
    std::vector<rota::v1::BulkImportRequest*>& chunks() { return chunks_; }

   private:
    std::unique_ptr<char[]> first_block_;
    google::protobuf::Arena arena_;
    std::vector<rota::v1::BulkImportRequest*> chunks_;
  };

  // Fills the next batch of an import stream's chunks (*batch arrives
  // empty); false when there is none for now.
  using ImportSource = absl::FunctionRef<absl::StatusOr<bool>(ImportBatch*)>;
  // Receives the responses of a batch once it is durable, in stream order.
  using ImportSink =
      absl::FunctionRef<void(std::vector<rota::v1::BulkImportResponse>)>;

  // An import stream's batches, pipelined: batch n+1 is validated (against
  // the county with batch n's writes) while batch n is appended and synced.
  // Each batch is one durable Append of whole chunks (as ImportChunks), in
  // the order the source gives them, so the county's log holds the chunks in
  // stream order and a chunk is all-or-nothing. The county's writer mutex is
  // held from the first batch until the source runs dry (or after
  // kMaxBatchesPerRun batches, so other writers get their turn); call again
  // for more. An error (from the source, a chunk-level problem, the store)
  // stops the run: batches already handed to the sink stay applied, the
  // rest is not applied.
  absl::Status ImportBatches(const CallContext& call, ImportSource next,
                             ImportSink applied);
  static constexpr int kMaxBatchesPerRun = 32;

  // Itinerant teaching (走教): period requirements and road distances
  // (registry_itinerant.cc).
  absl::StatusOr<rota::v1::PeriodRequirement> CreatePeriodRequirement(
      const CallContext& call,
      const rota::v1::CreatePeriodRequirementRequest& req);
  absl::StatusOr<rota::v1::ListPeriodRequirementsResponse>
  ListPeriodRequirements(const CallContext& call,
                         const rota::v1::ListPeriodRequirementsRequest& req);
  absl::StatusOr<rota::v1::DeleteResponse> DeletePeriodRequirement(
      const CallContext& call,
      const rota::v1::DeletePeriodRequirementRequest& req);
  absl::StatusOr<rota::v1::RoadDistance> CreateRoadDistance(
      const CallContext& call, const rota::v1::CreateRoadDistanceRequest& req);
  absl::StatusOr<rota::v1::ListRoadDistancesResponse> ListRoadDistances(
      const CallContext& call, const rota::v1::ListRoadDistancesRequest& req);
  absl::StatusOr<rota::v1::DeleteResponse> DeleteRoadDistance(
      const CallContext& call, const rota::v1::DeleteRoadDistanceRequest& req);

  absl::StatusOr<rota::v1::CountySummary> GetCountySummary(
      const CallContext& call, const rota::v1::GetCountySummaryRequest& req);

  // Recruitment applicants and posts (registry_recruitment.cc). Deleting a
  // recruitment post that an applicant lists is FAILED_PRECONDITION.
  absl::StatusOr<rota::v1::Applicant> CreateApplicant(
      const CallContext& call, const rota::v1::CreateApplicantRequest& req);
  absl::StatusOr<rota::v1::Applicant> GetApplicant(
      const CallContext& call, const rota::v1::GetApplicantRequest& req);
  absl::StatusOr<rota::v1::ListApplicantsResponse> ListApplicants(
      const CallContext& call, const rota::v1::ListApplicantsRequest& req);
  absl::StatusOr<rota::v1::DeleteResponse> DeleteApplicant(
      const CallContext& call, const rota::v1::DeleteApplicantRequest& req);
  absl::StatusOr<rota::v1::RecruitmentPost> CreateRecruitmentPost(
      const CallContext& call,
      const rota::v1::CreateRecruitmentPostRequest& req);
  absl::StatusOr<rota::v1::RecruitmentPost> GetRecruitmentPost(
      const CallContext& call, const rota::v1::GetRecruitmentPostRequest& req);
  absl::StatusOr<rota::v1::ListRecruitmentPostsResponse> ListRecruitmentPosts(
      const CallContext& call,
      const rota::v1::ListRecruitmentPostsRequest& req);
  absl::StatusOr<rota::v1::DeleteResponse> DeleteRecruitmentPost(
      const CallContext& call,
      const rota::v1::DeleteRecruitmentPostRequest& req);

  // Serialises the writers of one county. Shared with the policy and round
  // services so that every writer of a county takes the same mutex. Never
  // null; valid for the Registry's life.
  absl::Mutex* CountyMutex(const std::string& county);

 private:
  storage::EventStore* const store_;
  absl::Mutex locks_mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<absl::Mutex>> county_locks_
      ABSL_GUARDED_BY(locks_mu_);
};

}  // namespace rota::service
