#include "tools/gen/itinerant_generator.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "tools/gen/random.h"

namespace rota::tools {
namespace {

// Stream salts: apart from county_generator.cc's streams (Mix(seed, 0..S)).
constexpr uint64_t kTeacherSalt = 0x6974696e65726e74ULL;  // "itinernt"
constexpr uint64_t kPeriodSalt = 0x706572696f647321ULL;
constexpr uint64_t kRoadSalt = 0x726f616473212121ULL;

constexpr int kPrimary = 2;
constexpr int kJunior = 3;
constexpr int kUrban = 1;

constexpr const char* kShortage[] = {"music", "art", "pe", "labour", "it"};

// Weekly periods per class (义务教育课程方案 2022, rounded to whole periods).
int PeriodsPerClass(const char* subject, int stage) {
  const bool primary = stage == kPrimary;
  if (!std::strcmp(subject, "music") || !std::strcmp(subject, "art"))
    return primary ? 2 : 1;
  if (!std::strcmp(subject, "pe")) return primary ? 4 : 3;
  return 1;  // labour, it
}

bool IsShortage(const char* subject) {
  for (const char* s : kShortage) {
    if (!std::strcmp(s, subject)) return true;
  }
  return false;
}

const char* kHalfDays[] = {"mon-am", "mon-pm", "tue-am", "tue-pm", "wed-am",
                           "wed-pm", "thu-am", "thu-pm", "fri-am", "fri-pm"};

}  // namespace

void AppendItinerantTeacherCells(uint64_t seed, const std::string& teacher_id,
                                 const char* primary_subject, bool leader,
                                 std::string* row) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a of the id: a stable index
  for (unsigned char c : teacher_id) h = (h ^ c) * 1099511628211ULL;
  Random rng(Random::Mix(seed ^ kTeacherSalt, h));
  const bool shortage =
      primary_subject != nullptr && IsShortage(primary_subject);
  // Leaders teach little; shortage-subject teachers have spare periods.
  const int load = leader     ? rng.UniformInt(4, 8)
                   : shortage ? rng.UniformInt(8, 14)
                              : rng.UniformInt(12, 16);
  absl::StrAppend(row, ",", load, ",");
  // Two to six free half-days, in week order.
  const int free = leader ? 0 : rng.UniformInt(2, 6);
  bool pick[10] = {};
  for (int k = 0; k < free; ++k) {
    int b = rng.UniformInt(0, 9);
    while (pick[b]) b = (b + 1) % 10;
    pick[b] = true;
  }
  bool first = true;
  for (int b = 0; b < 10; ++b) {
    if (!pick[b]) continue;
    absl::StrAppend(row, first ? "" : ";", kHalfDays[b]);
    first = false;
  }
  const bool volunteer = !leader && rng.Bernoulli(shortage ? 0.35 : 0.04);
  absl::StrAppend(row, ",", volunteer ? "true" : "false");
}

absl::StatusOr<ItinerantGenStats> WriteItinerantFiles(
    uint64_t seed, const std::vector<ItinerantSchool>& schools,
    const std::string& dir) {
  ItinerantGenStats stats;
  std::string periods = "school,subject,stage,periods\n";
  for (size_t s = 0; s < schools.size(); ++s) {
    const ItinerantSchool& school = schools[s];
    // 走教 serves the schools outside the county seat.
    if (school.locality == kUrban) continue;
    Random rng(Random::Mix(seed ^ kPeriodSalt, s));
    std::vector<int> stages;
    for (int st : school.stages) {
      if (st == kPrimary || st == kJunior) stages.push_back(st);
    }
    if (stages.empty()) continue;
    // About one class per 2.2 staff, shared among the stages (at least one
    // class each: a teaching point has one or two mixed-age classes).
    const int64_t classes_total = std::max<int64_t>(
        static_cast<int64_t>(stages.size()),
        static_cast<int64_t>(std::llround(static_cast<double>(school.staff) /
                                          rng.Range(2.0, 2.5))));
    for (size_t k = 0; k < stages.size(); ++k) {
      const int stage = stages[k];
      const int64_t classes = std::max<int64_t>(
          1, classes_total / static_cast<int64_t>(stages.size()));
      for (const char* subject : kShortage) {
        // IT starts in grade 3: fewer classes in primary.
        int64_t c = classes;
        if (!std::strcmp(subject, "it") && stage == kPrimary)
          c = std::max<int64_t>(1, classes * 2 / 3);
        const int64_t p =
            std::min<int64_t>(60, c * PeriodsPerClass(subject, stage));
        absl::StrAppend(&periods, school.id, ",", subject, ",",
                        stage == kPrimary ? "primary" : "junior", ",", p, "\n");
        ++stats.period_requirements;
      }
    }
  }
  // Roads: for about half of the pairs of schools in one zone, the road is
  // 1.2-1.8 times the straight line, driven at 25-40 km/h.
  std::map<std::string, std::vector<size_t>> zones;
  for (size_t s = 0; s < schools.size(); ++s) {
    if (!schools[s].zone.empty()) zones[schools[s].zone].push_back(s);
  }
  std::string roads = "school_a,school_b,metres,minutes\n";
  uint64_t pair = 0;
  for (const auto& [zone, members] : zones) {
    for (size_t i = 0; i < members.size(); ++i) {
      for (size_t j = i + 1; j < members.size(); ++j) {
        Random rng(Random::Mix(seed ^ kRoadSalt, pair++));
        if (!rng.Bernoulli(0.5)) continue;
        const ItinerantSchool& a = schools[members[i]];
        const ItinerantSchool& b = schools[members[j]];
        const double dx = a.x_km - b.x_km, dy = a.y_km - b.y_km;
        const double km = std::sqrt(dx * dx + dy * dy) * rng.Range(1.2, 1.8);
        const int64_t metres = std::llround(km * 1000);
        const int64_t minutes =
            std::max<int64_t>(1, std::llround(km / rng.Range(25, 40) * 60));
        absl::StrAppend(&roads, a.id, ",", b.id, ",", metres, ",", minutes,
                        "\n");
        ++stats.road_distances;
      }
    }
  }
  for (const auto& [name, text] :
       {std::pair<std::string, const std::string*>{"periods.csv", &periods},
        {"roads.csv", &roads}}) {
    std::ofstream out(dir + "/" + name, std::ios::binary | std::ios::trunc);
    out.write(text->data(), static_cast<std::streamsize>(text->size()));
    out.close();
    if (!out) {
      return absl::InternalError(absl::StrCat("cannot write ", dir, "/", name));
    }
    stats.bytes += static_cast<int64_t>(text->size());
  }
  return stats;
}

}  // namespace rota::tools
