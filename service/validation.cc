#include "service/validation.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace rota::service {
namespace {

using rota::ControlCharacter;
using rota::ControlPolicy;
using rota::v1::County;
using rota::v1::Post;
using rota::v1::School;
using rota::v1::Teacher;

// A field path, formatted only when a violation names it (a valid row, the
// common case, formats none): `prefix` + `field`, then "[index]" and
// "." + `sub` when given. Holds views: build it where it is used.
class Path {
 public:
  Path(const std::string& path) : prefix_(path) {}  // NOLINT: implicit
  Path(absl::string_view prefix, absl::string_view field, int index = -1,
       absl::string_view sub = {})
      : prefix_(prefix), field_(field), sub_(sub), index_(index) {}
  operator std::string() const {  // NOLINT: implicit, for Violations::Add
    if (index_ < 0) return absl::StrCat(prefix_, field_);
    if (sub_.empty()) return absl::StrCat(prefix_, field_, "[", index_, "]");
    return absl::StrCat(prefix_, field_, "[", index_, "].", sub_);
  }

 private:
  absl::string_view prefix_, field_, sub_;
  int index_ = -1;
};

Path F(absl::string_view prefix, absl::string_view field) {
  return Path(prefix, field);
}
Path Fi(absl::string_view prefix, absl::string_view field, int i) {
  return Path(prefix, field, i);
}

// A text field: optional, valid UTF-8, at most `max_chars` characters, no
// control characters (`policy` may allow line breaks in free text).
void ValidateText(const Path& field, absl::string_view value, size_t max_chars,
                  Violations& v,
                  ControlPolicy policy = ControlPolicy::kAllowLineBreaks) {
  std::optional<size_t> len = Utf8Length(value);
  if (!len.has_value()) {
    v.Add(field, "must be valid UTF-8");
  } else if (*len > max_chars) {
    v.Add(field, absl::StrCat("must be at most ", max_chars,
                              " characters (got ", *len, ")"));
  } else {
    ValidateNoControlCharacters(std::string(field), value, policy, v);
  }
}

// A repeated field of at most `max` items.
void ValidateCount(const Path& field, int size, int max, Violations& v) {
  if (size > max) {
    v.Add(field,
          absl::StrCat("must have at most ", max, " items (got ", size, ")"));
  }
}

template <typename IsValid>
void ValidateEnum(const Path& field, int value, bool required, IsValid is_valid,
                  Violations& v) {
  if (!is_valid(value)) {
    v.Add(field, absl::StrCat("enum value ", value, " is out of range"));
  } else if (required && value == 0) {
    v.Add(field, "is required (must not be UNSPECIFIED)");
  }
}

// A date field. Returns the parsed date if valid.
std::optional<absl::CivilDay> ValidateDate(
    const Path& field, absl::string_view value, bool required,
    std::optional<absl::CivilDay> not_after, Violations& v) {
  if (value.empty()) {
    if (required) v.Add(field, "is required (a date YYYY-MM-DD)");
    return std::nullopt;
  }
  std::optional<absl::CivilDay> day = ParseDate(value);
  if (!day.has_value()) {
    v.Add(field, "must be a real calendar date YYYY-MM-DD");
    return std::nullopt;
  }
  if (not_after.has_value() && *day > *not_after) {
    v.Add(field, "must not be in the future");
  }
  return day;
}

// A reference to a school/post of the same county, by resource name.
// Returns the id if well-formed and in `county`.
std::optional<std::string> ValidateReference(const Path& field,
                                             absl::string_view value,
                                             absl::string_view county,
                                             absl::string_view collection,
                                             bool required, Violations& v) {
  if (value.empty()) {
    if (required) {
      v.Add(field, absl::StrCat("is required (counties/{county}/", collection,
                                "/{id})"));
    }
    return std::nullopt;
  }
  std::optional<ChildName> ref = ParseChildName(value, collection);
  if (!ref.has_value()) {
    v.Add(field, absl::StrCat("must be a resource name counties/{county}/",
                              collection, "/{id}"));
    return std::nullopt;
  }
  if (ref->county != county) {
    v.Add(field,
          absl::StrCat("refers to another county (", ref->county,
                       "); references must stay in ", county),
          kReasonCrossCounty);
    return std::nullopt;
  }
  return ref->id;
}

absl::Status CheckExists(const Path& field, absl::string_view collection,
                         const std::optional<std::string>& id,
                         const ExistsFn& exists, Violations& v) {
  if (!id.has_value() || !exists) return absl::OkStatus();
  ROTA_ASSIGN_OR_RETURN(bool found, exists(collection, *id));
  if (!found) {
    std::string what(collection.substr(0, collection.size() - 1));  // singular
    v.Add(field, absl::StrCat("refers to ", what, " \"", *id,
                              "\", which does not exist"));
  }
  return absl::OkStatus();
}

void ValidateSubject(const Path& field, absl::string_view subject,
                     Violations& v) {
  if (subject.empty()) {
    v.Add(field, "is required (a subject code such as \"math\")");
  } else if (!IsValidId(subject)) {
    v.Add(field,
          "must be a lower-case subject code of [a-z0-9_-], at most 63 "
          "characters");
  }
}

}  // namespace

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              (i > 0 && (c == '_' || c == '-'));
    if (!ok) return false;
  }
  return true;
}

