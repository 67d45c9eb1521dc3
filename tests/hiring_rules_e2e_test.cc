// End-to-end tests of competitive hiring's employment and title-band rules
// (engine/rules/competitive_hiring.h) through the real rotad and rotactl:
// small hand-made counties imported from CSV, a competitive-hiring round
// created, run and read back with `round results` and `round explain`. Each
// county is one where the engine without the rule broke it:
//  - 编制 precedence: a 编外 teacher kept a 编制 post by in-school precedence
//    while an established teacher who qualified for it went 待岗;
//  - down-hiring: a senior teacher was down-hired at home while a senior
//    post was vacant, which left an intermediate teacher 待岗;
//  - up-hiring: did not exist; a junior teacher with excellent evaluations
//    went 待岗 next to a vacant intermediate seat.
// rotad runs on a temporary data directory and port 0 (tests/rotad_fixture.h).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/rotad_fixture.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

constexpr char kSchools[] =
    "id,display_name,stages,locality,weak,zone,latitude,longitude,headcount\n"
    "a,A,primary,urban,false,z1,26.00,117.00,10\n"
    "b,B,primary,town,false,z1,26.05,117.05,10\n"
    "c,C,primary,rural,false,z1,26.10,117.10,10\n";

constexpr char kTeacherHeader[] =
    "id,display_name,gender,birth_date,career_start_date,school,"
    "school_join_date,post,subjects,certificate_stages,title,role,"
    "backbone_level,employment,evaluations\n";

