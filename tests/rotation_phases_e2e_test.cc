// End-to-end: the later phases of an exchange rotation and the term
// exchange through commit, with the real rotactl against the real rotad
// (tests/rotad_fixture.h: temporary data directory, port 0, health polled).
//
// One small county, built with rotactl as an administrator would:
//   a1, a2 urban (headcount 1): m (high points) and u, each the only
//       eligible teacher of her school, so each must rotate;
//   y rural (headcount 1): v, eligible too, must rotate;
//   x rural (headcount 1, empty), z teaching point (headcount 1, empty,
//       junior stage only: only v is certified for it).
// m lists y above x. y is full until v leaves for z in the county
// allocation; the seat v frees goes to m (who listed y, and outranks u), and
// the allocation sends u to the seat m frees at x. The round is a term
// exchange: the commit keeps each mover's home school and term end, and a
// round on the term end brings them home.
#include <unistd.h>

#include <filesystem>
#include <fstream>
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

class RotationPhasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/rotation_phases_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
  }
  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    std::filesystem::remove_all(dir_);
  }

  // Runs rotactl on county c1 of our rotad (tests/cli_runner.h).
  CliResult Rotactl(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--county", "c1"};
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(ROTA_ROTACTL_PATH, all, dir_,
                  {"ROTA_SERVER=" + rotad_->address()});
  }

  // Runs rotactl and expects exit code 0.
  std::string Ok(const std::vector<std::string>& args) {
    const CliResult r = Rotactl(args);
    EXPECT_EQ(r.exit_code, 0)
        << args[0] << " " << args[1] << ": " << r.out << r.err;
    return r.out;
  }

  void School(const std::string& id, const std::string& locality,
              const std::string& stages) {
    Ok({"school", "create", id, "--name", id, "--stages", stages, "--locality",
        locality, "--headcount", "1"});
  }

  void Teacher(const std::string& id, const std::string& school,
               const std::string& career_start, const std::string& backbone,
               const std::string& certificates) {
    Ok({"teacher",
        "create",
        id,
        "--name",
        id,
        "--gender",
        "female",
        "--birth-date",
        "1985-03-01",
        "--career-start",
        career_start,
        "--school",
        school,
        "--join-date",
        "2010-09-01",
        "--subjects",
        "math",
        "--certificate-stages",
        certificates,
        "--title",
        "intermediate",
        "--role",
        "teacher",
        "--backbone",
        backbone,
        "--employment",
        "established"});
  }

  nlohmann::json TeacherJson(const std::string& id) {
    return nlohmann::json::parse(Ok({"-o", "json", "teacher", "get", id}));
  }

  // Creates, applies `applications_csv` (if any), freezes, runs and returns
  // the round's placements by teacher id.
  std::map<std::string, nlohmann::json> RunRound(
      const std::string& year, const std::string& effective,
      const std::string& applications_csv) {
    const std::string round = absl::StrCat(year, "-exchange-rotation-1");
    EXPECT_EQ(Ok({"round", "create", "--kind", "exchange-rotation", "--year",
                  year, "--effective", effective}),
              round + "\n");
    if (!applications_csv.empty()) {
      const std::string file = dir_ + "/applications.csv";
      std::ofstream(file, std::ios::binary) << applications_csv;
      EXPECT_CONTAINS(Ok({"round", "apply", round, file}), " 0 rejected");
    }
    Ok({"round", "freeze", round, "--seed", "7"});
    Ok({"round", "run", round});
    std::map<std::string, nlohmann::json> by_teacher;
    for (const nlohmann::json& p : nlohmann::json::parse(
             Ok({"-o", "json", "round", "results", round, "--all"}))) {
      by_teacher[p["teacher"].get<std::string>().substr(
          p["teacher"].get<std::string>().rfind('/') + 1)] = p;
    }
    return by_teacher;
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
};

std::string Id(const nlohmann::json& name) {
  const std::string s = name.get<std::string>();
  return s.substr(s.rfind('/') + 1);
}

