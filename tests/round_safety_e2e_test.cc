// End-to-end tests of the round safety commands through the real rotactl
// and the real rotad, on a county rota-gen generates:
//   - `round diff ROUND 1 2` after an override lists exactly the teachers
//     whose result differs (table, csv, json), and the override said how
//     many others changed;
//   - `round commit` on a terminal (a pseudo-terminal from forkpty) shows
//     the registry diff and asks y/N: "n" commits nothing, "y" commits;
//     without a terminal it refuses unless --yes is given;
//   - `round reverse` puts every moved teacher back (school, post, service
//     history as before the commit), audit history shows the commit and
//     the reversal, and a reversal is refused, naming her, when a teacher
//     changed after the commit;
//   - competitive hiring with rota-gen's post-level hiring_applications.csv
//     (every row accepted), and the freeze warning when a hiring round's
//     applications were all rejected (school-level lists).
// No sleeps: the prompt is awaited with poll() on the terminal, bounded.
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "rota/v1/registry.grpc.pb.h"
#include "tests/cli_runner.h"
#include "tests/rounds_e2e_support.h"
#include "tests/status_matchers.h"
#include "tools/gen/county_generator.h"

namespace rota::testing {
namespace {

namespace v1 = ::rota::v1;

#define EXPECT_CONTAINS(haystack, needle)               \
  EXPECT_NE((haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"         \
      << (haystack)

constexpr char kCounty[] = "anxi";

// The result of a rotactl run on a pseudo-terminal.
struct PtyResult {
  int exit_code = -1;
  std::string screen;  // everything it wrote (stdout and stderr)
  bool prompted = false;
};

// Runs rotactl with `args` on a new pseudo-terminal (stdin, stdout and
// stderr), waits for "[y/N]" (at most 60 s of silence), types `answer` and a
// newline, and reads until it exits.
PtyResult RunOnTerminal(const std::vector<std::string>& args,
                        const std::string& answer) {
  PtyResult out;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return out;
  if (pid == 0) {
    std::vector<char*> argv;
    std::string binary = ROTA_ROTACTL_PATH;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    unsetenv("ROTA_SERVER");
    unsetenv("ROTA_COUNTY");
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  char buf[4096];
  bool answered = false;
  while (true) {
    pollfd p{master, POLLIN, 0};
    const int ready = poll(&p, 1, 60000);
    if (ready <= 0) break;  // silent for a minute: give up
    const ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO: the child closed the terminal
    out.screen.append(buf, static_cast<size_t>(n));
    if (!answered && out.screen.find("[y/N]") != std::string::npos) {
      out.prompted = true;
      const std::string line = answer + "\n";
      if (write(master, line.data(), line.size()) < 0) break;
      answered = true;
    }
  }
  close(master);
  int status = 0;
  if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
    out.exit_code = WEXITSTATUS(status);
  return out;
}

class RoundSafetyE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/round_safety_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/gen");
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
    rota::tools::CountyGenOptions gen;
    gen.seed = 11;
    gen.schools = 8;
    gen.teachers = 240;
    gen.county = kCounty;
    ASSERT_OK_AND_ASSIGN(data_, GenerateAndImport(*rotad_, kCounty, gen));
    // The same options again: rota-gen's files, byte for byte.
    ASSERT_OK(rota::tools::GenerateCounty(gen, dir_ + "/gen").status());
    rounds_ = std::make_unique<RoundClient>(rotad_->channel());
  }
  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    std::filesystem::remove_all(dir_);
  }

  std::vector<std::string> Global() const {
    return {"--server", rotad_->address(), "--county", kCounty};
  }
  CliResult Rotactl(std::vector<std::string> args) {
    std::vector<std::string> all = Global();
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(ROTA_ROTACTL_PATH, all, dir_);
  }
  void Ok(std::vector<std::string> args) {
    const CliResult r = Rotactl(args);
    ASSERT_EQ(r.exit_code, 0) << absl::StrJoin(args, " ") << "\n"
                              << r.out << r.err;
  }
  std::string Name(const std::string& round) const {
    return absl::StrCat("counties/", kCounty, "/rounds/", round);
  }

  // An exchange rotation with rota-gen's applications, frozen and run once.
  void ProposedExchangeRound(const std::string& id) {
    Ok({"round", "create", "--kind", "exchange-rotation", "--year", "2026",
        "--effective", "2026-09-01", "--id", id});
    Ok({"round", "apply", id, dir_ + "/gen/applications.csv", "--no-progress"});
    Ok({"round", "freeze", id, "--seed", "7"});
    Ok({"round", "run", id});
  }

  std::map<std::string, v1::Teacher> Teachers() {
    std::map<std::string, v1::Teacher> out;
    v1::ListTeachersRequest req;
    req.set_parent(absl::StrCat("counties/", kCounty));
    req.set_page_size(1000);
    while (true) {
      v1::ListTeachersResponse page;
      auto ctx = NewContext();
      const grpc::Status s =
          rotad_->registry().ListTeachers(ctx.get(), req, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) return out;
      for (const auto& t : page.teachers()) out[t.name()] = t;
      if (page.next_page_token().empty()) return out;
      req.set_page_token(page.next_page_token());
    }
  }

  std::vector<v1::Placement> Movers(const std::string& round) {
    auto placements = rounds_->Placements(Name(round), 0, "outcome = MOVED");
    EXPECT_TRUE(placements.ok()) << placements.status();
    return placements.ok() ? *placements : std::vector<v1::Placement>{};
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
  GeneratedCounty data_;
  std::unique_ptr<RoundClient> rounds_;
};

TEST_F(RoundSafetyE2eTest, DiffBetweenRunsAfterAnOverride) {
  ProposedExchangeRound("er");
  const std::vector<v1::Placement> movers = Movers("er");
  ASSERT_FALSE(movers.empty());
  const std::string teacher = Id(movers[0].teacher());
  // She stays: her seat frees, so others may end elsewhere.
  const CliResult overridden =
      Rotactl({"round", "override", "er", teacher, "--reason", "家庭原因"});
  ASSERT_EQ(overridden.exit_code, 0) << overridden.err;
  ASSERT_OK_AND_ASSIGN(auto run1, rounds_->Placements(Name("er"), 1));
  ASSERT_OK_AND_ASSIGN(auto run2, rounds_->Placements(Name("er"), 2));
  std::map<std::string, v1::Placement> before;
  for (const auto& p : run1) before[Id(p.teacher())] = p;
  std::set<std::string> differ;
  for (const auto& p : run2) {
    const v1::Placement& q = before.at(Id(p.teacher()));
    if (q.outcome() != p.outcome() || q.to_school() != p.to_school() ||
        q.to_post() != p.to_post())
      differ.insert(Id(p.teacher()));
  }
  ASSERT_TRUE(differ.contains(teacher));
  EXPECT_CONTAINS(overridden.out,
                  absl::StrCat(differ.size() - 1,
                               " other teachers' outcomes changed: run 1 -> "
                               "run 2"));

  const CliResult table = Rotactl({"round", "diff", "er", "1", "2"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_CONTAINS(table.out, absl::StrCat(differ.size(),
                                          " teachers differ between run 1 "
                                          "and run 2"));
  EXPECT_CONTAINS(table.out, "调动 (moves) -> 留任 (stays)");
  const v1::Teacher* her = data_.TeachersByName().at(movers[0].teacher());
  EXPECT_CONTAINS(table.out, her->display_name());

  const CliResult csv = Rotactl({"-o", "csv", "round", "diff", "er", "1", "2"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::vector<std::string> lines =
      absl::StrSplit(csv.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), differ.size() + 1) << csv.out;
  EXPECT_EQ(lines[0],
            "\xEF\xBB\xBF"  // the byte order mark of every CSV
            "teacher,name,run_a_outcome,run_a_school,run_a_post,"
            "run_b_outcome,run_b_school,run_b_post");
  std::set<std::string> listed;
  for (size_t i = 1; i < lines.size(); ++i)
    listed.insert(std::string(lines[i].substr(0, lines[i].find(','))));
  EXPECT_EQ(listed, differ);
  EXPECT_CONTAINS(csv.out,
                  absl::StrCat(teacher, ",", her->display_name(), ",MOVED,",
                               Id(movers[0].to_school()), ",,STAYED,"));

  const CliResult json =
      Rotactl({"-o", "json", "round", "diff", "er", "1", "2"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.front(), '[');
  EXPECT_CONTAINS(json.out, absl::StrCat("\"teacher\":\"", teacher, "\""));

  // A lock changes nobody else.
  const std::string other = Id(movers.back().teacher());
  const CliResult locked =
      Rotactl({"round", "lock", "er", other, "--reason", "已确认"});
  ASSERT_EQ(locked.exit_code, 0) << locked.err;
  EXPECT_CONTAINS(locked.out, "no other teacher's outcome changed");

  // Against the registry: every mover of run 2, from where she is now.
  const CliResult registry =
      Rotactl({"-o", "csv", "round", "diff", "er", "0", "--registry"});
  ASSERT_EQ(registry.exit_code, 0) << registry.err;
  int moves = 0;
  for (const auto& p : run2) moves += p.outcome() == v1::MOVED ? 1 : 0;
  lines = absl::StrSplit(registry.out, '\n', absl::SkipEmpty());
  EXPECT_EQ(static_cast<int>(lines.size()), moves + 1) << registry.out;
  EXPECT_EQ(registry.out.find(absl::StrCat("\n", teacher, ",")),
            std::string::npos);
}

TEST_F(RoundSafetyE2eTest, CommitAsksOnATerminal) {
  ProposedExchangeRound("er");
  std::vector<std::string> args = Global();
  for (const char* a : {"round", "commit", "er", "--latest-run"})
    args.push_back(a);

  const PtyResult no = RunOnTerminal(args, "n");
  ASSERT_TRUE(no.prompted) << no.screen;
  EXPECT_EQ(no.exit_code, 1) << no.screen;
  EXPECT_CONTAINS(no.screen, "Commit run 1 to the registry?");
  EXPECT_CONTAINS(no.screen, "moves,");
  EXPECT_CONTAINS(no.screen, "not committed");
  ASSERT_OK_AND_ASSIGN(v1::Round round, rounds_->Get(Name("er")));
  EXPECT_EQ(round.state(), v1::PROPOSED);

  const std::vector<v1::Placement> movers = Movers("er");
  ASSERT_FALSE(movers.empty());
  const PtyResult yes = RunOnTerminal(args, "y");
  ASSERT_TRUE(yes.prompted) << yes.screen;
  EXPECT_EQ(yes.exit_code, 0) << yes.screen;
  EXPECT_CONTAINS(yes.screen, "committed " + Name("er"));
  ASSERT_OK_AND_ASSIGN(round, rounds_->Get(Name("er")));
  EXPECT_EQ(round.state(), v1::COMMITTED);
  const auto teachers = Teachers();
  for (const auto& p : movers)
    EXPECT_EQ(teachers.at(p.teacher()).school(), p.to_school()) << p.teacher();
}

TEST_F(RoundSafetyE2eTest, CommitWithoutATerminalNeedsYes) {
  ProposedExchangeRound("er");
  const CliResult refused = Rotactl({"round", "commit", "er", "--latest-run"});
  EXPECT_EQ(refused.exit_code, 2) << refused.out;
  EXPECT_CONTAINS(refused.err, "not committed");
  EXPECT_CONTAINS(refused.err, "--yes");
  ASSERT_OK_AND_ASSIGN(v1::Round round, rounds_->Get(Name("er")));
  EXPECT_EQ(round.state(), v1::PROPOSED);
  // --yes commits the run whose etag is given, without a question.
  const std::string etag = round.runs(0).etag();
  const CliResult done =
      Rotactl({"round", "commit", "er", "--run-etag", etag, "--yes"});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(done.out.find("[y/N]"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(round, rounds_->Get(Name("er")));
  EXPECT_EQ(round.state(), v1::COMMITTED);
}

TEST_F(RoundSafetyE2eTest, ReversalRestoresTheRegistryAndShowsInHistory) {
  ProposedExchangeRound("er");
  const auto before = Teachers();
  const std::vector<v1::Placement> movers = Movers("er");
  ASSERT_FALSE(movers.empty());
  Ok({"round", "commit", "er", "--latest-run", "--yes"});
  const auto committed = Teachers();
  for (const auto& p : movers)
    ASSERT_EQ(committed.at(p.teacher()).school(), p.to_school());

  const CliResult no_reason = Rotactl({"round", "reverse", "er"});
  EXPECT_EQ(no_reason.exit_code, 2);
  const CliResult reversed =
      Rotactl({"round", "reverse", "er", "--reason", "录入错误，撤销"});
  ASSERT_EQ(reversed.exit_code, 0) << reversed.err;
  ASSERT_OK_AND_ASSIGN(v1::Round round, rounds_->Get(Name("er")));
  EXPECT_EQ(round.state(), v1::REVERSED);
  EXPECT_EQ(round.reversal_reason(), "录入错误，撤销");
  const CliResult shown = Rotactl({"round", "get", "er"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_CONTAINS(shown.out, "reversal_reason");
  EXPECT_CONTAINS(shown.out, "录入错误，撤销");
  const auto after = Teachers();
  for (const auto& [name, t] : before) {
    const v1::Teacher& now = after.at(name);
    EXPECT_EQ(now.school(), t.school()) << name;
    EXPECT_EQ(now.post(), t.post()) << name;
    EXPECT_EQ(now.school_join_date(), t.school_join_date()) << name;
    EXPECT_EQ(now.service_history_size(), t.service_history_size()) << name;
    for (int i = 0;
         i < std::min(now.service_history_size(), t.service_history_size());
         ++i)
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
          now.service_history(i), t.service_history(i)))
          << name << " spell " << i;
  }
  const std::string mover = Id(movers[0].teacher());
  const CliResult history = Rotactl({"audit", "history", mover});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_CONTAINS(history.out, "by round er");
  EXPECT_CONTAINS(history.out, "by the reversal of round er");
  // A reversed round is not reversed twice, nor cancelled.
  const CliResult again =
      Rotactl({"round", "reverse", "er", "--reason", "again"});
  EXPECT_EQ(again.exit_code, 3);
  EXPECT_CONTAINS(again.err, "ROUND_STATE");
}

TEST_F(RoundSafetyE2eTest, ReversalIsRefusedWhenATeacherChangedSince) {
  ProposedExchangeRound("er");
  const std::vector<v1::Placement> movers = Movers("er");
  ASSERT_GE(movers.size(), 1u);
  Ok({"round", "commit", "er", "--latest-run", "--yes"});
  // HR moves one mover again after the commit.
  auto teachers = Teachers();
  v1::Teacher t = teachers.at(movers[0].teacher());
  // A third school (not where she was, is, or has her home).
  std::string third;
  for (const auto& school : data_.schools) {
    if (school.name() != movers[0].from_school() &&
        school.name() != movers[0].to_school() &&
        school.name() != t.home_school()) {
      third = school.name();
      break;
    }
  }
  ASSERT_FALSE(third.empty());
  v1::UpdateTeacherRequest update;
  t.set_school(third);
  t.set_post("");
  *update.mutable_teacher() = t;
  update.mutable_update_mask()->add_paths("school");
  update.mutable_update_mask()->add_paths("post");
  v1::Teacher updated;
  auto ctx = NewContext();
  const grpc::Status s =
      rotad_->registry().UpdateTeacher(ctx.get(), update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();

  const CliResult refused =
      Rotactl({"round", "reverse", "er", "--reason", "撤销"});
  EXPECT_EQ(refused.exit_code, 3) << refused.out;
  EXPECT_CONTAINS(refused.err, "CHANGED_SINCE_COMMIT");
  EXPECT_CONTAINS(refused.err, movers[0].teacher());
  EXPECT_CONTAINS(refused.err,
                  "school " + Id(movers[0].to_school()) + " -> " + Id(third));
  ASSERT_OK_AND_ASSIGN(v1::Round round, rounds_->Get(Name("er")));
  EXPECT_EQ(round.state(), v1::COMMITTED);
}

TEST_F(RoundSafetyE2eTest, HiringWithGeneratedPostApplications) {
  Ok({"round", "create", "--kind", "competitive-hiring", "--year", "2026",
      "--effective", "2026-09-01", "--id", "ch"});
  const CliResult applied =
      Rotactl({"round", "apply", "ch", dir_ + "/gen/hiring_applications.csv",
               "--no-progress"});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_CONTAINS(applied.out, " 0 rejected");
  const CliResult frozen = Rotactl({"round", "freeze", "ch", "--seed", "3"});
  ASSERT_EQ(frozen.exit_code, 0) << frozen.err;
  EXPECT_EQ(frozen.err.find("warning"), std::string::npos) << frozen.err;
  ASSERT_OK_AND_ASSIGN(v1::Round round, rounds_->Get(Name("ch")));
  EXPECT_GT(round.applications(),
            static_cast<int64_t>(data_.teachers.size() / 4));
  Ok({"round", "run", "ch"});
  ASSERT_OK_AND_ASSIGN(auto placements, rounds_->Placements(Name("ch")));
  int with_choice = 0;
  for (const auto& p : placements) with_choice += p.choice() > 0 ? 1 : 0;
  EXPECT_GT(with_choice, 0);

  // School-level lists are the wrong kind for hiring: every row rejected,
  // and the freeze warns.
  Ok({"round", "create", "--kind", "competitive-hiring", "--year", "2026",
      "--effective", "2026-09-01", "--id", "ch2"});
  const CliResult wrong =
      Rotactl({"round", "apply", "ch2", dir_ + "/gen/applications.csv",
               "--no-progress"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_CONTAINS(wrong.out, " 0 applied");
  const CliResult warned = Rotactl({"round", "freeze", "ch2", "--seed", "3"});
  ASSERT_EQ(warned.exit_code, 0) << warned.err;
  EXPECT_CONTAINS(warned.err, "warning");
  EXPECT_CONTAINS(warned.err, "hiring_applications.csv");
}

}  // namespace
}  // namespace rota::testing
