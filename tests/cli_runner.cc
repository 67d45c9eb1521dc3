#include "tests/cli_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"

extern char** environ;

namespace rota::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

CliResult RunCli(const std::string& binary,
                 const std::vector<std::string>& args,
                 const std::string& server_address,
                 const std::string& scratch_dir) {
  // posix_spawn, not fork: the test process has gRPC threads, and only
  // async-signal-safe calls are allowed between fork and exec.
  const std::string out_path = scratch_dir + "/stdout",
                    err_path = scratch_dir + "/stderr";
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    if (kv.rfind("ROTA_SERVER=", 0) == 0 || kv.rfind("ROTA_COUNTY=", 0) == 0)
      continue;
    env.push_back(kv);
  }
  env.push_back("ROTA_SERVER=" + server_address);
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
    ADD_FAILURE() << "cannot run " << binary << ": " << strerror(spawned);
    return r;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadAll(out_path);
  r.err = ReadAll(err_path);
  return r;
}

}  // namespace rota::testing
