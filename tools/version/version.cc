#include "tools/version/version.h"

#include "absl/strings/str_cat.h"
#include "engine/rules/round_outcome.h"
#include "tools/version/build_info.h"

namespace rota {

std::string_view ProjectVersion() { return ROTA_PROJECT_VERSION; }

std::string_view GitDescribe() { return ROTA_GIT_DESCRIBE; }

std::string VersionText(std::string_view program) {
  const std::string git(GitDescribe());
  return absl::StrCat(std::string(program), " ", ROTA_PROJECT_VERSION, " (",
                      git.empty() ? "no git" : "git " + git, ")\nengine ",
                      std::string(engine::rules::kEngineVersion),
                      ", outcome encoding ",
                      engine::rules::kOutcomeEncodingCurrent);
}

}  // namespace rota