std::optional<size_t> Utf8Length(absl::string_view s) {
  return rota::Utf8Length(std::string_view(s.data(), s.size()));
}

std::optional<std::string> ParseCountyName(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "counties/")) return std::nullopt;
  if (!IsValidId(name)) return std::nullopt;
  return std::string(name);
}

std::optional<ChildName> ParseChildName(absl::string_view name,
                                        absl::string_view collection) {
  // Taken apart by hand, not split into a vector: an import parses several
  // names for each of its rows. Ids hold no '/', so this takes exactly four
  // parts like "counties/{county}/{collection}/{id}".
  if (!absl::ConsumePrefix(&name, "counties/")) return std::nullopt;
  const size_t slash = name.find('/');
  if (slash == absl::string_view::npos) return std::nullopt;
  const absl::string_view county = name.substr(0, slash);
  name.remove_prefix(slash + 1);
  if (!absl::ConsumePrefix(&name, collection) ||
      !absl::ConsumePrefix(&name, "/")) {
    return std::nullopt;
  }
  if (!IsValidId(county) || !IsValidId(name)) return std::nullopt;
  return ChildName{std::string(county), std::string(name)};
}

std::string CountyName(absl::string_view county) {
  return absl::StrCat("counties/", county);
}

std::string ChildResourceName(absl::string_view county,
                              absl::string_view collection,
                              absl::string_view id) {
  return absl::StrCat("counties/", county, "/", collection, "/", id);
}

std::optional<absl::CivilDay> ParseDate(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lens[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (int i = 0; i < lens[k]; ++i) {
      char c = s[starts[k] + i];
      if (c < '0' || c > '9') return std::nullopt;
      parts[k] = parts[k] * 10 + (c - '0');
    }
  }
  if (parts[0] < 1900) return std::nullopt;
  absl::CivilDay day(parts[0], parts[1], parts[2]);
  // CivilDay normalises out-of-range fields (Feb 30 -> Mar 2): reject those.
  if (day.year() != parts[0] || day.month() != parts[1] ||
      day.day() != parts[2]) {
    return std::nullopt;
  }
  return day;
}

void ValidateRequestId(absl::string_view request_id, Violations& v) {
  if (request_id.size() > kMaxRequestIdChars) {
    v.Add("request_id",
          absl::StrCat("must be at most ", kMaxRequestIdChars, " characters"));
    return;
  }
  for (char c : request_id) {
    if (c < 0x20 || c > 0x7E) {
      v.Add("request_id", "must be printable ASCII");
      return;
    }
  }
}

void ValidateNoControlCharacters(absl::string_view field,
                                 absl::string_view value, ControlPolicy policy,
                                 Violations& v) {
  std::optional<ControlCharacter> c = FindControlCharacter(
      std::string_view(value.data(), value.size()), policy);
  if (!c.has_value()) return;
  v.Add(std::string(field),
        absl::StrCat("must not contain control characters (",
                     CodePointName(c->code_point), " at character ",
                     c->index + 1, ")"));
}

void ValidatePageSize(int32_t page_size, Violations& v) {
  if (page_size < 0) v.Add("page_size", "must not be negative");
}

void ValidateDisplayName(absl::string_view field, absl::string_view value,
                         Violations& v) {
  std::string f(field);
  if (value.empty()) {
    v.Add(f, "is required");
    return;
  }
  ValidateText(f, value, kMaxDisplayNameChars, v, ControlPolicy::kNone);
}

void ValidateCounty(const County& county, absl::string_view prefix,
                    Violations& v) {
  ValidateDisplayName(std::string(F(prefix, "display_name")),
                      county.display_name(), v);
  ValidateText(F(prefix, "region"), county.region(), kMaxDisplayNameChars, v,
               ControlPolicy::kNone);
}

