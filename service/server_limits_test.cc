// rotad's limits in process (the real RotaServer on RocksDB, port 0): long
// reads run apart from writes and are bounded; long loops stop when the
// client goes; oversized requests and filters are refused. Calls are held
// inside the store (FaultInjectingEventStore hooks) instead of timed.
#include "service/server_limits.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/cancellation.h"
#include "rota/v1/audit.grpc.pb.h"
#include "rota/v1/registry.grpc.pb.h"
#include "service/grpc_server.h"
#include "service/storage/fault_injecting_event_store.h"
#include "service/storage/rocksdb_event_store.h"

namespace rota::service {
namespace {

namespace v1 = rota::v1;
using storage::FaultOp;

constexpr char kParent[] = "counties/yongan";

// A gate calls wait on until the test opens it.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mu_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  void WaitForWaiters(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return waiting_ >= n; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_ = 0;
  bool open_ = false;
};

class ServerLimitsTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options) {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat(
               "rota_limits_", ::getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto real = storage::RocksDbEventStore::Open({.path = dir_.string()});
    ASSERT_TRUE(real.ok()) << real.status();
    auto faulty =
        std::make_unique<storage::FaultInjectingEventStore>(std::move(*real));
    store_ = faulty.get();
    options.listen = "127.0.0.1:0";
    auto server = RotaServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    server_->AttachStore(std::move(faulty));
    auto channel = grpc::CreateChannel(server_->address(),
                                       grpc::InsecureChannelCredentials());
    registry_ = v1::RegistryService::NewStub(channel);
    audit_ = v1::AuditService::NewStub(channel);
    grpc::ClientContext ctx;
    v1::CreateCountyRequest req;
    req.set_county_id("yongan");
    req.mutable_county()->set_display_name("永安市");
    v1::County out;
    ASSERT_TRUE(registry_->CreateCounty(&ctx, req, &out).ok());
  }
  void TearDown() override {
    if (store_ != nullptr) {
      store_->SetHook(FaultOp::kRead, nullptr);
      store_->SetHook(FaultOp::kSnapshot, nullptr);
    }
    if (server_) server_->Shutdown(absl::Seconds(5));
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  grpc::Status CreateSchool(const std::string& id,
                            absl::Duration deadline = absl::Seconds(60)) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    v1::CreateSchoolRequest req;
    req.set_parent(kParent);
    req.set_school_id(id);
    v1::School& s = *req.mutable_school();
    s.set_display_name("School " + id);
    s.add_stages(v1::PRIMARY);
    s.set_locality(v1::URBAN);
    s.set_headcount(8);
    s.mutable_location()->set_latitude(25.9);
    s.mutable_location()->set_longitude(117.3);
    v1::School out;
    return registry_->CreateSchool(&ctx, req, &out);
  }

  grpc::Status VerifyChain(absl::Duration deadline = absl::Seconds(60)) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    v1::VerifyChainRequest req;
    req.set_county(kParent);
    v1::VerifyChainResponse out;
    return audit_->VerifyChain(&ctx, req, &out);
  }

  std::filesystem::path dir_;
  std::unique_ptr<RotaServer> server_;
  storage::FaultInjectingEventStore* store_ = nullptr;
  std::unique_ptr<v1::RegistryService::Stub> registry_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
};

// Chain verifications hold every long-read thread and fill the queue; a
// registry write still completes at once, and one more long read is refused
// with RESOURCE_EXHAUSTED instead of queueing without bound.
TEST_F(ServerLimitsTest, LongReadsNeverTakeTheWriteThreads) {
  ServerOptions options;
  options.write_threads = 1;
  options.limits.long_read_threads = 2;
  options.limits.max_queued_long_reads = 1;
  Start(options);
  Gate gate;
  store_->SetHook(FaultOp::kRead, [&gate] { gate.Wait(); });
  std::vector<std::future<grpc::Status>> held;
  // One at a time: two arriving together could both wait in the queue.
  for (int i = 0; i < 2; ++i) {
    held.push_back(
        std::async(std::launch::async, [&] { return VerifyChain(); }));
    gate.WaitForWaiters(i + 1);
  }
  gate.WaitForWaiters(2);  // both long-read threads are busy
  held.push_back(std::async(std::launch::async, [&] { return VerifyChain(); }));
  // Once that one waits in the queue, the next is refused at once. (Until
  // then a probe may itself be queued; its short deadline ends it.)
  grpc::Status refused;
  for (int attempt = 0; attempt < 100; ++attempt) {
    refused = VerifyChain(absl::Milliseconds(500));
    if (refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) break;
  }
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("long reads"), std::string::npos);
  // The held verifications stay held; the write's own reads pass.
  store_->SetHook(FaultOp::kRead, nullptr);
  grpc::Status write = CreateSchool("s1", absl::Seconds(20));
  EXPECT_TRUE(write.ok()) << write.error_message();
  gate.Open();
  EXPECT_TRUE(held[0].get().ok());
  EXPECT_TRUE(held[1].get().ok());
  // The third was queued, or refused if a probe took the queue's place.
  grpc::Status third = held[2].get();
  EXPECT_TRUE(third.ok() ||
              third.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED)
      << third.error_message();
}

