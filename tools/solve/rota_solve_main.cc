// rota-solve: runs one matching mechanism on an instance file, offline.
//
//   rota-solve --mechanism da-star docs/examples/instance.json > result.json
//
// Exit codes: 0 success; 1 the instance is invalid (message names the item);
// 2 usage error; 3 the input or output file cannot be read or written.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "engine/solve.h"
#include "tools/solve/instance_json.h"
#include "tools/version/version.h"

namespace {

constexpr int kExitInvalidInstance = 1;
constexpr int kExitUsage = 2;
constexpr int kExitIo = 3;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "rota-solve: run a Rota matching mechanism on an instance (JSON, see "
      "docs/instance-format.md) and write the assignment, explanations and the "
      "result hash as JSON.\n"
      "Exit codes: 0 ok, 1 invalid instance, 2 usage error, 3 file error."};
  std::string mechanism_name;
  std::string input;
  std::string output = "-";
  bool no_explain = false;
  int64_t rank_cost = 100;
  std::string unassigned_cost = "20000";
  app.add_option("--mechanism,-m", mechanism_name,
                 "da | da-posts | da-star | to-be | ttc | min-cost")
      ->required();
  app.add_option("input", input, "instance JSON file ('-' for stdin)")
      ->required();
  app.add_option("--output,-o", output,
                 "result file ('-' for stdout, the default)");
  app.add_flag("--no-explain", no_explain,
               "omit why_not and explanation (faster on very large instances)");
  app.add_option("--rank-cost", rank_cost,
                 "min-cost: cost per rank step of a placement (default 100)");
  app.add_option("--unassigned-cost", unassigned_cost,
                 "min-cost: cost of leaving a teacher unplaced, or 'forbidden' "
                 "(default 20000)");
  app.set_version_flag("--version", rota::VersionText("rota-solve"));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  absl::StatusOr<rota::engine::Mechanism> mechanism =
      rota::engine::ParseMechanism(mechanism_name);
  if (!mechanism.ok()) {
    std::cerr << "rota-solve: " << mechanism.status().message() << "\n";
    return kExitUsage;
  }
  rota::engine::SolveOptions options;
  options.explain = !no_explain;
  options.rank_cost = rank_cost;
  if (unassigned_cost == "forbidden") {
    options.unassigned_cost = std::nullopt;
  } else {
    int64_t c = 0;
    if (!absl::SimpleAtoi(unassigned_cost, &c)) {
      std::cerr << "rota-solve: --unassigned-cost: expected an integer or "
                   "'forbidden'\n";
      return kExitUsage;
    }
    options.unassigned_cost = c;
  }

  std::string text;
  {
    std::ostringstream buffer;
    if (input == "-") {
      buffer << std::cin.rdbuf();
    } else {
      std::ifstream in(input, std::ios::binary);
      if (!in) {
        std::cerr << "rota-solve: cannot read " << input << "\n";
        return kExitIo;
      }
      buffer << in.rdbuf();
    }
    text = buffer.str();
  }
  absl::StatusOr<rota::engine::Model> model = rota::tools::ParseInstance(text);
  if (!model.ok()) {
    std::cerr << "rota-solve: " << input << ": " << model.status().message()
              << "\n";
    return kExitInvalidInstance;
  }
  absl::StatusOr<rota::engine::Market> market = rota::engine::Compile(*model);
  if (!market.ok()) {
    std::cerr << "rota-solve: " << input << ": " << market.status().message()
              << "\n";
    return kExitInvalidInstance;
  }
  absl::StatusOr<rota::engine::MatchResult> result =
      rota::engine::Solve(*market, *mechanism, options);
  if (!result.ok()) {
    std::cerr << "rota-solve: " << input << ": " << result.status().message()
              << "\n";
    return kExitInvalidInstance;
  }
  const std::string json =
      rota::tools::ResultToJson(*market, *result, options.explain);
  if (output == "-") {
    std::cout << json;
    std::cout.flush();
    if (!std::cout) return kExitIo;
  } else {
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out << json;
    out.close();
    if (!out) {
      std::cerr << "rota-solve: cannot write " << output << "\n";
      return kExitIo;
    }
  }
  return 0;
}
