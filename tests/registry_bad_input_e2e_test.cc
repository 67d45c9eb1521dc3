// End-to-end tests of bad input (issue 3, item 4) against the real rotad:
// each request gets the right code, a BadRequest violation on the right
// field, the right ErrorInfo reason, and changes nothing (same event log head
// and the same resources with the same etags).
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

class BadInputE2eTest : public RotadTest {
 protected:
  void SetUp() override {
    RotadTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK(CreateSchool(reg(), kCounty, "s1", MakeSchool(1)));
    ASSERT_OK(CreatePost(reg(), kCounty, "p1", MakePost(kCounty, "s1", 1)));
    ASSERT_OK(CreateTeacher(reg(), kCounty, "t1", MakeTeacher(kCounty, "s1", 1),
                            &existing_));
    ASSERT_OK(CreateCounty(reg(), "other"));
    ASSERT_OK(CreateSchool(reg(), "other", "s-other", MakeSchool(2)));
    before_ = State();
    other_before_ = State("other");
  }

  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      ExpectUnchanged(before_, State(), "county after the rejected request");
      ExpectUnchanged(other_before_, State("other"),
                      "other county after the rejected request");
    }
  }

  // CreateTeacher("t2") with `teacher`.
  grpc::Status CreateT2(const rota::v1::Teacher& teacher) {
    rota::v1::Teacher out;
    return CreateTeacher(reg(), kCounty, "t2", teacher, &out);
  }
  rota::v1::Teacher Valid() {
    return MakeTeacher(kCounty, "s1", 2, /*every_field=*/true);
  }

  rota::v1::Teacher existing_;
  CountyState before_;
  CountyState other_before_;
};

TEST_F(BadInputE2eTest, MissingRequiredTeacherFields) {
  struct Case {
    std::string field;
    void (*clear)(rota::v1::Teacher*);
  };
  const std::vector<Case> cases = {
      {"teacher.display_name",
       [](rota::v1::Teacher* t) { t->clear_display_name(); }},
      {"teacher.gender", [](rota::v1::Teacher* t) { t->clear_gender(); }},
      {"teacher.birth_date",
       [](rota::v1::Teacher* t) { t->clear_birth_date(); }},
      {"teacher.career_start_date",
       [](rota::v1::Teacher* t) { t->clear_career_start_date(); }},
      {"teacher.school", [](rota::v1::Teacher* t) { t->clear_school(); }},
      {"teacher.school_join_date",
       [](rota::v1::Teacher* t) { t->clear_school_join_date(); }},
      {"teacher.subjects", [](rota::v1::Teacher* t) { t->clear_subjects(); }},
  };
  for (const Case& c : cases) {
    rota::v1::Teacher t = Valid();
    c.clear(&t);
    EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT, c.field,
                         "INVALID_FIELD"))
        << c.field;
  }
  // Missing ids and parents.
  rota::v1::Teacher out;
  EXPECT_TRUE(HasError(CreateTeacher(reg(), kCounty, "", Valid(), &out),
                       StatusCode::INVALID_ARGUMENT, "teacher_id",
                       "INVALID_FIELD"));
  rota::v1::CreateTeacherRequest req;
  req.set_teacher_id("t2");
  *req.mutable_teacher() = Valid();
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::CreateTeacher, req, &out),
               StatusCode::INVALID_ARGUMENT, "parent", "INVALID_FIELD"));
}

TEST_F(BadInputE2eTest, MissingRequiredSchoolAndPostFields) {
  rota::v1::School school = MakeSchool(3);
  school.clear_display_name();
  EXPECT_TRUE(HasError(CreateSchool(reg(), kCounty, "s3", school),
                       StatusCode::INVALID_ARGUMENT, "school.display_name",
                       "INVALID_FIELD"));
  school = MakeSchool(3);
  school.clear_locality();
  EXPECT_TRUE(HasError(CreateSchool(reg(), kCounty, "s3", school),
                       StatusCode::INVALID_ARGUMENT, "school.locality",
                       "INVALID_FIELD"));
  school = MakeSchool(3);
  school.clear_stages();
  EXPECT_TRUE(HasError(CreateSchool(reg(), kCounty, "s3", school),
                       StatusCode::INVALID_ARGUMENT, "school.stages",
                       "INVALID_FIELD"));
  rota::v1::Post post = MakePost(kCounty, "s1", 2);
  post.clear_subject();
  EXPECT_TRUE(HasError(CreatePost(reg(), kCounty, "p2", post),
                       StatusCode::INVALID_ARGUMENT, "post.subject",
                       "INVALID_FIELD"));
  post = MakePost(kCounty, "s1", 2);
  post.clear_title_band();
  EXPECT_TRUE(HasError(CreatePost(reg(), kCounty, "p2", post),
                       StatusCode::INVALID_ARGUMENT, "post.title_band",
                       "INVALID_FIELD"));
  rota::v1::County county;
  rota::v1::CreateCountyRequest req;
  req.set_county_id("nameless");
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::CreateCounty, req, &county),
      StatusCode::INVALID_ARGUMENT, "county.display_name", "INVALID_FIELD"));
}

