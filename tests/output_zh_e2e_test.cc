// End-to-end tests of rotactl's output for people, through the real rotad
// and rotactl: with LANG=zh_CN.UTF-8 (or --lang zh) the results, report,
// explain and history of every round kind have Chinese headers and words,
// names beside ids, the teacher's own pronoun (他/她), and no proto enum
// name in the table or the CSV; every CSV starts with a UTF-8 byte order
// mark; -o csv on a command that prints no table is refused naming the
// formats it supports; JSON keeps the enum names.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/cli_runner.h"
#include "tests/rotad_fixture.h"
#include "tests/rounds_e2e_support.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

constexpr char kCounty[] = "yongan";
constexpr char kEffective[] = "2026-09-01";
constexpr char kBom[] = "\xEF\xBB\xBF";

#define EXPECT_CONTAINS(haystack, needle)               \
  EXPECT_NE((haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"         \
      << (haystack)

// Capitals joined by underscores: what an enum name looks like.
void ExpectNoEnumNames(const std::string& out, const std::string& what) {
  std::smatch m;
  EXPECT_FALSE(std::regex_search(out, m, std::regex("[A-Z]+_[A-Z_]+")))
      << what << " shows the enum name " << m.str() << ":\n"
      << out;
}

class OutputZhE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(
        absl::StrCat(::testing::TempDir(), "/output_zh_e2e_", getpid()));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    auto rotad = RotadProcess::Start();
    ASSERT_OK(rotad.status());
    rotad_ = rotad->release();
    rota::tools::CountyGenOptions gen;
    gen.seed = 31;
    gen.schools = 10;
    gen.teachers = 200;
    gen.as_of = "2026-08-15";
    auto data = GenerateAndImport(*rotad_, kCounty, gen, /*applicants=*/60);
    ASSERT_OK(data.status());
    data_ = new GeneratedCounty(std::move(*data));
    ASSERT_OK(ImportItinerant(*rotad_, *data_));
    RoundClient rc(rotad_->channel());
    rounds_ = new std::map<rota::v1::RoundKind, std::string>();
    for (rota::v1::RoundKind kind :
         {rota::v1::EXCHANGE_ROTATION, rota::v1::COMPETITIVE_HIRING,
          rota::v1::ITINERANT_TEACHING, rota::v1::RECRUITMENT}) {
      auto round = rc.Create(kCounty, kind, kEffective);
      ASSERT_OK(round.status());
      if (kind == rota::v1::EXCHANGE_ROTATION) {
        ASSERT_OK(
            rc.Submit(round->name(), ExchangeApplications(*data_)).status());
      } else if (kind == rota::v1::COMPETITIVE_HIRING) {
        ASSERT_OK(
            rc.Submit(round->name(), HiringApplications(*data_)).status());
      }
      ASSERT_OK(rc.Freeze(round->name(), 7).status());
      auto run = rc.Run(round->name());
      ASSERT_OK(run.status());
      (*rounds_)[kind] = Id(round->name());
    }
  }

  static void TearDownTestSuite() {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    delete rotad_;
    rotad_ = nullptr;
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
  }

  void SetUp() override {
    ASSERT_TRUE(rounds_ != nullptr && rounds_->size() == 4)
        << "the county or its rounds could not be set up";
  }

  // rotactl with the Chinese locale (no --lang).
  static CliResult Zh(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--county", kCounty};
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(ROTA_ROTACTL_PATH, all, *dir_,
                  {"ROTA_SERVER=" + rotad_->address(), "LANG=zh_CN.UTF-8",
                   "LC_ALL=", "LC_MESSAGES="});
  }
  static std::string Ok(const std::vector<std::string>& args) {
    const CliResult r = Zh(args);
    EXPECT_EQ(r.exit_code, 0)
        << absl::StrJoin(args, " ") << ": " << r.out << r.err;
    return r.out;
  }

  static std::vector<rota::v1::Placement> Placements(rota::v1::RoundKind kind) {
    RoundClient rc(rotad_->channel());
    auto p = rc.Placements(
        absl::StrCat("counties/", kCounty, "/rounds/", (*rounds_)[kind]));
    EXPECT_OK(p.status());
    return p.ok() ? *p : std::vector<rota::v1::Placement>{};
  }

  static std::string* dir_;
  static RotadProcess* rotad_;
  static GeneratedCounty* data_;
  static std::map<rota::v1::RoundKind, std::string>* rounds_;
};

std::string* OutputZhE2eTest::dir_ = nullptr;
RotadProcess* OutputZhE2eTest::rotad_ = nullptr;
GeneratedCounty* OutputZhE2eTest::data_ = nullptr;
std::map<rota::v1::RoundKind, std::string>* OutputZhE2eTest::rounds_ = nullptr;

