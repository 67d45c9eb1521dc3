// Engine benchmarks on the issue-4 market (bench/market_instance.h):
//   BM_ReferenceDA   a bare, straightforward teacher-proposing DA (the
//   yardstick) BM_MinCost       engine::SolveAssignment on the min-cost version
//   BM_LemonNetworkSimplex  LEMON's NetworkSimplex on the same network
// Every benchmark reports peak RSS (getrusage ru_maxrss, whole process) and
// the RSS before its timed part; run one benchmark per process (see
// bench/run_engine_bench.sh) to attribute peaks. BM_MinCost and
// BM_LemonNetworkSimplex report the optimum; the LEMON benchmark fails if it
// differs from ours (ours is computed in the same process if not yet known).
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/market_instance.h"
#include "benchmark/benchmark.h"
#include "engine/min_cost_flow.h"
#include "engine/model.h"
#include "engine/solve.h"

namespace rota::bench {
namespace {

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

double CurrentRssMb() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1048576.0);
}

// One cached market at a time (the 10^6 one is about 200 MB).
std::unique_ptr<Market>& CachedMarket() {
  static std::unique_ptr<Market> market;
  return market;
}

const Market& GetMarket(int teachers, int schools) {
  std::unique_ptr<Market>& market = CachedMarket();
  if (!market || market->num_teachers() != teachers ||
      market->num_schools() != schools) {
    market.reset();
    MarketOptions options;
    options.teachers = teachers;
    options.schools = schools;
    market = std::make_unique<Market>(GenerateMarket(options));
  }
  return *market;
}

// Our optimum per (teachers, schools), for the LEMON comparison.
std::map<std::pair<int, int>, int64_t>& OurOptimum() {
  static std::map<std::pair<int, int>, int64_t> optimum;
  return optimum;
}

void SetMemoryCounters(benchmark::State& state, double rss_before) {
  state.counters["rss_before_MB"] = rss_before;
  state.counters["peak_rss_MB"] = PeakRssMb();
}

// A plain teacher-proposing deferred acceptance: every school keeps a
// min-heap of the priorities it holds; a rejected teacher proposes on.
std::vector<int> ReferenceDa(const Market& m) {
  const int n = m.num_teachers();
  std::vector<int> next(n, 0), school_of(n, -1);
  std::vector<std::vector<std::pair<uint64_t, int>>> held(m.num_schools());
  std::vector<int> free_teachers(n);
  for (int t = 0; t < n; ++t) free_teachers[t] = n - 1 - t;
  while (!free_teachers.empty()) {
    int t = free_teachers.back();
    free_teachers.pop_back();
    const int64_t begin = m.list_begin[t];
    const int len = static_cast<int>(m.list_begin[t + 1] - begin);
    while (next[t] < len) {
      const int s = m.list_school[begin + next[t]++];
      const uint64_t priority = m.Priority(s, t);
      auto& h = held[s];
      if (static_cast<int64_t>(h.size()) < m.capacity[s]) {
        h.push_back({priority, t});
        std::push_heap(h.begin(), h.end(), std::greater<>());
        school_of[t] = s;
        break;
      }
      if (!h.empty() && h.front().first < priority) {
        std::pop_heap(h.begin(), h.end(), std::greater<>());
        const int loser = h.back().second;
        h.back() = {priority, t};
        std::push_heap(h.begin(), h.end(), std::greater<>());
        school_of[loser] = -1;
        free_teachers.push_back(loser);
        school_of[t] = s;
        break;
      }
    }
  }
  return school_of;
}

void BM_ReferenceDA(benchmark::State& state) {
  const Market& m = GetMarket(state.range(0), state.range(1));
  const double rss_before = CurrentRssMb();
  int placed = 0;
  for (auto _ : state) {
    std::vector<int> school_of = ReferenceDa(m);
    placed = 0;
    for (int s : school_of) placed += s >= 0;
    benchmark::DoNotOptimize(school_of.data());
  }
  state.counters["placed"] = placed;
  SetMemoryCounters(state, rss_before);
}

// The engine's compiled market (with holders) for one size at a time.
const engine::Market& GetEngineMarket(int teachers, int schools) {
  static std::unique_ptr<engine::Market> market;
  static std::pair<int, int> key;
  if (!market || key != std::make_pair(teachers, schools)) {
    market.reset();
    absl::StatusOr<engine::Market> compiled = engine::CompileDense(
        ToDenseModel(GetMarket(teachers, schools), /*with_holders=*/true));
    if (!compiled.ok()) {
      std::fprintf(stderr, "CompileDense: %s\n",
                   compiled.status().ToString().c_str());
      std::abort();
    }
    market = std::make_unique<engine::Market>(*std::move(compiled));
    key = {teachers, schools};
  }
  return *market;
}

// engine::Solve with explanations and encoding off (the mechanism alone);
// "placed" counts teachers with a post, to compare with the reference DA.
void RunEngine(benchmark::State& state, engine::Mechanism mechanism) {
  const engine::Market& market =
      GetEngineMarket(state.range(0), state.range(1));
  const double rss_before = CurrentRssMb();
  engine::SolveOptions options;
  options.explain = false;
  options.encode = false;
  int placed = 0;
  for (auto _ : state) {
    absl::StatusOr<engine::MatchResult> r =
        engine::Solve(market, mechanism, options);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    placed = 0;
    for (int32_t p : r->post_of) placed += p >= 0;
  }
  state.counters["placed"] = placed;
  SetMemoryCounters(state, rss_before);
}

