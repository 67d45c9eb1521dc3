#include "tools/rotactl/config_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace rota::rotactl {
namespace {

constexpr std::string_view kCurrentContext = "current-context";

// `text` without leading and trailing ASCII whitespace.
std::string_view Strip(std::string_view text) {
  while (!text.empty() &&
         absl::ascii_isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() &&
         absl::ascii_isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    // A final newline ends the last line; it does not start an empty one.
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) absl::StrAppend(&out, line, "\n");
  return out;
}

bool IsBlankOrComment(std::string_view line) {
  line = Strip(line);
  return line.empty() || line[0] == '#' || line[0] == ';';
}

// A section header `[context NAME]`: true with `name` set; false for any
// other line. `is_header` tells whether the line is a header at all.
bool ParseHeader(std::string_view line, std::string* name, bool* is_header) {
  line = Strip(line);
  *is_header = !line.empty() && line.front() == '[';
  if (!*is_header || line.back() != ']') return false;
  line = Strip(line.substr(1, line.size() - 2));
  constexpr std::string_view kContext = "context";
  if (!line.starts_with(kContext) || line.size() == kContext.size() ||
      !absl::ascii_isspace(static_cast<unsigned char>(line[kContext.size()])))
    return false;
  *name = std::string(Strip(line.substr(kContext.size())));
  return IsValidContextName(*name);
}

// A `key = value` line: true with `key` and `value` set.
bool ParseKeyValue(std::string_view line, std::string* key,
                   std::string* value) {
  const size_t eq = line.find('=');
  if (eq == std::string_view::npos) return false;
  *key = std::string(Strip(line.substr(0, eq)));
  std::string_view v = Strip(line.substr(eq + 1));
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
    v = v.substr(1, v.size() - 2);
  *value = std::string(v);
  return !key->empty();
}

// "" when `value` is acceptable for `key`, else what is wrong.
std::string CheckValue(const std::string& key, const std::string& value) {
  if (key == "timeout") {
    double seconds = 0;
    if (!absl::SimpleAtod(value, &seconds) || !(seconds > 0))
      return "timeout must be a positive number of seconds";
  } else if (key == "tls") {
    if (value != "true" && value != "false") return "tls must be true or false";
  } else if (key == "output") {
    if (value != "table" && value != "json" && value != "csv")
      return "output must be table, json or csv";
  }
  return "";
}

bool IsKey(const std::string& key) {
  const auto& keys = ConfigKeys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

const std::vector<std::string>& ConfigKeys() {
  static const auto* keys = new std::vector<std::string>{
      "server", "county", "output", "timeout", "actor",
      "tls",    "ca",     "cert",   "key",     "token-file"};
  return *keys;
}

bool IsValidContextName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
           c == '_' || c == '-';
  });
}

std::optional<ConfigFile> ParseConfig(std::string_view text,
                                      std::string* error) {
  ConfigFile config;
  const std::vector<std::string> lines = SplitLines(text);
  ConfigSettings* section = &config.defaults;
  bool in_context = false;
  std::set<std::string> seen;  // keys of the current section
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    auto fail = [&](const std::string& what) {
      *error = absl::StrCat(i + 1, ": ", what);
      return std::nullopt;
    };
    if (IsBlankOrComment(line)) continue;
    std::string name;
    bool is_header = false;
    if (ParseHeader(line, &name, &is_header)) {
      if (config.contexts.count(name) > 0)
        return fail(absl::StrCat("context ", name, " appears twice"));
      section = &config.contexts[name];
      in_context = true;
      seen.clear();
      continue;
    }
    if (is_header) {
      return fail(
          "a section is `[context NAME]`, NAME of letters, digits, . _ -");
    }
    std::string key, value;
    if (!ParseKeyValue(line, &key, &value))
      return fail("expected `key = value`, `[context NAME]` or a # comment");
    if (!seen.insert(key).second)
      return fail(absl::StrCat(key, " is set twice in the same section"));
    if (key == kCurrentContext) {
      if (in_context)
        return fail("current-context belongs before the first [context]");
      config.current_context = value;
      continue;
    }
    if (!IsKey(key)) {
      return fail(absl::StrCat("unknown key ", key,
                               " (known: ", absl::StrJoin(ConfigKeys(), ", "),
                               ", and current-context)"));
    }
    if (std::string what = CheckValue(key, value); !what.empty())
      return fail(what);
    (*section)[key] = value;
  }
  return config;
}

