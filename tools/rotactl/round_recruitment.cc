#include "tools/rotactl/round_recruitment.h"

#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/output.h"

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

std::string RuleText(const v1::RecruitmentPostLine& l) {
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

std::string RecruitmentSeatWords(const v1::Placement& p) {
  switch (p.seat()) {
    case v1::RECRUITMENT_SEAT_OPEN:
      return "open seat";
    case v1::RECRUITMENT_SEAT_FEMALE:
      return "seat reserved for women";
    case v1::RECRUITMENT_SEAT_MALE:
      return "seat reserved for men";
    case v1::RECRUITMENT_SEAT_CHANNEL:
      return absl::StrCat("seat reserved for the ",
                          rota::tools::ChannelName(p.seat_channel()),
                          " channel");
    case v1::RECRUITMENT_SEAT_PINNED:
      return "placed by a lock or an override";
    default:
      return "";
  }
}

void PrintRecruitmentReport(OutputFormat format, const v1::RoundReport& r) {
  if (format == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(r).c_str());
    return;
  }
  if (format == OutputFormat::kCsv) {
    ListPrinter out(format, {}, CsvColumns());
    for (const v1::RecruitmentPostLine& l : r.recruitment_posts()) {
      const auto b = [](bool x) { return std::string(x ? "true" : "false"); };
      out.Add(l, {},
              {std::string(IdOf(l.post())), std::string(IdOf(l.school())),
               l.school_name(), l.subject(), std::to_string(l.seats()),
               std::to_string(l.reserved_female()),
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
  std::printf("report of %s, run %d\nresult hash %s\n", r.round().c_str(),
              r.run(), r.result_hash().c_str());
  std::printf(
      "\nhired: %lld women, %lld men; %lld seats unfilled; the gender rule "
      "fails at %lld posts\n\n",
      static_cast<long long>(r.hired_female()),
      static_cast<long long>(r.hired_male()),
      static_cast<long long>(r.seats_unfilled()),
      static_cast<long long>(r.gender_rule_failures()));
  std::vector<std::vector<std::string>> rows;
  for (const v1::RecruitmentPostLine& l : r.recruitment_posts()) {
    std::string unfilled = std::to_string(l.unfilled());
    if (l.unfilled() > 0) absl::StrAppend(&unfilled, ": ", l.unfilled_reason());
    rows.push_back(
        {std::string(IdOf(l.post())), SchoolText(l), l.subject(),
         std::to_string(l.seats()),
         absl::StrCat(l.hired_female(), " F / ", l.hired_male(), " M"),
         Cutoff(l.cutoff_female(), "-"), Cutoff(l.cutoff_male(), "-"),
         l.cutoff_female() >= 0 && l.cutoff_male() >= 0
             ? ScoreText(l.cutoff_gap())
             : "-",
         unfilled, RuleText(l)});
  }
  PrintTable({"POST", "SCHOOL", "SUBJECT", "SEATS", "HIRED", "CUTOFF F",
              "CUTOFF M", "GAP", "UNFILLED", "GENDER RULE"},
             rows);
  bool heading = false;
  for (const v1::QuotaLine& q : r.quotas()) {
    if (q.holds()) continue;
    if (!heading) std::printf("\nwhere the gender rule does not hold\n");
    heading = true;
    std::printf("  %s: %s\n", q.quota().c_str(), q.reason().c_str());
  }
  if (!r.notes().empty()) std::printf("\nnotes\n");
  for (const std::string& n : r.notes()) std::printf("  %s\n", n.c_str());
}

}  // namespace rota::rotactl
