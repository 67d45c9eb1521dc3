// The version every Rota program prints for --version:
//
//   rotactl 0.1.0 (git 2cd892d)
//   engine rota-engine 2026.12, outcome encoding 2
//
// The first line is CMake's project version and `git describe --tags
// --always --dirty` of the source tree at configure time ("no git" when the
// sources are not a git checkout, e.g. an exported tarball); the second the
// engine version and outcome encoding version new runs record
// (engine/rules/round_outcome.h).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace rota {

// "0.1.0".
std::string_view ProjectVersion();
// "2cd892d", "v0.1.0-3-g2cd892d-dirty", or "" when not built from git.
std::string_view GitDescribe();
// The two lines above (no final newline), for `program`.
std::string VersionText(std::string_view program);

}  // namespace rota
