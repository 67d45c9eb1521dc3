#include "engine/rules/county.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "engine/rules/internal/strings.h"

namespace rota::engine::rules {

namespace {

// cos(x) for |x| <= pi/2 by its Taylor series to x^20 (error < 1e-15):
// only +, -, *, / so that every IEEE machine computes the same bits.
double FixedCos(double x) {
  const double x2 = x * x;
  double term = 1.0;
  double sum = 1.0;
  for (int k = 1; k <= 10; ++k) {
    term *= -x2 / static_cast<double>((2 * k - 1) * (2 * k));
    sum += term;
  }
  return sum;
}

}  // namespace

int64_t SchoolDistanceMetres(const School& a, const School& b) {
  if (!a.has_location || !b.has_location) return 0;
  constexpr double kEarthRadiusMetres = 6371008.8;
  constexpr double kRadPerDeg = 3.14159265358979323846 / 180.0;
  const double lat_a = std::clamp(a.latitude, -90.0, 90.0) * kRadPerDeg;
  const double lat_b = std::clamp(b.latitude, -90.0, 90.0) * kRadPerDeg;
  double dlon = b.longitude - a.longitude;
  while (dlon > 180.0) dlon -= 360.0;
  while (dlon < -180.0) dlon += 360.0;
  const double x = dlon * kRadPerDeg * FixedCos((lat_a + lat_b) / 2);
  const double y = lat_b - lat_a;
  // sqrt is correctly rounded by IEEE 754.
  const double d = std::sqrt(x * x + y * y) * kEarthRadiusMetres;
  if (!(d < 4.0e7)) return 40'000'000;  // also catches NaN
  return static_cast<int64_t>(d + 0.5);
}

int32_t DaysFromCivil(int32_t y, int32_t m, int32_t d) {
  y -= m <= 2 ? 1 : 0;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const int32_t yoe = y - era * 400;
  const int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int32_t z) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;
  const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int32_t mp = (5 * doy + 2) / 153;
  CivilDate c;
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
  return c;
}