TEST_F(BadInputE2eTest, InvalidIds) {
  for (const std::string& id : std::vector<std::string>{
           "Upper", "-lead", "has space", "a/b", std::string(64, 'a'), "ü"}) {
    EXPECT_TRUE(HasError(CreateSchool(reg(), kCounty, id, MakeSchool(3)),
                         StatusCode::INVALID_ARGUMENT, "school_id"))
        << id;
  }
}

TEST_F(BadInputE2eTest, UnknownSchool) {
  rota::v1::Teacher t = Valid();
  t.set_school(SchoolName(kCounty, "no-such-school"));
  EXPECT_TRUE(
      HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT, "teacher.school"));
  t.set_school("not a resource name");
  EXPECT_TRUE(
      HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT, "teacher.school"));
  rota::v1::Post post = MakePost(kCounty, "no-such-school", 2);
  EXPECT_TRUE(HasError(CreatePost(reg(), kCounty, "p2", post),
                       StatusCode::INVALID_ARGUMENT, "post.school"));
}

TEST_F(BadInputE2eTest, SchoolOfAnotherCounty) {
  rota::v1::Teacher t = Valid();
  t.set_school(SchoolName("other", "s-other"));
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                       "teacher.school", "CROSS_COUNTY_REFERENCE"));
  rota::v1::Post post = MakePost("other", "s-other", 2);
  EXPECT_TRUE(HasError(CreatePost(reg(), kCounty, "p2", post),
                       StatusCode::INVALID_ARGUMENT, "post.school",
                       "CROSS_COUNTY_REFERENCE"));
  // Moving an existing teacher to another county's school by Update.
  rota::v1::UpdateTeacherRequest update;
  update.mutable_teacher()->set_name(existing_.name());
  update.mutable_teacher()->set_school(SchoolName("other", "s-other"));
  update.mutable_update_mask()->add_paths("school");
  rota::v1::Teacher out;
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::UpdateTeacher, update, &out),
               StatusCode::INVALID_ARGUMENT, "teacher.school",
               "CROSS_COUNTY_REFERENCE"));
}

TEST_F(BadInputE2eTest, BirthDateAfterCareerStart) {
  rota::v1::Teacher t = Valid();
  t.set_birth_date("2001-05-01");
  t.set_career_start_date("2000-09-01");
  t.set_school_join_date("2000-09-01");
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                       "teacher.birth_date", "INVALID_FIELD"));
  // Younger than 16 at career start.
  t.set_birth_date("1990-01-01");
  t.set_career_start_date("2000-09-01");
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT));
}

TEST_F(BadInputE2eTest, BirthDateInTheFuture) {
  rota::v1::Teacher t = Valid();
  t.set_birth_date("2999-01-01");
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                       "teacher.birth_date", "INVALID_FIELD"));
}

TEST_F(BadInputE2eTest, MalformedDates) {
  for (const std::string date :
       {"1985-02-30", "1985-13-01", "85-01-01", "1985/01/01", "yesterday",
        "1985-1-1", "1985-01-01T00:00:00Z"}) {
    rota::v1::Teacher t = Valid();
    t.set_birth_date(date);
    EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                         "teacher.birth_date"))
        << date;
  }
  rota::v1::Teacher t = Valid();
  t.set_school_join_date("1970-01-01");  // before career start
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                       "teacher.school_join_date"));
}

TEST_F(BadInputE2eTest, DuplicateStaffIdIsAlreadyExists) {
  rota::v1::Teacher out;
  EXPECT_TRUE(HasError(CreateTeacher(reg(), kCounty, "t1", Valid(), &out),
                       StatusCode::ALREADY_EXISTS, "", "ALREADY_EXISTS"));
  EXPECT_TRUE(HasError(CreateSchool(reg(), kCounty, "s1", MakeSchool(5)),
                       StatusCode::ALREADY_EXISTS, "", "ALREADY_EXISTS"));
}

TEST_F(BadInputE2eTest, EnumOutOfRange) {
  rota::v1::Teacher t = Valid();
  t.set_gender(static_cast<rota::v1::Gender>(99));
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                       "teacher.gender", "INVALID_FIELD"));
  t = Valid();
  t.set_title(static_cast<rota::v1::Title>(-3));
  EXPECT_TRUE(
      HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT, "teacher.title"));
  t = Valid();
  t.set_certificate_stages(0, static_cast<rota::v1::Stage>(42));
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                       "teacher.certificate_stages[0]"));
  rota::v1::School school = MakeSchool(3);
  school.set_locality(static_cast<rota::v1::Locality>(7));
  EXPECT_TRUE(HasError(CreateSchool(reg(), kCounty, "s3", school),
                       StatusCode::INVALID_ARGUMENT, "school.locality"));
  rota::v1::Post post = MakePost(kCounty, "s1", 2);
  post.set_title_band(static_cast<rota::v1::Title>(1000));
  EXPECT_TRUE(HasError(CreatePost(reg(), kCounty, "p2", post),
                       StatusCode::INVALID_ARGUMENT, "post.title_band"));
}

