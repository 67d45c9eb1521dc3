// Finding people and places by name: `teacher find NAME`, `round eligibility
// ROUND`, and the school reference every command that takes --school accepts
// (an id, a full name, or a school's display name; an ambiguous display name
// lists the candidates and is refused).
#pragma once

#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "tools/rotactl/context.h"

namespace rota::rotactl {

// "counties/{c}/{collection}/{ref}" for a bare id, `ref` itself for a full
// name; "" (usage error printed, exit code set) if no county is set.
std::string ResourceName(Context* ctx, const std::string& ref,
                         const char* collection);

// The id of the school `ref` names: an existing id or full name, else the
// one school whose display name is `ref` exactly (else contains it). nullopt
// after printing why (no such school; several: the candidates) with
// ctx->exit_code set.
std::optional<std::string> ResolveSchool(Context* ctx, const std::string& ref,
                                         const char* what);

// `teacher find NAME` under the teacher noun.
void AddTeacherFindCommand(CLI::App* teacher, Context* ctx);
// `round eligibility ROUND` under the round noun.
void AddEligibilityCommand(CLI::App* round, Context* ctx);

}  // namespace rota::rotactl
