#include "tools/csv/csv.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/csv/csv_format.h"

namespace rota::tools {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view text,
                                              std::string* error) {
  CsvReader reader(text);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> fields;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&fields);
    if (!more.ok()) {
      *error = std::string(more.status().message());
      return out;
    }
    if (!*more) return out;
    out.push_back(fields);
  }
}

TEST(CsvReaderTest, BomCrlfAndQuotes) {
  std::string error;
  const auto rows = ReadAll(
      "\xEF\xBB\xBFid,name,note\r\n"
      "a,\"x, y\",\"say \"\"hi\"\"\"\r\n"
      "b,\"two\r\nlines\",\r\n",
      &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "id");  // BOM stripped
  EXPECT_EQ(rows[1][1], "x, y");
  EXPECT_EQ(rows[1][2], "say \"hi\"");
  EXPECT_EQ(rows[2][1], "two\r\nlines");
  EXPECT_EQ(rows[2][2], "");
}

TEST(CsvReaderTest, NoFinalNewlineAndEmptyFields) {
  std::string error;
  const auto rows = ReadAll("a,b\n,\n1,2", &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"", ""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"1", "2"}));
}

TEST(CsvReaderTest, ErrorsNameRowAndColumn) {
  std::string error;
  ReadAll("a,b\n1,\"open\n", &error);
  EXPECT_NE(error.find("row 2"), std::string::npos) << error;
  EXPECT_NE(error.find("column 3"), std::string::npos) << error;
  EXPECT_NE(error.find("not terminated"), std::string::npos) << error;

  ReadAll("a,b\n1,2\n3,4,5\n", &error);
  EXPECT_NE(error.find("row 3"), std::string::npos) << error;
  EXPECT_NE(error.find("expected 2 fields"), std::string::npos) << error;

  ReadAll("a,b\n1,x\"y\n", &error);
  EXPECT_NE(error.find("row 2"), std::string::npos) << error;
  EXPECT_NE(error.find("column 4"), std::string::npos) << error;

  ReadAll("a,b\n\"1\"x,2\n", &error);
  EXPECT_NE(error.find("after a closing quote"), std::string::npos) << error;
}

TEST(CsvReaderTest, TextThatIsNotUtf8NamesTheFirstBadLine) {
  std::string error;
  // "王芳" in GBK is D6 DE B7 BC: not UTF-8.
  const auto rows =
      ReadAll("id,display_name\nt1,ok\nt2,\xCD\xF5\xB7\xBC\nt3,also\n", &error);
  EXPECT_TRUE(rows.empty()) << "nothing is read from a file in GBK";
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
  EXPECT_NE(error.find("save it as UTF-8"), std::string::npos) << error;
  // A BOM followed by UTF-8 is fine.
  error.clear();
  ReadAll("\xEF\xBB\xBFid\n王芳\n", &error);
  EXPECT_EQ(error, "");
}

TEST(CsvReaderTest, ControlCharactersInCellsAreRejected) {
  std::string error;
  ReadAll(std::string("id,display_name\nt1,\xE7\x8E\x8B\0\n", 24), &error);
  EXPECT_NE(error.find("row 2 (line 2), column 4"), std::string::npos) << error;
  EXPECT_NE(error.find("U+0000"), std::string::npos) << error;
  error.clear();
  ReadAll("id,display_name\nt1,\"bell\x07\"\n", &error);
  EXPECT_NE(error.find("U+0007"), std::string::npos) << error;
  // Tabs and quoted line breaks are text.
  error.clear();
  const auto rows = ReadAll("id,note\nt1,\"a\tb\nc\"\n", &error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], "a\tb\nc");
}

TEST(CsvReaderTest, WriterRoundTrips) {
  const std::vector<std::string> fields = {"plain",       "a,b",  "q\"q",
                                           "line\nbreak", " pad", ""};
  std::string text;
  AppendCsvRow(&text, fields);
  AppendCsvRow(&text, fields);
  std::string error;
  const auto rows = ReadAll(text, &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], fields);
}

