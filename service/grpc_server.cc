#include "service/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cancellation.h"
#include "rota/v1/audit.grpc.pb.h"
#include "rota/v1/policy.grpc.pb.h"
#include "rota/v1/registry.grpc.pb.h"
#include "rota/v1/rounds.grpc.pb.h"
#include "service/access.h"
#include "service/audit_service.h"
#include "service/grpc_status.h"
#include "service/policy_service.h"
#include "service/registry_service.h"
#include "service/request_parsing.h"
#include "service/round_service.h"
#include "service/validation.h"

namespace rota::service {
namespace {

using google::protobuf::Message;

// A fixed pool of threads for calls that block (fsync, whole-log walks).
class WorkerPool {
 public:
  explicit WorkerPool(int threads) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~WorkerPool() { Stop(); }

  void Submit(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

  // Submits unless `max_queued` tasks already wait; false if refused.
  bool TrySubmit(std::function<void()>& task, size_t max_queued) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (tasks_.size() >= max_queued) return false;
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
    return true;
  }

  // Runs the queued tasks, then joins.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void Run() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Shared by the two services: what a call needs.
struct Backend {
  std::atomic<Registry*> registry{nullptr};
  std::atomic<Audit*> audit{nullptr};
  std::atomic<Policies*> policies{nullptr};
  std::atomic<Rounds*> rounds{nullptr};
  WorkerPool* pool = nullptr;
  // Who may call what; never null.
  std::shared_ptr<const AccessControl> access;
  // Long reads (server_limits.h), and how many may wait.
  WorkerPool* long_reads = nullptr;
  size_t max_queued_long_reads = 0;
};

// Nests gRPC's WithRawCallbackMethod_X<Base> wrappers: Compose<Base, A, B>
// is A<B<Base>>.
template <typename Base, template <class> class... Ws>
struct Compose;
template <typename Base>
struct Compose<Base> {
  using type = Base;
};
template <typename Base, template <class> class W,
          template <class> class... Rest>
struct Compose<Base, W, Rest...> {
  using type = W<typename Compose<Base, Rest...>::type>;
};

absl::Status Unavailable() {
  return absl::UnavailableError("rotad is opening its storage; retry shortly");
}

void SerializeResponse(const Message& response, grpc::ByteBuffer* out) {
  std::string bytes = response.SerializeAsString();
  grpc::Slice slice(bytes);
  *out = grpc::ByteBuffer(&slice, 1);
}

// kInline: on gRPC's thread (short reads); kPool: the write threads;
// kLongRead: the long-read threads (server_limits.h).
enum class Mode { kInline, kPool, kLongRead };

// The caller of `service`/`method` with the permission the method needs
// (UNAUTHENTICATED / PERMISSION_DENIED before any work is done).
absl::StatusOr<CallContext> Authenticate(const Backend* backend,
                                         const grpc::CallbackServerContext* ctx,
                                         absl::string_view service,
                                         absl::string_view method) {
  return backend->access->Authenticate(*ctx,
                                       absl::StrCat(service, "/", method));
}

template <typename Req, typename Resp, typename Fn>
grpc::ServerUnaryReactor* Serve(Backend* backend,
                                grpc::CallbackServerContext* ctx,
                                const grpc::ByteBuffer* in,
                                grpc::ByteBuffer* out, Mode mode,
                                const char* service, const char* method,
                                Fn fn) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<CallContext> call =
      Authenticate(backend, ctx, service, method);
  if (!call.ok()) {
    reactor->Finish(ToGrpcStatus(call.status()));
    return reactor;
  }
  auto run = [backend, ctx, in, out, reactor, fn, call = *std::move(call)]() {
    absl::Status status;
    Req request;
    status = ParseRequest(*in, call, &request);
    // Long loops stop when the client has gone (common/cancellation.h).
    CancellationScope scope([ctx] { return ctx->IsCancelled(); });
    if (status.ok()) {
      absl::StatusOr<Resp> response = fn(backend, call, request);
      if (response.ok()) {
        SerializeResponse(*response, out);
      } else {
        status = response.status();
      }
    }
    reactor->Finish(ToGrpcStatus(status));
  };
  if (mode == Mode::kLongRead && backend->long_reads != nullptr) {
    std::function<void()> task = std::move(run);
    if (!backend->long_reads->TrySubmit(task, backend->max_queued_long_reads)) {
      reactor->Finish(ToGrpcStatus(absl::ResourceExhaustedError(
          "too many long reads (chain verifications, replays, log walks) "
          "are waiting; retry later")));
    }
  } else if (mode == Mode::kPool && backend->pool != nullptr) {
    backend->pool->Submit(std::move(run));
  } else {
    run();
  }
  return reactor;
}

#define ROTA_REGISTRY_METHOD(Method, Req, Resp, mode)                    \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx,     \
                                   const grpc::ByteBuffer* in,           \
                                   grpc::ByteBuffer* out) override {     \
    return Serve<rota::v1::Req, rota::v1::Resp>(                         \
        backend_, ctx, in, out, mode, kService, #Method,                 \
        [](Backend* b, const CallContext& call,                          \
           const rota::v1::Req& req) -> absl::StatusOr<rota::v1::Resp> { \
          Registry* r = b->registry.load(std::memory_order_acquire);     \
          if (r == nullptr) return Unavailable();                        \
          return r->Method(call, req);                                   \
        });                                                              \
  }

using RegistryCoreBase = rota::v1::RegistryService::WithRawCallbackMethod_CreateCounty<
    rota::v1::RegistryService::WithRawCallbackMethod_GetCounty<rota::v1::RegistryService::WithRawCallbackMethod_UpdateCounty<
        rota::v1::RegistryService::WithRawCallbackMethod_DeleteCounty<rota::v1::RegistryService::WithRawCallbackMethod_ListCounties<
            rota::v1::RegistryService::WithRawCallbackMethod_CreateSchool<rota::v1::RegistryService::WithRawCallbackMethod_GetSchool<
                rota::v1::RegistryService::WithRawCallbackMethod_UpdateSchool<rota::v1::RegistryService::WithRawCallbackMethod_DeleteSchool<
                    rota::v1::RegistryService::WithRawCallbackMethod_ListSchools<rota::v1::RegistryService::WithRawCallbackMethod_CreatePost<
                        rota::v1::RegistryService::WithRawCallbackMethod_GetPost<
                            rota::v1::RegistryService::WithRawCallbackMethod_UpdatePost<
                                rota::v1::RegistryService::WithRawCallbackMethod_DeletePost<
                                    rota::v1::RegistryService::WithRawCallbackMethod_ListPosts<
                                        rota::v1::RegistryService::WithRawCallbackMethod_CreateTeacher<
                                            rota::v1::RegistryService::WithRawCallbackMethod_GetTeacher<
                                                rota::v1::RegistryService::WithRawCallbackMethod_UpdateTeacher<
                                                    rota::v1::RegistryService::WithRawCallbackMethod_DeleteTeacher<
                                                        rota::v1::RegistryService::WithRawCallbackMethod_ListTeachers<
                                                            rota::v1::RegistryService::WithRawCallbackMethod_BulkImport<
                                                                rota::v1::RegistryService::WithRawCallbackMethod_GetCountySummary<
                                                                    rota::v1::RegistryService::
                                                                        Service>>>>>>>>>>>>>>>>>>>>>>;
// Itinerant teaching (走教): period requirements and road distances.
using RegistryBase = Compose<
    RegistryCoreBase,
    rota::v1::RegistryService::WithRawCallbackMethod_CreatePeriodRequirement,
    rota::v1::RegistryService::WithRawCallbackMethod_ListPeriodRequirements,
    rota::v1::RegistryService::WithRawCallbackMethod_DeletePeriodRequirement,
    rota::v1::RegistryService::WithRawCallbackMethod_CreateRoadDistance,
    rota::v1::RegistryService::WithRawCallbackMethod_ListRoadDistances,
    rota::v1::RegistryService::WithRawCallbackMethod_DeleteRoadDistance>::type;

// Recruitment applicants and posts.
using RegistryWithRecruitmentBase = Compose<
    RegistryBase,
    rota::v1::RegistryService::WithRawCallbackMethod_CreateApplicant,
    rota::v1::RegistryService::WithRawCallbackMethod_GetApplicant,
    rota::v1::RegistryService::WithRawCallbackMethod_ListApplicants,
    rota::v1::RegistryService::WithRawCallbackMethod_DeleteApplicant,
    rota::v1::RegistryService::WithRawCallbackMethod_CreateRecruitmentPost,
    rota::v1::RegistryService::WithRawCallbackMethod_GetRecruitmentPost,
    rota::v1::RegistryService::WithRawCallbackMethod_ListRecruitmentPosts,
    rota::v1::RegistryService::WithRawCallbackMethod_DeleteRecruitmentPost>::
    type;

// Most row errors returned by one BulkImport (keeps the response well under
// the 4 MB default receive limit of clients); the counts stay exact.
constexpr int kMaxReportedRowErrors = 10000;

void Accumulate(const rota::v1::BulkImportResponse& chunk,
                rota::v1::BulkImportResponse* total) {
  total->set_rows_received(total->rows_received() + chunk.rows_received());
  total->set_rows_applied(total->rows_applied() + chunk.rows_applied());
  total->set_rows_created(total->rows_created() + chunk.rows_created());
  total->set_rows_rejected(total->rows_rejected() + chunk.rows_rejected());
  total->set_chunks(total->chunks() + chunk.chunks());
  for (const auto& e : chunk.errors()) {
    if (total->errors_size() >= kMaxReportedRowErrors) break;
    *total->add_errors() = e;
  }
}

// One BulkImport stream. Reading runs ahead of applying: while the worker
// validates a batch and the one before it is appended and synced
// (Registry::ImportBatches), gRPC keeps reading chunks into a bounded queue,
// and the next batch takes every queued chunk (up to kMaxBatchChunks) into
// one durable Append. Each chunk stays all-or-nothing with its own
// idempotency record; batching only shares the fsync. The response (sent
// after the client half-closes) covers every chunk.
class ImportReactor : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  ImportReactor(Backend* backend, grpc::CallbackServerContext* ctx,
                grpc::ByteBuffer* response)
      : backend_(backend), response_(response) {
    absl::StatusOr<CallContext> call =
        Authenticate(backend, ctx, "rota.v1.RegistryService", "BulkImport");
    if (!call.ok()) {
      finished_ = true;
      Finish(ToGrpcStatus(call.status()));
      return;
    }
    call_ = *std::move(call);
    StartRead(&buffer_);
  }

