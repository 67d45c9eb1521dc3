// rota-gen's CSV rows and files (county_generator.h): teachers.csv rows,
// the 志愿 lists of applications.csv, hiring_applications.csv, schools.csv
// and the itinerant files periods.csv and roads.csv
// (itinerant_generator.h). The county itself is generated in
// county_generator.cc; see internal/county_generator_internal.h.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "tools/csv/csv.h"
#include "tools/gen/civil_date.h"
#include "tools/gen/internal/county_generator_internal.h"
#include "tools/gen/itinerant_generator.h"
#include "tools/gen/random.h"

namespace rota::tools::gen_internal {

void Generator::WriteTeacher(int s, const TeacherRec& t, std::string* out) {
  Row row(out);
  row.Raw(t.id)
      .Text(t.name)
      .Raw(t.female ? "female" : "male")
      .Date(t.birth)
      .Date(t.career_start)
      .Raw(schools_[s].id)
      .Date(t.join)
      .Raw(t.post);
  std::string* cell = row.Cell();
  for (size_t i = 0; i < t.subjects.size(); ++i) {
    if (i) cell->push_back(';');
    cell->append(t.subjects[i]);
  }
  cell = row.Cell();
  for (size_t i = 0; i < t.certificates.size(); ++i) {
    if (i) cell->push_back(';');
    cell->append(kStageCsv[t.certificates[i]]);
  }
  row.Raw(kTitleCsv[t.title]).Raw(kRoleCsv[t.role]);
  if (t.role_start >= 0) {
    row.Date(t.role_start);
  } else {
    row.Raw("");
  }
  row.Raw(kBackboneCsv[t.backbone])
      .Raw(t.established ? "established" : "non_established");
  cell = row.Cell();
  for (size_t i = 0; i < t.evaluations.size(); ++i) {
    if (i) cell->push_back(';');
    absl::StrAppend(cell, t.evaluations[i].first, ":",
                    kGradeCsv[t.evaluations[i].second]);
  }
  cell = row.Cell();
  for (size_t i = 0; i < t.spells.size(); ++i) {
    const Spell& sp = t.spells[i];
    const School& at = schools_[sp.school];
    if (i) cell->push_back(';');
    cell->append(at.id);
    cell->push_back('|');
    AppendDate(cell, sp.start);
    cell->push_back('|');
    if (sp.end >= 0) AppendDate(cell, sp.end);
    absl::StrAppend(cell, "|", kLocalityCsv[at.locality], "|",
                    at.weak ? "1" : "0", "|", sp.term ? "1" : "0");
  }
  cell = row.Cell();
  for (size_t i = 0; i < t.exemptions.size(); ++i) {
    const ExemptionRec& e = t.exemptions[i];
    if (i) cell->push_back(';');
    absl::StrAppend(cell, e.kind, "|");
    AppendDate(cell, e.start);
    cell->push_back('|');
    if (e.end >= 0) AppendDate(cell, e.end);
    absl::StrAppend(cell, "|", e.note);
  }
  cell = row.Cell();
  for (size_t i = 0; i < t.hardships.size(); ++i) {
    if (i) cell->push_back(';');
    absl::StrAppend(cell, t.hardships[i].first, "|", t.hardships[i].second);
  }
  cell = row.Cell();
  for (size_t i = 0; i < t.obligations.size(); ++i) {
    if (i) cell->push_back(';');
    absl::StrAppend(cell, t.obligations[i].kind, "|", t.obligations[i].years,
                    "|");
    AppendDate(cell, t.obligations[i].start);
  }
  AppendItinerantTeacherCells(o_.seed, t.id,
                              t.subjects.empty() ? nullptr : t.subjects[0],
                              t.role != kTeacherRole, out);
  row.End();
}

// A round-independent preference list (志愿): most established, non-exempt
// teachers list schools of their stage they would accept, best first.
// Voluntary applicants (young urban teachers wanting rural experience for
// promotion, rural teachers wanting an urban school) rank accordingly and
// leave their own school out; others usually put their own school first.
void Generator::WriteApplication(Random& rng, int s, const TeacherRec& t,
                                 std::string* out) {
  if (!t.established || t.exempt_now || !rng.Bernoulli(0.85)) return;
  const School& home = schools_[s];
  const std::vector<int>& pool = by_stage_[t.stage];
  const double years =
      static_cast<double>(as_of_ - t.career_start) / kDaysPerYear;
  double p_vol = 0.02;
  if (home.locality == kUrban && t.age < 40 && years >= 3) p_vol = 0.12;
  if (home.locality != kUrban && t.age < 45) p_vol = 0.06;
  const bool voluntary = rng.Bernoulli(p_vol);
  const bool to_rural = voluntary && home.locality == kUrban;
  std::vector<std::pair<double, int>> scored;
  const int samples = std::min<int>(16, static_cast<int>(pool.size()));
  for (int i = 0; i < samples; ++i) {
    const int c = pool[rng.Uniform(pool.size())];
    if (c == s) continue;
    bool dup = false;
    for (const auto& p : scored) dup |= p.second == c;
    if (dup) continue;
    const School& o = schools_[c];
    const double dx = o.x_km - home.x_km, dy = o.y_km - home.y_km;
    const double dist = std::sqrt(dx * dx + dy * dy);
    double score = to_rural ? (o.locality == kRural           ? 3
                               : o.locality == kTeachingPoint ? 2
                               : o.locality == kTown          ? 1
                                                              : 0) +
                                  (o.weak ? 0.5 : 0.0)
                            : (o.locality == kUrban   ? 3
                               : o.locality == kTown  ? 2
                               : o.locality == kRural ? 1
                                                      : 0) -
                                  (o.weak ? 0.7 : 0.0);
    score += 2.0 * (rng.Unit() + rng.Unit() + rng.Unit() - 1.5) - dist / 30.0;
    scored.push_back({score, c});
  }
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  const int want = rng.UniformInt(3, 8);
  const bool own_first = !voluntary && rng.Bernoulli(0.7);
  if (!own_first && scored.empty()) return;  // nowhere else teaches this stage
  Row row(out);
  row.Raw(t.id);
  std::string* cell = row.Cell();
  int listed = 0;
  HiringApp hiring{t.id,
                   t.subjects,
                   t.certificates,
                   std::max<int>(kJuniorTitle, t.title),
                   {s}};
  if (own_first) {
    cell->append(home.id);
    ++listed;
  }
  for (const auto& p : scored) {
    if (listed >= want) break;
    if (listed) cell->push_back(';');
    cell->append(schools_[p.second].id);
    hiring.schools.push_back(p.second);
    ++listed;
  }
  row.Raw(voluntary ? "true" : "false").End();
  ++stats_.applications;
  hiring_apps_.push_back(std::move(hiring));
}

absl::Status Generator::WriteHiringApplications(const std::string& dir) {
  OutFile out;
  ROTA_RETURN_IF_ERROR(out.Open(dir + "/hiring_applications.csv"));
  out.buf()->append("teacher,preferences,voluntary\n");
  std::vector<const School::PostRef*> fit;
  for (const HiringApp& a : hiring_apps_) {
    std::vector<std::string> picked;
    for (int s : a.schools) {
      fit.clear();
      for (const School::PostRef& p : schools_[s].posts) {
        const bool subject =
            std::find_if(a.subjects.begin(), a.subjects.end(),
                         [&](const char* x) {
                           return std::string_view(x) == p.subject;
                         }) != a.subjects.end();
        const bool stage =
            std::find(a.certificates.begin(), a.certificates.end(), p.stage) !=
            a.certificates.end();
        if (subject && stage) fit.push_back(&p);
      }
      auto rank = [&](const School::PostRef* p) {
        return p->band <= a.band ? a.band - p->band : 10 + p->band - a.band;
      };
      std::stable_sort(
          fit.begin(), fit.end(),
          [&](const auto* x, const auto* y) { return rank(x) < rank(y); });
      for (const School::PostRef* p : fit) {
        if (static_cast<int>(picked.size()) >= kHiringPosts) break;
        if (std::find(picked.begin(), picked.end(), p->id) == picked.end())
          picked.push_back(p->id);
      }
    }
    if (picked.empty()) continue;
    Row row(out.buf());
    row.Raw(a.teacher);
    std::string* cell = row.Cell();
    cell->append(absl::StrJoin(picked, ";"));
    row.Raw("false").End();
    ++stats_.hiring_applications;
    out.MaybeFlush();
  }
  hiring_apps_.clear();
  return out.Close(&stats_.bytes);
}

// periods.csv and roads.csv (itinerant_generator.h).
absl::Status Generator::WriteItinerant(const std::string& dir) {
  std::vector<ItinerantSchool> schools;
  schools.reserve(schools_.size());
  for (const School& s : schools_) {
    ItinerantSchool x;
    x.id = s.id;
    x.zone = PaddedId('z', s.zone, zone_width_);
    for (int i = 0; i < s.num_stages; ++i) x.stages.push_back(s.stages[i]);
    x.locality = s.locality;
    x.x_km = s.x_km;
    x.y_km = s.y_km;
    x.staff = s.staff;
    schools.push_back(std::move(x));
  }
  ROTA_ASSIGN_OR_RETURN(ItinerantGenStats it,
                        WriteItinerantFiles(o_.seed, schools, dir));
  stats_.period_requirements = it.period_requirements;
  stats_.road_distances = it.road_distances;
  stats_.bytes += it.bytes;
  return absl::OkStatus();
}

void Generator::WriteSchools(std::string* out) {
  out->append(
      "id,display_name,stages,locality,weak,zone,latitude,longitude,"
      "headcount\n");
  for (const School& s : schools_) {
    Row row(out);
    row.Raw(s.id).Text(s.name);
    std::string* cell = row.Cell();
    cell->append(kStageCsv[s.stages[0]]);
    if (s.num_stages == 2) absl::StrAppend(cell, ";", kStageCsv[s.stages[1]]);
    row.Raw(kLocalityCsv[s.locality]).Raw(s.weak ? "true" : "false");
    row.Raw(PaddedId('z', s.zone, zone_width_));
    row.Raw(absl::StrFormat("%.6f", seat_lat_ + s.y_km / 111.0));
    row.Raw(absl::StrFormat("%.6f", seat_lon_ + s.x_km / km_per_deg_lon_));
    row.Int(s.headcount).End();
  }
}

}  // namespace rota::tools::gen_internal