TEST(CsvReaderTest, LeadingByteOrderMarkInAFieldSurvives) {
  // Unquoted at the start of a file it would be taken for the file's own.
  const std::vector<std::string> fields = {"\xEF\xBB\xBFs1", "x"};
  std::string text;
  AppendCsvRow(&text, fields);
  std::string error;
  const auto rows = ReadAll(text, &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], fields);
}

TEST(CsvFormatTest, HeaderListsUnknownAndRejectsDuplicateColumns) {
  absl::StatusOr<CsvHeader> unknown =
      CsvHeader::Parse(CsvTable::kSchools, {"id", "localty", "", "note"});
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->unknown_columns(),
            (std::vector<std::string>{"localty", "note"}));
  EXPECT_FALSE(
      CsvHeader::Parse(CsvTable::kSchools, {"id", "学区", "zone"}).ok());
  EXPECT_FALSE(
      CsvHeader::Parse(CsvTable::kSchools, {"id", "zone", "zone"}).ok());
  EXPECT_FALSE(CsvHeader::Parse(CsvTable::kSchools, {"zone"}).ok());
  EXPECT_TRUE(
      CsvHeader::Parse(CsvTable::kSchools, {"ID", "Zone", "etag"}).ok());
}

TEST(CsvFormatTest, TeacherRoundTripsEveryField) {
  rota::v1::Teacher t;
  t.set_name("counties/c1/teachers/t001");
  t.set_display_name("王芳");
  t.set_gender(rota::v1::FEMALE);
  t.set_birth_date("1985-03-02");
  t.set_career_start_date("2007-08-20");
  t.set_school("counties/c1/schools/s0001");
  t.set_school_join_date("2015-08-25");
  t.set_post("counties/c1/posts/s0001-pri-math-int");
  t.add_subjects("math");
  t.add_subjects("music");
  t.add_certificate_stages(rota::v1::PRIMARY);
  t.add_certificate_stages(rota::v1::JUNIOR);
  t.set_title(rota::v1::INTERMEDIATE_TITLE);
  t.set_role(rota::v1::VICE_PRINCIPAL);
  t.set_backbone_level(rota::v1::CITY_BACKBONE);
  t.set_employment(rota::v1::NON_ESTABLISHED);
  auto* e = t.add_evaluations();
  e->set_year(2024);
  e->set_grade(rota::v1::EXCELLENT);
  e = t.add_evaluations();
  e->set_year(2025);
  e->set_grade(rota::v1::BASIC_COMPETENT);
  auto* sp = t.add_service_history();
  sp->set_school("counties/c1/schools/s0009");
  sp->set_start_date("2007-08-20");
  sp->set_end_date("2015-08-25");
  sp->set_locality(rota::v1::TEACHING_POINT);
  sp->set_weak(true);
  sp->set_term_exchange(true);
  sp = t.add_service_history();
  sp->set_school("counties/c1/schools/s0001");
  sp->set_start_date("2015-08-25");
  sp->set_locality(rota::v1::URBAN);
  auto* x = t.add_exemptions();
  x->set_kind(rota::v1::COUNTY_DEFINED);
  x->set_start_date("2025-01-01");
  x->set_end_date("2025-12-31");
  x->set_note("note; with | odd: chars \\ and, \"quotes\"");
  auto* h = t.add_hardships();
  h->set_kind(rota::v1::SPOUSE_SEPARATION);
  h->set_note("配偶在外县");
  auto* o = t.add_obligations();
  o->set_kind(rota::v1::PUBLIC_FUNDED_GRADUATE);
  o->set_required_rural_years(6);
  o->set_start_date("2007-08-20");

  std::string text;
  AppendCsvRow(&text, CsvColumns(CsvTable::kTeachers));
  AppendCsvRow(&text, TeacherToCsv(t));
  CsvReader reader(text);
  std::vector<std::string> header_fields, record;
  ASSERT_TRUE(*reader.Next(&header_fields));
  ASSERT_TRUE(*reader.Next(&record));
  absl::StatusOr<CsvHeader> header =
      CsvHeader::Parse(CsvTable::kTeachers, header_fields);
  ASSERT_TRUE(header.ok()) << header.status();
  rota::v1::Teacher back;
  std::string field;
  ASSERT_TRUE(TeacherFromCsv(*header, record, "c1", &back, &field).ok())
      << field;
  EXPECT_EQ(back.SerializeAsString(), t.SerializeAsString())
      << back.DebugString();
}

