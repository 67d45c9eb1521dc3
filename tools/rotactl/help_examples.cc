// Examples at the end of `rotactl --help` and of each noun's `--help` (the
// CLI11 footer). They assume a context with a server and a county
// (`rotactl config set-context`), so they read as they are typed. Every
// example parses and reaches the server: tests/cli_habits_e2e_test.cc runs
// each line that starts with `rotactl `.
#include <map>
#include <string>

#include "tools/rotactl/commands.h"

namespace rota::rotactl {

void AddHelpExamples(CLI::App* app) {
  static const auto* examples = new std::map<std::string, std::string>{
      {"",
       "  rotactl config set-context yongan --server localhost:50051 "
       "--county yongan\n"
       "  rotactl county create yongan --name 永安市\n"
       "  rotactl import schools schools.csv\n"
       "  rotactl teacher list --filter 'subject = \"music\"' --all\n"
       "  rotactl --context yongan -o csv --no-headers school list --all\n"
       "  source <(rotactl completion bash)"},
      {"county",
       "  rotactl county create yongan --name 永安市 --region 福建省三明市\n"
       "  rotactl county list --all\n"
       "  rotactl county get yongan -o json"},
      {"school",
       "  rotactl school create s0100 --name 青山村小学 --stages primary "
       "--locality rural --weak true --headcount 12\n"
       "  rotactl school list --filter 'locality = RURAL AND weak = true'\n"
       "  rotactl school get s0100 -o json"},
      {"post",
       "  rotactl post create s0100-pri-math-int --school s0100 --subject "
       "math --title-band intermediate --count 2\n"
       "  rotactl post list --filter 'school = \"s0100\"' --all"},
      {"teacher",
       "  rotactl teacher list --filter 'subject = \"music\" AND gender = "
       "FEMALE' --all\n"
       "  rotactl teacher get t900001\n"
       "  rotactl teacher update t900001 --title senior"},
      {"import",
       "  rotactl import schools schools.csv\n"
       "  rotactl import posts posts.csv\n"
       "  rotactl import teachers teachers.csv --chunk-size 200"},
      {"summary",
       "  rotactl summary\n"
       "  rotactl summary -o csv --no-headers"},
      {"audit",
       "  rotactl audit verify\n"
       "  rotactl audit history t900001\n"
       "  rotactl audit as-of 2025-09-01 t900001"},
      {"policy",
       "  rotactl policy show\n"
       "  rotactl policy validate policy.textproto\n"
       "  rotactl policy set policy.textproto"},
      {"round",
       "  rotactl round create --kind exchange-rotation --year 2026 "
       "--effective 2026-09-01 --id 2026-ex\n"
       "  rotactl round apply 2026-ex applications.csv\n"
       "  rotactl round freeze 2026-ex --seed 20260901\n"
       "  rotactl round run 2026-ex\n"
       "  rotactl round report 2026-ex\n"
       "  rotactl round results 2026-ex --outcome MOVED --all -o csv\n"
       "  rotactl round commit 2026-ex --latest-run --yes"},
      {"config",
       "  rotactl config set-context yongan --server localhost:50051 "
       "--county yongan\n"
       "  rotactl config use-context yongan\n"
       "  rotactl config get-contexts"},
  };
  for (const auto& [noun, text] : *examples) {
    CLI::App* target = app;
    if (!noun.empty()) {
      // A copy: clang 14 cannot capture a structured binding.
      const std::string name = noun;
      const auto found = app->get_subcommands(
          [&name](const CLI::App* sub) { return sub->get_name() == name; });
      if (found.empty()) continue;
      target = app->get_subcommand(noun);
    }
    // A footer a command set itself wins.
    if (target->get_footer().empty()) target->footer("Examples:\n" + text);
  }
}

}  // namespace rota::rotactl
