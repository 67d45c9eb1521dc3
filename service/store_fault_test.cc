// Every service path under storage faults: the real RotaServer in process on
// a FaultInjectingEventStore over RocksDB (port 0). Each write (registry
// writes, import, policy, round create/freeze/run/commit) is first refused
// while every append fails with "no space left" (RESOURCE_EXHAUSTED), then
// retried while the 1st, 2nd, ... store call of any kind fails with an I/O
// error (UNAVAILABLE) until it passes. Every refusal must carry a message and
// leave the stored state byte for byte as it was; at the end the log verifies,
// the projections rebuild from it, and the state after a restart is exactly
// the acknowledged one. Reads (registry, round reports, audit) are swept the
// same way and keep answering while appends fail.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rota/v1/audit.grpc.pb.h"
#include "rota/v1/policy.grpc.pb.h"
#include "rota/v1/registry.grpc.pb.h"
#include "rota/v1/rounds.grpc.pb.h"
#include "service/grpc_server.h"
#include "service/projection.h"
#include "service/storage/fault_injecting_event_store.h"
#include "service/storage/faulty_file_system.h"
#include "service/storage/projection_check.h"
#include "service/storage/recovering_event_store.h"
#include "service/storage/rocksdb_event_store.h"

namespace rota::service {
namespace {

namespace v1 = rota::v1;
using storage::FaultKind;
using storage::FaultOp;

constexpr char kCounty[] = "yongan";
constexpr char kParent[] = "counties/yongan";

// Every county's head and projections, as stored.
using Fingerprint = std::map<std::string, std::string>;

Fingerprint StoredState(const storage::EventStore& store) {
  Fingerprint out;
  auto counties = store.ListCounties();
  EXPECT_TRUE(counties.ok()) << counties.status();
  if (!counties.ok()) return out;
  for (const std::string& county : *counties) {
    auto snapshot = store.GetSnapshot(county);
    EXPECT_TRUE(snapshot.ok()) << snapshot.status();
    if (!snapshot.ok()) continue;
    out[county + "|head"] = absl::StrCat((*snapshot)->head_sequence());
    auto all = (*snapshot)->Scan("", "", 1 << 30);
    EXPECT_TRUE(all.ok()) << all.status();
    if (!all.ok()) continue;
    for (auto& [k, v] : *all) out[county + "|" + k] = std::move(v);
  }
  return out;
}

v1::Teacher MakeTeacher(const std::string& school, const std::string& join) {
  v1::Teacher t;
  t.set_display_name("Teacher");
  t.set_gender(v1::FEMALE);
  t.set_birth_date("1982-03-04");
  t.set_career_start_date("2004-09-01");
  t.set_school(absl::StrCat(kParent, "/schools/", school));
  t.set_school_join_date(join);
  t.add_subjects("math");
  t.add_certificate_stages(v1::PRIMARY);
  t.set_title(v1::INTERMEDIATE_TITLE);
  t.set_role(v1::TEACHER);
  t.set_backbone_level(v1::NOT_BACKBONE);
  t.set_employment(v1::ESTABLISHED);
  return t;
}

class StoreFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat(
               "rota_store_fault_", ::getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto real = storage::RocksDbEventStore::Open({.path = dir_.string()});
    ASSERT_TRUE(real.ok()) << real.status();
    auto faulty =
        std::make_unique<storage::FaultInjectingEventStore>(std::move(*real));
    store_ = faulty.get();
    auto server =
        RotaServer::Start({.listen = "127.0.0.1:0", .write_threads = 4});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    server_->AttachStore(std::move(faulty));
    auto channel = grpc::CreateChannel(server_->address(),
                                       grpc::InsecureChannelCredentials());
    registry_ = v1::RegistryService::NewStub(channel);
    audit_ = v1::AuditService::NewStub(channel);
    policy_ = v1::PolicyService::NewStub(channel);
    rounds_ = v1::RoundService::NewStub(channel);
  }
  void TearDown() override {
    StopServer();
    std::filesystem::remove_all(dir_);
  }
  void StopServer() {
    if (server_) server_->Shutdown(absl::Seconds(5));
    server_.reset();
    store_ = nullptr;
  }

