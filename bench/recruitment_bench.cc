// Recruitment engine benchmark: 20,000 applicants and 2,000 recruitment
// posts (engine/rules/internal/synthetic_recruitment.h), in one process:
//   BM_RecruitmentReferenceDA  plain applicant-proposing DA on the same
//     market (engine::Compile + RunDeferredAcceptance, no reserves, no gate
//     or outcome): the yardstick.
//   BM_Recruitment/<mode>      RunRecruitment with gender mode off, floor
//     per post and floor per post with the relative floor (DA reruns),
//     including validation, explanations, encoding and hash.
// Run: ninja -C build recruitment_bench && build/bench/recruitment_bench
#include <cstdint>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/deferred_acceptance.h"
#include "engine/match_result.h"
#include "engine/model.h"
#include "engine/rules/internal/synthetic_recruitment.h"
#include "engine/rules/recruitment.h"

namespace rota::bench {
namespace {

using engine::rules::CountyInputs;

const CountyInputs& Instance() {
  static const CountyInputs* in = [] {
    engine::rules::internal::MarketOptions o;
    o.schools = 200;
    o.posts = 2000;
    o.applicants = 20000;
    o.max_seats = 6;
    o.max_list = 6;
    return new CountyInputs(
        engine::rules::internal::RecruitmentMarket(2026, o));
  }();
  return *in;
}

void BM_RecruitmentReferenceDA(benchmark::State& state) {
  const CountyInputs& in = Instance();
  for (auto _ : state) {
    engine::Model m;
    m.lottery_seed = in.seed;
    for (const auto& p : in.recruitment_posts) {
      engine::Post post;
      post.id = p.id;
      post.capacity = p.seats;
      m.posts.push_back(post);
    }
    for (const auto& a : in.applicants) {
      engine::Teacher t;
      t.id = a.id;
      t.points = a.written_score;
      t.preferences = a.preferences;
      m.teachers.push_back(t);
    }
    auto market = engine::Compile(m);
    if (!market.ok()) {
      state.SkipWithError(std::string(market.status().message()).c_str());
      return;
    }
    engine::MatchResult r;
    engine::RunDeferredAcceptance(*market, false, false, &r);
    benchmark::DoNotOptimize(r.post_of.data());
  }
  state.counters["applicants"] = static_cast<double>(in.applicants.size());
  state.counters["posts"] = static_cast<double>(in.recruitment_posts.size());
}
BENCHMARK(BM_RecruitmentReferenceDA)->Unit(benchmark::kMillisecond);

// 0: gender mode off; 1: floor per post; 2: floor per post + relative floor.
void BM_Recruitment(benchmark::State& state) {
  const CountyInputs& in = Instance();
  engine::rules::RoundPolicy policy;
  auto& rp = policy.recruitment;
  rp.min_score_within_of_open_cutoff = 0;
  if (state.range(0) >= 1) {
    rp.gender_mode = engine::rules::GenderMode::kFloorPerPost;
  }
  if (state.range(0) == 2) rp.min_score_within_of_open_cutoff = 1000;
  int64_t hired = 0;
  for (auto _ : state) {
    auto out = engine::rules::RunRecruitment(in, policy);
    if (!out.ok()) {
      state.SkipWithError(std::string(out.status().message()).c_str());
      return;
    }
    hired = out->counts.moved;
    benchmark::DoNotOptimize(out->hash_hex.data());
  }
  state.counters["hired"] = static_cast<double>(hired);
}
BENCHMARK(BM_Recruitment)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rota::bench

BENCHMARK_MAIN();
