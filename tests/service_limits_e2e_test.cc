// End-to-end tests of rotad's defences against bad input and misuse, against
// the real rotad (and rotactl):
//   - post counts and headcounts beyond sane bounds are INVALID_ARGUMENT
//     naming the field (and a competitive hiring run still works);
//   - a request with hundreds of violations stays INVALID_ARGUMENT with a
//     capped BadRequest (not RESOURCE_EXHAUSTED); oversized lists and texts
//     are refused; control characters in text are refused;
//   - a request id is bound to its method (and county);
//   - rotactl import refuses duplicate ids, files that are not UTF-8 and
//     control characters, and re-applies a deliberate re-run;
//   - a non-ASCII actor (王芳) works and is recorded as such.
// Every rejected request changes nothing (same log head, same resources).
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cli_runner.h"
#include "tests/registry_test_data.h"
#include "tests/rotad_test_base.h"
#include "tests/rounds_e2e_support.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

using grpc::StatusCode;
using rota::v1::RegistryService;

#define EXPECT_CONTAINS(haystack, needle)               \
  EXPECT_NE((haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"         \
      << (haystack)

class LimitsE2eTest : public RotadTest {
 protected:
  void SetUp() override {
    RotadTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/service_limits_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1)));
    ASSERT_OK(
        CreatePost(reg(), kCounty, "p1", MakePost(kCounty, "s1", 1), &post_));
    ASSERT_OK(
        CreateTeacher(reg(), kCounty, "t1", MakeTeacher(kCounty, "s1", 1)));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CliResult Rotactl(const std::vector<std::string>& args,
                    const std::vector<std::string>& env = {}) {
    std::vector<std::string> all = {"ROTA_SERVER=" + rotad_->address()};
    all.insert(all.end(), env.begin(), env.end());
    return RunCli(ROTA_ROTACTL_PATH, args, dir_, all);
  }

  grpc::Status CreateT2(const rota::v1::Teacher& teacher) {
    rota::v1::Teacher out;
    return CreateTeacher(reg(), kCounty, "t2", teacher, &out);
  }
  rota::v1::Teacher Valid() {
    return MakeTeacher(kCounty, "s1", 2, /*every_field=*/true);
  }
  // The description of the violation on `field`, or "".
  static std::string DescriptionOf(const grpc::Status& s,
                                   const std::string& field) {
    std::optional<google::rpc::BadRequest> br = GetBadRequest(s);
    if (!br.has_value()) return "";
    for (const auto& v : br->field_violations()) {
      if (v.field() == field) return v.description();
    }
    return "";
  }

  std::string dir_;
  rota::v1::Post post_;
};

TEST_F(LimitsE2eTest, HugePostCountsAndHeadcountsAreRefused) {
  const CountyState before = State();
  rota::v1::Post post = MakePost(kCounty, "s1", 2);
  post.set_count(INT_MAX);
  grpc::Status s = CreatePost(reg(), kCounty, "p2", post);
  EXPECT_TRUE(
      HasError(s, StatusCode::INVALID_ARGUMENT, "post.count", "INVALID_FIELD"));
  EXPECT_CONTAINS(DescriptionOf(s, "post.count"), "between 0 and 10000");

  rota::v1::UpdatePostRequest update;
  update.mutable_post()->set_name(post_.name());
  update.mutable_post()->set_etag(post_.etag());
  update.mutable_post()->set_count(10001);
  update.mutable_update_mask()->add_paths("count");
  rota::v1::Post updated;
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::UpdatePost, update, &updated),
      StatusCode::INVALID_ARGUMENT, "post.count"));

  rota::v1::School school = MakeSchool(2);
  school.set_headcount(INT_MAX);
  EXPECT_TRUE(HasError(CreateSchool(reg(), kCounty, "s2", school),
                       StatusCode::INVALID_ARGUMENT, "school.headcount"));

  // Through BulkImport the row is rejected with the same field.
  rota::v1::BulkImportRequest chunk;
  chunk.set_parent(CountyName(kCounty));
  auto* row = chunk.add_posts();
  row->set_row(7);
  *row->mutable_post() = post;
  row->mutable_post()->set_name(PostName(kCounty, "p2"));
  rota::v1::BulkImportResponse response;
  ASSERT_OK(BulkImport(reg(), {chunk}, &response));
  EXPECT_EQ(response.rows_applied(), 0);
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).row(), 7);
  EXPECT_EQ(response.errors(0).field(), "post.count");
  ExpectUnchanged(before, State());
}

