// The min-cost assignment solver (min_cost_flow.h, problem (2)): the
// problem's builder and checks, its flow form, and the solver itself.
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
#include "engine/min_cost_flow.h"

namespace rota::engine {

using internal::Abs;
using internal::int128;
using internal::JoinLimited;
using internal::kInf;
using internal::kSumLimit;

// ---------------------------------------------------------------------------
// AssignmentProblem

int AssignmentProblem::AddPost(int64_t capacity, int64_t floor,
                               std::string name) {
  capacity_.push_back(capacity);
  floor_.push_back(floor);
  post_name_.push_back(std::move(name));
  return num_posts() - 1;
}

int AssignmentProblem::AddTeacher(absl::Span<const AssignmentOption> options) {
  for (const AssignmentOption& o : options) {
    option_post_.push_back(o.post);
    option_cost_.push_back(o.cost);
  }
  begin_.push_back(static_cast<int64_t>(option_post_.size()));
  return num_teachers() - 1;
}

void AssignmentProblem::ReserveTeachers(int teachers, int64_t options) {
  begin_.reserve(teachers + 1);
  option_post_.reserve(options);
  option_cost_.reserve(options);
}

void AssignmentProblem::SetTeacherUnassignedCost(int teacher,
                                                 std::optional<int64_t> cost) {
  if (teacher < 0) {
    if (!has_bad_override_) bad_override_teacher_ = teacher;
    has_bad_override_ = true;
    return;
  }
  if (override_kind_.size() <= static_cast<size_t>(teacher)) {
    override_kind_.resize(teacher + 1, 0);
    override_cost_.resize(teacher + 1, 0);
  }
  override_kind_[teacher] = cost.has_value() ? 2 : 1;
  override_cost_[teacher] = cost.value_or(0);
}

std::optional<int64_t> AssignmentProblem::unassigned_cost(int teacher) const {
  if (static_cast<size_t>(teacher) < override_kind_.size()) {
    if (override_kind_[teacher] == 1) return std::nullopt;
    if (override_kind_[teacher] == 2) return override_cost_[teacher];
  }
  return unassigned_cost_;
}

std::string AssignmentProblem::PostLabel(int post) const {
  if (post < 0 || post >= num_posts() || post_name_[post].empty()) {
    return absl::StrCat("post ", post);
  }
  return absl::StrCat("post ", post, " '", post_name_[post], "'");
}

absl::Status AssignmentProblem::Validate() const {
  const int num_p = num_posts();
  if (!price_hint_.empty() && static_cast<int>(price_hint_.size()) != num_p) {
    return absl::InvalidArgumentError(
        absl::StrCat("price hint has ", price_hint_.size(), " prices for ",
                     num_p, " posts"));
  }
  int128 capacity_sum = 0;
  for (int s = 0; s < num_p; ++s) {
    if (capacity_[s] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(PostLabel(s), ": negative capacity ", capacity_[s]));
    }
    if (floor_[s] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(PostLabel(s), ": negative floor ", floor_[s]));
    }
    if (floor_[s] > capacity_[s]) {
      return absl::InvalidArgumentError(
          absl::StrCat(PostLabel(s), ": floor ", floor_[s], " above capacity ",
                       capacity_[s]));
    }
    if (capacity_[s] > kMaxFlowCapacity) {
      return absl::InvalidArgumentError(
          absl::StrCat(PostLabel(s), ": capacity ", capacity_[s],
                       " exceeds the limit ", kMaxFlowCapacity));
    }
    capacity_sum += capacity_[s];
  }
  if (capacity_sum > kSumLimit) {
    return absl::InvalidArgumentError("sum of post capacities too large");
  }
  if (has_bad_override_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unassigned cost set for unknown teacher ", bad_override_teacher_));
  }
  if (static_cast<size_t>(num_teachers()) < override_kind_.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unassigned cost set for unknown teacher ", override_kind_.size() - 1));
  }
  std::vector<int> seen(num_p, -1);
  for (int t = 0; t < num_teachers(); ++t) {
    absl::Span<const int> posts = option_posts(t);
    absl::Span<const int64_t> costs = option_costs(t);
    for (size_t k = 0; k < posts.size(); ++k) {
      const int s = posts[k];
      if (s < 0 || s >= num_p) {
        return absl::InvalidArgumentError(
            absl::StrCat("teacher ", t, " option ", k, ": unknown post ", s));
      }
      if (seen[s] == t) {
        return absl::InvalidArgumentError(
            absl::StrCat("teacher ", t, " lists ", PostLabel(s), " twice"));
      }
      seen[s] = t;
      if (Abs(costs[k]) > kMaxFlowCost) {
        return absl::InvalidArgumentError(
            absl::StrCat("teacher ", t, " option ", k, ": |cost| ", costs[k],
                         " exceeds the limit ", kMaxFlowCost));
      }
    }
    std::optional<int64_t> u = unassigned_cost(t);
    if (u.has_value() && Abs(*u) > kMaxFlowCost) {
      return absl::InvalidArgumentError(
          absl::StrCat("teacher ", t, ": |unassigned cost| ", *u,
                       " exceeds the limit ", kMaxFlowCost));
    }
  }
  return absl::OkStatus();
}

