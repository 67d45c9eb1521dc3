// rotactl's configuration file (docs/rotactl.md "Configuration and
// contexts"): ~/.config/rota/config, or $ROTA_CONFIG, or --config FILE.
//
//   # lines starting with # or ; are comments
//   current-context = yongan
//   timeout = 60
//
//   [context yongan]
//   server = rota.example.cn:50051
//   county = yongan
//   ca = /etc/rota/ca.pem
//   cert = /home/wang/.config/rota/wang.pem
//   key = /home/wang/.config/rota/wang.key
//   token-file = /home/wang/.config/rota/token
//
// Keys before any section apply to every context. Keys are the long names of
// rotactl's global flags (ConfigKeys()). A value is the rest of the line after
// `=`, trimmed; surrounding double quotes are removed (no comments after a
// value). A flag given on the command line (or through its environment
// variable) overrides the context, the context overrides the keys before
// any section, and those override the built-in defaults.
//
// Parsing and editing are pure (text in, text out) so they are unit-tested;
// only ReadConfigText, WriteConfigText and ConfigPath touch the system. Edits
// keep comments, blank lines and the order of everything else.
//
// Thread-safety: plain values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rota::rotactl {

// key -> value, keys from ConfigKeys().
using ConfigSettings = std::map<std::string, std::string>;

struct ConfigFile {
  std::string current_context;  // "" = none
  ConfigSettings defaults;      // keys before any section
  std::map<std::string, ConfigSettings> contexts;
};

// The keys a context may set: server, county, output, timeout, actor, tls,
// ca, cert, key, token-file.
const std::vector<std::string>& ConfigKeys();

// A context name: 1-64 characters of [A-Za-z0-9._-].
bool IsValidContextName(std::string_view name);

// Parses `text`; on a syntax error returns std::nullopt with `error` set to
// "LINE: what" (1-based line).
std::optional<ConfigFile> ParseConfig(std::string_view text,
                                      std::string* error);

// The settings the context `name` ("" = the file's current context, if any)
// resolves to: the keys before any section, overridden by the context's.
// Returns std::nullopt with `error` set when `name` (or the current context)
// is not in the file.
std::optional<ConfigSettings> ResolveContext(const ConfigFile& config,
                                             const std::string& name,
                                             std::string* error);

// `text` with `current-context = name` set (replaced in place, or added as the
// first line that is not a comment).
std::string SetCurrentContext(std::string_view text, const std::string& name);

// `text` with the section of context `name` holding `settings` (each key
// replaced in place or added at the end of the section; a missing section is
// appended). A key whose value is "" is removed.
std::string SetContextKeys(std::string_view text, const std::string& name,
                           const ConfigSettings& settings);

// The text of the configuration file at `path`: "" when it does not exist;
// std::nullopt with `error` set when it cannot be read.
std::optional<std::string> ReadConfigText(const std::string& path,
                                          std::string* error);

// Replaces the file at `path` with `text` (written to a temporary file and
// renamed; the directory is created, mode 0700, the file is mode 0600).
// Returns "" or the error.
std::string WriteConfigText(const std::string& path, const std::string& text);

// The path of the configuration file: `flag` if given, else $ROTA_CONFIG,
// else $HOME/.config/rota/config ("" when HOME is unset too).
std::string ConfigPath(const std::string& flag);

}  // namespace rota::rotactl