// A post count beyond the bound is refused, and a competitive hiring run
// (which a post count near 2^31 would abort) completes.
TEST(LimitsRoundsE2eTest, HiringRunsAfterARefusedPostCount) {
  ASSERT_OK_AND_ASSIGN(auto rotad, RotadProcess::Start());
  rota::tools::CountyGenOptions gen;
  gen.seed = 3;
  gen.schools = 6;
  gen.teachers = 80;
  gen.as_of = "2026-08-15";
  ASSERT_OK_AND_ASSIGN(GeneratedCounty data,
                       GenerateAndImport(*rotad, "hiring", gen));
  ASSERT_FALSE(data.posts.empty());
  rota::v1::UpdatePostRequest update;
  update.mutable_post()->set_name(data.posts[0].name());
  update.mutable_post()->set_count(INT_MAX);
  update.mutable_update_mask()->add_paths("count");
  rota::v1::Post updated;
  EXPECT_TRUE(
      HasError(Call(rotad->registry(), &RegistryService::Stub::UpdatePost,
                    update, &updated),
               StatusCode::INVALID_ARGUMENT, "post.count"));

  RoundClient rc(rotad->channel());
  ASSERT_OK_AND_ASSIGN(
      rota::v1::Round round,
      rc.Create("hiring", rota::v1::COMPETITIVE_HIRING, "2026-09-01"));
  ASSERT_OK(rc.Submit(round.name(), HiringApplications(data)));
  ASSERT_OK(rc.Freeze(round.name(), 7));
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::RunRoundProgress> progress,
                       rc.Run(round.name()));
  ASSERT_FALSE(progress.empty());
  EXPECT_TRUE(progress.back().has_run());
  EXPECT_TRUE(rotad->running());
}

TEST_F(LimitsE2eTest, ManyViolationsAreCappedNotResourceExhausted) {
  const CountyState before = State();
  rota::v1::Teacher t = Valid();
  t.clear_evaluations();
  for (int i = 0; i < 60; ++i) {
    auto* e = t.add_evaluations();
    e->set_year(1);  // out of range
    e->set_grade(rota::v1::EVALUATION_GRADE_UNSPECIFIED);
  }
  for (int i = 0; i < 20; ++i) t.add_subjects("Not A Subject");
  grpc::Status s = CreateT2(t);
  ASSERT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT) << Describe(s);
  std::optional<google::rpc::BadRequest> br = GetBadRequest(s);
  ASSERT_TRUE(br.has_value());
  ASSERT_EQ(br->field_violations_size(), 21);
  EXPECT_EQ(br->field_violations(0).field(), "teacher.subjects");
  const auto& last = br->field_violations(20);
  EXPECT_EQ(last.field(), "request");
  EXPECT_CONTAINS(last.description(), "more field violations were left out");
  EXPECT_TRUE(HasError(s, StatusCode::INVALID_ARGUMENT, "", "INVALID_FIELD"));
  ExpectUnchanged(before, State());
}

TEST_F(LimitsE2eTest, OversizedListsAndTextsAreRefused) {
  const CountyState before = State();
  // 100,000 subjects (about 1 MB): one violation naming the bound.
  rota::v1::Teacher t = Valid();
  for (int i = 0; i < 100000; ++i) t.add_subjects("math");
  grpc::Status s = CreateT2(t);
  EXPECT_TRUE(HasError(s, StatusCode::INVALID_ARGUMENT, "teacher.subjects"));
  EXPECT_CONTAINS(DescriptionOf(s, "teacher.subjects"), "at most 20 items");

  t = Valid();
  for (int i = 0; i < 5000; ++i) {
    auto* spell = t.add_service_history();
    spell->set_school(SchoolName(kCounty, "s1"));
    spell->set_start_date("2010-09-01");
  }
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                       "teacher.service_history"));

  t = Valid();
  t.mutable_exemptions(0)->set_note(std::string(2001, 'n'));
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                       "teacher.exemptions[0].note"));

  // A 14 MB record does not even reach rotad's handlers: gRPC refuses it
  // at the 4 MB receive limit, and rotad keeps serving.
  t = Valid();
  t.set_display_name(std::string(14 << 20, 'x'));
  EXPECT_EQ(CreateT2(t).error_code(), StatusCode::RESOURCE_EXHAUSTED);
  ASSERT_OK_AND_ASSIGN(auto serving, rotad_->HealthStatus());
  EXPECT_EQ(serving, grpc::health::v1::HealthCheckResponse::SERVING);
  ExpectUnchanged(before, State());
}

