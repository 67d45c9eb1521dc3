// The completion scripts list every level of the command tree they are
// given, with subcommands, flags (the global ones at every level) and the
// flags that take a value. The e2e test runs the bash script in bash.
#include "tools/rotactl/completion.h"

#include "gtest/gtest.h"

namespace rota::rotactl {
namespace {

TEST(CompletionTest, WalksTheTree) {
  CLI::App app("test", "rotactl");
  std::string s;
  bool dry = false;
  app.add_option("--county", s, "County id");
  CLI::App* round = app.add_subcommand("round", "Rounds: create, run");
  round->add_subcommand("run", "Run it")->add_flag("--dry", dry, "Dry run");
  app.add_subcommand("secret", "hidden")->group("");
  const std::string bash = BashCompletion(app);
  EXPECT_NE(bash.find("    '')\n      _rotactl_subs='round'\n"),
            std::string::npos)
      << bash;
  EXPECT_NE(bash.find("    'round run')\n      _rotactl_subs=''\n"
                      "      _rotactl_opts='--help -h --dry --county'\n"
                      "      _rotactl_valued='--county' ;;\n"),
            std::string::npos)
      << bash;
  EXPECT_EQ(bash.find("secret"), std::string::npos);
  EXPECT_NE(bash.find("complete -o default -F _rotactl rotactl"),
            std::string::npos);
  const std::string zsh = ZshCompletion(app);
  EXPECT_NE(zsh.find("subs=('round:Rounds: create, run')"), std::string::npos)
      << zsh;
  EXPECT_NE(zsh.find("'--county:County id'"), std::string::npos);
}

}  // namespace
}  // namespace rota::rotactl
