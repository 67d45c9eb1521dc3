// rounds_bench: freeze + run + commit of one round against the real rotad
// (server side, timed at the client around each RPC), next to the
// engine-only time of the same round (engine/rules called in this process on
// the registry as read over gRPC just before the freeze, default policy as
// the server uses when the county has none) and the replay of the same run
// (ReplayRound recomputes the result from the frozen inputs without storing
// anything), all measured in the same process run. The engine's inputs come
// from the server's own proto -> engine conversion (service/round_inputs.h).
// --engine-only skips the server: the engine alone on the generated county.
//
//   rounds_bench --teachers 2000 --schools 50 --kind exchange --repeat 5
//   rounds_bench --teachers 100000 --schools 2000 --kind hiring --repeat 1
//   rounds_bench --teachers 20000 --schools 600 --kind recruitment
//       --applicants 20000 --repeat 1      (one line)
//   rounds_bench --teachers 2000 --schools 50 --kind itinerant --repeat 5
//
// --kind itinerant: an itinerant teaching (走教) round on the generated
// county's period requirements and road distances (rota-gen's periods.csv
// and roads.csv, imported after the county); no applications.
//
// --kind recruitment: rota-gen's applicants and recruitment posts are
// imported too, the policy's gender mode is FLOOR_PER_POST (server and
// engine), no applications are submitted (the applicants' own lists count),
// and the commit creates the hired teachers (so --repeat is 1: repeat by
// running the driver again).
// --dump FILE (recruitment): after the commit, writes the run's summary,
// eligibility, placements, every applicant's explanation, the report and the
// teachers (times and etags cleared) as text, to compare two builds of rotad
// on the same seed. --stage-clock prints the CLOCK_MONOTONIC second at each
// stage boundary (for `perf report --time`, with `perf record -k mono`).
// The county is generated with rota-gen's library and imported through
// BulkImport first (not timed). Each repetition creates a new round, submits
// the applications (not timed), then times FreezeRound, RunRound (until the
// stream's last message), ReplayRound and CommitRound. Prints one line per
// repetition and the medians, then restarts rotad and times a replay of the
// last round on the fresh server (inputs parsed from the log). Never run by
// ctest (bench/run_rounds_bench.sh).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/competitive_hiring.h"
#include "engine/rules/county.h"
#include "engine/rules/exchange_rotation.h"
#include "engine/rules/itinerant_teaching.h"
#include "engine/rules/policy.h"
#include "engine/rules/recruitment.h"
#include "service/round_inputs.h"
#include "tests/registry_test_data.h"
#include "tests/rotad_fixture.h"
#include "tests/rounds_e2e_support.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

namespace rules = rota::engine::rules;

// The engine's inputs for the same round, built with the server's own
// conversion (service/round_inputs.h) from a RoundFrozen holding `schools`,
// `posts`, `teachers` (as the server would freeze them) and the submitted
// applications, default policy, the round's seed.
absl::StatusOr<rules::CountyInputs> EngineInputs(
    const std::string& county, const std::vector<rota::v1::School>& schools,
    const std::vector<rota::v1::Post>& posts,
    const std::vector<rota::v1::Teacher>& teachers,
    const std::vector<rota::v1::Application>& apps, uint64_t seed,
    const rota::testing::GeneratedCounty* generated = nullptr) {
  rota::v1::RoundFrozen frozen;
  frozen.mutable_round()->set_name(
      absl::StrCat("counties/", county, "/rounds/bench"));
  frozen.mutable_round()->set_effective_date("2026-09-01");
  frozen.mutable_round()->set_seed(seed);
  for (const auto& x : schools) *frozen.add_schools() = x;
  for (const auto& x : posts) *frozen.add_posts() = x;
  for (const auto& x : teachers) *frozen.add_teachers() = x;
  for (const auto& x : apps) *frozen.add_applications() = x;
  if (generated != nullptr) {
    for (const auto& x : generated->applicants) *frozen.add_applicants() = x;
    for (const auto& x : generated->recruitment_posts)
      *frozen.add_recruitment_posts() = x;
    for (const auto& x : generated->period_requirements)
      *frozen.add_period_requirements() = x;
    for (const auto& x : generated->road_distances)
      *frozen.add_road_distances() = x;
  }
  return rota::service::ToCountyInputs(frozen, {});
}

