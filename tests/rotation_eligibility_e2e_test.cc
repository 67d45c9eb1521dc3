// End-to-end: who takes part in exchange rotation and which moves are
// forbidden, through the real rotad and rotactl (tests/rotad_fixture.h:
// temporary data directory, port 0, health polled). A small county written
// as CSV shows each rule: non-established (编外) staff are not movers and
// hold no headcount, kindergartens are out of scope, a rural or one-teacher
// school carries no share, a service obligation keeps its teacher rural
// (an override breaking it is refused), and retirement follows the delay
// schedule.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_runner.h"
#include "tests/rotad_fixture.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

#define EXPECT_CONTAINS(haystack, needle)               \
  EXPECT_NE((haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"         \
      << (haystack)

// Effective 2025-09-01 (no date in the server's future). No posts: a school
// qualifies a teacher whose certificate covers one of its stages.
constexpr char kSchools[] =
    "id,display_name,stages,locality,weak,headcount\n"
    "u1,城区一小,primary,urban,false,6\n"
    "u2,城区二小,primary,urban,false,3\n"
    "r1,乡中心小学,primary,rural,true,10\n"
    "r2,村小,primary,rural,false,2\n"
    "k1,城区幼儿园,kindergarten,urban,false,6\n"
    "k2,乡幼儿园,kindergarten,rural,false,5\n";

std::string TeacherRow(const std::string& id, const std::string& school,
                       const std::string& join, const std::string& birth,
                       const std::string& gender, const std::string& stage,
                       const std::string& employment,
                       const std::string& history = "",
                       const std::string& obligations = "") {
  return absl::StrCat(id, ",", id, ",", gender, ",", birth, ",", join, ",",
                      school, ",", join, ",math,", stage,
                      ",intermediate,teacher,none,", employment, ",", history,
                      ",", obligations, "\n");
}

std::string Teachers() {
  std::string csv =
      "id,display_name,gender,birth_date,career_start_date,school,"
      "school_join_date,subjects,certificate_stages,title,role,"
      "backbone_level,employment,service_history,obligations\n";
  // u1: five established teachers (A1 longest there), a 编外 teacher there
  // longer still, and M1, eligible only under the delayed retirement age.
  csv += TeacherRow("a1", "u1", "2008-09-01", "1985-03-01", "male", "primary",
                    "established");
  for (const char* id : {"a2", "a3", "a4", "a5"}) {
    csv += TeacherRow(id, "u1", "2010-09-01", "1985-03-01", "male", "primary",
                      "established");
  }
  csv += TeacherRow("x1", "u1", "2005-09-01", "1980-03-01", "female", "primary",
                    "non_established");
  csv += TeacherRow("m1", "u1", "2010-09-01", "1970-06-01", "male", "primary",
                    "established");
  // u2: one eligible teacher.
  csv += TeacherRow("u1", "u2", "2010-09-01", "1985-03-01", "male", "primary",
                    "established");
  // r2: one eligible teacher and two 编外 who hold no headcount.
  csv += TeacherRow("r1", "r2", "2010-09-01", "1985-03-01", "male", "primary",
                    "established");
  csv += TeacherRow("y1", "r2", "2024-09-01", "1995-03-01", "female", "primary",
                    "non_established");
  csv += TeacherRow("y2", "r2", "2024-09-01", "1995-03-01", "female", "primary",
                    "non_established");
  // r1: a public-funded graduate with 3 of 6 rural years served.
  csv += TeacherRow("o1", "r1", "2022-09-01", "2000-03-01", "female", "primary",
                    "established", "r1|2022-09-01||rural|1|0",
                    "public_funded_graduate|6|2022-09-01");
  // k1: five kindergarten teachers, long at their school.
  for (const char* id : {"k1", "k2", "k3", "k4", "k5"}) {
    csv += TeacherRow(id, "k1", "2010-09-01", "1985-03-01", "female",
                      "kindergarten", "established");
  }
  return csv;
}

class RotationEligibilityE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/rotation_eligibility_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
    ASSERT_EQ(
        Rotactl({"county", "create", "yongan", "--name", "永安市"}).exit_code,
        0);
    WriteFile(dir_ + "/schools.csv", kSchools);
    WriteFile(dir_ + "/teachers.csv", Teachers());
    WriteFile(dir_ + "/applications.csv",
              "teacher,preferences,voluntary\no1,u2,true\n");
    for (const char* table : {"schools", "teachers"}) {
      const CliResult r =
          Rotactl({"--county", "yongan", "import", table,
                   absl::StrCat(dir_, "/", table, ".csv"), "--no-progress"});
      ASSERT_EQ(r.exit_code, 0) << table << ": " << r.out << r.err;
    }
  }
  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    std::filesystem::remove_all(dir_);
  }

  // Runs rotactl with `args` against our rotad (stdout and stderr in files).
  CliResult Rotactl(const std::vector<std::string>& args) {
    return RunCli(ROTA_ROTACTL_PATH, args, dir_,
                  {"ROTA_SERVER=" + rotad_->address()});
  }

  // Creates, fills, freezes and runs an exchange rotation round; returns its
  // id.
  std::string RunRound(const std::string& id) {
    const CliResult created = Rotactl(
        {"--county", "yongan", "round", "create", "--kind", "exchange-rotation",
         "--year", "2025", "--effective", "2025-09-01", "--id", id});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    const CliResult applied = Rotactl({"--county", "yongan", "round", "apply",
                                       id, dir_ + "/applications.csv"});
    EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    const CliResult frozen = Rotactl(
        {"--county", "yongan", "round", "freeze", id, "--seed", "20250901"});
    EXPECT_EQ(frozen.exit_code, 0) << frozen.err;
    const CliResult run = Rotactl({"--county", "yongan", "round", "run", id});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    return id;
  }

  // teacher id -> placement (JSON) of the round's latest run.
  std::map<std::string, nlohmann::json> Results(const std::string& round) {
    const CliResult r = Rotactl({"--county", "yongan", "-o", "json", "round",
                                 "results", round, "--all"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, nlohmann::json> out;
    for (const nlohmann::json& p : nlohmann::json::parse(r.out)) {
      std::string teacher = p["teacher"];
      out[teacher.substr(teacher.rfind('/') + 1)] = p;
    }
    return out;
  }

  static std::string To(const nlohmann::json& p) {
    std::string s = p["to_school"];
    return s.substr(s.rfind('/') + 1);
  }

  std::string Explain(const std::string& round, const std::string& teacher) {
    const CliResult r =
        Rotactl({"--county", "yongan", "round", "explain", round, teacher});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
};

// 编外 teachers are neither in the pool nor selected; the headcount counts
// established staff, so r2 (headcount 2, one established + two 编外) has a
// free seat.
TEST_F(RotationEligibilityE2eTest, NonEstablishedAreNotMovers) {
  const std::string round = RunRound("r-non-established");
  auto placements = Results(round);
  EXPECT_EQ(To(placements.at("x1")), "u1");
  EXPECT_FALSE(placements.at("x1").value("mandatory", false));
  EXPECT_CONTAINS(Explain(round, "x1"), "non-established (编外)");
  // u1's pool: A1-A5 and M1 (6 x 10% = 0.6, rounds to 1): A1 has been there
  // longest.
  EXPECT_TRUE(placements.at("a1").value("mandatory", false));
  EXPECT_NE(To(placements.at("a1")), "u1");
  EXPECT_EQ(To(placements.at("y1")), "r2");
  EXPECT_EQ(To(placements.at("y2")), "r2");
  // With the policy field on, X1 takes part (and is picked first).
  WriteFile(dir_ + "/policy.textproto",
            "school_year: 2025\n"
            "exchange_rotation { rotate_non_established: true }\n");
  const CliResult set = Rotactl(
      {"--county", "yongan", "policy", "set", dir_ + "/policy.textproto"});
  ASSERT_EQ(set.exit_code, 0) << set.out << set.err;
  const std::string opted = RunRound("r-non-established-in");
  auto in_rotation = Results(opted);
  EXPECT_TRUE(in_rotation.at("x1").value("mandatory", false));
  EXPECT_EQ(To(in_rotation.at("a1")), "u1");
}

// Kindergartens are outside the default stage scope: their teachers are not
// eligible and k1 owes no share (k2 would have taken one of them before).
TEST_F(RotationEligibilityE2eTest, KindergartensAreOutOfScope) {
  const std::string round = RunRound("r-scope");
  auto placements = Results(round);
  for (const char* id : {"k1", "k2", "k3", "k4", "k5"}) {
    EXPECT_EQ(To(placements.at(id)), "k1") << id;
  }
  EXPECT_CONTAINS(Explain(round, "k1"), "outside the rotation's stage scope");
  const CliResult report =
      Rotactl({"--county", "yongan", "round", "report", round});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(report.out.find("k1 "), std::string::npos) << report.out;
  const CliResult show =
      Rotactl({"--county", "yongan", "policy", "show", "--year", "2025"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_CONTAINS(show.out, "stage_scope: PRIMARY");
  EXPECT_CONTAINS(show.out, "stage_scope: JUNIOR");
}

// r2 is rural and u2 has a single eligible teacher: neither is forced to
// send its teacher (the old per-school ceiling moved both).
TEST_F(RotationEligibilityE2eTest, RuralAndOneTeacherPoolsOweNoShare) {
  const std::string round = RunRound("r-share");
  auto placements = Results(round);
  EXPECT_EQ(To(placements.at("r1")), "r2");
  EXPECT_EQ(To(placements.at("u1")), "u2");
  EXPECT_CONTAINS(Explain(round, "r1"), "does not carry the rotation share");
  const CliResult show =
      Rotactl({"--county", "yongan", "policy", "show", "--year", "2025"});
  EXPECT_CONTAINS(show.out, "share_rounding: ROUND_NEAREST");
  EXPECT_CONTAINS(show.out, "share_localities: URBAN");
  // Rounding up and every school carrying the share bring the old rule back.
  WriteFile(dir_ + "/policy.textproto",
            "school_year: 2025\n"
            "exchange_rotation {\n"
            "  share_rounding: ROUND_UP\n"
            "  share_localities: [URBAN, TOWN, RURAL, TEACHING_POINT]\n"
            "  weak_schools_carry_share: true\n"
            "}\n");
  const CliResult set = Rotactl(
      {"--county", "yongan", "policy", "set", dir_ + "/policy.textproto"});
  ASSERT_EQ(set.exit_code, 0) << set.out << set.err;
  auto up = Results(RunRound("r-share-up"));
  EXPECT_NE(To(up.at("u1")), "u2");
}

// O1 (3 of 6 rural years served) applies to urban u2: she stays, the
// explanation says why, and an override to u2 is refused naming the rule.
TEST_F(RotationEligibilityE2eTest, ObligationKeepsHerRural) {
  const std::string round = RunRound("r-obligation");
  auto placements = Results(round);
  EXPECT_EQ(To(placements.at("o1")), "r1");
  const std::string why = Explain(round, "o1");
  EXPECT_CONTAINS(why,
                  "service obligation (public-funded graduate): 3 of 6 rural "
                  "years served");
  EXPECT_CONTAINS(why, "(u2): not an allowed direction");
  const CliResult refused =
      Rotactl({"--county", "yongan", "round", "override", round, "o1", "--to",
               "u2", "--reason", "needed in town"});
  EXPECT_EQ(refused.exit_code, 3) << refused.out << refused.err;
  EXPECT_CONTAINS(refused.err, "precondition OBLIGATION");
  EXPECT_CONTAINS(refused.err, "3 of 6 rural years served");
}

// Competitive hiring applies the same rule in its qualification check: the
// urban post o1 lists first is not open to her; she is hired at home.
TEST_F(RotationEligibilityE2eTest, HiringKeepsTheObligatedTeacherRural) {
  WriteFile(dir_ + "/posts.csv",
            "id,school,subject,title_band,count\n"
            "u2-math,u2,math,intermediate,3\n"
            "r1-math,r1,math,intermediate,2\n");
  const CliResult posts = Rotactl({"--county", "yongan", "import", "posts",
                                   dir_ + "/posts.csv", "--no-progress"});
  ASSERT_EQ(posts.exit_code, 0) << posts.out << posts.err;
  WriteFile(dir_ + "/hiring.csv",
            "teacher,preferences,voluntary\no1,u2-math;r1-math,false\n");
  const std::string round = "h-obligation";
  ASSERT_EQ(Rotactl({"--county", "yongan", "round", "create", "--kind",
                     "competitive-hiring", "--year", "2025", "--effective",
                     "2025-09-01", "--id", round})
                .exit_code,
            0);
  const CliResult applied = Rotactl(
      {"--county", "yongan", "round", "apply", round, dir_ + "/hiring.csv"});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  ASSERT_EQ(
      Rotactl({"--county", "yongan", "round", "freeze", round, "--seed", "7"})
          .exit_code,
      0);
  const CliResult run = Rotactl({"--county", "yongan", "round", "run", round});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto placements = Results(round);
  std::string post = placements.at("o1")["to_post"];
  EXPECT_EQ(post.substr(post.rfind('/') + 1), "r1-math");
  const std::string why = Explain(round, "o1");
  EXPECT_CONTAINS(why, "u2-math): not qualified");
  EXPECT_CONTAINS(why, "3 of 6 rural years served");
}

// M1, a man born 1970-06, retires at 61 years 5 months (2031-11-01) under
// the delay schedule, more than 5 years away: eligible (at 60 he was not).
TEST_F(RotationEligibilityE2eTest, RetirementFollowsTheDelaySchedule) {
  const std::string round = RunRound("r-retirement");
  const std::string why = Explain(round, "m1");
  EXPECT_CONTAINS(why, "eligible: 15 years at u1; retires 2031-11-01");
  const CliResult show =
      Rotactl({"--county", "yongan", "policy", "show", "--year", "2025"});
  EXPECT_CONTAINS(show.out, "male_max_delay_months: 36");
  // The fixed ages by policy: M1 retires 2030-06-01 and is not eligible.
  WriteFile(dir_ + "/policy.textproto",
            "school_year: 2025\n"
            "retirement { male_max_delay_months: 0 }\n");
  ASSERT_EQ(Rotactl({"--county", "yongan", "policy", "set",
                     dir_ + "/policy.textproto"})
                .exit_code,
            0);
  const std::string fixed = RunRound("r-retirement-fixed");
  EXPECT_CONTAINS(Explain(fixed, "m1"), "not eligible: retires 2030-06-01");
}

}  // namespace
}  // namespace rota::testing
