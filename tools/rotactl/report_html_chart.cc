// HTML escaping and the inline SVG bar charts of the printable round report
// (report_html.h). A chart is a horizontal bar chart: one row per bar, its
// label on the left, one bar per series (coloured, with the value at its
// end), and a legend when there are two or more series. Widths scale to the
// largest value; nothing but <svg>, <rect>, <text> and <line> is used, so
// the file prints the same in any browser and needs no script.
#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "tools/rotactl/output.h"
#include "tools/rotactl/report_html.h"

namespace rota::rotactl {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

constexpr const char* kSeriesColours[] = {"#c0392b", "#2e86c1", "#27ae60",
                                          "#8e44ad"};
constexpr int kWidth = 640;
constexpr int kLabelWidth = 220;
constexpr int kValueWidth = 48;
constexpr int kBarHeight = 14;
constexpr int kRowGap = 8;
constexpr int kTitleHeight = 24;
constexpr int kLegendHeight = 20;
// Labels wider than this (terminal columns) are cut to fit their column.
constexpr int kLabelColumns = 36;

// `label` cut to at most `max` terminal columns (a 汉字 is two, as wide as
// two Latin letters in the chart's font), "…" marking a cut.
std::string Shorten(const std::string& label, int max) {
  if (DisplayWidth(label) <= max) return label;
  size_t cut = 0;
  for (size_t i = 1; i <= label.size(); ++i) {
    if (i < label.size() &&
        (static_cast<unsigned char>(label[i]) & 0xC0) == 0x80)
      continue;  // inside a character
    if (DisplayWidth(std::string_view(label).substr(0, i)) > max - 1) break;
    cut = i;
  }
  return label.substr(0, cut) + "…";
}

}  // namespace

std::string SvgBarChart(const std::string& title,
                        const std::vector<std::string>& series,
                        const std::vector<ChartBar>& bars) {
  const int n_series = std::max<int>(1, static_cast<int>(series.size()));
  int64_t max_value = 1;
  for (const ChartBar& b : bars)
    for (int64_t v : b.values) max_value = std::max(max_value, v);
  const int legend = series.size() >= 2 ? kLegendHeight : 0;
  const int row_height = n_series * kBarHeight + kRowGap;
  const int rows = std::max<int>(1, static_cast<int>(bars.size()));
  const int height = kTitleHeight + legend + rows * row_height + 4;
  const int plot = kWidth - kLabelWidth - kValueWidth;

  std::string svg = absl::StrCat(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"",
      kWidth, "\" height=\"", height, "\" viewBox=\"0 0 ", kWidth, " ", height,
      "\" role=\"img\" aria-label=\"", HtmlEscape(title), "\">\n",
      "<text x=\"0\" y=\"16\" class=\"ct\">", HtmlEscape(title), "</text>\n");
  if (legend > 0) {
    int x = kLabelWidth;
    for (size_t s = 0; s < series.size(); ++s) {
      absl::StrAppend(&svg, "<rect x=\"", x, "\" y=\"", kTitleHeight,
                      "\" width=\"12\" height=\"12\" fill=\"",
                      kSeriesColours[s % 4], "\"/><text x=\"", x + 16,
                      "\" y=\"", kTitleHeight + 11, "\" class=\"cl\">",
                      HtmlEscape(series[s]), "</text>\n");
      x += 24 + 14 * static_cast<int>(series[s].size() / 3 + 1);
    }
  }
  const int top = kTitleHeight + legend;
  if (bars.empty()) {
    absl::StrAppend(&svg, "<text x=\"", kLabelWidth, "\" y=\"", top + 14,
                    "\" class=\"cl\">（无）</text>\n");
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const ChartBar& b = bars[i];
    const int y = top + static_cast<int>(i) * row_height;
    absl::StrAppend(&svg, "<text x=\"", kLabelWidth - 6, "\" y=\"",
                    y + (n_series * kBarHeight) / 2 + 5,
                    "\" text-anchor=\"end\" class=\"cl\">",
                    HtmlEscape(Shorten(b.label, kLabelColumns)), "</text>\n");
    for (size_t s = 0; s < b.values.size(); ++s) {
      const int64_t v = b.values[s];
      const int w = static_cast<int>(plot * v / max_value);
      const int by = y + static_cast<int>(s) * kBarHeight;
      absl::StrAppend(&svg, "<rect x=\"", kLabelWidth, "\" y=\"", by,
                      "\" width=\"", std::max(w, v > 0 ? 1 : 0), "\" height=\"",
                      kBarHeight - 2, "\" fill=\"", kSeriesColours[s % 4],
                      "\"/><text x=\"", kLabelWidth + w + 4, "\" y=\"",
                      by + kBarHeight - 3, "\" class=\"cv\">", v, "</text>\n");
    }
  }
  absl::StrAppend(&svg, "<line x1=\"", kLabelWidth, "\" y1=\"", top, "\" x2=\"",
                  kLabelWidth, "\" y2=\"", height - 4,
                  "\" stroke=\"#555\"/>\n</svg>\n");
  return svg;
}

}  // namespace rota::rotactl
