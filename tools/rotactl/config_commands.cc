// rotactl config get-contexts|current-context|use-context|set-context: the
// named contexts of the configuration file (tools/rotactl/config_file.h,
// docs/rotactl.md "Configuration and contexts"). These commands only edit
// the file; they never call rotad.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/struct.pb.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/config_file.h"
#include "tools/rotactl/output.h"

namespace rota::rotactl {
namespace {

// The configuration file's path, text and parsed form; prints the error
// and sets a usage exit code when it cannot be read or parsed.
struct Loaded {
  std::string path, text;
  ConfigFile config;
};
std::optional<Loaded> Load(Context* ctx) {
  Loaded loaded;
  loaded.path = ConfigPath(ctx->config_path);
  if (loaded.path.empty()) {
    std::fprintf(stderr,
                 "rotactl: no configuration file: set HOME, ROTA_CONFIG or "
                 "--config\n");
    ctx->exit_code = kExitUsage;
    return std::nullopt;
  }
  std::string error;
  std::optional<std::string> text = ReadConfigText(loaded.path, &error);
  std::optional<ConfigFile> config;
  if (text.has_value()) config = ParseConfig(*text, &error);
  if (!config.has_value()) {
    std::fprintf(stderr, "rotactl: %s%s%s\n",
                 text.has_value() ? loaded.path.c_str() : "",
                 text.has_value() ? ":" : "", error.c_str());
    ctx->exit_code = kExitUsage;
    return std::nullopt;
  }
  loaded.text = std::move(*text);
  loaded.config = std::move(*config);
  return loaded;
}

// Writes `text` to `path` after checking it parses; prints what went wrong.
bool Store(Context* ctx, const std::string& path, const std::string& text) {
  std::string error;
  if (!ParseConfig(text, &error).has_value()) {
    std::fprintf(stderr, "rotactl: %s:%s\n", path.c_str(), error.c_str());
    ctx->exit_code = kExitUsage;
    return false;
  }
  error = WriteConfigText(path, text);
  if (!error.empty()) {
    std::fprintf(stderr, "rotactl: %s\n", error.c_str());
    ctx->exit_code = kExitFailed;
    return false;
  }
  return true;
}

std::string Get(const ConfigSettings& s, const std::string& key) {
  auto it = s.find(key);
  return it == s.end() ? "" : it->second;
}

void AddGetContexts(CLI::App* noun, Context* ctx) {
  CLI::App* cmd = noun->add_subcommand(
      "get-contexts",
      "List the contexts: name, server, county and credential files");
  cmd->callback([ctx] {
    std::optional<Loaded> loaded = Load(ctx);
    if (!loaded.has_value()) return;
    std::vector<std::string> csv_columns = {"current", "name"};
    for (const std::string& key : ConfigKeys()) csv_columns.push_back(key);
    ListPrinter out(ctx->format(),
                    {"CURRENT 当前", "NAME 名称", "SERVER 服务器", "COUNTY 县",
                     "CREDENTIALS 凭据"},
                    csv_columns);
    for (const auto& [name, own] : loaded->config.contexts) {
      std::string error;
      const ConfigSettings s =
          *ResolveContext(loaded->config, name, &error);  // name exists
      const bool current = name == loaded->config.current_context;
      google::protobuf::Struct json;
      auto& fields = *json.mutable_fields();
      fields["current"].set_bool_value(current);
      fields["name"].set_string_value(name);
      std::vector<std::string> csv_row = {current ? "true" : "false", name};
      std::vector<std::string> credentials;
      for (const std::string& key : ConfigKeys()) {
        const std::string value = Get(s, key);
        csv_row.push_back(value);
        if (!value.empty()) fields[key].set_string_value(value);
        if (!value.empty() && (key == "ca" || key == "cert" || key == "key" ||
                               key == "token-file"))
          credentials.push_back(key + "=" + value);
      }
      out.Add(json,
              {current ? "*" : "", name, Get(s, "server"), Get(s, "county"),
               absl::StrJoin(credentials, " ")},
              csv_row);
    }
    out.Finish();
    ctx->exit_code = kExitOk;
  });
}

void AddCurrentContext(CLI::App* noun, Context* ctx) {
  CLI::App* cmd =
      noun->add_subcommand("current-context", "Print the current context");
  cmd->callback([ctx] {
    std::optional<Loaded> loaded = Load(ctx);
    if (!loaded.has_value()) return;
    if (loaded->config.current_context.empty()) {
      std::fprintf(stderr,
                   "rotactl: no current context in %s (rotactl config "
                   "use-context NAME)\n",
                   loaded->path.c_str());
      ctx->exit_code = kExitFailed;
      return;
    }
    std::printf("%s\n", loaded->config.current_context.c_str());
    ctx->exit_code = kExitOk;
  });
}

void AddUseContext(CLI::App* noun, Context* ctx) {
  CLI::App* cmd = noun->add_subcommand(
      "use-context", "Make NAME the context every later call uses");
  auto name = std::make_shared<std::string>();
  cmd->add_option("NAME", *name, "Context name")->required();
  cmd->callback([ctx, name] {
    std::optional<Loaded> loaded = Load(ctx);
    if (!loaded.has_value()) return;
    std::string error;
    std::optional<ConfigSettings> s =
        ResolveContext(loaded->config, *name, &error);
    if (!s.has_value()) {
      std::fprintf(stderr, "rotactl: %s: %s\n", loaded->path.c_str(),
                   error.c_str());
      ctx->exit_code = kExitUsage;
      return;
    }
    if (!Store(ctx, loaded->path, SetCurrentContext(loaded->text, *name)))
      return;
    std::printf("current context: %s (server %s, county %s)\n", name->c_str(),
                Get(*s, "server").empty() ? "-" : Get(*s, "server").c_str(),
                Get(*s, "county").empty() ? "-" : Get(*s, "county").c_str());
    ctx->exit_code = kExitOk;
  });
}

void AddSetContext(CLI::App* noun, Context* ctx) {
  CLI::App* cmd = noun->add_subcommand(
      "set-context",
      "Create or change context NAME (only the flags given; \"\" removes a "
      "key)");
  struct Opts {
    std::string name;
    ConfigSettings values;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("NAME", o->name, "Context name (letters, digits, . _ -)")
      ->required();
  const std::vector<std::pair<std::string, std::string>> flags = {
      {"server", "rotad address HOST:PORT"},
      {"county", "County id"},
      {"ca", "PEM CA file that signs rotad's certificate"},
      {"cert", "PEM client certificate file (mTLS)"},
      {"key", "PEM private key file of --cert"},
      {"token-file", "File holding the bearer token"},
      {"tls", "true: connect with TLS even without --ca/--cert"},
      {"output", "Default output format: table, json or csv"},
      {"timeout", "Default deadline of each call, seconds"},
      {"actor", "Who is acting (recorded in the event log)"},
  };
  for (const auto& [key, help] : flags) {
    cmd->add_option_function<std::string>(
        "--" + key, [o, k = key](const std::string& v) { o->values[k] = v; },
        help);
  }
  cmd->footer(
      "Examples:\n"
      "  rotactl config set-context yongan --server localhost:50051 "
      "--county yongan\n"
      "  rotactl config set-context prod --server rota.example.cn:443 "
      "--ca ca.pem --token-file token\n"
      "  rotactl config set-context prod --ca \"\"    # remove the CA file");
  cmd->callback([ctx, o] {
    if (!IsValidContextName(o->name)) {
      std::fprintf(stderr,
                   "rotactl: context name %s: use 1-64 letters, digits, . _ "
                   "-\n",
                   o->name.c_str());
      ctx->exit_code = kExitUsage;
      return;
    }
    std::optional<Loaded> loaded = Load(ctx);
    if (!loaded.has_value()) return;
    // File paths are stored absolute: later calls run from anywhere.
    for (const char* file : {"ca", "cert", "key", "token-file"}) {
      auto it = o->values.find(file);
      if (it == o->values.end() || it->second.empty()) continue;
      std::error_code ec;
      const auto absolute = std::filesystem::absolute(it->second, ec);
      if (!ec) it->second = absolute.lexically_normal().string();
    }
    std::string text = SetContextKeys(loaded->text, o->name, o->values);
    if (loaded->config.contexts.empty() &&
        loaded->config.current_context.empty()) {
      text = SetCurrentContext(text, o->name);  // the first context
    }
    if (!Store(ctx, loaded->path, text)) return;
    std::printf("context %s set in %s\n", o->name.c_str(),
                loaded->path.c_str());
    ctx->exit_code = kExitOk;
  });
}

}  // namespace

void AddConfigCommands(CLI::App* app, Context* ctx) {
  CLI::App* noun = app->add_subcommand(
      "config",
      "Named contexts (server, county, credentials) in the configuration "
      "file");
  noun->require_subcommand(1);
  noun->fallthrough();
  AddGetContexts(noun, ctx);
  AddCurrentContext(noun, ctx);
  AddUseContext(noun, ctx);
  AddSetContext(noun, ctx);
}

}  // namespace rota::rotactl