TEST_F(BadInputE2eTest, NegativeCounts) {
  rota::v1::Post post = MakePost(kCounty, "s1", 2);
  post.set_count(-1);
  EXPECT_TRUE(HasError(CreatePost(reg(), kCounty, "p2", post),
                       StatusCode::INVALID_ARGUMENT, "post.count",
                       "INVALID_FIELD"));
  rota::v1::School school = MakeSchool(3);
  school.set_headcount(-5);
  EXPECT_TRUE(HasError(CreateSchool(reg(), kCounty, "s3", school),
                       StatusCode::INVALID_ARGUMENT, "school.headcount",
                       "INVALID_FIELD"));
  // Through Update as well.
  rota::v1::UpdatePostRequest update;
  update.mutable_post()->set_name(PostName(kCounty, "p1"));
  update.mutable_post()->set_count(-2);
  update.mutable_update_mask()->add_paths("count");
  rota::v1::Post out;
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::UpdatePost, update, &out),
               StatusCode::INVALID_ARGUMENT, "post.count"));
}

TEST_F(BadInputE2eTest, NegativePageSizeAndMalformedPageToken) {
  rota::v1::ListSchoolsRequest req;
  req.set_parent(CountyName(kCounty));
  req.set_page_size(-10);
  rota::v1::ListSchoolsResponse resp;
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::ListSchools, req, &resp),
               StatusCode::INVALID_ARGUMENT, "page_size", "INVALID_FIELD"));
  req.set_page_size(10);
  req.set_page_token("this-is-not-a-token");
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::ListSchools, req, &resp),
      StatusCode::INVALID_ARGUMENT, "page_token", "INVALID_PAGE_TOKEN"));
}

TEST_F(BadInputE2eTest, ThreeMegabyteName) {
  // Under rotad's 4 MB receive limit: validation names the field.
  rota::v1::Teacher t = Valid();
  t.set_display_name(std::string(3 << 20, 'x'));
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                       "teacher.display_name", "INVALID_FIELD"));
  rota::v1::School school = MakeSchool(3);
  school.set_display_name(std::string(3 << 20, 'x'));
  EXPECT_TRUE(HasError(CreateSchool(reg(), kCounty, "s3", school),
                       StatusCode::INVALID_ARGUMENT, "school.display_name",
                       "INVALID_FIELD"));
  // 201 characters (of 3 bytes each) is one too many; 200 is fine.
  std::string name;
  for (int i = 0; i < 201; ++i) name += "张";
  t = Valid();
  t.set_display_name(name);
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                       "teacher.display_name"));
}

TEST_F(BadInputE2eTest, InvalidUtf8) {
  rota::v1::Teacher t = Valid();
  t.set_display_name("\xE5\xBC\xA0\xFF\xFE");  // 张 then two invalid bytes
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT,
                       "teacher.display_name", "INVALID_FIELD"));
  t = Valid();
  t.mutable_hardships(0)->set_note("\xC3\x28");
  EXPECT_TRUE(HasError(CreateT2(t), StatusCode::INVALID_ARGUMENT));
  rota::v1::School school = MakeSchool(3);
  school.set_zone("\xED\xA0\x80");  // an encoded surrogate is not UTF-8
  EXPECT_TRUE(HasError(CreateSchool(reg(), kCounty, "s3", school),
                       StatusCode::INVALID_ARGUMENT));
}

TEST_F(BadInputE2eTest, BadRequestIdAndMissingResources) {
  rota::v1::Teacher out;
  EXPECT_TRUE(HasError(
      CreateTeacher(reg(), kCounty, "t2", Valid(), &out, std::string(129, 'r')),
      StatusCode::INVALID_ARGUMENT, "request_id"));
  EXPECT_TRUE(
      HasError(CreateTeacher(reg(), kCounty, "t2", Valid(), &out, "bad\nid"),
               StatusCode::INVALID_ARGUMENT, "request_id"));
  rota::v1::GetTeacherRequest get;
  get.set_name(TeacherName(kCounty, "nobody"));
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::GetTeacher, get, &out),
               StatusCode::NOT_FOUND));
  get.set_name("teachers/t1");
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::GetTeacher, get, &out),
               StatusCode::INVALID_ARGUMENT, "name"));
  rota::v1::UpdateTeacherRequest update;
  update.mutable_teacher()->set_name(TeacherName(kCounty, "nobody"));
  update.mutable_update_mask()->add_paths("title");
  EXPECT_TRUE(
      HasError(Call(reg(), &RegistryService::Stub::UpdateTeacher, update, &out),
               StatusCode::NOT_FOUND));
  rota::v1::DeleteTeacherRequest del;
  del.set_name(TeacherName(kCounty, "nobody"));
  rota::v1::DeleteResponse deleted;
  EXPECT_TRUE(HasError(
      Call(reg(), &RegistryService::Stub::DeleteTeacher, del, &deleted),
      StatusCode::NOT_FOUND));
}

}  // namespace
}  // namespace rota::testing
