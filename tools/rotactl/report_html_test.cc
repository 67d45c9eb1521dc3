// The printable round report's rendering (report_html.h) on hand-made data:
// escaping of every name, one page per school, one letter per mover with
// her own pronoun, the charts.
#include "tools/rotactl/report_html.h"

#include <string>
#include <tuple>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size()))
    ++n;
  return n;
}

TEST(HtmlEscape, EveryMarkupCharacter) {
  EXPECT_EQ(HtmlEscape(R"(<b>&"x'</b>)"),
            "&lt;b&gt;&amp;&quot;x&#39;&lt;/b&gt;");
  EXPECT_EQ(HtmlEscape("王芳"), "王芳");
}

HtmlReportData Sample() {
  HtmlReportData d;
  d.county_name = "counties/c";
  d.county_display_name = "永安县";
  d.round.set_name("counties/c/rounds/r1");
  d.round.set_kind(v1::EXCHANGE_ROTATION);
  d.round.set_school_year(2026);
  d.round.set_effective_date("2026-09-01");
  d.run.set_run(1);
  for (const auto& [id, name, locality] :
       {std::tuple{"s1", "城关<一小>", v1::URBAN},
        std::tuple{"s2", "李村 & \"小学\"", v1::RURAL}}) {
    v1::School s;
    s.set_name(std::string("counties/c/schools/") + id);
    s.set_display_name(name);
    s.set_locality(locality);
    d.schools[s.name()] = s;
  }
  auto person = [&](const std::string& id, const std::string& name,
                    v1::Gender g) {
    ReportPerson& p = d.people["counties/c/teachers/" + id];
    p.name = "counties/c/teachers/" + id;
    p.display_name = name;
    p.gender = g;
    p.birth_date = "1990-05-01";
    p.subject = "math";
    p.title = v1::INTERMEDIATE_TITLE;
  };
  person("t1", "<script>alert(1)</script>", v1::FEMALE);
  person("t2", "张&伟", v1::MALE);
  person("t3", "李\"静\"", v1::FEMALE);
  auto place = [&](const std::string& t, const std::string& from,
                   const std::string& to, v1::Outcome o) {
    v1::Placement p;
    p.set_teacher("counties/c/teachers/" + t);
    p.set_from_school("counties/c/schools/" + from);
    if (!to.empty()) p.set_to_school("counties/c/schools/" + to);
    p.set_outcome(o);
    p.set_route(o == v1::MOVED ? v1::ROUTE_COUNTY_ALLOCATION : v1::ROUTE_NONE);
    p.set_reason_code(o == v1::UNPLACED ? v1::REASON_NO_FREE_SEAT_IN_DIRECTION
                                        : v1::REASON_MOVED_BY_ROUTE);
    d.placements.push_back(p);
    if (o == v1::UNPLACED) *d.report.add_unplaced() = p;
  };
  place("t1", "s1", "s2", v1::MOVED);
  place("t2", "s1", "", v1::UNPLACED);
  place("t3", "s2", "s2", v1::STAYED);
  v1::Explanation e;
  e.add_notes("selected: <most points> & longest service");
  d.explanations["counties/c/teachers/t1"] = e;
  auto* q = d.report.add_quotas();
  q->set_scope("s1");
  q->set_quota("rotation share");
  q->set_required(2);
  q->set_achieved(1);
  auto* c = d.report.add_movers_by_locality();
  c->set_key("urban->rural");
  c->set_count(1);
  return d;
}

TEST(RenderHtmlReport, EscapesEveryNameAndSentence) {
  const std::string html = RenderHtmlReport(Sample());
  EXPECT_FALSE(absl::StrContains(html, "<script>")) << html;
  EXPECT_TRUE(absl::StrContains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(absl::StrContains(html, "张&amp;伟"));
  EXPECT_TRUE(absl::StrContains(html, "李&quot;静&quot;"));
  EXPECT_TRUE(absl::StrContains(html, "城关&lt;一小&gt;"));
  EXPECT_FALSE(absl::StrContains(html, "城关<一小>"));
  EXPECT_TRUE(absl::StrContains(html, "李村 &amp; &quot;小学&quot;"));
  EXPECT_TRUE(
      absl::StrContains(html, "selected: &lt;most points&gt; &amp; longest"));
  EXPECT_FALSE(absl::StrContains(html, "<most points>"));
}

TEST(RenderHtmlReport, OnePagePerSchoolAndOneLetterPerMover) {
  const std::string html = RenderHtmlReport(Sample());
  EXPECT_EQ(Count(html, "<section class=\"school\""), 2);
  // t1 moved, t2 is not placed; t3 stayed (no letter).
  EXPECT_EQ(Count(html, "<section class=\"letter\""), 2);
  EXPECT_TRUE(absl::StrContains(html, "data-teacher=\"t1\""));
  EXPECT_TRUE(absl::StrContains(html, "data-teacher=\"t2\""));
  EXPECT_FALSE(absl::StrContains(html, "data-teacher=\"t3\""));
  EXPECT_TRUE(absl::StrContains(html, "break-before: page"));
  EXPECT_FALSE(absl::StrContains(html, "<script"));
  EXPECT_FALSE(absl::StrContains(html, "http://www.w3.org/1999"));
}

TEST(RenderHtmlReport, LettersUseTheTeachersOwnPronoun) {
  const std::string html = RenderHtmlReport(Sample());
  const size_t t1 = html.find("data-teacher=\"t1\"");
  const size_t t2 = html.find("data-teacher=\"t2\"");
  ASSERT_NE(t1, std::string::npos);
  ASSERT_NE(t2, std::string::npos);
  const std::string her = html.substr(t1, t2 - t1);
  const std::string his = html.substr(t2);
  EXPECT_TRUE(absl::StrContains(her, "她自2026-09-01起由")) << her;
  EXPECT_FALSE(absl::StrContains(her, "他")) << her;
  EXPECT_TRUE(absl::StrContains(his, "本轮他未能安排岗位（待岗）")) << his;
  EXPECT_TRUE(absl::StrContains(his, "符合方向的学校均已满员")) << his;
}

TEST(RenderHtmlReport, ChartsAreInlineSvg) {
  const std::string html = RenderHtmlReport(Sample());
  EXPECT_GE(Count(html, "<svg class=\"chart\""), 5);
  EXPECT_TRUE(absl::StrContains(html, "城区→乡村"));
  EXPECT_TRUE(absl::StrContains(html, "交流比例"));
}

TEST(SvgBarChart, BarsScaleToTheLargestValue) {
  const std::string svg =
      SvgBarChart("t<>", {"a", "b"}, {{"x&y", {4, 2}}, {"z", {0, 1}}});
  EXPECT_TRUE(absl::StrContains(svg, "t&lt;&gt;"));
  EXPECT_TRUE(absl::StrContains(svg, "x&amp;y"));
  // The widest bar is the plot width (640 - 220 - 48), half of it for 2.
  EXPECT_TRUE(absl::StrContains(svg, "width=\"372\""));
  EXPECT_TRUE(absl::StrContains(svg, "width=\"186\""));
}

TEST(SvgBarChart, LongLabelsAreCutToTheirColumn) {
  const std::string svg = SvgBarChart(
      "t", {"a"}, {{"一二三四五六七八九十一二三四五六七八九十", {1}}});
  // 36 columns: 17 characters and the ellipsis.
  EXPECT_TRUE(absl::StrContains(svg, ">一二三四五六七八九十一二三四五六七…<"))
      << svg;
  const std::string latin =
      SvgBarChart("t", {"a"}, {{"post r-s0001-senior-english gender", {1}}});
  EXPECT_TRUE(absl::StrContains(latin, ">post r-s0001-senior-english gender<"))
      << latin;
}

}  // namespace
}  // namespace rota::rotactl
