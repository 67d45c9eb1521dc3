// Runs a command-line binary (rotactl, rota-gen) as a user would, for
// end-to-end tests: stdout and stderr captured in files (no pipe deadlocks),
// the exit code (128 + signal number if it died of a signal; -1 with the
// reason in `err` if it could not be started).
//
//   CliResult r = RunCli(ROTA_ROTACTL_PATH, {"county", "list"}, dir,
//                        {"ROTA_SERVER=" + rotad->address()});
//   EXPECT_EQ(r.exit_code, 0) << r.err;
//
// Thread-compatible: concurrent calls need different `dir`s.
#pragma once

#include <string>
#include <vector>

namespace rota::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `binary` with `args`. The environment is ours without ROTA_SERVER,
// ROTA_COUNTY, ROTA_CONFIG and ROTA_CONTEXT, with ROTA_CONFIG=/dev/null (no
// rotactl contexts), plus `env` ("NAME=value" entries, which replace ours).
// `dir` (existing) receives the files "stdout" and "stderr".
CliResult RunCli(const std::string& binary,
                 const std::vector<std::string>& args, const std::string& dir,
                 const std::vector<std::string>& env = {});

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& text);

}  // namespace rota::testing