  // A write under faults: refused with RESOURCE_EXHAUSTED while appends have
  // no space, then failed once at every store call it makes (UNAVAILABLE)
  // until it passes. Every refusal changes nothing. Returns the final status.
  grpc::Status WriteUnderFaults(const std::string& what,
                                const std::function<grpc::Status()>& call) {
    Fingerprint before = StoredState(store_->base());
    store_->FailAll(FaultOp::kAppend, FaultKind::kNoSpace);
    grpc::Status full = call();
    store_->Clear();
    EXPECT_EQ(full.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << what << " with the disk full: " << full.error_message();
    EXPECT_NE(full.error_message().find("No space"), std::string::npos)
        << what << ": " << full.error_message();
    EXPECT_EQ(StoredState(store_->base()), before)
        << what << " changed the store although it was refused";
    for (int n = 1; n <= 200; ++n) {
      int64_t injected = store_->injected();
      store_->FailNthOfAny(n, FaultKind::kIoError);
      grpc::Status s = call();
      store_->Clear();
      if (store_->injected() == injected) {
        EXPECT_TRUE(s.ok())
            << what << " without a fault: " << s.error_message();
        return s;
      }
      if (s.ok()) return s;  // a failed read the call could do without
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE)
          << what << " with store call " << n
          << " failing: " << s.error_message();
      EXPECT_FALSE(s.error_message().empty()) << what;
      EXPECT_EQ(StoredState(store_->base()), before)
          << what << " changed the store although call " << n << " was refused";
    }
    ADD_FAILURE() << what << " never passed";
    return grpc::Status(grpc::StatusCode::INTERNAL, "never passed");
  }

  // A read under faults: answers while appends fail; with its Nth store call
  // failing it answers UNAVAILABLE with a message; nothing changes.
  void ReadUnderFaults(const std::string& what,
                       const std::function<grpc::Status()>& call) {
    Fingerprint before = StoredState(store_->base());
    store_->FailAll(FaultOp::kAppend, FaultKind::kNoSpace);
    grpc::Status full = call();
    store_->Clear();
    EXPECT_TRUE(full.ok()) << what
                           << " with the disk full: " << full.error_message();
    for (int n = 1; n <= 200; ++n) {
      int64_t injected = store_->injected();
      store_->FailNthOfAny(n, FaultKind::kIoError);
      grpc::Status s = call();
      store_->Clear();
      if (store_->injected() == injected) {
        EXPECT_TRUE(s.ok()) << what << ": " << s.error_message();
        break;
      }
      if (s.ok()) continue;
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE)
          << what << " with store call " << n
          << " failing: " << s.error_message();
      EXPECT_FALSE(s.error_message().empty()) << what;
    }
    EXPECT_EQ(StoredState(store_->base()), before)
        << what << " changed the store";
  }

  template <typename Req, typename Resp, typename Method>
  std::function<grpc::Status()> Unary(Method method, Req req,
                                      Resp* out = nullptr) {
    return [method, req, out] {
      grpc::ClientContext ctx;
      Resp resp;
      grpc::Status s = method(&ctx, req, &resp);
      if (s.ok() && out != nullptr) *out = resp;
      return s;
    };
  }

  std::filesystem::path dir_;
  std::unique_ptr<RotaServer> server_;
  storage::FaultInjectingEventStore* store_ = nullptr;  // owned by server_
  std::unique_ptr<v1::RegistryService::Stub> registry_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::unique_ptr<v1::PolicyService::Stub> policy_;
  std::unique_ptr<v1::RoundService::Stub> rounds_;
};

#define ROTA_BIND(stub, Method)                            \
  [this](grpc::ClientContext* c, const auto& r, auto* o) { \
    return stub->Method(c, r, o);                          \
  }

