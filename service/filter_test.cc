#include "service/filter.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "service/grpc_status.h"

namespace rota::service {
namespace {

using rota::v1::Teacher;

Teacher MakeTeacher(const std::string& school,
                    std::vector<std::string> subjects,
                    rota::v1::Gender gender) {
  Teacher t;
  t.set_school("counties/a/schools/" + school);
  for (auto& s : subjects) t.add_subjects(s);
  t.set_gender(gender);
  t.set_title(rota::v1::SENIOR_TITLE);
  return t;
}

TEST(FilterTest, EmptyMatchesEverything) {
  auto f = ParseFilter("", FilterKind::kTeacher, "a");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->Matches(Teacher()));
}

TEST(FilterTest, ConjunctionOfSchoolAndSubject) {
  auto f = ParseFilter("school = \"s12\" AND subject = \"music\"",
                       FilterKind::kTeacher, "a");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(
      f->Matches(MakeTeacher("s12", {"chinese", "music"}, rota::v1::FEMALE)));
  EXPECT_FALSE(f->Matches(MakeTeacher("s12", {"math"}, rota::v1::FEMALE)));
  EXPECT_FALSE(f->Matches(MakeTeacher("s13", {"music"}, rota::v1::FEMALE)));
  EXPECT_EQ(f->EqualityValue("school"), "s12");
  EXPECT_EQ(f->EqualityValue("subject"), "music");
}

TEST(FilterTest, FullSchoolNameAndNotEqual) {
  auto f =
      ParseFilter("school = \"counties/a/schools/s1\" and gender != FEMALE",
                  FilterKind::kTeacher, "a");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->Matches(MakeTeacher("s1", {"pe"}, rota::v1::MALE)));
  EXPECT_FALSE(f->Matches(MakeTeacher("s1", {"pe"}, rota::v1::FEMALE)));
}

TEST(FilterTest, EnumByQuotedNameOrNumber) {
  auto by_name =
      ParseFilter("title = \"SENIOR_TITLE\"", FilterKind::kTeacher, "a");
  auto by_number = ParseFilter("title = 4", FilterKind::kTeacher, "a");
  ASSERT_TRUE(by_name.ok() && by_number.ok());
  Teacher t = MakeTeacher("s1", {"pe"}, rota::v1::MALE);
  EXPECT_TRUE(by_name->Matches(t));
  EXPECT_TRUE(by_number->Matches(t));
}

TEST(FilterTest, SchoolFields) {
  auto f = ParseFilter(
      "locality = RURAL AND weak = true AND stage = PRIMARY AND zone = "
      "\"east\"",
      FilterKind::kSchool, "a");
  ASSERT_TRUE(f.ok()) << f.status();
  rota::v1::School s;
  s.set_locality(rota::v1::RURAL);
  s.set_weak(true);
  s.add_stages(rota::v1::PRIMARY);
  s.add_stages(rota::v1::JUNIOR);
  s.set_zone("east");
  EXPECT_TRUE(f->Matches(s));
  s.set_weak(false);
  EXPECT_FALSE(f->Matches(s));
}

TEST(FilterTest, PostFields) {
  auto f = ParseFilter("subject = \"math\" AND title_band = INTERMEDIATE_TITLE",
                       FilterKind::kPost, "a");
  ASSERT_TRUE(f.ok()) << f.status();
  rota::v1::Post p;
  p.set_subject("math");
  p.set_title_band(rota::v1::INTERMEDIATE_TITLE);
  EXPECT_TRUE(f->Matches(p));
}

struct BadCase {
  const char* text;
  const char* expect_in_message;
};