// Runs the engine on the round's inputs; the time in ms, or nullopt after
// printing the error.
std::optional<double> TimeEngine(absl::StatusOr<rules::CountyInputs> inputs,
                                 rota::v1::RoundKind kind, std::string* hash) {
  if (!inputs.ok()) {
    std::cerr << "inputs: " << inputs.status() << "\n";
    return std::nullopt;
  }
  rules::RoundPolicy policy;
  policy.recruitment.gender_mode = rules::GenderMode::kFloorPerPost;
  Clock::time_point e0 = Clock::now();
  absl::StatusOr<rules::RoundOutcome> outcome =
      kind == rota::v1::EXCHANGE_ROTATION
          ? rules::RunExchangeRotation(*inputs, policy)
      : kind == rota::v1::RECRUITMENT ? rules::RunRecruitment(*inputs, policy)
      : kind == rota::v1::ITINERANT_TEACHING
          ? rules::RunItinerantTeaching(*inputs, policy)
          : rules::RunCompetitiveHiring(*inputs, policy);
  Clock::time_point e1 = Clock::now();
  if (!outcome.ok()) {
    std::cerr << "engine: " << outcome.status() << "\n";
    return std::nullopt;
  }
  *hash = outcome->hash_hex;
  static bool described = false;
  if (kind == rota::v1::ITINERANT_TEACHING && !described) {
    described = true;
    // Extra periods at her own school, per line.
    std::map<std::tuple<std::string, std::string, rules::Stage>, int32_t>
        own_extra;
    for (const rules::ItinerantAssignment& a : outcome->itinerant.assignments) {
      if (a.own_school) own_extra[{a.school, a.subject, a.stage}] += a.periods;
    }
    int64_t lines = 0, needed = 0, demands = 0, periods = 0, covered = 0,
            uncovered = 0;
    for (const rules::CoverageLine& c : outcome->itinerant.coverage) {
      ++lines;
      periods += c.required;
      if (c.required > c.own) ++needed;
      if (c.required > c.own - own_extra[{c.school, c.subject, c.stage}]) {
        ++demands;
      }
      covered += c.itinerant;
      uncovered += c.uncovered;
    }
    std::printf(
        "itinerant: %lld coverage lines (%lld periods a week), %lld with "
        "periods left after the own teachers' loads (the demands the round "
        "assigns), %lld of them needing teachers from other schools; %lld "
        "periods covered by %zu itinerant teachers, %lld uncovered, %d "
        "re-plans\n",
        static_cast<long long>(lines), static_cast<long long>(periods),
        static_cast<long long>(demands), static_cast<long long>(needed),
        static_cast<long long>(covered), outcome->placements.size(),
        static_cast<long long>(uncovered),
        static_cast<int>(outcome->itinerant.replans));
  }
  return Ms(e0, e1);
}

std::vector<rota::v1::Application> Applications(
    const rota::testing::GeneratedCounty& data, rota::v1::RoundKind kind) {
  if (kind == rota::v1::EXCHANGE_ROTATION)
    return rota::testing::ExchangeApplications(data);
  if (kind == rota::v1::COMPETITIVE_HIRING)
    return rota::testing::HiringApplications(data);
  return {};
}