TEST_F(StoreFaultTest,
       EveryPathAnswersClearlyAndKeepsExactlyWhatItAcknowledged) {
  std::vector<std::string> acknowledged;
  auto write = [&](const std::string& what, std::function<grpc::Status()> f) {
    grpc::Status s = WriteUnderFaults(what, f);
    ASSERT_TRUE(s.ok()) << what << ": " << s.error_message();
    acknowledged.push_back(what);
  };

  {
    v1::CreateCountyRequest req;
    req.set_county_id(kCounty);
    req.mutable_county()->set_display_name("永安市");
    req.set_request_id("county-1");
    write("CreateCounty", Unary<v1::CreateCountyRequest, v1::County>(
                              ROTA_BIND(registry_, CreateCounty), req));
  }
  for (auto [id, locality, weak] : {std::tuple{"u1", v1::URBAN, false},
                                    std::tuple{"r1", v1::RURAL, true}}) {
    v1::CreateSchoolRequest req;
    req.set_parent(kParent);
    req.set_school_id(id);
    req.set_request_id(absl::StrCat("school-", id));
    v1::School& s = *req.mutable_school();
    s.set_display_name(absl::StrCat("School ", id));
    s.add_stages(v1::PRIMARY);
    s.set_locality(locality);
    s.set_weak(weak);
    s.set_headcount(8);
    s.mutable_location()->set_latitude(25.9);
    s.mutable_location()->set_longitude(117.3);
    write(absl::StrCat("CreateSchool ", id),
          Unary<v1::CreateSchoolRequest, v1::School>(
              ROTA_BIND(registry_, CreateSchool), req));
  }
  {
    v1::CreatePostRequest req;
    req.set_parent(kParent);
    req.set_post_id("u1-math");
    req.set_request_id("post-1");
    req.mutable_post()->set_school(absl::StrCat(kParent, "/schools/u1"));
    req.mutable_post()->set_subject("math");
    req.mutable_post()->set_title_band(v1::INTERMEDIATE_TITLE);
    req.mutable_post()->set_count(8);
    write("CreatePost", Unary<v1::CreatePostRequest, v1::Post>(
                            ROTA_BIND(registry_, CreatePost), req));
  }
  {
    v1::BulkImportRequest chunk;
    chunk.set_parent(kParent);
    chunk.set_request_id("import-1");
    for (int i = 1; i <= 6; ++i) {
      auto* row = chunk.add_teachers();
      row->set_row(i);
      *row->mutable_teacher() = MakeTeacher("u1", "2012-09-01");
      row->mutable_teacher()->set_name(
          absl::StrCat(kParent, "/teachers/t0", i));
    }
    write("BulkImport", [this, chunk] {
      grpc::ClientContext ctx;
      v1::BulkImportResponse resp;
      auto writer = registry_->BulkImport(&ctx, &resp);
      writer->Write(chunk);
      writer->WritesDone();
      grpc::Status s = writer->Finish();
      if (s.ok() && resp.rows_applied() != 6) {
        return grpc::Status(grpc::StatusCode::INTERNAL,
                            absl::StrCat("applied ", resp.rows_applied()));
      }
      return s;
    });
  }
  for (const char* id : {"t07", "t99"}) {
    v1::CreateTeacherRequest req;
    req.set_parent(kParent);
    req.set_teacher_id(id);
    req.set_request_id(absl::StrCat("teacher-", id));
    *req.mutable_teacher() = MakeTeacher("r1", "2019-09-01");
    write(absl::StrCat("CreateTeacher ", id),
          Unary<v1::CreateTeacherRequest, v1::Teacher>(
              ROTA_BIND(registry_, CreateTeacher), req));
  }
  {
    v1::UpdateTeacherRequest req;
    req.mutable_teacher()->set_name(absl::StrCat(kParent, "/teachers/t07"));
    req.mutable_teacher()->set_display_name("王芳");
    req.mutable_update_mask()->add_paths("display_name");
    req.set_request_id("update-t07");
    write("UpdateTeacher", Unary<v1::UpdateTeacherRequest, v1::Teacher>(
                               ROTA_BIND(registry_, UpdateTeacher), req));
  }
  {
    v1::DeleteTeacherRequest req;
    req.set_name(absl::StrCat(kParent, "/teachers/t99"));
    req.set_request_id("delete-t99");
    write("DeleteTeacher", Unary<v1::DeleteTeacherRequest, v1::DeleteResponse>(
                               ROTA_BIND(registry_, DeleteTeacher), req));
  }
  {
    v1::SetPolicyRequest req;
    req.set_parent(kParent);
    req.set_request_id("policy-1");
    req.mutable_policy()->set_school_year(2026);
    req.mutable_policy()
        ->mutable_exchange_rotation()
        ->set_rotation_share_percent(30);
    write("SetPolicy", Unary<v1::SetPolicyRequest, v1::Policy>(
                           ROTA_BIND(policy_, SetPolicy), req));
  }
  v1::Round round;
  {
    v1::CreateRoundRequest req;
    req.set_parent(kParent);
    req.set_round_id("rot2026");
    req.set_request_id("round-1");
    req.mutable_round()->set_kind(v1::EXCHANGE_ROTATION);
    req.mutable_round()->set_school_year(2026);
    req.mutable_round()->set_effective_date("2026-09-01");
    write("CreateRound", Unary<v1::CreateRoundRequest, v1::Round>(
                             ROTA_BIND(rounds_, CreateRound), req, &round));
  }
  {
    v1::FreezeRoundRequest req;
    req.set_name(round.name());
    req.set_seed(42);
    req.set_request_id("freeze-1");
    write("FreezeRound", Unary<v1::FreezeRoundRequest, v1::Round>(
                             ROTA_BIND(rounds_, FreezeRound), req));
  }
  v1::RunSummary run;
  {
    v1::RunRoundRequest req;
    req.set_name(round.name());
    req.set_request_id("run-1");
    write("RunRound", [this, req, &run] {
      grpc::ClientContext ctx;
      auto reader = rounds_->RunRound(&ctx, req);
      v1::RunRoundProgress p;
      while (reader->Read(&p)) {
        if (p.has_run()) run = p.run();
      }
      return reader->Finish();
    });
  }
  // Reads, while appends fail and with each of their store calls failing.
  const std::string t01 = absl::StrCat(kParent, "/teachers/t01");
  {
    v1::GetTeacherRequest req;
    req.set_name(t01);
    ReadUnderFaults("GetTeacher", Unary<v1::GetTeacherRequest, v1::Teacher>(
                                      ROTA_BIND(registry_, GetTeacher), req));
  }
  {
    v1::ListTeachersRequest req;
    req.set_parent(kParent);
    req.set_filter("subject = \"math\"");
    ReadUnderFaults("ListTeachers",
                    Unary<v1::ListTeachersRequest, v1::ListTeachersResponse>(
                        ROTA_BIND(registry_, ListTeachers), req));
  }
  {
    v1::GetCountySummaryRequest req;
    req.set_name(kParent);
    ReadUnderFaults("GetCountySummary",
                    Unary<v1::GetCountySummaryRequest, v1::CountySummary>(
                        ROTA_BIND(registry_, GetCountySummary), req));
  }
  {
    v1::ListPlacementsRequest req;
    req.set_name(round.name());
    ReadUnderFaults(
        "ListPlacements",
        Unary<v1::ListPlacementsRequest, v1::ListPlacementsResponse>(
            ROTA_BIND(rounds_, ListPlacements), req));
  }
  {
    v1::GetRoundReportRequest req;
    req.set_name(round.name());
    ReadUnderFaults("GetRoundReport",
                    Unary<v1::GetRoundReportRequest, v1::RoundReport>(
                        ROTA_BIND(rounds_, GetRoundReport), req));
  }
  {
    v1::ReplayRoundRequest req;
    req.set_name(round.name());
    ReadUnderFaults("ReplayRound",
                    Unary<v1::ReplayRoundRequest, v1::ReplayRoundResponse>(
                        ROTA_BIND(rounds_, ReplayRound), req));
  }
  {
    v1::VerifyChainRequest req;
    req.set_county(kParent);
    ReadUnderFaults("VerifyChain",
                    Unary<v1::VerifyChainRequest, v1::VerifyChainResponse>(
                        ROTA_BIND(audit_, VerifyChain), req));
  }
  {
    v1::ListEventsRequest req;
    req.set_county(kParent);
    req.set_page_size(5);
    ReadUnderFaults("ListEvents",
                    Unary<v1::ListEventsRequest, v1::ListEventsResponse>(
                        ROTA_BIND(audit_, ListEvents), req));
  }
  {
    v1::GetTeacherAsOfRequest req;
    req.set_teacher(t01);
    req.set_sequence(12);
    ReadUnderFaults("GetTeacherAsOf",
                    Unary<v1::GetTeacherAsOfRequest, v1::TeacherAsOf>(
                        ROTA_BIND(audit_, GetTeacherAsOf), req));
  }
  {
    v1::ListTeacherHistoryRequest req;
    req.set_teacher(absl::StrCat(kParent, "/teachers/t07"));
    ReadUnderFaults("ListTeacherHistory",
                    Unary<v1::ListTeacherHistoryRequest, v1::TeacherHistory>(
                        ROTA_BIND(audit_, ListTeacherHistory), req));
  }
  {
    v1::CommitRoundRequest req;
    req.set_name(round.name());
    req.set_request_id("commit-1");
    req.set_run_etag(run.etag());
    write("CommitRound", Unary<v1::CommitRoundRequest, v1::Round>(
                             ROTA_BIND(rounds_, CommitRound), req));
  }

  // Every write and read above met several faults.
  EXPECT_GT(store_->injected(), 100);

  // What was acknowledged is exactly what a restart finds, and it verifies.
  Fingerprint served = StoredState(store_->base());
  StopServer();
  auto reopened = storage::RocksDbEventStore::Open({.path = dir_.string()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(StoredState(**reopened), served);
  auto chain = (*reopened)->VerifyChain(kCounty);
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_TRUE(chain->ok) << chain->problem;
  auto report =
      storage::CheckProjections(**reopened, kCounty, RegistryProjector());
  ASSERT_TRUE(report.ok()) << report.status();
  for (const auto& d : report->differences) ADD_FAILURE() << d.ToString();
  EXPECT_EQ(acknowledged.size(), 14u);
}

TEST_F(StoreFaultTest, InjectorFailsTheNthCallAndEveryCallOfAKind) {
  storage::EventStore& s = *store_;
  storage::EventDraft draft{
      .actor = "a", .request_id = "", .type = "t", .payload = "p"};
  store_->FailNth(FaultOp::kAppend, 2, FaultKind::kNoSpace);
  EXPECT_TRUE(s.Append("c", 0, {draft}, {}).ok());
  auto second = s.Append("c", 1, {draft}, {});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(s.Append("c", 1, {draft}, {}).ok());
  store_->FailAll(FaultOp::kRead, FaultKind::kIoError);
  EXPECT_EQ(s.ReadRange("c", 1, 10).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.VerifyChain("c").status().code(), absl::StatusCode::kUnavailable);
  auto snapshot = s.GetSnapshot("c");
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ((*snapshot)->Get("k").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(*s.HeadSequence("c"), 2u);  // cached, never fails
  store_->Clear();
  EXPECT_EQ(s.ReadRange("c", 1, 10)->size(), 2u);
  EXPECT_EQ(store_->injected(), 4);
}

// The real server on the RocksDB store over a disk that fills up: writes
// answer RESOURCE_EXHAUSTED with a sentence, reads keep answering, and writes
// work again by themselves once space returns; a restart on the full disk
// serves reads read-only.
TEST(DiskFullServerTest, RefusesWritesKeepsReadsAndRecoversBySelf) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              absl::StrCat("rota_disk_full_", ::getpid());
  std::filesystem::remove_all(dir);
  auto fs = std::make_shared<storage::FaultyFileSystem>();
  std::atomic<uint64_t> free_bytes{1 << 30};
  storage::RecoveringEventStoreOptions options;
  options.store.path = dir.string();
  options.store.file_system = fs;
  options.retry_interval = absl::Milliseconds(20);
  options.min_free_bytes = 1000;
  options.free_bytes = [&free_bytes]() -> absl::StatusOr<uint64_t> {
    return free_bytes.load();
  };

  auto create_teacher = [](v1::RegistryService::Stub& stub,
                           const std::string& id) {
    grpc::ClientContext ctx;
    v1::CreateTeacherRequest req;
    req.set_parent(kParent);
    req.set_teacher_id(id);
    req.set_request_id("create-" + id);
    *req.mutable_teacher() = MakeTeacher("u1", "2012-09-01");
    v1::Teacher out;
    return stub.CreateTeacher(&ctx, req, &out);
  };
  auto get_teacher = [](v1::RegistryService::Stub& stub,
                        const std::string& id) {
    grpc::ClientContext ctx;
    v1::GetTeacherRequest req;
    req.set_name(absl::StrCat(kParent, "/teachers/", id));
    v1::Teacher out;
    return stub.GetTeacher(&ctx, req, &out);
  };
  auto serve = [&](std::unique_ptr<storage::RecoveringEventStore> store,
                   storage::RecoveringEventStore** raw) {
    *raw = store.get();
    auto server =
        RotaServer::Start({.listen = "127.0.0.1:0", .write_threads = 2});
    EXPECT_TRUE(server.ok()) << server.status();
    (*server)->AttachStore(std::move(store));
    return std::move(*server);
  };

  {
    auto store = storage::RecoveringEventStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    storage::RecoveringEventStore* raw = nullptr;
    auto server = serve(std::move(*store), &raw);
    auto stub = v1::RegistryService::NewStub(grpc::CreateChannel(
        server->address(), grpc::InsecureChannelCredentials()));
    {
      grpc::ClientContext ctx;
      v1::CreateCountyRequest req;
      req.set_county_id(kCounty);
      req.mutable_county()->set_display_name("永安市");
      v1::County out;
      ASSERT_TRUE(stub->CreateCounty(&ctx, req, &out).ok());
    }
    {
      grpc::ClientContext ctx;
      v1::CreateSchoolRequest req;
      req.set_parent(kParent);
      req.set_school_id("u1");
      v1::School& s = *req.mutable_school();
      s.set_display_name("School u1");
      s.add_stages(v1::PRIMARY);
      s.set_locality(v1::URBAN);
      s.set_headcount(8);
      s.mutable_location()->set_latitude(25.9);
      s.mutable_location()->set_longitude(117.3);
      v1::School out;
      ASSERT_TRUE(stub->CreateSchool(&ctx, req, &out).ok());
    }
    ASSERT_TRUE(create_teacher(*stub, "t1").ok());

    fs->SetNoSpace(true);
    free_bytes = 0;
    grpc::Status full = create_teacher(*stub, "t2");
    EXPECT_EQ(full.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << full.error_message();
    EXPECT_NE(full.error_message().find("No space"), std::string::npos)
        << full.error_message();
    EXPECT_EQ(create_teacher(*stub, "t3").error_code(),
              grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_TRUE(get_teacher(*stub, "t1").ok());
    EXPECT_EQ(get_teacher(*stub, "t2").error_code(),
              grpc::StatusCode::NOT_FOUND);

    fs->SetNoSpace(false);
    free_bytes = 1 << 30;
    ASSERT_TRUE(raw->WaitWritable(absl::Seconds(30))) << raw->write_error();
    grpc::Status again = create_teacher(*stub, "t2");
    EXPECT_TRUE(again.ok()) << again.error_message();
    EXPECT_TRUE(get_teacher(*stub, "t2").ok());
    server->Shutdown(absl::Seconds(5));
  }
  // Restart while the disk is full: reads served, writes refused.
  fs->SetNoSpace(true);
  free_bytes = 0;
  {
    auto store = storage::RecoveringEventStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_FALSE((*store)->writable());
    storage::RecoveringEventStore* raw = nullptr;
    auto server = serve(std::move(*store), &raw);
    auto stub = v1::RegistryService::NewStub(grpc::CreateChannel(
        server->address(), grpc::InsecureChannelCredentials()));
    EXPECT_TRUE(get_teacher(*stub, "t2").ok());
    EXPECT_EQ(create_teacher(*stub, "t4").error_code(),
              grpc::StatusCode::RESOURCE_EXHAUSTED);
    fs->SetNoSpace(false);
    free_bytes = 1 << 30;
    ASSERT_TRUE(raw->WaitWritable(absl::Seconds(30))) << raw->write_error();
    EXPECT_TRUE(create_teacher(*stub, "t4").ok());
    server->Shutdown(absl::Seconds(5));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rota::service