class HiringRulesE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/hiring_rules_e2e_", getpid(), "_",
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

  // Runs rotactl with `args` against our rotad (county "hiring"), stdout
  // and stderr captured in files. posix_spawn, not fork: this process has
  // gRPC threads.
  CliResult Rotactl(const std::vector<std::string>& args) {
    const std::string out_path = dir_ + "/stdout", err_path = dir_ + "/stderr";
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string kv = *e;
      if (kv.rfind("ROTA_SERVER=", 0) == 0 || kv.rfind("ROTA_COUNTY=", 0) == 0)
        continue;
      env.push_back(kv);
    }
    env.push_back("ROTA_SERVER=" + rotad_->address());
    env.push_back("ROTA_COUNTY=hiring");
    std::vector<char*> envp, argv;
    for (std::string& kv : env) envp.push_back(kv.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_strings = {ROTA_ROTACTL_PATH};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    for (std::string& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, argv_strings[0].c_str(), &actions,
                                    nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    CliResult r;
    if (spawned != 0) {
      ADD_FAILURE() << "cannot run rotactl: " << strerror(spawned);
      return r;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = ReadFile(out_path);
    r.err = ReadFile(err_path);
    return r;
  }

  // Creates county "hiring" from the CSV texts (schools: kSchools), sets
  // `policy` (textproto; "" = defaults), applies `applications` (CSV, ""
  // = none), runs a competitive-hiring round effective 2025-09-01 and
  // returns its placements by teacher.
  void RunRound(const std::string& posts, const std::string& teachers,
                const std::string& applications, const std::string& policy,
                std::map<std::string, nlohmann::json>* placements) {
    CliResult r = Rotactl({"county", "create", "hiring", "--name", "竞聘县"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::map<std::string, std::string> tables = {
        {"schools", kSchools},
        {"posts", posts},
        {"teachers", absl::StrCat(kTeacherHeader, teachers)}};
    for (const char* table : {"schools", "posts", "teachers"}) {
      const std::string file = absl::StrCat(dir_, "/", table, ".csv");
      WriteFile(file, tables.at(table));
      r = Rotactl({"import", table, file});
      ASSERT_EQ(r.exit_code, 0) << table << ": " << r.out << r.err;
    }
    if (!policy.empty()) {
      const std::string file = dir_ + "/policy.textproto";
      WriteFile(file, absl::StrCat("school_year: 2025\n", policy));
      r = Rotactl({"policy", "set", file});
      ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }
    r = Rotactl({"round", "create", "--kind", "competitive-hiring", "--year",
                 "2025", "--effective", "2025-09-01"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    round_ = r.out.substr(0, r.out.find('\n'));
    if (!applications.empty()) {
      const std::string file = dir_ + "/applications.csv";
      WriteFile(file,
                absl::StrCat("teacher,preferences,voluntary\n", applications));
      r = Rotactl({"round", "apply", round_, file});
      ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }
    r = Rotactl({"round", "freeze", round_, "--seed", "7"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = Rotactl({"round", "run", round_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = Rotactl({"-o", "json", "round", "results", round_, "--all"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const nlohmann::json& p : nlohmann::json::parse(r.out)) {
      const std::string teacher = p["teacher"].get<std::string>();
      (*placements)[teacher.substr(teacher.rfind('/') + 1)] = p;
    }
  }

  std::string Explain(const std::string& teacher) {
    const CliResult r = Rotactl({"round", "explain", round_, teacher});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  static std::string Outcome(const nlohmann::json& p) {
    return p.value("outcome", "");
  }
  static std::string PostOf(const nlohmann::json& p) {
    const std::string post = p.value("to_post", "");
    return post.substr(post.rfind('/') + 1);
  }

  std::string dir_;
  std::string round_;
  std::unique_ptr<RotadProcess> rotad_;
};

#define EXPECT_CONTAINS(haystack, needle)               \
  EXPECT_NE((haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"         \
      << (haystack)

// N1 (编外, more points) holds school a's only math post; E1 (established)
// at school c has none. Before: N1 kept it by in-school precedence and E1
// went 待岗. Now E1 takes it and N1's explanation names the rule. The art
// seat is a contract seat (non_established): N2 (编外) keeps it against the
// established E2, by in-school precedence, as before.
TEST_F(HiringRulesE2eTest, EstablishedStaffHavePrecedenceForEstablishedPosts) {
  std::map<std::string, nlohmann::json> at;
  RunRound(
      "id,school,subject,title_band,count,stage,non_established\n"
      "a-math,a,math,intermediate,1,primary,false\n"
      "a-art,a,art,intermediate,1,primary,true\n",
      "n1,N1,female,1975-03-01,1995-09-01,a,1995-09-01,a-math,math,primary,"
      "intermediate,teacher,none,non_established,\n"
      "e1,E1,female,1985-03-01,2015-09-01,c,2015-09-01,,math,primary,"
      "intermediate,teacher,none,established,\n"
      "n2,N2,female,1975-03-01,1995-09-01,a,1995-09-01,a-art,art,primary,"
      "intermediate,teacher,none,non_established,\n"
      "e2,E2,female,1985-03-01,2015-09-01,c,2015-09-01,,art,primary,"
      "intermediate,teacher,none,established,\n",
      "", "", &at);
  ASSERT_EQ(at.size(), 4u);
  EXPECT_EQ(Outcome(at["e1"]), "MOVED") << at["e1"].dump();
  EXPECT_EQ(PostOf(at["e1"]), "a-math");
  EXPECT_EQ(Outcome(at["n1"]), "UNPLACED") << at["n1"].dump();
  const std::string why = Explain("n1");
  EXPECT_CONTAINS(why, "编制 precedence");
  EXPECT_CONTAINS(why, "established teacher e1");
  EXPECT_EQ(Explain("e1").find("n1"), std::string::npos);
  EXPECT_EQ(Outcome(at["n2"]), "STAYED") << at["n2"].dump();
  EXPECT_EQ(Outcome(at["e2"]), "UNPLACED") << at["e2"].dump();
}

// S1 (senior, school a) lists a's intermediate post; a senior post is
// vacant at school b; I1 (intermediate, school c) has no post. Before: S1
// was down-hired at a-int and I1 went 待岗 while b-sen stayed empty. Now S1
// is hired at b-sen in her band and I1 at a-int.
TEST_F(HiringRulesE2eTest, DownHiringOnlyWhenNoSeatOfHerBandIsLeft) {
  std::map<std::string, nlohmann::json> at;
  RunRound(
      "id,school,subject,title_band,count,stage\n"
      "a-int,a,math,intermediate,1,primary\n"
      "b-sen,b,math,senior,1,primary\n",
      "s1,S1,female,1975-03-01,1995-09-01,a,1995-09-01,,math,primary,senior,"
      "teacher,none,established,\n"
      "i1,I1,female,1985-03-01,2010-09-01,c,2010-09-01,,math,primary,"
      "intermediate,teacher,none,established,\n",
      "s1,a-int,false\n", "", &at);
  ASSERT_EQ(at.size(), 2u);
  EXPECT_EQ(Outcome(at["s1"]), "MOVED") << at["s1"].dump();
  EXPECT_EQ(PostOf(at["s1"]), "b-sen");
  EXPECT_EQ(Outcome(at["i1"]), "MOVED") << at["i1"].dump();
  EXPECT_EQ(PostOf(at["i1"]), "a-int");
  EXPECT_CONTAINS(Explain("s1"), "低聘");
  const CliResult down =
      Rotactl({"round", "results", round_, "--outcome", "DOWN_HIRED"});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(down.out.find("s1"), std::string::npos) << down.out;
}

// J1 (junior; excellent latest evaluation, competent before) has no junior
// seat; school b's intermediate post is vacant. Before there was no
// up-hiring: J1 went 待岗. With allow_up_hiring she is UP_HIRED there, and
// the explanation says why; J2, whose latest evaluation is only competent,
// is not. The policy default keeps up-hiring off.
TEST_F(HiringRulesE2eTest, UpHiringIntoASeatNobodyOfThatBandNeeds) {
  std::map<std::string, nlohmann::json> at;
  RunRound(
      "id,school,subject,title_band,count,stage\n"
      "b-int,b,math,intermediate,2,primary\n",
      "j1,J1,female,1990-03-01,2014-09-01,a,2014-09-01,,math,primary,junior,"
      "teacher,none,established,"
      "2022:competent;2023:competent;2024:excellent\n"
      "j2,J2,female,1990-03-01,2014-09-01,a,2014-09-01,,math,primary,junior,"
      "teacher,none,established,"
      "2022:excellent;2023:excellent;2024:competent\n",
      "", "competitive_hiring { allow_up_hiring: true }\n", &at);
  ASSERT_EQ(at.size(), 2u);
  EXPECT_EQ(Outcome(at["j1"]), "UP_HIRED") << at["j1"].dump();
  EXPECT_EQ(PostOf(at["j1"]), "b-int");
  EXPECT_CONTAINS(Explain("j1"), "低职高聘");
  EXPECT_EQ(Outcome(at["j2"]), "UNPLACED") << at["j2"].dump();
  EXPECT_CONTAINS(Explain("j2"), "latest evaluation to be excellent");
  const CliResult up =
      Rotactl({"round", "results", round_, "--outcome", "UP_HIRED"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_CONTAINS(up.out, "j1");
  const CliResult shown = Rotactl({"policy", "show", "--year", "2025"});
  EXPECT_CONTAINS(shown.out, "allow_up_hiring: true");
  EXPECT_CONTAINS(shown.out, "up_hiring_competent_years: 3");
}

}  // namespace
}  // namespace rota::testing
