// The min-cost flow solver (min_cost_flow.h, problem (1)): the problem's
// builder and checks, successive shortest paths, and the certificate check.
// The assignment solver (problem (2)) is in assignment_solver.cc.
#include "engine/min_cost_flow.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "engine/internal/flow_numbers.h"

namespace rota::engine {

using internal::Abs;
using internal::int128;
using internal::JoinLimited;
using internal::kInf;
using internal::kSumLimit;

// ---------------------------------------------------------------------------
// MinCostFlowProblem

int MinCostFlowProblem::AddNode(int64_t supply, std::string name) {
  supply_.push_back(supply);
  node_name_.push_back(std::move(name));
  return num_nodes() - 1;
}

void MinCostFlowProblem::SetSupply(int node, int64_t supply) {
  if (node < 0 || node >= num_nodes()) {
    if (!has_bad_supply_node_) bad_supply_node_ = node;
    has_bad_supply_node_ = true;
    return;
  }
  supply_[node] = supply;
}

int MinCostFlowProblem::AddArc(int tail, int head, int64_t lower, int64_t upper,
                               int64_t cost, std::string name) {
  tail_.push_back(tail);
  head_.push_back(head);
  lower_.push_back(lower);
  upper_.push_back(upper);
  cost_.push_back(cost);
  arc_name_.push_back(std::move(name));
  return num_arcs() - 1;
}

std::string MinCostFlowProblem::NodeLabel(int node) const {
  if (node < 0 || node >= num_nodes() || node_name_[node].empty()) {
    return absl::StrCat("node ", node);
  }
  return absl::StrCat("node ", node, " '", node_name_[node], "'");
}

std::string MinCostFlowProblem::ArcLabel(int arc) const {
  std::string name =
      arc_name_[arc].empty() ? "" : absl::StrCat(" '", arc_name_[arc], "'");
  return absl::StrCat("arc ", arc, name, " (", tail_[arc], "->", head_[arc],
                      ")");
}

absl::Status MinCostFlowProblem::Validate() const {
  const int n = num_nodes();
  if (has_bad_supply_node_) {
    return absl::InvalidArgumentError(
        absl::StrCat("SetSupply: unknown node ", bad_supply_node_));
  }
  int128 supply_sum = 0;
  for (int v = 0; v < n; ++v) {
    if (Abs(supply_[v]) > kMaxFlowCapacity) {
      return absl::InvalidArgumentError(
          absl::StrCat(NodeLabel(v), ": |supply| ", supply_[v],
                       " exceeds the limit ", kMaxFlowCapacity));
    }
    supply_sum += Abs(supply_[v]);
  }
  int64_t max_cost = 0;
  int128 cost_times_cap = 0;
  for (int a = 0; a < num_arcs(); ++a) {
    if (tail_[a] < 0 || tail_[a] >= n) {
      return absl::InvalidArgumentError(
          absl::StrCat(ArcLabel(a), ": unknown tail node ", tail_[a]));
    }
    if (head_[a] < 0 || head_[a] >= n) {
      return absl::InvalidArgumentError(
          absl::StrCat(ArcLabel(a), ": unknown head node ", head_[a]));
    }
    if (upper_[a] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(ArcLabel(a), ": negative capacity ", upper_[a]));
    }
    if (lower_[a] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(ArcLabel(a), ": negative lower bound ", lower_[a]));
    }
    if (lower_[a] > upper_[a]) {
      return absl::InvalidArgumentError(
          absl::StrCat(ArcLabel(a), ": lower bound ", lower_[a],
                       " above capacity ", upper_[a]));
    }
    if (upper_[a] > kMaxFlowCapacity) {
      return absl::InvalidArgumentError(
          absl::StrCat(ArcLabel(a), ": capacity ", upper_[a],
                       " exceeds the limit ", kMaxFlowCapacity));
    }
    if (Abs(cost_[a]) > kMaxFlowCost) {
      return absl::InvalidArgumentError(
          absl::StrCat(ArcLabel(a), ": |cost| ", cost_[a],
                       " exceeds the limit ", kMaxFlowCost));
    }
    max_cost = std::max(max_cost, Abs(cost_[a]));
    cost_times_cap += int128{Abs(cost_[a])} * upper_[a];
    supply_sum += upper_[a];
  }
  if (cost_times_cap > kSumLimit || supply_sum > kSumLimit ||
      int128{max_cost} * (n + 2) * 2 > kSumLimit) {
    return absl::InvalidArgumentError(
        "costs and capacities too large: sums of cost x capacity could "
        "overflow 64 bits");
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// SolveMinCostFlow: successive shortest paths.

namespace {

// Residual graph in CSR form: the arcs out of v are [first[v], first[v+1]).
struct ResidualGraph {
  std::vector<int> first;
  std::vector<int> to;
  std::vector<int> rev;
  std::vector<int64_t> cap;
  std::vector<int64_t> cost;

  struct Edge {
    int from, to;
    int64_t cap, cost;
  };
  // Builds forward/backward pairs for `edges`; returns, per edge, the index
  // of its forward residual arc.
  std::vector<int> Build(int num_nodes, const std::vector<Edge>& edges) {
    first.assign(num_nodes + 1, 0);
    for (const Edge& e : edges) {
      ++first[e.from + 1];
      ++first[e.to + 1];
    }
    for (int v = 0; v < num_nodes; ++v) first[v + 1] += first[v];
    std::vector<int> next(first.begin(), first.end() - 1);
    const size_t m2 = edges.size() * 2;
    to.resize(m2);
    rev.resize(m2);
    cap.resize(m2);
    cost.resize(m2);
    std::vector<int> forward(edges.size());
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      int f = next[e.from]++;
      int b = next[e.to]++;
      to[f] = e.to;
      rev[f] = b;
      cap[f] = e.cap;
      cost[f] = e.cost;
      to[b] = e.from;
      rev[b] = f;
      cap[b] = 0;
      cost[b] = -e.cost;
      forward[i] = f;
    }
    return forward;
  }
};

FlowInfeasibility DescribeCut(const MinCostFlowProblem& problem,
                              const std::vector<char>& in_source_side) {
  const int n = problem.num_nodes();
  std::vector<int> source_side, sink_side;
  for (int v = 0; v < n; ++v) {
    (in_source_side[v] ? source_side : sink_side).push_back(v);
  }
  FlowInfeasibility out;
  // Report the smaller side; ties go to the surplus side.
  out.surplus = source_side.size() <= sink_side.size();
  out.nodes = out.surplus ? source_side : sink_side;
  std::vector<char> in_x(n, 0);
  for (int v : out.nodes) in_x[v] = 1;
  int128 required = 0, available = 0, lower_part = 0, supply_part = 0;
  for (int v : out.nodes) {
    supply_part += out.surplus ? problem.supply(v) : -problem.supply(v);
  }
  std::vector<std::string> bound_texts;
  for (int a = 0; a < problem.num_arcs(); ++a) {
    const bool tail_in = in_x[problem.tail(a)];
    const bool head_in = in_x[problem.head(a)];
    if (tail_in == head_in) continue;
    // "Away" arcs carry X's requirement across the boundary (leaving X for a
    // surplus set, entering it for a deficit set) and bind at their upper
    // bound; the others bind at their lower bound.
    const bool away = out.surplus ? tail_in : head_in;
    if (away) {
      available += problem.upper(a);
      if (problem.upper(a) > 0) {
        out.binding_arcs.push_back(a);
        bound_texts.push_back(
            absl::StrCat(problem.ArcLabel(a), " upper ", problem.upper(a)));
      }
    } else if (problem.lower(a) > 0) {
      lower_part += problem.lower(a);
      out.binding_arcs.push_back(a);
      bound_texts.push_back(
          absl::StrCat(problem.ArcLabel(a), " lower ", problem.lower(a)));
    }
  }
  required = supply_part + lower_part;
  out.required = static_cast<int64_t>(required);
  out.available = static_cast<int64_t>(available);
  std::vector<std::string> labels;
  for (int v : out.nodes) labels.push_back(problem.NodeLabel(v));
  std::string who = out.nodes.size() == 1
                        ? labels[0]
                        : absl::StrCat("nodes {", JoinLimited(labels), "}");
  std::string why = absl::StrCat(out.surplus ? "supply " : "demand ",
                                 static_cast<int64_t>(supply_part));
  if (lower_part > 0) {
    absl::StrAppend(&why, " + lower bounds ", static_cast<int64_t>(lower_part),
                    " of arcs ", out.surplus ? "into" : "out of",
                    out.nodes.size() == 1 ? " it" : " them");
  }
  out.reason = absl::StrCat(
      who, " must ", out.surplus ? "send out " : "receive ", out.required,
      " units (", why, ") but the arcs ", out.surplus ? "leaving" : "into",
      out.nodes.size() == 1 ? " it" : " them", " carry at most ",
      out.available);
  if (!bound_texts.empty()) {
    absl::StrAppend(&out.reason, ": ", JoinLimited(bound_texts));
  }
  return out;
}

}  // namespace