void BM_EngineDA(benchmark::State& state) {
  RunEngine(state, engine::Mechanism::kDeferredAcceptance);
}
void BM_EngineDAStar(benchmark::State& state) {
  RunEngine(state, engine::Mechanism::kTenureDeferredAcceptance);
}
void BM_EngineTTC(benchmark::State& state) {
  RunEngine(state, engine::Mechanism::kTopTradingCycles);
}
void BM_EngineTOBE(benchmark::State& state) {
  RunEngine(state, engine::Mechanism::kTeacherOptimalBlockExchange);
}

void BM_MinCost(benchmark::State& state) {
  const int teachers = state.range(0), schools = state.range(1);
  // The solver's input only: the market is dropped so that peak memory is
  // the problem plus the solver (plus the generator's own peak before).
  engine::AssignmentProblem problem =
      ToAssignmentProblem(GetMarket(teachers, schools));
  CachedMarket().reset();
  const double rss_before = CurrentRssMb();
  int64_t cost = 0;
  for (auto _ : state) {
    absl::StatusOr<engine::AssignmentResult> r =
        engine::SolveAssignment(problem);
    if (!r.ok() || r->status != engine::FlowStatus::kOptimal) {
      state.SkipWithError("SolveAssignment failed");
      return;
    }
    cost = r->cost;
    state.PauseTiming();
    absl::StatusOr<int64_t> checked =
        engine::CheckAssignmentCertificate(problem, *r);
    if (!checked.ok() || *checked != cost) {
      state.SkipWithError("certificate rejected");
      return;
    }
    state.ResumeTiming();
  }
  OurOptimum()[{teachers, schools}] = cost;
  state.counters["cost"] = static_cast<double>(cost);
  SetMemoryCounters(state, rss_before);
}

using Graph = lemon::SmartDigraph;
using Simplex = lemon::NetworkSimplex<Graph, int64_t, int64_t>;

void BM_LemonNetworkSimplex(benchmark::State& state) {
  const int teachers = state.range(0), schools = state.range(1);
  int64_t ours = -1;
  auto known = OurOptimum().find({teachers, schools});
  if (known != OurOptimum().end()) {
    ours = known->second;
  } else {
    engine::AssignmentProblem problem =
        ToAssignmentProblem(GetMarket(teachers, schools));
    absl::StatusOr<engine::AssignmentResult> r =
        engine::SolveAssignment(problem);
    if (!r.ok()) {
      state.SkipWithError("SolveAssignment failed");
      return;
    }
    ours = r->cost;
  }
  const Market& m = GetMarket(teachers, schools);
  // Teachers (supply 1) -> schools -> sink, and teachers -> unassigned -> sink.
  Graph g;
  const int n = m.num_teachers(), num_s = m.num_schools();
  g.reserveNode(n + num_s + 2);
  g.reserveArc(static_cast<int>(m.list_school.size()) + n + num_s + 1);
  for (int v = 0; v < n + num_s + 2; ++v) g.addNode();
  const int unassigned = n + num_s, sink = n + num_s + 1;
  Graph::ArcMap<int64_t> upper(g), cost(g);
  Graph::NodeMap<int64_t> supply(g, 0);
  for (int t = 0; t < n; ++t) {
    supply[g.nodeFromId(t)] = 1;
    for (int64_t k = m.list_begin[t]; k < m.list_begin[t + 1]; ++k) {
      Graph::Arc a =
          g.addArc(g.nodeFromId(t), g.nodeFromId(n + m.list_school[k]));
      upper[a] = 1;
      cost[a] = m.list_cost[k];
    }
    Graph::Arc a = g.addArc(g.nodeFromId(t), g.nodeFromId(unassigned));
    upper[a] = 1;
    cost[a] = m.options.unassigned_cost;
  }
  for (int s = 0; s < num_s; ++s) {
    Graph::Arc a = g.addArc(g.nodeFromId(n + s), g.nodeFromId(sink));
    upper[a] = m.capacity[s];
    cost[a] = 0;
  }
  Graph::Arc a = g.addArc(g.nodeFromId(unassigned), g.nodeFromId(sink));
  upper[a] = n;
  cost[a] = 0;
  supply[g.nodeFromId(sink)] = -n;
  const double rss_before = CurrentRssMb();
  int64_t total = 0;
  for (auto _ : state) {
    Simplex simplex(g);
    simplex.upperMap(upper).costMap(cost).supplyMap(supply);
    if (simplex.run() != Simplex::OPTIMAL) {
      state.SkipWithError("LEMON: not optimal");
      return;
    }
    total = simplex.totalCost();
  }
  state.counters["cost"] = static_cast<double>(total);
  state.counters["ours_minus_lemon"] = static_cast<double>(ours - total);
  SetMemoryCounters(state, rss_before);
  if (total != ours) state.SkipWithError("our optimum differs from LEMON's");
}

void Sizes(benchmark::internal::Benchmark* b) {
  b->Args({5000, 200})->Args({100000, 2000})->Args({1000000, 20000});
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK(BM_ReferenceDA)->Apply(Sizes);
BENCHMARK(BM_EngineDA)->Apply(Sizes);
BENCHMARK(BM_EngineDAStar)->Apply(Sizes);
BENCHMARK(BM_EngineTTC)->Apply(Sizes);
BENCHMARK(BM_EngineTOBE)->Apply(Sizes);
BENCHMARK(BM_MinCost)->Apply(Sizes);
BENCHMARK(BM_LemonNetworkSimplex)->Apply(Sizes);

}  // namespace
}  // namespace rota::bench

BENCHMARK_MAIN();
