// End-to-end: the auditor's and the administrator's look-ups through the real
// rotactl against the real rotad (tests/rotad_fixture.h), and rota-replay on
// an exported round.
//
// One small county, as in rotation_phases_e2e_test: a1, a2 urban (城关一小,
// 城关二小), y rural (杨村小学), x rural (溪口小学), z a teaching point
// (竹林教学点); m (王芳) at a1, u (王丽) at a2, v (李静) at y. The 2020
// exchange rotation is a term exchange (3 years, back on 2023-09-01) that
// sends m to y, v to z and u to x; u's placement is locked and then
// overridden (to the same school) with reasons before the commit.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rota/v1/audit.pb.h"
#include "rota/v1/round_events.pb.h"
#include "tests/cli_runner.h"
#include "tests/rotad_fixture.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

#define EXPECT_CONTAINS(haystack, needle)               \
  EXPECT_NE((haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"         \
      << (haystack)

constexpr char kRound[] = "2020-exchange-rotation-1";

class AuditFindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/audit_find_e2e_", getpid(), "_",
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

  CliResult Rotactl(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--county", "c1"};
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(ROTA_ROTACTL_PATH, all, dir_,
                  {"ROTA_SERVER=" + rotad_->address()});
  }
  std::string Ok(const std::vector<std::string>& args) {
    const CliResult r = Rotactl(args);
    EXPECT_EQ(r.exit_code, 0)
        << args[0] << " " << args[1] << ": " << r.out << r.err;
    return r.out;
  }
  CliResult Replay(const std::string& dir) {
    return RunCli(ROTA_REPLAY_PATH, {dir}, dir_);
  }

  void School(const std::string& id, const std::string& name,
              const std::string& locality, const std::string& stages) {
    Ok({"school", "create", id, "--name", name, "--stages", stages,
        "--locality", locality, "--headcount", "1"});
  }
  void Teacher(const std::string& id, const std::string& name,
               const std::string& school, const std::string& birth,
               const std::string& career_start, const std::string& backbone,
               const std::string& certificates) {
    Ok({"teacher",        "create",       id,
        "--name",         name,           "--gender",
        "female",         "--birth-date", birth,
        "--career-start", career_start,   "--school",
        school,           "--join-date",  "2010-09-01",
        "--subjects",     "math",         "--certificate-stages",
        certificates,     "--title",      "intermediate",
        "--role",         "teacher",      "--backbone",
        backbone,         "--employment", "established"});
  }

  // The county, and the round created, applied and frozen (not run).
  void SetUpCountyAndFreeze() {
    Ok({"county", "create", "c1", "--name", "c1"});
    const std::string policy = dir_ + "/policy.textproto";
    std::ofstream(policy, std::ios::binary)
        << "school_year: 2020\n"
           "exchange_rotation {\n"
           "  share_rounding: ROUND_UP\n"
           "  share_localities: [URBAN, TOWN, RURAL, TEACHING_POINT]\n"
           "  weak_schools_carry_share: true\n"
           "}\n";
    Ok({"policy", "set", policy});
    School("a1", "城关一小", "urban", "primary");
    School("a2", "城关二小", "urban", "primary");
    School("y", "杨村小学", "rural", "primary");
    School("x", "溪口小学", "rural", "primary");
    School("z", "竹林教学点", "teaching_point", "junior");
    Teacher("m", "王芳", "a1", "1978-05-01", "2002-09-01", "province",
            "primary");
    Teacher("u", "王丽", "a2", "1986-02-01", "2008-09-01", "none", "primary");
    Teacher("v", "李静", "y", "1985-03-01", "2008-09-01", "none",
            "primary;junior");
    EXPECT_EQ(Ok({"round", "create", "--kind", "exchange-rotation", "--year",
                  "2020", "--effective", "2020-09-01"}),
              std::string(kRound) + "\n");
    const std::string apps = dir_ + "/applications.csv";
    std::ofstream(apps, std::ios::binary)
        << "teacher,preferences,voluntary\nm,y;x,false\n";
    EXPECT_CONTAINS(Ok({"round", "apply", kRound, apps}), " 0 rejected");
    Ok({"round", "freeze", kRound, "--seed", "7"});
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
};

TEST_F(AuditFindTest, FindTeachersEligibilityAndSchoolsByName) {
  SetUpCountyAndFreeze();

  // teacher find: part of the name, the whole name, nobody.
  std::string out = Ok({"teacher", "find", "王"});
  EXPECT_CONTAINS(out, "m");
  EXPECT_CONTAINS(out, "王芳");
  EXPECT_CONTAINS(out, "城关一小 (a1)");
  EXPECT_CONTAINS(out, "王丽");
  EXPECT_CONTAINS(out, "城关二小 (a2)");
  EXPECT_EQ(out.find("李静"), std::string::npos) << out;
  out = Ok({"teacher", "find", "--exact", "王芳"});
  EXPECT_CONTAINS(out, "王芳");
  EXPECT_EQ(out.find("王丽"), std::string::npos) << out;
  out = Ok({"-o", "csv", "teacher", "find", "王", "--filter",
            "birth_date < 1980-01-01"});
  EXPECT_CONTAINS(out, "m,王芳,a1,城关一小");
  EXPECT_EQ(out.find("王丽"), std::string::npos) << out;
  CliResult none = Rotactl({"teacher", "find", "张"});
  EXPECT_EQ(none.exit_code, 1) << none.out << none.err;
  EXPECT_CONTAINS(none.err, "no teacher named");
  // The same grammar in teacher list.
  out = Ok({"-o", "json", "teacher", "list", "--filter",
            "display_name ~ \"李\" AND career_start_date >= 2008-09-01"});
  nlohmann::json listed = nlohmann::json::parse(out);
  ASSERT_EQ(listed.size(), 1u) << out;
  EXPECT_EQ(listed[0]["display_name"], "李静");

  // round eligibility, as a table, CSV and JSON; --school by name.
  out = Ok({"round", "eligibility", kRound});
  EXPECT_CONTAINS(out, "ELIGIBLE");
  EXPECT_CONTAINS(out, "杨村小学 (y)");
  EXPECT_CONTAINS(out, "王芳 (m)");
  out = Ok({"-o", "csv", "round", "eligibility", kRound});
  EXPECT_EQ(out.rfind("\xEF\xBB\xBF"  // the byte order mark of every CSV
                      "teacher,teacher_name,school,school_name,eligible,"
                      "mandatory,voluntary,exempt,points,reason\n",
                      0),
            0u)
      << out;
  EXPECT_CONTAINS(out, ",y,杨村小学,true,");
  // In Chinese: the headers and words.
  out = Ok({"--lang", "zh", "round", "eligibility", kRound});
  EXPECT_CONTAINS(out, "符合交流条件");
  EXPECT_CONTAINS(out, "杨村小学 (y)");
  nlohmann::json entries =
      nlohmann::json::parse(Ok({"-o", "json", "round", "eligibility", kRound}));
  EXPECT_EQ(entries.size(), 3u);
  entries = nlohmann::json::parse(Ok(
      {"-o", "json", "round", "eligibility", kRound, "--school", "杨村小学"}));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["teacher"], "counties/c1/teachers/v");

  // round results --school: an id, a name, a part of a name; an ambiguous
  // name lists the candidates and is refused.
  Ok({"round", "run", kRound});
  for (const std::string school : {"y", "杨村小学", "杨村"}) {
    nlohmann::json placed = nlohmann::json::parse(
        Ok({"-o", "json", "round", "results", kRound, "--school", school}));
    EXPECT_EQ(placed.size(), 2u) << school;  // m comes to y, v leaves it
  }
  CliResult ambiguous =
      Rotactl({"round", "results", kRound, "--school", "城关"});
  EXPECT_EQ(ambiguous.exit_code, 2) << ambiguous.out << ambiguous.err;
  EXPECT_CONTAINS(ambiguous.err, "2 schools match");
  EXPECT_CONTAINS(ambiguous.err, "a1  城关一小");
  EXPECT_CONTAINS(ambiguous.err, "a2  城关二小");
  CliResult unknown = Rotactl({"round", "results", kRound, "--school", "无"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.out << unknown.err;
  EXPECT_CONTAINS(unknown.err, "no school has the id or name");
}

TEST_F(AuditFindTest, AsOfHistoryExportAndOfflineReplay) {
  SetUpCountyAndFreeze();
  Ok({"round", "run", kRound});
  Ok({"round", "lock", kRound, "u", "--reason", "照顾家中老人"});
  Ok({"round", "override", kRound, "u", "--to", "x", "--reason",
      "溪口小学申请"});
  Ok({"round", "commit", kRound, "--latest-run", "--yes"});

  // As of dates before, during and after m's term exchange.
  std::string out = Ok({"audit", "as-of", "2020-08-31", "m"});
  EXPECT_CONTAINS(out, "at 城关一小 (a1)");
  EXPECT_CONTAINS(out, "post: none");
  out = Ok({"audit", "as-of", "2020-09-01", "m"});
  EXPECT_CONTAINS(out, "at 杨村小学 (y)");
  EXPECT_CONTAINS(out, "term exchange");
  out = Ok({"audit", "as-of", "2023-08-31", "m"});
  EXPECT_CONTAINS(out, "at 杨村小学 (y)");
  out = Ok({"audit", "as-of", "2023-09-01", "m"});
  EXPECT_CONTAINS(out, "at 城关一小 (a1)");
  EXPECT_CONTAINS(out, "back at her home school from 2023-09-01");
  nlohmann::json asof = nlohmann::json::parse(
      Ok({"-o", "json", "audit", "as-of", "2024-01-01", "m"}));
  EXPECT_EQ(asof["school"], "counties/c1/schools/a1");
  EXPECT_EQ(asof["returned_from"], "counties/c1/schools/y");

  // History: the lock and the override with their reasons, and the commit.
  out = Ok({"audit", "history", "u"});
  EXPECT_CONTAINS(out, "placement locked in round " + std::string(kRound));
  EXPECT_CONTAINS(out, "照顾家中老人");
  EXPECT_CONTAINS(out, "overridden to 溪口小学 (x) in round");
  EXPECT_CONTAINS(out, "溪口小学申请");
  EXPECT_CONTAINS(out, "moved 城关二小 (a2) → 溪口小学 (x) by round");
  // The server's own summary (JSON) keeps the ids.
  const std::string json = Ok({"-o", "json", "audit", "history", "u"});
  EXPECT_CONTAINS(json, "override to x in round");
  EXPECT_CONTAINS(json, "moved a2 -\\u003e x by round");
  EXPECT_CONTAINS(out, "REASON");

  // Export and replay offline.
  const std::string exported = dir_ + "/export";
  out = Ok({"audit", "export", kRound, exported});
  EXPECT_CONTAINS(out, "exported counties/c1/rounds/" + std::string(kRound));
  for (const char* f :
       {"frozen.binpb", "run.binpb", "chain.binpb", "manifest.txt"})
    EXPECT_TRUE(std::filesystem::exists(exported + "/" + f)) << f;
  CliResult replay = Replay(exported);
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_CONTAINS(replay.out, "chain OK");
  EXPECT_CONTAINS(replay.out, "MATCH ");
  // The server's replay agrees on the hash.
  const std::string server = Ok({"audit", "replay", kRound});
  const std::string hash =
      server.substr(server.rfind(' ') + 1, 64);  // "replay MATCH <hash>\n"
  EXPECT_CONTAINS(replay.out, "MATCH " + hash);

  // A tampered frozen input: m's certificate now covers junior only.
  const std::string tampered = dir_ + "/tampered";
  std::filesystem::copy(exported, tampered);
  {
    rota::v1::RoundFrozen frozen;
    ASSERT_TRUE(frozen.ParseFromString(ReadFile(tampered + "/frozen.binpb")));
    bool changed = false;
    for (auto& t : *frozen.mutable_teachers()) {
      if (t.name() == "counties/c1/teachers/m") {
        t.set_certificate_stages(0, rota::v1::JUNIOR);
        changed = true;
      }
    }
    ASSERT_TRUE(changed);
    std::ofstream(tampered + "/frozen.binpb",
                  std::ios::binary | std::ios::trunc)
        << frozen.SerializeAsString();
  }
  replay = Replay(tampered);
  EXPECT_EQ(replay.exit_code, 1) << replay.out << replay.err;
  EXPECT_CONTAINS(replay.out,
                  "frozen.binpb is not the payload of the chain's RoundFrozen "
                  "event");
  EXPECT_CONTAINS(replay.out, "MISMATCH");

  // A tampered chain: one event's actor rewritten.
  const std::string forged = dir_ + "/forged";
  std::filesystem::copy(exported, forged);
  {
    rota::v1::ListEventsResponse chain;
    ASSERT_TRUE(chain.ParseFromString(ReadFile(forged + "/chain.binpb")));
    ASSERT_GT(chain.events_size(), 3);
    chain.mutable_events(1)->set_actor("someone else");
    std::ofstream(forged + "/chain.binpb", std::ios::binary | std::ios::trunc)
        << chain.SerializeAsString();
  }
  replay = Replay(forged);
  EXPECT_EQ(replay.exit_code, 1) << replay.out << replay.err;
  EXPECT_CONTAINS(replay.out, "its hash does not match its contents");
  EXPECT_CONTAINS(replay.out, "MISMATCH");
}

}  // namespace
}  // namespace rota::testing
