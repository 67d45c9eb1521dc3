// End-to-end tests of RegistryService.BulkImport against the real rotad:
// valid rows of a chunk are applied atomically (one event per row), invalid
// rows come back with row number and field and are not applied, chunks are
// idempotent by request id, and rows may reference schools created earlier
// in the same chunk.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/registry_test_data.h"
#include "tests/rotad_test_base.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

using grpc::StatusCode;
using rota::v1::RegistryService;

class BulkImportE2eTest : public RotadTest {
 protected:
  static rota::v1::Teacher Row(const std::string& school_id,
                               const std::string& id, int i) {
    rota::v1::Teacher t = MakeTeacher(kCounty, school_id, i);
    t.set_name(TeacherName(kCounty, id));
    return t;
  }

  bool Exists(const std::string& teacher_id) {
    rota::v1::GetTeacherRequest get;
    get.set_name(TeacherName(kCounty, teacher_id));
    rota::v1::Teacher out;
    grpc::Status status =
        Call(reg(), &RegistryService::Stub::GetTeacher, get, &out);
    EXPECT_TRUE(status.ok() || status.error_code() == StatusCode::NOT_FOUND)
        << Describe(status);
    return status.ok();
  }
};

TEST_F(BulkImportE2eTest, ValidRowsAppliedInvalidRowsReportedWithRowAndField) {
  std::vector<rota::v1::BulkImportRequest> chunks(3);
  for (auto& chunk : chunks) chunk.set_parent(CountyName(kCounty));
  chunks[0].set_request_id("import-1/0");
  chunks[1].set_request_id("import-1/1");
  chunks[2].set_request_id("import-1/2");

  // Chunk 0: two schools, then teachers that reference them (same chunk).
  for (int s = 0; s < 2; ++s) {
    auto* row = chunks[0].add_schools();
    row->set_row(2 + s);
    *row->mutable_school() = MakeSchool(s);
    row->mutable_school()->set_name(SchoolName(kCounty, absl::StrCat("s", s)));
  }
  auto* post_row = chunks[0].add_posts();
  post_row->set_row(2);
  *post_row->mutable_post() = MakePost(kCounty, "s1", 1);
  post_row->mutable_post()->set_name(PostName(kCounty, "p1"));
  for (int i = 0; i < 10; ++i) {
    auto* row = chunks[0].add_teachers();
    row->set_row(2 + i);
    *row->mutable_teacher() =
        Row(absl::StrCat("s", i % 2), absl::StrCat("a", i), i);
  }
  // Chunk 1: rows 12..21 with three bad ones.
  std::map<int64_t, std::string> bad_fields;
  for (int i = 0; i < 10; ++i) {
    auto* row = chunks[1].add_teachers();
    row->set_row(12 + i);
    *row->mutable_teacher() = Row("s0", absl::StrCat("b", i), 100 + i);
  }
  chunks[1].mutable_teachers(2)->mutable_teacher()->set_birth_date(
      "2999-01-01");
  bad_fields[14] = "teacher.birth_date";
  chunks[1].mutable_teachers(5)->mutable_teacher()->set_school(
      SchoolName(kCounty, "nope"));
  bad_fields[17] = "teacher.school";
  chunks[1].mutable_teachers(9)->mutable_teacher()->clear_gender();
  bad_fields[21] = "teacher.gender";
  // Chunk 2: five valid rows.
  for (int i = 0; i < 5; ++i) {
    auto* row = chunks[2].add_teachers();
    row->set_row(22 + i);
    *row->mutable_teacher() = Row("s1", absl::StrCat("c", i), 200 + i);
  }

  const int64_t events_before = Events();
  rota::v1::BulkImportResponse response;
  ASSERT_OK(BulkImport(reg(), chunks, &response));
  EXPECT_EQ(response.chunks(), 3);
  EXPECT_EQ(response.rows_received(), 2 + 1 + 10 + 10 + 5);
  EXPECT_EQ(response.rows_rejected(), 3);
  EXPECT_EQ(response.rows_applied(), 2 + 1 + 10 + 7 + 5);
  std::map<int64_t, std::string> got_fields;
  for (const auto& error : response.errors()) {
    EXPECT_FALSE(error.reason().empty()) << error.row();
    got_fields[error.row()] = error.field();
  }
  EXPECT_EQ(got_fields, bad_fields);
  // One event per applied row.
  EXPECT_EQ(Events(), events_before + response.rows_applied());

  for (int i = 0; i < 10; ++i) EXPECT_TRUE(Exists(absl::StrCat("a", i))) << i;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(Exists(absl::StrCat("b", i)), i != 2 && i != 5 && i != 9) << i;
  }
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(Exists(absl::StrCat("c", i))) << i;
  ASSERT_OK_AND_ASSIGN(auto schools, ListAllSchools(reg(), kCounty));
  EXPECT_EQ(schools.size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto posts, ListAllPosts(reg(), kCounty));
  EXPECT_EQ(posts.size(), 1u);

  // The imported rows are exactly what was sent.
  rota::v1::GetTeacherRequest get;
  get.set_name(TeacherName(kCounty, "c3"));
  rota::v1::Teacher got;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::GetTeacher, get, &got));
  rota::v1::Teacher want = chunks[2].teachers(3).teacher();
  got.clear_etag();
  got.clear_create_time();
  got.clear_update_time();
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString())
      << got.DebugString();

  // Replaying the same chunks (same request ids) applies nothing and returns
  // the same per-row results.
  const CountyState before_replay = State();
  rota::v1::BulkImportResponse replay;
  ASSERT_OK(BulkImport(reg(), chunks, &replay));
  EXPECT_EQ(replay.rows_applied(), response.rows_applied());
  EXPECT_EQ(replay.rows_rejected(), response.rows_rejected());
  ExpectUnchanged(before_replay, State(), "replayed import");

  // Re-running without request ids is an upsert: reported as applied.
  for (auto& chunk : chunks) chunk.clear_request_id();
  rota::v1::BulkImportResponse rerun;
  ASSERT_OK(BulkImport(reg(), chunks, &rerun));
  EXPECT_EQ(rerun.rows_applied(), response.rows_applied());
  EXPECT_EQ(rerun.rows_rejected(), 3);
  ASSERT_OK_AND_ASSIGN(auto teachers, ListAllTeachers(reg(), kCounty));
  EXPECT_EQ(teachers.size(), 10u + 7u + 5u);
}