absl::StatusOr<MinCostFlowResult> SolveMinCostFlow(
    const MinCostFlowProblem& problem) {
  ROTA_RETURN_IF_ERROR(problem.Validate());
  const int n = problem.num_nodes();
  const int m = problem.num_arcs();
  MinCostFlowResult result;

  int64_t supply_sum = 0;
  for (int v = 0; v < n; ++v) supply_sum += problem.supply(v);
  if (supply_sum != 0) {
    FlowInfeasibility& inf = result.infeasibility;
    inf.surplus = supply_sum > 0;
    inf.nodes.resize(n);
    std::iota(inf.nodes.begin(), inf.nodes.end(), 0);
    inf.required = Abs(supply_sum);
    inf.available = 0;
    inf.reason =
        absl::StrCat("supplies sum to ", supply_sum,
                     " instead of 0: the network has ", Abs(supply_sum),
                     supply_sum > 0 ? " more units to send than to receive"
                                    : " more units to receive than to send");
    return result;
  }

  // Send every arc's lower bound, and saturate negative-cost arcs, so that
  // all residual arcs start with non-negative cost (potentials 0 are valid).
  std::vector<int64_t> excess(n);
  for (int v = 0; v < n; ++v) excess[v] = problem.supply(v);
  const int source = n, sink = n + 1;
  std::vector<ResidualGraph::Edge> edges;
  edges.reserve(m + n);
  for (int a = 0; a < m; ++a) {
    const int64_t base =
        problem.cost(a) < 0 ? problem.upper(a) : problem.lower(a);
    excess[problem.tail(a)] -= base;
    excess[problem.head(a)] += base;
    edges.push_back({problem.tail(a), problem.head(a),
                     problem.upper(a) - problem.lower(a), problem.cost(a)});
  }
  int64_t to_route = 0;
  for (int v = 0; v < n; ++v) {
    if (excess[v] > 0) {
      edges.push_back({source, v, excess[v], 0});
      to_route += excess[v];
    } else if (excess[v] < 0) {
      edges.push_back({v, sink, -excess[v], 0});
    }
  }
  ResidualGraph g;
  std::vector<int> forward = g.Build(n + 2, edges);
  // Move the saturated part of negative arcs to the backward residual arc.
  for (int a = 0; a < m; ++a) {
    if (problem.cost(a) < 0) {
      const int f = forward[a];
      g.cap[g.rev[f]] = g.cap[f];
      g.cap[f] = 0;
    }
  }

  std::vector<int64_t> potential(n + 2, 0);
  std::vector<int64_t> dist(n + 2);
  std::vector<int> parent_arc(n + 2);
  using Item = std::pair<int64_t, int>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
  int64_t routed = 0;
  while (routed < to_route) {
    std::fill(dist.begin(), dist.end(), kInf);
    std::fill(parent_arc.begin(), parent_arc.end(), -1);
    dist[source] = 0;
    heap.push({0, source});
    while (!heap.empty()) {
      auto [d, u] = heap.top();
      heap.pop();
      if (d != dist[u]) continue;
      if (u == sink) break;
      for (int e = g.first[u]; e < g.first[u + 1]; ++e) {
        if (g.cap[e] == 0) continue;
        const int w = g.to[e];
        const int64_t nd = d + g.cost[e] + potential[u] - potential[w];
        if (nd < dist[w]) {
          dist[w] = nd;
          parent_arc[w] = e;
          heap.push({nd, w});
        }
      }
    }
    while (!heap.empty()) heap.pop();
    if (dist[sink] == kInf) break;
    const int64_t bound = dist[sink];
    for (int v = 0; v < n + 2; ++v) potential[v] += std::min(dist[v], bound);
    int64_t push = to_route - routed;
    for (int v = sink; v != source; v = g.to[g.rev[parent_arc[v]]]) {
      push = std::min(push, g.cap[parent_arc[v]]);
    }
    for (int v = sink; v != source; v = g.to[g.rev[parent_arc[v]]]) {
      const int e = parent_arc[v];
      g.cap[e] -= push;
      g.cap[g.rev[e]] += push;
    }
    routed += push;
  }

  if (routed < to_route) {
    // The nodes reachable from the source in the residual graph form a set
    // whose boundary is saturated: a violated Hoffman condition.
    std::vector<char> reached(n + 2, 0);
    std::vector<int> stack = {source};
    reached[source] = 1;
    while (!stack.empty()) {
      int u = stack.back();
      stack.pop_back();
      for (int e = g.first[u]; e < g.first[u + 1]; ++e) {
        if (g.cap[e] > 0 && !reached[g.to[e]]) {
          reached[g.to[e]] = 1;
          stack.push_back(g.to[e]);
        }
      }
    }
    reached.resize(n);
    result.infeasibility = DescribeCut(problem, reached);
    return result;
  }

  result.status = FlowStatus::kOptimal;
  result.flow.resize(m);
  int128 cost = 0;
  for (int a = 0; a < m; ++a) {
    result.flow[a] = problem.upper(a) - g.cap[forward[a]];
    cost += int128{result.flow[a]} * problem.cost(a);
  }
  result.cost = static_cast<int64_t>(cost);
  result.potential.assign(potential.begin(), potential.begin() + n);
  return result;
}

