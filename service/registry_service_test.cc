// In-process tests of the real RotaServer on a temporary RocksDB directory
// and port 0, called over gRPC with the generated stubs.
#include "service/registry_service.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "rota/v1/audit.grpc.pb.h"
#include "rota/v1/registry.grpc.pb.h"
#include "service/grpc_server.h"
#include "service/projection.h"
#include "service/storage/projection_check.h"
#include "service/storage/rocksdb_event_store.h"

namespace rota::service {
namespace {

namespace v1 = rota::v1;

struct RawResult {
  grpc::Status status;
  std::string bytes;
};

class RegistryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat(
               "rota_registry_test_", ::getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    StartServer();
  }
  void TearDown() override {
    StopServer();
    std::filesystem::remove_all(dir_);
  }

  void StartServer() {
    auto server =
        RotaServer::Start({.listen = "127.0.0.1:0", .write_threads = 4});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    // Before the store is attached the server answers but is not serving.
    EXPECT_EQ(HealthStatus(), 2);  // NOT_SERVING
    auto store = storage::RocksDbEventStore::Open({.path = dir_.string()});
    ASSERT_TRUE(store.ok()) << store.status();
    server_->AttachStore(std::move(*store));
    EXPECT_EQ(HealthStatus(), 1);  // SERVING
    stub_ = v1::RegistryService::NewStub(channel_);
    audit_ = v1::AuditService::NewStub(channel_);
  }

  void StopServer() {
    if (server_) server_->Shutdown(absl::Seconds(5));
    server_.reset();
  }

  // grpc.health.v1.Health/Check for service "" via the generic stub (the
  // health proto is not part of rota.v1): response field 1 is the status.
  int HealthStatus() {
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    RawResult r = RawCall("/grpc.health.v1.Health/Check", "");
    if (!r.status.ok()) return -1;
    if (r.bytes.empty()) return 0;
    return r.bytes.size() == 2 && r.bytes[0] == 0x08 ? r.bytes[1] : -2;
  }