// Every kind: results (table, CSV), report (table, CSV) and one explanation
// in Chinese, with names beside ids and no enum name.
TEST_F(OutputZhE2eTest, EveryRoundKindInChineseWithNamesAndNoEnumNames) {
  for (const auto& [kind, round] : *rounds_) {
    SCOPED_TRACE(rota::v1::RoundKind_Name(kind));
    const std::vector<rota::v1::Placement> placements = Placements(kind);
    ASSERT_FALSE(placements.empty());
    const rota::v1::Placement& first = placements.front();
    ASSERT_FALSE(first.teacher_name().empty()) << first.DebugString();

    const std::string table = Ok({"round", "results", round, "--all"});
    EXPECT_CONTAINS(table, "教师");
    EXPECT_CONTAINS(table, "结果");
    EXPECT_CONTAINS(table, "原单位");
    EXPECT_CONTAINS(table, absl::StrCat(first.teacher_name(), " (",
                                        Id(first.teacher()), ")"));
    if (!first.from_school_name().empty()) {
      EXPECT_CONTAINS(
          table, first.from_school_name() + " (" + Id(first.from_school()));
    }
    ExpectNoEnumNames(table, "round results");

    const std::string csv =
        Ok({"-o", "csv", "round", "results", round, "--all"});
    EXPECT_TRUE(absl::StartsWith(csv, kBom)) << csv.substr(0, 40);
    EXPECT_TRUE(absl::StartsWith(csv, absl::StrCat(kBom, "教师,教师姓名,")))
        << csv.substr(0, 80);
    EXPECT_CONTAINS(csv, first.teacher_name());
    ExpectNoEnumNames(csv, "round results -o csv");

    const std::string report = Ok({"round", "report", round});
    EXPECT_CONTAINS(report, "报告");
    ExpectNoEnumNames(report, "round report");
    const std::string report_csv = Ok({"-o", "csv", "round", "report", round});
    EXPECT_TRUE(absl::StartsWith(report_csv, kBom)) << report_csv;
    ExpectNoEnumNames(report_csv, "round report -o csv");

    const std::string explained =
        Ok({"round", "explain", round, Id(first.teacher())});
    EXPECT_CONTAINS(explained, first.teacher_name());
    ExpectNoEnumNames(explained, "round explain");

    // JSON is for programs: it keeps the enum names.
    const std::string json =
        Ok({"-o", "json", "round", "results", round, "--page-size", "5"});
    EXPECT_CONTAINS(json, "\"outcome\":\"");
    EXPECT_CONTAINS(json, "\"teacher_name\":\"");
  }
}

// A man's explanation says 他, a woman's 她 (Chinese sentence built from the
// codes); in English, he and she.
TEST_F(OutputZhE2eTest, ExplanationsUseTheTeachersOwnPronoun) {
  std::map<rota::v1::Gender, std::string> stayed;
  for (const rota::v1::Placement& p : Placements(rota::v1::EXCHANGE_ROTATION)) {
    if (p.outcome() == rota::v1::STAYED && !stayed.count(p.teacher_gender()))
      stayed[p.teacher_gender()] = Id(p.teacher());
  }
  ASSERT_EQ(stayed.count(rota::v1::MALE), 1u);
  ASSERT_EQ(stayed.count(rota::v1::FEMALE), 1u);
  const std::string& round = (*rounds_)[rota::v1::EXCHANGE_ROTATION];
  const std::string he =
      Ok({"round", "explain", round, stayed[rota::v1::MALE]});
  EXPECT_CONTAINS(he, "留任：他留在 ");
  EXPECT_EQ(he.find("她"), std::string::npos) << he;
  const std::string she =
      Ok({"round", "explain", round, stayed[rota::v1::FEMALE]});
  EXPECT_CONTAINS(she, "留任：她留在 ");
  const std::string he_en =
      Ok({"--lang", "en", "round", "explain", round, stayed[rota::v1::MALE]});
  EXPECT_CONTAINS(he_en, " stays: he stays at ");
  EXPECT_EQ(he_en.find("教师"), std::string::npos) << he_en;
}

