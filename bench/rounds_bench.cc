// rounds_bench: freeze + run + commit of one round against the real rotad
// (server side, timed at the client around each RPC), next to the
// engine-only time of the same round (engine/rules called in this process on
// the registry as read over gRPC just before the freeze, default policy as
// the server uses when the county has none) and the replay of the same run
// (ReplayRound recomputes the result from the frozen inputs without storing
// anything), all measured in the same process run.
//
//   rounds_bench --teachers 2000 --schools 50 --kind exchange --repeat 5
//   rounds_bench --teachers 100000 --schools 2000 --kind hiring --repeat 1
//
// The county is generated with rota-gen's library and imported through
// BulkImport first (not timed). Each repetition creates a new round, submits
// the applications (not timed), then times FreezeRound, RunRound (until the
// stream's last message), ReplayRound and CommitRound. Prints one line per
// repetition and the medians. Never run by ctest (bench/run_rounds_bench.sh).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/competitive_hiring.h"
#include "engine/rules/county.h"
#include "engine/rules/exchange_rotation.h"
#include "engine/rules/policy.h"
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

int32_t Day(const std::string& text) {
  if (text.empty()) return 0;
  absl::StatusOr<int32_t> d = rules::ParseDate(text);
  return d.ok() ? *d : 0;
}
std::optional<int32_t> EndDay(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return Day(text);
}
template <typename E, typename P>
E As(P v) {
  return static_cast<E>(static_cast<int>(v));
}
std::string Last(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

// The engine's inputs for the same round, built here from the registry as
// read over gRPC (what the server freezes) and the submitted applications,
// so the engine-only time is for the same round. Enum numbers are the
// proto's (engine/rules/county.h).
rules::CountyInputs EngineInputs(const std::vector<rota::v1::School>& schools,
                                 const std::vector<rota::v1::Post>& posts,
                                 const std::vector<rota::v1::Teacher>& teachers,
                                 const std::vector<rota::v1::Application>& apps,
                                 uint64_t seed) {
  rules::CountyInputs in;
  in.county = "bench";
  in.effective_day = Day("2026-09-01");
  in.seed = seed;
  for (const auto& s : schools) {
    rules::School o;
    o.id = Last(s.name());
    o.display_name = s.display_name();
    for (int st : s.stages()) o.stages.push_back(As<rules::Stage>(st));
    o.locality = As<rules::Locality>(s.locality());
    o.weak = s.weak();
    o.zone = s.zone();
    o.has_location = s.has_location();
    o.latitude = s.location().latitude();
    o.longitude = s.location().longitude();
    o.headcount = s.headcount();
    in.schools.push_back(std::move(o));
  }
  for (const auto& p : posts) {
    rules::Post o;
    o.id = Last(p.name());
    o.school = Last(p.school());
    o.subject = p.subject();
    o.title_band = As<rules::Title>(p.title_band());
    o.count = p.count();
    o.stage = As<rules::Stage>(p.stage());
    in.posts.push_back(std::move(o));
  }
  for (const auto& t : teachers) {
    rules::Teacher o;
    o.id = Last(t.name());
    o.display_name = t.display_name();
    o.gender = As<rules::Gender>(t.gender());
    o.birth_day = Day(t.birth_date());
    o.career_start_day = Day(t.career_start_date());
    o.school = Last(t.school());
    o.school_join_day = Day(t.school_join_date());
    o.post = Last(t.post());
    o.subjects.assign(t.subjects().begin(), t.subjects().end());
    for (int st : t.certificate_stages()) {
      o.certificate_stages.push_back(As<rules::Stage>(st));
    }
    o.title = As<rules::Title>(t.title());
    o.role = As<rules::Role>(t.role());
    o.backbone = As<rules::BackboneLevel>(t.backbone_level());
    o.employment = As<rules::Employment>(t.employment());
    for (const auto& e : t.evaluations()) {
      o.evaluations.push_back(
          {e.year(), As<rules::EvaluationGrade>(e.grade())});
    }
    for (const auto& sp : t.service_history()) {
      rules::ServiceSpell x;
      x.school = Last(sp.school());
      x.start_day = Day(sp.start_date());
      x.end_day = EndDay(sp.end_date());
      x.locality = As<rules::Locality>(sp.locality());
      x.weak = sp.weak();
      x.term_exchange = sp.term_exchange();
      o.service_history.push_back(std::move(x));
    }
    for (const auto& e : t.exemptions()) {
      rules::Exemption x;
      x.kind = As<rules::ExemptionKind>(e.kind());
      x.note = e.note();
      x.start_day = Day(e.start_date());
      x.end_day = EndDay(e.end_date());
      o.exemptions.push_back(std::move(x));
    }
    for (const auto& h : t.hardships()) {
      o.hardships.push_back({As<rules::HardshipKind>(h.kind()), h.note()});
    }
    for (const auto& ob : t.obligations()) {
      rules::ServiceObligation x;
      x.kind = As<rules::ObligationKind>(ob.kind());
      x.required_rural_years = ob.required_rural_years();
      x.start_day = Day(ob.start_date());
      o.obligations.push_back(std::move(x));
    }
    in.teachers.push_back(std::move(o));
  }
  for (const auto& a : apps) {
    rules::Application o;
    o.teacher = Last(a.teacher());
    for (const auto& p : a.preferences()) o.preferences.push_back(Last(p));
    o.voluntary = a.voluntary();
    in.applications.push_back(std::move(o));
  }
  return in;
}

int Usage() {
  std::cerr << "usage: rounds_bench [--teachers N] [--schools S] [--seed X] "
               "[--kind exchange|hiring] [--repeat R]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rota::testing;  // NOLINT(build/namespaces): a driver
  int64_t teachers = 2000;
  int schools = 50;
  uint64_t seed = 1;
  std::string kind_name = "exchange";
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
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
    } else if (a == "--repeat") {
      repeat = std::atoi(v.c_str());
    } else {
      return Usage();
    }
  }
  if (kind_name != "exchange" && kind_name != "hiring") return Usage();
  const rota::v1::RoundKind kind = kind_name == "exchange"
                                       ? rota::v1::EXCHANGE_ROTATION
                                       : rota::v1::COMPETITIVE_HIRING;

  RotadOptions options;
  options.forward_stderr = false;
  absl::StatusOr<std::unique_ptr<RotadProcess>> rotad =
      RotadProcess::Start(options);
  if (!rotad.ok()) {
    std::cerr << rotad.status() << "\n";
    return 1;
  }
  rota::tools::CountyGenOptions gen;
  gen.seed = seed;
  gen.schools = schools;
  gen.teachers = teachers;
  gen.as_of = "2026-08-15";
  Clock::time_point t0 = Clock::now();
  absl::StatusOr<GeneratedCounty> data =
      GenerateAndImport(**rotad, "bench", gen);
  if (!data.ok()) {
    std::cerr << "import: " << data.status() << "\n";
    return 1;
  }
  std::printf(
      "county: %zu schools, %zu posts, %zu teachers, %zu "
      "applications; generate+import %.0f ms\n",
      data->schools.size(), data->posts.size(), data->teachers.size(),
      data->applications.size(), Ms(t0, Clock::now()));
  std::vector<rota::v1::Application> apps = kind == rota::v1::EXCHANGE_ROTATION
                                                ? ExchangeApplications(*data)
                                                : HiringApplications(*data);
  RoundClient rc((*rotad)->channel());
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
    rules::CountyInputs inputs = EngineInputs(*sch, *pst, *tch, apps, seed + r);
    rules::RoundPolicy policy;
    Clock::time_point e0 = Clock::now();
    absl::StatusOr<rules::RoundOutcome> outcome =
        kind == rota::v1::EXCHANGE_ROTATION
            ? rules::RunExchangeRotation(inputs, policy)
            : rules::RunCompetitiveHiring(inputs, policy);
    Clock::time_point e1 = Clock::now();
    if (!outcome.ok()) {
      std::cerr << "engine: " << outcome.status() << "\n";
      return 1;
    }
    engine_ms.push_back(Ms(e0, e1));
    absl::StatusOr<rota::v1::Round> round =
        rc.Create("bench", kind, "2026-09-01");
    if (!round.ok()) {
      // Still report the engine-only time (e.g. rotad without RoundService).
      std::printf("%-4d %10.1f  server: CreateRound failed: %s\n", r,
                  engine_ms.back(), round.status().ToString().c_str());
      server_ok = false;
      continue;
    }
    if (auto s = rc.Submit(round->name(), apps); !s.ok()) {
      std::cerr << "submit: " << s.status() << "\n";
      return 1;
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
  return server_ok ? 0 : 1;
}
