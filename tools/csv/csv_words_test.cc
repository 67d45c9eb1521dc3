// The words of a county administrator's spreadsheet: Chinese enum words and
// column headers, spreadsheet dates, trailing empty columns, GBK files, every
// problem of a row at once, and the docs listing exactly the tables.
#include "tools/csv/csv_words.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_encoding.h"
#include "tools/csv/csv_format.h"

namespace rota::tools {
namespace {

namespace v1 = ::rota::v1;

TEST(CsvWordsTest, ChineseAndEnglishEnumWords) {
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kGender, "女"), v1::FEMALE);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kGender, " 男　"), v1::MALE);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kGender, "Female"), v1::FEMALE);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kLocality, "乡村"), v1::RURAL);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kLocality, "镇区"), v1::TOWN);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kLocality, "城区"), v1::URBAN);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kTitle, "正高级"), v1::SENIOR_TITLE);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kTitle, "中级"), v1::INTERMEDIATE_TITLE);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kTitle, "初级"), v1::JUNIOR_TITLE);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kEmployment, "编外"), v1::NON_ESTABLISHED);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kBackbone, "市级骨干"), v1::CITY_BACKBONE);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kStage, "初中"), v1::JUNIOR);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kBoolean, "是"), 1);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kBoolean, "否"), 0);
  EXPECT_EQ(*ParseEnumWord(CsvEnum::kBoolean, ""), 0);
  absl::StatusOr<int> bad = ParseEnumWord(CsvEnum::kGender, "未知");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("女"), std::string::npos);
  // Every word of every enum parses back to its value.
  for (CsvEnum e : AllCsvEnums()) {
    for (const EnumWord& w : EnumWords(e)) {
      if (*w.csv != '\0') {
        EXPECT_EQ(*ParseEnumWord(e, w.csv), w.value) << w.csv;
      }
      if (*w.proto != '\0') {
        EXPECT_EQ(*ParseEnumWord(e, w.proto), w.value) << w.proto;
      }
    }
  }
}

TEST(CsvWordsTest, SpreadsheetDates) {
  EXPECT_EQ(*NormalizeCsvDate("2019-09-01"), "2019-09-01");
  EXPECT_EQ(*NormalizeCsvDate("2019/9/1"), "2019-09-01");
  EXPECT_EQ(*NormalizeCsvDate("2019-9-1"), "2019-09-01");
  EXPECT_EQ(*NormalizeCsvDate("2019.12.31"), "2019-12-31");
  EXPECT_EQ(*NormalizeCsvDate("2019年9月1日"), "2019-09-01");
  EXPECT_EQ(*NormalizeCsvDate("2020年2月29日"), "2020-02-29");
  EXPECT_EQ(*NormalizeCsvDate(" "), "");
  for (const char* bad : {"2019/2/30", "2019-9/1", "19/9/1", "2019年9月",
                          "2019/13/1", "2019/9/1x", "1.9.2019", "9/1/2019"}) {
    EXPECT_FALSE(NormalizeCsvDate(bad).ok()) << bad;
  }
}

TEST(CsvWordsTest, ChineseHeadersAndValuesMakeATeacher) {
  absl::StatusOr<CsvHeader> h = CsvHeader::Parse(
      CsvTable::kTeachers, {"工号", "姓名", "性别", "出生日期", "参加工作时间",
                            "学校", "职称", "编制", "骨干等级", "备注"});
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->unknown_columns(), (std::vector<std::string>{"备注"}));
  v1::Teacher t;
  std::string field;
  ASSERT_TRUE(TeacherFromCsv(*h,
                             {"t1", "王芳", "女", "1986/4/9", "2009年8月25日",
                              "s1", "正高级", "编内", "县级骨干", "x"},
                             "c", &t, &field)
                  .ok())
      << field;
  EXPECT_EQ(t.name(), "counties/c/teachers/t1");
  EXPECT_EQ(t.gender(), v1::FEMALE);
  EXPECT_EQ(t.birth_date(), "1986-04-09");
  EXPECT_EQ(t.career_start_date(), "2009-08-25");
  EXPECT_EQ(t.title(), v1::SENIOR_TITLE);
  EXPECT_EQ(t.employment(), v1::ESTABLISHED);
  EXPECT_EQ(t.backbone_level(), v1::COUNTY_BACKBONE);
  // "Staff ID" in English works too.
  EXPECT_TRUE(CsvHeader::Parse(CsvTable::kTeachers, {"Staff ID"}).ok());
}

TEST(CsvWordsTest, EveryProblemOfARowAtOnce) {
  absl::StatusOr<CsvHeader> h = CsvHeader::Parse(
      CsvTable::kTeachers,
      {"id", "gender", "birth_date", "weekly_load", "service_history"});
  ASSERT_TRUE(h.ok());
  v1::Teacher t;
  std::string field;
  std::vector<CsvFieldError> all;
  absl::Status s = TeacherFromCsv(
      *h, {"t1", "robot", "1986.13.1", "many", "s1|2001/9/1||town|0|0"}, "c",
      &t, &field, &all);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(field, "teacher.gender");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].column, "gender");
  EXPECT_EQ(all[1].field, "teacher.birth_date");
  EXPECT_EQ(all[2].field, "teacher.weekly_load");
  // The good spell's date was normalised.
  EXPECT_EQ(t.service_history(0).start_date(), "2001-09-01");
}

