// LEMON's NetworkSimplex as an independent oracle on medium random instances:
// same feasibility verdict and the same optimum.
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "engine/min_cost_flow.h"
#include "gtest/gtest.h"

namespace rota::engine {
namespace {

using Graph = lemon::SmartDigraph;
using Simplex = lemon::NetworkSimplex<Graph, int64_t, int64_t>;

struct LemonAnswer {
  bool feasible = false;
  int64_t cost = 0;
};

LemonAnswer SolveWithLemon(const MinCostFlowProblem& p) {
  Graph g;
  std::vector<Graph::Node> nodes;
  for (int v = 0; v < p.num_nodes(); ++v) nodes.push_back(g.addNode());
  Graph::ArcMap<int64_t> lower(g), upper(g), cost(g);
  Graph::NodeMap<int64_t> supply(g);
  for (int v = 0; v < p.num_nodes(); ++v) supply[nodes[v]] = p.supply(v);
  for (int a = 0; a < p.num_arcs(); ++a) {
    Graph::Arc arc = g.addArc(nodes[p.tail(a)], nodes[p.head(a)]);
    lower[arc] = p.lower(a);
    upper[arc] = p.upper(a);
    cost[arc] = p.cost(a);
  }
  Simplex simplex(g);
  simplex.lowerMap(lower).upperMap(upper).costMap(cost).supplyMap(supply);
  LemonAnswer out;
  out.feasible = simplex.run() == Simplex::OPTIMAL;
  if (out.feasible) out.cost = simplex.totalCost();
  return out;
}

TEST(MinCostFlowLemonTest, SameOptimumOnRandomNetworks) {
  int optimal = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](int lo, int hi) {
      return std::uniform_int_distribution<int>(lo, hi)(rng);
    };
    MinCostFlowProblem p;
    const int n = uniform(20, 120);
    const int m = uniform(n, 6 * n);
    int64_t sum = 0;
    for (int v = 0; v < n; ++v) {
      int64_t s = uniform(0, 3) == 0 ? uniform(-20, 20) : 0;
      p.AddNode(s);
      sum += s;
    }
    p.SetSupply(0, p.supply(0) - sum);
    // A ring keeps most instances feasible; random arcs make them hard.
    if (seed % 5 != 0) {
      for (int v = 0; v < n; ++v) {
        p.AddArc(v, (v + 1) % n, 0, 60, uniform(0, 200));
        p.AddArc((v + 1) % n, v, 0, 60, uniform(0, 200));
      }
    }
    for (int a = 0; a < m; ++a) {
      int upper = uniform(0, 30);
      int lower = uniform(0, 9) == 0 ? uniform(0, upper / 2) : 0;
      p.AddArc(uniform(0, n - 1), uniform(0, n - 1), lower, upper,
               uniform(-20, 100));
    }
    LemonAnswer lemon = SolveWithLemon(p);
    auto r = SolveMinCostFlow(p);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status();
    ASSERT_EQ(r->status == FlowStatus::kOptimal, lemon.feasible)
        << "seed " << seed;
    if (!lemon.feasible) continue;
    ++optimal;
    EXPECT_EQ(r->cost, lemon.cost) << "seed " << seed;
    auto checked = CheckMinCostFlowCertificate(p, r->flow, r->potential);
    EXPECT_TRUE(checked.ok()) << "seed " << seed << ": " << checked.status();
  }
  EXPECT_GT(optimal, 30);
}

TEST(MinCostFlowLemonTest, SameOptimumOnRandomAssignments) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](int lo, int hi) {
      return std::uniform_int_distribution<int>(lo, hi)(rng);
    };
    AssignmentProblem p;
    const int num_p = uniform(20, 80);
    const int n = uniform(500, 3000);
    for (int s = 0; s < num_p; ++s) {
      int cap = uniform(0, 2 * n / num_p);
      p.AddPost(cap, seed % 4 == 0 ? uniform(0, cap / 4) : 0);
    }
    if (seed % 3 != 0) p.set_unassigned_cost(uniform(200, 3000));
    for (int t = 0; t < n; ++t) {
      std::vector<int> posts(num_p);
      for (int s = 0; s < num_p; ++s) posts[s] = s;
      std::shuffle(posts.begin(), posts.end(), rng);
      posts.resize(uniform(1, 12));
      std::vector<AssignmentOption> options;
      for (int s : posts) options.push_back({s, uniform(0, 1000)});
      p.AddTeacher(options);
    }
    auto r = SolveAssignment(p);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status();
    LemonAnswer lemon = SolveWithLemon(AssignmentAsFlow(p));
    ASSERT_EQ(r->status == FlowStatus::kOptimal, lemon.feasible)
        << "seed " << seed;
    if (!lemon.feasible) continue;
    EXPECT_EQ(r->cost, lemon.cost) << "seed " << seed;
    auto checked = CheckAssignmentCertificate(p, *r);
    EXPECT_TRUE(checked.ok()) << "seed " << seed << ": " << checked.status();
  }
}

}  // namespace
}  // namespace rota::engine
