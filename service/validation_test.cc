#include "service/validation.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "rota/v1/registry.pb.h"

namespace rota::service {
namespace {

using rota::v1::Teacher;

const absl::CivilDay kToday(2026, 6, 1);

Teacher ValidTeacher() {
  Teacher t;
  t.set_display_name("李老师");
  t.set_gender(rota::v1::FEMALE);
  t.set_birth_date("1985-03-04");
  t.set_career_start_date("2007-09-01");
  t.set_school("counties/a/schools/s1");
  t.set_school_join_date("2015-09-01");
  t.add_subjects("math");
  t.add_certificate_stages(rota::v1::PRIMARY);
  return t;
}

ExistsFn OnlySchoolS1() {
  return [](absl::string_view collection,
            absl::string_view id) -> absl::StatusOr<bool> {
    return collection == kSchools && id == "s1";
  };
}

std::set<std::string> Fields(const Violations& v) {
  std::set<std::string> out;
  for (const auto& fv : v.bad_request().field_violations())
    out.insert(fv.field());
  return out;
}

Violations Check(const Teacher& t) {
  Violations v;
  EXPECT_TRUE(
      ValidateTeacher(t, "a", "teacher.", kToday, OnlySchoolS1(), v).ok());
  return v;
}

TEST(ValidationTest, ValidTeacherPasses) {
  EXPECT_TRUE(Check(ValidTeacher()).empty());
}

TEST(ValidationTest, MissingRequiredFieldsAreAllReported) {
  Violations v = Check(Teacher());
  std::set<std::string> f = Fields(v);
  for (const char* field :
       {"teacher.display_name", "teacher.gender", "teacher.birth_date",
        "teacher.career_start_date", "teacher.school",
        "teacher.school_join_date", "teacher.subjects"}) {
    EXPECT_TRUE(f.count(field)) << field;
  }
}

TEST(ValidationTest, UnknownSchool) {
  Teacher t = ValidTeacher();
  t.set_school("counties/a/schools/nope");
  EXPECT_EQ(Fields(Check(t)), std::set<std::string>{"teacher.school"});
}

TEST(ValidationTest, SchoolOfAnotherCounty) {
  Teacher t = ValidTeacher();
  t.set_school("counties/b/schools/s1");
  Violations v = Check(t);
  EXPECT_EQ(Fields(v), std::set<std::string>{"teacher.school"});
  EXPECT_EQ(v.reason(), kReasonCrossCounty);
}

// A message quoting a cell cuts it at a character, never inside one: the
// violation goes into a protobuf string, which must be valid UTF-8 (a cut
// inside 配 made the server's response fail to serialize).
TEST(ValidationTest, QuotedCellIsCutAtACharacter) {
  Teacher t = ValidTeacher();
  t.add_free_half_days("spouse_separation|配偶在外县工作");
  Violations v = Check(t);
  ASSERT_EQ(Fields(v), std::set<std::string>{"teacher.free_half_days[0]"});
  const std::string& description =
      v.bad_request().field_violations(0).description();
  EXPECT_TRUE(rota::Utf8Length(description).has_value()) << description;
  EXPECT_NE(description.find("\"spouse_separation|\""), std::string::npos)
      << description;
}

TEST(ValidationTest, BirthDateRules) {
  Teacher t = ValidTeacher();
  t.set_birth_date("2010-01-01");  // after career start
  EXPECT_TRUE(Fields(Check(t)).count("teacher.birth_date"));
  t.set_birth_date("2027-01-01");  // in the future
  EXPECT_TRUE(Fields(Check(t)).count("teacher.birth_date"));
  t.set_birth_date("1995-01-01");  // 12 at career start
  EXPECT_TRUE(Fields(Check(t)).count("teacher.career_start_date"));
  t.set_birth_date("1985-02-30");  // not a calendar date
  EXPECT_TRUE(Fields(Check(t)).count("teacher.birth_date"));
  t.set_birth_date("85-03-04");
  EXPECT_TRUE(Fields(Check(t)).count("teacher.birth_date"));
}

TEST(ValidationTest, JoinDateNotBeforeCareerStart) {
  Teacher t = ValidTeacher();
  t.set_school_join_date("2006-01-01");
  EXPECT_EQ(Fields(Check(t)),
            std::set<std::string>{"teacher.school_join_date"});
}

TEST(ValidationTest, TermExchangeFields) {
  auto check = [](const Teacher& t) {
    Violations v;
    auto two_schools = [](absl::string_view collection,
                          absl::string_view id) -> absl::StatusOr<bool> {
      return collection == kSchools && (id == "s1" || id == "s2");
    };
    EXPECT_TRUE(
        ValidateTeacher(t, "a", "teacher.", kToday, two_schools, v).ok());
    return Fields(v);
  };
  Teacher t = ValidTeacher();
  t.set_home_school("counties/a/schools/s2");
  t.set_term_end_date("2029-09-01");  // may lie in the future
  EXPECT_TRUE(check(t).empty());
  t.set_home_school("counties/a/schools/s1");  // her own school
  EXPECT_EQ(check(t), std::set<std::string>{"teacher.home_school"});
  t.set_home_school("counties/a/schools/s9");  // unknown
  EXPECT_EQ(check(t), std::set<std::string>{"teacher.home_school"});
  t.set_home_school("");  // a term end without a home
  EXPECT_EQ(check(t), std::set<std::string>{"teacher.home_school"});
  t.set_home_school("counties/a/schools/s2");
  t.set_term_end_date("");  // a home without a term end
  EXPECT_EQ(check(t), std::set<std::string>{"teacher.term_end_date"});
  t.set_term_end_date("2029-02-30");
  EXPECT_EQ(check(t), std::set<std::string>{"teacher.term_end_date"});
}

TEST(ValidationTest, RoleStartDateBetweenCareerStartAndToday) {
  Teacher t = ValidTeacher();
  t.set_role(rota::v1::PRINCIPAL);
  t.set_role_start_date("2019-09-01");
  EXPECT_TRUE(Fields(Check(t)).empty());
  t.set_role_start_date("2006-01-01");  // before career start
  EXPECT_EQ(Fields(Check(t)), std::set<std::string>{"teacher.role_start_date"});
  t.set_role_start_date("2026-06-02");  // after today
  EXPECT_EQ(Fields(Check(t)), std::set<std::string>{"teacher.role_start_date"});
  t.set_role_start_date("2019-02-30");
  EXPECT_EQ(Fields(Check(t)), std::set<std::string>{"teacher.role_start_date"});
}

TEST(ValidationTest, EnumOutOfRange) {
  Teacher t = ValidTeacher();
  t.set_gender(static_cast<rota::v1::Gender>(42));
  t.set_title(static_cast<rota::v1::Title>(-1));
  t.add_certificate_stages(static_cast<rota::v1::Stage>(99));
  EXPECT_EQ(Fields(Check(t)),
            (std::set<std::string>{"teacher.gender", "teacher.title",
                                   "teacher.certificate_stages[1]"}));
}

TEST(ValidationTest, HugeAndInvalidUtf8Names) {
  Teacher t = ValidTeacher();
  t.set_display_name(std::string(10 << 20, 'x'));
  Violations v = Check(t);
  ASSERT_EQ(Fields(v), std::set<std::string>{"teacher.display_name"});
  EXPECT_LT(v.ToStatus().message().size(), 1000u);  // never echoes the value
  t.set_display_name(std::string("ab\xff", 3));
  EXPECT_EQ(Fields(Check(t)), std::set<std::string>{"teacher.display_name"});
  t.set_display_name(std::string(200, 'x'));
  EXPECT_TRUE(Check(t).empty());
  std::string chinese;
  for (int i = 0; i < 200; ++i) chinese += "永";
  t.set_display_name(chinese);  // 200 characters, 600 bytes
  EXPECT_TRUE(Check(t).empty());
}

TEST(ValidationTest, NestedFieldsAreNamedWithIndexes) {
  Teacher t = ValidTeacher();
  t.add_subjects("Bad Subject");
  auto* spell = t.add_service_history();
  spell->set_school("counties/a/schools/s1");
  spell->set_start_date("2010-01-01");
  spell->set_end_date("2009-01-01");
  t.add_exemptions()->set_kind(rota::v1::EXEMPTION_KIND_UNSPECIFIED);
  t.add_obligations()->set_required_rural_years(-1);
  std::set<std::string> f = Fields(Check(t));
  for (const char* field :
       {"teacher.subjects[1]", "teacher.service_history[0].end_date",
        "teacher.exemptions[0].kind", "teacher.obligations[0].kind",
        "teacher.obligations[0].required_rural_years"}) {
    EXPECT_TRUE(f.count(field)) << field;
  }
}

TEST(ValidationTest, PostRules) {
  rota::v1::Post p;
  p.set_school("counties/a/schools/s1");
  p.set_subject("music");
  p.set_title_band(rota::v1::SENIOR_TITLE);
  p.set_count(3);
  Violations ok;
  ASSERT_TRUE(ValidatePost(p, "a", "post.", OnlySchoolS1(), ok).ok());
  EXPECT_TRUE(ok.empty());
  p.set_count(-1);
  p.set_title_band(rota::v1::NO_TITLE);
  p.set_school("counties/a/schools/s9");
  Violations v;
  ASSERT_TRUE(ValidatePost(p, "a", "post.", OnlySchoolS1(), v).ok());
  EXPECT_EQ(Fields(v), (std::set<std::string>{"post.count", "post.title_band",
                                              "post.school"}));
}

TEST(ValidationTest, SchoolRules) {
  rota::v1::School s;
  s.set_headcount(-5);
  s.add_stages(rota::v1::STAGE_UNSPECIFIED);
  s.mutable_location()->set_latitude(200);
  Violations v;
  ValidateSchool(s, "school.", v);
  EXPECT_EQ(Fields(v),
            (std::set<std::string>{
                "school.display_name", "school.stages[0]", "school.locality",
                "school.location.latitude", "school.headcount"}));
}

TEST(ValidationTest, IdsAndNames) {
  EXPECT_TRUE(IsValidId("yongan"));
  EXPECT_TRUE(IsValidId("t-0001_x"));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("-x"));
  EXPECT_FALSE(IsValidId("Upper"));
  EXPECT_FALSE(IsValidId(std::string(64, 'a')));
  EXPECT_EQ(ParseCountyName("counties/yongan"), "yongan");
  EXPECT_FALSE(ParseCountyName("counties/").has_value());
  auto child = ParseChildName("counties/a/teachers/t1", kTeachers);
  ASSERT_TRUE(child.has_value());
  EXPECT_EQ(child->county, "a");
  EXPECT_EQ(child->id, "t1");
  EXPECT_FALSE(ParseChildName("counties/a/schools/t1", kTeachers).has_value());
  EXPECT_FALSE(
      ParseChildName("counties/a/teachers/t1/x", kTeachers).has_value());
}

TEST(ValidationTest, RequestIdsAndPageSize) {
  Violations v;
  ValidateRequestId("", v);
  ValidateRequestId("import/abc:7", v);
  EXPECT_TRUE(v.empty());
  ValidateRequestId(std::string(129, 'r'), v);
  ValidateRequestId("tab\there", v);
  ValidatePageSize(-1, v);
  EXPECT_EQ(v.size(), 3u);
}

TEST(ValidationTest, Utf8) {
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("永安市"), 3u);
  EXPECT_EQ(Utf8Length("\xF0\x9F\x98\x80"), 1u);
  EXPECT_FALSE(Utf8Length("\xC0\x80").has_value());      // overlong NUL
  EXPECT_FALSE(Utf8Length("\xED\xA0\x80").has_value());  // surrogate
  EXPECT_FALSE(Utf8Length("\xE6\xB0").has_value());      // truncated
}