  void OnReadDone(bool ok) override {
    bool read_more = false;
    bool start_worker = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (finished_) return;
      if (!ok) {
        input_done_ = true;  // half-close (or cancellation)
      } else {
        queue_.emplace_back();
        queue_.back().Swap(&buffer_);
        if (queue_.size() < kMaxQueuedChunks) {
          read_more = true;
        } else {
          read_paused_ = true;
        }
      }
      if (!worker_running_) {
        worker_running_ = true;
        start_worker = true;
      }
    }
    if (read_more) StartRead(&buffer_);
    if (start_worker) backend_->pool->Submit([this] { Work(); });
  }

  void OnDone() override { delete this; }

 private:
  static constexpr size_t kMaxQueuedChunks = 16;
  static constexpr size_t kMaxBatchChunks = 8;

  void Work() {
    while (true) {
      Registry* registry = backend_->registry.load(std::memory_order_acquire);
      absl::Status status =
          registry == nullptr
              ? Unavailable()
              : registry->ImportBatches(
                    call_,
                    [this](Registry::ImportBatch* chunks) {
                      return NextBatch(chunks);
                    },
                    [this](std::vector<rota::v1::BulkImportResponse> applied) {
                      for (const auto& r : applied) Accumulate(r, &total_);
                    });
      if (!status.ok()) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          finished_ = true;
          worker_running_ = false;
        }
        Finish(ToGrpcStatus(status));
        return;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!queue_.empty()) continue;  // arrived meanwhile, or a run's end
        worker_running_ = false;
        if (!input_done_) return;
        finished_ = true;
      }
      // All chunks applied and the client is done.
      SerializeResponse(total_, response_);
      Finish(grpc::Status::OK);
      return;
    }
  }

  // The next batch of queued chunks (up to kMaxBatchChunks), parsed; false
  // if none is queued. Reading resumes if the full queue had paused it.
  absl::StatusOr<bool> NextBatch(Registry::ImportBatch* chunks) {
    std::vector<grpc::ByteBuffer> batch;
    bool resume_reading = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (!queue_.empty() && batch.size() < kMaxBatchChunks) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (!batch.empty() && read_paused_ && !input_done_) {
        read_paused_ = false;
        resume_reading = true;
      }
    }
    if (resume_reading) StartRead(&buffer_);
    if (batch.empty()) return false;
    for (size_t i = 0; i < batch.size(); ++i) {
      rota::v1::BulkImportRequest& chunk = *chunks->Add();
      // A chunk refused here is refused after the caller's access to the
      // county it names (ImportBatches checks that before the rest).
      auto refuse = [&](absl::Status status) -> absl::Status {
        ROTA_RETURN_IF_ERROR(CheckCountyAccessIfNamed(
            call_, CountyOfRequest(chunk.GetDescriptor(), Flatten(batch[i]))));
        return status;
      };
      if (!ParseFromBuffer(&batch[i], &chunk)) {
        chunk.Clear();
        rota::v1::BulkImportResponse rejected;
        absl::Status lenient =
            ParseChunkLeniently(Flatten(batch[i]), &chunk, &rejected);
        if (!lenient.ok()) return refuse(lenient);
        Accumulate(rejected, &total_);
      }
      if (parent_.empty()) parent_ = chunk.parent();
      if (chunk.parent() != parent_) {
        return refuse(InvalidField(
            "parent", "must be the same on every chunk of an import"));
      }
    }
    return true;
  }

  Backend* backend_;
  CallContext call_;
  grpc::ByteBuffer* response_;
  grpc::ByteBuffer buffer_;  // the chunk being read (one read at a time)
  std::mutex mu_;
  std::deque<grpc::ByteBuffer> queue_;  // read, not yet applied
  bool input_done_ = false;             // the client half-closed
  bool read_paused_ = false;            // queue full: no read outstanding
  bool worker_running_ = false;
  bool finished_ = false;
  // Touched only by the (single) running worker.
  std::string parent_;
  rota::v1::BulkImportResponse total_;
};

