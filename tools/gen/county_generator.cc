// rota-gen's county generator (county_generator.h): GenerateCounty and the
// generation of the county itself (layout of the schools, staff sizes, each
// teacher with service history, principals and vice principals, posts).
// The CSV rows are written in county_generator_write.cc; tables, records and
// the Generator class are in internal/county_generator_internal.h.
#include "tools/gen/county_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "tools/gen/applicant_generator.h"
#include "tools/gen/civil_date.h"
#include "tools/gen/internal/county_generator_internal.h"
#include "tools/gen/itinerant_generator.h"
#include "tools/gen/random.h"

namespace rota::tools {
namespace gen_internal {

absl::StatusOr<CountyGenStats> Generator::Run(const std::string& dir) {
  Layout();
  AllocateStaff();
  IndexPools();
  OutFile posts, teachers, applications;
  ROTA_RETURN_IF_ERROR(posts.Open(dir + "/posts.csv"));
  ROTA_RETURN_IF_ERROR(teachers.Open(dir + "/teachers.csv"));
  if (o_.applications)
    ROTA_RETURN_IF_ERROR(applications.Open(dir + "/applications.csv"));
  posts.buf()->append("id,school,subject,title_band,count,stage\n");
  absl::StrAppend(
      teachers.buf(),
      "id,display_name,gender,birth_date,career_start_date,school,school_"
      "join_date,post,"
      "subjects,certificate_stages,title,role,role_start_date,"
      "backbone_level,employment,"
      "evaluations,"
      "service_history,exemptions,hardships,obligations",
      kItinerantTeacherHeader, "\n");
  if (o_.applications)
    applications.buf()->append("teacher,preferences,voluntary\n");

  int64_t next_teacher = 1;
  std::vector<TeacherRec> staff;
  for (size_t s = 0; s < schools_.size(); ++s) {
    Random rng(Random::Mix(o_.seed, s + 1));
    staff.clear();
    staff.resize(schools_[s].staff);
    for (TeacherRec& t : staff) {
      t.id = PaddedId('t', next_teacher++, teacher_width_);
      MakeTeacher(rng, static_cast<int>(s), &t);
    }
    AssignRoles(rng, static_cast<int>(s), &staff);
    MakePosts(rng, static_cast<int>(s), &staff, posts.buf());
    for (const TeacherRec& t : staff) {
      WriteTeacher(static_cast<int>(s), t, teachers.buf());
      if (o_.applications)
        WriteApplication(rng, static_cast<int>(s), t, applications.buf());
    }
    stats_.teachers += static_cast<int64_t>(staff.size());
    posts.MaybeFlush();
    teachers.MaybeFlush();
    applications.MaybeFlush();
  }
  ROTA_RETURN_IF_ERROR(posts.Close(&stats_.bytes));
  ROTA_RETURN_IF_ERROR(teachers.Close(&stats_.bytes));
  if (o_.applications) {
    ROTA_RETURN_IF_ERROR(applications.Close(&stats_.bytes));
    ROTA_RETURN_IF_ERROR(WriteHiringApplications(dir));
  }

  OutFile schools;
  ROTA_RETURN_IF_ERROR(schools.Open(dir + "/schools.csv"));
  WriteSchools(schools.buf());
  ROTA_RETURN_IF_ERROR(schools.Close(&stats_.bytes));
  ROTA_RETURN_IF_ERROR(WriteItinerant(dir));

  OutFile county;
  ROTA_RETURN_IF_ERROR(county.Open(dir + "/county.txt"));
  absl::StrAppend(county.buf(), "id=", o_.county,
                  "\ndisplay_name=", county_name_, "\nseed=", o_.seed,
                  "\nas_of=", o_.as_of, "\nschools=", schools_.size(),
                  "\nteachers=", stats_.teachers,
                  "\nlatitude=", absl::StrFormat("%.6f", seat_lat_),
                  "\nlongitude=", absl::StrFormat("%.6f", seat_lon_), "\n");
  ROTA_RETURN_IF_ERROR(county.Close(&stats_.bytes));
  stats_.schools = static_cast<int64_t>(schools_.size());
  return stats_;
}

// ---- Layout: kinds, townships, coordinates, names. ----
void Generator::Layout() {
  Random rng(Random::Mix(o_.seed, 0));
  const int S = o_.schools;
  county_name_ = PlaceName(rng) + "县";
  seat_lat_ = rng.Range(23.5, 35.5);
  seat_lon_ = rng.Range(103.0, 119.0);
  constexpr double kPi = 3.14159265358979323846;
  km_per_deg_lon_ = 111.32 * Cos(seat_lat_ * kPi / 180.0);

  int n_urban = std::max<int>(1, static_cast<int>(RoundToInt(S * 0.22)));
  int n_town = static_cast<int>(RoundToInt(S * 0.30));
  int n_tp = static_cast<int>(RoundToInt(S * 0.15));
  if (n_urban > S) n_urban = S;
  while (n_urban + n_town + n_tp > S) {
    if (n_tp > 0) {
      --n_tp;
    } else {
      --n_town;
    }
  }
  const int n_rural = S - n_urban - n_town - n_tp;
  const int n_townships =
      std::max(1, static_cast<int>(RoundToInt(n_town / 2.2)));
  zone_width_ = std::max(2, Digits(n_townships));
  const int school_width = std::max(4, Digits(S));
  teacher_width_ = std::max(6, Digits(o_.teachers));

  // Urban: the county's No.1 senior high, No.1 junior and experimental
  // primary first, then a mix.
  const double urban_radius = 4.0 * std::sqrt(std::max(1.0, n_urban / 11.0));
  int urban_counts[kNumKinds] = {};
  bool has_vocational = false;
  for (int i = 0; i < n_urban; ++i) {
    SchoolKind kind;
    if (i < 3) {
      constexpr SchoolKind kFirst[] = {kUrbanSenior, kUrbanJunior,
                                       kUrbanPrimary};
      kind = kFirst[i];
    } else {
      const double w[] = {0.10, 0.20, 0.40,
                          0.10, 0.14, has_vocational ? 0.01 : 0.06};
      kind = static_cast<SchoolKind>(rng.Weighted(w));
    }
    has_vocational |= kind == kVocationalSchool;
    const int n = ++urban_counts[kind];
    School school = NewSchool(kind);
    school.zone = 0;
    Disc(rng, 0, urban_radius, &school.x_km, &school.y_km);
    school.name = UrbanName(kind, n);
    school.weak = rng.Bernoulli(0.06);
    schools_.push_back(std::move(school));
  }

  // Townships: a centre in an annulus around the seat; town schools at the
  // centre, villages and teaching points around it.
  const double outer = 35.0 * std::sqrt(std::max(1.0, n_townships / 11.0));
  std::vector<std::vector<School>> by_township(n_townships);
  std::vector<std::string> township_names(n_townships);
  std::vector<std::pair<double, double>> centres(n_townships);
  for (int z = 0; z < n_townships; ++z) {
    township_names[z] = PlaceName(rng) + (rng.Bernoulli(0.7) ? "镇" : "乡");
    Disc(rng, 8.0, outer, &centres[z].first, &centres[z].second);
  }
  constexpr SchoolKind kTownSlots[] = {kTownPrimary, kTownJunior,
                                       kTownKindergarten, kTownNineYear};
  for (int j = 0; j < n_town; ++j) {
    const int z = j % n_townships;
    const int slot = j / n_townships;
    const SchoolKind kind = kTownSlots[slot % 4];
    const int nth = slot / 4 + 1;
    School school = NewSchool(kind);
    school.zone = z + 1;
    Disc(rng, 0, 1.5, &school.x_km, &school.y_km);
    school.x_km += centres[z].first;
    school.y_km += centres[z].second;
    const char* suffix = kind == kTownPrimary        ? "中心小学"
                         : kind == kTownJunior       ? "初级中学"
                         : kind == kTownKindergarten ? "中心幼儿园"
                                                     : "九年一贯制学校";
    school.name = absl::StrCat(
        township_names[z], nth > 1 ? "第" + ChineseOrdinal(nth) : "", suffix);
    school.weak = rng.Bernoulli(0.15);
    by_township[z].push_back(std::move(school));
  }
  for (int j = 0; j < n_rural + n_tp; ++j) {
    const bool tp = j >= n_rural;
    const int z = static_cast<int>(rng.Uniform(n_townships));
    const SchoolKind kind =
        tp ? kTeachingPointSchool
           : (rng.Bernoulli(0.12) ? kRuralNineYear : kRuralPrimary);
    School school = NewSchool(kind);
    school.zone = z + 1;
    if (tp) {
      Disc(rng, 4.0, 14.0, &school.x_km, &school.y_km);
    } else {
      Disc(rng, 2.0, 9.0, &school.x_km, &school.y_km);
    }
    school.x_km += centres[z].first;
    school.y_km += centres[z].second;
    const std::string village = PlaceName(rng) + "村";
    school.name = absl::StrCat(township_names[z], village,
                               tp                       ? "教学点"
                               : kind == kRuralNineYear ? "学校"
                                                        : "小学");
    school.weak = rng.Bernoulli(tp ? 0.6 : 0.35);
    by_township[z].push_back(std::move(school));
  }
  for (std::vector<School>& group : by_township) {
    for (School& school : group) schools_.push_back(std::move(school));
  }
  for (size_t i = 0; i < schools_.size(); ++i) {
    schools_[i].id = PaddedId('s', static_cast<int64_t>(i) + 1, school_width);
  }
}

School Generator::NewSchool(SchoolKind kind) {
  School s;
  s.kind = kind;
  s.locality = kKinds[kind].locality;
  s.stages[0] = kKinds[kind].stage1;
  s.stages[1] = kKinds[kind].stage2;
  s.num_stages = kKinds[kind].stage2 != 0 ? 2 : 1;
  return s;
}

std::string Generator::UrbanName(SchoolKind kind, int n) {
  const std::string ord = ChineseOrdinal(n);
  switch (kind) {
    case kUrbanSenior:
      return absl::StrCat(county_name_, "第", ord, "中学");
    case kUrbanJunior:
      return absl::StrCat(county_name_, "第", ord, "初级中学");
    case kUrbanPrimary:
      return n == 1 ? absl::StrCat(county_name_, "实验小学")
                    : absl::StrCat("城关第", ChineseOrdinal(n - 1), "小学");
    case kUrbanNineYear:
      return absl::StrCat(county_name_, "第", ord, "实验学校");
    case kUrbanKindergarten:
      return absl::StrCat(county_name_, "第", ord, "幼儿园");
    default:
      return n == 1 ? absl::StrCat(county_name_, "职业中等专业学校")
                    : absl::StrCat(county_name_, "第", ord, "职业中学");
  }
}

// A uniform point in the annulus [r0, r1] km (rejection sampling: no trig).
void Generator::Disc(Random& rng, double r0, double r1, double* x, double* y) {
  while (true) {
    const double a = rng.Range(-r1, r1), b = rng.Range(-r1, r1);
    const double d2 = a * a + b * b;
    if (d2 <= r1 * r1 && d2 >= r0 * r0) {
      *x = a;
      *y = b;
      return;
    }
  }
}

// ---- Staff sizes: proportional to kind size, at least 1, summing to T. ----
void Generator::AllocateStaff() {
  Random rng(Random::Mix(o_.seed, 0x5EED));
  std::vector<double> w(schools_.size());
  double total = 0;
  for (size_t i = 0; i < schools_.size(); ++i) {
    w[i] = kKinds[schools_[i].kind].size * rng.Range(0.7, 1.3);
    total += w[i];
  }
  const int64_t T = o_.teachers;
  int64_t sum = 0;
  std::vector<std::pair<double, size_t>> frac;
  for (size_t i = 0; i < schools_.size(); ++i) {
    const double exact = static_cast<double>(T) * w[i] / total;
    const int64_t base = std::max<int64_t>(1, static_cast<int64_t>(exact));
    schools_[i].staff = base;
    sum += base;
    frac.push_back(
        {exact - static_cast<double>(static_cast<int64_t>(exact)), i});
  }
  std::sort(frac.begin(), frac.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t k = 0; sum < T; k = (k + 1) % frac.size()) {
    ++schools_[frac[k].second].staff;
    ++sum;
  }
  while (sum > T) {  // the minimum of 1 overshot: shrink the largest
    size_t big = 0;
    for (size_t i = 1; i < schools_.size(); ++i) {
      if (schools_[i].staff > schools_[big].staff) big = i;
    }
    --schools_[big].staff;
    --sum;
  }
}

void Generator::IndexPools() {
  for (size_t i = 0; i < schools_.size(); ++i) {
    const School& s = schools_[i];
    for (int k = 0; k < s.num_stages; ++k) {
      pool_[s.locality][s.stages[k]].push_back(static_cast<int>(i));
      by_stage_[s.stages[k]].push_back(static_cast<int>(i));
    }
  }
}

// A school offering `stage`, preferably of `locality`, not in `avoid`.
int Generator::PickSchool(Random& rng, int locality, int stage,
                          std::initializer_list<int> avoid) {
  for (const std::vector<int>* pool :
       {&pool_[locality][stage], &by_stage_[stage]}) {
    if (pool->empty()) continue;
    for (int attempt = 0; attempt < 8; ++attempt) {
      const int c = (*pool)[rng.Uniform(pool->size())];
      if (std::find(avoid.begin(), avoid.end(), c) == avoid.end()) return c;
    }
  }
  for (int attempt = 0; attempt < 8; ++attempt) {
    const int c = static_cast<int>(rng.Uniform(schools_.size()));
    if (std::find(avoid.begin(), avoid.end(), c) == avoid.end()) return c;
  }
  return -1;
}

// ---- One teacher. ----
void Generator::MakeTeacher(Random& rng, int s, TeacherRec* t) {
  const School& school = schools_[s];
  const Locality loc = school.locality;
  const bool rural = loc == kRural || loc == kTeachingPoint;
  t->stage =
      school.stages[school.num_stages == 2 && !rng.Bernoulli(0.55) ? 1 : 0];

  double p_non_established = loc == kUrban   ? 0.11
                             : loc == kTown  ? 0.07
                             : loc == kRural ? 0.04
                                             : 0.06;
  if (t->stage == kKindergarten) p_non_established = 0.35;
  t->established = !rng.Bernoulli(p_non_established);

  // Primary subject: rural schools rarely have music/PE/art/IT specialists.
  std::span<const SubjectWeight> subjects = SubjectsOf(t->stage);
  std::vector<double> w(subjects.size());
  const double shortage = loc == kUrban   ? 1.0
                          : loc == kTown  ? 0.6
                          : loc == kRural ? 0.25
                                          : 0.1;
  for (size_t i = 0; i < subjects.size(); ++i) {
    w[i] = subjects[i].weight * (subjects[i].shortage ? shortage : 1.0);
  }
  const char* subject = subjects[rng.Weighted(w)].code;
  t->subjects.push_back(subject);

  // Gender.
  double female;
  switch (t->stage) {
    case kKindergarten:
      female = 0.97;
      break;
    case kPrimary:
      female = loc == kUrban   ? 0.84
               : loc == kTown  ? 0.74
               : loc == kRural ? 0.62
                               : 0.55;
      break;
    case kJunior:
      female = loc == kUrban ? 0.62 : loc == kTown ? 0.55 : 0.48;
      break;
    case kSenior:
      female = loc == kUrban ? 0.44 : 0.40;
      break;
    default:
      female = 0.50;
  }
  const std::string_view sv(subject);
  if (sv == "pe") female *= 0.45;
  if (sv == "physics" || sv == "it" || sv == "mechanics") female *= 0.7;
  if (sv == "music" || sv == "art" || sv == "english" || sv == "nursing") {
    female = std::min(0.95, female * 1.15);
  }
  t->female = rng.Bernoulli(female);
  const double retire = t->female ? 55.0 : 60.0;

  // Age: rural staff are older (many near retirement) with a young cohort of
  // new recruits; 编外 staff are young.
  double age;
  if (t->established) {
    struct Band {
      double weight, lo, hi;
    };
    const std::array<Band, 3> bands =
        loc == kUrban ? std::array<Band, 3>{{{0.42, 23, 36},
                                             {0.46, 36, 50},
                                             {0.12, 50, 60}}}
        : loc == kTown
            ? std::array<Band, 3>{{{0.30, 23, 35},
                                   {0.45, 35, 49},
                                   {0.25, 49, 60}}}
            : std::array<Band, 3>{
                  {{0.20, 22.5, 30}, {0.20, 30, 44}, {0.60, 44, 60}}};
    const double bw[] = {bands[0].weight, bands[1].weight, bands[2].weight};
    const Band& b = bands[rng.Weighted(bw)];
    age = rng.Range(b.lo, std::min(b.hi, retire - 0.05));
  } else {
    const double u = rng.Unit();
    age = 22.5 + 20.0 * u * u;
  }
  t->age = age;
  double start_age = rng.Range(21.3, 24.5);
  if (t->established && rural && age > 48 && rng.Bernoulli(0.35)) {
    start_age = rng.Range(18.0, 20.5);  // 民办转公办 cohort
  }
  start_age = std::min(start_age, age - 0.15);
  t->birth = as_of_ - RoundToInt(age * kDaysPerYear);
  {
    const int64_t raw = t->birth + RoundToInt(start_age * kDaysPerYear);
    const int year = CivilFromDays(raw).year;
    int64_t cs = DaysFromCivil(year, 8, rng.UniformInt(15, 31));
    if (cs > as_of_) cs = as_of_ - rng.UniformInt(0, 20);
    if (cs < t->birth + RoundToInt(18.0 * kDaysPerYear)) {
      cs = t->birth + RoundToInt(18.0 * kDaysPerYear);
    }
    t->career_start = cs;
  }
  const double years =
      static_cast<double>(as_of_ - t->career_start) / kDaysPerYear;

  // Obligations (decided before the history: they force a rural first post).
  bool rural_first = false;
  if (t->established && years <= 9 &&
      rng.Bernoulli(loc == kUrban ? 0.04 : 0.08)) {
    t->obligations.push_back({"public_funded_graduate",
                              rng.Bernoulli(0.8) ? 6 : 5, t->career_start});
    rural_first = true;
  } else if (t->established && rural && years <= 6 && rng.Bernoulli(0.25)) {
    t->obligations.push_back({"special_post_plan", 3, t->career_start});
    rural_first = true;
  }

  MakeHistory(rng, s, years, rural_first, t);

  // Title by experience; rural schools get fewer senior posts.
  const double loc_factor = loc == kUrban ? 1.0 : loc == kTown ? 0.85 : 0.6;
  const double stage_factor = t->stage == kSenior    ? 1.4
                              : t->stage == kPrimary ? 0.8
                                                     : 1.0;
  if (!t->established) {
    const double tw[] = {0.5, 0.45, 0.05};
    t->title = kNoTitle + rng.Weighted(tw);
  } else {
    const double p_senior = (years < 10   ? 0.0
                             : years < 15 ? 0.05
                             : years < 20 ? 0.15
                             : years < 25 ? 0.28
                                          : 0.38) *
                            loc_factor * stage_factor;
    const double p_intermediate = years < 5 ? 0.02 : years < 10 ? 0.35 : 0.72;
    if (rng.Bernoulli(p_senior)) {
      t->title = kSeniorTitle;
    } else if (rng.Bernoulli(p_intermediate)) {
      t->title = kIntermediateTitle;
    } else {
      t->title = years >= 1 ? kJuniorTitle : kNoTitle;
    }
  }

  // Backbone (骨干教师): experienced established staff, mostly urban.
  t->backbone = 1;
  if (t->established && years >= 5) {
    const double base = loc == kUrban   ? 0.16
                        : loc == kTown  ? 0.12
                        : loc == kRural ? 0.06
                                        : 0.03;
    const double tf = t->title == kSeniorTitle         ? 1.6
                      : t->title == kIntermediateTitle ? 1.1
                                                       : 0.4;
    if (rng.Bernoulli(base * tf)) {
      const double lw[] = {0.70, 0.25, 0.05};
      t->backbone = 2 + rng.Weighted(lw);
    }
  }

  // Second subjects: rural teachers cover the subjects nobody else can.
  const double p_extra = loc == kUrban ? 0.08 : loc == kTown ? 0.25 : 0.6;
  if (subjects.size() > 1 && rng.Bernoulli(p_extra)) {
    const int extra = rural && rng.Bernoulli(0.3) ? 2 : 1;
    for (int k = 0; k < extra; ++k) {
      std::vector<double> ew(subjects.size());
      for (size_t i = 0; i < subjects.size(); ++i) {
        ew[i] = subjects[i].weight * (subjects[i].shortage ? 3.0 : 1.0);
        for (const char* have : t->subjects) {
          if (have == subjects[i].code) ew[i] = 0;
        }
      }
      double sum = 0;
      for (double x : ew) sum += x;
      if (sum <= 0) break;
      t->subjects.push_back(subjects[rng.Weighted(ew)].code);
    }
  }

  // Certificates: the teaching stage first, then others it often covers.
  t->certificates.push_back(t->stage);
  switch (t->stage) {
    case kSenior:
      if (rng.Bernoulli(0.6)) t->certificates.push_back(kJunior);
      break;
    case kJunior:
      if (rng.Bernoulli(0.35)) t->certificates.push_back(kPrimary);
      break;
    case kPrimary:
      if (rng.Bernoulli(0.10)) t->certificates.push_back(kJunior);
      if (rng.Bernoulli(0.05)) t->certificates.push_back(kKindergarten);
      break;
    case kVocational:
      if (rng.Bernoulli(0.4)) t->certificates.push_back(kSenior);
      break;
    default:
      break;
  }

  // Yearly evaluations for the last five years (优秀 is quota-limited).
  bool was_excellent = false;
  for (int y =
           std::max(CivilFromDays(t->career_start).year + 1, as_of_year_ - 5);
       y < as_of_year_; ++y) {
    double p_ex =
        0.13 * (t->backbone > 1 ? 2.0 : 1.0) * (was_excellent ? 1.5 : 1.0);
    const double gw[] = {p_ex, 1.0 - p_ex - 0.024, 0.02, 0.004};
    const int g = 1 + rng.Weighted(gw);
    was_excellent = g == 1;
    t->evaluations.push_back({y, g});
  }

  // Exemptions.
  if (t->female && age >= 24 && age <= 38 && rng.Bernoulli(0.07)) {
    t->exemptions.push_back(
        {"pregnancy_or_nursing",
         std::max(t->career_start, as_of_ - rng.UniformInt(0, 540)), -1,
         "孕期或哺乳期"});
    t->exempt_now = true;
  }
  if (t->female && age >= 30 && age <= 45 && years > 4 && rng.Bernoulli(0.10)) {
    // An earlier, finished nursing period.
    const int64_t start =
        t->career_start + rng.UniformInt(365, static_cast<int>(years * 300));
    const int64_t end = start + rng.UniformInt(400, 600);
    if (end < as_of_ - 30 &&
        (t->exemptions.empty() || end < t->exemptions[0].start)) {
      t->exemptions.insert(
          t->exemptions.begin(),
          ExemptionRec{"pregnancy_or_nursing", start, end, "哺乳期已结束"});
    }
  }
  if (rng.Bernoulli(age > 40 ? 0.012 : 0.005)) {
    t->exemptions.push_back(
        {"serious_illness",
         std::max(t->career_start, as_of_ - rng.UniformInt(30, 700)), -1,
         "重大疾病治疗期"});
    t->exempt_now = true;
  }
  const int64_t retire_day = t->birth + RoundToInt(retire * kDaysPerYear);
  if (t->established && retire_day - as_of_ <= RoundToInt(3 * kDaysPerYear) &&
      rng.Bernoulli(0.9)) {
    t->exemptions.push_back(
        {"near_retirement",
         std::max(t->career_start, retire_day - RoundToInt(3 * kDaysPerYear)),
         -1, "距法定退休年龄不足3年"});
    t->exempt_now = true;
  }
  if (rng.Bernoulli(0.003)) {
    t->exemptions.push_back(
        {"county_defined",
         std::max(t->career_start, as_of_ - rng.UniformInt(30, 300)), -1,
         rng.Bernoulli(0.5) ? "援藏援疆支教" : "借调县教育局"});
    t->exempt_now = true;
  }

  // Hardships.
  if (age >= 25 && age <= 50 && rng.Bernoulli(0.035)) {
    t->hardships.push_back({"spouse_separation", "配偶在外县工作"});
  }
  if (age >= 35 && rng.Bernoulli(0.04)) {
    t->hardships.push_back({"caring_for_parents", "父母年迈多病需照料"});
  }
  if (rng.Bernoulli(0.004))
    t->hardships.push_back({"disability", "肢体残疾四级"});
  if (rng.Bernoulli(0.005)) t->hardships.push_back({"other", "子女患重病"});

  // Name.
  t->name = kSurnames[rng.Weighted(kSurnameWeights)];
  const int given = rng.Bernoulli(0.72) ? 2 : 1;
  for (int k = 0; k < given; ++k) {
    t->name += t->female ? Pick(rng, kFemaleChars) : Pick(rng, kMaleChars);
  }
}

// Service history: k earlier spells at other schools of the county, then
// the current spell from the join date. Spells are contiguous: a spell's
// end date is the next spell's start date.
void Generator::MakeHistory(Random& rng, int s, double years, bool rural_first,
                            TeacherRec* t) {
  const Locality loc = schools_[s].locality;
  int k = 0;
  if (t->established) {
    if (years >= 2)
      k = std::min(5, static_cast<int>(years / rng.Range(7.0, 16.0)));
  } else if (years >= 2 && rng.Bernoulli(0.15)) {
    k = 1;
  }
  // A rural first post when the teacher is (still) urban needs a move.
  if (rural_first && k == 0 && loc == kUrban && years >= 2) k = 1;
  const int first_year = CivilFromDays(t->career_start).year + 1;
  const int last_year = CivilFromDays(as_of_).year;
  std::vector<int64_t> breaks;
  if (k > 0 && last_year >= first_year) {
    std::vector<int> years_pool;
    for (int y = first_year; y <= last_year; ++y) years_pool.push_back(y);
    k = std::min<int>(k, static_cast<int>(years_pool.size()));
    for (int i = 0; i < k; ++i) {  // partial Fisher-Yates
      const size_t j = i + rng.Uniform(years_pool.size() - i);
      std::swap(years_pool[i], years_pool[j]);
    }
    std::sort(years_pool.begin(), years_pool.begin() + k);
    int64_t prev = t->career_start;
    for (int i = 0; i < k; ++i) {
      int64_t d = DaysFromCivil(years_pool[i], 8, rng.UniformInt(20, 31));
      if (d > as_of_) d = as_of_ - rng.UniformInt(0, 10);
      if (d <= prev) continue;
      breaks.push_back(d);
      prev = d;
    }
  }
  k = static_cast<int>(breaks.size());
  t->spells.clear();
  int64_t start = t->career_start;
  for (int j = 0; j < k; ++j) {
    int want;
    if (j == 0 && rural_first) {
      want = rng.Bernoulli(0.8) ? kRural : kTeachingPoint;
    } else {
      const double w_urban_first[] = {0.35, 0.35, 0.25, 0.05};
      const double w_urban_later[] = {0.55, 0.30, 0.15, 0.0};
      const double w_town[] = {0.15, 0.45, 0.35, 0.05};
      const double w_rural[] = {0.05, 0.30, 0.50, 0.15};
      std::span<const double> w =
          loc == kUrban  ? (j == 0 ? std::span<const double>(w_urban_first)
                                   : std::span<const double>(w_urban_later))
          : loc == kTown ? std::span<const double>(w_town)
                         : std::span<const double>(w_rural);
      want = 1 + rng.Weighted(w);
    }
    const int prev = t->spells.empty() ? -1 : t->spells.back().school;
    int school = PickSchool(rng, want, t->stage, {prev, s});
    if (school < 0) break;  // a one-school county: no earlier spells
    t->spells.push_back({school, start, breaks[j], false});
    start = breaks[j];
  }
  // Past term exchanges (交流轮岗 with the relation kept): an urban or town
  // teacher spent a spell at a rural school and returned to the same school.
  for (size_t j = 1; j + 1 < t->spells.size(); ++j) {
    Spell& mid = t->spells[j];
    if (mid.end - mid.start > RoundToInt(4 * kDaysPerYear) ||
        !rng.Bernoulli(0.10))
      continue;
    const int home = t->spells[j - 1].school;
    const int after_next =
        j + 2 < t->spells.size() ? t->spells[j + 2].school : s;
    if (home == after_next || schools_[home].locality == kRural ||
        schools_[home].locality == kTeachingPoint) {
      continue;
    }
    const int exchange = PickSchool(rng, kRural, t->stage, {home, s});
    if (exchange < 0) continue;
    mid.school = exchange;
    mid.term = true;
    t->spells[j + 1].school = home;
    ++j;
  }
  t->join = start;
  t->spells.push_back({s, start, -1, false});
  // No rural school teaches this stage (or no time to move): no obligation.
  if (rural_first && schools_[t->spells.front().school].locality == kUrban) {
    t->obligations.clear();
  }
}

// ---- Principals and vice principals. ----
void Generator::AssignRoles(Random& rng, int school,
                            std::vector<TeacherRec>* staff) {
  const int64_t n = static_cast<int64_t>(staff->size());
  if (n < 6) return;
  auto choose = [&](int role, double min_age, double max_age,
                    double male_weight) {
    std::vector<double> w(staff->size(), 0.0);
    double total = 0;
    for (size_t i = 0; i < staff->size(); ++i) {
      const TeacherRec& t = (*staff)[i];
      if (t.role != kTeacherRole || !t.established || t.exempt_now) continue;
      if (t.age < min_age || t.age > max_age || t.title < kIntermediateTitle)
        continue;
      w[i] = t.female ? 1.0 : male_weight;
      total += w[i];
    }
    if (total <= 0) {  // small school: the most senior established teacher
      int best = -1;
      for (size_t i = 0; i < staff->size(); ++i) {
        const TeacherRec& t = (*staff)[i];
        if (t.role != kTeacherRole || !t.established) continue;
        if (best < 0 || t.career_start < (*staff)[best].career_start)
          best = static_cast<int>(i);
      }
      if (best >= 0) (*staff)[best].role = role;
      return;
    }
    TeacherRec& t = (*staff)[rng.Weighted(w)];
    t.role = role;
    if (t.backbone == 1 && rng.Bernoulli(0.4)) t.backbone = 2;
  };
  choose(kPrincipal, 38, 57, 2.3);
  const int vices = n >= 90 ? 3 : n >= 40 ? 2 : n >= 15 ? 1 : 0;
  for (int v = 0; v < vices; ++v) choose(kVicePrincipal, 33, 55, 1.6);
  // Role start dates from a stream of their own, so that the rest of the
  // county is the same as without them. Leaders are appointed after at
  // least eight years of teaching: about 55% at their present school
  // (after joining it), the others at an earlier school, arriving as
  // leaders.
  Random role_rng(Random::Mix(o_.seed ^ 0x1eade7ull, school + 1));
  for (TeacherRec& t : *staff) {
    if (t.role == kTeacherRole) continue;
    const int64_t earliest = t.career_start + RoundToInt(8 * kDaysPerYear);
    t.role_start = t.join;
    if (role_rng.Bernoulli(0.55)) {
      const int64_t from = std::max(t.join, earliest);
      if (from < as_of_) {
        t.role_start = from + static_cast<int64_t>(role_rng.Uniform(
                                  static_cast<uint64_t>(as_of_ - from)));
      }
    } else if (earliest < t.join) {
      t.role_start = earliest + static_cast<int64_t>(role_rng.Uniform(
                                    static_cast<uint64_t>(t.join - earliest)));
    }
  }
}

// ---- Posts: seats per stage x subject blended from staff and need, split
// into title bands, summing to the headcount; established staff then hold
// a post of their band, or a lower band (低聘) when theirs is full. ----
void Generator::MakePosts(Random& rng, int s, std::vector<TeacherRec>* staff,
                          std::string* out) {
  School& school = schools_[s];
  int64_t established = 0;
  for (const TeacherRec& t : *staff) established += t.established ? 1 : 0;
  const double factor = school.locality == kUrban   ? rng.Range(0.95, 1.02)
                        : school.locality == kTown  ? rng.Range(0.98, 1.06)
                        : school.locality == kRural ? rng.Range(1.0, 1.12)
                                                    : rng.Range(1.0, 1.25);
  school.headcount = RoundToInt(static_cast<double>(established) * factor);
  const int64_t H = school.headcount;

  struct Cell {
    int stage;
    const char* subject;
    double target;
    int64_t seats = 0;
    int64_t band_seats[5] = {0, 0, 0, 0, 0};
  };
  std::vector<Cell> cells;
  for (int k = 0; k < school.num_stages; ++k) {
    const int stage = school.stages[k];
    const double stage_share =
        school.num_stages == 2 ? (k == 0 ? 0.55 : 0.45) : 1.0;
    double wsum = 0;
    for (const SubjectWeight& sw : SubjectsOf(stage)) wsum += sw.weight;
    for (const SubjectWeight& sw : SubjectsOf(stage)) {
      int64_t have = 0;
      for (const TeacherRec& t : *staff) {
        if (t.established && t.stage == stage && t.subjects[0] == sw.code)
          ++have;
      }
      const double need =
          static_cast<double>(H) * stage_share * sw.weight / wsum;
      cells.push_back(
          {stage, sw.code, 0.5 * need + 0.5 * static_cast<double>(have)});
    }
  }
  // Largest remainder so seats sum to H exactly.
  double tsum = 0;
  for (const Cell& c : cells) tsum += c.target;
  int64_t given = 0;
  std::vector<std::pair<double, size_t>> frac;
  for (size_t i = 0; i < cells.size(); ++i) {
    const double exact =
        tsum > 0 ? static_cast<double>(H) * cells[i].target / tsum : 0;
    cells[i].seats = static_cast<int64_t>(exact);
    given += cells[i].seats;
    frac.push_back({exact - static_cast<double>(cells[i].seats), i});
  }
  std::sort(frac.begin(), frac.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t k = 0; given < H && !frac.empty(); k = (k + 1) % frac.size()) {
    ++cells[frac[k].second].seats;
    ++given;
  }
  for (Cell& c : cells) {
    int64_t sr =
        RoundToInt(static_cast<double>(c.seats) * kBandSenior[c.stage]);
    int64_t in =
        RoundToInt(static_cast<double>(c.seats) * kBandIntermediate[c.stage]);
    sr = std::min(sr, c.seats);
    in = std::min(in, c.seats - sr);
    c.band_seats[kSeniorTitle] = sr;
    c.band_seats[kIntermediateTitle] = in;
    c.band_seats[kJuniorTitle] = c.seats - sr - in;
  }
  auto post_id = [&](const Cell& c, int band) {
    return absl::StrCat(school.id, "-", kStageShort[c.stage], "-", c.subject,
                        "-", kBandShort[band]);
  };
  for (const Cell& c : cells) {
    for (int band = kSeniorTitle; band >= kJuniorTitle; --band) {
      if (c.band_seats[band] == 0) continue;
      Row row(out);
      row.Raw(post_id(c, band))
          .Raw(school.id)
          .Raw(c.subject)
          .Raw(kTitleCsv[band])
          .Int(c.band_seats[band])
          .Raw(kStageCsv[c.stage])
          .End();
      ++stats_.posts;
      stats_.post_seats += c.band_seats[band];
      if (o_.applications)
        school.posts.push_back({post_id(c, band), c.subject, c.stage, band});
    }
  }
  // Hold posts: own band first, then lower bands.
  for (TeacherRec& t : *staff) {
    if (!t.established) continue;
    Cell* cell = nullptr;
    for (Cell& c : cells) {
      if (c.stage == t.stage && c.subject == t.subjects[0]) cell = &c;
    }
    if (cell == nullptr) continue;
    const int own = std::max<int>(kJuniorTitle, t.title);
    for (int band = own; band >= kJuniorTitle; --band) {
      if (cell->band_seats[band] > 0) {
        --cell->band_seats[band];
        t.post = post_id(*cell, band);
        break;
      }
    }
  }
}

}  // namespace gen_internal

absl::StatusOr<CountyGenStats> GenerateCounty(const CountyGenOptions& options,
                                              const std::string& out_dir) {
  if (options.schools < 1 || options.schools > 10'000'000) {
    return absl::InvalidArgumentError(
        "--schools must be between 1 and 10000000");
  }
  if (options.teachers < options.schools || options.teachers > 100'000'000) {
    return absl::InvalidArgumentError(
        "--teachers must be at least --schools (every school has a teacher) "
        "and at most "
        "100000000");
  }
  int64_t as_of = 0;
  if (!ParseDate(options.as_of, &as_of) || CivilFromDays(as_of).year < 1990 ||
      CivilFromDays(as_of).year > 2200) {
    return absl::InvalidArgumentError(
        absl::StrCat("--as-of \"", options.as_of,
                     "\" is not a date YYYY-MM-DD in 1990..2200"));
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create ", out_dir, ": ", ec.message()));
  }
  gen_internal::Generator generator(options, as_of);
  absl::StatusOr<CountyGenStats> stats = generator.Run(out_dir);
  if (!stats.ok() || options.applicants == 0) return stats;
  RecruitmentGenOptions recruitment;
  recruitment.seed = options.seed;
  recruitment.applicants = options.applicants;
  recruitment.as_of = options.as_of;
  absl::StatusOr<RecruitmentGenStats> r =
      GenerateRecruitment(recruitment, out_dir);
  if (!r.ok()) return r.status();
  stats->applicants = r->applicants;
  stats->recruitment_posts = r->recruitment_posts;
  return stats;
}

}  // namespace rota::tools