TEST(ValidationTest, FindInvalidUtf8NamesTheFieldInTheWireBytes) {
  rota::v1::CreateTeacherRequest req;
  req.set_parent("counties/a");
  *req.mutable_teacher() = ValidTeacher();
  req.mutable_teacher()->add_subjects("music");
  // Build the bytes by hand-patching a valid encoding: replace "music" by
  // invalid bytes of the same length.
  std::string bytes = req.SerializeAsString();
  size_t at = bytes.find("music");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 5, "\xff\xfe\xfd\xfc\xfb");
  rota::v1::CreateTeacherRequest parsed;
  EXPECT_FALSE(parsed.ParseFromString(bytes));
  Violations v;
  FindInvalidUtf8(rota::v1::CreateTeacherRequest::descriptor(), bytes, "", v);
  EXPECT_EQ(Fields(v), std::set<std::string>{"teacher.subjects[1]"});
}

TEST(ValidationTest, CountyOfRequestReadsTheWireBytes) {
  auto county_of = [](const google::protobuf::Message& m) {
    return CountyOfRequest(m.GetDescriptor(), m.SerializeAsString());
  };
  rota::v1::CreateTeacherRequest create;
  create.set_parent("counties/b");
  *create.mutable_teacher() = ValidTeacher();
  EXPECT_EQ(county_of(create), "b");
  // Text that is not UTF-8 elsewhere: the generated parser refuses the
  // request, the county is still known.
  create.mutable_teacher()->add_subjects("music");
  std::string bytes = create.SerializeAsString();
  bytes.replace(bytes.find("music"), 5, "\xff\xfe\xfd\xfc\xfb");
  EXPECT_FALSE(rota::v1::CreateTeacherRequest().ParseFromString(bytes));
  EXPECT_EQ(CountyOfRequest(create.GetDescriptor(), bytes), "b");

  rota::v1::GetTeacherRequest get;
  get.set_name("counties/c/teachers/t1");
  EXPECT_EQ(county_of(get), "c");
  rota::v1::UpdateSchoolRequest update;  // the name of the resource carried
  update.mutable_school()->set_name("counties/d/schools/s1");
  EXPECT_EQ(county_of(update), "d");
  rota::v1::CreateCountyRequest county;
  county.set_county_id("e");
  EXPECT_EQ(county_of(county), "e");
  county.set_county_id("Not An Id");
  EXPECT_EQ(county_of(county), std::nullopt);
  rota::v1::ListCountiesRequest list;  // names no county
  EXPECT_EQ(county_of(list), std::nullopt);
  get.set_name("schools/t1");
  EXPECT_EQ(county_of(get), std::nullopt);
  EXPECT_EQ(CountyOfRequest(get.GetDescriptor(), "\x0a\xff"), std::nullopt);
}