double MonoSeconds(Clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// --dump: everything the run and the commit produced, as text, with the
// fields that differ between two runs of the same seed (times, etags)
// cleared.
absl::Status Dump(rota::testing::RotadProcess& rotad,
                  rota::testing::RoundClient& rc, const std::string& round,
                  const rota::v1::RunSummary& run, const std::string& path) {
  std::ofstream out(path);
  rota::v1::RunSummary s = run;
  s.clear_run_time();
  s.clear_etag();
  out << "summary " << s.ShortDebugString() << "\n";
  absl::StatusOr<std::vector<rota::v1::EligibilityEntry>> el =
      rc.Eligibility(round);
  if (!el.ok()) return el.status();
  for (const auto& e : *el)
    out << "eligibility " << e.ShortDebugString() << "\n";
  absl::StatusOr<std::vector<rota::v1::Placement>> pl = rc.Placements(round);
  if (!pl.ok()) return pl.status();
  for (const auto& p : *pl) {
    out << "placement " << p.ShortDebugString() << "\n";
    absl::StatusOr<rota::v1::Explanation> x = rc.Explain(round, p.teacher());
    if (!x.ok()) return x.status();
    out << "explanation " << x->ShortDebugString() << "\n";
  }
  absl::StatusOr<rota::v1::RoundReport> rep = rc.Report(round);
  if (!rep.ok()) return rep.status();
  out << "report " << rep->ShortDebugString() << "\n";
  auto tch = rota::testing::ListAllTeachers(rotad.registry(), "bench");
  if (!tch.ok()) return tch.status();
  for (auto t : *tch) {
    t.clear_etag();
    t.clear_create_time();
    t.clear_update_time();
    out << "teacher " << t.ShortDebugString() << "\n";
  }
  return out.good() ? absl::OkStatus() : absl::InternalError("write " + path);
}

// --all-shortage-subjects: rota-gen writes the five specialist subjects of
// the 2022 curriculum (music, art, pe, labour, it); this adds the policy's
// other two shortage subjects at the same schools and stages, from the
// labour line's class count: mental health (1 period a class) and morality
// (2 periods a class), and mental health at the county seat's schools, so
// that a 50-school county has more than 200 demands. Taught by the county's
// few mental-health and morality teachers.
void AddOtherShortageSubjects(rota::testing::GeneratedCounty* data) {
  std::vector<rota::v1::PeriodRequirement> extra;
  for (const rota::v1::PeriodRequirement& r : data->period_requirements) {
    if (r.subject() != "labour") continue;
    for (const auto& [subject, per_class] :
         {std::pair<std::string, int>{"mental_health", 1}, {"morality", 2}}) {
      rota::v1::PeriodRequirement x = r;
      x.set_subject(subject);
      x.set_periods(std::min(60, r.periods() * per_class));
      std::string name = r.name();
      const size_t at = name.rfind("-labour-");
      if (at != std::string::npos) name.replace(at, 8, "-" + subject + "-");
      x.set_name(name);
      extra.push_back(std::move(x));
    }
  }
  // The county seat's schools: rota-gen gives them no specialist lines
  // (their own specialists teach those), but mental health is short
  // everywhere: one period a class, a school's classes estimated as its
  // headcount / 3 split over its stages (at least 6 a stage).
  std::set<std::string> has_line;
  for (const rota::v1::PeriodRequirement& r : data->period_requirements)
    has_line.insert(r.school());
  for (const rota::v1::School& school : data->schools) {
    if (has_line.count(school.name()) || school.stages_size() == 0) continue;
    const int32_t classes =
        std::max<int32_t>(6, school.headcount() / 3 / school.stages_size());
    const std::string id = school.name().substr(school.name().rfind('/') + 1);
    const std::string county =
        school.name().substr(0, school.name().find("/schools/"));
    for (int stage : school.stages()) {
      rota::v1::PeriodRequirement x;
      x.set_school(school.name());
      x.set_subject("mental_health");
      x.set_stage(static_cast<rota::v1::Stage>(stage));
      x.set_periods(std::min<int32_t>(60, classes));
      x.set_name(absl::StrCat(county, "/periodRequirements/", id,
                              "-mental_health-", stage));
      extra.push_back(std::move(x));
    }
  }
  for (auto& x : extra) data->period_requirements.push_back(std::move(x));
}

int Usage() {
  std::cerr
      << "usage: rounds_bench [--teachers N] [--schools S] [--seed X] "
         "[--kind exchange|hiring|itinerant|recruitment] [--applicants N] "
         "[--repeat R] [--engine-only] [--dump FILE] [--stage-clock] "
         "[--all-shortage-subjects]\n"
         "  --engine-only: no rotad; time engine/rules alone on the "
         "generated county\n";
  return 2;
}

// --engine-only: the engine on the generated county, no server.
int EngineOnly(const rota::tools::CountyGenOptions& gen,
               rota::v1::RoundKind kind, int repeat, bool all_subjects) {
  using namespace rota::testing;  // NOLINT(build/namespaces): a driver
  absl::StatusOr<GeneratedCounty> data = GenerateCountyData(gen, "bench");
  if (!data.ok()) {
    std::cerr << "generate: " << data.status() << "\n";
    return 1;
  }
  if (all_subjects) AddOtherShortageSubjects(&*data);
  std::vector<rota::v1::Application> apps = Applications(*data, kind);
  std::printf(
      "county: %zu schools, %zu posts, %zu teachers, %zu applications, %zu "
      "period requirements\n",
      data->schools.size(), data->posts.size(), data->teachers.size(),
      apps.size(), data->period_requirements.size());
  std::vector<double> engine_ms;
  std::string hash;
  for (int r = 0; r < repeat; ++r) {
    std::optional<double> ms =
        TimeEngine(EngineInputs("bench", data->schools, data->posts,
                                data->teachers, apps, gen.seed, &*data),
                   kind, &hash);
    if (!ms.has_value()) return 1;
    engine_ms.push_back(*ms);
    std::printf("%-4d engine %10.1f ms  result %s\n", r, engine_ms.back(),
                hash.c_str());
  }
  std::printf("med  engine %10.1f ms\n", Median(engine_ms));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rota::testing;  // NOLINT(build/namespaces): a driver
  int64_t teachers = 2000;
  int schools = 50;
  uint64_t seed = 1;
  std::string kind_name = "exchange";
  int repeat = 3;
  int64_t applicants = 20000;
  bool engine_only = false;
  bool stage_clock = false;
  std::string dump;
  bool all_subjects = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--engine-only") {
      engine_only = true;
      continue;
    }
    if (a == "--stage-clock") {
      stage_clock = true;
      continue;
    }
    if (a == "--all-shortage-subjects") {
      all_subjects = true;
      continue;
    }
    if (i + 1 >= argc) return Usage();
    std::string v = argv[++i];
    if (a == "--teachers") {
      teachers = std::atoll(v.c_str());
    } else if (a == "--schools") {
      schools = std::atoi(v.c_str());
    } else if (a == "--seed") {
      seed = std::strtoull(v.c_str(), nullptr, 10);
    } else if (a == "--kind") {
      kind_name = v;
    } else if (a == "--applicants") {
      applicants = std::atoll(v.c_str());
    } else if (a == "--repeat") {
      repeat = std::atoi(v.c_str());
    } else if (a == "--dump") {
      dump = v;
    } else {
      return Usage();
    }
  }
  if (kind_name != "exchange" && kind_name != "hiring" &&
      kind_name != "itinerant" && kind_name != "recruitment")
    return Usage();
  const rota::v1::RoundKind kind =
      kind_name == "exchange"      ? rota::v1::EXCHANGE_ROTATION
      : kind_name == "itinerant"   ? rota::v1::ITINERANT_TEACHING
      : kind_name == "recruitment" ? rota::v1::RECRUITMENT
                                   : rota::v1::COMPETITIVE_HIRING;
  const bool recruitment = kind == rota::v1::RECRUITMENT;
  const bool itinerant = kind == rota::v1::ITINERANT_TEACHING;
  if (recruitment && repeat != 1) {
    // The commit turns the hires into teachers: a second round would find
    // their staff ids taken. Repeat by running the driver again.
    std::cerr << "--kind recruitment: --repeat must be 1 (run again to "
                 "repeat)\n";
    return 2;
  }

  rota::tools::CountyGenOptions gen;
  gen.seed = seed;
  gen.schools = schools;
  gen.teachers = teachers;
  gen.as_of = "2026-08-15";
  if (engine_only && !recruitment)
    return EngineOnly(gen, kind, repeat, all_subjects);

  RotadOptions options;
  options.forward_stderr = false;
  absl::StatusOr<std::unique_ptr<RotadProcess>> rotad =
      RotadProcess::Start(options);
  if (!rotad.ok()) {
    std::cerr << rotad.status() << "\n";
    return 1;
  }
  Clock::time_point t0 = Clock::now();
  absl::StatusOr<GeneratedCounty> data =
      GenerateAndImport(**rotad, "bench", gen, recruitment ? applicants : 0);
  if (!data.ok()) {
    std::cerr << "import: " << data.status() << "\n";
    return 1;
  }
  if (itinerant) {
    if (all_subjects) AddOtherShortageSubjects(&*data);
    if (absl::Status s = ImportItinerant(**rotad, *data); !s.ok()) {
      std::cerr << "import itinerant: " << s << "\n";
      return 1;
    }
  }
  std::vector<rota::v1::Application> apps = Applications(*data, kind);
  int64_t seats = 0;
  for (const auto& p : data->recruitment_posts) seats += p.seats();
  std::printf(
      "county: %zu schools, %zu posts, %zu teachers, %zu applications, %zu "
      "period requirements, %zu roads, %zu applicants, %zu recruitment posts "
      "(%lld seats); generate+import %.0f ms\n",
      data->schools.size(), data->posts.size(), data->teachers.size(),
      apps.size(), data->period_requirements.size(),
      data->road_distances.size(), data->applicants.size(),
      data->recruitment_posts.size(), static_cast<long long>(seats),
      Ms(t0, Clock::now()));
  RoundClient rc((*rotad)->channel());
  if (recruitment) {
    rota::v1::SetPolicyRequest req;
    req.set_parent("counties/bench");
    req.mutable_policy()->set_school_year(2026);
    req.mutable_policy()->mutable_recruitment()->set_gender_mode(
        rota::v1::FLOOR_PER_POST);
    rota::v1::Policy stored;
    grpc::ClientContext ctx;
    if (grpc::Status s = rc.policy().SetPolicy(&ctx, req, &stored); !s.ok()) {
      std::cerr << "policy: " << s.error_message() << "\n";
      return 1;
    }
  }
  std::string last_round;
  std::vector<double> engine_ms, freeze_ms, run_ms, replay_ms, commit_ms,
      total_ms;
  std::printf("%-4s %10s %10s %10s %10s %10s %12s %12s\n", "rep", "engine_ms",
              "freeze_ms", "run_ms", "commit_ms", "total_ms", "replay_ms",
              "replay/run");
  bool server_ok = true;
  for (int r = 0; r < repeat; ++r) {
    // Engine only, same round: the registry as the server will freeze it.
    auto sch = ListAllSchools((*rotad)->registry(), "bench");
    auto pst = ListAllPosts((*rotad)->registry(), "bench");
    auto tch = ListAllTeachers((*rotad)->registry(), "bench");
    if (!sch.ok() || !pst.ok() || !tch.ok()) {
      std::cerr << "registry read failed\n";
      return 1;
    }
    std::string hash;
    std::optional<double> ms =
        TimeEngine(EngineInputs("bench", *sch, *pst, *tch, apps, seed + r,
                                recruitment || itinerant ? &*data : nullptr),
                   kind, &hash);
    if (!ms.has_value()) return 1;
    engine_ms.push_back(*ms);
    absl::StatusOr<rota::v1::Round> round =
        rc.Create("bench", kind, "2026-09-01");
    if (!round.ok()) {
      // Still report the engine-only time (e.g. rotad without RoundService).
      std::printf("%-4d %10.1f  server: CreateRound failed: %s\n", r,
                  engine_ms.back(), round.status().ToString().c_str());
      server_ok = false;
      continue;
    }
    if (engine_only) {
      std::printf("%-4d %10.1f\n", r, engine_ms.back());
      continue;
    }
    if (!apps.empty()) {
      if (auto s = rc.Submit(round->name(), apps); !s.ok()) {
        std::cerr << "submit: " << s.status() << "\n";
        return 1;
      }
    }
    Clock::time_point a = Clock::now();
    absl::StatusOr<rota::v1::Round> frozen = rc.Freeze(round->name(), seed + r);
    Clock::time_point b = Clock::now();
    absl::StatusOr<std::vector<rota::v1::RunRoundProgress>> run =
        rc.Run(round->name(), {}, absl::Seconds(600));
    Clock::time_point c = Clock::now();
    absl::StatusOr<rota::v1::ReplayRoundResponse> replay =
        rc.Replay(round->name(), 0, absl::Seconds(600));
    Clock::time_point d = Clock::now();
    absl::StatusOr<rota::v1::Round> committed =
        rc.Commit(round->name(), absl::Seconds(600));
    Clock::time_point e = Clock::now();
    if (!frozen.ok() || !run.ok() || !replay.ok() || !committed.ok()) {
      std::cerr << "freeze " << frozen.status() << "; run "
                << (run.ok() ? absl::OkStatus() : run.status()) << "; replay "
                << (replay.ok() ? absl::OkStatus() : replay.status())
                << "; commit " << committed.status() << "\n";
      return 1;
    }
    if (!replay->match()) {
      std::cerr << "replay MISMATCH: " << replay->first_difference() << "\n";
      return 1;
    }
    last_round = round->name();
    if (stage_clock)
      std::printf(
          "stage clock (s): freeze %.6f,%.6f run %.6f,%.6f commit "
          "%.6f,%.6f\n",
          MonoSeconds(a), MonoSeconds(b), MonoSeconds(b), MonoSeconds(c),
          MonoSeconds(d), MonoSeconds(e));
    std::printf("result hash %s\n", run->back().run().result_hash().c_str());
    if (!dump.empty()) {
      if (absl::Status s =
              Dump(**rotad, rc, round->name(), run->back().run(), dump);
          !s.ok()) {
        std::cerr << "dump: " << s << "\n";
        return 1;
      }
    }
    freeze_ms.push_back(Ms(a, b));
    run_ms.push_back(Ms(b, c));
    replay_ms.push_back(Ms(c, d));
    commit_ms.push_back(Ms(d, e));
    total_ms.push_back(Ms(a, b) + Ms(b, c) + Ms(d, e));
    std::printf("%-4d %10.1f %10.1f %10.1f %10.1f %10.1f %12.1f %12.2f\n", r,
                engine_ms.back(), freeze_ms.back(), run_ms.back(),
                commit_ms.back(), total_ms.back(), replay_ms.back(),
                replay_ms.back() / run_ms.back());
  }
  std::printf("%-4s %10.1f %10.1f %10.1f %10.1f %10.1f %12.1f %12.2f\n", "med",
              Median(engine_ms), Median(freeze_ms), Median(run_ms),
              Median(commit_ms), Median(total_ms), Median(replay_ms),
              Median(replay_ms) / std::max(1e-9, Median(run_ms)));
  if (server_ok && !last_round.empty()) {
    // An auditor's replay on a server that has not seen the round since it
    // started: the frozen inputs are parsed and converted from the log.
    if (absl::Status s = (*rotad)->Stop(); !s.ok()) {
      std::cerr << "stop: " << s << "\n";
      return 1;
    }
    if (absl::Status s = (*rotad)->Restart(); !s.ok()) {
      std::cerr << "restart: " << s << "\n";
      return 1;
    }
    RoundClient fresh((*rotad)->channel());
    // Connect first (and read the round), so the replay's time is the
    // server's work, not the new connection's handshake.
    if (!fresh.Get(last_round).ok()) {
      std::cerr << "get after restart failed\n";
      return 1;
    }
    Clock::time_point f0 = Clock::now();
    absl::StatusOr<rota::v1::ReplayRoundResponse> replay =
        fresh.Replay(last_round, 0, absl::Seconds(600));
    Clock::time_point f1 = Clock::now();
    if (!replay.ok() || !replay->match()) {
      std::cerr << "replay after restart failed\n";
      return 1;
    }
    std::printf(
        "replay of the last round after a restart: %.1f ms (%.2fx its run)\n",
        Ms(f0, f1), Ms(f0, f1) / std::max(1e-9, run_ms.back()));
  }
  return server_ok ? 0 : 1;
}
