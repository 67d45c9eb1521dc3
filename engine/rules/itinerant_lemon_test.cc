// LEMON's NetworkSimplex as an independent oracle for the assignment step of
// itinerant teaching: on every zone of generated counties, the mechanism's
// flow is feasible and has the same lexicographic optimum (periods covered,
// non-volunteer periods away, travel, load balance) as LEMON finds. LEMON
// solves the objectives one after another; after each, every arc whose
// reduced cost under LEMON's potentials is non-zero is fixed at the bound
// complementary slackness forces, which leaves exactly that objective's
// optimal flows (any optimal dual solution does). Where the four costs fit
// one 64-bit weighted sum, a single weighted LEMON solve must agree too.
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <array>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "engine/rules/internal/itinerant_network.h"
#include "engine/rules/internal/synthetic_county.h"
#include "engine/rules/itinerant_teaching.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

using internal::ItinerantArc;
using internal::ItinerantZoneNetwork;
using internal::kItinerantObjectives;
using Graph = lemon::SmartDigraph;
using Simplex = lemon::NetworkSimplex<Graph, int64_t, int64_t>;
using Objectives = std::array<int64_t, kItinerantObjectives>;

Objectives ValueOf(const std::vector<ItinerantArc>& arcs,
                   const std::vector<int64_t>& flow) {
  Objectives v{};
  for (size_t a = 0; a < arcs.size(); ++a) {
    for (int k = 0; k < kItinerantObjectives; ++k) {
      v[k] += arcs[a].cost[k] * flow[a];
    }
  }
  return v;
}

// Bounds and conservation of `flow` on `net` (the empty string if it holds).
std::string Infeasibility(const ItinerantZoneNetwork& net,
                          const std::vector<int64_t>& flow) {
  if (flow.size() != net.arcs.size()) return "flow size";
  std::vector<int64_t> balance(net.nodes, 0);
  balance[0] = net.supply;
  balance[1] = -net.supply;
  for (size_t a = 0; a < net.arcs.size(); ++a) {
    const ItinerantArc& arc = net.arcs[a];
    if (flow[a] < arc.lower || flow[a] > arc.upper) {
      return "arc " + std::to_string(a) + " outside its bounds";
    }
    balance[arc.tail] -= flow[a];
    balance[arc.head] += flow[a];
  }
  for (int v = 0; v < net.nodes; ++v) {
    if (balance[v] != 0) return "node " + std::to_string(v) + " unbalanced";
  }
  return "";
}

struct LemonRun {
  bool optimal = false;
  std::vector<int64_t> flow;
};

// One LEMON solve of `arcs` with the per-arc `cost`; `potential` receives
// the node potentials.
LemonRun Solve(const ItinerantZoneNetwork& net,
               const std::vector<ItinerantArc>& arcs,
               const std::vector<int64_t>& cost,
               std::vector<int64_t>* potential) {
  Graph g;
  std::vector<Graph::Node> nodes;
  for (int v = 0; v < net.nodes; ++v) nodes.push_back(g.addNode());
  Graph::ArcMap<int64_t> lower(g), upper(g), c(g);
  Graph::NodeMap<int64_t> supply(g, 0);
  supply[nodes[0]] = net.supply;
  supply[nodes[1]] = -net.supply;
  std::vector<Graph::Arc> handles;
  for (size_t a = 0; a < arcs.size(); ++a) {
    Graph::Arc arc = g.addArc(nodes[arcs[a].tail], nodes[arcs[a].head]);
    lower[arc] = arcs[a].lower;
    upper[arc] = arcs[a].upper;
    c[arc] = cost[a];
    handles.push_back(arc);
  }
  Simplex simplex(g);
  simplex.lowerMap(lower).upperMap(upper).costMap(c).supplyMap(supply);
  LemonRun out;
  out.optimal = simplex.run() == Simplex::OPTIMAL;
  if (!out.optimal) return out;
  for (const Graph::Arc& arc : handles) out.flow.push_back(simplex.flow(arc));
  if (potential != nullptr) {
    potential->clear();
    for (const Graph::Node& v : nodes)
      potential->push_back(simplex.potential(v));
  }
  return out;
}