TEST_F(BulkImportE2eTest, ChunkWithOnlyBadRowsChangesNothing) {
  ASSERT_OK(CreateSchool(reg(), kCounty, "s0", MakeSchool(0)));
  const CountyState before = State();
  std::vector<rota::v1::Teacher> rows;
  for (int i = 0; i < 4; ++i) {
    rows.push_back(Row("s0", absl::StrCat("x", i), i));
    rows.back().set_birth_date("1999-02-31");
  }
  rota::v1::BulkImportResponse response;
  ASSERT_OK(
      BulkImport(reg(), TeacherChunks(kCounty, rows, 500, 100), &response));
  EXPECT_EQ(response.rows_applied(), 0);
  EXPECT_EQ(response.rows_rejected(), 4);
  ASSERT_EQ(response.errors_size(), 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(response.errors(i).row(), 100 + i);
    EXPECT_EQ(response.errors(i).field(), "teacher.birth_date");
  }
  ExpectUnchanged(before, State(), "chunk of bad rows");
}

TEST_F(BulkImportE2eTest, RowReferencingAnotherCountysSchoolIsRejected) {
  ASSERT_OK(CreateCounty(reg(), "other"));
  ASSERT_OK(CreateSchool(reg(), "other", "so", MakeSchool(0)));
  ASSERT_OK(CreateSchool(reg(), kCounty, "s0", MakeSchool(1)));
  const CountyState before_other = State("other");
  std::vector<rota::v1::Teacher> rows = {Row("s0", "ok1", 1),
                                         Row("s0", "cross", 2)};
  rows[1].set_school(SchoolName("other", "so"));
  rota::v1::BulkImportResponse response;
  ASSERT_OK(BulkImport(reg(), TeacherChunks(kCounty, rows, 500, 1), &response));
  EXPECT_EQ(response.rows_applied(), 1);
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).row(), 2);
  EXPECT_EQ(response.errors(0).field(), "teacher.school");
  EXPECT_TRUE(Exists("ok1"));
  EXPECT_FALSE(Exists("cross"));
  ExpectUnchanged(before_other, State("other"), "the other county");

  // A row whose name puts it in another county than the stream's parent.
  rows = {Row("s0", "ok2", 3)};
  rows[0].set_name(TeacherName("other", "ok2"));
  ASSERT_OK(BulkImport(reg(), TeacherChunks(kCounty, rows, 500, 7), &response));
  EXPECT_EQ(response.rows_applied(), 0);
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).row(), 7);
  ExpectUnchanged(before_other, State("other"), "the other county");
}