TEST(ValidationTest, PostCountAndHeadcountAreBounded) {
  rota::v1::Post p;
  p.set_school("counties/a/schools/s1");
  p.set_subject("music");
  p.set_title_band(rota::v1::SENIOR_TITLE);
  p.set_count(kMaxPostCount);
  Violations ok;
  ASSERT_TRUE(ValidatePost(p, "a", "post.", OnlySchoolS1(), ok).ok());
  EXPECT_TRUE(ok.empty());
  p.set_count(2147483647);
  Violations v;
  ASSERT_TRUE(ValidatePost(p, "a", "post.", OnlySchoolS1(), v).ok());
  EXPECT_EQ(Fields(v), std::set<std::string>{"post.count"});
  EXPECT_NE(v.ToStatus().message().find("10000"), absl::string_view::npos);

  rota::v1::School s;
  s.set_display_name("一中");
  s.add_stages(rota::v1::PRIMARY);
  s.set_locality(rota::v1::URBAN);
  s.set_headcount(kMaxSchoolHeadcount);
  Violations school_ok;
  ValidateSchool(s, "school.", school_ok);
  EXPECT_TRUE(school_ok.empty());
  s.set_headcount(kMaxSchoolHeadcount + 1);
  Violations school_bad;
  ValidateSchool(s, "school.", school_bad);
  EXPECT_EQ(Fields(school_bad), std::set<std::string>{"school.headcount"});
}