namespace {
bool IsLeap(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int32_t DaysInMonth(int32_t y, int32_t m) {
  static constexpr int32_t kDays[] = {31, 28, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
}  // namespace

namespace {

// The day number of year-month-day, or nullopt when it is no calendar day
// (or before 1800).
std::optional<int32_t> CheckedDays(int32_t year, int32_t month, int32_t day) {
  if (year < 1800 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return std::nullopt;
  }
  return DaysFromCivil(year, month, day);
}

// Reads 1 to `max_digits` decimal digits at text[*pos].
std::optional<int32_t> ReadNumber(std::string_view text, size_t* pos,
                                  size_t max_digits) {
  size_t start = *pos;
  int32_t v = 0;
  while (*pos < text.size() && *pos - start < max_digits && text[*pos] >= '0' &&
         text[*pos] <= '9') {
    v = v * 10 + (text[*pos] - '0');
    ++*pos;
  }
  if (*pos == start) return std::nullopt;
  return v;
}

bool Consume(std::string_view text, size_t* pos, std::string_view what) {
  if (text.substr(*pos, what.size()) != what) return false;
  *pos += what.size();
  return true;
}

}  // namespace

absl::StatusOr<int32_t> ParseDate(std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("bad date \"", internal::Sv(text), "\": want YYYY-MM-DD"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int32_t parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lens[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < lens[p]; ++i) {
      char c = text[starts[p] + i];
      if (c < '0' || c > '9') return bad();
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  std::optional<int32_t> days = CheckedDays(parts[0], parts[1], parts[2]);
  if (!days.has_value()) return bad();
  return *days;
}

absl::StatusOr<int32_t> ParseDateLenient(std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("bad date \"", internal::Sv(text),
                     "\": want YYYY-MM-DD, YYYY/M/D or YYYY年M月D日"));
  };
  size_t pos = 0;
  std::optional<int32_t> year = ReadNumber(text, &pos, 4);
  if (!year.has_value() || pos != 4) return bad();
  // The separators: "-", "/" or "." both times, or 年 and 月 (then 日).
  std::string_view sep;
  for (std::string_view s : {"-", "/", ".", "年"}) {
    if (Consume(text, &pos, s)) {
      sep = s;
      break;
    }
  }
  if (sep.empty()) return bad();
  std::optional<int32_t> month = ReadNumber(text, &pos, 2);
  if (!month.has_value() ||
      !Consume(text, &pos, sep == "年" ? std::string_view("月") : sep)) {
    return bad();
  }
  std::optional<int32_t> day = ReadNumber(text, &pos, 2);
  if (!day.has_value()) return bad();
  if (sep == "年") Consume(text, &pos, "日");
  if (pos != text.size()) return bad();
  std::optional<int32_t> days = CheckedDays(*year, *month, *day);
  if (!days.has_value()) return bad();
  return *days;
}

std::string FormatDate(int32_t days) {
  CivilDate c = CivilFromDays(days);
  return absl::StrFormat("%04d-%02d-%02d", c.year, c.month, c.day);
}

int32_t AddYears(int32_t days, int32_t years) {
  CivilDate c = CivilFromDays(days);
  int32_t y = c.year + years;
  int32_t d = std::min(c.day, DaysInMonth(y, c.month));
  return DaysFromCivil(y, c.month, d);
}

int32_t AddMonths(int32_t days, int32_t months) {
  CivilDate c = CivilFromDays(days);
  int32_t index = c.year * 12 + (c.month - 1) + months;
  int32_t y = index >= 0 ? index / 12 : -((-index + 11) / 12);
  int32_t m = index - y * 12 + 1;
  return DaysFromCivil(y, m, std::min(c.day, DaysInMonth(y, m)));
}

int32_t FullYearsBetween(int32_t from, int32_t to) {
  if (to < from) return 0;
  CivilDate a = CivilFromDays(from);
  CivilDate b = CivilFromDays(to);
  int32_t years = b.year - a.year;
  if (AddYears(from, years) > to) --years;
  return std::max(years, 0);
}

std::string_view StageName(Stage s) {
  switch (s) {
    case Stage::kUnspecified:
      return "unspecified";
    case Stage::kKindergarten:
      return "kindergarten";
    case Stage::kPrimary:
      return "primary";
    case Stage::kJunior:
      return "junior";
    case Stage::kSenior:
      return "senior";
    case Stage::kVocational:
      return "vocational";
  }
  return "unknown";
}

std::string_view LocalityName(Locality l) {
  switch (l) {
    case Locality::kUnspecified:
      return "unspecified";
    case Locality::kUrban:
      return "urban";
    case Locality::kTown:
      return "town";
    case Locality::kRural:
      return "rural";
    case Locality::kTeachingPoint:
      return "teaching point";
  }
  return "unknown";
}

std::string_view TitleName(Title t) {
  switch (t) {
    case Title::kUnspecified:
      return "unspecified";
    case Title::kNone:
      return "none";
    case Title::kJunior:
      return "junior";
    case Title::kIntermediate:
      return "intermediate";
    case Title::kSenior:
      return "senior";
  }
  return "unknown";
}

std::string_view GradeName(EvaluationGrade g) {
  switch (g) {
    case EvaluationGrade::kUnspecified:
      return "unspecified";
    case EvaluationGrade::kExcellent:
      return "excellent";
    case EvaluationGrade::kCompetent:
      return "competent";
    case EvaluationGrade::kBasicCompetent:
      return "basic competent";
    case EvaluationGrade::kIncompetent:
      return "incompetent";
  }
  return "unknown";
}

std::string_view ChannelName(Channel c) {
  switch (c) {
    case Channel::kUnspecified:
      return "unspecified";
    case Channel::kOpen:
      return "open";
    case Channel::kSpecialPost:
      return "special post";
    case Channel::kPublicFunded:
      return "public-funded graduate";
    case Channel::kTalent:
      return "talent";
  }
  return "unknown";
}

namespace {

absl::Status Bad(std::string field, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", internal::Sv(what)));
}

std::string Item(std::string_view list, std::string_view id) {
  return absl::StrCat(internal::Sv(list), "[\"", internal::Sv(id), "\"]");
}

template <typename E>
bool EnumIn(E v, int lo, int hi) {
  int i = static_cast<int>(v);
  return i >= lo && i <= hi;
}

// Sorted copies of pointers, so the first error reported does not depend on
// input order.
template <typename T>
std::vector<const T*> ById(const std::vector<T>& items) {
  std::vector<const T*> out;
  out.reserve(items.size());
  for (const T& x : items) out.push_back(&x);
  std::stable_sort(out.begin(), out.end(),
                   [](const T* a, const T* b) { return a->id < b->id; });
  return out;
}

template <typename T>
std::vector<const T*> ByTeacher(const std::vector<T>& items) {
  std::vector<const T*> out;
  out.reserve(items.size());
  for (const T& x : items) out.push_back(&x);
  std::stable_sort(out.begin(), out.end(), [](const T* a, const T* b) {
    return a->teacher < b->teacher;
  });
  return out;
}

absl::Status ValidateItinerantInputs(
    const CountyInputs& in,
    const std::map<std::string_view, const School*>& schools) {
  std::vector<const PeriodRequirement*> reqs;
  for (const PeriodRequirement& r : in.period_requirements) reqs.push_back(&r);
  std::stable_sort(reqs.begin(), reqs.end(),
                   [](const PeriodRequirement* a, const PeriodRequirement* b) {
                     return std::tie(a->school, a->subject, a->stage) <
                            std::tie(b->school, b->subject, b->stage);
                   });
  for (size_t i = 0; i < reqs.size(); ++i) {
    const PeriodRequirement& r = *reqs[i];
    std::string f =
        absl::StrCat("period_requirements[\"", r.school, "/", r.subject, "/",
                     internal::Sv(StageName(r.stage)), "\"]");
    if (!schools.count(r.school)) {
      return Bad(f + ".school",
                 absl::StrCat("unknown school \"", r.school, "\""));
    }
    if (r.subject.empty()) return Bad(f + ".subject", "required");
    if (!EnumIn(r.stage, 1, 5)) return Bad(f + ".stage", "required");
    if (r.periods < 0 || r.periods > kMaxWeeklyPeriods) {
      return Bad(f + ".periods",
                 absl::StrCat("must be in [0, ", kMaxWeeklyPeriods, "]"));
    }
    if (i > 0 && reqs[i - 1]->school == r.school &&
        reqs[i - 1]->subject == r.subject && reqs[i - 1]->stage == r.stage) {
      return Bad(f, "duplicate school x subject x stage");
    }
  }
  std::vector<const RoadDistance*> roads;
  for (const RoadDistance& r : in.road_distances) roads.push_back(&r);
  auto key = [](const RoadDistance* r) {
    return r->school_a < r->school_b
               ? std::pair<std::string_view, std::string_view>(r->school_a,
                                                               r->school_b)
               : std::pair<std::string_view, std::string_view>(r->school_b,
                                                               r->school_a);
  };
  std::stable_sort(roads.begin(), roads.end(),
                   [&](const RoadDistance* a, const RoadDistance* b) {
                     return key(a) < key(b);
                   });
  for (size_t i = 0; i < roads.size(); ++i) {
    const RoadDistance& r = *roads[i];
    std::string f =
        absl::StrCat("road_distances[\"", r.school_a, "/", r.school_b, "\"]");
    for (const std::string* s : {&r.school_a, &r.school_b}) {
      if (!schools.count(*s)) {
        return Bad(f, absl::StrCat("unknown school \"", *s, "\""));
      }
    }
    if (r.school_a == r.school_b) return Bad(f, "the two schools must differ");
    if (r.metres < 0 || r.metres > kMaxRoadMetres) {
      return Bad(f + ".metres",
                 absl::StrCat("must be in [0, ", kMaxRoadMetres, "]"));
    }
    if (r.minutes < 0 || r.minutes > kMaxRoadMinutes) {
      return Bad(f + ".minutes",
                 absl::StrCat("must be in [0, ", kMaxRoadMinutes, "]"));
    }
    if (i > 0 && key(roads[i - 1]) == key(&r)) {
      return Bad(f, "duplicate pair of schools");
    }
  }
  return absl::OkStatus();
}

// The recruitment records (kRecruitment): applicants and recruitment posts.
absl::Status ValidateRecruitment(
    const CountyInputs& in,
    const std::map<std::string_view, const School*>& schools) {
  std::set<std::string_view> posts;
  for (const RecruitmentPost* p : ById(in.recruitment_posts)) {
    if (p->id.empty()) {
      return Bad("recruitment_posts[].id", "must not be empty");
    }
    std::string f = Item("recruitment_posts", p->id);
    if (!posts.insert(p->id).second) return Bad(f, "duplicate id");
    if (!schools.count(p->school)) {
      return Bad(f + ".school",
                 absl::StrCat("unknown school \"", p->school, "\""));
    }
    if (p->subject.empty()) return Bad(f + ".subject", "required");
    if (!EnumIn(p->stage, 0, 5)) return Bad(f + ".stage", "unknown stage");
    if (p->seats < 0 || p->seats > kMaxPostCount) {
      return Bad(f + ".seats",
                 absl::StrCat("must be in [0, ", kMaxPostCount, "]"));
    }
    if (!p->bundled_rural_school.empty()) {
      auto it = schools.find(p->bundled_rural_school);
      if (it == schools.end()) {
        return Bad(
            f + ".bundled_rural_school",
            absl::StrCat("unknown school \"", p->bundled_rural_school, "\""));
      }
      if (p->bundled_rural_school == p->school) {
        return Bad(f + ".bundled_rural_school",
                   "must differ from the post's school");
      }
      if (it->second->locality != Locality::kRural &&
          it->second->locality != Locality::kTeachingPoint) {
        return Bad(f + ".bundled_rural_school",
                   "must be a rural school or a teaching point");
      }
    }
    if (p->bundled_term_years < 0 || p->bundled_term_years > 20) {
      return Bad(f + ".bundled_term_years", "must be in [0, 20]");
    }
    if (p->bundled_term_years > 0 && p->bundled_rural_school.empty()) {
      return Bad(f + ".bundled_term_years",
                 "set without a bundled_rural_school");
    }
  }
  std::set<std::string_view> applicants;
  for (const Applicant* a : ById(in.applicants)) {
    if (a->id.empty()) return Bad("applicants[].id", "must not be empty");
    std::string f = Item("applicants", a->id);
    if (!applicants.insert(a->id).second) return Bad(f, "duplicate id");
    if (!EnumIn(a->gender, 1, 2)) return Bad(f + ".gender", "required");
    if (a->subjects.empty() || a->subjects[0].empty()) {
      return Bad(f + ".subjects", "at least one subject");
    }
    for (Stage st : a->certificate_stages) {
      if (!EnumIn(st, 1, 5)) {
        return Bad(f + ".certificate_stages", "unknown stage");
      }
    }
    if (!EnumIn(a->channel, 1, 4)) return Bad(f + ".channel", "required");
    if (a->written_score < 0 || a->written_score > 10000) {
      return Bad(f + ".written_score",
                 "must be in [0, 10000] centipoints (0.00..100.00)");
    }
    std::set<std::string_view> seen;
    for (size_t i = 0; i < a->preferences.size(); ++i) {
      const std::string& p = a->preferences[i];
      // The field's name only when it is wrong.
      auto pf = [&] { return absl::StrCat(f, ".preferences[", i, "]"); };
      if (!posts.count(p)) {
        return Bad(pf(), absl::StrCat("unknown recruitment post \"", p, "\""));
      }
      if (!seen.insert(p).second) {
        return Bad(pf(), absl::StrCat("\"", p, "\" listed twice"));
      }
    }
  }
  std::set<std::string_view> pinned;
  auto check_pin = [&](std::string_view list, const std::string& who,
                       const std::string& to) -> absl::Status {
    std::string f = Item(list, who);
    if (!applicants.count(who)) {
      return Bad(f + ".teacher",
                 absl::StrCat("unknown applicant \"", who, "\""));
    }
    if (!pinned.insert(who).second) {
      return Bad(f, "applicant has more than one lock or override");
    }
    if (!to.empty() && !posts.count(to)) {
      return Bad(f + ".to",
                 absl::StrCat("unknown recruitment post \"", to, "\""));
    }
    return absl::OkStatus();
  };
  for (const Lock* l : ByTeacher(in.locks)) {
    if (absl::Status s = check_pin("locks", l->teacher, l->to); !s.ok()) {
      return s;
    }
  }
  for (const Override* o : ByTeacher(in.overrides)) {
    if (absl::Status s = check_pin("overrides", o->teacher, o->to); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateCountyInputs(const CountyInputs& in, RoundKind kind) {
  if (!EnumIn(kind, 1, 4)) {
    return Bad("kind", absl::StrCat("unknown value ", static_cast<int>(kind)));
  }
  std::map<std::string_view, const School*> schools;
  for (const School* s : ById(in.schools)) {
    if (s->id.empty()) return Bad("schools[].id", "must not be empty");
    if (!schools.emplace(s->id, s).second) {
      return Bad(Item("schools", s->id), "duplicate id");
    }
    if (s->stages.empty()) {
      return Bad(Item("schools", s->id) + ".stages", "at least one stage");
    }
    for (Stage st : s->stages) {
      if (!EnumIn(st, 1, 5)) {
        return Bad(Item("schools", s->id) + ".stages", "unknown stage");
      }
    }
    if (!EnumIn(s->locality, 1, 4)) {
      return Bad(Item("schools", s->id) + ".locality", "required");
    }
    if (s->headcount < 0 || s->headcount > kMaxSchoolHeadcount) {
      return Bad(Item("schools", s->id) + ".headcount",
                 absl::StrCat("must be in [0, ", kMaxSchoolHeadcount, "]"));
    }
    if (s->has_location && (!(s->latitude >= -90 && s->latitude <= 90) ||
                            !(s->longitude >= -180 && s->longitude <= 180))) {
      return Bad(Item("schools", s->id) + ".location", "out of range");
    }
  }
  std::map<std::string_view, const Post*> posts;
  for (const Post* p : ById(in.posts)) {
    if (p->id.empty()) return Bad("posts[].id", "must not be empty");
    if (!posts.emplace(p->id, p).second) {
      return Bad(Item("posts", p->id), "duplicate id");
    }
    if (!schools.count(p->school)) {
      return Bad(Item("posts", p->id) + ".school",
                 absl::StrCat("unknown school \"", p->school, "\""));
    }
    if (p->subject.empty()) {
      return Bad(Item("posts", p->id) + ".subject", "required");
    }
    if (!EnumIn(p->title_band, 2, 4)) {
      return Bad(Item("posts", p->id) + ".title_band",
                 "must be junior, intermediate or senior");
    }
    if (p->count < 0 || p->count > kMaxPostCount) {
      return Bad(Item("posts", p->id) + ".count",
                 absl::StrCat("must be in [0, ", kMaxPostCount, "]"));
    }
    if (!EnumIn(p->stage, 0, 5)) {
      return Bad(Item("posts", p->id) + ".stage", "unknown stage");
    }
  }
  std::map<std::string_view, const Teacher*> teachers;
  for (const Teacher* t : ById(in.teachers)) {
    if (t->id.empty()) return Bad("teachers[].id", "must not be empty");
    std::string f = Item("teachers", t->id);
    if (!teachers.emplace(t->id, t).second) return Bad(f, "duplicate id");
    if (!EnumIn(t->gender, 1, 2)) return Bad(f + ".gender", "required");
    if (!schools.count(t->school)) {
      return Bad(f + ".school",
                 absl::StrCat("unknown school \"", t->school, "\""));
    }
    if (t->subjects.empty() || t->subjects[0].empty()) {
      return Bad(f + ".subjects", "at least one subject");
    }
    for (Stage st : t->certificate_stages) {
      if (!EnumIn(st, 1, 5))
        return Bad(f + ".certificate_stages", "unknown stage");
    }
    if (!EnumIn(t->title, 0, 4)) return Bad(f + ".title", "unknown value");
    if (!EnumIn(t->role, 0, 3)) return Bad(f + ".role", "unknown value");
    if (!EnumIn(t->backbone, 0, 4))
      return Bad(f + ".backbone_level", "unknown value");
    if (t->birth_day >= t->career_start_day) {
      return Bad(f + ".birth_date", "must be before career_start_date");
    }
    if (t->career_start_day > t->school_join_day) {
      return Bad(f + ".school_join_date",
                 "must not be before career_start_date");
    }
    if (t->role_start_day.has_value() &&
        *t->role_start_day < t->career_start_day) {
      return Bad(f + ".role_start_date",
                 "must not be before career_start_date");
    }
    if (!t->post.empty()) {
      auto it = posts.find(t->post);
      if (it == posts.end()) {
        return Bad(f + ".post", absl::StrCat("unknown post \"", t->post, "\""));
      }
      if (it->second->school != t->school) {
        return Bad(f + ".post",
                   absl::StrCat("post \"", t->post,
                                "\" is not at her school \"", t->school, "\""));
      }
    }
    if (t->home_school.empty() != !t->term_end_day.has_value()) {
      return Bad(
          f + (t->home_school.empty() ? ".home_school" : ".term_end_date"),
          "home_school and term_end_date are set together");
    }
    if (!t->home_school.empty()) {
      if (!schools.count(t->home_school)) {
        return Bad(f + ".home_school",
                   absl::StrCat("unknown school \"", t->home_school, "\""));
      }
      if (t->home_school == t->school) {
        return Bad(f + ".home_school", "must differ from her school");
      }
    }
    for (size_t i = 0; i < t->evaluations.size(); ++i) {
      if (!EnumIn(t->evaluations[i].grade, 1, 4)) {
        return Bad(absl::StrCat(f, ".evaluations[", i, "].grade"), "required");
      }
    }
    for (size_t i = 0; i < t->service_history.size(); ++i) {
      const ServiceSpell& s = t->service_history[i];
      if (s.end_day.has_value() && *s.end_day < s.start_day) {
        return Bad(absl::StrCat(f, ".service_history[", i, "].end_date"),
                   "before start_date");
      }
      if (!EnumIn(s.locality, 0, 4)) {
        return Bad(absl::StrCat(f, ".service_history[", i, "].locality"),
                   "unknown value");
      }
    }
    for (size_t i = 0; i < t->exemptions.size(); ++i) {
      const Exemption& e = t->exemptions[i];
      if (!EnumIn(e.kind, 1, 4)) {
        return Bad(absl::StrCat(f, ".exemptions[", i, "].kind"), "required");
      }
      if (e.end_day.has_value() && *e.end_day < e.start_day) {
        return Bad(absl::StrCat(f, ".exemptions[", i, "].end_date"),
                   "before start_date");
      }
    }
    for (size_t i = 0; i < t->hardships.size(); ++i) {
      if (!EnumIn(t->hardships[i].kind, 1, 4)) {
        return Bad(absl::StrCat(f, ".hardships[", i, "].kind"), "required");
      }
    }
    if (t->weekly_load < 0 || t->weekly_load > kMaxWeeklyPeriods) {
      return Bad(f + ".weekly_load",
                 absl::StrCat("must be in [0, ", kMaxWeeklyPeriods, "]"));
    }
    if ((t->free_half_days & ~kAllHalfDays) != 0) {
      return Bad(f + ".free_half_days",
                 "only bits 0..9 (Monday morning .. Friday afternoon)");
    }
  }
  ROTA_RETURN_IF_ERROR(ValidateItinerantInputs(in, schools));
  std::set<std::string_view> applied;
  for (const Application* a : ByTeacher(in.applications)) {
    std::string f = Item("applications", a->teacher);
    if (!teachers.count(a->teacher)) {
      return Bad(f + ".teacher",
                 absl::StrCat("unknown teacher \"", a->teacher, "\""));
    }
    if (!applied.insert(a->teacher).second) {
      return Bad(f, "more than one application for this teacher");
    }
    std::set<std::string_view> seen;
    for (size_t i = 0; i < a->preferences.size(); ++i) {
      const std::string& p = a->preferences[i];
      std::string pf = absl::StrCat(f, ".preferences[", i, "]");
      bool known = kind != RoundKind::kCompetitiveHiring ? schools.count(p) > 0
                                                         : posts.count(p) > 0;
      if (!known) {
        return Bad(
            pf, absl::StrCat(
                    "unknown ",
                    kind != RoundKind::kCompetitiveHiring ? "school" : "post",
                    " \"", p, "\""));
      }
      if (!seen.insert(p).second) {
        return Bad(pf, absl::StrCat("\"", p, "\" listed twice"));
      }
    }
  }
  if (kind == RoundKind::kRecruitment) return ValidateRecruitment(in, schools);
  std::set<std::string_view> pinned;
  auto check_pin = [&](std::string_view list, const std::string& teacher,
                       const std::string& to) -> absl::Status {
    std::string f = Item(list, teacher);
    if (!teachers.count(teacher)) {
      return Bad(f + ".teacher",
                 absl::StrCat("unknown teacher \"", teacher, "\""));
    }
    if (!pinned.insert(teacher).second) {
      return Bad(f, "teacher has more than one lock or override");
    }
    if (!to.empty()) {
      bool known = kind != RoundKind::kCompetitiveHiring ? schools.count(to) > 0
                                                         : posts.count(to) > 0;
      if (!known) {
        return Bad(f + ".to",
                   absl::StrCat("unknown ",
                                kind != RoundKind::kCompetitiveHiring ? "school"
                                                                      : "post",
                                " \"", to, "\""));
      }
    }
    return absl::OkStatus();
  };
  for (const Lock* l : ByTeacher(in.locks)) {
    if (absl::Status s = check_pin("locks", l->teacher, l->to); !s.ok())
      return s;
  }
  for (const Override* o : ByTeacher(in.overrides)) {
    if (absl::Status s = check_pin("overrides", o->teacher, o->to); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace rota::engine::rules
