// rotactl summary: GetCountySummary as a readable report.
#include <cstdio>
#include <memory>

#include "tools/csv/csv.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/output.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
using Counts = google::protobuf::RepeatedPtrField<v1::CountSummary>;

std::string Breakdown(const Counts& counts) {
  std::string out;
  for (const v1::CountSummary& c : counts) {
    if (!out.empty()) out += ", ";
    out += c.key() + " " + std::to_string(c.count());
  }
  return out.empty() ? "-" : out;
}

std::string Percent(int64_t part, int64_t whole) {
  if (whole <= 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof(buf), " (%.1f%%)",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

void PrintReport(const v1::CountySummary& s) {
  std::printf("County %s (%s)\n\n", s.display_name().c_str(), s.name().c_str());
  std::vector<std::vector<std::string>> rows = {
      {"schools", std::to_string(s.schools()),
       Breakdown(s.schools_by_locality())},
      {"headcount (编制)", std::to_string(s.headcount()),
       "sum of school headcounts"},
      {"posts (岗位)", std::to_string(s.posts()),
       std::to_string(s.post_seats()) + " seats"},
      {"teachers", std::to_string(s.teachers()), ""},
      {"  by locality", "", Breakdown(s.teachers_by_locality())},
      {"  by gender", "", Breakdown(s.teachers_by_gender())},
      {"  by title", "", Breakdown(s.teachers_by_title())},
      {"  by subject", "", Breakdown(s.teachers_by_subject())},
      {"  backbone (骨干)", std::to_string(s.backbone_teachers()),
       Percent(s.backbone_teachers(), s.teachers())},
      {"  exempt", std::to_string(s.exempt_teachers()),
       Percent(s.exempt_teachers(), s.teachers())},
      {"event log", std::to_string(s.events()) + " events",
       "head " + s.head_hash()},
  };
  PrintTable({"", "COUNT", "DETAIL"}, rows);
}

void PrintCsv(const v1::CountySummary& s) {
  std::string out;
  if (PrintHeaders())
    rota::tools::AppendCsvRow(&out, {"section", "key", "count"});
  auto add = [&](const std::string& section, const std::string& key,
                 int64_t n) {
    rota::tools::AppendCsvRow(&out, {section, key, std::to_string(n)});
  };
  add("total", "schools", s.schools());
  add("total", "headcount", s.headcount());
  add("total", "posts", s.posts());
  add("total", "post_seats", s.post_seats());
  add("total", "teachers", s.teachers());
  add("total", "backbone_teachers", s.backbone_teachers());
  add("total", "exempt_teachers", s.exempt_teachers());
  add("total", "events", s.events());
  for (const auto& c : s.schools_by_locality())
    add("schools_by_locality", c.key(), c.count());
  for (const auto& c : s.teachers_by_locality())
    add("teachers_by_locality", c.key(), c.count());
  for (const auto& c : s.teachers_by_gender())
    add("teachers_by_gender", c.key(), c.count());
  for (const auto& c : s.teachers_by_title())
    add("teachers_by_title", c.key(), c.count());
  for (const auto& c : s.teachers_by_subject())
    add("teachers_by_subject", c.key(), c.count());
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace

void AddSummaryCommands(CLI::App* app, Context* ctx) {
  CLI::App* cmd = app->add_subcommand("summary",
                                      "The county's counts and breakdowns "
                                      "(schools, posts, teachers, event log)");
  cmd->fallthrough();
  cmd->callback([ctx] {
    const std::string county = ctx->CountyName();
    if (county.empty()) return;
    v1::GetCountySummaryRequest req;
    req.set_name(county);
    v1::CountySummary out;
    auto call = ctx->NewCall();
    grpc::Status s = ctx->Registry().GetCountySummary(call.get(), req, &out);
    if (!s.ok()) {
      ctx->exit_code = ReportRpcError(s, "summary");
      return;
    }
    switch (ctx->format()) {
      case OutputFormat::kJson:
        std::printf("%s\n", ToJson(out).c_str());
        break;
      case OutputFormat::kCsv:
        PrintCsv(out);
        break;
      case OutputFormat::kTable:
        PrintReport(out);
        break;
    }
  });
}

}  // namespace rota::rotactl