TEST(ValidationTest, RepeatedFieldsAreBoundedWithOneViolationEach) {
  Teacher t = ValidTeacher();
  for (int i = 0; i < 100000; ++i) t.add_subjects("math");
  for (int i = 0; i <= kMaxEvaluations; ++i) {
    auto* e = t.add_evaluations();
    e->set_year(2000 + i % 20);
    e->set_grade(rota::v1::COMPETENT);
  }
  for (int i = 0; i <= kMaxServiceSpells; ++i) {
    auto* spell = t.add_service_history();
    spell->set_school("counties/a/schools/s1");
    spell->set_start_date("2015-09-01");
  }
  for (int i = 0; i <= kMaxExemptions; ++i)
    t.add_exemptions()->set_kind(rota::v1::SERIOUS_ILLNESS);
  for (int i = 0; i <= kMaxHardships; ++i)
    t.add_hardships()->set_kind(rota::v1::DISABILITY);
  for (int i = 0; i <= kMaxObligations; ++i)
    t.add_obligations()->set_kind(rota::v1::SPECIAL_POST_PLAN);
  for (int i = 0; i <= kMaxStages; ++i)
    t.add_certificate_stages(rota::v1::PRIMARY);
  Violations v = Check(t);
  EXPECT_EQ(Fields(v), (std::set<std::string>{
                           "teacher.subjects", "teacher.evaluations",
                           "teacher.service_history", "teacher.exemptions",
                           "teacher.hardships", "teacher.obligations",
                           "teacher.certificate_stages"}));
  EXPECT_EQ(v.size(), 7u);
  // At the bounds: fine.
  Teacher at = ValidTeacher();
  for (int i = 1; i < kMaxSubjects; ++i) at.add_subjects("art");
  EXPECT_TRUE(Check(at).empty());
}