  RawResult RawCall(const std::string& method, const std::string& request) {
    grpc::GenericStub generic(channel_);
    grpc::ClientContext ctx;
    grpc::Slice slice(request);
    grpc::ByteBuffer in(&slice, 1), out;
    std::promise<grpc::Status> done;
    generic.UnaryCall(&ctx, method, grpc::StubOptions(), &in, &out,
                      [&](grpc::Status s) { done.set_value(s); });
    RawResult r;
    r.status = done.get_future().get();
    std::vector<grpc::Slice> slices;
    if (r.status.ok() && out.Dump(&slices).ok()) {
      for (auto& s : slices)
        r.bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return r;
  }

  v1::County CreateCounty(const std::string& id) {
    grpc::ClientContext ctx;
    v1::CreateCountyRequest req;
    req.set_county_id(id);
    req.mutable_county()->set_display_name("永安市");
    v1::County out;
    grpc::Status s = stub_->CreateCounty(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  static v1::School School(const std::string& name) {
    v1::School s;
    s.set_display_name(name);
    s.add_stages(v1::PRIMARY);
    s.set_locality(v1::RURAL);
    s.set_headcount(30);
    return s;
  }

  grpc::Status CreateSchool(const std::string& county, const std::string& id,
                            v1::School* out = nullptr) {
    grpc::ClientContext ctx;
    v1::CreateSchoolRequest req;
    req.set_parent("counties/" + county);
    req.set_school_id(id);
    *req.mutable_school() = School("School " + id);
    v1::School tmp;
    return stub_->CreateSchool(&ctx, req, out ? out : &tmp);
  }

  static v1::Teacher Teacher(const std::string& county,
                             const std::string& school,
                             const std::string& subject) {
    v1::Teacher t;
    t.set_display_name("王老师");
    t.set_gender(v1::FEMALE);
    t.set_birth_date("1980-05-06");
    t.set_career_start_date("2002-09-01");
    t.set_school(absl::StrCat("counties/", county, "/schools/", school));
    t.set_school_join_date("2010-09-01");
    t.add_subjects(subject);
    return t;
  }

  // Append data row `row` to an import chunk: school `id` (display name
  // `display_name`), or teacher `id` at `school` teaching `subject`, in the
  // chunk's county.
  static void AddSchoolRow(v1::BulkImportRequest& chunk, int64_t row,
                           const std::string& id,
                           const std::string& display_name) {
    auto* r = chunk.add_schools();
    r->set_row(row);
    *r->mutable_school() = School(display_name);
    r->mutable_school()->set_name(
        absl::StrCat(chunk.parent(), "/schools/", id));
  }
  static void AddTeacherRow(v1::BulkImportRequest& chunk, int64_t row,
                            const std::string& id, const std::string& school,
                            const std::string& subject = "math") {
    auto* r = chunk.add_teachers();
    r->set_row(row);
    const std::string county(absl::StripPrefix(chunk.parent(), "counties/"));
    *r->mutable_teacher() = Teacher(county, school, subject);
    r->mutable_teacher()->set_name(
        absl::StrCat(chunk.parent(), "/teachers/", id));
  }

  grpc::Status CreateTeacher(const std::string& county, const std::string& id,
                             const v1::Teacher& t, v1::Teacher* out = nullptr,
                             const std::string& request_id = "") {
    grpc::ClientContext ctx;
    v1::CreateTeacherRequest req;
    req.set_parent("counties/" + county);
    req.set_teacher_id(id);
    *req.mutable_teacher() = t;
    req.set_request_id(request_id);
    v1::Teacher tmp;
    return stub_->CreateTeacher(&ctx, req, out ? out : &tmp);
  }

  int64_t Events(const std::string& county) {
    grpc::ClientContext ctx;
    v1::VerifyChainRequest req;
    req.set_county("counties/" + county);
    v1::VerifyChainResponse out;
    grpc::Status s = audit_->VerifyChain(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(out.ok()) << out.problem();
    return out.events();
  }

  static google::rpc::BadRequest BadRequest(const grpc::Status& s) {
    google::rpc::Status proto;
    google::rpc::BadRequest br;
    EXPECT_TRUE(proto.ParseFromString(s.error_details()));
    for (const auto& any : proto.details()) {
      if (any.UnpackTo(&br)) return br;
    }
    return br;
  }
  static std::string Reason(const grpc::Status& s) {
    google::rpc::Status proto;
    proto.ParseFromString(s.error_details());
    for (const auto& any : proto.details()) {
      google::rpc::ErrorInfo info;
      if (any.UnpackTo(&info)) return info.reason();
    }
    return "";
  }
  static std::set<std::string> Fields(const grpc::Status& s) {
    std::set<std::string> out;
    google::rpc::BadRequest br = BadRequest(s);
    for (const auto& fv : br.field_violations()) out.insert(fv.field());
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<RotaServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
};

TEST_F(RegistryServiceTest, CountyCreateGetListAndDuplicate) {
  v1::County c = CreateCounty("yongan");
  EXPECT_EQ(c.name(), "counties/yongan");
  EXPECT_EQ(c.etag(), "1");
  CreateCounty("dongying");
  {
    grpc::ClientContext ctx;
    v1::GetCountyRequest req;
    req.set_name("counties/yongan");
    v1::County got;
    ASSERT_TRUE(stub_->GetCounty(&ctx, req, &got).ok());
    EXPECT_EQ(got.display_name(), "永安市");
  }
  {
    grpc::ClientContext ctx;
    v1::CreateCountyRequest req;
    req.set_county_id("yongan");
    req.mutable_county()->set_display_name("again");
    v1::County out;
    grpc::Status s = stub_->CreateCounty(&ctx, req, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
    EXPECT_EQ(Reason(s), "ALREADY_EXISTS");
  }
  {
    grpc::ClientContext ctx;
    v1::ListCountiesRequest req;
    req.set_page_size(1);
    v1::ListCountiesResponse page;
    ASSERT_TRUE(stub_->ListCounties(&ctx, req, &page).ok());
    ASSERT_EQ(page.counties_size(), 1);
    EXPECT_EQ(page.counties(0).name(), "counties/dongying");
    grpc::ClientContext ctx2;
    req.set_page_token(page.next_page_token());
    ASSERT_TRUE(stub_->ListCounties(&ctx2, req, &page).ok());
    ASSERT_EQ(page.counties_size(), 1);
    EXPECT_EQ(page.counties(0).name(), "counties/yongan");
    EXPECT_EQ(page.next_page_token(), "");
  }
  {
    grpc::ClientContext ctx;
    v1::GetCountyRequest req;
    req.set_name("counties/nowhere");
    v1::County got;
    EXPECT_EQ(stub_->GetCounty(&ctx, req, &got).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
}

TEST_F(RegistryServiceTest, BadInputNamesEveryFieldAndChangesNothing) {
  CreateCounty("a");
  ASSERT_TRUE(CreateSchool("a", "s1").ok());
  int64_t before = Events("a");
  v1::Teacher t = Teacher("a", "s1", "math");
  t.set_birth_date("2030-01-01");
  t.set_gender(static_cast<v1::Gender>(7));
  t.set_display_name(std::string(3 << 20, 'x'));
  grpc::Status s = CreateTeacher("a", "t1", t);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(s),
            (std::set<std::string>{"teacher.birth_date", "teacher.gender",
                                   "teacher.display_name"}));
  EXPECT_EQ(Reason(s), "INVALID_FIELD");
  EXPECT_EQ(Events("a"), before);

  // Unknown school; school of another county.
  CreateCounty("b");
  ASSERT_TRUE(CreateSchool("b", "sb").ok());
  s = CreateTeacher("a", "t1", Teacher("a", "nope", "math"));
  EXPECT_EQ(Fields(s), std::set<std::string>{"teacher.school"});
  s = CreateTeacher("a", "t1", Teacher("b", "sb", "math"));
  EXPECT_EQ(Fields(s), std::set<std::string>{"teacher.school"});
  EXPECT_EQ(Reason(s), "CROSS_COUNTY_REFERENCE");

  // Negative post count.
  grpc::ClientContext ctx;
  v1::CreatePostRequest preq;
  preq.set_parent("counties/a");
  preq.set_post_id("p1");
  preq.mutable_post()->set_school("counties/a/schools/s1");
  preq.mutable_post()->set_subject("math");
  preq.mutable_post()->set_title_band(v1::SENIOR_TITLE);
  preq.mutable_post()->set_count(-1);
  v1::Post post;
  s = stub_->CreatePost(&ctx, preq, &post);
  EXPECT_EQ(Fields(s), std::set<std::string>{"post.count"});

  // A resource in a county that does not exist.
  s = CreateSchool("ghost", "s1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Events("a"), before);
}

TEST_F(RegistryServiceTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  CreateCounty("a");
  ASSERT_TRUE(CreateSchool("a", "s1").ok());
  v1::CreateTeacherRequest req;
  req.set_parent("counties/a");
  req.set_teacher_id("t1");
  *req.mutable_teacher() = Teacher("a", "s1", "math");
  req.mutable_teacher()->set_display_name("ABCDE");
  std::string bytes = req.SerializeAsString();
  bytes.replace(bytes.find("ABCDE"), 5, "\xff\xfe\xfd\xfc\xfb");
  RawResult r = RawCall("/rota.v1.RegistryService/CreateTeacher", bytes);
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(r.status), std::set<std::string>{"teacher.display_name"});
}

TEST_F(RegistryServiceTest, TeachersPageExactlyOnceAndFilterByIndex) {
  CreateCounty("a");
  ASSERT_TRUE(CreateSchool("a", "s1").ok());
  ASSERT_TRUE(CreateSchool("a", "s2").ok());
  std::set<std::string> music_s1;
  for (int i = 0; i < 23; ++i) {
    std::string id = absl::StrCat("t", 100 + i);
    std::string school = i % 2 ? "s1" : "s2";
    std::string subject = i % 3 ? "math" : "music";
    ASSERT_TRUE(CreateTeacher("a", id, Teacher("a", school, subject)).ok());
    if (school == "s1" && subject == "music") music_s1.insert(id);
  }
  for (const std::string filter :
       {"", "school = \"s1\" AND subject = \"music\"", "subject = \"music\"",
        "gender = FEMALE"}) {
    std::vector<std::string> seen;
    std::string token;
    int pages = 0;
    do {
      grpc::ClientContext ctx;
      v1::ListTeachersRequest req;
      req.set_parent("counties/a");
      req.set_page_size(4);
      req.set_filter(filter);
      req.set_page_token(token);
      v1::ListTeachersResponse resp;
      grpc::Status s = stub_->ListTeachers(&ctx, req, &resp);
      ASSERT_TRUE(s.ok()) << filter << ": " << s.error_message();
      for (const auto& t : resp.teachers()) seen.push_back(t.name().substr(20));
      token = resp.next_page_token();
      ++pages;
    } while (!token.empty() && pages < 100);
    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << filter;
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end())) << filter;
    if (filter.empty() || filter == "gender = FEMALE") {
      EXPECT_EQ(seen.size(), 23u);
      EXPECT_EQ(pages, 6);
    }
    if (filter.rfind("school", 0) == 0) {
      EXPECT_EQ(unique, music_s1);
    }
  }
  // A token is bound to its filter; garbage tokens and bad filters fail.
  grpc::ClientContext ctx;
  v1::ListTeachersRequest req;
  req.set_parent("counties/a");
  req.set_page_size(2);
  v1::ListTeachersResponse resp;
  ASSERT_TRUE(stub_->ListTeachers(&ctx, req, &resp).ok());
  for (auto [filter, token, field] :
       {std::tuple{"subject = \"math\"", resp.next_page_token(), "page_token"},
        std::tuple{"", std::string("garbage"), "page_token"},
        std::tuple{"subject ==", std::string(""), "filter"}}) {
    grpc::ClientContext c2;
    v1::ListTeachersRequest r2 = req;
    r2.set_filter(filter);
    r2.set_page_token(token);
    grpc::Status s = stub_->ListTeachers(&c2, r2, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_EQ(Fields(s), std::set<std::string>{field});
  }
  grpc::ClientContext c3;
  req.set_page_size(-1);
  EXPECT_EQ(Fields(stub_->ListTeachers(&c3, req, &resp)),
            std::set<std::string>{"page_size"});
}

TEST_F(RegistryServiceTest, UpdateWithMaskEtagsAndIdempotency) {
  CreateCounty("a");
  ASSERT_TRUE(CreateSchool("a", "s1").ok());
  ASSERT_TRUE(CreateSchool("a", "s2").ok());
  v1::Teacher created;
  ASSERT_TRUE(
      CreateTeacher("a", "t1", Teacher("a", "s1", "math"), &created, "req-1")
          .ok());
  // Replay with the same id and payload: the stored response, no new event.
  int64_t events = Events("a");
  v1::Teacher replay;
  ASSERT_TRUE(
      CreateTeacher("a", "t1", Teacher("a", "s1", "math"), &replay, "req-1")
          .ok());
  EXPECT_EQ(replay.SerializeAsString(), created.SerializeAsString());
  EXPECT_EQ(Events("a"), events);
  grpc::Status reused =
      CreateTeacher("a", "t2", Teacher("a", "s1", "math"), nullptr, "req-1");
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(reused), "REQUEST_ID_REUSED");
  EXPECT_EQ(Fields(reused), std::set<std::string>{"request_id"});
  EXPECT_EQ(CreateTeacher("a", "t1", Teacher("a", "s1", "math")).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  v1::UpdateTeacherRequest up;
  up.mutable_teacher()->set_name("counties/a/teachers/t1");
  up.mutable_teacher()->set_display_name("新名字");
  up.mutable_teacher()->set_school("counties/a/schools/s2");
  up.mutable_teacher()->set_etag(created.etag());
  up.mutable_update_mask()->add_paths("display_name");
  up.mutable_update_mask()->add_paths("school");
  v1::Teacher updated;
  {
    grpc::ClientContext ctx;
    grpc::Status s = stub_->UpdateTeacher(&ctx, up, &updated);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(updated.display_name(), "新名字");
  EXPECT_EQ(updated.school(), "counties/a/schools/s2");
  EXPECT_EQ(updated.subjects(0), "math");  // not in the mask: kept
  EXPECT_NE(updated.etag(), created.etag());
  EXPECT_EQ(updated.create_time(), created.create_time());
  {
    grpc::ClientContext ctx;  // stale etag
    v1::Teacher out;
    grpc::Status s = stub_->UpdateTeacher(&ctx, up, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
    EXPECT_EQ(Reason(s), "ETAG_MISMATCH");
  }
  {
    grpc::ClientContext ctx;  // unknown mask path
    v1::UpdateTeacherRequest bad = up;
    bad.mutable_teacher()->clear_etag();
    bad.mutable_update_mask()->add_paths("shoe_size");
    v1::Teacher out;
    grpc::Status s = stub_->UpdateTeacher(&ctx, bad, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(Fields(s), std::set<std::string>{"update_mask.paths[2]"});
  }
  // The school index followed the move.
  {
    grpc::ClientContext ctx;
    v1::ListTeachersRequest req;
    req.set_parent("counties/a");
    req.set_filter("school = \"s1\"");
    v1::ListTeachersResponse resp;
    ASSERT_TRUE(stub_->ListTeachers(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.teachers_size(), 0);
  }
  // A referenced school cannot be deleted; after the teacher goes, it can.
  {
    grpc::ClientContext ctx;
    v1::DeleteSchoolRequest del;
    del.set_name("counties/a/schools/s2");
    v1::DeleteResponse out;
    EXPECT_EQ(stub_->DeleteSchool(&ctx, del, &out).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
  }
  {
    grpc::ClientContext ctx;
    v1::DeleteTeacherRequest del;
    del.set_name("counties/a/teachers/t1");
    del.set_etag(updated.etag());
    v1::DeleteResponse out;
    ASSERT_TRUE(stub_->DeleteTeacher(&ctx, del, &out).ok());
    EXPECT_EQ(out.name(), "counties/a/teachers/t1");
  }
  {
    grpc::ClientContext ctx;
    v1::DeleteSchoolRequest del;
    del.set_name("counties/a/schools/s2");
    v1::DeleteResponse out;
    EXPECT_TRUE(stub_->DeleteSchool(&ctx, del, &out).ok());
  }
  {
    grpc::ClientContext ctx;
    v1::GetTeacherRequest get;
    get.set_name("counties/a/teachers/t1");
    v1::Teacher out;
    EXPECT_EQ(stub_->GetTeacher(&ctx, get, &out).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
}

TEST_F(RegistryServiceTest, BulkImportAppliesValidRowsAndReportsBadOnes) {
  CreateCounty("a");
  int64_t before = Events("a");
  grpc::ClientContext ctx;
  v1::BulkImportResponse resp;
  auto writer = stub_->BulkImport(&ctx, &resp);
  v1::BulkImportRequest chunk;
  chunk.set_parent("counties/a");
  chunk.set_request_id("file/0");
  for (int i = 0; i < 3; ++i)
    AddSchoolRow(chunk, i + 2, absl::StrCat("s", i), absl::StrCat("S", i));
  for (int i = 0; i < 10; ++i)
    AddTeacherRow(chunk, i + 2, absl::StrCat("t", i), absl::StrCat("s", i % 3));
  chunk.mutable_teachers(4)->mutable_teacher()->set_birth_date("1980-13-01");
  chunk.mutable_teachers(7)->mutable_teacher()->set_school(
      "counties/a/schools/zz");
  ASSERT_TRUE(writer->Write(chunk));
  v1::BulkImportRequest chunk2;
  chunk2.set_parent("counties/a");
  AddTeacherRow(chunk2, 100, "t0", "s0", "music");  // upsert
  ASSERT_TRUE(writer->Write(chunk2));
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.rows_received(), 14);
  EXPECT_EQ(resp.rows_applied(), 12);
  EXPECT_EQ(resp.rows_rejected(), 2);
  EXPECT_EQ(resp.chunks(), 2);
  ASSERT_EQ(resp.errors_size(), 2);
  EXPECT_EQ(resp.errors(0).row(), 6);
  EXPECT_EQ(resp.errors(0).field(), "teacher.birth_date");
  EXPECT_EQ(resp.errors(1).row(), 9);
  EXPECT_EQ(resp.errors(1).field(), "teacher.school");
  EXPECT_EQ(Events("a"), before + 12);

  grpc::ClientContext c2;
  v1::GetCountySummaryRequest sreq;
  sreq.set_name("counties/a");
  v1::CountySummary summary;
  ASSERT_TRUE(stub_->GetCountySummary(&c2, sreq, &summary).ok());
  EXPECT_EQ(summary.schools(), 3);
  EXPECT_EQ(summary.teachers(), 8);
  EXPECT_EQ(summary.headcount(), 90);
  EXPECT_EQ(summary.events(), before + 12);
  EXPECT_EQ(summary.head_hash().size(), 64u);
}

// Rows of one chunk naming the same teacher are all rejected, each error
// listing every row of its group, in row order; the other rows apply.
TEST_F(RegistryServiceTest, BulkImportRejectsEveryRowOfARepeatedName) {
  CreateCounty("a");
  ASSERT_TRUE(CreateSchool("a", "s0").ok());
  grpc::ClientContext ctx;
  v1::BulkImportResponse resp;
  auto writer = stub_->BulkImport(&ctx, &resp);
  v1::BulkImportRequest chunk;
  chunk.set_parent("counties/a");
  // Rows 2..7 name teachers x, y, x, z, x, y.
  for (const char* id : {"x", "y", "x", "z", "x", "y"})
    AddTeacherRow(chunk, chunk.teachers_size() + 2, id, "s0");
  ASSERT_TRUE(writer->Write(chunk));
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.rows_applied(), 1);
  EXPECT_EQ(resp.rows_rejected(), 5);
  ASSERT_EQ(resp.errors_size(), 5);
  const std::pair<int64_t, const char*> expected[] = {
      {2, "rows 2, 4, 6 of this chunk all name counties/a/teachers/x"},
      {3, "rows 3, 7 of this chunk all name counties/a/teachers/y"},
      {4, "rows 2, 4, 6 of this chunk all name counties/a/teachers/x"},
      {6, "rows 2, 4, 6 of this chunk all name counties/a/teachers/x"},
      {7, "rows 3, 7 of this chunk all name counties/a/teachers/y"}};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(resp.errors(i).row(), expected[i].first);
    EXPECT_EQ(resp.errors(i).field(), "teacher.name");
    EXPECT_EQ(resp.errors(i).reason(),
              absl::StrCat(expected[i].second, "; each may appear once"));
  }
}

// A large import reads the county's schools and posts whole when it
// begins; a school it did not find then is still missing, unless the import
// itself creates it (in the same chunk or an earlier one), and a school it
// changes is read back changed.
TEST_F(RegistryServiceTest, LargeImportSeesStoredAndImportedSchoolsOnly) {
  CreateCounty("a");
  for (const char* id : {"s0", "s1", "s2"})
    ASSERT_TRUE(CreateSchool("a", id).ok());
  grpc::ClientContext ctx;
  v1::BulkImportResponse resp;
  auto writer = stub_->BulkImport(&ctx, &resp);
  v1::BulkImportRequest chunk;
  chunk.set_parent("counties/a");
  // The first chunk alone is "large": 2,100 teachers, in s0-s2, in zz
  // (missing) every 100th, and in s9, which the chunk creates.
  AddSchoolRow(chunk, 1, "s9", "S9");
  for (int i = 0; i < 2100; ++i) {
    const std::string school = i % 100 == 7  ? "zz"
                               : i % 50 == 3 ? "s9"
                                             : absl::StrCat("s", i % 3);
    AddTeacherRow(chunk, i + 2, absl::StrCat("t", i), school);
  }
  ASSERT_TRUE(writer->Write(chunk));
  // A later chunk: s1 changed, then teachers in s1, s9 and zz.
  v1::BulkImportRequest later;
  later.set_parent("counties/a");
  AddSchoolRow(later, 5000, "s1", "S1 renamed");
  int row_number = 5001;
  for (const char* school : {"s1", "s9", "zz"}) {
    AddTeacherRow(later, row_number, absl::StrCat("late", row_number), school);
    ++row_number;
  }
  ASSERT_TRUE(writer->Write(later));
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  // Rejected: the 21 teachers in zz of the first chunk and the last one.
  EXPECT_EQ(resp.rows_rejected(), 22);
  EXPECT_EQ(resp.rows_applied(), 2 + 2100 - 21 + 2);
  for (const auto& e : resp.errors()) {
    EXPECT_EQ(e.field(), "teacher.school") << e.reason();
    EXPECT_TRUE(e.row() == 5003 || (e.row() - 2) % 100 == 7) << e.row();
  }
  grpc::ClientContext get_ctx;
  v1::GetSchoolRequest get;
  get.set_name("counties/a/schools/s1");
  v1::School s1_now;
  ASSERT_TRUE(stub_->GetSchool(&get_ctx, get, &s1_now).ok());
  EXPECT_EQ(s1_now.display_name(), "S1 renamed");
}

// A store whose appends take a while: what a reader sees while an append is
// still on its way.
class SlowAppendStore final : public storage::EventStore {
 public:
  explicit SlowAppendStore(storage::EventStore* base) : base_(base) {}
  absl::StatusOr<std::vector<storage::Event>> Append(
      const std::string& county, uint64_t expected_sequence,
      std::vector<storage::EventDraft> drafts,
      std::vector<storage::ProjectionWrite> writes) override {
    absl::SleepFor(absl::Milliseconds(300));
    return base_->Append(county, expected_sequence, std::move(drafts),
                         std::move(writes));
  }
  absl::StatusOr<std::vector<storage::Event>> ReadRange(
      const std::string& county, uint64_t from, size_t limit) const override {
    return base_->ReadRange(county, from, limit);
  }
  absl::StatusOr<uint64_t> HeadSequence(
      const std::string& county) const override {
    return base_->HeadSequence(county);
  }
  absl::StatusOr<std::optional<std::string>> ReadProjection(
      const std::string& county, const std::string& key) const override {
    return base_->ReadProjection(county, key);
  }
  absl::StatusOr<std::unique_ptr<storage::Snapshot>> GetSnapshot(
      const std::string& county) const override {
    return base_->GetSnapshot(county);
  }
  absl::StatusOr<std::vector<std::string>> ListCounties() const override {
    return base_->ListCounties();
  }
  absl::StatusOr<storage::ChainReport> VerifyChain(
      const std::string& county) const override {
    return base_->VerifyChain(county);
  }

 private:
  storage::EventStore* base_;
};

// The same when the run reads the schools whole in its second batch while
// the first, which created a school, is still being appended (so missing
// from the second batch's snapshot), and a third batch updates that school:
// driven batch by batch through Registry::ImportBatches.
TEST_F(RegistryServiceTest,
       SchoolsReadWholeMidRunIncludeTheBatchBeingAppended) {
  CreateCounty("a");
  ASSERT_TRUE(CreateSchool("a", "s0").ok());
  StopServer();
  auto store = storage::RocksDbEventStore::Open({.path = dir_.string()});
  ASSERT_TRUE(store.ok()) << store.status();
  SlowAppendStore slow(store->get());
  Registry registry(&slow);
  std::vector<std::vector<v1::BulkImportRequest>> batches(2);
  // Batch 1 (10 rows): school s9, teachers in s0 and s9.
  v1::BulkImportRequest first;
  first.set_parent("counties/a");
  AddSchoolRow(first, 1, "s9", "S9");
  for (int i = 0; i < 9; ++i)
    AddTeacherRow(first, i + 2, absl::StrCat("f", i), i % 2 ? "s9" : "s0");
  batches[0].push_back(first);
  // Batch 2 (2,000 rows, so the run now reads schools whole): teachers in
  // s0, s9 and zz (missing, every 100th).
  v1::BulkImportRequest second;
  second.set_parent("counties/a");
  for (int i = 0; i < 2000; ++i) {
    const char* school = i % 100 == 7 ? "zz" : i % 2 ? "s9" : "s0";
    AddTeacherRow(second, i + 100, absl::StrCat("t", i), school);
  }
  batches[1].push_back(second);
  // Batch 3: s9 again (an update, not a creation) and a teacher in it.
  v1::BulkImportRequest third;
  third.set_parent("counties/a");
  *third.add_schools() = first.schools(0);
  *third.add_teachers() = first.teachers(1);
  batches.push_back({third});
  size_t next = 0;
  v1::BulkImportResponse total;
  absl::Status s = registry.ImportBatches(
      CallContext{},
      [&](Registry::ImportBatch* batch) -> absl::StatusOr<bool> {
        if (next == batches.size()) return false;
        for (const auto& chunk : batches[next++]) *batch->Add() = chunk;
        return true;
      },
      [&](std::vector<v1::BulkImportResponse> applied) {
        for (const auto& r : applied) {
          total.set_rows_created(total.rows_created() + r.rows_created());
          total.set_rows_applied(total.rows_applied() + r.rows_applied());
          total.set_rows_rejected(total.rows_rejected() + r.rows_rejected());
          for (const auto& e : r.errors()) *total.add_errors() = e;
        }
      });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(total.rows_applied(), 10 + 2000 - 20 + 2);
  EXPECT_EQ(total.rows_created(), 10 + 2000 - 20);
  EXPECT_EQ(total.rows_rejected(), 20);
  for (const auto& e : total.errors()) {
    EXPECT_EQ(e.field(), "teacher.school");
    EXPECT_EQ((e.row() - 100) % 100, 7) << e.reason();
  }
}

// A stream long enough for several pipelined batches (a batch is validated
// while the one before it syncs): rows that re-upsert teachers of an earlier
// batch see them (create_time kept, subject index moved), the log holds the
// chunks in stream order with an unbroken hash chain, the projections equal
// a rebuild, and re-sending the stream with the same request ids appends
// nothing.
TEST_F(RegistryServiceTest, PipelinedBulkImportKeepsStreamOrderAndChain) {
  CreateCounty("a");
  ASSERT_TRUE(CreateSchool("a", "s0").ok());
  const int64_t before = Events("a");
  constexpr int kChunks = 40, kRows = 25;
  std::vector<v1::BulkImportRequest> chunks;
  for (int c = 0; c < kChunks; ++c) {
    v1::BulkImportRequest chunk;
    chunk.set_parent("counties/a");
    chunk.set_request_id(absl::StrCat("stream/", c));
    for (int r = 0; r < kRows; ++r) {
      // Chunks 20-28 re-import the teachers of chunk c - 9 (about a batch
      // back: often the batch still being synced) with another subject.
      const int id =
          c >= 20 && c - 9 < 20 ? (c - 9) * kRows + r : c * kRows + r;
      AddTeacherRow(chunk, c * kRows + r + 2, absl::StrCat("t", id), "s0",
                    c < 20 ? "math" : "music");
    }
    chunks.push_back(std::move(chunk));
  }
  auto send = [&](v1::BulkImportResponse* resp) {
    grpc::ClientContext ctx;
    auto writer = stub_->BulkImport(&ctx, resp);
    for (const auto& chunk : chunks) {
      if (!writer->Write(chunk)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  };
  v1::BulkImportResponse first;
  grpc::Status s = send(&first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(first.chunks(), kChunks);
  EXPECT_EQ(first.rows_applied(), kChunks * kRows);
  EXPECT_EQ(first.rows_rejected(), 0);
  EXPECT_EQ(Events("a"), before + kChunks * kRows);

  // The log: every chunk's events together, in stream order.
  std::vector<v1::Event> events;
  std::string token;
  do {
    grpc::ClientContext ctx;
    v1::ListEventsRequest req;
    req.set_county("counties/a");
    req.set_page_size(1000);
    req.set_page_token(token);
    v1::ListEventsResponse resp;
    ASSERT_TRUE(audit_->ListEvents(&ctx, req, &resp).ok());
    for (const auto& e : resp.events()) events.push_back(e);
    token = resp.next_page_token();
  } while (!token.empty());
  ASSERT_EQ(events.size(), static_cast<size_t>(before + kChunks * kRows));
  for (int c = 0; c < kChunks; ++c) {
    for (int r = 0; r < kRows; ++r) {
      const v1::Event& e = events[before + c * kRows + r];
      ASSERT_EQ(e.request_id(), absl::StrCat("stream/", c)) << e.sequence();
      EXPECT_EQ(e.sequence(), before + c * kRows + r + 1);
    }
  }
  for (size_t i = 1; i < events.size(); ++i)
    ASSERT_EQ(events[i].previous_hash(), events[i - 1].hash()) << i;
  {
    grpc::ClientContext ctx;
    v1::VerifyChainRequest req;
    req.set_county("counties/a");
    v1::VerifyChainResponse out;
    ASSERT_TRUE(audit_->VerifyChain(&ctx, req, &out).ok());
    EXPECT_TRUE(out.ok());
  }
  // A teacher of chunk 11 re-imported by chunk 20: created once, now teaches
  // music.
  {
    grpc::ClientContext ctx;
    v1::GetTeacherRequest get;
    get.set_name("counties/a/teachers/t280");
    v1::Teacher t;
    ASSERT_TRUE(stub_->GetTeacher(&ctx, get, &t).ok());
    ASSERT_EQ(t.subjects_size(), 1);
    EXPECT_EQ(t.subjects(0), "music");
    EXPECT_NE(t.create_time(), "");
    v1::Teacher created;
    ASSERT_TRUE(created.ParseFromString(events[before + 280].payload()));
    EXPECT_EQ(t.create_time(), created.create_time());
  }

  // The same stream again (a retry): every chunk replayed, nothing appended.
  v1::BulkImportResponse again;
  s = send(&again);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.rows_applied(), first.rows_applied());
  EXPECT_EQ(Events("a"), before + kChunks * kRows);

  StopServer();
  auto store = storage::RocksDbEventStore::Open({.path = dir_.string()});
  ASSERT_TRUE(store.ok()) << store.status();
  auto report = storage::CheckProjections(**store, "a", RegistryProjector());
  ASSERT_TRUE(report.ok()) << report.status();
  for (const auto& d : report->differences) ADD_FAILURE() << d.ToString();
}

// A seeded mixed workload (creates, updates that move teachers and change
// subjects, deletes, imports), then the projections rebuilt from the log with
// the same Projector must equal the stored ones.
TEST_F(RegistryServiceTest, ProjectionsRebuildIdenticallyAfterMixedWorkload) {
  const uint32_t seed = 20261125;
  std::mt19937 rng(seed);
  CreateCounty("a");
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(CreateSchool("a", absl::StrCat("s", i)).ok());
  const char* subjects[] = {"math", "music", "pe", "art"};
  std::set<int> alive;
  for (int step = 0; step < 150; ++step) {
    int id = static_cast<int>(rng() % 40);
    std::string school = absl::StrCat("s", rng() % 5);
    std::string subject = subjects[rng() % 4];
    std::string name = absl::StrCat("counties/a/teachers/t", id);
    if (!alive.count(id)) {
      ASSERT_TRUE(CreateTeacher("a", absl::StrCat("t", id),
                                Teacher("a", school, subject))
                      .ok());
      alive.insert(id);
    } else if (rng() % 3 == 0) {
      grpc::ClientContext ctx;
      v1::DeleteTeacherRequest del;
      del.set_name(name);
      v1::DeleteResponse out;
      ASSERT_TRUE(stub_->DeleteTeacher(&ctx, del, &out).ok());
      alive.erase(id);
    } else {
      grpc::ClientContext ctx;
      v1::UpdateTeacherRequest up;
      up.mutable_teacher()->set_name(name);
      up.mutable_teacher()->set_school("counties/a/schools/" + school);
      up.mutable_teacher()->add_subjects(subject);
      up.mutable_teacher()->add_subjects("labour");
      up.mutable_update_mask()->add_paths("school");
      up.mutable_update_mask()->add_paths("subjects");
      v1::Teacher out;
      ASSERT_TRUE(stub_->UpdateTeacher(&ctx, up, &out).ok()) << "seed " << seed;
    }
  }
  StopServer();
  auto store = storage::RocksDbEventStore::Open({.path = dir_.string()});
  ASSERT_TRUE(store.ok()) << store.status();
  auto report = storage::CheckProjections(**store, "a", RegistryProjector());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GT(report->events_replayed, 150u);
  for (const auto& d : report->differences)
    ADD_FAILURE() << "seed " << seed << ": " << d.ToString();
}

TEST_F(RegistryServiceTest, AuditListsEventsInPagesAndVerifiesTheChain) {
  CreateCounty("a");
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(CreateSchool("a", absl::StrCat("s", i)).ok());
  std::vector<v1::Event> events;
  std::string token;
  do {
    grpc::ClientContext ctx;
    v1::ListEventsRequest req;
    req.set_county("counties/a");
    req.set_page_size(3);
    req.set_page_token(token);
    v1::ListEventsResponse resp;
    grpc::Status s = audit_->ListEvents(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const auto& e : resp.events()) events.push_back(e);
    token = resp.next_page_token();
  } while (!token.empty());
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(events[0].type(), "rota.v1.County");
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence(), static_cast<int64_t>(i + 1));
    if (i > 0) {
      EXPECT_EQ(events[i].previous_hash(), events[i - 1].hash());
    }
  }
  EXPECT_EQ(events[1].type(), "rota.v1.School");
  v1::School payload;
  ASSERT_TRUE(payload.ParseFromString(events[1].payload()));
  EXPECT_EQ(payload.name(), "counties/a/schools/s0");
  EXPECT_EQ(payload.etag(), "2");

  grpc::ClientContext ctx;
  v1::VerifyChainRequest req;
  req.set_county("counties/a");
  v1::VerifyChainResponse out;
  ASSERT_TRUE(audit_->VerifyChain(&ctx, req, &out).ok());
  EXPECT_TRUE(out.ok());
  EXPECT_EQ(out.events(), 7);
  EXPECT_EQ(out.head_hash(), events.back().hash());
  grpc::ClientContext ctx2;
  req.set_county("counties/none");
  EXPECT_EQ(audit_->VerifyChain(&ctx2, req, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(RegistryServiceTest, UpdateOrDeleteInAMissingCountyIsNotFound) {
  grpc::ClientContext ctx;
  v1::UpdateSchoolRequest up;
  up.mutable_school()->set_name("counties/ghost/schools/s1");
  up.mutable_school()->set_display_name("x");
  up.mutable_update_mask()->add_paths("display_name");
  v1::School out;
  EXPECT_EQ(stub_->UpdateSchool(&ctx, up, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext ctx2;
  v1::DeleteTeacherRequest del;
  del.set_name("counties/ghost/teachers/t1");
  v1::DeleteResponse dout;
  EXPECT_EQ(stub_->DeleteTeacher(&ctx2, del, &dout).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(RegistryServiceTest, StateSurvivesRestart) {
  CreateCounty("a");
  ASSERT_TRUE(CreateSchool("a", "s1").ok());
  StopServer();
  StartServer();
  grpc::ClientContext ctx;
  v1::GetSchoolRequest req;
  req.set_name("counties/a/schools/s1");
  v1::School out;
  ASSERT_TRUE(stub_->GetSchool(&ctx, req, &out).ok());
  EXPECT_EQ(out.display_name(), "School s1");
  EXPECT_EQ(Events("a"), 2);
}

}  // namespace
}  // namespace rota::service
