// rota-gen's recruitment part: recruitment posts (招聘岗位) and a pool of
// new-teacher applicants for a county rota-gen has written, as
// recruitment_posts.csv and applicants.csv (docs/csv-format.md).
//
// It reads the county's schools.csv, posts.csv and teachers.csv from the
// output directory and opens recruitment posts where posts have vacancies
// (seats not held by a teacher), at most a few seats each; some urban and
// town posts are bundled with a rural school of the same zone for the first
// term (捆绑聘用). Applicants: about 80% women for primary and kindergarten
// posts, about 55% for junior and 45% for senior and vocational ones (fewer
// in PE); written scores ~N(65, 10) points clipped to 30..98; about 85% pass
// the interview; channels mostly open with some 特岗, 公费师范生 and talent;
// each lists 1 to 5 posts of her subject and stage, best first.
//
// Deterministic: every choice comes from rota::tools::Random streams derived
// from `seed`, so the same inputs and options give the same bytes.
//
//   RecruitmentGenOptions options;
//   options.seed = 42;
//   options.applicants = 300;
//   absl::StatusOr<RecruitmentGenStats> stats =
//       GenerateRecruitment(options, "/tmp/c");
//
// Thread-safety: no shared state.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace rota::tools {

struct RecruitmentGenOptions {
  // Seed of every random choice.
  uint64_t seed = 1;
  // Number of applicants (>= 0). 0 writes no files.
  int64_t applicants = 0;
  // The data's "today" (YYYY-MM-DD): applicants are 21 to 35 years old.
  std::string as_of = "2026-09-01";
  // Most seats of one recruitment post.
  int max_seats_per_post = 3;
  // Share of urban and town posts bundled with a rural school.
  double bundled_share = 0.25;
};

struct RecruitmentGenStats {
  int64_t recruitment_posts = 0;
  int64_t seats = 0;
  int64_t bundled_posts = 0;
  int64_t applicants = 0;
  int64_t women = 0;
};

// Reads schools.csv, posts.csv and teachers.csv in `dir`, writes
// recruitment_posts.csv and applicants.csv there. INVALID_ARGUMENT for bad
// options or unreadable input CSV, INTERNAL if a file cannot be written.
absl::StatusOr<RecruitmentGenStats> GenerateRecruitment(
    const RecruitmentGenOptions& options, const std::string& dir);

}  // namespace rota::tools