TEST(ValidationTest, ControlCharactersAreRejected) {
  Teacher t = ValidTeacher();
  t.set_display_name(std::string("王\0芳", 7));
  t.add_hardships()->set_kind(rota::v1::DISABILITY);
  t.mutable_hardships(0)->set_note("line one\nline two\tindented");
  t.add_exemptions()->set_kind(rota::v1::SERIOUS_ILLNESS);
  t.mutable_exemptions(0)->set_note("bell\x07");
  Violations v = Check(t);
  EXPECT_EQ(Fields(v), (std::set<std::string>{"teacher.display_name",
                                              "teacher.exemptions[0].note"}));
  EXPECT_NE(v.ToStatus().message().find("U+0000 at character 2"),
            absl::string_view::npos)
      << v.ToStatus();
  // A C1 control (U+0085, NEXT LINE) is a control character too.
  t = ValidTeacher();
  t.set_display_name(
      "a\xC2\x85"
      "b");
  EXPECT_EQ(Fields(Check(t)), std::set<std::string>{"teacher.display_name"});
  rota::v1::School s;
  s.set_display_name("tab\tschool");
  s.add_stages(rota::v1::PRIMARY);
  s.set_locality(rota::v1::URBAN);
  Violations sv;
  ValidateSchool(s, "school.", sv);
  EXPECT_EQ(Fields(sv), std::set<std::string>{"school.display_name"});
}

TEST(ValidationTest, FindControlCharactersWalksEveryStringField) {
  rota::v1::CreateTeacherRequest req;
  req.set_parent("counties/a");
  req.set_teacher_id("t1");
  *req.mutable_teacher() = ValidTeacher();
  req.mutable_teacher()->add_subjects(std::string("mu\0sic", 6));
  req.mutable_teacher()->add_hardships()->set_note("two\nlines");
  Violations v;
  FindControlCharacters(req, "", v);
  EXPECT_EQ(Fields(v), std::set<std::string>{"teacher.subjects[1]"});
  rota::v1::ListTeachersRequest list;
  list.set_parent("counties/a");
  list.set_filter("gender = MALE\nAND title = SENIOR_TITLE");
  Violations lv;
  FindControlCharacters(list, "", lv);
  EXPECT_TRUE(lv.empty());  // line breaks are fine in a filter
  list.set_filter(std::string("gender = MALE\x1b", 14));
  list.set_page_token(std::string("x\x1b", 2));  // left to its decoder
  FindControlCharacters(list, "", lv);
  EXPECT_EQ(Fields(lv), std::set<std::string>{"filter"});
}

}  // namespace
}  // namespace rota::service
