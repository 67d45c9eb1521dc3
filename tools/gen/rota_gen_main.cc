// rota-gen: writes a synthetic county as CSV files. See
// tools/gen/county_generator.h and docs/csv-format.md.
#include <chrono>
#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "tools/gen/county_generator.h"
#include "tools/version/version.h"

int main(int argc, char** argv) {
  rota::tools::CountyGenOptions options;
  std::string out_dir;
  bool quiet = false;
  bool no_applications = false;
  CLI::App app{
      "rota-gen: generate a realistic synthetic county (schools.csv, "
      "posts.csv, "
      "teachers.csv, applications.csv, hiring_applications.csv, county.txt) "
      "for rotactl import.\n"
      "applications.csv lists schools (for an exchange-rotation round), "
      "hiring_applications.csv lists posts (for a competitive-hiring round); "
      "`rotactl round apply` takes either.\n"
      "The output depends only on the options: the same seed gives identical "
      "bytes."};
  app.add_option("--seed", options.seed, "Seed of every random choice")
      ->required();
  app.add_option("--schools", options.schools, "Number of schools (>= 1)")
      ->required();
  app.add_option("--teachers", options.teachers,
                 "Number of teachers (>= --schools)")
      ->required();
  app.add_option("--out", out_dir, "Output directory (created if missing)")
      ->required();
  app.add_option("--county", options.county, "County id recorded in county.txt")
      ->capture_default_str();
  app.add_option(
         "--as-of", options.as_of,
         "The data's 'today' (YYYY-MM-DD): ages and tenures are relative to it")
      ->capture_default_str();
  app.add_option("--applicants", options.applicants,
                 "Recruitment: applicants.csv with this many applicants and "
                 "recruitment_posts.csv (0: none)")
      ->capture_default_str();
  app.add_flag("--no-applications", no_applications,
               "Do not write applications.csv nor hiring_applications.csv");
  app.add_flag("-q,--quiet", quiet, "Print nothing on success");
  app.set_version_flag("--version", rota::VersionText("rota-gen"));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  options.applications = !no_applications;
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<rota::tools::CountyGenStats> stats =
      rota::tools::GenerateCounty(options, out_dir);
  if (!stats.ok()) {
    std::fprintf(stderr, "rota-gen: %s\n",
                 std::string(stats.status().message()).c_str());
    return stats.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!quiet) {
    std::printf(
        "rota-gen: %lld schools, %lld posts (%lld seats), %lld teachers, %lld "
        "applications (%lld post-level for hiring), %lld applicants, %lld "
        "recruitment posts, "
        "%.1f MB in %.2f s -> %s\n",
        static_cast<long long>(stats->schools),
        static_cast<long long>(stats->posts),
        static_cast<long long>(stats->post_seats),
        static_cast<long long>(stats->teachers),
        static_cast<long long>(stats->applications),
        static_cast<long long>(stats->hiring_applications),
        static_cast<long long>(stats->applicants),
        static_cast<long long>(stats->recruitment_posts), stats->bytes / 1e6,
        seconds, out_dir.c_str());
  }
  return 0;
}