TEST(CsvWordsTest, ColumnOfField) {
  EXPECT_EQ(ColumnOfField("teacher.birth_date"), "birth_date");
  EXPECT_EQ(ColumnOfField("teacher.evaluations[0].grade"), "evaluations");
  EXPECT_EQ(ColumnOfField("school.name"), "id");
  EXPECT_EQ(ColumnOfField("school.location.latitude"), "latitude");
  EXPECT_EQ(ColumnOfField("voluntary"), "voluntary");
}

TEST(CsvWordsTest, TrailingEmptyColumnsAreDropped) {
  CsvReader reader("id,zone,\r\ns1,z1,,,\r\ns2,,,\r\n");
  std::vector<std::string> fields;
  ASSERT_TRUE(*reader.Next(&fields));
  EXPECT_EQ(fields, (std::vector<std::string>{"id", "zone", ""}));
  ASSERT_TRUE(*reader.Next(&fields));
  EXPECT_EQ(fields, (std::vector<std::string>{"s1", "z1", ""}));
  ASSERT_TRUE(*reader.Next(&fields));
  EXPECT_EQ(fields, (std::vector<std::string>{"s2", "", ""}));
  // The header's blank names are no columns.
  absl::StatusOr<CsvHeader> h =
      CsvHeader::Parse(CsvTable::kSchools, {"id", "zone", ""});
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->unknown_columns().empty());
  // Data past the header's columns is still an error.
  CsvReader extra("id,zone\ns1,z1,x\n");
  ASSERT_TRUE(*extra.Next(&fields));
  EXPECT_FALSE(extra.Next(&fields).ok());
}

TEST(CsvWordsTest, GbkIsConvertedAndOtherEncodingsRefused) {
  // "姓名,性别,出生日期\n王芳,女,2019年9月1日\n" in GBK.
  const std::string gbk =
      "\xD0\xD5\xC3\xFB,\xD0\xD4\xB1\xF0,\xB3\xF6\xC9\xFA\xC8\xD5\xC6\xDA\n"
      "\xCD\xF5\xB7\xBC,\xC5\xAE,2019\xC4\xEA"
      "9\xD4\xC2"
      "1\xC8\xD5\n";
  absl::StatusOr<DecodedCsv> d = DecodeCsvText(gbk);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_STREQ(d->converted_from, "GB18030");
  EXPECT_EQ(d->converted, "姓名,性别,出生日期\n王芳,女,2019年9月1日\n");
  d = DecodeCsvText("id,name\ns1,王芳\n");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->converted_from, nullptr);
  EXPECT_EQ(d->converted, "");  // UTF-8 already: nothing copied
  // Latin-1 "café " and UTF-16 are neither.
  absl::StatusOr<DecodedCsv> latin = DecodeCsvText("id,name\ns1,caf\xE9 x\n");
  ASSERT_FALSE(latin.ok());
  EXPECT_NE(latin.status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(DecodeCsvText(std::string("\xFF\xFEi\0d\0", 6)).ok());
}

TEST(CsvWordsTest, SubjectsTakeTheirChineseNames) {
  EXPECT_EQ(CanonicalSubject("数学"), "math");
  EXPECT_EQ(CanonicalSubject(" 体育与健康 "), "pe");
  EXPECT_EQ(CanonicalSubject("体育"), "pe");
  EXPECT_EQ(CanonicalSubject("Music"), "music");
  EXPECT_EQ(CanonicalSubject("信息技术"), "it");
  EXPECT_EQ(CanonicalSubject("书法"), "书法");  // kept as written
  EXPECT_EQ(SubjectChineseName("mental_health"), "心理健康");
  EXPECT_EQ(SubjectChineseName("书法"), "");
}

std::string ReadDocs() {
  std::ifstream in(std::string(ROTA_SOURCE_DIR) + "/docs/csv-format.md");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(CsvWordsTest, DocsListExactlyTheTables) {
  const std::string docs = ReadDocs();
  ASSERT_FALSE(docs.empty());
  for (CsvEnum e : AllCsvEnums()) {
    const std::string line = EnumDocLine(e) + "\n";
    EXPECT_NE(docs.find(line), std::string::npos)
        << "docs/csv-format.md lacks the line (copy it from here):\n"
        << line;
  }
  const std::string subjects = SubjectDocLine() + "\n";
  EXPECT_NE(docs.find(subjects), std::string::npos)
      << "docs/csv-format.md lacks the line (copy it from here):\n"
      << subjects;
  for (CsvTable t : AllCsvTables()) {
    const std::string line = ColumnDocLine(t) + "\n";
    EXPECT_NE(docs.find(line), std::string::npos)
        << "docs/csv-format.md lacks the line (copy it from here):\n"
        << line;
  }
}

}  // namespace
}  // namespace rota::tools
