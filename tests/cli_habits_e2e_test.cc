// End-to-end tests of rotactl's command-line habits (docs/rotactl.md) with
// the real binaries against the real rotad: --version of every program,
// "did you mean" with exit code 2, configuration file contexts selecting the
// server and county of a real call (and --context / flags overriding them),
// --no-headers, the bash completion script run in bash, and the examples of
// every --help run for real.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/rules/round_outcome.h"
#include "gtest/gtest.h"
#include "tests/cli_runner.h"
#include "tests/rotad_fixture.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

#define EXPECT_CONTAINS(haystack, needle)               \
  EXPECT_NE((haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"         \
      << (haystack)

class CliHabitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/cli_habits_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_ = dir_ + "/config";
  }
  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    std::filesystem::remove_all(dir_);
  }

  void StartRotad() { ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start()); }

  // rotactl with our configuration file and no ROTA_SERVER / ROTA_COUNTY:
  // the server and county come from flags or the file's context.
  CliResult Rotactl(const std::vector<std::string>& args,
                    std::vector<std::string> env = {}) {
    env.push_back("ROTA_CONFIG=" + config_);
    return RunCli(ROTA_ROTACTL_PATH, args, dir_, env);
  }

  // Creates county `id` with flags only.
  void CreateCounty(const std::string& id) {
    const CliResult r = Rotactl({"--server", rotad_->address(), "county",
                                 "create", id, "--name", "永安市"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::string dir_, config_;
  std::unique_ptr<RotadProcess> rotad_;
};

TEST_F(CliHabitsTest, EveryProgramPrintsItsVersionAndTheEngineVersion) {
  const std::string engine_line = absl::StrCat(
      "engine ", std::string(engine::rules::kEngineVersion),
      ", outcome encoding ", engine::rules::kOutcomeEncodingCurrent, "\n");
  for (const auto& [name, path] :
       std::vector<std::pair<std::string, std::string>>{
           {"rotactl", ROTA_ROTACTL_PATH},
           {"rotad", ROTA_ROTAD_PATH},
           {"rota-gen", ROTA_GEN_PATH},
           {"rota-solve", ROTA_SOLVE_PATH}}) {
    const CliResult r = RunCli(path, {"--version"}, dir_);
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_TRUE(std::regex_search(
        r.out,
        std::regex("^" + name +
                   R"( [0-9]+\.[0-9]+\.[0-9]+ \((git [^ )]+|no git)\)\n)")))
        << r.out;
    EXPECT_TRUE(absl::EndsWith(r.out, engine_line)) << r.out;
  }
}

TEST_F(CliHabitsTest, UnknownCommandSuggestsTheClosestAndExits2) {
  CliResult r = Rotactl({"rond", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_CONTAINS(r.err, "unknown command 'rond'; did you mean 'round'?");
  // Below the noun, after global flags with values.
  r = Rotactl({"--county", "yongan", "round", "-o", "json", "rn", "R1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_CONTAINS(r.err,
                  "rotactl round: unknown command 'rn'; did you mean 'run'?");
  r = Rotactl({"config", "use-contxt", "a"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_CONTAINS(r.err, "did you mean 'use-context'?");
  r = Rotactl({"zzzz"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_CONTAINS(r.err, "unknown command 'zzzz'; the commands here are: ");
}

TEST_F(CliHabitsTest, ContextSelectsServerAndCountyOfARealCall) {
  ASSERT_NO_FATAL_FAILURE(StartRotad());
  CreateCounty("yongan");
  CliResult r = Rotactl({"config", "set-context", "local", "--server",
                         rotad_->address(), "--county", "yongan"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "context local set in " + config_);
  // The first context becomes the current one; no --server, no --county.
  r = Rotactl({"school", "create", "s1", "--name", "青山村小学", "--stages",
               "primary", "--locality", "rural"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Rotactl({"-o", "csv", "school", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "s1,青山村小学");

  r = Rotactl({"config", "get-contexts"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(
      r.out,
      std::regex(R"(\n\*\s+local\s+)" + rotad_->address() + R"(\s+yongan)")))
      << r.out;
  r = Rotactl({"config", "current-context"});
  EXPECT_EQ(r.out, "local\n");
}

TEST_F(CliHabitsTest, ContextFlagAndFlagsOverrideTheCurrentContext) {
  ASSERT_NO_FATAL_FAILURE(StartRotad());
  CreateCounty("yongan");
  CreateCounty("sanming");
  // The current context points at no server; "real" at ours.
  ASSERT_EQ(Rotactl({"config", "set-context", "dead", "--server", "localhost:1",
                     "--county", "yongan", "--timeout", "5"})
                .exit_code,
            0);
  ASSERT_EQ(Rotactl({"config", "set-context", "real", "--server",
                     rotad_->address(), "--county", "sanming"})
                .exit_code,
            0);
  CliResult r = Rotactl({"config", "current-context"});
  EXPECT_EQ(r.out, "dead\n");
  r = Rotactl({"summary"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;  // the dead server

  // --context picks another context for one call.
  r = Rotactl({"--context", "real", "school", "create", "m1", "--name",
               "三明一中", "--stages", "junior", "--locality", "urban"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // A flag overrides the context's value: the county, then the server.
  r = Rotactl({"--context", "real", "--county", "yongan", "-o", "csv", "school",
               "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("m1,"), std::string::npos) << r.out;
  r = Rotactl({"--server", rotad_->address(), "--county", "sanming", "-o",
               "csv", "school", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "m1,三明一中");
  // ROTA_CONTEXT works like --context; use-context switches for good.
  r = Rotactl({"-o", "csv", "school", "list"}, {"ROTA_CONTEXT=real"});
  EXPECT_CONTAINS(r.out, "m1,");
  ASSERT_EQ(Rotactl({"config", "use-context", "real"}).exit_code, 0);
  r = Rotactl({"-o", "csv", "school", "list"});
  EXPECT_CONTAINS(r.out, "m1,");

  // An unknown context is a usage error naming the known ones.
  r = Rotactl({"--context", "nope", "summary"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_CONTAINS(r.err,
                  "no context nope in the configuration file; its "
                  "contexts: dead, real");
  // A broken file is a usage error with its line.
  WriteFile(config_, ReadFile(config_) + "sever = x\n");
  r = Rotactl({"summary"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_CONTAINS(r.err, config_ + ":");
  EXPECT_CONTAINS(r.err, "unknown key sever");
}

TEST_F(CliHabitsTest, NoHeadersDropsTheHeaderRowOfTablesAndCsv) {
  ASSERT_NO_FATAL_FAILURE(StartRotad());
  CreateCounty("yongan");
  const std::vector<std::string> base = {"--server", rotad_->address(),
                                         "--county", "yongan"};
  auto run = [&](std::vector<std::string> args) {
    std::vector<std::string> all = base;
    all.insert(all.end(), args.begin(), args.end());
    const CliResult r = Rotactl(all);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  run({"school", "create", "s1", "--name", "青山村小学", "--stages", "primary",
       "--locality", "rural"});
  std::string out = run({"school", "list"});
  EXPECT_TRUE(absl::StartsWith(out, "ID")) << out;
  out = run({"school", "list", "--no-headers"});
  EXPECT_TRUE(absl::StartsWith(out, "s1 ")) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  out = run({"-o", "csv", "--no-headers", "school", "list"});
  EXPECT_TRUE(absl::StartsWith(out, "s1,青山村小学")) << out;
  out = run({"-o", "csv", "school", "get", "s1", "--no-headers"});
  EXPECT_TRUE(absl::StartsWith(out, "s1,")) << out;
  out = run({"-o", "csv", "--no-headers", "summary"});
  EXPECT_TRUE(absl::StartsWith(out, "total,schools,1\n")) << out;
  out = run({"county", "list", "--no-headers"});
  EXPECT_TRUE(absl::StartsWith(out, "yongan ")) << out;
}

// The bash script, sourced in bash, completed as bash would for `words`
// (the last one is being typed).
std::string Complete(const std::string& script,
                     const std::vector<std::string>& words,
                     const std::string& dir) {
  std::string array;
  for (const std::string& w : words) absl::StrAppend(&array, " '", w, "'");
  const CliResult r =
      RunCli("/bin/bash",
             {"--norc", "-c",
              absl::StrCat("source '", script, "' && COMP_WORDS=(", array,
                           ") && COMP_CWORD=", words.size() - 1,
                           " && _rotactl && echo \"${COMPREPLY[*]}\"")},
             dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST_F(CliHabitsTest, BashCompletionCompletesCommandsAndFlags) {
  const CliResult r = Rotactl({"completion", "bash"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string script = dir_ + "/rotactl.bash";
  WriteFile(script, r.out);
  EXPECT_EQ(Complete(script, {"rotactl", "rou"}, dir_), "round\n");
  EXPECT_EQ(Complete(script, {"rotactl", "round", "fr"}, dir_), "freeze\n");
  // Global flags and their values are skipped on the way down.
  EXPECT_EQ(
      Complete(script,
               {"rotactl", "--county", "round", "-o", "json", "config", "use-"},
               dir_),
      "use-context\n");
  EXPECT_EQ(Complete(script, {"rotactl", "school", "list", "--no-h"}, dir_),
            "--no-headers\n");
  EXPECT_EQ(Complete(script, {"rotactl", "round", "run", "--mech"}, dir_),
            "--mechanism\n");
  // A flag's value and a verb's arguments: nothing from us (files).
  EXPECT_EQ(Complete(script, {"rotactl", "--server", ""}, dir_), "\n");

  const CliResult zsh = Rotactl({"completion", "zsh"});
  ASSERT_EQ(zsh.exit_code, 0) << zsh.err;
  EXPECT_TRUE(absl::StartsWith(zsh.out, "#compdef rotactl\n"));
  if (std::filesystem::exists("/usr/bin/zsh")) {
    WriteFile(dir_ + "/_rotactl", zsh.out);
    const CliResult check =
        RunCli("/usr/bin/zsh", {"-n", dir_ + "/_rotactl"}, dir_);
    EXPECT_EQ(check.exit_code, 0) << check.err;
  }
}

// Shell words of one example line (single and double quotes; `#` starts a
// comment).
std::vector<std::string> ShellWords(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\'' || c == '"') {
      const size_t end = line.find(c, i + 1);
      word += line.substr(i + 1, end - i - 1);
      in_word = true;
      i = end;
    } else if (c == ' ') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else if (c == '#' && !in_word) {
      break;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

TEST_F(CliHabitsTest, HelpExamplesRunForReal) {
  ASSERT_NO_FATAL_FAILURE(StartRotad());
  // The files the examples name, in the directory they run in.
  const CliResult gen =
      RunCli(ROTA_GEN_PATH,
             {"--seed", "3", "--schools", "8", "--teachers", "120", "--as-of",
              "2025-09-01", "--out", dir_, "-q"},
             dir_);
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  std::filesystem::copy_file(
      std::string(ROTA_SOURCE_DIR) + "/docs/examples/policy.textproto",
      dir_ + "/policy.textproto");
  const std::filesystem::path cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir_);

  // Root first (it creates the context and the county), then every noun.
  std::vector<std::string> helps = {""};
  for (const char* noun : {"county", "school", "post", "teacher", "import",
                           "summary", "audit", "policy", "round", "config"})
    helps.push_back(noun);
  int examples = 0;
  for (const std::string& noun : helps) {
    std::vector<std::string> args;
    if (!noun.empty()) args.push_back(noun);
    args.push_back("--help");
    const CliResult help = Rotactl(args);
    ASSERT_EQ(help.exit_code, 0) << help.err;
    const size_t at = help.out.find("Examples:\n");
    ASSERT_NE(at, std::string::npos) << noun << ":\n" << help.out;
    for (absl::string_view line : absl::StrSplit(help.out.substr(at), '\n')) {
      if (!absl::StartsWith(line, "  rotactl ")) continue;
      std::vector<std::string> words = ShellWords(std::string(line));
      words.erase(words.begin());
      // The root's set-context example names the default address.
      for (std::string& w : words) {
        if (w == "localhost:50051") w = rotad_->address();
      }
      const CliResult r = Rotactl(words);
      ++examples;
      // It parsed and reached the server; an example may meet a server
      // error (NOT_FOUND of t900001), never a usage error.
      EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 3)
          << line << "\nexit " << r.exit_code << "\n"
          << r.out << r.err;
    }
  }
  std::filesystem::current_path(cwd);
  EXPECT_GE(examples, 30);
}

}  // namespace
}  // namespace rota::testing
