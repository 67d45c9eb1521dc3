#include "tools/rotactl/command_suggest.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace rota::rotactl {
namespace {

// The named subcommands of `app` (option groups are nameless subcommands).
std::vector<const CLI::App*> NamedSubcommands(const CLI::App& app) {
  return app.get_subcommands(
      [](const CLI::App* sub) { return !sub->get_name().empty(); });
}

bool HasPositionals(const CLI::App& app) {
  return !app.get_options([](const CLI::Option* o) {
               return o->get_positional() && !o->nonpositional();
             })
              .empty();
}

// The option called `name` ("--server", "-o") on `app`, its option groups or
// its parents; nullptr if there is none.
const CLI::Option* FindOption(const CLI::App* app, const std::string& name) {
  for (; app != nullptr; app = app->get_parent()) {
    const auto found = app->get_options(
        [&](const CLI::Option* o) { return o->check_name(name); });
    if (!found.empty()) return found.front();
    for (const CLI::App* group : app->get_subcommands(
             [](const CLI::App* sub) { return sub->get_name().empty(); })) {
      const auto in_group = group->get_options(
          [&](const CLI::Option* o) { return o->check_name(name); });
      if (!in_group.empty()) return in_group.front();
    }
  }
  return nullptr;
}

}  // namespace

int EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::vector<std::string> Suggest(std::string_view word,
                                 const std::vector<std::string>& candidates) {
  std::vector<std::string> sorted = candidates;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  if (word.empty()) return {};
  std::vector<std::string> prefixed;
  for (const std::string& c : sorted) {
    if (std::string_view(c).starts_with(word)) prefixed.push_back(c);
  }
  if (prefixed.size() == 1) return prefixed;
  const int limit = std::max(1, std::min(3, static_cast<int>(word.size()) / 2));
  int best = limit + 1;
  std::vector<std::string> out;
  for (const std::string& c : sorted) {
    const int d = EditDistance(word, c);
    if (d < best) {
      best = d;
      out.clear();
    }
    if (d == best) out.push_back(c);
  }
  return out;
}

std::string SuggestionText(std::string_view word,
                           const std::vector<std::string>& candidates) {
  const std::vector<std::string> best = Suggest(word, candidates);
  auto quoted = [](const std::string& s) { return absl::StrCat("'", s, "'"); };
  if (best.empty()) {
    std::vector<std::string> all = candidates;
    std::sort(all.begin(), all.end());
    return absl::StrCat("the commands here are: ", absl::StrJoin(all, ", "));
  }
  std::string text = "did you mean ";
  for (size_t i = 0; i < best.size(); ++i) {
    if (i > 0) text += i + 1 == best.size() ? " or " : ", ";
    text += quoted(best[i]);
  }
  return text + "?";
}

std::optional<UnknownCommand> FindUnknownCommand(
    const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* current = &app;
  std::string path = app.get_name().empty() ? "rotactl" : app.get_name();
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return std::nullopt;
    if (arg.size() > 1 && arg[0] == '-') {
      // An option: skip its value when it takes one and it is not attached
      // (--server=x, -ojson).
      std::string name = arg;
      bool attached = false;
      if (arg.starts_with("--")) {
        const size_t eq = arg.find('=');
        attached = eq != std::string::npos;
        name = arg.substr(0, eq);
      } else {
        attached = arg.size() > 2;
        name = arg.substr(0, 2);
      }
      const CLI::Option* option = FindOption(current, name);
      if (option != nullptr && option->get_items_expected_max() > 0 &&
          !attached)
        ++i;
      continue;
    }
    const std::vector<const CLI::App*> subs = NamedSubcommands(*current);
    if (subs.empty()) return std::nullopt;  // a leaf: arguments follow
    const CLI::App* next = nullptr;
    std::vector<std::string> names;
    for (const CLI::App* sub : subs) {
      if (sub->check_name(arg)) next = sub;
      names.push_back(sub->get_name());
      for (const std::string& alias : sub->get_aliases())
        names.push_back(alias);
    }
    if (next != nullptr) {
      current = next;
      path += " " + next->get_name();
      continue;
    }
    if (HasPositionals(*current)) return std::nullopt;
    UnknownCommand unknown;
    unknown.path = path;
    unknown.word = arg;
    unknown.message =
        path + ": unknown command '" + arg + "'; " + SuggestionText(arg, names);
    return unknown;
  }
  return std::nullopt;
}

}  // namespace rota::rotactl