TEST(CsvFormatTest, SchoolAndPostRoundTrip) {
  rota::v1::School s;
  s.set_name("counties/c1/schools/s1");
  s.set_display_name("青山镇中心小学");
  s.add_stages(rota::v1::PRIMARY);
  s.add_stages(rota::v1::JUNIOR);
  s.set_locality(rota::v1::TOWN);
  s.set_weak(true);
  s.set_zone("z03");
  s.mutable_location()->set_latitude(26.5);
  s.mutable_location()->set_longitude(117.25);
  s.set_headcount(42);
  absl::StatusOr<CsvHeader> sh =
      CsvHeader::Parse(CsvTable::kSchools, CsvColumns(CsvTable::kSchools));
  ASSERT_TRUE(sh.ok());
  rota::v1::School sback;
  std::string field;
  ASSERT_TRUE(SchoolFromCsv(*sh, SchoolToCsv(s), "c1", &sback, &field).ok())
      << field;
  EXPECT_EQ(sback.SerializeAsString(), s.SerializeAsString());
  // Six decimals when they are exact; every digit it takes otherwise.
  EXPECT_EQ(SchoolToCsv(s)[6], "26.500000");
  s.mutable_location()->set_longitude(115.29507131);
  EXPECT_EQ(SchoolToCsv(s)[7], "115.29507131");
  ASSERT_TRUE(SchoolFromCsv(*sh, SchoolToCsv(s), "c1", &sback, &field).ok())
      << field;
  EXPECT_EQ(sback.location().longitude(), 115.29507131);

  rota::v1::Post p;
  p.set_name("counties/c1/posts/p1");
  p.set_school("counties/c1/schools/s1");
  p.set_subject("music");
  p.set_title_band(rota::v1::SENIOR_TITLE);
  p.set_count(3);
  p.set_stage(rota::v1::JUNIOR);
  absl::StatusOr<CsvHeader> ph =
      CsvHeader::Parse(CsvTable::kPosts, CsvColumns(CsvTable::kPosts));
  ASSERT_TRUE(ph.ok());
  rota::v1::Post pback;
  ASSERT_TRUE(PostFromCsv(*ph, PostToCsv(p), "c1", &pback, &field).ok())
      << field;
  EXPECT_EQ(pback.SerializeAsString(), p.SerializeAsString());
}

TEST(CsvFormatTest, SpellingsAndErrors) {
  absl::StatusOr<CsvHeader> h = CsvHeader::Parse(
      CsvTable::kSchools, {"id", "stages", "locality", "weak", "headcount"});
  ASSERT_TRUE(h.ok());
  rota::v1::School s;
  std::string field;
  ASSERT_TRUE(SchoolFromCsv(*h,
                            {"s1", "nine_year", "TEACHING_POINT", "yes", " 7 "},
                            "c", &s, &field)
                  .ok());
  EXPECT_EQ(s.stages_size(), 2);
  EXPECT_EQ(s.locality(), rota::v1::TEACHING_POINT);
  EXPECT_TRUE(s.weak());
  EXPECT_EQ(s.headcount(), 7);
  absl::Status bad =
      SchoolFromCsv(*h, {"s1", "primary", "urbann", "", ""}, "c", &s, &field);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(field, "school.locality");
  EXPECT_NE(bad.message().find("urbann"), std::string::npos);
  bad = SchoolFromCsv(*h, {"s1", "primary", "urban", "", "many"}, "c", &s,
                      &field);
  EXPECT_EQ(field, "school.headcount");

  absl::StatusOr<CsvHeader> th =
      CsvHeader::Parse(CsvTable::kTeachers, {"id", "evaluations"});
  ASSERT_TRUE(th.ok());
  rota::v1::Teacher t;
  bad =
      TeacherFromCsv(*th, {"t1", "2024:excellent;2025=good"}, "c", &t, &field);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(field, "teacher.evaluations[1]");
}