TEST_F(RotationPhasesTest, FreedSeatsBeforeAllocationAndTermExchangeReturn) {
  Ok({"county", "create", "c1", "--name", "c1"});
  // Every school carries the share, rounded up: each one-teacher pool must
  // send its teacher (the default rounds to the nearest and spares rural
  // schools).
  const std::string policy = dir_ + "/policy.textproto";
  std::ofstream(policy, std::ios::binary)
      << "school_year: 2020\n"
         "exchange_rotation {\n"
         "  share_rounding: ROUND_UP\n"
         "  share_localities: [URBAN, TOWN, RURAL, TEACHING_POINT]\n"
         "  weak_schools_carry_share: true\n"
         "}\n";
  Ok({"policy", "set", policy});
  School("a1", "urban", "primary");
  School("a2", "urban", "primary");
  School("y", "rural", "primary");
  School("x", "rural", "primary");
  School("z", "teaching_point", "junior");
  Teacher("m", "a1", "2002-09-01", "province", "primary");
  Teacher("u", "a2", "2008-09-01", "none", "primary");
  Teacher("v", "y", "2008-09-01", "none", "primary;junior");

  // Round 1, a term exchange (the default mode, 3 years).
  auto placed = RunRound("2020", "2020-09-01",
                         "teacher,preferences,voluntary\nm,y;x,false\n");
  ASSERT_EQ(placed.size(), 3u);
  // V leaves y for z in the allocation; M takes the seat she freed at y,
  // her first choice, before the allocation goes on (she outranks U, whom
  // the allocation would otherwise have sent there).
  EXPECT_EQ(Id(placed["v"]["to_school"]), "z");
  EXPECT_EQ(placed["v"]["via"], "county allocation (min-cost)");
  EXPECT_EQ(Id(placed["m"]["to_school"]), "y");
  EXPECT_EQ(placed["m"]["choice"], 1);
  EXPECT_EQ(placed["m"]["via"], "seats freed by later phases (da-star)");
  // U, without a list, gets the seat M freed at x: nobody is left unplaced
  // next to a free seat.
  EXPECT_EQ(Id(placed["u"]["to_school"]), "x");
  EXPECT_EQ(placed["u"]["outcome"], "MOVED");
  EXPECT_EQ(placed["m"]["return_date"], "2023-09-01");
  Ok({"round", "commit", "2020-exchange-rotation-1", "--latest-run", "--yes"});

  // The registry keeps her home school and term end.
  nlohmann::json m = TeacherJson("m");
  EXPECT_EQ(Id(m["school"]), "y");
  EXPECT_EQ(Id(m["home_school"]), "a1");
  EXPECT_EQ(m["term_end_date"], "2023-09-01");
  const std::string table = Ok({"teacher", "get", "m"});
  EXPECT_CONTAINS(table, "home_school");
  EXPECT_CONTAINS(table, "2023-09-01");
  // A home school cannot be deleted while someone's term exchange runs.
  const CliResult deleted = Rotactl({"school", "delete", "a1"});
  EXPECT_EQ(deleted.exit_code, 3) << deleted.out << deleted.err;
  EXPECT_CONTAINS(deleted.err, "home school of counties/c1/teachers/m");
  const std::string csv = Ok({"-o", "csv", "teacher", "get", "u"});
  EXPECT_CONTAINS(csv, ",home_school,term_end_date,");
  EXPECT_CONTAINS(csv, ",a2,2023-09-01,");

  // Round 2 on the term end: all three go home; it is not a rotation.
  placed = RunRound("2023", "2023-09-01", "");
  for (const auto& [id, home] : std::map<std::string, std::string>{
           {"m", "a1"}, {"u", "a2"}, {"v", "y"}}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(Id(placed[id]["to_school"]), home);
    EXPECT_EQ(placed[id]["outcome"], "MOVED");
    EXPECT_EQ(placed[id]["via"], "return from a term exchange");
    EXPECT_EQ(placed[id]["mandatory"], false);
    EXPECT_CONTAINS(placed[id]["reason"].get<std::string>(),
                    "returns to her home school " + home);
  }
  const std::string why =
      Ok({"round", "explain", "2023-exchange-rotation-1", "m"});
  EXPECT_CONTAINS(why, "returns to her home school a1");
  Ok({"round", "commit", "2023-exchange-rotation-1", "--latest-run", "--yes"});
  m = TeacherJson("m");
  EXPECT_EQ(Id(m["school"]), "a1");
  EXPECT_EQ(m["home_school"], "");
  EXPECT_EQ(m["term_end_date"], "");
  EXPECT_EQ(m["school_join_date"], "2023-09-01");
}

}  // namespace
}  // namespace rota::testing
