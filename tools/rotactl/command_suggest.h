// "Did you mean" for mistyped commands, at any level of rotactl's command
// tree:
//
//   $ rotactl rond list
//   rotactl: unknown command 'rond'; did you mean 'round'?
//   $ rotactl round rn R1
//   rotactl round: unknown command 'rn'; did you mean 'run'?
//
// FindUnknownCommand walks the arguments the way CLI11 does (options and
// their values skipped, `--` ends the walk) down the subcommands it finds;
// main() calls it when parsing failed and exits with kExitUsage.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"

namespace rota::rotactl {

// Optimal string alignment distance: insertions, deletions, substitutions
// and transpositions of two adjacent characters (bytes) each cost 1.
int EditDistance(std::string_view a, std::string_view b);

// The candidates closest to `word`: those it is a prefix of when there is
// exactly one such; else those at the smallest edit distance, if that is at
// most max(1, min(3, |word| / 2)); else none. Sorted, no duplicates.
std::vector<std::string> Suggest(std::string_view word,
                                 const std::vector<std::string>& candidates);

// "did you mean 'round'?", "did you mean 'list' or 'lock'?", or "the
// commands here are: a, b, c" when there is no suggestion.
std::string SuggestionText(std::string_view word,
                           const std::vector<std::string>& candidates);

struct UnknownCommand {
  std::string path;     // "rotactl", "rotactl round", ...
  std::string word;     // what was typed
  std::string message;  // "rotactl round: unknown command 'rn'; did you ..."
};

// The first argument (args exclude the program name) that stands where a
// subcommand of `app` (or of a subcommand found before it) must, but names
// none; std::nullopt if every command word is known.
std::optional<UnknownCommand> FindUnknownCommand(
    const CLI::App& app, const std::vector<std::string>& args);

}  // namespace rota::rotactl