MinCostFlowProblem AssignmentAsFlow(const AssignmentProblem& problem) {
  MinCostFlowProblem flow;
  const int n = problem.num_teachers();
  const int num_p = problem.num_posts();
  for (int t = 0; t < n; ++t) flow.AddNode(1, absl::StrCat("teacher ", t));
  for (int s = 0; s < num_p; ++s) flow.AddNode(0, problem.PostLabel(s));
  const int unassigned = flow.AddNode(0, "unassigned");
  const int sink = flow.AddNode(-n, "sink");
  for (int t = 0; t < n; ++t) {
    absl::Span<const int> posts = problem.option_posts(t);
    absl::Span<const int64_t> costs = problem.option_costs(t);
    for (size_t k = 0; k < posts.size(); ++k) {
      flow.AddArc(t, n + posts[k], 0, 1, costs[k]);
    }
    if (std::optional<int64_t> u = problem.unassigned_cost(t)) {
      flow.AddArc(t, unassigned, 0, 1, *u);
    }
  }
  for (int s = 0; s < num_p; ++s) {
    flow.AddArc(n + s, sink, problem.floor(s), problem.capacity(s), 0);
  }
  flow.AddArc(unassigned, sink, 0, n + 1, 0);
  return flow;
}

// ---------------------------------------------------------------------------
// SolveAssignment: successive shortest paths on the post-level graph.

namespace {

class AssignmentSolver {
 public:
  explicit AssignmentSolver(const AssignmentProblem& problem)
      : problem_(problem),
        n_(problem.num_teachers()),
        num_posts_(problem.num_posts()),
        unassigned_(problem.num_posts()),
        sink_(problem.num_posts() + 1),
        num_nodes_(problem.num_posts() + 2) {}

  absl::StatusOr<AssignmentResult> Run();

 private:
  // 12 bytes, not 16: there is one per (teacher, option) of a built node.
  struct __attribute__((packed, aligned(4))) Entry {
    int64_t key;
    int teacher;
    // Min-heap on (key, teacher): std::*_heap keep the "largest" on top.
    bool operator<(const Entry& o) const {
      return key != o.key ? key > o.key : teacher > o.teacher;
    }
  };
  // Out-arcs of a node of the compressed graph: for each neighbour b, the
  // teachers now at this node who list b, keyed by c(t,b) - c(t,here).
  struct Node {
    bool built = false;
    std::vector<int> holders;   // teachers placed here before `built`
    std::vector<int> neighbor;  // sorted
    std::vector<std::vector<Entry>> heap;  // parallel to neighbor
    // Copy of each heap's top (teacher -1: empty), so that a search scans
    // two flat arrays instead of chasing one heap per neighbour.
    std::vector<int64_t> top_key;
    std::vector<int> top_teacher;
  };
  static void SyncTop(Node& node, size_t i) {
    const std::vector<Entry>& h = node.heap[i];
    node.top_key[i] = h.empty() ? kInf : h.front().key;
    node.top_teacher[i] = h.empty() ? -1 : h.front().teacher;
  }

