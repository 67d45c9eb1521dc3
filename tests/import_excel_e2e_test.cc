// Importing files as a county administrator's Excel gives them, through the
// real rotad and rotactl: a GBK file with Chinese headers and values, every
// problem of every row reported in one pass with an error file she can fix
// and import again, --dry-run changing nothing, and a re-import keeping a
// teacher's 走教 service years.
#include <iconv.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/field_mask.pb.h"
#include "gtest/gtest.h"
#include "tests/cli_runner.h"
#include "tests/rotad_fixture.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

namespace v1 = ::rota::v1;

#define EXPECT_CONTAINS(haystack, needle)               \
  EXPECT_NE((haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"         \
      << (haystack)

// UTF-8 -> GBK, as Excel on a Chinese Windows saves "CSV".
std::string ToGbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 4, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* dst = out.data();
  size_t out_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &dst, &out_left), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(static_cast<size_t>(dst - out.data()));
  return out;
}

class ImportExcelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/import_excel_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
    const CliResult r = Rotactl({"county", "create", "ya", "--name", "永安市"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    std::filesystem::remove_all(dir_);
  }

  CliResult Rotactl(const std::vector<std::string>& args) {
    return RunCli(ROTA_ROTACTL_PATH, args, dir_,
                  {"ROTA_SERVER=" + rotad_->address()});
  }
  CliResult Import(const std::string& table, const std::string& file,
                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "--county", "ya", "import", table, dir_ + "/" + file, "--no-progress"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Rotactl(args);
  }
  void WriteFile(const std::string& name, const std::string& text) {
    std::ofstream out(dir_ + "/" + name, std::ios::binary);
    out << text;
  }
  std::string ReadFile(const std::string& name) {
    std::ifstream in(dir_ + "/" + name, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }
  // Two schools, imported in English.
  void ImportSchools() {
    WriteFile("schools.csv",
              "id,display_name,stages,locality,headcount\n"
              "s1,青山镇中心小学,primary,town,40\n"
              "s2,堡田乡小学,primary,rural,12\n");
    const CliResult r = Import("schools", "schools.csv");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  v1::Teacher GetTeacher(const std::string& id, grpc::Status* status) {
    v1::GetTeacherRequest get;
    get.set_name("counties/ya/teachers/" + id);
    v1::Teacher t;
    auto ctx = NewContext();
    *status = rotad_->registry().GetTeacher(ctx.get(), get, &t);
    return t;
  }
  int64_t TeacherCount() {
    v1::ListTeachersRequest list;
    list.set_parent("counties/ya");
    list.set_page_size(1000);
    v1::ListTeachersResponse resp;
    auto ctx = NewContext();
    EXPECT_TRUE(rotad_->registry().ListTeachers(ctx.get(), list, &resp).ok());
    return resp.teachers_size();
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
};

constexpr char kTeacherHeader[] =
    "工号,姓名,性别,出生日期,参加工作时间,学校,调入本校时间,任教学科,职称,"
    "编制,骨干等级";

TEST_F(ImportExcelTest, GbkFileWithChineseHeadersAndValuesImports) {
  // Excel's "CSV" on a Chinese Windows: GBK, CRLF, Chinese headers and
  // words, spreadsheet dates, trailing empty columns, a column of her own.
  WriteFile("schools.csv",
            ToGbk("学校代码,学校名称,学段,城乡类别,薄弱学校,编制数,,\r\n"
                  "s1,青山镇中心小学,小学,镇区,否,40,,\r\n"
                  "s2,堡田乡中心学校,九年一贯制,乡村,是,30,,\r\n"));
  CliResult r = Import("schools", "schools.csv");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "converted to UTF-8");
  EXPECT_CONTAINS(r.out, "2 rows, 2 applied, 0 rejected");

  WriteFile(
      "teachers.csv",
      ToGbk(absl::StrCat(
          kTeacherHeader, ",备注,\r\n",
          "t1,王芳,女,1986/4/9,2009年8月25日,s1,2011/8/28,math,中级,编内,"
          "县级骨干,班主任,\r\n"
          "t2,李强,男,1979-03-02,1999年8月20日,s2,2010-8-25,chinese,正高级,"
          "编外,,,\r\n")));
  r = Import("teachers", "teachers.csv");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "converted to UTF-8");
  EXPECT_CONTAINS(r.err, "warning: ignoring 1 unknown column \"备注\"");
  EXPECT_CONTAINS(r.out, "2 rows, 2 applied, 0 rejected");

  grpc::Status s;
  v1::Teacher t = GetTeacher("t1", &s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(t.display_name(), "王芳");
  EXPECT_EQ(t.gender(), v1::FEMALE);
  EXPECT_EQ(t.birth_date(), "1986-04-09");
  EXPECT_EQ(t.career_start_date(), "2009-08-25");
  EXPECT_EQ(t.school_join_date(), "2011-08-28");
  EXPECT_EQ(t.school(), "counties/ya/schools/s1");
  EXPECT_EQ(t.subjects(0), "math");
  EXPECT_EQ(t.title(), v1::INTERMEDIATE_TITLE);
  EXPECT_EQ(t.employment(), v1::ESTABLISHED);
  EXPECT_EQ(t.backbone_level(), v1::COUNTY_BACKBONE);
  t = GetTeacher("t2", &s);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(t.gender(), v1::MALE);
  EXPECT_EQ(t.title(), v1::SENIOR_TITLE);
  EXPECT_EQ(t.employment(), v1::NON_ESTABLISHED);

  v1::GetSchoolRequest get;
  get.set_name("counties/ya/schools/s2");
  v1::School school;
  auto ctx = NewContext();
  ASSERT_TRUE(rotad_->registry().GetSchool(ctx.get(), get, &school).ok());
  EXPECT_EQ(school.display_name(), "堡田乡中心学校");
  EXPECT_EQ(school.locality(), v1::RURAL);
  EXPECT_TRUE(school.weak());
  EXPECT_EQ(school.stages_size(), 2);

  // Neither UTF-8 nor GBK Chinese (Latin-1): refused, nothing sent.
  WriteFile("latin1.csv", "id,display_name\ns3,Caf\xE9 \n");
  r = Import("schools", "latin1.csv");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_CONTAINS(r.err, "line 2: the file is neither UTF-8 nor Chinese GBK");
}

TEST_F(ImportExcelTest, ThreeBadRowsAreAllReportedAndTheErrorFileReimports) {
  ImportSchools();
  // Row 3: two problems rotactl finds (gender, date); row 5: a birth date
  // in the future (the server's); row 6: an unknown school (the server's).
  WriteFile(
      "teachers.csv",
      absl::StrCat(kTeacherHeader, "\n",
                   "t1,王芳,女,1986/4/9,2009/8/25,s1,2011/8/28,math,中级,"
                   "编内,\n",
                   "t2,李强,robot,1980.13.1,2002/8/20,s1,2002/8/20,chinese,"
                   "初级,编内,\n",
                   "t3,张伟,男,1975/1/1,1996/8/20,s2,1996/8/20,chinese,高级,"
                   "编内,\n",
                   "t4,赵敏,女,2090/1/1,2012/8/20,s2,2012/8/20,music,初级,"
                   "编外,\n",
                   "t5,陈静,女,1990/5/5,2012/8/20,s9,2012/8/20,art,初级,"
                   "编内,\n"));
  CliResult r =
      Import("teachers", "teachers.csv", {"--errors", dir_ + "/errors.csv"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "rejected row 3, field teacher.gender");
  EXPECT_CONTAINS(r.out, "rejected row 3, field teacher.birth_date");
  EXPECT_CONTAINS(r.out, "「性别」不是可接受的值");
  EXPECT_CONTAINS(r.out, "rejected row 5, field teacher.birth_date");
  EXPECT_CONTAINS(r.out, "rejected row 6, field teacher.school");
  EXPECT_CONTAINS(r.out, "5 rows, 2 applied, 3 rejected");
  EXPECT_EQ(TeacherCount(), 2);

  const std::string errors = ReadFile("errors.csv");
  ASSERT_EQ(errors.substr(0, 3), "\xEF\xBB\xBF");  // a BOM, for Excel
  std::vector<std::string> lines;
  std::stringstream in(errors.substr(3));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u) << errors;
  EXPECT_EQ(lines[0], absl::StrCat("行号 row,问题,problem,", kTeacherHeader));
  EXPECT_EQ(lines[1].substr(0, 2), "3,");
  EXPECT_CONTAINS(lines[1], "「性别」");
  EXPECT_CONTAINS(lines[1], "「出生日期」不是日期");
  EXPECT_CONTAINS(lines[1], "teacher.gender: \"\"robot\"\" is not one of");
  EXPECT_CONTAINS(lines[1], ",t2,李强,robot,1980.13.1,");
  EXPECT_EQ(lines[2].substr(0, 2), "5,");
  EXPECT_CONTAINS(lines[2], "「出生日期」不能晚于今天");
  EXPECT_EQ(lines[3].substr(0, 2), "6,");
  EXPECT_CONTAINS(lines[3], "「学校」引用的记录不存在");

  // She fixes the cells in Excel and imports the error file itself.
  std::string fixed =
      absl::StrReplaceAll(errors, {{",robot,1980.13.1,", ",男,1980/1/13,"},
                                   {",2090/1/1,", ",1990/1/1,"},
                                   {",s9,", ",s1,"}});
  WriteFile("errors_fixed.csv", fixed);
  r = Import("teachers", "errors_fixed.csv");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "3 rows, 3 applied, 0 rejected (3 created, 0 updated");
  EXPECT_EQ(r.err.find("unknown column"), std::string::npos) << r.err;
  EXPECT_EQ(TeacherCount(), 5);
}

// Two rows with one staff id: nothing is imported, and both rows go to the
// error file side by side, so she can keep the right one.
TEST_F(ImportExcelTest, RowsSharingAnIdGoToTheErrorFile) {
  ImportSchools();
  WriteFile("teachers.csv",
            absl::StrCat(kTeacherHeader, "\n",
                         "t1,王芳,女,1986/4/9,2009/8/25,s1,2011/8/28,数学,中级,"
                         "编内,\n",
                         "t2,李强,男,1980/1/13,2002/8/20,s1,2002/8/20,chinese,"
                         "初级,编内,\n",
                         "t1,王芳芳,女,1987/4/9,2009/8/25,s2,2011/8/28,math,"
                         "中级,编内,\n"));
  CliResult r =
      Import("teachers", "teachers.csv", {"--errors", dir_ + "/errors.csv"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "rows 2 and 4 (lines 2 and 4) both have id \"t1\"");
  EXPECT_CONTAINS(r.err, "nothing was imported");
  EXPECT_EQ(TeacherCount(), 0);
  const std::string errors = ReadFile("errors.csv");
  std::vector<std::string> lines;
  std::stringstream in(errors.substr(3));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u) << errors;
  EXPECT_EQ(lines[1].substr(0, 2), "2,");
  EXPECT_CONTAINS(lines[1], "「工号」重复");
  EXPECT_CONTAINS(lines[1], ",t1,王芳,");
  EXPECT_EQ(lines[2].substr(0, 2), "4,");
  EXPECT_CONTAINS(lines[2], ",t1,王芳芳,");

  // Without the second row the file imports; 数学 is read as math.
  WriteFile("teachers.csv",
            absl::StrCat(kTeacherHeader, "\n",
                         "t1,王芳,女,1986/4/9,2009/8/25,s1,2011/8/28,数学,中级,"
                         "编内,\n"));
  r = Import("teachers", "teachers.csv");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Rotactl({"--county", "ya", "-o", "json", "teacher", "get", "t1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "\"math\"");
  EXPECT_EQ(r.out.find("数学"), std::string::npos) << r.out;
}

TEST_F(ImportExcelTest, DryRunValidatesEverythingAndChangesNothing) {
  ImportSchools();
  WriteFile("one.csv", absl::StrCat(kTeacherHeader, "\n",
                                    "t1,王芳,女,1986/4/9,2009/8/25,s1,"
                                    "2011/8/28,math,中级,编内,\n"));
  ASSERT_EQ(Import("teachers", "one.csv").exit_code, 0);
  const CliResult before_log = Rotactl({"--county", "ya", "audit", "verify"});
  ASSERT_EQ(before_log.exit_code, 0) << before_log.err;
  const CliResult before_summary = Rotactl({"--county", "ya", "summary"});
  ASSERT_EQ(before_summary.exit_code, 0) << before_summary.err;

  // t1 is an update (a new title), t2 and t3 are new, t4 names an unknown
  // school (only the server can tell), t5 has a bad gender (rotactl's).
  WriteFile(
      "teachers.csv",
      absl::StrCat(kTeacherHeader, "\n",
                   "t1,王芳,女,1986/4/9,2009/8/25,s1,2011/8/28,math,高级,"
                   "编内,\n",
                   "t2,李强,男,1980/1/1,2002/8/20,s1,2002/8/20,chinese,初级,"
                   "编内,\n",
                   "t3,张伟,男,1975/1/1,1996/8/20,s2,1996/8/20,chinese,高级,"
                   "编内,\n",
                   "t4,赵敏,女,1990/1/1,2012/8/20,s9,2012/8/20,music,初级,"
                   "编外,\n",
                   "t5,陈静,robot,1990/5/5,2012/8/20,s2,2012/8/20,art,"
                   "初级,编内,\n"));
  CliResult r = Import("teachers", "teachers.csv",
                       {"--dry-run", "--errors", dir_ + "/errors.csv"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "would create 2, update 1, reject 2");
  EXPECT_CONTAINS(r.out, "nothing was changed");
  EXPECT_CONTAINS(r.out, "rejected row 5, field teacher.school");
  EXPECT_CONTAINS(r.out, "rejected row 6, field teacher.gender");
  EXPECT_CONTAINS(ReadFile("errors.csv"), "t4,赵敏");

  // Nothing changed: the same log, summary and teacher.
  EXPECT_EQ(Rotactl({"--county", "ya", "audit", "verify"}).out, before_log.out);
  EXPECT_EQ(Rotactl({"--county", "ya", "summary"}).out, before_summary.out);
  EXPECT_EQ(TeacherCount(), 1);
  grpc::Status s;
  EXPECT_EQ(GetTeacher("t1", &s).title(), v1::INTERMEDIATE_TITLE);

  // The same file without --dry-run applies what the dry run promised.
  r = Import("teachers", "teachers.csv");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_CONTAINS(r.out, "5 rows, 3 applied, 2 rejected (2 created, 1 updated");
  EXPECT_EQ(TeacherCount(), 3);
}

TEST_F(ImportExcelTest, ReimportKeepsItinerantServiceYears) {
  ImportSchools();
  WriteFile("teachers.csv", absl::StrCat(kTeacherHeader, "\n",
                                         "t1,王芳,女,1986/4/9,2009/8/25,s1,"
                                         "2011/8/28,music,中级,编内,\n"));
  ASSERT_EQ(Import("teachers", "teachers.csv").exit_code, 0);
  // Her 走教 service as a committed itinerant round records it.
  v1::UpdateTeacherRequest update;
  update.mutable_teacher()->set_name("counties/ya/teachers/t1");
  v1::ItinerantServiceYear* y =
      update.mutable_teacher()->add_itinerant_service();
  y->set_school_year(2024);
  y->set_start_date("2024-09-01");
  y->set_weekly_periods(4);
  y->add_schools("counties/ya/schools/s2");
  update.mutable_update_mask()->add_paths("itinerant_service");
  v1::Teacher updated;
  auto ctx = NewContext();
  grpc::Status s =
      rotad_->registry().UpdateTeacher(ctx.get(), update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(updated.itinerant_service_size(), 1);

  // The same spreadsheet again (it has no such column), with a new title.
  WriteFile("teachers.csv", absl::StrCat(kTeacherHeader, "\n",
                                         "t1,王芳,女,1986/4/9,2009/8/25,s1,"
                                         "2011/8/28,music,高级,编内,\n"));
  const CliResult r = Import("teachers", "teachers.csv");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "1 applied, 0 rejected (0 created, 1 updated");
  v1::Teacher t = GetTeacher("t1", &s);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(t.title(), v1::SENIOR_TITLE);
  ASSERT_EQ(t.itinerant_service_size(), 1);
  EXPECT_EQ(t.itinerant_service(0).school_year(), 2024);
  EXPECT_EQ(t.itinerant_service(0).weekly_periods(), 4);
}

}  // namespace
}  // namespace rota::testing
