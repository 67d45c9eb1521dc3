// Min-cost flow and min-cost assignment with a certificate of optimality.
//
// THE PROBLEMS
//
// (1) Min-cost flow. A directed graph G = (V, A); each node v has a supply
//     b(v) (positive: it must send b(v) units, negative: it must receive
//     -b(v)); each arc a = (u, v) has integer bounds 0 <= l(a) <= u(a) and an
//     integer cost c(a) (any sign). Find an integer flow f minimising
//     sum_a c(a) f(a) subject to l(a) <= f(a) <= u(a) and, at every node,
//     (flow out) - (flow in) = b(v).
//
// (2) Min-cost assignment (transportation with unit sources), the shape of
//     county allocation (调剂) and itinerant-teaching placement: every teacher
//     t is placed at most once, at one of the posts she lists (arc cost
//     c(t, s)) or left unassigned at cost c_U(t) when that is allowed; post s
//     takes at least floor(s) and at most capacity(s) teachers. Minimise the
//     total cost. It is problem (1) on teachers -> posts -> sink, but solved by
//     its own algorithm (below) because it has to handle a province: 10^6
//     teachers, 2 * 10^4 posts and 2 * 10^7 arcs in well under a minute and a
//     gigabyte.
//
// OPTIMALITY CERTIFICATE (LP duality)
//
//   A flow f is optimal iff there are integer node potentials p such that the
//   reduced cost r(a) = c(a) + p(tail) - p(head) of every arc satisfies
//     r(a) > 0  =>  f(a) = l(a)      and      r(a) < 0  =>  f(a) = u(a).
//   SolveMinCostFlow() returns such p; CheckMinCostFlowCertificate() verifies
//   bounds, conservation and these conditions from scratch, with integer
//   arithmetic, without trusting the solver.
//
//   For assignments the same conditions read as prices: every post has an
//   integer price pi(s) (the unassigned option has price 0) and
//     - each teacher sits at an option minimising c(t, x) + pi(x) over her
//       options (her listed posts, and "unassigned" when allowed);
//     - pi(s) > 0 only at a full post, pi(s) < 0 only at a post at its floor.
//   CheckAssignmentCertificate() verifies exactly this.
//
// INFEASIBILITY IS A RESULT
//
//   By Hoffman's circulation theorem a flow exists iff for every node set X
//   the arcs leaving X can carry what X must send: b(X) + l(arcs into X) <=
//   u(arcs out of X). When no flow exists the solver returns kInfeasible with
//   one violated set X (the smaller side of a saturated cut), the numbers, and
//   the arcs whose bounds bind, in words (`reason`). An assignment is
//   infeasible when a floor cannot be met or, with no unassigned option, a
//   teacher cannot be placed; the result names those posts and teachers and
//   still carries the assignment that comes closest (most floor seats filled
//   and teachers placed, then least cost).
//   Bad input (unknown node or post, negative capacity, l > u, floor >
//   capacity, costs so large that sums could overflow) is an
//   absl::InvalidArgumentError naming the item; it is never a crash.
//
// ALGORITHMS AND COMPLEXITY
//
//   SolveMinCostFlow: successive shortest paths with Dijkstra on reduced costs
//   (Edmonds-Karp / Tomizawa potentials). Lower bounds and negative costs are
//   removed first (send l(a), saturate negative arcs), so all residual reduced
//   costs start non-negative with p = 0. Each iteration augments the
//   bottleneck of one shortest path from the excess nodes to the deficit
//   nodes: O(F * (|A| + |V|) log |V|) for total supply F. Meant for networks
//   of county size (itinerant-teaching plans, thousands of arcs).
//
//   SolveAssignment: primal-dual successive shortest paths on the
//   *post-level* residual graph, warm-started by an auction.
//   - Compressed graph: nodes are the posts, "unassigned" U and the sink T.
//     Moving teacher t from post a to b costs c(t, b) - c(t, a), so the arc
//     a -> b costs the minimum of that over the teachers now at a, kept in a
//     lazy min-heap per (a, b) (built the first time a is expanded, with a
//     flat copy of each heap's top for fast scans). a -> T fills a seat of a
//     (cost 0, or -M for a floor seat), T -> a empties one.
//   - Warm start (no floors): an ascending multi-unit auction with
//     epsilon-scaling. An over-full post raises its price just enough to push
//     out its excess (the holders who lose least by leaving, from a lazy heap
//     of their next-best values, which only grow); each phase takes epsilon
//     back off every price and divides it by 4. It only sets the starting
//     prices and assignment; every teacher is then moved to an exact best
//     option, so correctness rests on the exact phase alone. With a price
//     hint (set_price_hint, e.g. the prices of the previous restricted
//     problem in column generation) it starts from those prices and runs
//     one phase with epsilon 1.
//   - Exact phase: with potentials p = -price, all residual reduced costs are
//     >= 0; posts whose seat count disagrees with their price have excess or
//     deficit. Each round runs one Dijkstra from all excess nodes to the
//     nearest deficit, shifts potentials (only settled nodes move; the
//     common shift cancels), pushes a unit along that path, then a DFS
//     pushes more units along zero-reduced-cost paths (current-arc pointers,
//     dead ends pruned; skipped in the long tail where it finds nothing).
//   - Complexity: O(k * (E' + V' log V')) after the warm start, with k the
//     rounds (at most the excess units), V' the posts and E' the post pairs
//     (a, b) that some teacher links; plus O(arcs) per warm-start phase and
//     O(options + log n) per auction eviction. No polynomial bound is claimed
//     for the auction; a budget of 16 evictions per teacher per phase caps it.
//   - Floors and mandatory placement are priced with a penalty M > n * (cost
//     range): the model is always feasible and violations are minimised
//     first. Any processing order is correct (the invariant is "all residual
//     reduced costs >= 0"); we use index order, so the result is
//     deterministic. Memory: the problem (12 bytes per option) plus about
//     12 bytes per option in heaps (stale entries are dropped lazily). Measured
//     figures: docs/perf-mincost.md.
//
// REFERENCES
//   R. K. Ahuja, T. L. Magnanti, J. B. Orlin, Network Flows (1993), ch. 9
//     (optimality conditions, successive shortest paths, primal-dual).
//   D. P. Bertsekas, D. A. Castañon, The auction algorithm for the
//     transportation problem, Annals of Operations Research 20 (1989).
//   N. Tomizawa, On some techniques useful for solution of transportation
//     network problems, Networks 1 (1971).
//   A. J. Hoffman, Some recent applications of the theory of linear
//     inequalities to extremal combinatorial analysis (1960): feasibility.
//   OR-Tools ortools/graph/min_cost_flow.h; LEMON NetworkSimplex (our oracle).
//
// THREAD-SAFETY: problems are plain values; Solve* functions are pure and may
// run concurrently on distinct (or the same const) problems.
//
// EXAMPLE
//   AssignmentProblem p;
//   int near = p.AddPost(/*capacity=*/1);
//   int far = p.AddPost(/*capacity=*/2);
//   p.set_unassigned_cost(20000);
//   p.AddTeacher({{near, 3}, {far, 10}});
//   p.AddTeacher({{near, 1}, {far, 20}});
//   ROTA_ASSIGN_OR_RETURN(AssignmentResult r, SolveAssignment(p));
//   // r.post_of_teacher == {far, near}, r.cost == 11.
//   ROTA_RETURN_IF_ERROR(CheckAssignmentCertificate(p, r));
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace rota::engine {

// Largest accepted |cost| and capacity. Together with the checks on sums in
// the solvers this keeps every intermediate value inside int64_t.
inline constexpr int64_t kMaxFlowCost = int64_t{1} << 40;
inline constexpr int64_t kMaxFlowCapacity = int64_t{1} << 40;

// ---------------------------------------------------------------------------
// Min-cost flow on a general network.

class MinCostFlowProblem {
 public:
  // Adds a node and returns its index (0, 1, ...). `name` is used only in
  // messages ("node 3" when empty).
  int AddNode(int64_t supply = 0, std::string name = {});
  // An unknown `node` is reported by Validate (and so by the solver).
  void SetSupply(int node, int64_t supply);

  // Adds the arc tail -> head with bounds [lower, upper] and cost; returns its
  // index. Nodes and bounds are validated by the solver and the checker, so
  // building a problem never fails.
  int AddArc(int tail, int head, int64_t lower, int64_t upper, int64_t cost,
             std::string name = {});

  int num_nodes() const { return static_cast<int>(supply_.size()); }
  int num_arcs() const { return static_cast<int>(tail_.size()); }
  int64_t supply(int node) const { return supply_[node]; }
  int tail(int arc) const { return tail_[arc]; }
  int head(int arc) const { return head_[arc]; }
  int64_t lower(int arc) const { return lower_[arc]; }
  int64_t upper(int arc) const { return upper_[arc]; }
  int64_t cost(int arc) const { return cost_[arc]; }
  // "node 3" or "node 3 'name'"; "arc 2 (0->1)" or "arc 2 'name' (0->1)".
  std::string NodeLabel(int node) const;
  std::string ArcLabel(int arc) const;

  // OK, or InvalidArgument naming the first bad node or arc.
  absl::Status Validate() const;

 private:
  std::vector<int64_t> supply_;
  std::vector<std::string> node_name_;
  std::vector<int> tail_, head_;
  std::vector<int64_t> lower_, upper_, cost_;
  std::vector<std::string> arc_name_;
  int bad_supply_node_ = -1;  // first unknown node given to SetSupply
  bool has_bad_supply_node_ = false;
};

enum class FlowStatus { kOptimal, kInfeasible };

// Why no feasible flow exists: a node set X whose requirement exceeds what
// its boundary can carry (Hoffman's condition, see the file comment).
struct FlowInfeasibility {
  // Node indices of X, ascending.
  std::vector<int> nodes;
  // true: X has too much to send (what it must send out exceeds the capacity
  // of the arcs leaving it); false: X cannot receive enough.
  bool surplus = true;
  int64_t required = 0;   // units X must send (surplus) or receive
  int64_t available = 0;  // what the boundary arcs can carry
  // Boundary arcs whose bounds bind: arcs leaving X at their upper bound and
  // entering X at their lower bound (mirrored when !surplus), ascending.
  std::vector<int> binding_arcs;
  // Human-readable, e.g. "node 4 'school B' must receive 5 units (demand 5)
  // but the arcs into it carry at most 3: arc 7 (2->4) upper 3".
  std::string reason;
};

struct MinCostFlowResult {
  FlowStatus status = FlowStatus::kInfeasible;
  int64_t cost = 0;                 // optimal cost (kOptimal only)
  std::vector<int64_t> flow;        // per arc (kOptimal only)
  std::vector<int64_t> potential;   // per node, see the certificate above
  FlowInfeasibility infeasibility;  // kInfeasible only
};

// Solves (1). Returns InvalidArgument for bad input, otherwise a result that
// is kOptimal (flow + potentials) or kInfeasible (with the violated set).
// Deterministic: the same problem gives the same flow.
absl::StatusOr<MinCostFlowResult> SolveMinCostFlow(
    const MinCostFlowProblem& problem);

// Verifies that `flow` is feasible and `potential` certifies its optimality.
// Returns the flow's cost, or InvalidArgument naming the first violated
// condition (bound, conservation at a node, or reduced cost of an arc).
absl::StatusOr<int64_t> CheckMinCostFlowCertificate(
    const MinCostFlowProblem& problem, absl::Span<const int64_t> flow,
    absl::Span<const int64_t> potential);

// ---------------------------------------------------------------------------
// Min-cost assignment: unit-supply teachers -> posts with capacities/floors.

struct AssignmentOption {
  int post = 0;
  int64_t cost = 0;
};

// Stores options contiguously (one array of posts, one of costs) so that a
// million teachers with 20 options each take about 250 MB.
class AssignmentProblem {
 public:
  // Adds a post taking between `floor` and `capacity` teachers; returns its
  // index (0, 1, ...). `name` is used only in messages.
  int AddPost(int64_t capacity, int64_t floor = 0, std::string name = {});

  // Adds a teacher with the posts she may take and their costs; returns her
  // index. A post listed twice or unknown is reported by the solver.
  int AddTeacher(absl::Span<const AssignmentOption> options);
  int AddTeacher(std::initializer_list<AssignmentOption> options) {
    return AddTeacher(
        absl::Span<const AssignmentOption>(options.begin(), options.size()));
  }
  void ReserveTeachers(int teachers, int64_t options);

  // Cost of leaving a teacher unassigned (待岗). Default: not allowed, every
  // teacher must be placed (otherwise the result is kInfeasible).
  void set_unassigned_cost(std::optional<int64_t> cost) {
    unassigned_cost_ = cost;
  }
  // Optional starting prices for the warm start, one per post (e.g. the
  // prices of a closely related problem solved just before); empty = none.
  // A hint changes only the speed and which of several optima is returned,
  // never the optimal cost. Ignored when some post has a floor.
  void set_price_hint(std::vector<int64_t> prices) {
    price_hint_ = std::move(prices);
  }
  const std::vector<int64_t>& price_hint() const { return price_hint_; }
  // Optional per-teacher override of the unassigned cost (e.g. a teacher who
  // must not be left unplaced gets nullopt). Index = teacher; an unknown
  // teacher is reported by Validate (and so by the solver).
  void SetTeacherUnassignedCost(int teacher, std::optional<int64_t> cost);

  int num_posts() const { return static_cast<int>(capacity_.size()); }
  int num_teachers() const { return static_cast<int>(begin_.size()) - 1; }
  int64_t capacity(int post) const { return capacity_[post]; }
  int64_t floor(int post) const { return floor_[post]; }
  const std::optional<int64_t>& unassigned_cost() const {
    return unassigned_cost_;
  }
  // Unassigned cost for teacher t (override, else the default).
  std::optional<int64_t> unassigned_cost(int teacher) const;
  // Options of teacher t: posts and costs, same length.
  absl::Span<const int> option_posts(int teacher) const {
    return absl::MakeConstSpan(option_post_)
        .subspan(begin_[teacher], begin_[teacher + 1] - begin_[teacher]);
  }
  absl::Span<const int64_t> option_costs(int teacher) const {
    return absl::MakeConstSpan(option_cost_)
        .subspan(begin_[teacher], begin_[teacher + 1] - begin_[teacher]);
  }
  std::string PostLabel(int post) const;

  // OK, or InvalidArgument naming the first bad post or teacher option.
  absl::Status Validate() const;

 private:
  std::vector<int64_t> capacity_, floor_;
  std::vector<std::string> post_name_;
  std::vector<int64_t> begin_ = {0};
  std::vector<int> option_post_;
  std::vector<int64_t> option_cost_;
  std::optional<int64_t> unassigned_cost_;
  std::vector<int64_t> price_hint_;
  // Per-teacher overrides, sized lazily on first use: kind 0 = none,
  // 1 = may not be unassigned, 2 = override_cost_[t].
  std::vector<uint8_t> override_kind_;
  std::vector<int64_t> override_cost_;
  int bad_override_teacher_ = 0;  // first negative teacher given, if any
  bool has_bad_override_ = false;
};

inline constexpr int kUnassigned = -1;

struct AssignmentResult {
  // kInfeasible: some floor is unmet or some teacher who may not be left
  // unassigned is; the fields below still describe the assignment that
  // comes closest (fewest violations, then least cost).
  FlowStatus status = FlowStatus::kInfeasible;
  int64_t cost = 0;                  // sum of chosen costs (kOptimal)
  std::vector<int> post_of_teacher;  // post index or kUnassigned
  std::vector<int64_t> load;         // teachers per post
  // Dual certificate (kOptimal): post prices; the unassigned option has
  // price 0. See CheckAssignmentCertificate.
  std::vector<int64_t> price;
  // kInfeasible: posts whose floor is not met and teachers left unassigned
  // although not allowed, ascending, and a sentence naming them.
  std::vector<int> unmet_floor_posts;
  std::vector<int> unplaced_teachers;
  std::string reason;
};

// Solves (2). InvalidArgument for bad input. Deterministic.
absl::StatusOr<AssignmentResult> SolveAssignment(
    const AssignmentProblem& problem);

// Verifies feasibility of `post_of_teacher` and the price certificate in
// `result` (uses post_of_teacher and price only). Returns the cost or
// InvalidArgument naming the first violated condition.
absl::StatusOr<int64_t> CheckAssignmentCertificate(
    const AssignmentProblem& problem, const AssignmentResult& result);

// Writes `problem` as a min-cost flow network: nodes 0..n-1 teachers (supply
// 1), n..n+P-1 posts, n+P the unassigned node, n+P+1 the sink (demand n).
// Used by tests to cross-check the two solvers; fine for small problems.
MinCostFlowProblem AssignmentAsFlow(const AssignmentProblem& problem);

}  // namespace rota::engine