void ValidateSchool(const School& school, absl::string_view prefix,
                    Violations& v) {
  ValidateDisplayName(std::string(F(prefix, "display_name")),
                      school.display_name(), v);
  if (school.stages_size() == 0)
    v.Add(F(prefix, "stages"), "needs at least one stage");
  ValidateCount(F(prefix, "stages"), school.stages_size(), kMaxStages, v);
  for (int i = 0; i < std::min(school.stages_size(), kMaxStages); ++i) {
    ValidateEnum(Fi(prefix, "stages", i), school.stages(i), true,
                 rota::v1::Stage_IsValid, v);
  }
  ValidateEnum(F(prefix, "locality"), school.locality(), true,
               rota::v1::Locality_IsValid, v);
  if (!school.zone().empty() && !IsValidId(school.zone())) {
    v.Add(F(prefix, "zone"),
          "must be an id of [a-z0-9_-], at most 63 characters");
  }
  if (school.has_location()) {
    const auto& loc = school.location();
    if (!(loc.latitude() >= -90 && loc.latitude() <= 90)) {
      v.Add(F(prefix, "location.latitude"), "must be within [-90, 90]");
    }
    if (!(loc.longitude() >= -180 && loc.longitude() <= 180)) {
      v.Add(F(prefix, "location.longitude"), "must be within [-180, 180]");
    }
  }
  if (school.headcount() < 0 || school.headcount() > kMaxSchoolHeadcount) {
    v.Add(F(prefix, "headcount"),
          absl::StrCat("must be between 0 and ", kMaxSchoolHeadcount, " (got ",
                       school.headcount(), ")"));
  }
}

absl::Status ValidatePost(const Post& post, absl::string_view county,
                          absl::string_view prefix, const ExistsFn& exists,
                          Violations& v) {
  Path school_field = F(prefix, "school");
  auto school =
      ValidateReference(school_field, post.school(), county, kSchools, true, v);
  ROTA_RETURN_IF_ERROR(CheckExists(school_field, kSchools, school, exists, v));
  ValidateSubject(F(prefix, "subject"), post.subject(), v);
  int band = post.title_band();
  if (!rota::v1::Title_IsValid(band)) {
    v.Add(F(prefix, "title_band"),
          absl::StrCat("enum value ", band, " is out of range"));
  } else if (band != rota::v1::JUNIOR_TITLE &&
             band != rota::v1::INTERMEDIATE_TITLE &&
             band != rota::v1::SENIOR_TITLE) {
    v.Add(F(prefix, "title_band"),
          "is required: JUNIOR_TITLE, INTERMEDIATE_TITLE or SENIOR_TITLE");
  }
  if (post.count() < 0 || post.count() > kMaxPostCount) {
    v.Add(F(prefix, "count"),
          absl::StrCat("must be between 0 and ", kMaxPostCount, " (got ",
                       post.count(), ")"));
  }
  ValidateEnum(F(prefix, "stage"), post.stage(), false, rota::v1::Stage_IsValid,
               v);
  return absl::OkStatus();
}

namespace {

// Teacher fields of itinerant teaching (走教).
void ValidateItinerantFields(const Teacher& t, absl::string_view prefix,
                             Violations& v) {
  if (t.weekly_load() < 0 || t.weekly_load() > kMaxWeeklyPeriods) {
    v.Add(F(prefix, "weekly_load"),
          absl::StrCat("must be between 0 and ", kMaxWeeklyPeriods,
                       " periods a week (got ", t.weekly_load(), ")"));
  }
  ValidateCount(F(prefix, "free_half_days"), t.free_half_days_size(),
                engine::rules::kHalfDaysPerWeek, v);
  uint32_t seen = 0;
  for (int i = 0;
       i < std::min(t.free_half_days_size(), engine::rules::kHalfDaysPerWeek);
       ++i) {
    std::optional<int> bit = ParseHalfDay(t.free_half_days(i));
    if (!bit.has_value()) {
      v.Add(Fi(prefix, "free_half_days", i),
            absl::StrCat(
                "\"", std::string(rota::TruncateUtf8(t.free_half_days(i), 20)),
                "\" is not a half-day: mon-am, mon-pm, ..., fri-pm"));
    } else if (seen & (1u << *bit)) {
      v.Add(Fi(prefix, "free_half_days", i), "is listed twice");
    } else {
      seen |= 1u << *bit;
    }
  }
  ValidateCount(F(prefix, "itinerant_service"), t.itinerant_service_size(),
                kMaxItinerantServiceYears, v);
  for (int i = 0;
       i < std::min(t.itinerant_service_size(), kMaxItinerantServiceYears);
       ++i) {
    const auto& y = t.itinerant_service(i);
    auto p = [&](absl::string_view sub) {
      return Path(prefix, "itinerant_service", i, sub);
    };
    if (y.school_year() < 2000 || y.school_year() > 2100)
      v.Add(p("school_year"), "must be a year between 2000 and 2100");
    ValidateDate(p("start_date"), y.start_date(), true, std::nullopt, v);
    if (y.weekly_periods() < 0 || y.weekly_periods() > kMaxWeeklyPeriods) {
      v.Add(p("weekly_periods"),
            absl::StrCat("must be between 0 and ", kMaxWeeklyPeriods));
    }
  }
}

}  // namespace

