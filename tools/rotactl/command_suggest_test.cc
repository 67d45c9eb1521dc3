// "Did you mean": edit distance, suggestions, and the walk over a CLI11
// command tree (options and their values skipped, nested levels).
#include "tools/rotactl/command_suggest.h"

#include "gtest/gtest.h"

namespace rota::rotactl {
namespace {

TEST(CommandSuggestTest, EditDistance) {
  EXPECT_EQ(EditDistance("rond", "round"), 1);
  EXPECT_EQ(EditDistance("roudn", "round"), 1);  // transposition
  EXPECT_EQ(EditDistance("", "run"), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("same", "same"), 0);
}

TEST(CommandSuggestTest, Suggest) {
  const std::vector<std::string> nouns = {"county",  "school", "post",
                                          "teacher", "round",  "audit"};
  EXPECT_EQ(Suggest("rond", nouns), std::vector<std::string>{"round"});
  EXPECT_EQ(Suggest("rou", nouns), std::vector<std::string>{"round"});
  EXPECT_EQ(Suggest("techer", nouns), std::vector<std::string>{"teacher"});
  EXPECT_TRUE(Suggest("xyz", nouns).empty());
  EXPECT_TRUE(Suggest("", nouns).empty());
  // Ties are all offered, sorted.
  EXPECT_EQ(Suggest("bet", {"set", "get", "run"}),
            (std::vector<std::string>{"get", "set"}));
  EXPECT_EQ(SuggestionText("bet", {"set", "get", "run"}),
            "did you mean 'get' or 'set'?");
  EXPECT_EQ(SuggestionText("xyz", {"run", "list"}),
            "the commands here are: list, run");
}

class FindUnknownCommandTest : public ::testing::Test {
 protected:
  FindUnknownCommandTest() : app_("test", "rotactl") {
    app_.add_option("--county", county_);
    app_.add_flag("--tls", tls_);
    app_.add_option("-o,--output", county_);
    CLI::App* round = app_.add_subcommand("round", "Rounds");
    round->add_subcommand("run", "Run")->add_option("ROUND", county_);
    round->add_subcommand("list", "List");
    app_.add_subcommand("county", "Counties");
  }
  std::optional<UnknownCommand> Find(std::vector<std::string> args) {
    return FindUnknownCommand(app_, args);
  }
  CLI::App app_;
  std::string county_;
  bool tls_ = false;
};

TEST_F(FindUnknownCommandTest, TopLevel) {
  auto u = Find({"--county", "round", "rond", "list"});  // "round" a value
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->message,
            "rotactl: unknown command 'rond'; did you mean 'round'?");
  u = Find({"--tls", "rond"});  // a flag takes no value
  ASSERT_TRUE(u.has_value());
  u = Find({"--tls", "-ojson", "--county=x", "rond"});
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->word, "rond");
}

TEST_F(FindUnknownCommandTest, NestedLevels) {
  auto u = Find({"round", "-o", "json", "rn", "R1"});
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->message,
            "rotactl round: unknown command 'rn'; did you mean 'run'?");
}

TEST_F(FindUnknownCommandTest, KnownCommandsAndArguments) {
  EXPECT_FALSE(Find({"round", "run", "anything"}).has_value());
  EXPECT_FALSE(Find({"--county", "x", "county"}).has_value());
  EXPECT_FALSE(Find({"--", "rond"}).has_value());
  EXPECT_FALSE(Find({}).has_value());
}

}  // namespace
}  // namespace rota::rotactl