class RegistryGrpc final : public RegistryWithRecruitmentBase {
 public:
  static constexpr char kService[] = "rota.v1.RegistryService";
  explicit RegistryGrpc(Backend* backend) : backend_(backend) {}

  ROTA_REGISTRY_METHOD(CreateCounty, CreateCountyRequest, County, Mode::kPool)
  ROTA_REGISTRY_METHOD(GetCounty, GetCountyRequest, County, Mode::kInline)
  ROTA_REGISTRY_METHOD(UpdateCounty, UpdateCountyRequest, County, Mode::kPool)
  ROTA_REGISTRY_METHOD(DeleteCounty, DeleteCountyRequest, DeleteResponse,
                       Mode::kPool)
  ROTA_REGISTRY_METHOD(ListCounties, ListCountiesRequest, ListCountiesResponse,
                       Mode::kInline)
  ROTA_REGISTRY_METHOD(CreateSchool, CreateSchoolRequest, School, Mode::kPool)
  ROTA_REGISTRY_METHOD(GetSchool, GetSchoolRequest, School, Mode::kInline)
  ROTA_REGISTRY_METHOD(UpdateSchool, UpdateSchoolRequest, School, Mode::kPool)
  ROTA_REGISTRY_METHOD(DeleteSchool, DeleteSchoolRequest, DeleteResponse,
                       Mode::kPool)
  ROTA_REGISTRY_METHOD(ListSchools, ListSchoolsRequest, ListSchoolsResponse,
                       Mode::kInline)
  ROTA_REGISTRY_METHOD(CreatePost, CreatePostRequest, Post, Mode::kPool)
  ROTA_REGISTRY_METHOD(GetPost, GetPostRequest, Post, Mode::kInline)
  ROTA_REGISTRY_METHOD(UpdatePost, UpdatePostRequest, Post, Mode::kPool)
  ROTA_REGISTRY_METHOD(DeletePost, DeletePostRequest, DeleteResponse,
                       Mode::kPool)
  ROTA_REGISTRY_METHOD(ListPosts, ListPostsRequest, ListPostsResponse,
                       Mode::kInline)
  ROTA_REGISTRY_METHOD(CreateTeacher, CreateTeacherRequest, Teacher,
                       Mode::kPool)
  ROTA_REGISTRY_METHOD(GetTeacher, GetTeacherRequest, Teacher, Mode::kInline)
  ROTA_REGISTRY_METHOD(UpdateTeacher, UpdateTeacherRequest, Teacher,
                       Mode::kPool)
  ROTA_REGISTRY_METHOD(DeleteTeacher, DeleteTeacherRequest, DeleteResponse,
                       Mode::kPool)
  ROTA_REGISTRY_METHOD(ListTeachers, ListTeachersRequest, ListTeachersResponse,
                       Mode::kInline)
  // A summary scans the whole county: keep it off gRPC's threads.
  ROTA_REGISTRY_METHOD(GetCountySummary, GetCountySummaryRequest, CountySummary,
                       Mode::kLongRead)
  ROTA_REGISTRY_METHOD(CreatePeriodRequirement, CreatePeriodRequirementRequest,
                       PeriodRequirement, Mode::kPool)
  ROTA_REGISTRY_METHOD(ListPeriodRequirements, ListPeriodRequirementsRequest,
                       ListPeriodRequirementsResponse, Mode::kInline)
  ROTA_REGISTRY_METHOD(DeletePeriodRequirement, DeletePeriodRequirementRequest,
                       DeleteResponse, Mode::kPool)
  ROTA_REGISTRY_METHOD(CreateRoadDistance, CreateRoadDistanceRequest,
                       RoadDistance, Mode::kPool)
  ROTA_REGISTRY_METHOD(ListRoadDistances, ListRoadDistancesRequest,
                       ListRoadDistancesResponse, Mode::kInline)
  ROTA_REGISTRY_METHOD(DeleteRoadDistance, DeleteRoadDistanceRequest,
                       DeleteResponse, Mode::kPool)
  // Recruitment applicants and posts.
  ROTA_REGISTRY_METHOD(CreateApplicant, CreateApplicantRequest, Applicant,
                       Mode::kPool)
  ROTA_REGISTRY_METHOD(GetApplicant, GetApplicantRequest, Applicant,
                       Mode::kInline)
  ROTA_REGISTRY_METHOD(ListApplicants, ListApplicantsRequest,
                       ListApplicantsResponse, Mode::kInline)
  ROTA_REGISTRY_METHOD(DeleteApplicant, DeleteApplicantRequest, DeleteResponse,
                       Mode::kPool)
  ROTA_REGISTRY_METHOD(CreateRecruitmentPost, CreateRecruitmentPostRequest,
                       RecruitmentPost, Mode::kPool)
  ROTA_REGISTRY_METHOD(GetRecruitmentPost, GetRecruitmentPostRequest,
                       RecruitmentPost, Mode::kInline)
  ROTA_REGISTRY_METHOD(ListRecruitmentPosts, ListRecruitmentPostsRequest,
                       ListRecruitmentPostsResponse, Mode::kInline)
  ROTA_REGISTRY_METHOD(DeleteRecruitmentPost, DeleteRecruitmentPostRequest,
                       DeleteResponse, Mode::kPool)

