#include "tools/rotactl/round_recruitment.h"

#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/output.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
using rota::tools::IdOf;
using rota::tools::ScoreText;

// "60.25", or "-" (table) / "" (CSV) when nobody of that group was hired.
std::string Cutoff(int64_t centipoints, const char* none) {
  return centipoints < 0 ? none : ScoreText(centipoints);
}

// "城关小学 (s3)", or the id alone without a name.
std::string SchoolText(const v1::RecruitmentPostLine& l) {
  const std::string id(IdOf(l.school()));
  return l.school_name().empty() ? id
                                 : absl::StrCat(l.school_name(), " (", id, ")");
}

std::string RuleText(const v1::RecruitmentPostLine& l, Lang lang) {
  if (lang == Lang::kZh) {
    if (!l.gender_rule_applies()) return "未预留名额";
    return absl::StrCat(l.gender_rule_holds() ? "符合" : "不符合", "（预留女 ",
                        l.reserved_female(), "、男 ", l.reserved_male(), "）");
  }
  if (!l.gender_rule_applies()) return "no seats reserved";
  return absl::StrCat(l.gender_rule_holds() ? "holds" : "DOES NOT HOLD",
                      " (reserved ", l.reserved_female(), " F, ",
                      l.reserved_male(), " M)");
}

const std::vector<std::string>& CsvColumns() {
  static const auto* columns =
      new std::vector<std::string>{"post",
                                   "school",
                                   "school_name",
                                   "subject",
                                   "seats",
                                   "reserved_female",
                                   "reserved_male",
                                   "reserved_channel",
                                   "hired_female",
                                   "hired_male",
                                   "cutoff_female",
                                   "cutoff_male",
                                   "cutoff_gap",
                                   "open_cutoff",
                                   "unfilled",
                                   "unfilled_reason",
                                   "gender_rule_applies",
                                   "gender_rule_holds",
                                   "bundled_rural_school"};
  return *columns;
}

}  // namespace

std::string RecruitmentSeatWords(const v1::Placement& p, Lang lang) {
  if (p.seat() == v1::RECRUITMENT_SEAT_CHANNEL) {
    return lang == Lang::kZh
               ? absl::StrCat(ChannelWords(p.seat_channel(), lang), "预留岗位")
               : absl::StrCat("seat reserved for the ",
                              ChannelWords(p.seat_channel(), lang), " channel");
  }
  return SeatWords(p.seat(), lang);
}

void PrintRecruitmentReport(OutputFormat format, const v1::RoundReport& r,
                            Lang lang) {
  if (format == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(r).c_str());
    return;
  }
  if (format == OutputFormat::kCsv) {
    ListPrinter out(format, {}, Headers(CsvColumns(), lang, HeaderStyle::kCsv));
    for (const v1::RecruitmentPostLine& l : r.recruitment_posts()) {
      const auto b = [lang](bool x) { return Say(x ? "yes" : "no", lang); };
      out.Add(l, {},
              {std::string(IdOf(l.post())), std::string(IdOf(l.school())),
               l.school_name(), SubjectWords(l.subject(), lang),
               std::to_string(l.seats()), std::to_string(l.reserved_female()),
               std::to_string(l.reserved_male()),
               std::to_string(l.reserved_channel()),
               std::to_string(l.hired_female()), std::to_string(l.hired_male()),
               Cutoff(l.cutoff_female(), ""), Cutoff(l.cutoff_male(), ""),
               ScoreText(l.cutoff_gap()), Cutoff(l.open_cutoff(), ""),
               std::to_string(l.unfilled()), l.unfilled_reason(),
               b(l.gender_rule_applies()), b(l.gender_rule_holds()),
               std::string(IdOf(l.bundled_rural_school()))});
    }
    out.Finish();
    return;
  }
  if (lang == Lang::kZh) {
    std::printf(
        "%s 第 %d 次运行的报告\n结果哈希 %s\n\n录用：女 %lld 人，男 %lld "
        "人；空缺 %lld 个名额；%lld 个岗位不符合性别比例规则\n\n",
        r.round().c_str(), r.run(), r.result_hash().c_str(),
        static_cast<long long>(r.hired_female()),
        static_cast<long long>(r.hired_male()),
        static_cast<long long>(r.seats_unfilled()),
        static_cast<long long>(r.gender_rule_failures()));
  } else {
    std::printf("report of %s, run %d\nresult hash %s\n", r.round().c_str(),
                r.run(), r.result_hash().c_str());
    std::printf(
        "\nhired: %lld women, %lld men; %lld seats unfilled; the gender rule "
        "fails at %lld posts\n\n",
        static_cast<long long>(r.hired_female()),
        static_cast<long long>(r.hired_male()),
        static_cast<long long>(r.seats_unfilled()),
        static_cast<long long>(r.gender_rule_failures()));
  }
  std::vector<std::vector<std::string>> rows;
  for (const v1::RecruitmentPostLine& l : r.recruitment_posts()) {
    std::string unfilled = std::to_string(l.unfilled());
    if (l.unfilled() > 0) absl::StrAppend(&unfilled, ": ", l.unfilled_reason());
    rows.push_back(
        {std::string(IdOf(l.post())), SchoolText(l),
         SubjectWords(l.subject(), lang), std::to_string(l.seats()),
         lang == Lang::kZh
             ? absl::StrCat("女 ", l.hired_female(), " / 男 ", l.hired_male())
             : absl::StrCat(l.hired_female(), " F / ", l.hired_male(), " M"),
         Cutoff(l.cutoff_female(), "-"), Cutoff(l.cutoff_male(), "-"),
         l.cutoff_female() >= 0 && l.cutoff_male() >= 0
             ? ScoreText(l.cutoff_gap())
             : "-",
         unfilled, RuleText(l, lang)});
  }
  PrintTable(
      Headers({"post", "school", "subject", "seats", "hired", "cutoff_female",
               "cutoff_male", "gap", "unfilled", "gender_rule"},
              lang, HeaderStyle::kTable),
      rows);
  bool heading = false;
  for (const v1::QuotaLine& q : r.quotas()) {
    if (q.holds()) continue;
    if (!heading)
      std::printf("\n%s\n", lang == Lang::kZh
                                ? "不符合性别比例规则的岗位"
                                : "where the gender rule does not hold");
    heading = true;
    std::printf("  %s: %s\n", QuotaWords(q.quota(), lang).c_str(),
                Pick(q.reason(), q.reason_zh(), lang).c_str());
  }
  if (!r.notes().empty()) std::printf("\n%s\n", Say("notes", lang).c_str());
  for (const std::string& n : PickNotes(r.notes(), r.notes_zh(), lang))
    std::printf("  %s\n", n.c_str());
}

}  // namespace rota::rotactl