// A filtered list that scans a whole county stops at the next batch once
// the client cancels, instead of scanning to the end.
TEST_F(ServerLimitsTest, ScansStopWhenTheClientGoes) {
  Start({});
  for (int i = 0; i < 8; ++i)
    ASSERT_TRUE(CreateSchool(absl::StrCat("s", i)).ok());
  // Teachers in one import chunk: enough rows for several scan batches.
  {
    grpc::ClientContext ctx;
    v1::BulkImportResponse resp;
    auto writer = registry_->BulkImport(&ctx, &resp);
    v1::BulkImportRequest chunk;
    chunk.set_parent(kParent);
    chunk.set_request_id("import");
    for (int i = 0; i < 400; ++i) {
      auto* row = chunk.add_teachers();
      row->set_row(i + 1);
      v1::Teacher& t = *row->mutable_teacher();
      t.set_name(absl::StrCat(kParent, "/teachers/t", i));
      t.set_display_name("Teacher");
      t.set_gender(v1::FEMALE);
      t.set_birth_date("1982-03-04");
      t.set_career_start_date("2004-09-01");
      t.set_school(absl::StrCat(kParent, "/schools/s", i % 8));
      t.set_school_join_date("2012-09-01");
      t.add_subjects("math");
      t.add_certificate_stages(v1::PRIMARY);
      t.set_title(v1::INTERMEDIATE_TITLE);
      t.set_role(v1::TEACHER);
      t.set_employment(v1::ESTABLISHED);
    }
    writer->Write(chunk);
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(resp.rows_applied(), 400);
  }
  Gate gate;
  std::atomic<int> scans{0};
  store_->SetHook(FaultOp::kRead, [&] {
    if (scans.fetch_add(1) == 0) gate.Wait();
  });
  grpc::ClientContext ctx;
  auto list = std::async(std::launch::async, [&] {
    v1::ListTeachersRequest req;
    req.set_parent(kParent);
    req.set_filter("subject = music");  // matches nobody: a full scan
    req.set_page_size(10);
    v1::ListTeachersResponse out;
    return registry_->ListTeachers(&ctx, req, &out);
  });
  gate.WaitForWaiters(1);
  ctx.TryCancel();
  gate.Open();
  EXPECT_EQ(list.get().error_code(), grpc::StatusCode::CANCELLED);
  server_->Shutdown(absl::Seconds(5));
  store_ = nullptr;  // Shutdown closed (and freed) the store
  // 400 rows in batches of 64 would be 7 scans; it stopped after the first.
  EXPECT_LE(scans.load(), 2);
}

TEST(CancellationTest, ChainVerificationStopsWhenCancelled) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              absl::StrCat("rota_cancel_", ::getpid());
  std::filesystem::remove_all(dir);
  auto store = storage::RocksDbEventStore::Open({.path = dir.string()});
  ASSERT_TRUE(store.ok());
  std::vector<storage::EventDraft> drafts(
      3000, {.actor = "a", .request_id = "", .type = "t", .payload = "p"});
  ASSERT_TRUE((*store)->Append("c", 0, drafts, {}).ok());
  {
    CancellationScope scope([] { return true; });
    EXPECT_EQ((*store)->VerifyChain("c").status().code(),
              absl::StatusCode::kCancelled);
  }
  auto report = (*store)->VerifyChain("c");  // outside any scope
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->events, 3000u);
  store->reset();
  std::filesystem::remove_all(dir);
}

TEST(OpenFileLimitTest, RaisesTheSoftLimitToTheHardOne) {
  struct rlimit before;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  auto raised = RaiseOpenFileLimit();
  ASSERT_TRUE(raised.ok()) << raised.status();
  struct rlimit after;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, before.rlim_max);
  EXPECT_EQ(*raised, after.rlim_cur);
}

}  // namespace
}  // namespace rota::service
