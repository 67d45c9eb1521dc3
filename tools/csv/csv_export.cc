// Rows to CSV cells: what `rotactl -o csv` and rota-gen write, in the
// canonical column order, readable back by the converters of csv_format.cc.
#include <charconv>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/csv/csv_format.h"
#include "tools/csv/csv_words.h"

namespace rota::tools {

namespace v1 = ::rota::v1;

std::string_view IdOf(std::string_view name) {
  const size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

std::string EscapeListText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == ';' || c == '|' || c == ':' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

namespace {

std::string JoinStages(const google::protobuf::RepeatedField<int>& stages) {
  std::vector<std::string> names;
  for (int s : stages) names.push_back(EnumWordOf(CsvEnum::kStage, s));
  return absl::StrJoin(names, ";");
}

std::string BoolCell(bool b) { return b ? "true" : "false"; }

// Degrees with six decimals (about 0.1 m, what rota-gen writes), or as many
// digits as it takes to read back the same double: an export loses nothing.
std::string DegreesText(double degrees) {
  std::string text = absl::StrFormat("%.6f", degrees);
  double back = 0;
  const auto [read_end, read_ec] =
      std::from_chars(text.data(), text.data() + text.size(), back);
  if (read_ec == std::errc() && read_end == text.data() + text.size() &&
      back == degrees) {
    return text;
  }
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), degrees);
  if (ec != std::errc()) return text;
  return std::string(buf, end);
}

}  // namespace

std::vector<std::string> SchoolToCsv(const v1::School& s) {
  std::string lat, lon;
  if (s.has_location()) {
    lat = DegreesText(s.location().latitude());
    lon = DegreesText(s.location().longitude());
  }
  return {std::string(IdOf(s.name())),
          s.display_name(),
          JoinStages(s.stages()),
          EnumWordOf(CsvEnum::kLocality, s.locality()),
          BoolCell(s.weak()),
          s.zone(),
          lat,
          lon,
          absl::StrCat(s.headcount())};
}

std::vector<std::string> PostToCsv(const v1::Post& p) {
  return {std::string(IdOf(p.name())),
          std::string(IdOf(p.school())),
          p.subject(),
          EnumWordOf(CsvEnum::kTitle, p.title_band()),
          absl::StrCat(p.count()),
          EnumWordOf(CsvEnum::kStage, p.stage()),
          p.non_established() ? "true" : "false"};
}

std::vector<std::string> TeacherToCsv(const v1::Teacher& t) {
  std::vector<std::string> subjects;
  for (const std::string& s : t.subjects())
    subjects.push_back(EscapeListText(s));
  std::vector<std::string> evals;
  for (const v1::Evaluation& e : t.evaluations()) {
    evals.push_back(
        absl::StrCat(e.year(), ":", EnumWordOf(CsvEnum::kGrade, e.grade())));
  }
  std::vector<std::string> history;
  for (const v1::ServiceSpell& s : t.service_history()) {
    history.push_back(absl::StrCat(
        EscapeListText(IdOf(s.school())), "|", s.start_date(), "|",
        s.end_date(), "|", EnumWordOf(CsvEnum::kLocality, s.locality()), "|",
        s.weak() ? "1" : "0", "|", s.term_exchange() ? "1" : "0"));
  }
  std::vector<std::string> exemptions;
  for (const v1::Exemption& x : t.exemptions()) {
    exemptions.push_back(absl::StrCat(EnumWordOf(CsvEnum::kExemption, x.kind()),
                                      "|", x.start_date(), "|", x.end_date(),
                                      "|", EscapeListText(x.note())));
  }
  std::vector<std::string> hardships;
  for (const v1::Hardship& x : t.hardships()) {
    hardships.push_back(absl::StrCat(EnumWordOf(CsvEnum::kHardship, x.kind()),
                                     "|", EscapeListText(x.note())));
  }
  std::vector<std::string> obligations;
  for (const v1::ServiceObligation& x : t.obligations()) {
    obligations.push_back(
        absl::StrCat(EnumWordOf(CsvEnum::kObligation, x.kind()), "|",
                     x.required_rural_years(), "|", x.start_date()));
  }
  return {std::string(IdOf(t.name())),
          t.display_name(),
          EnumWordOf(CsvEnum::kGender, t.gender()),
          t.birth_date(),
          t.career_start_date(),
          std::string(IdOf(t.school())),
          t.school_join_date(),
          std::string(IdOf(t.post())),
          absl::StrJoin(subjects, ";"),
          JoinStages(t.certificate_stages()),
          EnumWordOf(CsvEnum::kTitle, t.title()),
          EnumWordOf(CsvEnum::kRole, t.role()),
          t.role_start_date(),
          EnumWordOf(CsvEnum::kBackbone, t.backbone_level()),
          EnumWordOf(CsvEnum::kEmployment, t.employment()),
          absl::StrJoin(evals, ";"),
          absl::StrJoin(history, ";"),
          absl::StrJoin(exemptions, ";"),
          absl::StrJoin(hardships, ";"),
          absl::StrJoin(obligations, ";"),
          std::string(IdOf(t.home_school())),
          t.term_end_date(),
          t.weekly_load() == 0 ? "" : absl::StrCat(t.weekly_load()),
          absl::StrJoin(t.free_half_days(), ";"),
          t.itinerant_volunteer() ? "true" : ""};
}