TEST_F(LimitsE2eTest, ControlCharactersAreRefusedInEveryStringField) {
  const CountyState before = State();
  rota::v1::Teacher t = Valid();
  t.set_display_name(std::string("王\0芳", 7));
  grpc::Status s = CreateT2(t);
  EXPECT_TRUE(HasError(s, StatusCode::INVALID_ARGUMENT, "teacher.display_name",
                       "INVALID_FIELD"));
  EXPECT_CONTAINS(DescriptionOf(s, "teacher.display_name"), "U+0000");

  rota::v1::School school = MakeSchool(3);
  school.set_display_name("一中\x1b[31m");
  EXPECT_TRUE(HasError(CreateSchool(reg(), kCounty, "s3", school),
                       StatusCode::INVALID_ARGUMENT, "school.display_name"));

  // Fields that are not resources (checked for every request).
  rota::v1::ListTeachersRequest list;
  list.set_parent(CountyName(kCounty));
  list.set_filter(std::string("gender = MALE\x01", 14));
  rota::v1::ListTeachersResponse listed;
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::ListTeachers, list, &listed),
               StatusCode::INVALID_ARGUMENT, "filter"));

  // A bulk import row: rejected as a row, nothing applied.
  t = Valid();
  t.set_name(TeacherName(kCounty, "t3"));
  t.set_display_name(std::string("李\0四", 7));
  rota::v1::BulkImportResponse response;
  ASSERT_OK(BulkImport(reg(), TeacherChunks(kCounty, {t}), &response));
  EXPECT_EQ(response.rows_applied(), 0);
  ASSERT_GE(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).field(), "teacher.display_name");
  ExpectUnchanged(before, State());
}

TEST_F(LimitsE2eTest, RequestIdsAreBoundToTheMethodAndCounty) {
  rota::v1::School school = MakeSchool(5);
  ASSERT_OK(CreateSchool(reg(), kCounty, "s5", school, nullptr, "rid-1"));
  const CountyState before = State();
  // The same id for another method: refused, never the school as an answer.
  rota::v1::Post post = MakePost(kCounty, "s1", 5);
  rota::v1::Post out;
  grpc::Status s = CreatePost(reg(), kCounty, "p5", post, &out, "rid-1");
  EXPECT_TRUE(HasError(s, StatusCode::INVALID_ARGUMENT, "request_id",
                       "REQUEST_ID_REUSED"));
  ExpectUnchanged(before, State());
  // The retry of the first request still answers with its response.
  rota::v1::School again;
  ASSERT_OK(CreateSchool(reg(), kCounty, "s5", school, &again, "rid-1"));
  EXPECT_EQ(again.name(), SchoolName(kCounty, "s5"));
  ExpectUnchanged(before, State());
  // Another county has its own ids.
  ASSERT_OK(CreateCounty(reg(), "other"));
  EXPECT_OK(CreateSchool(reg(), "other", "s5", school, nullptr, "rid-1"));
}