TEST(CsvFormatTest, ApplicantRoundTripsAndNamesBadCells) {
  absl::StatusOr<CsvHeader> h = CsvHeader::Parse(
      CsvTable::kApplicants, CsvColumns(CsvTable::kApplicants));
  ASSERT_TRUE(h.ok());
  const std::vector<std::string> row = {"a7",
                                        "王芳",
                                        "female",
                                        "2001-03-04",
                                        "chinese;music",
                                        "primary",
                                        "special_post",
                                        "yes",
                                        "72.5",
                                        "r1;counties/c/recruitment-posts/r2"};
  rota::v1::Applicant a;
  std::string field;
  ASSERT_TRUE(ApplicantFromCsv(*h, row, "c", &a, &field).ok()) << field;
  EXPECT_EQ(a.name(), "counties/c/applicants/a7");
  EXPECT_EQ(a.gender(), rota::v1::FEMALE);
  EXPECT_EQ(a.channel(), rota::v1::CHANNEL_SPECIAL_POST);
  EXPECT_TRUE(a.interview_passed());
  EXPECT_EQ(a.written_score(), 7250);
  ASSERT_EQ(a.preferences_size(), 2);
  EXPECT_EQ(a.preferences(0), "counties/c/recruitment-posts/r1");
  EXPECT_EQ(a.preferences(1), "counties/c/recruitment-posts/r2");
  std::vector<std::string> out = ApplicantToCsv(a);
  EXPECT_EQ(out[8], "72.50");
  EXPECT_EQ(out[9], "r1;r2");
  rota::v1::Applicant back;
  ASSERT_TRUE(ApplicantFromCsv(*h, out, "c", &back, &field).ok());
  EXPECT_EQ(back.SerializeAsString(), a.SerializeAsString());

  std::vector<std::string> bad = row;
  bad[8] = "72.555";
  EXPECT_FALSE(ApplicantFromCsv(*h, bad, "c", &a, &field).ok());
  EXPECT_EQ(field, "applicant.written_score");
  bad = row;
  bad[6] = "lottery";
  EXPECT_FALSE(ApplicantFromCsv(*h, bad, "c", &a, &field).ok());
  EXPECT_EQ(field, "applicant.channel");
  EXPECT_EQ(ScoreText(6000), "60.00");
  EXPECT_EQ(ScoreText(5), "0.05");
}

TEST(CsvFormatTest, RecruitmentPostRoundTrips) {
  absl::StatusOr<CsvHeader> h = CsvHeader::Parse(
      CsvTable::kRecruitmentPosts, CsvColumns(CsvTable::kRecruitmentPosts));
  ASSERT_TRUE(h.ok());
  rota::v1::RecruitmentPost p;
  std::string field;
  ASSERT_TRUE(
      RecruitmentPostFromCsv(*h, {"r1", "s1", "math", "junior", "3", "s9", "2"},
                             "c", &p, &field)
          .ok());
  EXPECT_EQ(p.school(), "counties/c/schools/s1");
  EXPECT_EQ(p.bundled_rural_school(), "counties/c/schools/s9");
  EXPECT_EQ(p.seats(), 3);
  EXPECT_EQ(p.bundled_term_years(), 2);
  EXPECT_EQ(
      RecruitmentPostToCsv(p),
      (std::vector<std::string>{"r1", "s1", "math", "junior", "3", "s9", "2"}));
  EXPECT_FALSE(
      RecruitmentPostFromCsv(
          *h, {"r1", "s1", "math", "junior", "three", "", ""}, "c", &p, &field)
          .ok());
  EXPECT_EQ(field, "recruitment_post.seats");
}

}  // namespace
}  // namespace rota::tools