  grpc::ServerReadReactor<grpc::ByteBuffer>* BulkImport(
      grpc::CallbackServerContext* ctx, grpc::ByteBuffer* response) override {
    return new ImportReactor(backend_, ctx, response);
  }

 private:
  Backend* backend_;
};

#undef ROTA_REGISTRY_METHOD

using AuditBase = Compose<
    rota::v1::AuditService::Service,
    rota::v1::AuditService::WithRawCallbackMethod_VerifyChain,
    rota::v1::AuditService::WithRawCallbackMethod_ListEvents,
    rota::v1::AuditService::WithRawCallbackMethod_GetTeacherAsOf,
    rota::v1::AuditService::WithRawCallbackMethod_ListTeacherHistory>::type;

// A unary method of a service whose logic object is `backend->field`.
#define ROTA_UNARY_METHOD(field, Method, Req, Resp, mode)                \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx,     \
                                   const grpc::ByteBuffer* in,           \
                                   grpc::ByteBuffer* out) override {     \
    return Serve<rota::v1::Req, rota::v1::Resp>(                         \
        backend_, ctx, in, out, mode, kService, #Method,                 \
        [](Backend* b, const CallContext& call,                          \
           const rota::v1::Req& req) -> absl::StatusOr<rota::v1::Resp> { \
          auto* impl = b->field.load(std::memory_order_acquire);         \
          if (impl == nullptr) return Unavailable();                     \
          return impl->Method(call, req);                                \
        });                                                              \
  }