// FreezeRound then CommitRound with one request id: the two requests
// serialize to the same bytes, yet the commit must not be answered with the
// freeze's stored response.
TEST(LimitsRoundsE2eTest, FreezeThenCommitWithOneRequestIdIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto rotad, RotadProcess::Start());
  rota::tools::CountyGenOptions gen;
  gen.seed = 5;
  gen.schools = 6;
  gen.teachers = 80;
  gen.as_of = "2026-08-15";
  ASSERT_OK_AND_ASSIGN(GeneratedCounty data,
                       GenerateAndImport(*rotad, "rounds", gen));
  RoundClient rc(rotad->channel());
  ASSERT_OK_AND_ASSIGN(
      rota::v1::Round round,
      rc.Create("rounds", rota::v1::EXCHANGE_ROTATION, "2026-09-01"));
  ASSERT_OK(rc.Submit(round.name(), ExchangeApplications(data)));

  rota::v1::FreezeRoundRequest freeze;
  freeze.set_name(round.name());
  freeze.set_request_id("same-id");
  rota::v1::Round frozen;
  ASSERT_OK(Call(rc.stub(), &rota::v1::RoundService::Stub::FreezeRound, freeze,
                 &frozen));
  EXPECT_EQ(frozen.state(), rota::v1::FROZEN);

  rota::v1::CommitRoundRequest commit;
  commit.set_name(round.name());
  commit.set_request_id("same-id");
  rota::v1::Round committed;
  grpc::Status s = Call(rc.stub(), &rota::v1::RoundService::Stub::CommitRound,
                        commit, &committed);
  EXPECT_TRUE(HasError(s, StatusCode::INVALID_ARGUMENT, "request_id",
                       "REQUEST_ID_REUSED"));
  ASSERT_OK_AND_ASSIGN(rota::v1::Round now, rc.Get(round.name()));
  EXPECT_EQ(now.state(), rota::v1::FROZEN);
  // The freeze retried with its id answers with the freeze.
  rota::v1::Round replayed;
  ASSERT_OK(Call(rc.stub(), &rota::v1::RoundService::Stub::FreezeRound, freeze,
                 &replayed));
  EXPECT_EQ(replayed.frozen_sequence(), frozen.frozen_sequence());
}