TEST(FilterTest, ErrorsNameFilterAndPosition) {
  const BadCase cases[] = {
      {"school =", "position 9"},
      {"nonsense = \"x\"", "unknown field"},
      {"school \"x\"", "expected \"=\""},
      {"gender = PURPLE", "not a value of Gender"},
      {"school = \"s1\" OR subject = \"x\"", "expected AND"},
      {"school = \"s1\" AND", "expected a term after AND"},
      {"school = \"unterminated", "unterminated"},
      {"school = 12", "needs a quoted string"},
      {"school = \"counties/b/schools/s1\"", "another county"},
      {"school ! \"x\"", "expected \"!=\""},
      {"# = 1", "unexpected character"},
  };
  for (const auto& c : cases) {
    absl::Status s = ParseFilter(c.text, FilterKind::kTeacher, "a").status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(ReasonOf(s), kReasonInvalidFilter) << c.text;
    auto br = BadRequestOf(s);
    ASSERT_EQ(br.field_violations_size(), 1) << c.text;
    EXPECT_EQ(br.field_violations(0).field(), "filter");
    EXPECT_NE(br.field_violations(0).description().find(c.expect_in_message),
              std::string::npos)
        << c.text << " -> " << br.field_violations(0).description();
  }
}

TEST(FilterTest, PlainIdentifiersNeedNoQuotes) {
  absl::StatusOr<Filter> f_or =
      ParseFilter("school = s1 AND subject = music", FilterKind::kTeacher, "a");
  ASSERT_TRUE(f_or.ok()) << f_or.status();
  const Filter& f = *f_or;
  rota::v1::Teacher t;
  t.set_school("counties/a/schools/s1");
  t.add_subjects("music");
  EXPECT_TRUE(f.Matches(t));
  t.set_school("counties/a/schools/s2");
  EXPECT_FALSE(f.Matches(t));
}

TEST(FilterTest, PlacementFields) {
  rota::v1::Placement p;
  p.set_teacher("counties/a/teachers/t7");
  p.set_from_school("counties/a/schools/s1");
  p.set_to_school("counties/a/schools/s2");
  p.set_outcome(rota::v1::MOVED);
  p.set_mandatory(true);
  auto matches = [&](const char* text) {
    absl::StatusOr<Filter> f = ParseFilter(text, FilterKind::kPlacement, "a");
    EXPECT_TRUE(f.ok()) << text << ": " << f.status();
    return f.ok() && f->Matches(p);
  };
  EXPECT_TRUE(matches("school = s1"));  // the school she leaves
  EXPECT_TRUE(matches("school = \"counties/a/schools/s2\""));  // or joins
  EXPECT_FALSE(matches("school = s3"));
  EXPECT_TRUE(matches("from_school = s1 AND to_school != s1"));
  EXPECT_TRUE(
      matches("teacher = \"counties/a/teachers/t7\" AND outcome = MOVED"));
  EXPECT_FALSE(matches("outcome = STAYED"));
  EXPECT_TRUE(matches("mandatory = true AND locked = false"));
  EXPECT_FALSE(ParseFilter("teacher = \"counties/b/teachers/t7\"",
                           FilterKind::kPlacement, "a")
                   .ok());
  EXPECT_FALSE(
      ParseFilter("eligible = true", FilterKind::kPlacement, "a").ok());
}

TEST(FilterTest, EligibilityFields) {
  rota::v1::EligibilityEntry e;
  e.set_teacher("counties/a/teachers/t7");
  e.set_school("counties/a/schools/s1");
  e.set_eligible(true);
  e.set_voluntary(true);
  absl::StatusOr<Filter> f_or =
      ParseFilter("school = s1 AND eligible = true AND exempt = false",
                  FilterKind::kEligibility, "a");
  ASSERT_TRUE(f_or.ok()) << f_or.status();
  const Filter& f = *f_or;
  EXPECT_TRUE(f.Matches(e));
  absl::StatusOr<Filter> g_or =
      ParseFilter("mandatory = true", FilterKind::kEligibility, "a");
  ASSERT_TRUE(g_or.ok()) << g_or.status();
  const Filter& g = *g_or;
  EXPECT_FALSE(g.Matches(e));
}

TEST(FilterTest, FieldsAreCheckedPerResourceKind) {
  EXPECT_FALSE(ParseFilter("gender = MALE", FilterKind::kSchool, "a").ok());
  EXPECT_FALSE(ParseFilter("locality = URBAN", FilterKind::kTeacher, "a").ok());
  EXPECT_TRUE(ParseFilter("locality = URBAN", FilterKind::kSchool, "a").ok());
}