absl::StatusOr<int64_t> CheckMinCostFlowCertificate(
    const MinCostFlowProblem& problem, absl::Span<const int64_t> flow,
    absl::Span<const int64_t> potential) {
  ROTA_RETURN_IF_ERROR(problem.Validate());
  const int n = problem.num_nodes();
  const int m = problem.num_arcs();
  if (flow.size() != static_cast<size_t>(m)) {
    return absl::InvalidArgumentError(
        absl::StrCat("flow has ", flow.size(), " entries for ", m, " arcs"));
  }
  if (potential.size() != static_cast<size_t>(n)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "potential has ", potential.size(), " entries for ", n, " nodes"));
  }
  std::vector<int128> balance(n, 0);
  int128 cost = 0;
  for (int a = 0; a < m; ++a) {
    const int64_t f = flow[a];
    if (f < problem.lower(a) || f > problem.upper(a)) {
      return absl::InvalidArgumentError(
          absl::StrCat(problem.ArcLabel(a), ": flow ", f, " outside [",
                       problem.lower(a), ", ", problem.upper(a), "]"));
    }
    balance[problem.tail(a)] += f;
    balance[problem.head(a)] -= f;
    cost += int128{f} * problem.cost(a);
    const int128 reduced = int128{problem.cost(a)} +
                           potential[problem.tail(a)] -
                           potential[problem.head(a)];
    if (reduced > 0 && f != problem.lower(a)) {
      return absl::InvalidArgumentError(absl::StrCat(
          problem.ArcLabel(a), ": reduced cost ", static_cast<int64_t>(reduced),
          " > 0 but flow ", f, " is above the lower bound ", problem.lower(a)));
    }
    if (reduced < 0 && f != problem.upper(a)) {
      return absl::InvalidArgumentError(absl::StrCat(
          problem.ArcLabel(a), ": reduced cost ", static_cast<int64_t>(reduced),
          " < 0 but flow ", f, " is below the capacity ", problem.upper(a)));
    }
  }
  for (int v = 0; v < n; ++v) {
    if (balance[v] != problem.supply(v)) {
      return absl::InvalidArgumentError(absl::StrCat(
          problem.NodeLabel(v), ": net outflow ",
          static_cast<int64_t>(balance[v]), " != supply ", problem.supply(v)));
    }
  }
  if (cost > std::numeric_limits<int64_t>::max() ||
      cost < std::numeric_limits<int64_t>::min()) {
    return absl::InvalidArgumentError("flow cost overflows 64 bits");
  }
  return static_cast<int64_t>(cost);
}

}  // namespace rota::engine