class AuditGrpc final : public AuditBase {
 public:
  static constexpr char kService[] = "rota.v1.AuditService";
  explicit AuditGrpc(Backend* backend) : backend_(backend) {}

  grpc::ServerUnaryReactor* VerifyChain(grpc::CallbackServerContext* ctx,
                                        const grpc::ByteBuffer* in,
                                        grpc::ByteBuffer* out) override {
    return Serve<rota::v1::VerifyChainRequest, rota::v1::VerifyChainResponse>(
        backend_, ctx, in, out, Mode::kLongRead, kService, "VerifyChain",
        [](Backend* b, const CallContext& call,
           const rota::v1::VerifyChainRequest& req)
            -> absl::StatusOr<rota::v1::VerifyChainResponse> {
          Audit* a = b->audit.load(std::memory_order_acquire);
          if (a == nullptr) return Unavailable();
          return a->VerifyChain(call, req);
        });
  }
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* ctx,
                                       const grpc::ByteBuffer* in,
                                       grpc::ByteBuffer* out) override {
    return Serve<rota::v1::ListEventsRequest, rota::v1::ListEventsResponse>(
        backend_, ctx, in, out, Mode::kLongRead, kService, "ListEvents",
        [](Backend* b, const CallContext& call,
           const rota::v1::ListEventsRequest& req)
            -> absl::StatusOr<rota::v1::ListEventsResponse> {
          Audit* a = b->audit.load(std::memory_order_acquire);
          if (a == nullptr) return Unavailable();
          return a->ListEvents(call, req);
        });
  }
  // Walks the county's log: off gRPC's threads.
  ROTA_UNARY_METHOD(audit, GetTeacherAsOf, GetTeacherAsOfRequest, TeacherAsOf,
                    Mode::kLongRead)
  ROTA_UNARY_METHOD(audit, ListTeacherHistory, ListTeacherHistoryRequest,
                    TeacherHistory, Mode::kLongRead)

 private:
  Backend* backend_;
};

using PolicyBase = Compose<
    rota::v1::PolicyService::Service,
    rota::v1::PolicyService::WithRawCallbackMethod_SetPolicy,
    rota::v1::PolicyService::WithRawCallbackMethod_GetPolicy,
    rota::v1::PolicyService::WithRawCallbackMethod_ValidatePolicy>::type;

