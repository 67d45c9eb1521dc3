// rotactl round report: a run's report (exchange rotation, competitive
// hiring and itinerant teaching) as a table, JSON or CSV, in Chinese or
// English. Recruitment reports are in round_recruitment.cc, the printable
// HTML report in report_html.cc.
#include "tools/rotactl/round_report.h"

#include <cstdio>
#include <string>
#include <vector>

#include "tools/rotactl/output.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;

// A quota line's scope: the county ("county", 全县) or "城关小学 (s3)".
std::string ScopeWords(const v1::QuotaLine& q, Lang lang) {
  if (q.scope() == "county") return Say("county", lang);
  return Labeled(q.scope_name(), q.scope());
}

void PrintCounts(
    const std::string& title,
    const google::protobuf::RepeatedPtrField<v1::CountSummary>& counts,
    Lang lang) {
  std::printf("\n%s\n", title.c_str());
  if (counts.empty()) {
    std::printf("  (%s)\n", Say("none", lang).c_str());
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const v1::CountSummary& c : counts)
    rows.push_back(
        {"  " + CountKeyWords(c.key(), lang), std::to_string(c.count())});
  PrintTable({"  " + Header("key", lang, HeaderStyle::kTable),
              Header("count", lang, HeaderStyle::kTable)},
             rows);
}

// Why an unplaced teacher is unplaced: the engine's sentence in `lang`, or
// words from its code for runs without one (without the Chinese twin).
std::string UnplacedWhy(const v1::Placement& p, Lang lang) {
  const std::string sentence =
      Pick(p.reason(), p.reason_zh(), lang, Fallback::kNone);
  return sentence.empty() ? ReasonWords(p.reason_code(), lang) : sentence;
}

// The report as one CSV: a row per count, quota line and unplaced teacher,
// its section first.
void PrintReportCsv(const v1::RoundReport& out, Lang lang) {
  ListPrinter csv(OutputFormat::kCsv, {},
                  Headers({"section", "key", "count", "required", "achieved",
                           "holds", "reason"},
                          lang, HeaderStyle::kCsv));
  auto counts =
      [&](const char* section,
          const google::protobuf::RepeatedPtrField<v1::CountSummary>& list) {
        for (const v1::CountSummary& c : list)
          csv.Add(c, {},
                  {Say(section, lang), CountKeyWords(c.key(), lang),
                   std::to_string(c.count()), "", "", "", ""});
      };
  counts("movers by direction", out.movers_by_direction());
  counts("movers by locality", out.movers_by_locality());
  for (const v1::QuotaLine& q : out.quotas())
    csv.Add(q, {},
            {Say("quotas", lang),
             ScopeWords(q, lang) + " " + QuotaWords(q.quota(), lang), "",
             std::to_string(q.required()), std::to_string(q.achieved()),
             Say(q.holds() ? "yes" : "no", lang),
             Pick(q.reason(), q.reason_zh(), lang)});
  counts("rank distribution (choice obtained)", out.rank_distribution());
  for (const v1::Placement& p : out.unplaced())
    csv.Add(p, {},
            {Say("unplaced", lang), Labeled(p.teacher_name(), p.teacher()), "",
             "", "", "", UnplacedWhy(p, lang)});
  csv.Finish();
}

}  // namespace

void PrintRoundReport(OutputFormat format, const v1::RoundReport& out,
                      Lang lang) {
  if (format == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(out).c_str());
    return;
  }
  if (format == OutputFormat::kCsv) {
    PrintReportCsv(out, lang);
    return;
  }
  if (lang == Lang::kZh) {
    std::printf("%s 第 %d 次运行的报告\n结果哈希 %s\n", out.round().c_str(),
                out.run(), out.result_hash().c_str());
  } else {
    std::printf("report of %s, run %d\nresult hash %s\n", out.round().c_str(),
                out.run(), out.result_hash().c_str());
  }
  PrintCounts(Say("movers by direction", lang), out.movers_by_direction(),
              lang);
  PrintCounts(Say("movers by locality", lang), out.movers_by_locality(), lang);
  std::printf("\n%s\n", Say("quotas", lang).c_str());
  if (out.quotas().empty()) {
    std::printf("  (%s)\n", Say("none", lang).c_str());
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const v1::QuotaLine& q : out.quotas())
      rows.push_back({"  " + ScopeWords(q, lang), QuotaWords(q.quota(), lang),
                      std::to_string(q.required()),
                      std::to_string(q.achieved()),
                      Say(q.holds() ? "yes" : "NO", lang),
                      Pick(q.reason(), q.reason_zh(), lang)});
    std::vector<std::string> headers =
        Headers({"scope", "quota", "required", "achieved", "holds", "reason"},
                lang, HeaderStyle::kTable);
    headers[0] = "  " + headers[0];
    PrintTable(headers, rows);
  }
  PrintCounts(Say("rank distribution (choice obtained)", lang),
              out.rank_distribution(), lang);
  std::printf("\n%s (%d)\n", Say("unplaced", lang).c_str(),
              out.unplaced_size());
  for (const v1::Placement& p : out.unplaced()) {
    const std::string why = UnplacedWhy(p, lang);
    std::printf(
        "  %s, %s: %s\n", Labeled(p.teacher_name(), p.teacher()).c_str(),
        PlaceLabel(p.from_school_name(), p.from_school(), p.from_post())
            .c_str(),
        why.empty() ? Say("(no reason given)", lang).c_str() : why.c_str());
  }
  if (!out.notes().empty()) std::printf("\n%s\n", Say("notes", lang).c_str());
  for (const std::string& n : PickNotes(out.notes(), out.notes_zh(), lang))
    std::printf("  %s\n", n.c_str());
}

}  // namespace rota::rotactl
