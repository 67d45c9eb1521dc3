// Configuration file parsing, context resolution, edits that keep the rest
// of the file, and the precedence flag > context > file defaults > built-in.
#include "tools/rotactl/config_file.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tools/rotactl/context.h"

namespace rota::rotactl {
namespace {

constexpr char kFile[] = R"(# my contexts
current-context = yongan
timeout = 60

[context yongan]
server = localhost:50051
county = yongan
; a comment inside
token-file = "/home/wang/token with space"

[context prod]
server = rota.example.cn:443
county = sanming
tls = true
)";

TEST(ConfigFileTest, ParsesDefaultsContextsAndQuotes) {
  std::string error;
  const auto config = ParseConfig(kFile, &error);
  ASSERT_TRUE(config.has_value()) << error;
  EXPECT_EQ(config->current_context, "yongan");
  EXPECT_EQ(config->defaults.at("timeout"), "60");
  ASSERT_EQ(config->contexts.size(), 2u);
  EXPECT_EQ(config->contexts.at("yongan").at("token-file"),
            "/home/wang/token with space");
  EXPECT_EQ(config->contexts.at("prod").at("tls"), "true");
}

TEST(ConfigFileTest, ErrorsNameTheLine) {
  std::string error;
  EXPECT_FALSE(ParseConfig("[context a]\nsevrer = x\n", &error).has_value());
  EXPECT_EQ(error.rfind("2: unknown key sevrer", 0), 0u) << error;
  EXPECT_FALSE(ParseConfig("timeout = -1\n", &error).has_value());
  EXPECT_EQ(error, "1: timeout must be a positive number of seconds");
  EXPECT_FALSE(ParseConfig("\n[cluster a]\n", &error).has_value());
  EXPECT_EQ(error.rfind("2: a section is", 0), 0u) << error;
  EXPECT_FALSE(ParseConfig("[context a]\n[context a]\n", &error).has_value());
  EXPECT_EQ(error, "2: context a appears twice");
  EXPECT_FALSE(
      ParseConfig("[context a]\ncurrent-context = a\n", &error).has_value());
  EXPECT_FALSE(ParseConfig("server\n", &error).has_value());
  EXPECT_FALSE(ParseConfig("output = xml\n", &error).has_value());
  EXPECT_TRUE(ParseConfig("", &error).has_value());
}

TEST(ConfigFileTest, ResolveMergesDefaultsUnderTheContext) {
  std::string error;
  const ConfigFile config = *ParseConfig(kFile, &error);
  const auto current = ResolveContext(config, "", &error);
  ASSERT_TRUE(current.has_value()) << error;
  EXPECT_EQ(current->at("server"), "localhost:50051");
  EXPECT_EQ(current->at("timeout"), "60");
  const auto prod = ResolveContext(config, "prod", &error);
  ASSERT_TRUE(prod.has_value()) << error;
  EXPECT_EQ(prod->at("county"), "sanming");
  EXPECT_FALSE(ResolveContext(config, "prdo", &error).has_value());
  EXPECT_EQ(error,
            "no context prdo in the configuration file; its contexts: prod, "
            "yongan");
}

TEST(ConfigFileTest, FlagsOverrideTheContextWhichOverridesDefaults) {
  std::string error;
  const ConfigFile config = *ParseConfig(kFile, &error);
  Context ctx;
  ctx.county = "from-flag";
  ctx.ApplySettings(*ResolveContext(config, "prod", &error), {"county"});
  EXPECT_EQ(ctx.county, "from-flag");            // flag
  EXPECT_EQ(ctx.server, "rota.example.cn:443");  // context
  EXPECT_TRUE(ctx.tls);
  EXPECT_EQ(ctx.timeout_seconds, 60);  // file default
  EXPECT_EQ(ctx.output, "table");      // built-in default

  Context plain;
  plain.ApplySettings(*ResolveContext(ConfigFile{}, "", &error), {});
  EXPECT_EQ(plain.server, "localhost:50051");
  EXPECT_EQ(plain.timeout_seconds, 30);
}

TEST(ConfigFileTest, SetContextKeysKeepsCommentsAndOrder) {
  std::string text =
      SetContextKeys(kFile, "yongan", {{"county", "sanming"}, {"ca", "/ca"}});
  std::string error;
  auto config = ParseConfig(text, &error);
  ASSERT_TRUE(config.has_value()) << error << "\n" << text;
  EXPECT_EQ(config->contexts.at("yongan").at("county"), "sanming");
  EXPECT_EQ(config->contexts.at("yongan").at("ca"), "/ca");
  EXPECT_NE(text.find("; a comment inside\n"), std::string::npos);
  // The new key sits in its section, before the next one.
  EXPECT_LT(text.find("ca = /ca"), text.find("[context prod]")) << text;
  // "" removes a key; a new context is appended.
  text = SetContextKeys(text, "yongan", {{"token-file", ""}});
  text = SetContextKeys(text, "test", {{"server", "localhost:1"}});
  config = ParseConfig(text, &error);
  ASSERT_TRUE(config.has_value()) << error << "\n" << text;
  EXPECT_EQ(config->contexts.at("yongan").count("token-file"), 0u);
  EXPECT_EQ(config->contexts.at("test").at("server"), "localhost:1");
  EXPECT_TRUE(absl::EndsWith(
      text, "tls = true\n\n[context test]\nserver = localhost:1\n"))
      << text;
}

TEST(ConfigFileTest, SetCurrentContextReplacesOrInserts) {
  std::string text = SetCurrentContext(kFile, "prod");
  EXPECT_EQ(text.rfind("# my contexts\ncurrent-context = prod\n", 0), 0u)
      << text;
  text = SetCurrentContext("# head\n\n[context a]\n", "a");
  EXPECT_EQ(text, "# head\ncurrent-context = a\n\n[context a]\n");
  EXPECT_EQ(SetCurrentContext("", "a"), "current-context = a\n");
  EXPECT_EQ(SetCurrentContext("[context a]\n", "a"),
            "current-context = a\n\n[context a]\n");
}

TEST(ConfigFileTest, ContextNames) {
  EXPECT_TRUE(IsValidContextName("yongan-prod_2.0"));
  EXPECT_FALSE(IsValidContextName(""));
  EXPECT_FALSE(IsValidContextName("a b"));
  EXPECT_FALSE(IsValidContextName("永安"));
}

}  // namespace
}  // namespace rota::rotactl