// The lexicographic optimum by LEMON, objective by objective.
LemonRun Lexicographic(const ItinerantZoneNetwork& net) {
  std::vector<ItinerantArc> arcs = net.arcs;
  LemonRun last;
  for (int k = 0; k < kItinerantObjectives; ++k) {
    std::vector<int64_t> cost;
    for (const ItinerantArc& a : arcs) cost.push_back(a.cost[k]);
    std::vector<int64_t> pi;
    last = Solve(net, arcs, cost, &pi);
    if (!last.optimal) return last;
    for (ItinerantArc& a : arcs) {
      // LEMON: reduced cost c(uv) + pi(u) - pi(v) is >= 0 at the lower
      // bound, <= 0 at the upper bound.
      const int64_t rc = a.cost[k] + pi[a.tail] - pi[a.head];
      if (rc > 0) a.upper = a.lower;
      if (rc < 0) a.lower = a.upper;
    }
  }
  return last;
}

// Weights w_k with w_3 = 1 and w_k > the range of every later objective, or
// nothing when the weighted costs could overflow 64 bits.
bool Weights(const ItinerantZoneNetwork& net, Objectives* w) {
  Objectives bound{};
  for (const ItinerantArc& a : net.arcs) {
    for (int k = 0; k < kItinerantObjectives; ++k) {
      const int64_t c = a.cost[k] < 0 ? -a.cost[k] : a.cost[k];
      bound[k] += c * a.upper;
    }
  }
  long double total = 0;
  long double weight = 1;
  for (int k = kItinerantObjectives - 1; k >= 0; --k) {
    (*w)[k] = static_cast<int64_t>(weight);
    total += weight * static_cast<long double>(bound[k]);
    weight *= 2.0L * static_cast<long double>(bound[k]) + 1.0L;
    if (weight > 1e17L || total > 1e17L) return false;
  }
  return true;
}

CountyInputs SeededCounty(uint64_t seed) {
  internal::SyntheticOptions o;
  o.schools = 10 + static_cast<int>(seed % 12);
  o.teachers_per_school = 6 + static_cast<int>(seed % 4);
  CountyInputs in = internal::SyntheticCounty(seed, o);
  internal::AddItinerantData(seed, internal::ItinerantOptions{}, &in);
  return in;
}

RoundPolicy SeededPolicy(uint64_t seed) {
  RoundPolicy p;
  ItinerantTeachingPolicy& it = p.itinerant_teaching;
  it.max_trip_minutes = 25 + static_cast<int32_t>(seed % 4) * 10;
  it.periods_per_half_day = 2 + static_cast<int32_t>(seed % 3);
  it.max_schools_per_teacher = 2 + static_cast<int32_t>(seed % 2);
  it.volunteers_first = seed % 3 != 0;
  if (seed % 5 == 0) it.visit_days = {1, 3};
  return p;
}

TEST(ItinerantLemonTest, AssignmentEqualsLemonLexicographicOptimum) {
  int zones = 0, weighted = 0;
  for (uint64_t seed = 1; zones < 240 && seed <= 400; ++seed) {
    const CountyInputs in = SeededCounty(seed);
    const RoundPolicy policy = SeededPolicy(seed);
    auto nets = internal::ItinerantZoneNetworks(in, policy);
    ASSERT_TRUE(nets.ok()) << "seed " << seed << ": " << nets.status();
    for (const ItinerantZoneNetwork& net : *nets) {
      ++zones;
      const std::string where =
          "seed " + std::to_string(seed) + " zone \"" + net.zone + "\"";
      ASSERT_EQ(Infeasibility(net, net.flow), "") << where;
      const LemonRun lex = Lexicographic(net);
      ASSERT_TRUE(lex.optimal) << where;
      ASSERT_EQ(Infeasibility(net, lex.flow), "") << where;
      EXPECT_EQ(ValueOf(net.arcs, net.flow), ValueOf(net.arcs, lex.flow))
          << where << ": covered, away, travel, balance differ from LEMON";
      Objectives w;
      if (Weights(net, &w)) {
        ++weighted;
        std::vector<int64_t> cost;
        for (const ItinerantArc& a : net.arcs) {
          int64_t c = 0;
          for (int k = 0; k < kItinerantObjectives; ++k) c += w[k] * a.cost[k];
          cost.push_back(c);
        }
        const LemonRun one = Solve(net, net.arcs, cost, nullptr);
        ASSERT_TRUE(one.optimal) << where;
        EXPECT_EQ(ValueOf(net.arcs, net.flow), ValueOf(net.arcs, one.flow))
            << where << ": weighted LEMON optimum differs";
      }
    }
  }
  EXPECT_GE(zones, 200);
  std::cout << zones << " zones, " << weighted
            << " also checked against one weighted LEMON solve\n";
}

}  // namespace
}  // namespace rota::engine::rules
