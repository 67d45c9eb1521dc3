// rotactl summary: GetCountySummary as a readable report.
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tools/csv/csv.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/output.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
using Counts = google::protobuf::RepeatedPtrField<v1::CountSummary>;
using KeyWords = std::function<std::string(const std::string&)>;

// The server's keys are enum names ("RURAL", "FEMALE", "SENIOR_TITLE") and
// subject codes; people read their words in `lang`.
struct SummaryWords {
  KeyWords locality, gender, title, subject;
  explicit SummaryWords(Lang lang) {
    locality = [lang](const std::string& k) {
      v1::Locality v;
      return v1::Locality_Parse(k, &v) ? LocalityWords(v, lang) : k;
    };
    gender = [lang](const std::string& k) {
      v1::Gender v;
      return v1::Gender_Parse(k, &v) ? GenderWords(v, lang) : k;
    };
    title = [lang](const std::string& k) {
      v1::Title v;
      return v1::Title_Parse(k, &v) ? TitleWords(v, lang) : k;
    };
    subject = [lang](const std::string& k) { return SubjectWords(k, lang); };
  }
};

std::string Breakdown(const Counts& counts, const KeyWords& words) {
  std::string out;
  for (const v1::CountSummary& c : counts) {
    if (!out.empty()) out += ", ";
    out += words(c.key()) + " " + std::to_string(c.count());
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

void PrintReport(const v1::CountySummary& s, Lang lang) {
  const bool zh = lang == Lang::kZh;
  const SummaryWords w(lang);
  if (zh) {
    std::printf("%s (%s) 概况\n\n", s.display_name().c_str(), s.name().c_str());
  } else {
    std::printf("County %s (%s)\n\n", s.display_name().c_str(),
                s.name().c_str());
  }
  std::vector<std::vector<std::string>> rows = {
      {zh ? "学校" : "schools", std::to_string(s.schools()),
       Breakdown(s.schools_by_locality(), w.locality)},
      {zh ? "编制数" : "headcount (编制)", std::to_string(s.headcount()),
       zh ? "各校编制数之和" : "sum of school headcounts"},
      {zh ? "岗位" : "posts (岗位)", std::to_string(s.posts()),
       std::to_string(s.post_seats()) + (zh ? " 个名额" : " seats")},
      {zh ? "教师" : "teachers", std::to_string(s.teachers()), ""},
      {zh ? "  按地域" : "  by locality", "",
       Breakdown(s.teachers_by_locality(), w.locality)},
      {zh ? "  按性别" : "  by gender", "",
       Breakdown(s.teachers_by_gender(), w.gender)},
      {zh ? "  按职称" : "  by title", "",
       Breakdown(s.teachers_by_title(), w.title)},
      {zh ? "  按学科" : "  by subject", "",
       Breakdown(s.teachers_by_subject(), w.subject)},
      {zh ? "  骨干教师" : "  backbone (骨干)",
       std::to_string(s.backbone_teachers()),
       Percent(s.backbone_teachers(), s.teachers())},
      {zh ? "  免于交流" : "  exempt", std::to_string(s.exempt_teachers()),
       Percent(s.exempt_teachers(), s.teachers())},
      {zh ? "事件日志" : "event log",
       std::to_string(s.events()) + (zh ? " 条事件" : " events"),
       (zh ? "链头 " : "head ") + s.head_hash()},
  };
  PrintTable({"", zh ? "数量" : "COUNT", zh ? "明细" : "DETAIL"}, rows);
}

void PrintCsv(const v1::CountySummary& s, Lang lang) {
  const SummaryWords w(lang);
  std::string out = kCsvBom;
  if (PrintHeaders())
    rota::tools::AppendCsvRow(
        &out, Headers({"section", "key", "count"}, lang, HeaderStyle::kCsv));
  else
    out.clear();
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
    add("schools_by_locality", w.locality(c.key()), c.count());
  for (const auto& c : s.teachers_by_locality())
    add("teachers_by_locality", w.locality(c.key()), c.count());
  for (const auto& c : s.teachers_by_gender())
    add("teachers_by_gender", w.gender(c.key()), c.count());
  for (const auto& c : s.teachers_by_title())
    add("teachers_by_title", w.title(c.key()), c.count());
  for (const auto& c : s.teachers_by_subject())
    add("teachers_by_subject", w.subject(c.key()), c.count());
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
        PrintCsv(out, ctx->lang);
        break;
      case OutputFormat::kTable:
        PrintReport(out, ctx->lang);
        break;
    }
  });
}

}  // namespace rota::rotactl