  int64_t UnassignedCost(int t) const {
    std::optional<int64_t> u = problem_.unassigned_cost(t);
    return u.has_value() ? *u : penalty_;
  }
  // Cost of teacher t at node x (a post she lists, or unassigned).
  int64_t CostAt(int t, int x) const {
    if (x == unassigned_) return UnassignedCost(t);
    absl::Span<const int> posts = problem_.option_posts(t);
    for (size_t k = 0; k < posts.size(); ++k) {
      if (posts[k] == x) return problem_.option_costs(t)[k];
    }
    ROTA_CHECK(false) << "teacher " << t << " does not list node " << x;
    return 0;
  }
  // Cost of seat number k (0-based) at node x, or kInf if there is none.
  int64_t SeatCost(int x, int64_t k) const {
    if (x == unassigned_) return 0;
    if (k < problem_.floor(x)) return -penalty_;
    if (k < problem_.capacity(x)) return 0;
    return kInf;
  }
  int64_t Imbalance(int x) const {
    return x == sink_ ? sink_excess_ : load_[x] - routed_[x];
  }
  // Best option of t other than `exclude` at prices `price_` (value, node);
  // ties go to the earlier option, "unassigned" last.
  std::pair<int64_t, int> BestOption(int t, int exclude) const;
  // `hinted`: prices start from the problem's hint, near equilibrium, so a
  // single phase with the smallest epsilon follows.
  void WarmStartPrices(int64_t max_abs_cost, bool hinted);
  void Build(int a);
  void AddToBuilt(int a, int t);
  void Place(int t, int x, int64_t cost);
  // Reduced cost of the i-th arc out of node a (kInf if absent), its head
  // and the teacher who would move along it (-1 for seat arcs).
  int64_t ArcReduced(int a, int i, int* head, int* teacher);
  int NumArcs(int a);
  int64_t Round();
  bool Augment(int source);
  void ApplyPath();

