// rotactl: the command-line client of rotad (gRPC only).
//
//   rotactl [--context NAME] [--server ADDR] [--county ID] [-o table|json|csv]
//   [--no-headers] [--timeout S] NOUN VERB [ARGS]
//
// Nouns: county, school, post, teacher (create|get|list|update|delete),
// import (schools|posts|teachers FILE.csv), summary, policy
// (show|set|validate), round
// (create|list|get|apply|freeze|run|results|explain|lock|override|report|
// commit|cancel|diff|reverse|eligibility), audit (verify|replay|as-of|history|
// export), config (contexts of the configuration file), completion (bash|zsh).
// Global settings: a flag (or its environment variable) overrides the
// context of the configuration file, which overrides the defaults.
// Global --lang zh|en picks the words of tables and CSV (round_words.h);
// -o csv is refused (exit 2) by commands that print no table (CsvRefusal).
// Exit codes: 0 ok, 1 rejected rows / broken chain / bad CSV, 2 usage
// (unknown command: "did you mean"), 3 server error, 4 server unavailable or
// deadline exceeded (docs/rotactl.md).
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "tools/rotactl/command_suggest.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/completion.h"
#include "tools/rotactl/config_file.h"
#include "tools/rotactl/context.h"
#include "tools/rotactl/output.h"
#include "tools/version/version.h"

int main(int argc, char** argv) {
  using namespace rota::rotactl;
  Context ctx;
  if (const char* user = std::getenv("USER")) ctx.actor = user;

  CLI::App app{
      "rotactl: manage a Rota server (rotad): counties, schools, posts, "
      "teachers, CSV "
      "imports, summaries, policies, rounds and audits.\n"
      "Exit codes: 0 ok, 1 rejected rows or failed verification, 2 usage, 3 "
      "server error, "
      "4 server unavailable or deadline exceeded.",
      "rotactl"};
  app.require_subcommand(1);
  app.set_version_flag("--version", rota::VersionText("rotactl"));
  app.add_option("--config", ctx.config_path,
                 "Configuration file of named contexts (default "
                 "$ROTA_CONFIG, else ~/.config/rota/config)");
  app.add_option("--context", ctx.context_name,
                 "Context of the configuration file to use (default: its "
                 "current-context)")
      ->envname("ROTA_CONTEXT");
  app.add_option("--server", ctx.server, "rotad address HOST:PORT")
      ->envname("ROTA_SERVER")
      ->capture_default_str();
  app.add_option("--county", ctx.county, "County id the command works on")
      ->envname("ROTA_COUNTY");
  app.add_option("-o,--output", ctx.output, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  app.add_option("--lang", ctx.lang_flag,
                 "Language of tables, CSV and sentences: zh (中文) or en "
                 "(default: zh when LC_ALL / LC_MESSAGES / LANG starts with "
                 "zh, else en; JSON keeps enum names)")
      ->check(CLI::IsMember({"zh", "en"}))
      ->envname("ROTA_LANG");
  app.add_option("--timeout", ctx.timeout_seconds,
                 "Deadline of each call, seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--actor", ctx.actor,
                 "Who is acting (recorded in the event log)")
      ->envname("ROTA_ACTOR");

  app.add_flag("--tls", ctx.tls,
               "Connect with TLS (implied by --ca, --cert, --key)")
      ->envname("ROTA_TLS");
  app.add_option("--ca", ctx.ca,
                 "PEM CA that signs rotad's certificate (default: system "
                 "roots)")
      ->envname("ROTA_CA");
  app.add_option("--cert", ctx.cert, "PEM client certificate (mTLS)")
      ->envname("ROTA_CERT");
  app.add_option("--key", ctx.key, "PEM private key of --cert")
      ->envname("ROTA_KEY");
  app.add_option("--token", ctx.token,
                 "Bearer token (prefer ROTA_TOKEN: command lines are visible "
                 "to other users)")
      ->envname("ROTA_TOKEN");
  app.add_option("--token-file", ctx.token_file,
                 "File holding the bearer token (used when no --token)")
      ->envname("ROTA_TOKEN_FILE");
  app.add_flag("--no-headers", ctx.no_headers,
               "Tables and CSV output without their header row");

  AddCountyCommands(&app, &ctx);
  AddSchoolCommands(&app, &ctx);
  AddPostCommands(&app, &ctx);
  AddTeacherCommands(&app, &ctx);
  AddImportCommands(&app, &ctx);
  AddSummaryCommands(&app, &ctx);
  AddAuditCommands(&app, &ctx);
  AddPolicyCommands(&app, &ctx);
  AddRoundCommands(&app, &ctx);
  AddConfigCommands(&app, &ctx);
  AddCompletionCommand(&app, &ctx);
  AddHelpExamples(&app);

  // After parsing, before the command runs: the configuration file's
  // context fills the settings no flag (or environment variable) gave; then
  // the language, and -o csv refused by commands that print no table. (One
  // callback: CLI11 keeps only the last one set.)
  std::string config_error;
  app.parse_complete_callback([&] {
    SetPrintHeaders(!ctx.no_headers);
    if (!app.got_subcommand("config") && !app.got_subcommand("completion")) {
      std::set<std::string> given;
      for (const std::string& key : ConfigKeys()) {
        if (app.get_option("--" + key)->count() > 0) given.insert(key);
      }
      config_error = ctx.ApplyConfig(given);
      if (!config_error.empty()) throw CLI::Success();  // stop before the verb
    }
    ctx.lang = ctx.lang_flag.empty()   ? LangFromEnvironment()
               : ctx.lang_flag == "zh" ? Lang::kZh
                                       : Lang::kEn;
    if (ctx.format() == OutputFormat::kCsv) {
      std::vector<std::string> path;
      for (const CLI::App* a = &app; !a->get_subcommands().empty();) {
        a = a->get_subcommands().front();
        path.push_back(a->get_name());
      }
      if (std::string refusal = CsvRefusal(path); !refusal.empty())
        throw CLI::ValidationError("-o csv", refusal);
    }
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (!config_error.empty()) {
      std::fprintf(stderr, "rotactl: %s\n", config_error.c_str());
      return kExitUsage;
    }
    if (e.get_exit_code() != 0) {
      const std::vector<std::string> args(argv + 1, argv + argc);
      if (auto unknown = FindUnknownCommand(app, args)) {
        std::fprintf(stderr, "%s\n", unknown->message.c_str());
        return kExitUsage;
      }
    }
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  std::fflush(stdout);
  return ctx.exit_code;
}