std::optional<int> ParseHalfDay(absl::string_view text) {
  for (int bit = 0; bit < engine::rules::kHalfDaysPerWeek; ++bit) {
    if (text == HalfDayName(bit)) return bit;
  }
  return std::nullopt;
}

absl::string_view HalfDayName(int bit) {
  static constexpr absl::string_view kNames[] = {
      "mon-am", "mon-pm", "tue-am", "tue-pm", "wed-am",
      "wed-pm", "thu-am", "thu-pm", "fri-am", "fri-pm"};
  if (bit < 0 || bit >= engine::rules::kHalfDaysPerWeek) return "";
  return kNames[bit];
}

absl::Status ValidatePeriodRequirement(const rota::v1::PeriodRequirement& r,
                                       absl::string_view county,
                                       absl::string_view prefix,
                                       const ExistsFn& exists, Violations& v) {
  Path school_field = F(prefix, "school");
  auto school =
      ValidateReference(school_field, r.school(), county, kSchools, true, v);
  ROTA_RETURN_IF_ERROR(CheckExists(school_field, kSchools, school, exists, v));
  ValidateSubject(F(prefix, "subject"), r.subject(), v);
  ValidateEnum(F(prefix, "stage"), r.stage(), true, rota::v1::Stage_IsValid, v);
  if (r.periods() < 0 || r.periods() > kMaxWeeklyPeriods) {
    v.Add(F(prefix, "periods"),
          absl::StrCat("must be between 0 and ", kMaxWeeklyPeriods,
                       " periods a week (got ", r.periods(), ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRoadDistance(const rota::v1::RoadDistance& r,
                                  absl::string_view county,
                                  absl::string_view prefix,
                                  const ExistsFn& exists, Violations& v) {
  for (const char* field : {"school_a", "school_b"}) {
    const std::string& value =
        std::string_view(field) == "school_a" ? r.school_a() : r.school_b();
    std::string path = F(prefix, field);
    auto school = ValidateReference(path, value, county, kSchools, true, v);
    ROTA_RETURN_IF_ERROR(CheckExists(path, kSchools, school, exists, v));
  }
  if (!r.school_a().empty() && r.school_a() == r.school_b()) {
    v.Add(F(prefix, "school_b"), "must differ from school_a");
  }
  if (r.metres() < 0 || r.metres() > engine::rules::kMaxRoadMetres) {
    v.Add(F(prefix, "metres"),
          absl::StrCat("must be between 0 and ", engine::rules::kMaxRoadMetres,
                       " (got ", r.metres(), ")"));
  }
  if (r.minutes() < 0 || r.minutes() > engine::rules::kMaxRoadMinutes) {
    v.Add(F(prefix, "minutes"),
          absl::StrCat("must be between 0 and ", engine::rules::kMaxRoadMinutes,
                       " (got ", r.minutes(), ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateTeacher(const Teacher& t, absl::string_view county,
                             absl::string_view prefix, absl::CivilDay today,
                             const ExistsFn& exists, Violations& v) {
  ValidateDisplayName(std::string(F(prefix, "display_name")), t.display_name(),
                      v);
  ValidateEnum(F(prefix, "gender"), t.gender(), true, rota::v1::Gender_IsValid,
               v);
  auto birth =
      ValidateDate(F(prefix, "birth_date"), t.birth_date(), true, today, v);
  auto career = ValidateDate(F(prefix, "career_start_date"),
                             t.career_start_date(), true, today, v);
  auto join = ValidateDate(F(prefix, "school_join_date"), t.school_join_date(),
                           true, today, v);
  if (birth.has_value() && career.has_value()) {
    if (*birth >= *career) {
      v.Add(F(prefix, "birth_date"), "must be before career_start_date");
    } else if (*career < absl::CivilDay(birth->year() + kMinCareerStartAge,
                                        birth->month(), birth->day())) {
      v.Add(F(prefix, "career_start_date"),
            absl::StrCat("teacher must be at least ", kMinCareerStartAge,
                         " years old at career start"));
    }
  }
  if (career.has_value() && join.has_value() && *join < *career) {
    v.Add(F(prefix, "school_join_date"),
          "must not be before career_start_date");
  }
  if (!t.role_start_date().empty()) {
    auto role_start = ValidateDate(F(prefix, "role_start_date"),
                                   t.role_start_date(), false, today, v);
    if (career.has_value() && role_start.has_value() && *role_start < *career) {
      v.Add(F(prefix, "role_start_date"),
            "must not be before career_start_date");
    }
  }
  Path school_field = F(prefix, "school");
  auto school =
      ValidateReference(school_field, t.school(), county, kSchools, true, v);
  ROTA_RETURN_IF_ERROR(CheckExists(school_field, kSchools, school, exists, v));
  Path post_field = F(prefix, "post");
  auto post = ValidateReference(post_field, t.post(), county, kPosts, false, v);
  ROTA_RETURN_IF_ERROR(CheckExists(post_field, kPosts, post, exists, v));
  // A term exchange: where her personnel relation stays, until when.
  Path home_field = F(prefix, "home_school");
  auto home = ValidateReference(home_field, t.home_school(), county, kSchools,
                                false, v);
  ROTA_RETURN_IF_ERROR(CheckExists(home_field, kSchools, home, exists, v));
  ValidateDate(F(prefix, "term_end_date"), t.term_end_date(), false,
               std::nullopt, v);
  if (t.home_school().empty() != t.term_end_date().empty()) {
    v.Add(F(prefix, t.home_school().empty() ? "home_school" : "term_end_date"),
          "home_school and term_end_date are set together (a term exchange)");
  }
  if (!t.home_school().empty() && t.home_school() == t.school()) {
    v.Add(home_field, "must differ from school (she serves away from home)");
  }

  ValidateItinerantFields(t, prefix, v);

  if (t.subjects_size() == 0)
    v.Add(F(prefix, "subjects"), "needs at least one subject");
  ValidateCount(F(prefix, "subjects"), t.subjects_size(), kMaxSubjects, v);
  ValidateCount(F(prefix, "certificate_stages"), t.certificate_stages_size(),
                kMaxStages, v);
  ValidateCount(F(prefix, "evaluations"), t.evaluations_size(), kMaxEvaluations,
                v);
  ValidateCount(F(prefix, "service_history"), t.service_history_size(),
                kMaxServiceSpells, v);
  ValidateCount(F(prefix, "exemptions"), t.exemptions_size(), kMaxExemptions,
                v);
  ValidateCount(F(prefix, "hardships"), t.hardships_size(), kMaxHardships, v);
  ValidateCount(F(prefix, "obligations"), t.obligations_size(), kMaxObligations,
                v);
  // Item checks stop at the bound: a list far over it gets one violation,
  // not one per item.
  for (int i = 0; i < std::min(t.subjects_size(), kMaxSubjects); ++i) {
    ValidateSubject(Fi(prefix, "subjects", i), t.subjects(i), v);
  }
  for (int i = 0; i < std::min(t.certificate_stages_size(), kMaxStages); ++i) {
    ValidateEnum(Fi(prefix, "certificate_stages", i), t.certificate_stages(i),
                 true, rota::v1::Stage_IsValid, v);
  }
  ValidateEnum(F(prefix, "title"), t.title(), false, rota::v1::Title_IsValid,
               v);
  ValidateEnum(F(prefix, "role"), t.role(), false, rota::v1::Role_IsValid, v);
  ValidateEnum(F(prefix, "backbone_level"), t.backbone_level(), false,
               rota::v1::BackboneLevel_IsValid, v);
  ValidateEnum(F(prefix, "employment"), t.employment(), false,
               rota::v1::Employment_IsValid, v);
  for (int i = 0; i < std::min(t.evaluations_size(), kMaxEvaluations); ++i) {
    const auto& e = t.evaluations(i);
    auto p = [&](absl::string_view sub) {
      return Path(prefix, "evaluations", i, sub);
    };
    if (e.year() < 1900 || e.year() > today.year()) {
      v.Add(p("year"),
            absl::StrCat("must be a year between 1900 and ", today.year()));
    }
    ValidateEnum(p("grade"), e.grade(), true, rota::v1::EvaluationGrade_IsValid,
                 v);
  }
  for (int i = 0; i < std::min(t.service_history_size(), kMaxServiceSpells);
       ++i) {
    const auto& s = t.service_history(i);
    auto p = [&](absl::string_view sub) {
      return Path(prefix, "service_history", i, sub);
    };
    // A spell may name a school that has since been removed: format and
    // county only, no existence check.
    ValidateReference(p("school"), s.school(), county, kSchools, true, v);
    auto start = ValidateDate(p("start_date"), s.start_date(), true, today, v);
    auto end =
        ValidateDate(p("end_date"), s.end_date(), false, std::nullopt, v);
    if (start.has_value() && end.has_value() && *end < *start) {
      v.Add(p("end_date"), "must not be before start_date");
    }
    ValidateEnum(p("locality"), s.locality(), false, rota::v1::Locality_IsValid,
                 v);
  }
  for (int i = 0; i < std::min(t.exemptions_size(), kMaxExemptions); ++i) {
    const auto& e = t.exemptions(i);
    auto p = [&](absl::string_view sub) {
      return Path(prefix, "exemptions", i, sub);
    };
    ValidateEnum(p("kind"), e.kind(), true, rota::v1::ExemptionKind_IsValid, v);
    ValidateText(p("note"), e.note(), kMaxNoteChars, v);
    auto start =
        ValidateDate(p("start_date"), e.start_date(), false, std::nullopt, v);
    auto end =
        ValidateDate(p("end_date"), e.end_date(), false, std::nullopt, v);
    if (start.has_value() && end.has_value() && *end < *start) {
      v.Add(p("end_date"), "must not be before start_date");
    }
  }
  for (int i = 0; i < std::min(t.hardships_size(), kMaxHardships); ++i) {
    const auto& h = t.hardships(i);
    auto p = [&](absl::string_view sub) {
      return Path(prefix, "hardships", i, sub);
    };
    ValidateEnum(p("kind"), h.kind(), true, rota::v1::HardshipKind_IsValid, v);
    ValidateText(p("note"), h.note(), kMaxNoteChars, v);
  }
  for (int i = 0; i < std::min(t.obligations_size(), kMaxObligations); ++i) {
    const auto& o = t.obligations(i);
    auto p = [&](absl::string_view sub) {
      return Path(prefix, "obligations", i, sub);
    };
    ValidateEnum(p("kind"), o.kind(), true, rota::v1::ObligationKind_IsValid,
                 v);
    if (o.required_rural_years() < 0 ||
        o.required_rural_years() > kMaxRequiredRuralYears) {
      v.Add(p("required_rural_years"),
            absl::StrCat("must be between 0 and ", kMaxRequiredRuralYears));
    }
    ValidateDate(p("start_date"), o.start_date(), false, std::nullopt, v);
  }
  return absl::OkStatus();
}

absl::Status ValidateApplicant(const rota::v1::Applicant& a,
                               absl::string_view county,
                               absl::string_view prefix, absl::CivilDay today,
                               const ExistsFn& exists, Violations& v) {
  ValidateDisplayName(std::string(F(prefix, "display_name")), a.display_name(),
                      v);
  ValidateEnum(F(prefix, "gender"), a.gender(), true, rota::v1::Gender_IsValid,
               v);
  auto birth =
      ValidateDate(F(prefix, "birth_date"), a.birth_date(), true, today, v);
  if (birth.has_value() &&
      absl::CivilDay(birth->year() + kMinCareerStartAge, birth->month(),
                     birth->day()) > today) {
    v.Add(F(prefix, "birth_date"),
          absl::StrCat("an applicant must be at least ", kMinCareerStartAge,
                       " years old"));
  }
  if (a.subjects_size() == 0)
    v.Add(F(prefix, "subjects"), "needs at least one subject");
  ValidateCount(F(prefix, "subjects"), a.subjects_size(), kMaxSubjects, v);
  for (int i = 0; i < std::min(a.subjects_size(), kMaxSubjects); ++i) {
    ValidateSubject(Fi(prefix, "subjects", i), a.subjects(i), v);
  }
  ValidateCount(F(prefix, "certificate_stages"), a.certificate_stages_size(),
                kMaxStages, v);
  for (int i = 0; i < std::min(a.certificate_stages_size(), kMaxStages); ++i) {
    ValidateEnum(Fi(prefix, "certificate_stages", i), a.certificate_stages(i),
                 true, rota::v1::Stage_IsValid, v);
  }
  ValidateEnum(F(prefix, "channel"), a.channel(), true,
               rota::v1::RecruitmentChannel_IsValid, v);
  if (a.written_score() < 0 || a.written_score() > kMaxWrittenScore) {
    v.Add(F(prefix, "written_score"),
          absl::StrCat("must be between 0 and ", kMaxWrittenScore,
                       " centipoints (0.00 to 100.00 points; got ",
                       a.written_score(), ")"));
  }
  ValidateCount(F(prefix, "preferences"), a.preferences_size(),
                kMaxApplicantPreferences, v);
  std::set<std::string> seen;
  for (int i = 0; i < std::min(a.preferences_size(), kMaxApplicantPreferences);
       ++i) {
    std::string field = Fi(prefix, "preferences", i);
    auto post = ValidateReference(field, a.preferences(i), county,
                                  kRecruitmentPosts, true, v);
    if (post.has_value() && !seen.insert(*post).second) {
      v.Add(field, absl::StrCat("lists recruitment post \"", *post,
                                "\" more than once"));
      continue;
    }
    ROTA_RETURN_IF_ERROR(
        CheckExists(field, kRecruitmentPosts, post, exists, v));
  }
  return absl::OkStatus();
}

absl::Status ValidateRecruitmentPost(const rota::v1::RecruitmentPost& post,
                                     absl::string_view county,
                                     absl::string_view prefix,
                                     const ExistsFn& exists, Violations& v) {
  Path school_field = F(prefix, "school");
  auto school =
      ValidateReference(school_field, post.school(), county, kSchools, true, v);
  ROTA_RETURN_IF_ERROR(CheckExists(school_field, kSchools, school, exists, v));
  ValidateSubject(F(prefix, "subject"), post.subject(), v);
  ValidateEnum(F(prefix, "stage"), post.stage(), false, rota::v1::Stage_IsValid,
               v);
  if (post.seats() < 1 || post.seats() > kMaxRecruitmentSeats) {
    v.Add(F(prefix, "seats"),
          absl::StrCat("must be between 1 and ", kMaxRecruitmentSeats, " (got ",
                       post.seats(), ")"));
  }
  Path rural_field = F(prefix, "bundled_rural_school");
  auto rural = ValidateReference(rural_field, post.bundled_rural_school(),
                                 county, kSchools, false, v);
  if (rural.has_value() && exists) {
    ROTA_ASSIGN_OR_RETURN(bool is_rural, exists(kRuralSchools, *rural));
    if (!is_rural) {
      v.Add(rural_field,
            absl::StrCat("refers to school \"", *rural,
                         "\", which does not exist or is not rural (a rural "
                         "school or a teaching point)"));
    }
  }
  if (rural.has_value() && school.has_value() && *rural == *school) {
    v.Add(rural_field, "must differ from school");
  }
  if (post.bundled_rural_school().empty() && post.bundled_term_years() != 0) {
    v.Add(F(prefix, "bundled_term_years"),
          "is set only with bundled_rural_school");
  } else if (post.bundled_term_years() < 0 ||
             post.bundled_term_years() > kMaxBundledTermYears) {
    v.Add(F(prefix, "bundled_term_years"),
          absl::StrCat("must be between 0 (the policy default) and ",
                       kMaxBundledTermYears, " (got ",
                       post.bundled_term_years(), ")"));
  }
  return absl::OkStatus();
}

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::internal::WireFormatLite;

// Returns false if the bytes are not a well-formed message.
bool WalkUtf8(const google::protobuf::Descriptor* d, absl::string_view bytes,
              const std::string& prefix, int depth, Violations& v) {
  if (depth > 32) return false;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(static_cast<int>(bytes.size()) + 1);
  std::vector<std::pair<int, int>> counts;  // field number -> occurrences
  auto next_index = [&](int number) {
    for (auto& [n, c] : counts) {
      if (n == number) return c++;
    }
    counts.emplace_back(number, 1);
    return 0;
  };
  while (true) {
    uint32_t tag = in.ReadTag();
    if (tag == 0)
      return in.ConsumedEntireMessage() ||
             in.CurrentPosition() == (int)bytes.size();
    int number = WireFormatLite::GetTagFieldNumber(tag);
    const FieldDescriptor* f = d->FindFieldByNumber(number);
    bool delimited = WireFormatLite::GetTagWireType(tag) ==
                     WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    if (f != nullptr && delimited &&
        (f->type() == FieldDescriptor::TYPE_STRING ||
         f->type() == FieldDescriptor::TYPE_MESSAGE)) {
      uint32_t len;
      std::string value;
      if (!in.ReadVarint32(&len) ||
          !in.ReadString(&value, static_cast<int>(len)))
        return false;
      std::string path = absl::StrCat(prefix, f->name());
      if (f->is_repeated())
        absl::StrAppend(&path, "[", next_index(number), "]");
      if (f->type() == FieldDescriptor::TYPE_STRING) {
        if (!Utf8Length(value).has_value()) v.Add(path, "must be valid UTF-8");
      } else if (!WalkUtf8(f->message_type(), value, path + ".", depth + 1,
                           v)) {
        return false;
      }
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
}

}  // namespace

namespace {

bool IsFreeText(const FieldDescriptor* f) {
  absl::string_view name = f->name();
  return name == "note" || name == "filter" || absl::EndsWith(name, "reason");
}

void WalkControl(const Message& m, const std::string& prefix, int depth,
                 Violations& v) {
  if (depth > 32) return;
  const google::protobuf::Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    // Opaque page tokens are checked by their decoder (INVALID_PAGE_TOKEN).
    if (f->name() == "page_token") continue;
    const bool text = f->type() == FieldDescriptor::TYPE_STRING;
    if (!text && f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const ControlPolicy policy =
        IsFreeText(f) ? ControlPolicy::kAllowLineBreaks : ControlPolicy::kNone;
    const std::string path = absl::StrCat(prefix, f->name());
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      const std::string item =
          f->is_repeated() ? absl::StrCat(path, "[", i, "]") : path;
      if (text) {
        std::string scratch;
        const std::string& value =
            f->is_repeated() ? r->GetRepeatedStringReference(m, f, i, &scratch)
                             : r->GetStringReference(m, f, &scratch);
        ValidateNoControlCharacters(item, value, policy, v);
      } else {
        const Message& child = f->is_repeated() ? r->GetRepeatedMessage(m, f, i)
                                                : r->GetMessage(m, f);
        WalkControl(child, item + ".", depth + 1, v);
      }
    }
  }
}

}  // namespace

void FindControlCharacters(const Message& request, absl::string_view prefix,
                           Violations& v) {
  WalkControl(request, std::string(prefix), 0, v);
}

void FindInvalidUtf8(const google::protobuf::Descriptor* descriptor,
                     absl::string_view bytes, absl::string_view prefix,
                     Violations& v) {
  size_t before = v.size();
  bool well_formed = WalkUtf8(descriptor, bytes, std::string(prefix), 0, v);
  if (!well_formed && v.size() == before) {
    v.Add(prefix.empty() ? "request"
                         : std::string(prefix.substr(0, prefix.size() - 1)),
          "is not a well-formed protobuf message");
  }
}

namespace {

// The length-delimited top-level fields of a message: field number -> the
// last value (a later occurrence of a singular field wins, as in parsing).
// Empty if the bytes are not a well-formed message.
std::vector<std::pair<int, std::string>> DelimitedFields(
    absl::string_view bytes) {
  std::vector<std::pair<int, std::string>> out;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(static_cast<int>(bytes.size()) + 1);
  while (true) {
    uint32_t tag = in.ReadTag();
    if (tag == 0) return out;
    if (WireFormatLite::GetTagWireType(tag) !=
        WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&in, tag)) return {};
      continue;
    }
    uint32_t len;
    std::string value;
    if (!in.ReadVarint32(&len) || !in.ReadString(&value, static_cast<int>(len)))
      return {};
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const auto& f) { return f.first == number; });
    if (it == out.end()) {
      out.emplace_back(number, std::move(value));
    } else {
      it->second = std::move(value);
    }
  }
}

const std::string* FieldValue(
    const std::vector<std::pair<int, std::string>>& fields,
    const FieldDescriptor* f) {
  if (f == nullptr || f->is_repeated()) return nullptr;
  for (const auto& [number, value] : fields) {
    if (number == f->number()) return &value;
  }
  return nullptr;
}

// "counties/{county}" or "counties/{county}/..." -> county.
std::optional<std::string> CountyPrefix(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "counties/")) return std::nullopt;
  name = name.substr(0, name.find('/'));
  if (!IsValidId(name)) return std::nullopt;
  return std::string(name);
}

}  // namespace

std::optional<std::string> CountyOfRequest(
    const google::protobuf::Descriptor* descriptor, absl::string_view bytes) {
  const std::vector<std::pair<int, std::string>> fields =
      DelimitedFields(bytes);
  auto string_field = [&](absl::string_view name) -> const std::string* {
    const FieldDescriptor* f = descriptor->FindFieldByName(std::string(name));
    if (f == nullptr || f->type() != FieldDescriptor::TYPE_STRING)
      return nullptr;
    return FieldValue(fields, f);
  };
  for (absl::string_view name :
       {"name", "parent", "county", "round", "teacher"}) {
    const std::string* value = string_field(name);
    if (value == nullptr) continue;
    if (std::optional<std::string> county = CountyPrefix(*value)) return county;
  }
  if (const std::string* id = string_field("county_id");
      id != nullptr && IsValidId(*id)) {
    return *id;
  }
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* f = descriptor->field(i);
    if (f->type() != FieldDescriptor::TYPE_MESSAGE) continue;
    const std::string* bytes_of_message = FieldValue(fields, f);
    if (bytes_of_message == nullptr) continue;
    const FieldDescriptor* name = f->message_type()->FindFieldByName("name");
    if (name == nullptr || name->type() != FieldDescriptor::TYPE_STRING)
      continue;
    const std::vector<std::pair<int, std::string>> inner =
        DelimitedFields(*bytes_of_message);
    const std::string* value = FieldValue(inner, name);
    if (value == nullptr) continue;
    if (std::optional<std::string> county = CountyPrefix(*value)) return county;
  }
  return std::nullopt;
}

}  // namespace rota::service