class PolicyGrpc final : public PolicyBase {
 public:
  static constexpr char kService[] = "rota.v1.PolicyService";
  explicit PolicyGrpc(Backend* backend) : backend_(backend) {}
  ROTA_UNARY_METHOD(policies, SetPolicy, SetPolicyRequest, Policy, Mode::kPool)
  ROTA_UNARY_METHOD(policies, GetPolicy, GetPolicyRequest, Policy,
                    Mode::kInline)
  ROTA_UNARY_METHOD(policies, ValidatePolicy, ValidatePolicyRequest, Policy,
                    Mode::kInline)

 private:
  Backend* backend_;
};

// One SubmitApplications stream: each chunk is applied on the worker pool
// before the next is read; the response sums the chunks.
class SubmitReactor : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  SubmitReactor(Backend* backend, grpc::CallbackServerContext* ctx,
                grpc::ByteBuffer* response)
      : backend_(backend), response_(response) {
    absl::StatusOr<CallContext> call = Authenticate(
        backend, ctx, "rota.v1.RoundService", "SubmitApplications");
    if (!call.ok()) {
      Finish(ToGrpcStatus(call.status()));
      return;
    }
    call_ = *std::move(call);
    StartRead(&chunk_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      SerializeResponse(total_, response_);
      Finish(grpc::Status::OK);
      return;
    }
    backend_->pool->Submit([this] {
      absl::Status status = ApplyChunk();
      if (!status.ok()) {
        Finish(ToGrpcStatus(status));
      } else {
        StartRead(&chunk_);
      }
    });
  }

  void OnDone() override { delete this; }

 private:
  absl::Status ApplyChunk() {
    Rounds* rounds = backend_->rounds.load(std::memory_order_acquire);
    if (rounds == nullptr) return Unavailable();
    rota::v1::SubmitApplicationsRequest request;
    ROTA_RETURN_IF_ERROR(ParseRequest(chunk_, call_, &request));
    chunk_.Clear();
    if (round_.empty()) {
      round_ = request.round();
    } else if (request.round() != round_) {
      if (std::optional<ChildName> n =
              ParseChildName(request.round(), "rounds"))
        ROTA_RETURN_IF_ERROR(CheckCountyAccess(call_, n->county));
      return InvalidField("round",
                          "must be the same on every chunk of a submission");
    }
    ROTA_ASSIGN_OR_RETURN(rota::v1::SubmitApplicationsResponse applied,
                          rounds->SubmitChunk(call_, request));
    total_.set_rows_received(total_.rows_received() + applied.rows_received());
    total_.set_rows_applied(total_.rows_applied() + applied.rows_applied());
    total_.set_rows_rejected(total_.rows_rejected() + applied.rows_rejected());
    for (const auto& e : applied.errors()) {
      if (total_.errors_size() >= kMaxReportedRowErrors) break;
      *total_.add_errors() = e;
    }
    return absl::OkStatus();
  }

  Backend* backend_;
  CallContext call_;
  grpc::ByteBuffer* response_;
  grpc::ByteBuffer chunk_;
  std::string round_;
  rota::v1::SubmitApplicationsResponse total_;
};

// One RunRound call: the run happens on the worker pool; progress messages
// are queued and written one at a time; the last message carries the run.
class RunReactor : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  RunReactor(Backend* backend, grpc::CallbackServerContext* ctx,
             const grpc::ByteBuffer* in) {
    absl::StatusOr<CallContext> call =
        Authenticate(backend, ctx, "rota.v1.RoundService", "RunRound");
    if (!call.ok()) {
      Finish(ToGrpcStatus(call.status()));
      return;
    }
    call_ = *std::move(call);
    absl::Status parsed = ParseRequest(*in, call_, &request_);
    if (!parsed.ok()) {
      Finish(ToGrpcStatus(parsed));
      return;
    }
    backend->pool->Submit([this, backend] {
      Rounds* rounds = backend->rounds.load(std::memory_order_acquire);
      absl::StatusOr<rota::v1::RunSummary> run =
          rounds == nullptr
              ? absl::StatusOr<rota::v1::RunSummary>(Unavailable())
              : rounds->RunRound(call_, request_,
                                 [this](const std::string& phase, int64_t done,
                                        int64_t total) {
                                   rota::v1::RunRoundProgress p;
                                   p.set_phase(phase);
                                   p.set_done(done);
                                   p.set_total(total);
                                   Enqueue(p);
                                 });
      if (run.ok()) {
        rota::v1::RunRoundProgress last;
        last.set_phase("done");
        last.set_done(1);
        last.set_total(1);
        *last.mutable_run() = *run;
        Enqueue(last);
      }
      Done(run.status());
    });
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.pop_front();
    if (!ok) {
      broken_ = true;
      queue_.clear();
    }
    if (!queue_.empty()) {
      StartWrite(&queue_.front());
      return;
    }
    writing_ = false;
    if (done_ && !finished_) {
      finished_ = true;
      Finish(final_status_);
    }
  }

  void OnDone() override { delete this; }

 private:
  void Enqueue(const rota::v1::RunRoundProgress& message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (broken_) return;
    grpc::ByteBuffer buffer;
    SerializeResponse(message, &buffer);
    queue_.push_back(std::move(buffer));
    if (!writing_) {
      writing_ = true;
      StartWrite(&queue_.front());
    }
  }

  void Done(const absl::Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    final_status_ = ToGrpcStatus(status);
    if (!writing_ && !finished_) {
      finished_ = true;
      Finish(final_status_);
    }
  }

  CallContext call_;
  rota::v1::RunRoundRequest request_;
  std::mutex mu_;
  std::deque<grpc::ByteBuffer> queue_;  // front = being written
  bool writing_ = false;
  bool broken_ = false;
  bool done_ = false;
  bool finished_ = false;
  grpc::Status final_status_;
};

