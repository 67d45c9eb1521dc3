// Registration of rotactl's nouns. Each noun lives in its own file and adds
// its verbs (as CLI11 subcommands) to the root app; the verbs' callbacks set
// Context::exit_code. Issue 5's nouns (policy, round, audit replay) slot in
// the same way.
#pragma once

#include "CLI/CLI.hpp"
#include "tools/rotactl/context.h"

namespace rota::rotactl {

void AddCountyCommands(CLI::App* app, Context* ctx);
void AddSchoolCommands(CLI::App* app, Context* ctx);
void AddPostCommands(CLI::App* app, Context* ctx);
void AddTeacherCommands(CLI::App* app, Context* ctx);
void AddImportCommands(CLI::App* app, Context* ctx);
void AddSummaryCommands(CLI::App* app, Context* ctx);
void AddAuditCommands(CLI::App* app, Context* ctx);
void AddPolicyCommands(CLI::App* app, Context* ctx);
void AddRoundCommands(CLI::App* app, Context* ctx);
// `config get-contexts|current-context|use-context|set-context`.
void AddConfigCommands(CLI::App* app, Context* ctx);
// Examples in the --help footer of the root and of the nouns that exist;
// call after every command is registered.
void AddHelpExamples(CLI::App* app);
// `round plan` and `round coverage` (itinerant teaching), under `round`.
void AddItinerantRoundCommands(CLI::App* round, Context* ctx);
// `round diff`, `round commit` (with its confirmation) and `round reverse`,
// under `round` (round_safety.cc).
void AddRoundSafetyCommands(CLI::App* round, Context* ctx);
// The latest run number of ROUND (id or full name), 0 if none or unreadable.
int LatestRunNumber(Context* ctx, const std::string& round);
// After a lock or override of TEACHER: how many other teachers' outcomes
// changed between `run_before` and the latest run (named if few).
void PrintKnockOn(Context* ctx, const std::string& round,
                  const std::string& teacher, int run_before, bool lock);

}  // namespace rota::rotactl
