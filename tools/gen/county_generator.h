// rota-gen's engine: a synthetic but realistic county (or province) written
// as schools.csv, posts.csv, teachers.csv, applications.csv (schools, for
// exchange rotation), hiring_applications.csv (posts, for competitive
// hiring), periods.csv and roads.csv (itinerant teaching,
// itinerant_generator.h) in the format
// of docs/csv-format.md, plus county.txt (id, display name, seed, as-of date).
//
// The output is a pure function of the options: every random choice comes
// from rota::tools::Random streams derived from `seed` (one per school), never
// from the clock or std:: distributions, so the same options give the same
// bytes on every machine. Dates are relative to `as_of`, not to today.
//
// What it models (numbers are plausible for a Chinese county, see
// docs/csv-format.md "rota-gen"): urban schools around a county seat, town
// schools at township centres, village schools and teaching points around
// them, each township one zone (学区); staff sizes by school kind; older and
// fewer staff in rural schools; rural shortage of music, PE, art and IT
// teachers (covered by rural teachers' second subjects); female majority in
// primary, fewer women in senior high and PE; titles and backbone levels by
// experience and locality; service histories that start at career start and
// end at the current school (urban teachers often started in the
// countryside; a few past term exchanges); exemptions, hardships,
// public-funded-graduate and special-post obligations; principals and vice
// principals with role start dates (some appointed at their present school,
// some arriving as leaders); 编外 staff; posts per school, stage, subject and
// title band whose seats sum to the school's headcount (编制数), blended from
// staff and curriculum need so rural schools show vacancies in shortage
// subjects.
//
//   CountyGenOptions options;
//   options.seed = 42;
//   absl::StatusOr<CountyGenStats> stats = GenerateCounty(options, "/tmp/c");
//
// Thread-safety: GenerateCounty has no shared state; concurrent calls with
// different output directories are fine.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace rota::tools {

struct CountyGenOptions {
  // Seed of every random choice.
  uint64_t seed = 1;
  // Number of schools (>= 1).
  int schools = 50;
  // Number of teachers (>= schools: every school has at least one).
  int64_t teachers = 2000;
  // County id written to county.txt (rotactl's --county); ids in the CSV
  // files are bare, so the same files import into any county.
  std::string county = "demo";
  // The "today" of the generated data (YYYY-MM-DD): ages, tenures and
  // evaluation years are relative to it, and no date is later than it.
  std::string as_of = "2026-09-01";
  // Also write applications.csv (school-level preference lists, for
  // exchange rotation) and hiring_applications.csv (post-level lists of the
  // same teachers, for competitive hiring).
  bool applications = true;
  // Recruitment: this many applicants plus recruitment posts at schools
  // with vacancies (applicant_generator.h). 0 (default): no such files.
  int64_t applicants = 0;
};

struct CountyGenStats {
  int64_t schools = 0;
  int64_t posts = 0;
  int64_t post_seats = 0;
  int64_t teachers = 0;
  int64_t applications = 0;
  int64_t hiring_applications = 0;
  // Itinerant teaching: periods.csv and roads.csv rows.
  int64_t period_requirements = 0;
  int64_t road_distances = 0;
  int64_t applicants = 0;
  int64_t recruitment_posts = 0;
  int64_t bytes = 0;
};

// Writes the files into `out_dir` (created if missing). INVALID_ARGUMENT for
// bad options (naming the option), INTERNAL if a file cannot be written.
absl::StatusOr<CountyGenStats> GenerateCounty(const CountyGenOptions& options,
                                              const std::string& out_dir);

}  // namespace rota::tools