using RoundBase =
    Compose<rota::v1::RoundService::Service,
            rota::v1::RoundService::WithRawCallbackMethod_CreateRound,
            rota::v1::RoundService::WithRawCallbackMethod_GetRound,
            rota::v1::RoundService::WithRawCallbackMethod_ListRounds,
            rota::v1::RoundService::WithRawCallbackMethod_SubmitApplications,
            rota::v1::RoundService::WithRawCallbackMethod_FreezeRound,
            rota::v1::RoundService::WithRawCallbackMethod_ListEligibility,
            rota::v1::RoundService::WithRawCallbackMethod_RunRound,
            rota::v1::RoundService::WithRawCallbackMethod_ListPlacements,
            rota::v1::RoundService::WithRawCallbackMethod_ExplainPlacement,
            rota::v1::RoundService::WithRawCallbackMethod_LockPlacement,
            rota::v1::RoundService::WithRawCallbackMethod_OverridePlacement,
            rota::v1::RoundService::WithRawCallbackMethod_GetRoundReport,
            rota::v1::RoundService::WithRawCallbackMethod_CommitRound,
            rota::v1::RoundService::WithRawCallbackMethod_CancelRound,
            rota::v1::RoundService::WithRawCallbackMethod_ReplayRound,
            rota::v1::RoundService::WithRawCallbackMethod_ReverseRound>::type;

class RoundGrpc final : public RoundBase {
 public:
  static constexpr char kService[] = "rota.v1.RoundService";
  explicit RoundGrpc(Backend* backend) : backend_(backend) {}
  ROTA_UNARY_METHOD(rounds, CreateRound, CreateRoundRequest, Round, Mode::kPool)
  ROTA_UNARY_METHOD(rounds, GetRound, GetRoundRequest, Round, Mode::kInline)
  ROTA_UNARY_METHOD(rounds, ListRounds, ListRoundsRequest, ListRoundsResponse,
                    Mode::kInline)
  ROTA_UNARY_METHOD(rounds, FreezeRound, FreezeRoundRequest, Round, Mode::kPool)
  ROTA_UNARY_METHOD(rounds, ListEligibility, ListEligibilityRequest,
                    ListEligibilityResponse, Mode::kInline)
  ROTA_UNARY_METHOD(rounds, ListPlacements, ListPlacementsRequest,
                    ListPlacementsResponse, Mode::kInline)
  ROTA_UNARY_METHOD(rounds, ExplainPlacement, ExplainPlacementRequest,
                    Explanation, Mode::kInline)
  ROTA_UNARY_METHOD(rounds, LockPlacement, LockPlacementRequest, Placement,
                    Mode::kPool)
  ROTA_UNARY_METHOD(rounds, OverridePlacement, OverridePlacementRequest,
                    Placement, Mode::kPool)
  ROTA_UNARY_METHOD(rounds, GetRoundReport, GetRoundReportRequest, RoundReport,
                    Mode::kInline)
  ROTA_UNARY_METHOD(rounds, CommitRound, CommitRoundRequest, Round, Mode::kPool)
  ROTA_UNARY_METHOD(rounds, CancelRound, CancelRoundRequest, Round, Mode::kPool)
  ROTA_UNARY_METHOD(rounds, ReverseRound, ReverseRoundRequest, Round,
                    Mode::kPool)
  // A replay recomputes the run: off gRPC's threads.
  ROTA_UNARY_METHOD(rounds, ReplayRound, ReplayRoundRequest,
                    ReplayRoundResponse, Mode::kLongRead)

  grpc::ServerReadReactor<grpc::ByteBuffer>* SubmitApplications(
      grpc::CallbackServerContext* ctx, grpc::ByteBuffer* response) override {
    return new SubmitReactor(backend_, ctx, response);
  }
  grpc::ServerWriteReactor<grpc::ByteBuffer>* RunRound(
      grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* in) override {
    return new RunReactor(backend_, ctx, in);
  }

 private:
  Backend* backend_;
};

#undef ROTA_UNARY_METHOD

}  // namespace

