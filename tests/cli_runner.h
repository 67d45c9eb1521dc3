// Runs a command-line binary (rotactl, rota-gen) as a user would, against a
// given rotad: stdout and stderr captured in files (no pipe deadlocks),
// ROTA_SERVER set to the server's address and ROTA_COUNTY unset.
//
//   CliResult r = RunCli(ROTA_ROTACTL_PATH, {"county", "list"},
//                        rotad->address(), scratch_dir);
//   EXPECT_EQ(r.exit_code, 0) << r.err;
//
// Thread-compatible: concurrent calls need distinct scratch directories.
#pragma once

#include <string>
#include <vector>

namespace rota::testing {

struct CliResult {
  int exit_code = -1;  // 128 + signal if killed; -1 if it could not start
  std::string out;
  std::string err;
};

// Runs `binary` with `args` and waits for it. `scratch_dir` (existing) holds
// the capture files. A binary that cannot be started is a test failure
// (ADD_FAILURE) with exit_code -1.
CliResult RunCli(const std::string& binary,
                 const std::vector<std::string>& args,
                 const std::string& server_address,
                 const std::string& scratch_dir);

}  // namespace rota::testing