std::vector<std::string> PeriodRequirementToCsv(
    const v1::PeriodRequirement& r) {
  return {std::string(IdOf(r.school())), r.subject(),
          EnumWordOf(CsvEnum::kStage, r.stage()), absl::StrCat(r.periods()),
          std::string(IdOf(r.name()))};
}

std::vector<std::string> RoadDistanceToCsv(const v1::RoadDistance& r) {
  return {std::string(IdOf(r.school_a())), std::string(IdOf(r.school_b())),
          absl::StrCat(r.metres()), absl::StrCat(r.minutes()),
          std::string(IdOf(r.name()))};
}

std::vector<std::string> ApplicantToCsv(const v1::Applicant& a) {
  std::vector<std::string> subjects, preferences;
  for (const std::string& s : a.subjects())
    subjects.push_back(EscapeListText(s));
  for (const std::string& p : a.preferences())
    preferences.push_back(EscapeListText(IdOf(p)));
  return {std::string(IdOf(a.name())),
          a.display_name(),
          EnumWordOf(CsvEnum::kGender, a.gender()),
          a.birth_date(),
          absl::StrJoin(subjects, ";"),
          JoinStages(a.certificate_stages()),
          EnumWordOf(CsvEnum::kChannel, a.channel()),
          BoolCell(a.interview_passed()),
          ScoreText(a.written_score()),
          absl::StrJoin(preferences, ";")};
}

std::vector<std::string> RecruitmentPostToCsv(const v1::RecruitmentPost& p) {
  return {
      std::string(IdOf(p.name())),
      std::string(IdOf(p.school())),
      p.subject(),
      EnumWordOf(CsvEnum::kStage, p.stage()),
      absl::StrCat(p.seats()),
      std::string(IdOf(p.bundled_rural_school())),
      p.bundled_term_years() == 0 ? "" : absl::StrCat(p.bundled_term_years())};
}

std::string ScoreText(int64_t centipoints) {
  const char* sign = centipoints < 0 ? "-" : "";
  const int64_t v = centipoints < 0 ? -centipoints : centipoints;
  return absl::StrFormat("%s%d.%02d", sign, v / 100, v % 100);
}

std::string ChannelName(v1::RecruitmentChannel v) {
  return EnumWordOf(CsvEnum::kChannel, v);
}
std::string StageName(v1::Stage v) { return EnumWordOf(CsvEnum::kStage, v); }
std::string LocalityName(v1::Locality v) {
  return EnumWordOf(CsvEnum::kLocality, v);
}
std::string GenderName(v1::Gender v) { return EnumWordOf(CsvEnum::kGender, v); }
std::string TitleName(v1::Title v) { return EnumWordOf(CsvEnum::kTitle, v); }
std::string RoleName(v1::Role v) { return EnumWordOf(CsvEnum::kRole, v); }
std::string BackboneName(v1::BackboneLevel v) {
  return EnumWordOf(CsvEnum::kBackbone, v);
}
std::string EmploymentName(v1::Employment v) {
  return EnumWordOf(CsvEnum::kEmployment, v);
}

}  // namespace rota::tools
