// rotactl: the command-line client of rotad (gRPC only).
//
//   rotactl [--server ADDR] [--county ID] [-o table|json|csv] [--timeout S]
//   NOUN VERB [ARGS]
//
// Nouns: county, school, post, teacher (create|get|list|update|delete),
// import (schools|posts|teachers FILE.csv), summary, policy
// (show|set|validate), round
// (create|list|get|apply|freeze|run|results|explain|lock|override|report|
// commit|cancel), audit (verify|replay|as-of|history).
// Global --lang zh|en picks the words of tables and CSV (round_words.h);
// -o csv is refused (exit 2) by commands that print no table (CsvRefusal).
// Exit codes: 0 ok, 1 rejected rows / broken chain / bad CSV, 2 usage,
// 3 server error, 4 server unavailable or deadline exceeded (docs/rotactl.md).
#include <cstdio>
#include <cstdlib>

#include "CLI/CLI.hpp"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/context.h"
#include "tools/rotactl/output.h"

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
      "4 server unavailable or deadline exceeded."};
  app.require_subcommand(1);
  std::string config;
  if (const char* home = std::getenv("HOME"))
    config = std::string(home) + "/.config/rota/rotactl.conf";
  app.set_config("--config", config,
                 "file of `key = value` lines setting global flags (default "
                 "~/.config/rota/rotactl.conf, if present)");
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

  AddCountyCommands(&app, &ctx);
  AddSchoolCommands(&app, &ctx);
  AddPostCommands(&app, &ctx);
  AddTeacherCommands(&app, &ctx);
  AddImportCommands(&app, &ctx);
  AddSummaryCommands(&app, &ctx);
  AddAuditCommands(&app, &ctx);
  AddPolicyCommands(&app, &ctx);
  AddRoundCommands(&app, &ctx);

  // Before the command runs: the language, and -o csv refused by commands
  // that print no table.
  app.parse_complete_callback([&app, &ctx] {
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
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  std::fflush(stdout);
  return ctx.exit_code;
}