std::optional<ConfigSettings> ResolveContext(const ConfigFile& config,
                                             const std::string& name,
                                             std::string* error) {
  ConfigSettings settings = config.defaults;
  const std::string& chosen = name.empty() ? config.current_context : name;
  if (chosen.empty()) return settings;
  auto it = config.contexts.find(chosen);
  if (it == config.contexts.end()) {
    std::vector<std::string> known;
    for (const auto& [n, unused] : config.contexts) known.push_back(n);
    *error = absl::StrCat("no context ", chosen,
                          name.empty() ? " (the current context)" : "",
                          " in the configuration file; its contexts: ",
                          known.empty() ? "none" : absl::StrJoin(known, ", "));
    return std::nullopt;
  }
  for (const auto& [key, value] : it->second) settings[key] = value;
  return settings;
}

std::string SetCurrentContext(std::string_view text, const std::string& name) {
  std::vector<std::string> lines = SplitLines(text);
  const std::string entry = std::string(kCurrentContext) + " = " + name;
  size_t first = lines.size();  // first line that is not a comment
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string unused_name;
    bool is_header = false;
    ParseHeader(lines[i], &unused_name, &is_header);
    if (is_header) break;
    std::string key, value;
    if (ParseKeyValue(lines[i], &key, &value) && key == kCurrentContext) {
      lines[i] = entry;
      return JoinLines(lines);
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!IsBlankOrComment(lines[i]) || Strip(lines[i]).empty()) {
      first = i;
      break;
    }
  }
  // A blank line keeps it apart from a section header that follows.
  std::string unused_name;
  bool header_follows = false;
  if (first < lines.size())
    ParseHeader(lines[first], &unused_name, &header_follows);
  if (header_follows)
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(first), "");
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(first), entry);
  return JoinLines(lines);
}

std::string SetContextKeys(std::string_view text, const std::string& name,
                           const ConfigSettings& settings) {
  std::vector<std::string> lines = SplitLines(text);
  // The section's header line and the line after its last entry.
  size_t header = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string n;
    bool is_header = false;
    if (ParseHeader(lines[i], &n, &is_header) && n == name) {
      header = i;
      break;
    }
  }
  if (header == lines.size()) {
    if (!lines.empty() && !Strip(lines.back()).empty()) lines.push_back("");
    lines.push_back(absl::StrCat("[context ", name, "]"));
    header = lines.size() - 1;
  }
  for (const std::string& key : ConfigKeys()) {
    auto it = settings.find(key);
    if (it == settings.end()) continue;
    const std::string entry = absl::StrCat(key, " = ", it->second);
    size_t end = header + 1;  // one past the section's last entry
    bool done = false;
    for (size_t i = header + 1; i < lines.size(); ++i) {
      std::string n;
      bool is_header = false;
      ParseHeader(lines[i], &n, &is_header);
      if (is_header) break;
      if (IsBlankOrComment(lines[i])) continue;
      end = i + 1;
      std::string k, v;
      if (ParseKeyValue(lines[i], &k, &v) && k == key) {
        if (it->second.empty()) {
          lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          lines[i] = entry;
        }
        done = true;
        break;
      }
    }
    if (!done && !it->second.empty())
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(end), entry);
  }
  return JoinLines(lines);
}

std::optional<std::string> ReadConfigText(const std::string& path,
                                          std::string* error) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = absl::StrCat("cannot read ", path, ": ", std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string WriteConfigText(const std::string& path, const std::string& text) {
  const std::filesystem::path file(path);
  std::error_code ec;
  if (file.has_parent_path() &&
      !std::filesystem::exists(file.parent_path(), ec)) {
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec)
      return absl::StrCat("cannot create ", file.parent_path().string(), ": ",
                          ec.message());
    std::filesystem::permissions(file.parent_path(),
                                 std::filesystem::perms::owner_all, ec);
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return absl::StrCat("cannot write ", tmp);
  }
  ::chmod(tmp.c_str(), 0600);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string what = std::strerror(errno);
    std::remove(tmp.c_str());
    return absl::StrCat("cannot replace ", path, ": ", what);
  }
  return "";
}

std::string ConfigPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("ROTA_CONFIG"); env != nullptr && *env)
    return env;
  if (const char* home = std::getenv("HOME"); home != nullptr && *home)
    return std::string(home) + "/.config/rota/config";
  return "";
}

}  // namespace rota::rotactl