TEST_F(BulkImportE2eTest, StreamErrors) {
  ASSERT_OK(CreateSchool(reg(), kCounty, "s0", MakeSchool(0)));
  ASSERT_OK(CreateCounty(reg(), "other"));
  const CountyState before_other = State("other");
  // Chunks of one stream must share the parent.
  std::vector<rota::v1::BulkImportRequest> chunks =
      TeacherChunks(kCounty, {Row("s0", "m1", 1), Row("s0", "m2", 2)}, 1);
  chunks[1].set_parent(CountyName("other"));
  rota::v1::BulkImportResponse response;
  EXPECT_TRUE(HasError(BulkImport(reg(), chunks, &response),
                       StatusCode::INVALID_ARGUMENT, "parent"));
  ExpectUnchanged(before_other, State("other"), "the other county");

  // Unknown county.
  chunks = TeacherChunks("nosuch", {Row("s0", "m3", 3)}, 1);
  grpc::Status status = BulkImport(reg(), chunks, &response);
  EXPECT_TRUE(status.error_code() == StatusCode::FAILED_PRECONDITION ||
              status.error_code() == StatusCode::NOT_FOUND)
      << Describe(status);

  // An empty stream is fine and changes nothing.
  const CountyState before = State();
  ASSERT_OK(BulkImport(reg(), {}, &response));
  EXPECT_EQ(response.rows_received(), 0);
  EXPECT_EQ(response.chunks(), 0);
  ExpectUnchanged(before, State(), "empty import");
}

TEST_F(BulkImportE2eTest, LargeImportInChunksOf500) {
  for (int s = 0; s < 5; ++s) {
    ASSERT_OK(
        CreateSchool(reg(), kCounty, absl::StrCat("s", s), MakeSchool(s)));
  }
  std::vector<rota::v1::Teacher> rows;
  for (int i = 0; i < 2600; ++i) {
    rows.push_back(
        Row(absl::StrCat("s", i % 5), absl::StrCat("3501", 100000 + i), i));
  }
  std::vector<rota::v1::BulkImportRequest> chunks =
      TeacherChunks(kCounty, rows, 500, 2, "big");
  for (const auto& chunk : chunks) EXPECT_LT(chunk.ByteSizeLong(), 1u << 20);
  const int64_t events_before = Events();
  rota::v1::BulkImportResponse response;
  ASSERT_OK(BulkImport(reg(), chunks, &response));
  EXPECT_EQ(response.chunks(), 6);
  EXPECT_EQ(response.rows_applied(), 2600);
  EXPECT_EQ(response.rows_rejected(), 0);
  EXPECT_EQ(Events(), events_before + 2600);
  ASSERT_OK_AND_ASSIGN(auto teachers, ListAllTeachers(reg(), kCounty));
  ASSERT_EQ(teachers.size(), rows.size());
  std::set<std::string> names;
  for (const auto& t : teachers) names.insert(t.name());
  for (const auto& t : rows) EXPECT_EQ(names.count(t.name()), 1u) << t.name();
  ASSERT_OK_AND_ASSIGN(auto music,
                       ListAllTeachers(reg(), kCounty, "subject = \"music\""));
  size_t want_music = 0;
  for (const auto& t : rows) {
    want_music +=
        std::count(t.subjects().begin(), t.subjects().end(), "music") > 0;
  }
  EXPECT_EQ(music.size(), want_music);

  // The county summary agrees with what was imported.
  rota::v1::GetCountySummaryRequest summary_req;
  summary_req.set_name(CountyName(kCounty));
  rota::v1::CountySummary summary;
  ASSERT_OK(Call(reg(), &RegistryService::Stub::GetCountySummary, summary_req,
                 &summary));
  EXPECT_EQ(summary.schools(), 5);
  EXPECT_EQ(summary.teachers(), 2600);
  int64_t headcount = 0;
  for (int s = 0; s < 5; ++s) headcount += MakeSchool(s).headcount();
  EXPECT_EQ(summary.headcount(), headcount);
  int64_t female = 0;
  for (const auto& t : rows) female += t.gender() == rota::v1::FEMALE;
  bool found_female = false;
  for (const auto& c : summary.teachers_by_gender()) {
    if (c.key() == "FEMALE") {
      found_female = true;
      EXPECT_EQ(c.count(), female);
    }
  }
  EXPECT_TRUE(found_female) << summary.DebugString();
  ASSERT_OK_AND_ASSIGN(auto chain, VerifyChain(audit(), kCounty));
  EXPECT_EQ(summary.events(), chain.events());
  EXPECT_EQ(summary.head_hash(), chain.head_hash());
}

}  // namespace
}  // namespace rota::testing