  const AssignmentProblem& problem_;
  const int n_, num_posts_, unassigned_, sink_, num_nodes_;
  int64_t penalty_ = 0;  // M; 0 when no floors and everyone may stay out
  std::vector<int> at_;  // node of each teacher
  std::vector<int64_t> at_cost_;  // its cost there
  // Per node: teachers there, units routed on to the sink, potential.
  std::vector<int64_t> load_, routed_, potential_;
  int64_t sink_excess_ = 0;     // units received by the sink minus n
  std::vector<int64_t> price_;  // warm-start prices (posts, unassigned = 0)
  std::vector<Node> nodes_;
  // Dijkstra scratch, reset after each search.
  std::vector<int64_t> dist_;
  std::vector<int> parent_, parent_teacher_;
  std::vector<char> settled_;
  std::vector<int> touched_, settled_list_;
  std::vector<std::pair<int64_t, int>> queue_;
  std::vector<int> slot_;   // Build scratch: neighbour -> slot, or -1
  std::vector<int> stamp_;  // Build scratch: dedupes holders
  // Augment scratch: per-round dead ends and current arcs, per-search marks.
  int64_t round_ = 0, visit_stamp_ = 0, last_search_pushed_ = 2;
  int queue_target_ = -1;
  std::vector<int64_t> dead_, iter_round_, visit_;
  std::vector<int> iter_, path_, path_teacher_;
};

std::pair<int64_t, int> AssignmentSolver::BestOption(int t, int exclude) const {
  int64_t best = kInf;
  int best_node = unassigned_;
  absl::Span<const int> posts = problem_.option_posts(t);
  absl::Span<const int64_t> costs = problem_.option_costs(t);
  for (size_t k = 0; k < posts.size(); ++k) {
    if (posts[k] == exclude) continue;
    const int64_t v = costs[k] + price_[posts[k]];
    if (v < best) {
      best = v;
      best_node = posts[k];
    }
  }
  if (exclude != unassigned_ && UnassignedCost(t) < best) {
    best = UnassignedCost(t);
    best_node = unassigned_;
  }
  return {best, best_node};
}

// Warm start (no floors only): an ascending multi-unit auction. Each
// over-full post raises its price just enough to push out its excess, the
// holders who lose least by leaving (their next-best value minus their cost
// here, kept in a lazy min-heap: those values only grow as prices rise).
// Everyone always sits at a best option up to 1 (ties at the threshold),
// a post with a positive price is full, so the successive-shortest-path
// phase that follows starts with few imbalances. It only changes speed:
// correctness rests on the exact phase.
void AssignmentSolver::WarmStartPrices(int64_t max_abs_cost, bool hinted) {
  std::vector<std::vector<Entry>> margin(num_posts_);
  std::vector<char> queued(num_posts_, 0);
  std::vector<int> queue;
  size_t head = 0;
  auto arrive = [&](int t, int x) {
    if (x == unassigned_) return;
    const int64_t key = BestOption(t, x).first - CostAt(t, x);
    margin[x].push_back({key, t});
    std::push_heap(margin[x].begin(), margin[x].end());
    if (load_[x] > problem_.capacity(x) && !queued[x]) {
      queued[x] = 1;
      queue.push_back(x);
    }
  };
  // epsilon-scaling: raises overshoot by up to epsilon, so each phase starts
  // by taking epsilon back off every price and letting teachers re-choose.
  // The first epsilon is about 1/16 of the largest cost (measured on the
  // issue-4 market: larger starts cost little, small ones start price wars).
  int64_t epsilon = 1;
  while (!hinted && epsilon * 16 <= max_abs_cost) epsilon *= 4;
  std::vector<Entry> out;
  std::vector<int> out_node;
  for (int64_t previous = 0; epsilon >= 1; previous = epsilon, epsilon /= 4) {
    if (previous > 0) {
      for (int x = 0; x < num_posts_; ++x) {
        price_[x] = std::max<int64_t>(0, price_[x] - previous);
      }
    }
    for (auto& h : margin) h.clear();
    queue.clear();
    head = 0;
    std::fill(queued.begin(), queued.end(), 0);
    // Everyone re-chooses (staying on ties); one pass finds her best value,
    // where, and the best value elsewhere (her heap key).
    for (int t = 0; t < n_; ++t) {
      const int current = at_[t];
      int64_t v1 = kInf, v2 = kInf;
      int n1 = -1;
      auto see = [&](int x, int64_t v) {
        if (v < v1 || (v == v1 && x == current)) {
          v2 = v1;
          v1 = v;
          n1 = x;
        } else if (v < v2) {
          v2 = v;
        }
      };
      absl::Span<const int> posts = problem_.option_posts(t);
      absl::Span<const int64_t> costs = problem_.option_costs(t);
      for (size_t k = 0; k < posts.size(); ++k) {
        see(posts[k], costs[k] + price_[posts[k]]);
      }
      see(unassigned_, UnassignedCost(t));
      if (n1 != current) {
        --load_[current];
        ++load_[n1];
        at_[t] = n1;
        at_cost_[t] = CostAt(t, n1);
      }
      if (n1 == unassigned_) continue;
      margin[n1].push_back({v2 - at_cost_[t], t});
    }
    for (int x = 0; x < num_posts_; ++x) {
      std::make_heap(margin[x].begin(), margin[x].end());
      if (load_[x] > problem_.capacity(x)) {
        queued[x] = 1;
        queue.push_back(x);
      }
    }
    // A safety net against price wars; the exact phase finishes anyway.
    int64_t budget = 16 * int64_t{n_} + 1000;
    while (head < queue.size() && budget > 0) {
      const int x = queue[head++];
      queued[x] = 0;
      const int64_t excess = load_[x] - problem_.capacity(x);
      if (excess <= 0) continue;
      std::vector<Entry>& h = margin[x];
      out.clear();
      out_node.clear();
      while (static_cast<int64_t>(out.size()) < excess) {
        std::pop_heap(h.begin(), h.end());
        Entry e = h.back();
        h.pop_back();
        auto [alternative, where] = BestOption(e.teacher, x);
        const int64_t key = alternative - at_cost_[e.teacher];
        if (key > e.key) {
          h.push_back({key, e.teacher});
          std::push_heap(h.begin(), h.end());
          continue;
        }
        out.push_back(e);
        out_node.push_back(where);
      }
      price_[x] = std::max(price_[x], out.back().key + epsilon);
      for (size_t i = 0; i < out.size(); ++i) {
        const int t = out[i].teacher;
        const int y = out_node[i];
        --load_[x];
        ++load_[y];
        at_[t] = y;
        at_cost_[t] = CostAt(t, y);
        arrive(t, y);
        --budget;
      }
    }
  }
}

void AssignmentSolver::Place(int t, int x, int64_t cost) {
  at_[t] = x;
  at_cost_[t] = cost;
  Node& node = nodes_[x];
  if (node.built) {
    AddToBuilt(x, t);
  } else {
    node.holders.push_back(t);
  }
}

void AssignmentSolver::Build(int a) {
  Node& node = nodes_[a];
  node.built = true;
  std::vector<int> order;
  for (int t : node.holders) {
    if (at_[t] != a || stamp_[t] == a) continue;
    stamp_[t] = a;
    const int64_t here = at_cost_[t];
    auto add = [&](int b, int64_t cost) {
      if (b == a) return;
      if (slot_[b] < 0) {
        slot_[b] = static_cast<int>(node.heap.size());
        node.heap.emplace_back();
        order.push_back(b);
      }
      node.heap[slot_[b]].push_back({cost - here, t});
    };
    absl::Span<const int> posts = problem_.option_posts(t);
    absl::Span<const int64_t> costs = problem_.option_costs(t);
    for (size_t k = 0; k < posts.size(); ++k) add(posts[k], costs[k]);
    add(unassigned_, UnassignedCost(t));
  }
  node.holders.clear();
  node.holders.shrink_to_fit();
  // Sort neighbours so later insertions can binary-search them.
  std::vector<int> by_id(order);
  std::sort(by_id.begin(), by_id.end());
  std::vector<std::vector<Entry>> heaps(by_id.size());
  for (size_t i = 0; i < by_id.size(); ++i) {
    heaps[i] = std::move(node.heap[slot_[by_id[i]]]);
    std::make_heap(heaps[i].begin(), heaps[i].end());
  }
  for (int b : order) slot_[b] = -1;
  node.neighbor = std::move(by_id);
  node.heap = std::move(heaps);
  node.top_key.resize(node.neighbor.size());
  node.top_teacher.resize(node.neighbor.size());
  for (size_t i = 0; i < node.neighbor.size(); ++i) SyncTop(node, i);
}

void AssignmentSolver::AddToBuilt(int a, int t) {
  Node& node = nodes_[a];
  const int64_t here = at_cost_[t];
  auto add = [&](int b, int64_t cost) {
    if (b == a) return;
    auto it = std::lower_bound(node.neighbor.begin(), node.neighbor.end(), b);
    size_t i = it - node.neighbor.begin();
    if (it == node.neighbor.end() || *it != b) {
      node.neighbor.insert(it, b);
      node.heap.insert(node.heap.begin() + i, std::vector<Entry>());
      node.top_key.insert(node.top_key.begin() + i, kInf);
      node.top_teacher.insert(node.top_teacher.begin() + i, -1);
    }
    std::vector<Entry>& h = node.heap[i];
    h.push_back({cost - here, t});
    std::push_heap(h.begin(), h.end());
    SyncTop(node, i);
  };
  absl::Span<const int> posts = problem_.option_posts(t);
  absl::Span<const int64_t> costs = problem_.option_costs(t);
  for (size_t k = 0; k < posts.size(); ++k) add(posts[k], costs[k]);
  add(unassigned_, UnassignedCost(t));
}

int64_t AssignmentSolver::ArcReduced(int a, int i, int* head, int* teacher) {
  *teacher = -1;
  if (a == sink_) {
    // Un-route the last routed seat of node i.
    *head = i;
    if (routed_[i] == 0) return kInf;
    return -SeatCost(i, routed_[i] - 1) + potential_[sink_] - potential_[i];
  }
  if (i == 0) {
    *head = sink_;
    const int64_t seat = SeatCost(a, routed_[a]);
    if (seat == kInf) return kInf;
    return seat + potential_[a] - potential_[sink_];
  }
  Node& node = nodes_[a];
  const size_t slot = i - 1;
  *head = node.neighbor[slot];
  int top = node.top_teacher[slot];
  if (top >= 0 && at_[top] != a) {
    // Drop teachers who have left since they were pushed.
    std::vector<Entry>& h = node.heap[slot];
    while (!h.empty() && at_[h.front().teacher] != a) {
      std::pop_heap(h.begin(), h.end());
      h.pop_back();
    }
    SyncTop(node, slot);
    top = node.top_teacher[slot];
  }
  if (top < 0) return kInf;
  *teacher = top;
  return node.top_key[slot] + potential_[a] - potential_[*head];
}

int AssignmentSolver::NumArcs(int a) {
  if (a == sink_) return unassigned_ + 1;
  if (!nodes_[a].built) Build(a);
  return 1 + static_cast<int>(nodes_[a].neighbor.size());
}

int64_t AssignmentSolver::Round() {
  // Multi-source Dijkstra on reduced costs, up to the nearest deficit.
  auto push = [&](int64_t d, int v) {
    queue_.push_back({d, v});
    std::push_heap(queue_.begin(), queue_.end(), std::greater<>());
  };
  for (int x = 0; x < num_nodes_; ++x) {
    if (Imbalance(x) > 0) {
      dist_[x] = 0;
      parent_[x] = -1;
      parent_teacher_[x] = -1;
      touched_.push_back(x);
      push(0, x);
    }
  }
  bool found = false;
  int64_t bound = 0;
  while (!queue_.empty()) {
    std::pop_heap(queue_.begin(), queue_.end(), std::greater<>());
    auto [d, a] = queue_.back();
    queue_.pop_back();
    if (settled_[a] || d != dist_[a]) continue;
    if (Imbalance(a) < 0) {
      found = true;
      bound = d;
      queue_target_ = a;
      break;
    }
    settled_[a] = 1;
    settled_list_.push_back(a);
    const int arcs = NumArcs(a);
    for (int i = 0; i < arcs; ++i) {
      int b, teacher;
      const int64_t reduced = ArcReduced(a, i, &b, &teacher);
      if (reduced == kInf || settled_[b]) continue;
      ROTA_CHECK(reduced >= 0) << "negative reduced cost " << a << "->" << b;
      const int64_t nd = d + reduced;
      if (nd < dist_[b]) {
        if (dist_[b] == kInf) touched_.push_back(b);
        dist_[b] = nd;
        parent_[b] = a;
        parent_teacher_[b] = teacher;
        push(nd, b);
      }
    }
  }
  queue_.clear();
  ROTA_CHECK(found) << "no deficit reachable from the excess nodes";
  const int target = queue_target_;
  // Potentials: every node moves by min(dist, bound); the common shift is
  // dropped (it cancels in every reduced cost).
  for (int a : settled_list_) potential_[a] -= bound - dist_[a];

  // The shortest path found has reduced cost 0 now: push one unit along it.
  path_.clear();
  path_teacher_.clear();
  for (int b = target; b != -1; b = parent_[b]) {
    path_.push_back(b);
    path_teacher_.push_back(parent_teacher_[b]);
  }
  std::reverse(path_.begin(), path_.end());
  std::reverse(path_teacher_.begin(), path_teacher_.end());
  ApplyPath();
  for (int v : touched_) {
    dist_[v] = kInf;
    settled_[v] = 0;
  }
  touched_.clear();
  settled_list_.clear();
  int64_t pushed = 1;
  // Then search for more zero-cost paths. In the long tail that search finds
  // little and scans the whole graph, so after a poor search it is only
  // retried every 8th round.
  ++round_;
  if (last_search_pushed_ > 1 || round_ % 8 == 0) {
    int64_t found_more = 0;
    for (int x = 0; x < num_nodes_; ++x) {
      while (Imbalance(x) > 0 && dead_[x] != round_ && Augment(x)) {
        ++found_more;
      }
    }
    last_search_pushed_ = found_more;
    pushed += found_more;
  }
  return pushed;
}

// Moves one unit along path_ (teacher moves, seat (un)routing).
void AssignmentSolver::ApplyPath() {
  for (size_t i = 1; i < path_.size(); ++i) {
    const int from = path_[i - 1], to = path_[i];
    if (to == sink_) {
      ++routed_[from];
      ++sink_excess_;
    } else if (from == sink_) {
      --routed_[to];
      --sink_excess_;
    } else {
      const int t = path_teacher_[i];
      --load_[from];
      ++load_[to];
      Place(t, to, CostAt(t, to));
    }
  }
}

// Depth-first search from `source` over arcs of reduced cost 0 to a node
// with a deficit; pushes one unit along the path found.
bool AssignmentSolver::Augment(int source) {
  ++visit_stamp_;
  path_.clear();
  path_teacher_.clear();
  path_.push_back(source);
  path_teacher_.push_back(-1);
  visit_[source] = visit_stamp_;
  while (!path_.empty()) {
    const int a = path_.back();
    if (iter_round_[a] != round_) {
      iter_round_[a] = round_;
      iter_[a] = 0;
    }
    const int arcs = NumArcs(a);
    int next = -1, via = -1;
    for (; iter_[a] < arcs; ++iter_[a]) {
      int b, teacher;
      const int64_t reduced = ArcReduced(a, iter_[a], &b, &teacher);
      if (reduced == 0 && dead_[b] != round_ && visit_[b] != visit_stamp_) {
        next = b;
        via = teacher;
        break;
      }
    }
    if (next < 0) {
      dead_[a] = round_;
      path_.pop_back();
      path_teacher_.pop_back();
      if (!path_.empty()) ++iter_[path_.back()];
      continue;
    }
    visit_[next] = visit_stamp_;
    path_.push_back(next);
    path_teacher_.push_back(via);
    if (Imbalance(next) < 0) {
      ApplyPath();
      return true;
    }
  }
  return false;
}

absl::StatusOr<AssignmentResult> AssignmentSolver::Run() {
  ROTA_RETURN_IF_ERROR(problem_.Validate());
  // Penalty M for an unmet floor seat or a teacher who may not stay out: it
  // exceeds any difference in real cost, so violations are minimised first.
  bool any_floor = false, any_forced = false;
  int64_t max_abs = 0;
  for (int s = 0; s < num_posts_; ++s) any_floor |= problem_.floor(s) > 0;
  for (int t = 0; t < n_; ++t) {
    for (int64_t c : problem_.option_costs(t)) {
      max_abs = std::max(max_abs, Abs(c));
    }
    std::optional<int64_t> u = problem_.unassigned_cost(t);
    if (u.has_value()) {
      max_abs = std::max(max_abs, Abs(*u));
    } else {
      any_forced = true;
    }
  }
  if (any_floor || any_forced) {
    const int128 m = int128{n_ + 1} * (2 * int128{max_abs} + 1) + 1;
    if (m * (num_nodes_ + 4) * 4 > kSumLimit) {
      return absl::InvalidArgumentError(
          "costs too large: the floor/placement penalty would overflow");
    }
    penalty_ = static_cast<int64_t>(m);
  }

  at_.assign(n_, -1);
  at_cost_.assign(n_, 0);
  load_.assign(num_nodes_, 0);
  routed_.assign(num_nodes_, 0);
  potential_.assign(num_nodes_, 0);
  price_.assign(num_nodes_, 0);
  const bool hinted = !any_floor && !problem_.price_hint().empty();
  if (hinted) {
    // Clamped to what an optimal price can be, so sums stay in range.
    const int64_t top = max_abs + penalty_;
    for (int s = 0; s < num_posts_; ++s) {
      price_[s] = std::clamp<int64_t>(problem_.price_hint()[s], 0, top);
    }
  }
  nodes_.resize(num_nodes_);
  dist_.assign(num_nodes_, kInf);
  parent_.assign(num_nodes_, -1);
  parent_teacher_.assign(num_nodes_, -1);
  settled_.assign(num_nodes_, 0);
  slot_.assign(num_nodes_, -1);
  stamp_.assign(n_, -1);
  dead_.assign(num_nodes_, -1);
  iter_round_.assign(num_nodes_, -1);
  visit_.assign(num_nodes_, -1);
  iter_.assign(num_nodes_, 0);

  // Everyone at her cheapest option: optimal while no seat limit binds.
  for (int t = 0; t < n_; ++t) {
    auto [cost, x] = BestOption(t, -1);
    at_[t] = x;
    at_cost_[t] = cost;
    ++load_[x];
  }
  if (!any_floor) {
    WarmStartPrices(max_abs, hinted);
    // The exact phase needs every teacher at an exact best option.
    std::fill(load_.begin(), load_.end(), 0);
    for (int t = 0; t < n_; ++t) {
      const int64_t here = at_cost_[t] + price_[at_[t]];
      auto [best, x] = BestOption(t, -1);
      if (best < here) {
        at_[t] = x;
        at_cost_[t] = CostAt(t, x);
      }
      ++load_[at_[t]];
    }
    for (int x = 0; x <= unassigned_; ++x) potential_[x] = -price_[x];
  } else {
    // Floor seats cost -M: start the sink at -M so they have reduced cost 0.
    potential_[sink_] = -penalty_;
  }
  for (int t = 0; t < n_; ++t) nodes_[at_[t]].holders.push_back(t);
  // Seats with negative reduced cost are routed (they must be), and those
  // with reduced cost 0 while units are there.
  int64_t routed_total = 0;
  for (int x = 0; x <= unassigned_; ++x) {
    while (true) {
      const int64_t seat = SeatCost(x, routed_[x]);
      if (seat == kInf) break;
      const int64_t reduced = seat + potential_[x] - potential_[sink_];
      if (reduced < 0 || (reduced == 0 && routed_[x] < load_[x])) {
        ROTA_CHECK(x != unassigned_ || reduced == 0);
        ++routed_[x];
      } else {
        break;
      }
    }
    routed_total += routed_[x];
  }
  sink_excess_ = routed_total - n_;
  int64_t excess = 0;
  for (int x = 0; x < num_nodes_; ++x)
    excess += std::max<int64_t>(0, Imbalance(x));
  while (excess > 0) excess -= Round();

  AssignmentResult result;
  result.post_of_teacher.resize(n_);
  result.load.assign(load_.begin(), load_.begin() + num_posts_);
  result.price.resize(num_posts_);
  for (int s = 0; s < num_posts_; ++s) {
    result.price[s] = potential_[sink_] - potential_[s];
  }
  int128 cost = 0;
  std::vector<std::string> problems;
  for (int t = 0; t < n_; ++t) {
    if (at_[t] == unassigned_) {
      result.post_of_teacher[t] = kUnassigned;
      if (problem_.unassigned_cost(t).has_value()) {
        cost += at_cost_[t];
      } else {
        result.unplaced_teachers.push_back(t);
      }
    } else {
      result.post_of_teacher[t] = at_[t];
      cost += at_cost_[t];
    }
  }
  result.cost = static_cast<int64_t>(cost);
  for (int s = 0; s < num_posts_; ++s) {
    if (load_[s] < problem_.floor(s)) {
      result.unmet_floor_posts.push_back(s);
      problems.push_back(absl::StrCat(problem_.PostLabel(s), " floor ",
                                      problem_.floor(s), " (at most ", load_[s],
                                      " can be placed there)"));
    }
  }
  if (!result.unplaced_teachers.empty()) {
    std::vector<std::string> who;
    for (int t : result.unplaced_teachers) who.push_back(absl::StrCat(t));
    problems.push_back(absl::StrCat(
        result.unplaced_teachers.size() == 1 ? "teacher " : "teachers ",
        JoinLimited(who),
        " cannot be placed (no unassigned option; listed posts full or "
        "needed for floors)"));
  }
  if (problems.empty()) {
    result.status = FlowStatus::kOptimal;
  } else {
    result.reason = absl::StrCat("infeasible: ", absl::StrJoin(problems, "; "));
  }
  return result;
}

}  // namespace

