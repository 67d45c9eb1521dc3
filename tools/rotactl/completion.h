// Shell completion scripts generated from rotactl's CLI11 command tree, so
// every command registered at run time completes, with its flags:
//
//   $ source <(rotactl completion bash)       # or in ~/.bashrc
//   $ rotactl completion zsh > "${fpath[1]}/_rotactl"
//
// The generator walks the App's subcommands and options (hidden ones, with
// an empty group, are left out); each command level lists its subcommands,
// its own flags and those of the levels above it (global flags are accepted
// after the noun and verb too). After a flag that takes a value, and where a
// command takes arguments, the shell's default (file name) completion runs.
//
// Thread-safety: pure functions of the App.
#pragma once

#include <string>

#include "CLI/CLI.hpp"
#include "tools/rotactl/context.h"

namespace rota::rotactl {

// The bash script: defines _rotactl and registers it with `complete`.
std::string BashCompletion(const CLI::App& app);

// The zsh script (#compdef rotactl): defines _rotactl with descriptions.
std::string ZshCompletion(const CLI::App& app);

// `rotactl completion bash|zsh`, printing the script for `app` (the root).
void AddCompletionCommand(CLI::App* app, Context* ctx);

}  // namespace rota::rotactl