// The engine's own sentences in Chinese: with --lang zh, explain shows the
// placement reason, the choice sentences and the notes in Chinese (the
// engine's twins, reason_zh etc.), and the report its notes; --lang en keeps
// the English sentences.
TEST_F(OutputZhE2eTest, ExplainAndReportShowTheEnginesChineseSentences) {
  for (rota::v1::RoundKind kind :
       {rota::v1::EXCHANGE_ROTATION, rota::v1::COMPETITIVE_HIRING}) {
    SCOPED_TRACE(rota::v1::RoundKind_Name(kind));
    const std::string& round = (*rounds_)[kind];
    const rota::v1::Placement* mover = nullptr;
    const std::vector<rota::v1::Placement> placements = Placements(kind);
    for (const rota::v1::Placement& p : placements) {
      if (p.outcome() == rota::v1::MOVED) {
        mover = &p;
        break;
      }
    }
    ASSERT_NE(mover, nullptr);
    ASSERT_FALSE(mover->reason_zh().empty()) << mover->DebugString();
    const std::string zh =
        Ok({"--lang", "zh", "round", "explain", round, Id(mover->teacher())});
    EXPECT_CONTAINS(zh, "说明：" + mover->reason_zh());
    // Exchange rotation notes every teacher's eligibility.
    if (kind == rota::v1::EXCHANGE_ROTATION) {
      EXPECT_CONTAINS(zh, "备注：");
    }
    EXPECT_CONTAINS(zh, "积分");
    for (const char* english : {" the ", " at ", "choice", " by ", "school "}) {
      EXPECT_EQ(zh.find(english), std::string::npos)
          << "\"" << english << "\" in:\n"
          << zh;
    }
    const std::string en =
        Ok({"--lang", "en", "round", "explain", round, Id(mover->teacher())});
    EXPECT_CONTAINS(en, "reason: " + mover->reason());

    const std::string report = Ok({"--lang", "zh", "round", "report", round});
    EXPECT_CONTAINS(report, kind == rota::v1::EXCHANGE_ROTATION
                                ? "自愿交流申请按"
                                : "校内校外同时竞聘");
    EXPECT_EQ(report.find("voluntary applicants by"), std::string::npos)
        << report;
    EXPECT_EQ(report.find("left vacant"), std::string::npos) << report;
  }
}

// History after a commit: names beside the ids of the teacher and the
// schools, Chinese words, no enum names; the CSV has a BOM.
TEST_F(OutputZhE2eTest, HistoryInChineseWithSchoolNames) {
  const std::string& round = (*rounds_)[rota::v1::EXCHANGE_ROTATION];
  std::string mover, to_name;
  for (const rota::v1::Placement& p : Placements(rota::v1::EXCHANGE_ROTATION)) {
    if (p.outcome() == rota::v1::MOVED) {
      mover = Id(p.teacher());
      to_name = p.to_school_name();
      break;
    }
  }
  ASSERT_FALSE(mover.empty());
  const CliResult commit =
      Zh({"round", "commit", round, "--latest-run", "--yes"});
  ASSERT_EQ(commit.exit_code, 0) << commit.out << commit.err;
  const std::string history = Ok({"audit", "history", mover});
  EXPECT_CONTAINS(history, "的履历");
  EXPECT_CONTAINS(history, "序号");
  EXPECT_CONTAINS(history, "调动 ");
  EXPECT_CONTAINS(history, to_name + " (");
  EXPECT_CONTAINS(history, "任职经历");
  ExpectNoEnumNames(history, "audit history");
  const std::string csv = Ok({"-o", "csv", "audit", "history", mover});
  EXPECT_TRUE(absl::StartsWith(csv, absl::StrCat(kBom, "序号,"))) << csv;
  ExpectNoEnumNames(csv, "audit history -o csv");
}

// -o csv where there is no table: refused (usage, exit 2) naming the
// formats the command supports; --lang en keeps English headers.
TEST_F(OutputZhE2eTest, CsvIsRefusedWhereThereIsNoTable) {
  const std::string& round = (*rounds_)[rota::v1::COMPETITIVE_HIRING];
  const std::vector<rota::v1::Placement> placements =
      Placements(rota::v1::COMPETITIVE_HIRING);
  ASSERT_FALSE(placements.empty());
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"-o", "csv", "round", "explain", round,
            Id(placements.front().teacher())},
           {"-o", "csv", "audit", "verify"},
           {"-o", "csv", "round", "run", round}}) {
    const CliResult r = Zh(args);
    EXPECT_EQ(r.exit_code, 2) << absl::StrJoin(args, " ") << r.out << r.err;
    EXPECT_CONTAINS(r.err, "-o table");
    EXPECT_CONTAINS(r.err, "-o json");
    EXPECT_EQ(r.out, "");
  }
  const std::string en =
      Ok({"--lang", "en", "-o", "csv", "round", "results", round});
  EXPECT_TRUE(absl::StartsWith(en, absl::StrCat(kBom, "teacher,teacher_name,")))
      << en.substr(0, 80);
}

}  // namespace
}  // namespace rota::testing