absl::StatusOr<AssignmentResult> SolveAssignment(
    const AssignmentProblem& problem) {
  AssignmentSolver solver(problem);
  return solver.Run();
}

absl::StatusOr<int64_t> CheckAssignmentCertificate(
    const AssignmentProblem& problem, const AssignmentResult& result) {
  ROTA_RETURN_IF_ERROR(problem.Validate());
  const int n = problem.num_teachers();
  const int num_p = problem.num_posts();
  if (result.post_of_teacher.size() != static_cast<size_t>(n)) {
    return absl::InvalidArgumentError(
        absl::StrCat("post_of_teacher has ", result.post_of_teacher.size(),
                     " entries for ", n, " teachers"));
  }
  if (result.price.size() != static_cast<size_t>(num_p)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "price has ", result.price.size(), " entries for ", num_p, " posts"));
  }
  std::vector<int64_t> load(num_p, 0);
  int128 cost = 0;
  for (int t = 0; t < n; ++t) {
    absl::Span<const int> posts = problem.option_posts(t);
    absl::Span<const int64_t> costs = problem.option_costs(t);
    const std::optional<int64_t> stay_out = problem.unassigned_cost(t);
    const int at = result.post_of_teacher[t];
    int128 value = 0;  // c(t, at) + price(at)
    if (at == kUnassigned) {
      if (!stay_out.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("teacher ", t, " is unassigned but must be placed"));
      }
      value = *stay_out;
      cost += *stay_out;
    } else {
      size_t k = 0;
      while (k < posts.size() && posts[k] != at) ++k;
      if (k == posts.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("teacher ", t, " is placed at ", problem.PostLabel(at),
                         " which she does not list"));
      }
      ++load[at];
      value = int128{costs[k]} + result.price[at];
      cost += costs[k];
    }
    for (size_t k = 0; k < posts.size(); ++k) {
      if (int128{costs[k]} + result.price[posts[k]] < value) {
        return absl::InvalidArgumentError(absl::StrCat(
            "teacher ", t, " would pay less at ", problem.PostLabel(posts[k]),
            " (cost ", costs[k], " + price ", result.price[posts[k]],
            ") than where she is"));
      }
    }
    if (stay_out.has_value() && int128{*stay_out} < value) {
      return absl::InvalidArgumentError(
          absl::StrCat("teacher ", t, " would pay less unassigned (", *stay_out,
                       ") than where she is"));
    }
  }
  for (int s = 0; s < num_p; ++s) {
    if (load[s] > problem.capacity(s) || load[s] < problem.floor(s)) {
      return absl::InvalidArgumentError(absl::StrCat(
          problem.PostLabel(s), ": ", load[s], " teachers outside [",
          problem.floor(s), ", ", problem.capacity(s), "]"));
    }
    if (result.price[s] > 0 && load[s] != problem.capacity(s)) {
      return absl::InvalidArgumentError(
          absl::StrCat(problem.PostLabel(s), ": price ", result.price[s],
                       " > 0 but the post is not full (", load[s], " of ",
                       problem.capacity(s), ")"));
    }
    if (result.price[s] < 0 && load[s] != problem.floor(s)) {
      return absl::InvalidArgumentError(
          absl::StrCat(problem.PostLabel(s), ": price ", result.price[s],
                       " < 0 but the post is above its floor (", load[s], " > ",
                       problem.floor(s), ")"));
    }
  }
  return static_cast<int64_t>(cost);
}

}  // namespace rota::engine
