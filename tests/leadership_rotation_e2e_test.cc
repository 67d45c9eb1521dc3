// End-to-end tests of the leadership rotation of exchange rotation rounds
// (engine/rules/exchange_rotation.h step 2b) through the real rotactl against
// the real rotad, on a hand-made county:
//
//   school    locality  stages   principal  due?
//   s-urban   urban     primary  p-urban    yes (in office since 2015)
//   s-rural   rural     primary  p-rural    yes (since 2016)
//   s-junior  urban     junior   p-junior   yes (since 2014), junior only
//   s-town    town      primary  p-town     no  (since 2022)
//
// plus a vice-principal at s-urban who joined in 2010 but took up the role
// in 2023 (not due: years in office count from the role start date), and
// two teachers at each school. With a cap of 100%, p-urban and p-rural swap
// (an urban-rural exchange); p-junior's certificate covers no school whose
// principal leaves, so she stays, and `rotactl round explain` says why.
#include <unistd.h>

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

constexpr char kRound[] = "2025-exchange-rotation-1";

#define EXPECT_CONTAINS(haystack, needle)               \
  EXPECT_NE((haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"         \
      << (haystack)

class LeadershipRotationE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/leadership_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
    LoadCounty();
  }
  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    std::filesystem::remove_all(dir_);
  }

  CliResult Rotactl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--county", "lead"});
    return RunCli(ROTA_ROTACTL_PATH, args, dir_,
                  {"ROTA_SERVER=" + rotad_->address()});
  }

  void LoadCounty() {
    const CliResult created = RunCli(
        ROTA_ROTACTL_PATH, {"county", "create", "lead", "--name", "测试县"},
        dir_, {"ROTA_SERVER=" + rotad_->address()});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    WriteFile(dir_ + "/schools.csv",
              "id,display_name,stages,locality,weak,headcount\n"
              "s-urban,城关小学,primary,urban,0,10\n"
              "s-rural,乡村小学,primary,rural,0,10\n"
              "s-junior,城关中学,junior,urban,0,10\n"
              "s-town,镇中心小学,primary,town,0,10\n");
    std::string teachers =
        "id,display_name,gender,birth_date,career_start_date,school,"
        "school_join_date,subjects,certificate_stages,title,role,"
        "role_start_date,backbone_level,employment\n";
    auto add = [&](const std::string& id, const std::string& school,
                   const std::string& join, const std::string& stage,
                   const std::string& role, const std::string& role_start) {
      absl::StrAppend(&teachers, id, ",", id, ",female,1980-03-01,2002-09-01,",
                      school, ",", join, ",math,", stage, ",senior,", role, ",",
                      role_start, ",none,established\n");
    };
    add("p-urban", "s-urban", "2015-09-01", "primary", "principal",
        "2015-09-01");
    add("p-rural", "s-rural", "2012-09-01", "primary", "principal",
        "2016-09-01");
    add("p-junior", "s-junior", "2014-09-01", "junior", "principal",
        "2012-09-01");
    add("p-town", "s-town", "2010-09-01", "primary", "principal", "2022-09-01");
    add("v-urban", "s-urban", "2010-09-01", "primary", "vice_principal",
        "2023-09-01");
    for (const char* s : {"s-urban", "s-rural", "s-junior", "s-town"}) {
      for (int i = 1; i <= 2; ++i) {
        add(absl::StrCat("t-", s, "-", i), s, "2024-09-01",
            std::string(s) == "s-junior" ? "junior" : "primary", "teacher", "");
      }
    }
    WriteFile(dir_ + "/teachers.csv", teachers);
    for (const char* table : {"schools", "teachers"}) {
      const CliResult r =
          Rotactl({"import", table, absl::StrCat(dir_, "/", table, ".csv")});
      ASSERT_EQ(r.exit_code, 0) << table << ": " << r.out << r.err;
    }
    WriteFile(dir_ + "/policy.textproto",
              "school_year: 2025\n"
              "exchange_rotation {\n"
              "  leader_rotation_cap_percent: 100\n"
              "}\n");
    const CliResult policy =
        Rotactl({"policy", "set", dir_ + "/policy.textproto"});
    ASSERT_EQ(policy.exit_code, 0) << policy.err;
    const CliResult round =
        Rotactl({"round", "create", "--kind", "exchange-rotation", "--year",
                 "2025", "--effective", "2025-09-01"});
    ASSERT_EQ(round.exit_code, 0) << round.err;
    ASSERT_EQ(round.out, std::string(kRound) + "\n");
    WriteFile(dir_ + "/applications.csv",
              "teacher,preferences,voluntary\n"
              "p-junior,s-urban;s-town,0\n"
              "p-urban,s-town;s-rural,0\n");
    const CliResult applied =
        Rotactl({"round", "apply", kRound, dir_ + "/applications.csv"});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    const CliResult frozen =
        Rotactl({"round", "freeze", kRound, "--seed", "20250901"});
    ASSERT_EQ(frozen.exit_code, 0) << frozen.err;
  }

  // teacher id -> (from school id, to school id, outcome).
  std::map<std::string, std::vector<std::string>> Results() {
    const CliResult r =
        Rotactl({"-o", "json", "round", "results", kRound, "--all"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& p : nlohmann::json::parse(r.out)) {
      auto id = [](const std::string& name) {
        return name.substr(name.rfind('/') + 1);
      };
      out[id(p["teacher"])] = {id(p["from_school"]), id(p["to_school"]),
                               p["outcome"].get<std::string>()};
    }
    return out;
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
};

TEST_F(LeadershipRotationE2eTest, TwoPrincipalsSwapAndOneWithNoSeatStays) {
  const CliResult run = Rotactl({"round", "run", kRound});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto results = Results();
  ASSERT_EQ(results.size(), 13u);
  // The urban-rural swap.
  EXPECT_EQ(results["p-urban"][1], "s-rural");
  EXPECT_EQ(results["p-rural"][1], "s-urban");
  // No principal seat in reach of her certificate (junior): she stays.
  EXPECT_EQ(results["p-junior"][1], "s-junior");
  EXPECT_EQ(results["p-junior"][2], "UNPLACED");
  // Not due: p-town (4 years in office), v-urban (2 years in office
  // although 15 years at the school).
  EXPECT_EQ(results["p-town"][1], "s-town");
  EXPECT_EQ(results["v-urban"][1], "s-urban");
  // Every school keeps exactly one principal.
  std::map<std::string, int> principals;
  for (const auto& [id, r] : results) {
    if (id.rfind("p-", 0) == 0) ++principals[r[1]];
  }
  for (const char* s : {"s-urban", "s-rural", "s-junior", "s-town"}) {
    EXPECT_EQ(principals[s], 1) << s;
  }

  const CliResult why = Rotactl({"round", "explain", kRound, "p-junior"});
  ASSERT_EQ(why.exit_code, 0) << why.err;
  EXPECT_CONTAINS(why.out, "principal must rotate");
  EXPECT_CONTAINS(why.out,
                  "must rotate but stays at s-junior: no other principal who "
                  "must rotate this year (or is moved by a lock or override) "
                  "is at a school in an allowed leader direction");
  EXPECT_CONTAINS(why.out, "teaches no stage her certificate covers");
  EXPECT_CONTAINS(why.out, "no seat of her role can be vacated for her");
  EXPECT_EQ(why.out.find("selected within"), std::string::npos) << why.out;
  const CliResult vice = Rotactl({"round", "explain", kRound, "v-urban"});
  ASSERT_EQ(vice.exit_code, 0) << vice.err;
  EXPECT_CONTAINS(vice.out,
                  "not due to rotate: vice-principal with 2 years in office "
                  "at the school (since 2023-09-01)");
  const CliResult report = Rotactl({"round", "report", kRound});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_CONTAINS(report.out, "principal rotation");
  EXPECT_CONTAINS(report.out, "p-junior");
}

// An override that would give s-town a second principal (its own is not due
// and stays) is refused, naming the rule.
TEST_F(LeadershipRotationE2eTest, OverrideIntoAKeptPrincipalSeatIsRefused) {
  const CliResult run = Rotactl({"round", "run", kRound});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const CliResult refused =
      Rotactl({"round", "override", kRound, "p-urban", "--to", "s-town",
               "--reason", "wanted in town"});
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_CONTAINS(refused.err, "FAILED_PRECONDITION");
  EXPECT_CONTAINS(refused.err, "rule \"leadership\"");
  // Locking the swap keeps it on the re-run the next override makes.
  const CliResult lock =
      Rotactl({"round", "lock", kRound, "p-urban", "--reason", "agreed"});
  ASSERT_EQ(lock.exit_code, 0) << lock.err;
  const CliResult rerun = Rotactl({"round", "run", kRound});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  auto results = Results();
  EXPECT_EQ(results["p-urban"][1], "s-rural");
  EXPECT_EQ(results["p-rural"][1], "s-urban");
}

}  // namespace
}  // namespace rota::testing
