// The printable report of a round run (`rotactl round report ROUND --html
// FILE [--pdf FILE]`): one self-contained HTML file, Chinese first, with
// inline CSS and inline SVG bar charts (no scripts, nothing fetched):
//
//   1. 全县汇总: counts, charts of moves by direction and by locality pair,
//      movers by age band and sex, 待岗 by reason, quota lines (required vs
//      achieved); recruitment: the per-post gender table; 走教: coverage.
//   2. 调动名单, one page per school (print CSS `break-before: page`): who
//      leaves, who arrives, who stays (names, subject, title, from/to).
//   3. 结果告知书, one page per teacher who moved, was not placed (待岗),
//      teaches elsewhere (走教) or applied in a recruitment, written from her
//      explanation (reason, points, each choice's verdict) with her own
//      pronoun (他/她).
//
// Every text that comes from data (names, ids, sentences) is HTML-escaped.
//
//   HtmlReportData data;  // filled by FetchHtmlReportData
//   (report_html_fetch.cc) std::string html = RenderHtmlReport(data);
//
// Thread-safety: pure functions, except FetchHtmlReportData / WriteHtmlReport
// (they call rotad through the single-threaded Context).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rota/v1/registry.pb.h"
#include "rota/v1/resources.pb.h"
#include "rota/v1/rounds.pb.h"
#include "tools/rotactl/context.h"

namespace rota::rotactl {

// One person of the round: a teacher, or (recruitment) an applicant.
struct ReportPerson {
  std::string name;          // resource name
  std::string display_name;  // "" = unknown (shown by id)
  rota::v1::Gender gender = rota::v1::GENDER_UNSPECIFIED;
  std::string birth_date;  // YYYY-MM-DD or ""
  std::string subject;     // primary subject code
  rota::v1::Title title = rota::v1::TITLE_UNSPECIFIED;
};

struct HtmlReportData {
  std::string county_name;  // counties/{c}
  std::string county_display_name;
  rota::v1::Round round;
  rota::v1::RunSummary run;
  rota::v1::RoundReport report;
  std::vector<rota::v1::Placement> placements;
  std::map<std::string, rota::v1::School> schools;  // by resource name
  std::map<std::string, ReportPerson> people;       // by resource name
  // Explanations of the people who get a letter, by resource name.
  std::map<std::string, rota::v1::Explanation> explanations;
};

// `text` with & < > " ' as character references.
std::string HtmlEscape(std::string_view text);

// One bar of a chart: a label and one value per series.
struct ChartBar {
  std::string label;
  std::vector<int64_t> values;
};

// A horizontal bar chart as an inline <svg> (labels escaped); `series` names
// the values of each bar (a legend is drawn when there are two or more).
std::string SvgBarChart(const std::string& title,
                        const std::vector<std::string>& series,
                        const std::vector<ChartBar>& bars);

// Whether `p` gets a decision letter: moved to another school, not placed,
// 走教, or a recruitment applicant.
bool GetsLetter(const rota::v1::Placement& p);

// The whole report as one HTML document.
std::string RenderHtmlReport(const HtmlReportData& data);

// Reads everything the report needs of run `run` (0 = latest) of `round`
// (full name) from rotad: round, report, placements, schools, teachers or
// applicants, explanations. Returns an exit code (errors printed).
int FetchHtmlReportData(Context* ctx, const std::string& round, int run,
                        HtmlReportData* data);

// `round report --html FILE [--pdf FILE]`: fetches, renders and writes the
// HTML; with `pdf_file`, prints it to PDF with headless Chromium (the
// binary from $ROTA_CHROMIUM, else `chromium` on the PATH). Exit code.
int WriteHtmlReport(Context* ctx, const std::string& round, int run,
                    const std::string& html_file, const std::string& pdf_file);

}  // namespace rota::rotactl