TEST_F(LimitsE2eTest, ImportRefusesDuplicateIdsNamingBothRows) {
  const CountyState before = State();
  WriteFile(dir_ + "/teachers.csv",
            "id,display_name,gender,birth_date,career_start_date,school,"
            "school_join_date,subjects\n"
            "t7,王芳,female,1985-03-02,2007-08-20,s1,2015-08-25,math\n"
            "t8,李强,male,1984-01-01,2007-08-20,s1,2015-08-25,math\n"
            "t7,张伟,male,1980-01-01,2002-08-20,s1,2002-08-20,chinese\n");
  const CliResult r = Rotactl(
      {"--county", kCounty, "import", "teachers", dir_ + "/teachers.csv"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "rows 2 and 4 (lines 2 and 4) both have id \"t7\"");
  EXPECT_CONTAINS(r.err, "nothing was imported");
  ExpectUnchanged(before, State());
}

TEST_F(LimitsE2eTest, BulkImportRejectsEveryRowOfADuplicatedId) {
  const CountyState before = State();
  rota::v1::Teacher first = MakeTeacher(kCounty, "s1", 3);
  first.set_name(TeacherName(kCounty, "t3"));
  rota::v1::Teacher second = MakeTeacher(kCounty, "s1", 4);
  second.set_name(TeacherName(kCounty, "t3"));
  rota::v1::BulkImportResponse response;
  ASSERT_OK(BulkImport(reg(), TeacherChunks(kCounty, {first, second}, 500, 2),
                       &response));
  EXPECT_EQ(response.rows_applied(), 0);
  EXPECT_EQ(response.rows_rejected(), 2);
  ASSERT_EQ(response.errors_size(), 2);
  for (const auto& e : response.errors()) {
    EXPECT_EQ(e.field(), "teacher.name");
    EXPECT_CONTAINS(e.reason(), "rows 2, 3 of this chunk all name");
  }
  ExpectUnchanged(before, State());
}

TEST_F(LimitsE2eTest, ImportRefusesFilesThatAreNotUtf8OrHoldControls) {
  const CountyState before = State();
  // Line 3 holds "Café" in Latin-1 (E9): neither UTF-8 nor GBK Chinese
  // (GBK is converted: tests/import_excel_e2e_test.cc).
  WriteFile(dir_ + "/gbk.csv",
            "id,display_name,gender,birth_date,career_start_date,school,"
            "school_join_date,subjects\n"
            "t7,Wang,female,1985-03-02,2007-08-20,s1,2015-08-25,math\n"
            "t8,Caf\xE9,female,1985-03-02,2007-08-20,s1,2015-08-25,"
            "math\n");
  CliResult r =
      Rotactl({"--county", kCounty, "import", "teachers", dir_ + "/gbk.csv"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "line 3");
  EXPECT_CONTAINS(r.err, "save it as UTF-8");

  static constexpr char kNul[] =
      "id,display_name,gender,birth_date,career_start_date,school,"
      "school_join_date,subjects\n"
      "t7,王\0芳,female,1985-03-02,2007-08-20,s1,2015-08-25,math\n";
  WriteFile(dir_ + "/nul.csv", std::string(kNul, sizeof(kNul) - 1));
  r = Rotactl({"--county", kCounty, "import", "teachers", dir_ + "/nul.csv"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "row 2 (line 2), column 4");
  EXPECT_CONTAINS(r.err, "U+0000");
  ExpectUnchanged(before, State());
}

TEST_F(LimitsE2eTest, ImportRetryReplaysButADeliberateRerunApplies) {
  // Row 3 names a school that does not exist yet.
  WriteFile(dir_ + "/teachers.csv",
            "id,display_name,gender,birth_date,career_start_date,school,"
            "school_join_date,subjects\n"
            "t7,王芳,female,1985-03-02,2007-08-20,s1,2015-08-25,math\n"
            "t8,李强,male,1984-01-01,2007-08-20,s9,2015-08-25,math\n");
  CliResult r = Rotactl(
      {"--county", kCounty, "import", "teachers", dir_ + "/teachers.csv"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "rejected row 3, field teacher.school");
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(r.out, m, std::regex(R"(import id ([0-9a-f]{16})\))")))
      << r.out;
  const std::string import_id = m[1];

  // The cause is fixed: school s9 now exists.
  ASSERT_OK(CreateSchool(reg(), kCounty, "s9", MakeSchool(9)));
  const CountyState fixed = State();

  // Retrying the first attempt replays its answer and applies nothing.
  r = Rotactl({"--county", kCounty, "import", "teachers",
               dir_ + "/teachers.csv", "--request-id", import_id});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "rejected row 3, field teacher.school");
  ExpectUnchanged(fixed, State(), "after a retry");

  // A new run of the unchanged file is applied.
  r = Rotactl(
      {"--county", kCounty, "import", "teachers", dir_ + "/teachers.csv"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "2 rows, 2 applied, 0 rejected");
  rota::v1::GetTeacherRequest get;
  get.set_name(TeacherName(kCounty, "t8"));
  rota::v1::Teacher t8;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::GetTeacher, get, &t8));
  EXPECT_EQ(t8.school(), SchoolName(kCounty, "s9"));

  // A malformed import id is a usage error.
  r = Rotactl({"--county", kCounty, "import", "teachers",
               dir_ + "/teachers.csv", "--request-id", "bad id!"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

TEST_F(LimitsE2eTest, NonAsciiActorWorksAndIsRecorded) {
  CliResult r = Rotactl({"county", "list"}, {"ROTA_ACTOR=王芳"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Rotactl({"county", "create", "c2", "--name", "测试县"},
              {"ROTA_ACTOR=王芳"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Through gRPC directly too (the -bin metadata key).
  {
    rota::v1::CreateSchoolRequest req;
    req.set_parent(CountyName("c2"));
    req.set_school_id("s1");
    *req.mutable_school() = MakeSchool(1);
    rota::v1::School out;
    std::unique_ptr<grpc::ClientContext> ctx =
        NewContext(absl::Seconds(30), "李四 (人事科)");
    ASSERT_OK(reg().CreateSchool(ctx.get(), req, &out));
  }
  rota::v1::ListEventsRequest list;
  list.set_county(CountyName("c2"));
  rota::v1::ListEventsResponse events;
  ASSERT_OK(
      Call(audit(), &rota::v1::AuditService::Stub::ListEvents, list, &events));
  ASSERT_EQ(events.events_size(), 2);
  EXPECT_EQ(events.events(0).actor(), "王芳");
  EXPECT_EQ(events.events(1).actor(), "李四 (人事科)");

  // rotactl's audit shows her name.
  WriteFile(dir_ + "/teachers.csv",
            "id,display_name,gender,birth_date,career_start_date,school,"
            "school_join_date,subjects\n"
            "t7,赵敏,female,1985-03-02,2007-08-20,s1,2015-08-25,math\n");
  r = Rotactl(
      {"--county", kCounty, "import", "teachers", dir_ + "/teachers.csv"},
      {"ROTA_ACTOR=王芳"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Rotactl({"--county", kCounty, "audit", "history", "t7"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "王芳");
}

}  // namespace
}  // namespace rota::testing
