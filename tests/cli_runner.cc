#include "tests/cli_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace rota::testing {
namespace {

// NAME of a "NAME=value" entry.
std::string NameOf(const std::string& kv) { return kv.substr(0, kv.find('=')); }

}  // namespace

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

CliResult RunCli(const std::string& binary,
                 const std::vector<std::string>& args, const std::string& dir,
                 const std::vector<std::string>& extra_env) {
  // posix_spawn, not fork: this process has gRPC threads, and only
  // async-signal-safe calls are allowed between fork and exec.
  const std::string out_path = dir + "/stdout", err_path = dir + "/stderr";
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const std::string name = NameOf(kv);
    bool replaced = name == "ROTA_SERVER" || name == "ROTA_COUNTY" ||
                    name == "ROTA_CONFIG" || name == "ROTA_CONTEXT";
    for (const std::string& extra : extra_env) {
      if (NameOf(extra) == name) replaced = true;
    }
    if (!replaced) env.push_back(kv);
  }
  // No configuration file (rotactl's contexts) unless the test gives one.
  bool config_given = false;
  for (const std::string& extra : extra_env) {
    if (NameOf(extra) == "ROTA_CONFIG") config_given = true;
  }
  if (!config_given) env.push_back("ROTA_CONFIG=/dev/null");
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp, argv;
  for (std::string& kv : env) envp.push_back(kv.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings = {binary};
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
  const int spawned = posix_spawn(&pid, binary.c_str(), &actions, nullptr,
                                  argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  CliResult r;
  if (spawned != 0) {
    r.err = "cannot run " + binary + ": " + strerror(spawned);
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

}  // namespace rota::testing