// Oversized filters are refused before any work, naming `filter`: a 13 MB
// filter used to burn CPU-seconds per request.
TEST(FilterTest, SizeAndTermCountAreBounded) {
  std::string many;
  for (size_t i = 0; i <= kMaxFilterTerms; ++i)
    absl::StrAppend(&many, i == 0 ? "" : " AND ", "subject = math");
  std::string at_limit;
  for (size_t i = 0; i < kMaxFilterTerms; ++i)
    absl::StrAppend(&at_limit, i == 0 ? "" : " AND ", "subject = math");
  EXPECT_TRUE(ParseFilter(at_limit, FilterKind::kTeacher, "a").ok());
  const std::string huge = "subject = \"" + std::string(13 << 20, 'x') + "\"";
  for (const auto& [text, expect] :
       {std::pair{many, std::string("at most 32 terms")},
        std::pair{huge, std::string("at most 4096 are allowed")}}) {
    absl::Status s = ParseFilter(text, FilterKind::kTeacher, "a").status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    auto br = BadRequestOf(s);
    ASSERT_EQ(br.field_violations_size(), 1);
    EXPECT_EQ(br.field_violations(0).field(), "filter");
    EXPECT_NE(br.field_violations(0).description().find(expect),
              std::string::npos)
        << br.field_violations(0).description();
  }
}

TEST(FilterTest, TeacherDisplayNameExactAndContains) {
  Teacher t = MakeTeacher("s1", {"pe"}, rota::v1::MALE);
  t.set_display_name("Wang Fang 王芳");
  auto contains =
      ParseFilter("display_name ~ \"wang\"", FilterKind::kTeacher, "a");
  ASSERT_TRUE(contains.ok()) << contains.status();
  EXPECT_TRUE(contains->Matches(t));
  auto chinese =
      ParseFilter("display_name ~ \"芳\"", FilterKind::kTeacher, "a");
  ASSERT_TRUE(chinese.ok()) << chinese.status();
  EXPECT_TRUE(chinese->Matches(t));
  auto exact =
      ParseFilter("display_name = \"Wang Fang\"", FilterKind::kTeacher, "a");
  ASSERT_TRUE(exact.ok());
  EXPECT_FALSE(exact->Matches(t));
  t.set_display_name("Wang Fang");
  EXPECT_TRUE(exact->Matches(t));
  auto other = ParseFilter("display_name ~ \"li\"", FilterKind::kTeacher, "a");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->Matches(t));
}

TEST(FilterTest, TeacherDatesCompareInOrder) {
  Teacher t = MakeTeacher("s1", {"pe"}, rota::v1::MALE);
  t.set_birth_date("1975-03-04");
  t.set_career_start_date("1998-09-01");
  auto f = ParseFilter(
      "birth_date < 1980-01-01 AND career_start_date >= \"1998-09-01\"",
      FilterKind::kTeacher, "a");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->Matches(t));
  t.set_career_start_date("1998-08-31");
  EXPECT_FALSE(f->Matches(t));
  auto eq = ParseFilter(
      "birth_date = 1975-03-04 AND school_join_date != "
      "2001-01-01",
      FilterKind::kTeacher, "a");
  ASSERT_TRUE(eq.ok()) << eq.status();
  EXPECT_TRUE(eq->Matches(t));
}

TEST(FilterTest, OrderAndContainsOnlyWhereTheyMeanSomething) {
  for (const auto& [text, expect] : {
           std::pair{"subject < math", "cannot be compared with \"<\""},
           std::pair{"display_name > x", "use =, != or ~"},
           std::pair{"birth_date ~ 1970", "use =, !=, <, <=, > or >="},
           std::pair{"birth_date < 1970-02-30", "needs a date YYYY-MM-DD"},
           std::pair{"school ~ s1", "use = or !="},
       }) {
    absl::Status s = ParseFilter(text, FilterKind::kTeacher, "a").status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << text;
    auto br = BadRequestOf(s);
    ASSERT_EQ(br.field_violations_size(), 1) << text;
    EXPECT_NE(br.field_violations(0).description().find(expect),
              std::string::npos)
        << text << ": " << br.field_violations(0).description();
  }
}

}  // namespace
}  // namespace rota::service