struct RotaServer::Impl {
  Backend backend;
  std::unique_ptr<WorkerPool> pool;
  std::unique_ptr<WorkerPool> long_reads;
  std::unique_ptr<RegistryGrpc> registry_grpc;
  std::unique_ptr<AuditGrpc> audit_grpc;
  std::unique_ptr<PolicyGrpc> policy_grpc;
  std::unique_ptr<RoundGrpc> round_grpc;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<storage::EventStore> store;
  std::unique_ptr<Registry> registry;
  std::unique_ptr<Audit> audit;
  std::unique_ptr<Policies> policies;
  std::unique_ptr<Rounds> rounds;
  bool shut_down = false;
};

absl::StatusOr<std::unique_ptr<RotaServer>> RotaServer::Start(
    const ServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->pool = std::make_unique<WorkerPool>(std::max(1, options.write_threads));
  impl->backend.pool = impl->pool.get();
  impl->long_reads = std::make_unique<WorkerPool>(
      std::max(1, options.limits.long_read_threads));
  impl->backend.long_reads = impl->long_reads.get();
  impl->backend.max_queued_long_reads =
      static_cast<size_t>(std::max(0, options.limits.max_queued_long_reads));
  impl->registry_grpc = std::make_unique<RegistryGrpc>(&impl->backend);
  impl->audit_grpc = std::make_unique<AuditGrpc>(&impl->backend);
  impl->policy_grpc = std::make_unique<PolicyGrpc>(&impl->backend);
  impl->round_grpc = std::make_unique<RoundGrpc>(&impl->backend);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  impl->backend.access =
      options.access != nullptr ? options.access : AccessControl::Local();
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::InsecureServerCredentials();
  if (!options.tls_cert_pem.empty()) {
    grpc::SslServerCredentialsOptions ssl(
        options.tls_client_ca_pem.empty()
            ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
            : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_root_certs = options.tls_client_ca_pem;
    ssl.pem_key_cert_pairs.push_back(
        {options.tls_key_pem, options.tls_cert_pem});
    credentials = grpc::SslServerCredentials(ssl);
  }
  int port = 0;
  builder.AddListeningPort(options.listen, credentials, &port);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  ApplyServerLimits(options.limits, builder);
  builder.RegisterService(impl->registry_grpc.get());
  builder.RegisterService(impl->audit_grpc.get());
  builder.RegisterService(impl->policy_grpc.get());
  builder.RegisterService(impl->round_grpc.get());
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen));
  }
  // Not serving until the store is attached.
  impl->server->GetHealthCheckService()->SetServingStatus(false);

  std::unique_ptr<RotaServer> server(new RotaServer(std::move(impl)));
  server->port_ = port;
  std::string host = options.listen.substr(0, options.listen.rfind(':'));
  server->address_ = absl::StrCat(host, ":", port);
  return server;
}

RotaServer::RotaServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RotaServer::~RotaServer() { Shutdown(absl::ZeroDuration()); }

void RotaServer::AttachStore(std::unique_ptr<storage::EventStore> store) {
  impl_->store = std::move(store);
  impl_->registry = std::make_unique<Registry>(impl_->store.get());
  impl_->audit = std::make_unique<Audit>(impl_->store.get());
  Registry* registry = impl_->registry.get();
  CountyMutexFn county_mutex = [registry](const std::string& county) {
    return registry->CountyMutex(county);
  };
  impl_->policies =
      std::make_unique<Policies>(impl_->store.get(), county_mutex);
  impl_->rounds = std::make_unique<Rounds>(impl_->store.get(), county_mutex);
  impl_->backend.policies.store(impl_->policies.get(),
                                std::memory_order_release);
  impl_->backend.rounds.store(impl_->rounds.get(), std::memory_order_release);
  impl_->backend.registry.store(impl_->registry.get(),
                                std::memory_order_release);
  impl_->backend.audit.store(impl_->audit.get(), std::memory_order_release);
  impl_->server->GetHealthCheckService()->SetServingStatus(true);
}

void RotaServer::Shutdown(absl::Duration drain) {
  if (impl_ == nullptr || impl_->shut_down) return;
  impl_->shut_down = true;
  impl_->server->GetHealthCheckService()->SetServingStatus(false);
  impl_->server->Shutdown(absl::ToChronoTime(absl::Now() + drain));
  impl_->pool->Stop();
  impl_->long_reads->Stop();
  impl_->server->Wait();
  impl_->backend.registry.store(nullptr);
  impl_->backend.audit.store(nullptr);
  impl_->backend.policies.store(nullptr);
  impl_->backend.rounds.store(nullptr);
  impl_->rounds.reset();
  impl_->policies.reset();
  impl_->registry.reset();
  impl_->audit.reset();
  impl_->store.reset();  // closes RocksDB
}

}  // namespace rota::service
