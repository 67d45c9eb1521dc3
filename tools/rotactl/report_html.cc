// RenderHtmlReport (report_html.h): the county summary, one 调动名单 page per
// school and one decision letter per teacher, as one HTML document. The
// Chinese labels of routes and reasons come from round_words (the part in
// brackets); the other labels of the report are here.
#include "tools/rotactl/report_html.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/rules/county.h"
#include "tools/rotactl/output.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;

constexpr char kCss[] = R"css(
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC",
  "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
  font-size: 10.5pt; color: #111; max-width: 182mm; margin: 0 auto; }
h1 { font-size: 18pt; margin: 0 0 4pt; }
h2 { font-size: 14pt; margin: 0 0 6pt; border-bottom: 2px solid #333; }
h3 { font-size: 11.5pt; margin: 10pt 0 3pt; }
section { padding: 8pt 0; }
section.school, section.letter { break-before: page; }
table { border-collapse: collapse; width: 100%; margin: 2pt 0 8pt; }
th, td { border: 1px solid #999; padding: 2pt 4pt; text-align: left;
  vertical-align: top; }
th { background: #eee; font-weight: bold; white-space: nowrap; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; }
td.k { white-space: nowrap; }
small.id { color: #777; font-size: 7.5pt; margin-left: 2pt; }
.meta { color: #444; }
.no { color: #c0392b; font-weight: bold; }
.result { font-size: 12pt; font-weight: bold; margin: 6pt 0; }
.sig { margin-top: 20pt; text-align: right; }
.chart { display: block; margin: 6pt 0 10pt; break-inside: avoid; }
.chart .ct { font-size: 13px; font-weight: bold; }
.chart .cl { font-size: 11px; }
.chart .cv { font-size: 10px; fill: #333; }
table.counts { table-layout: fixed; }
)css";

std::string Id(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

// The engine's locality names ("urban", "teaching point") in Chinese.
std::string LocalityWordZh(const std::string& word) {
  if (word == "urban") return "城区";
  if (word == "town") return "镇区";
  if (word == "rural") return "乡村";
  if (word == "teaching point") return "教学点";
  return word;
}

// "urban->rural" -> "城区→乡村".
std::string LocalityPairZh(const std::string& key) {
  const size_t arrow = key.find("->");
  if (arrow == std::string::npos) return key;
  return absl::StrCat(LocalityWordZh(key.substr(0, arrow)), "→",
                      LocalityWordZh(key.substr(arrow + 2)));
}

std::string DirectionZh(const std::string& key) {
  if (key == "urban-to-rural") return "城镇→乡村（向下流动）";
  if (key == "strong-to-weak") return "优质校→薄弱校";
  if (key == "rural-to-urban") return "乡村→城镇（向上流动）";
  if (key == "lateral") return "同类学校之间";
  return key;
}

std::string RankZh(const std::string& key) {
  if (key.rfind("choice ", 0) == 0)
    return absl::StrCat("第", key.substr(7), "志愿");
  if (key == "allocated") return "县内调剂";
  if (key == "stayed") return "留任";
  if (key == "unplaced") return "待岗";
  return key;
}

std::string QuotaZh(const std::string& quota) {
  if (quota == "rotation share") return "交流比例";
  if (quota == "backbone share") return "骨干教师比例";
  if (quota == "principal rotation") return "校级领导交流";
  constexpr std::string_view kAtPost = "gender rule at post ";
  if (quota.rfind(kAtPost, 0) == 0)
    return absl::StrCat("岗位 ", quota.substr(kAtPost.size()), " 性别规则");
  if (quota == "gender rule") return "性别规则";
  return quota;
}

std::string VerdictZh(const std::string& v) {
  if (v == "GOT") return "录取";
  if (v == "BETTER_CHOICE_HELD") return "已获更优志愿";
  if (v == "FULL") return "名额已满";
  if (v == "NOT_QUALIFIED") return "不符合条件";
  if (v == "RESERVED") return "预留岗位";
  if (v == "EXEMPT") return "免于交流";
  if (v == "QUOTA") return "比例限制";
  if (v == "DIRECTION") return "方向不符";
  if (v == "NOT_REACHED") return "未轮到";
  return v;
}

const char* Pronoun(v1::Gender g) {
  return g == v1::FEMALE ? "她" : g == v1::MALE ? "他" : "该同志";
}

class Renderer {
 public:
  explicit Renderer(const HtmlReportData& d) : d_(d) {
    for (const v1::Placement& p : d_.placements) {
      if (IsMove(p)) ++moved_;
    }
  }

  std::string Render() {
    const std::string title =
        absl::StrCat(County(), d_.round.school_year(), "学年",
                     RoundKindWords(d_.round.kind(), Lang::kZh), "结果");
    absl::StrAppend(&out_,
                    "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
                    "<meta charset=\"utf-8\">\n<title>",
                    title, "</title>\n<style>", kCss,
                    "</style>\n</head>\n<body>\n");
    Summary(title);
    for (const auto& [name, school] : d_.schools) SchoolPage(school);
    for (const v1::Placement& p : d_.placements)
      if (GetsLetter(p)) Letter(p);
    out_ += "</body>\n</html>\n";
    return std::move(out_);
  }

 private:
  static bool IsMove(const v1::Placement& p) {
    return !p.to_school().empty() && p.to_school() != p.from_school() &&
           p.outcome() != v1::ITINERANT;
  }

  std::string County() const { return HtmlEscape(d_.county_display_name); }

  std::string RoundId() const { return HtmlEscape(Id(d_.round.name())); }

  // "名字 <small>id</small>" (the id alone when the name is unknown).
  static std::string Named(const std::string& display, const std::string& id) {
    if (display.empty())
      return absl::StrCat("<small class=\"id\">", HtmlEscape(id), "</small>");
    return absl::StrCat(HtmlEscape(display), "<small class=\"id\">",
                        HtmlEscape(id), "</small>");
  }

  std::string SchoolCell(const std::string& school) const {
    if (school.empty()) return "—";
    auto it = d_.schools.find(school);
    return Named(it == d_.schools.end() ? "" : it->second.display_name(),
                 Id(school));
  }

  const ReportPerson* Person(const std::string& name) const {
    auto it = d_.people.find(name);
    return it == d_.people.end() ? nullptr : &it->second;
  }

  std::string PersonCell(const std::string& name) const {
    const ReportPerson* p = Person(name);
    return Named(p == nullptr ? "" : p->display_name, Id(name));
  }

  std::string SubjectCell(const std::string& name) const {
    const ReportPerson* p = Person(name);
    return p == nullptr || p->subject.empty()
               ? "—"
               : HtmlEscape(SubjectWords(p->subject, Lang::kZh));
  }

  std::string TitleCell(const std::string& name) const {
    const ReportPerson* p = Person(name);
    return p == nullptr ? "—" : TitleWords(p->title, Lang::kZh);
  }

  static std::string RouteZh(const v1::Placement& p) {
    if (p.route() == v1::ROUTE_NONE && !p.via().empty()) return p.via();
    return RouteWords(p.route(), Lang::kZh);
  }

  static std::string ReasonZh(const v1::Placement& p) {
    if (p.reason_code() != v1::REASON_UNSPECIFIED)
      return ReasonWords(p.reason_code(), Lang::kZh);
    return p.reason();
  }

  // The engine's own sentence for the teacher's notice; the words of the
  // code for runs recorded before the Chinese twins.
  static std::string ReasonSentenceZh(const v1::Placement& p) {
    return p.reason_zh().empty() ? ReasonZh(p) : p.reason_zh();
  }

  static std::string ChoiceZh(const v1::Placement& p) {
    return p.choice() > 0 ? absl::StrCat("第", p.choice(), "志愿") : "—";
  }

  // ---- county summary ----

  void Counts() {
    const v1::RunSummary& r = d_.run;
    std::vector<std::pair<std::string, int64_t>> cells;
    switch (d_.round.kind()) {
      case v1::RECRUITMENT:
        cells = {{"报名人数", r.teachers()},
                 {"录用", r.recruited()},
                 {"未录用", r.unplaced()},
                 {"空缺岗位数", r.seats_unfilled()},
                 {"录用女性", d_.report.hired_female()},
                 {"录用男性", d_.report.hired_male()}};
        break;
      case v1::ITINERANT_TEACHING:
        cells = {{"参与教师", r.teachers()},
                 {"走教教师", r.itinerant_teachers()},
                 {"未覆盖课时/周", r.uncovered_periods()},
                 {"比例未达标项", r.quota_violations()}};
        break;
      default: {
        int64_t exempt = 0;
        for (const v1::Placement& p : d_.placements)
          if (p.outcome() == v1::EXEMPT) ++exempt;
        cells = {{"参与教师", r.teachers()},
                 {"调动", r.moved()},
                 {"其中跨校", moved_},
                 {"留任", r.stayed()},
                 {"待岗", r.unplaced()},
                 {"免于交流", exempt},
                 {"比例未达标项", r.quota_violations()}};
      }
    }
    out_ += "<table class=\"counts\"><tr>";
    for (const auto& [k, v] : cells) absl::StrAppend(&out_, "<th>", k, "</th>");
    out_ += "</tr><tr>";
    for (const auto& [k, v] : cells)
      absl::StrAppend(&out_, "<td class=\"num\">", v, "</td>");
    out_ += "</tr></table>\n";
  }

  static std::string AgeBand(const std::string& birth, int32_t today) {
    namespace rules = ::rota::engine::rules;
    auto born = rules::ParseDate(birth);
    if (!born.ok()) return "年龄不详";
    const int32_t age = rules::FullYearsBetween(*born, today);
    if (age < 30) return "30岁以下";
    if (age < 40) return "30–39岁";
    if (age < 50) return "40–49岁";
    return "50岁及以上";
  }

  void MoverCharts() {
    std::vector<ChartBar> bars;
    for (const v1::CountSummary& c : d_.report.movers_by_direction())
      bars.push_back({DirectionZh(c.key()), {c.count()}});
    out_ += SvgBarChart("跨校调动方向（人数）", {"人数"}, bars);
    bars.clear();
    for (const v1::CountSummary& c : d_.report.movers_by_locality())
      bars.push_back({LocalityPairZh(c.key()), {c.count()}});
    out_ += SvgBarChart("按学校类别（人数）", {"人数"}, bars);

    // Movers by age band and sex.
    const auto today =
        ::rota::engine::rules::ParseDate(d_.round.effective_date());
    std::map<std::string, std::pair<int64_t, int64_t>> bands;
    for (const char* b : {"30岁以下", "30–39岁", "40–49岁", "50岁及以上"})
      bands[b] = {0, 0};
    for (const v1::Placement& p : d_.placements) {
      if (!IsMove(p)) continue;
      const ReportPerson* who = Person(p.teacher());
      const std::string band = who == nullptr || !today.ok()
                                   ? "年龄不详"
                                   : AgeBand(who->birth_date, *today);
      auto& [female, male] = bands[band];
      if (who != nullptr && who->gender == v1::FEMALE) {
        ++female;
      } else if (who != nullptr && who->gender == v1::MALE) {
        ++male;
      }
    }
    bars.clear();
    for (const char* b :
         {"30岁以下", "30–39岁", "40–49岁", "50岁及以上", "年龄不详"}) {
      auto it = bands.find(b);
      if (it == bands.end()) continue;
      bars.push_back({b, {it->second.first, it->second.second}});
    }
    out_ += SvgBarChart("调动人员年龄与性别（人数）", {"女", "男"}, bars);

    bars.clear();
    for (const v1::CountSummary& c : d_.report.rank_distribution())
      bars.push_back({RankZh(c.key()), {c.count()}});
    out_ += SvgBarChart("志愿满足情况（人数）", {"人数"}, bars);
  }

  void Unplaced() {
    std::map<std::string, int64_t> by_reason;
    for (const v1::Placement& p : d_.placements)
      if (p.outcome() == v1::UNPLACED || p.outcome() == v1::NOT_RECRUITED)
        ++by_reason[ReasonZh(p)];
    std::vector<ChartBar> bars;
    for (const auto& [reason, n] : by_reason)
      bars.push_back({reason.empty() ? "未说明原因" : reason, {n}});
    const char* title = d_.round.kind() == v1::RECRUITMENT
                            ? "未录用原因（人数）"
                            : "待岗（未安排岗位）原因（人数）";
    out_ += SvgBarChart(title, {"人数"}, bars);
  }

  void Quotas() {
    if (d_.report.quotas().empty()) return;
    std::vector<ChartBar> bars;
    constexpr int kMaxBars = 40;
    for (const v1::QuotaLine& q : d_.report.quotas()) {
      if (static_cast<int>(bars.size()) == kMaxBars) break;
      // A post's line names the post; other lines their school.
      bars.push_back(
          {q.quota().rfind("gender rule at post ", 0) == 0
               ? QuotaZh(q.quota())
               : absl::StrCat(ScopePlain(q.scope()), " ", QuotaZh(q.quota())),
           {q.required(), q.achieved()}});
    }
    out_ += SvgBarChart("比例要求：应达与实际（人数）", {"应达", "实际"}, bars);
    out_ +=
        "<h3>比例要求明细</h3>\n<table><tr><th>范围</th><th>项目</th>"
        "<th class=\"num\">应达</th><th "
        "class=\"num\">实际</th><th>是否达标</th>"
        "<th>未达标原因</th></tr>\n";
    for (const v1::QuotaLine& q : d_.report.quotas()) {
      absl::StrAppend(
          &out_, "<tr><td>", ScopeZh(q.scope()), "</td><td>",
          HtmlEscape(QuotaZh(q.quota())), "</td><td class=\"num\">",
          q.required(), "</td><td class=\"num\">", q.achieved(), "</td><td>",
          q.holds() ? "达标" : "<span class=\"no\">未达标</span>", "</td><td>",
          HtmlEscape(Pick(q.reason(), q.reason_zh(), Lang::kZh)),
          "</td></tr>\n");
    }
    out_ += "</table>\n";
  }

  // The school a quota line's scope (a bare school id) names, or null.
  const v1::School* ScopeSchool(const std::string& scope) const {
    auto it = d_.schools.find(absl::StrCat(d_.county_name, "/schools/", scope));
    if (it == d_.schools.end()) it = d_.schools.find(scope);
    return it == d_.schools.end() ? nullptr : &it->second;
  }

  // "全县" or the school's name and id.
  std::string ScopeZh(const std::string& scope) const {
    if (scope == "county") return "全县";
    const v1::School* s = ScopeSchool(scope);
    return Named(s == nullptr ? "" : s->display_name(), Id(scope));
  }

  // ScopeZh as plain text (chart labels).
  std::string ScopePlain(const std::string& scope) const {
    if (scope == "county") return "全县";
    const v1::School* s = ScopeSchool(scope);
    return s == nullptr ? scope : s->display_name();
  }

  void RecruitmentTable() {
    if (d_.report.recruitment_posts().empty()) return;
    out_ +=
        "<h3>各岗位录用情况（按性别）</h3>\n<table><tr><th>岗位</th><th>学校</"
        "th>"
        "<th>学科</th><th class=\"num\">岗位数</th><th "
        "class=\"num\">女性预留</th>"
        "<th class=\"num\">男性预留</th><th class=\"num\">录用女</th>"
        "<th class=\"num\">录用男</th><th "
        "class=\"num\">空缺</th><th>性别规则</th>"
        "</tr>\n";
    for (const v1::RecruitmentPostLine& l : d_.report.recruitment_posts()) {
      absl::StrAppend(
          &out_, "<tr><td>", HtmlEscape(Id(l.post())), "</td><td>",
          Named(l.school_name(), Id(l.school())), "</td><td>",
          HtmlEscape(SubjectWords(l.subject(), Lang::kZh)),
          "</td><td class=\"num\">", l.seats(), "</td><td class=\"num\">",
          l.reserved_female(), "</td><td class=\"num\">", l.reserved_male(),
          "</td><td class=\"num\">", l.hired_female(),
          "</td><td class=\"num\">", l.hired_male(), "</td><td class=\"num\">",
          l.unfilled(), "</td><td>",
          !l.gender_rule_applies() ? "—"
          : l.gender_rule_holds()  ? "满足"
                                   : "<span class=\"no\">未满足</span>",
          "</td></tr>\n");
    }
    out_ += "</table>\n";
  }

  void CoverageTable() {
    if (d_.report.coverage().empty()) return;
    std::map<std::string, std::pair<int64_t, int64_t>> by_subject;
    for (const v1::ItinerantCoverage& c : d_.report.coverage()) {
      auto& [required, covered] =
          by_subject[SubjectWords(c.subject(), Lang::kZh)];
      required += c.required();
      covered += c.own() + c.itinerant();
    }
    std::vector<ChartBar> bars;
    for (const auto& [subject, n] : by_subject)
      bars.push_back({subject, {n.first, n.second}});
    out_ += SvgBarChart("紧缺学科课时：需求与已覆盖（课时/周）",
                        {"需求", "已覆盖"}, bars);
    out_ +=
        "<h3>紧缺学科课时覆盖</h3>\n<table><tr><th>学校</th><th>学科</th>"
        "<th>学段</th><th class=\"num\">需求课时</th><th "
        "class=\"num\">本校</th>"
        "<th class=\"num\">走教</th><th class=\"num\">未覆盖</th><th>说明</th>"
        "</tr>\n";
    for (const v1::ItinerantCoverage& c : d_.report.coverage()) {
      absl::StrAppend(
          &out_, "<tr><td class=\"k\">", Named(c.school_name(), Id(c.school())),
          "</td><td class=\"k\">",
          HtmlEscape(SubjectWords(c.subject(), Lang::kZh)),
          "</td><td class=\"k\">", StageWords(c.stage(), Lang::kZh),
          "</td><td class=\"num\">", c.required(), "</td><td class=\"num\">",
          c.own(), "</td><td class=\"num\">", c.itinerant(),
          "</td><td class=\"num\">",
          c.uncovered() > 0
              ? absl::StrCat("<span class=\"no\">", c.uncovered(), "</span>")
              : "0",
          "</td><td>", HtmlEscape(c.sentence()), "</td></tr>\n");
    }
    out_ += "</table>\n";
  }

  void Summary(const std::string& title) {
    absl::StrAppend(
        &out_, "<section class=\"summary\">\n<h1>", title, "</h1>\n",
        "<p class=\"meta\">轮次 ", RoundId(), "，第", d_.run.run(),
        "次运行，生效日期 ", HtmlEscape(d_.round.effective_date()),
        "<br><small class=\"id\">结果哈希 ", HtmlEscape(d_.run.result_hash()),
        "</small></p>\n<h2>全县汇总</h2>\n");
    Counts();
    if (d_.round.kind() == v1::EXCHANGE_ROTATION ||
        d_.round.kind() == v1::COMPETITIVE_HIRING) {
      MoverCharts();
    }
    if (d_.round.kind() != v1::ITINERANT_TEACHING) Unplaced();
    Quotas();
    RecruitmentTable();
    CoverageTable();
    if (!d_.report.notes().empty()) {
      out_ += "<h3>说明</h3>\n<ul>\n";
      for (const std::string& n :
           PickNotes(d_.report.notes(), d_.report.notes_zh(), Lang::kZh))
        absl::StrAppend(&out_, "<li>", HtmlEscape(n), "</li>\n");
      out_ += "</ul>\n";
    }
    out_ += "</section>\n";
  }

  // ---- per-school pages ----

  void PeopleTable(const char* heading, const std::vector<std::string>& cols,
                   const std::vector<std::vector<std::string>>& rows) {
    absl::StrAppend(&out_, "<h3>", heading, "（", rows.size(), "人）</h3>\n");
    if (rows.empty()) {
      out_ += "<p class=\"meta\">无</p>\n";
      return;
    }
    out_ += "<table><tr>";
    for (const std::string& c : cols)
      absl::StrAppend(&out_, "<th>", c, "</th>");
    out_ += "</tr>\n";
    for (const auto& row : rows) {
      out_ += "<tr>";
      for (const std::string& cell : row)
        absl::StrAppend(&out_, "<td>", cell, "</td>");
      out_ += "</tr>\n";
    }
    out_ += "</table>\n";
  }

  void SchoolPage(const v1::School& s) {
    const std::string& name = s.name();
    std::vector<std::vector<std::string>> leave, arrive, stay, unplaced, away,
        visiting;
    for (const v1::Placement& p : d_.placements) {
      const std::string& t = p.teacher();
      if (p.outcome() == v1::ITINERANT) {
        if (p.from_school() == name) {
          std::string where;
          for (const v1::ItinerantAssignment& a : p.itinerant_assignments()) {
            if (a.own_school()) continue;
            absl::StrAppend(&where, where.empty() ? "" : "；",
                            SchoolCell(a.school()), " ", a.periods(), "课时");
          }
          away.push_back({PersonCell(t), SubjectCell(t), TitleCell(t), where});
        }
        for (const v1::ItinerantAssignment& a : p.itinerant_assignments()) {
          if (a.school() != name || a.own_school()) continue;
          visiting.push_back(
              {PersonCell(t), HtmlEscape(SubjectWords(a.subject(), Lang::kZh)),
               SchoolCell(p.from_school()), absl::StrCat(a.periods())});
        }
      }
      if (p.from_school() == name && IsMove(p)) {
        leave.push_back({PersonCell(t), SubjectCell(t), TitleCell(t),
                         SchoolCell(p.to_school()), HtmlEscape(RouteZh(p))});
      } else if (p.to_school() == name && IsMove(p)) {
        arrive.push_back({PersonCell(t), SubjectCell(t), TitleCell(t),
                          SchoolCell(p.from_school()), HtmlEscape(RouteZh(p))});
      } else if (p.from_school() == name && p.outcome() == v1::UNPLACED) {
        unplaced.push_back({PersonCell(t), SubjectCell(t), TitleCell(t),
                            HtmlEscape(ReasonZh(p))});
      } else if (p.from_school() == name) {
        stay.push_back({PersonCell(t), SubjectCell(t), TitleCell(t),
                        OutcomeWords(p.outcome(), Lang::kZh)});
      }
    }
    absl::StrAppend(
        &out_, "<section class=\"school\" data-school=\"", HtmlEscape(Id(name)),
        "\">\n<h2>", Named(s.display_name(), Id(name)), " ",
        d_.round.kind() == v1::ITINERANT_TEACHING ? "走教安排"
        : d_.round.kind() == v1::RECRUITMENT      ? "新教师名单"
                                                  : "调动名单",
        "</h2>\n<p class=\"meta\">", County(), " · ",
        LocalityWords(s.locality(), Lang::kZh), s.weak() ? " · 薄弱学校" : "",
        " · 轮次 ", RoundId(), " · 生效日期 ",
        HtmlEscape(d_.round.effective_date()), "</p>\n");
    const std::vector<std::string> out_cols = {"姓名", "学科", "职称",
                                               "调往学校", "方式"};
    const std::vector<std::string> in_cols = {
        "姓名", "学科", "职称",
        d_.round.kind() == v1::RECRUITMENT ? "来源" : "原学校", "方式"};
    switch (d_.round.kind()) {
      case v1::ITINERANT_TEACHING:
        PeopleTable("本校教师外出走教",
                    {"姓名", "学科", "职称", "走教学校与课时/周"}, away);
        PeopleTable("来校走教教师", {"姓名", "所教学科", "所在学校", "课时/周"},
                    visiting);
        break;
      case v1::RECRUITMENT:
        PeopleTable("新录用", in_cols, arrive);
        break;
      default:
        PeopleTable("调出", out_cols, leave);
        PeopleTable("调入", in_cols, arrive);
        PeopleTable("待岗", {"姓名", "学科", "职称", "原因"}, unplaced);
        PeopleTable("留任", {"姓名", "学科", "职称", "结果"}, stay);
    }
    out_ +=
        "<p class=\"sig\">学校负责人签收：__________　　日期：__________</p>\n"
        "</section>\n";
  }

  // ---- letters ----

  std::string ResultSentence(const v1::Placement& p, const char* who) const {
    const std::string date = HtmlEscape(d_.round.effective_date());
    switch (p.outcome()) {
      case v1::UNPLACED:
        return absl::StrCat("本轮", who, "未能安排岗位（待岗）。");
      case v1::NOT_RECRUITED:
        return absl::StrCat("本次招聘", who, "未被录用。");
      case v1::RECRUITED: {
        std::string s = absl::StrCat(who, "被录用到", SchoolCell(p.to_school()),
                                     "（岗位 ", HtmlEscape(Id(p.to_post())),
                                     "），自", date, "起任教。");
        if (!p.bundled_rural_school().empty())
          absl::StrAppend(&s, "按捆绑聘用，", who, "须先到",
                          SchoolCell(p.bundled_rural_school()), "服务",
                          p.bundled_term_years(), "年。");
        return s;
      }
      case v1::ITINERANT:
        return absl::StrCat(who, "保留在", SchoolCell(p.from_school()),
                            "的岗位，本学年到下列学校走教。");
      default: {
        std::string s =
            absl::StrCat(who, "自", date, "起由", SchoolCell(p.from_school()),
                         "调往", SchoolCell(p.to_school()), "任教");
        if (p.outcome() == v1::DOWN_HIRED) s += "（低聘）";
        if (p.outcome() == v1::UP_HIRED) s += "（高聘）";
        s += "。";
        if (!p.return_date().empty())
          absl::StrAppend(&s, "交流期满于", HtmlEscape(p.return_date()),
                          "返回原校。");
        return s;
      }
    }
  }

  void Letter(const v1::Placement& p) {
    const ReportPerson* person = Person(p.teacher());
    const char* who =
        Pronoun(person == nullptr ? v1::GENDER_UNSPECIFIED : person->gender);
    const bool applicant = d_.round.kind() == v1::RECRUITMENT;
    absl::StrAppend(&out_, "<section class=\"letter\" data-teacher=\"",
                    HtmlEscape(Id(p.teacher())), "\">\n<h2>",
                    RoundKindWords(d_.round.kind(), Lang::kZh),
                    "结果告知书</h2>\n<p>", PersonCell(p.teacher()),
                    applicant ? "：" : "老师：", "</p>\n<p>根据", County(),
                    d_.round.school_year(), "学年",
                    RoundKindWords(d_.round.kind(), Lang::kZh),
                    "工作安排（轮次 ", RoundId(), "），现将", who,
                    "的结果告知如下：</p>\n<p class=\"result\">",
                    ResultSentence(p, who), "</p>\n");
    absl::StrAppend(&out_, "<table><tr><th>结果</th><th>方式</th><th>原因</th>",
                    applicant ? "<th>笔试成绩</th>" : "<th>积分</th>",
                    "<th>志愿</th></tr>\n<tr><td>",
                    OutcomeWords(p.outcome(), Lang::kZh), "</td><td>",
                    HtmlEscape(RouteZh(p)), "</td><td>",
                    HtmlEscape(ReasonSentenceZh(p)), "</td><td>",
                    p.outcome() == v1::ITINERANT ? "—" : Points(p.points()),
                    "</td><td>", ChoiceZh(p), "</td></tr></table>\n");
    if (p.outcome() == v1::ITINERANT) {
      out_ +=
          "<table><tr><th>走教学校</th><th>学科</th><th>学段</th>"
          "<th class=\"num\">课时/周</th><th "
          "class=\"num\">单程（分钟）</th></tr>\n";
      for (const v1::ItinerantAssignment& a : p.itinerant_assignments()) {
        absl::StrAppend(&out_, "<tr><td>", SchoolCell(a.school()),
                        a.own_school() ? "（本校加课）" : "", "</td><td>",
                        HtmlEscape(SubjectWords(a.subject(), Lang::kZh)),
                        "</td><td>", StageWords(a.stage(), Lang::kZh),
                        "</td><td class=\"num\">", a.periods(),
                        "</td><td class=\"num\">", a.minutes(), "</td></tr>\n");
      }
      out_ += "</table>\n";
      absl::StrAppend(
          &out_, "<p>每周走教", p.itinerant_plan().itinerant_periods(),
          "课时，交通补贴每月", p.itinerant_plan().subsidy_yuan_per_month(),
          "元。</p>\n");
    }
    auto e = d_.explanations.find(p.teacher());
    if (e != d_.explanations.end()) {
      const v1::Explanation& x = e->second;
      if (!x.points_breakdown().empty()) {
        out_ +=
            "<h3>积分构成</h3>\n<table><tr><th>项目</th><th "
            "class=\"num\">分值</th></tr>\n";
        for (const v1::PointsComponent& c : x.points_breakdown())
          absl::StrAppend(
              &out_, "<tr><td>",
              HtmlEscape(Pick(c.component(), c.component_zh(), Lang::kZh)),
              "</td><td class=\"num\">", Points(c.centipoints()),
              "</td></tr>\n");
        out_ += "</table>\n";
      }
      if (!x.choices().empty()) {
        out_ +=
            "<h3>志愿情况</h3>\n<table><tr><th>志愿</th><th>学校/岗位</th>"
            "<th>结果</th><th>说明</th></tr>\n";
        for (const v1::ChoiceExplanation& c : x.choices()) {
          std::string why =
              HtmlEscape(Pick(c.sentence(), c.sentence_zh(), Lang::kZh));
          if (!c.competitor().empty())
            absl::StrAppend(&why, "（最后录取者 ", PersonCell(c.competitor()),
                            " ", Points(c.competitor_points()), "分，本人 ",
                            Points(c.teacher_points()), "分）");
          absl::StrAppend(&out_, "<tr><td class=\"k\">第", c.rank(),
                          "志愿</td><td class=\"k\">", ChoiceCell(c.choice()),
                          "</td><td class=\"k\">",
                          HtmlEscape(VerdictZh(c.verdict())), "</td><td>", why,
                          "</td></tr>\n");
        }
        out_ += "</table>\n";
      }
      if (!x.notes().empty()) {
        out_ += "<h3>依据</h3>\n<ul>\n";
        for (const std::string& n :
             PickNotes(x.notes(), x.notes_zh(), Lang::kZh))
          absl::StrAppend(&out_, "<li>", HtmlEscape(n), "</li>\n");
        out_ += "</ul>\n";
      }
    }
    absl::StrAppend(&out_,
                    "<p>如有疑问，请与所在学校或县教育主管部门联系。</p>\n"
                    "<p class=\"sig\">",
                    County(), "教育主管部门（盖章）<br>",
                    HtmlEscape(d_.round.effective_date()),
                    "</p>\n</section>\n");
  }

  // A choice names a school (exchange rotation) or a post (competitive
  // hiring, recruitment): the school's name and id, or "岗位" and the post id.
  std::string ChoiceCell(const std::string& choice) const {
    if (d_.schools.count(choice) > 0) return SchoolCell(choice);
    if (choice.find("posts/") != std::string::npos)
      return absl::StrCat("岗位", Named("", Id(choice)));
    const std::string full = d_.county_name + "/schools/" + Id(choice);
    return SchoolCell(d_.schools.count(full) > 0 ? full : choice);
  }

  const HtmlReportData& d_;
  int64_t moved_ = 0;
  std::string out_;
};

}  // namespace

bool GetsLetter(const v1::Placement& p) {
  switch (p.outcome()) {
    case v1::UNPLACED:
    case v1::ITINERANT:
    case v1::RECRUITED:
    case v1::NOT_RECRUITED:
      return true;
    default:
      return !p.to_school().empty() && p.to_school() != p.from_school();
  }
}

std::string RenderHtmlReport(const HtmlReportData& data) {
  return Renderer(data).Render();
}

}  // namespace rota::rotactl
