#include "engine/min_cost_flow.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rota::engine {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

// ---------------------------------------------------------------------------
// Brute force for general networks: every integer flow within the bounds.

struct BruteFlow {
  int64_t cost = kNone;                           // kNone: infeasible
  std::vector<std::vector<int64_t>> worse_flows;  // feasible, costlier
};

BruteFlow BruteForceFlow(const MinCostFlowProblem& p) {
  BruteFlow out;
  const int m = p.num_arcs();
  std::vector<int64_t> f(m);
  for (int a = 0; a < m; ++a) f[a] = p.lower(a);
  std::vector<std::pair<int64_t, std::vector<int64_t>>> feasible;
  while (true) {
    std::vector<int64_t> bal(p.num_nodes(), 0);
    int64_t cost = 0;
    for (int a = 0; a < m; ++a) {
      bal[p.tail(a)] += f[a];
      bal[p.head(a)] -= f[a];
      cost += f[a] * p.cost(a);
    }
    bool ok = true;
    for (int v = 0; v < p.num_nodes(); ++v) ok &= bal[v] == p.supply(v);
    if (ok) {
      feasible.push_back({cost, f});
      out.cost = std::min(out.cost, cost);
    }
    int a = 0;
    while (a < m && f[a] == p.upper(a)) {
      f[a] = p.lower(a);
      ++a;
    }
    if (a == m) break;
    ++f[a];
  }
  for (auto& [cost, flow] : feasible) {
    if (cost > out.cost && out.worse_flows.size() < 3) {
      out.worse_flows.push_back(flow);
    }
  }
  return out;
}

MinCostFlowProblem RandomNetwork(std::mt19937_64& rng) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  MinCostFlowProblem p;
  const int n = uniform(1, 5);
  const int m = uniform(0, 6);
  int64_t sum = 0;
  for (int v = 0; v < n; ++v) {
    int64_t s = uniform(-2, 2);
    p.AddNode(s);
    sum += s;
  }
  if (uniform(0, 9) > 0) p.SetSupply(n - 1, p.supply(n - 1) - sum);
  for (int a = 0; a < m; ++a) {
    int64_t upper = uniform(0, 3);
    int64_t lower =
        uniform(0, 4) == 0 ? uniform(0, static_cast<int>(upper)) : 0;
    p.AddArc(uniform(0, n - 1), uniform(0, n - 1), lower, upper,
             uniform(-4, 9));
  }
  return p;
}

TEST(MinCostFlowTest, MatchesBruteForceOnRandomNetworks) {
  int optimal = 0, infeasible = 0;
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    std::mt19937_64 rng(seed);
    MinCostFlowProblem p = RandomNetwork(rng);
    BruteFlow brute = BruteForceFlow(p);
    absl::StatusOr<MinCostFlowResult> r = SolveMinCostFlow(p);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status();
    if (brute.cost == kNone) {
      ++infeasible;
      ASSERT_EQ(r->status, FlowStatus::kInfeasible) << "seed " << seed;
      const FlowInfeasibility& inf = r->infeasibility;
      EXPECT_GT(inf.required, inf.available) << "seed " << seed;
      EXPECT_FALSE(inf.nodes.empty()) << "seed " << seed;
      EXPECT_FALSE(inf.reason.empty()) << "seed " << seed;
      continue;
    }
    ++optimal;
    ASSERT_EQ(r->status, FlowStatus::kOptimal) << "seed " << seed;
    EXPECT_EQ(r->cost, brute.cost) << "seed " << seed;
    absl::StatusOr<int64_t> checked =
        CheckMinCostFlowCertificate(p, r->flow, r->potential);
    ASSERT_TRUE(checked.ok()) << "seed " << seed << ": " << checked.status();
    EXPECT_EQ(*checked, brute.cost) << "seed " << seed;
    // No potentials can certify a costlier feasible flow.
    for (const std::vector<int64_t>& worse : brute.worse_flows) {
      EXPECT_FALSE(CheckMinCostFlowCertificate(p, worse, r->potential).ok())
          << "seed " << seed;
    }
    // Breaking conservation on any arc is caught.
    for (int a = 0; a < p.num_arcs(); ++a) {
      std::vector<int64_t> bent = r->flow;
      bent[a] += bent[a] < p.upper(a) ? 1 : -1;
      if (bent[a] < p.lower(a) || p.tail(a) == p.head(a)) continue;
      EXPECT_FALSE(CheckMinCostFlowCertificate(p, bent, r->potential).ok())
          << "seed " << seed << " arc " << a;
    }
    // Shifting one potential breaks the certificate on an arc strictly
    // between its bounds (reduced cost must be exactly 0 there).
    for (int a = 0; a < p.num_arcs(); ++a) {
      if (p.tail(a) == p.head(a)) continue;
      if (r->flow[a] > p.lower(a) && r->flow[a] < p.upper(a)) {
        std::vector<int64_t> pot = r->potential;
        ++pot[p.head(a)];
        EXPECT_FALSE(CheckMinCostFlowCertificate(p, r->flow, pot).ok())
            << "seed " << seed << " arc " << a;
      }
    }
  }
  // The generator must exercise both outcomes.
  EXPECT_GT(optimal, 700);
  EXPECT_GT(infeasible, 300);
}

TEST(MinCostFlowTest, DeterministicFlow) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    MinCostFlowProblem p = RandomNetwork(rng);
    auto a = SolveMinCostFlow(p);
    auto b = SolveMinCostFlow(p);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->flow, b->flow) << "seed " << seed;
    EXPECT_EQ(a->potential, b->potential) << "seed " << seed;
  }
}

TEST(MinCostFlowTest, InfeasibleDemandNamesTheNode) {
  MinCostFlowProblem p;
  int s = p.AddNode(5, "depot");
  int t = p.AddNode(-5, "school B");
  int a = p.AddArc(s, t, 0, 3, 1, "road");
  auto r = SolveMinCostFlow(p);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, FlowStatus::kInfeasible);
  EXPECT_EQ(r->infeasibility.required, 5);
  EXPECT_EQ(r->infeasibility.available, 3);
  EXPECT_THAT(r->infeasibility.binding_arcs, ::testing::ElementsAre(a));
  EXPECT_THAT(r->infeasibility.reason, HasSubstr("node 0 'depot'"));
  EXPECT_THAT(r->infeasibility.reason, HasSubstr("'road'"));
  EXPECT_THAT(r->infeasibility.reason, HasSubstr("upper 3"));
}

TEST(MinCostFlowTest, InfeasibleLowerBoundNamesTheArc) {
  // 0 -> 1 must carry at least 4, but node 1 can pass on only 2.
  MinCostFlowProblem p;
  p.AddNode(0);
  p.AddNode(0, "hub");
  p.AddNode(0);
  p.AddArc(2, 0, 0, 10, 0);
  int forced = p.AddArc(0, 1, 4, 10, 1, "forced");
  p.AddArc(1, 2, 0, 2, 1, "narrow");
  auto r = SolveMinCostFlow(p);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, FlowStatus::kInfeasible);
  const FlowInfeasibility& inf = r->infeasibility;
  EXPECT_THAT(inf.nodes, ::testing::ElementsAre(1));
  EXPECT_TRUE(inf.surplus);
  EXPECT_EQ(inf.required, 4);
  EXPECT_EQ(inf.available, 2);
  EXPECT_THAT(inf.binding_arcs, ::testing::Contains(forced));
  EXPECT_THAT(inf.reason, HasSubstr("'forced'"));
  EXPECT_THAT(inf.reason, HasSubstr("lower 4"));
  EXPECT_THAT(inf.reason, HasSubstr("'hub'"));
}

TEST(MinCostFlowTest, UnbalancedSuppliesAreInfeasible) {
  MinCostFlowProblem p;
  p.AddNode(3);
  p.AddNode(-1);
  p.AddArc(0, 1, 0, 5, 1);
  auto r = SolveMinCostFlow(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, FlowStatus::kInfeasible);
  EXPECT_THAT(r->infeasibility.reason, HasSubstr("supplies sum to 2"));
}

TEST(MinCostFlowTest, BadInputIsInvalidArgumentNamingTheItem) {
  {
    MinCostFlowProblem p;
    p.AddNode();
    p.AddArc(0, 7, 0, 1, 0);
    auto r = SolveMinCostFlow(p);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("unknown head node 7"));
  }
  {
    MinCostFlowProblem p;
    p.AddNode();
    p.AddNode();
    p.AddArc(0, 1, 0, 1, 0);
    p.AddArc(0, 1, 0, -2, 0, "bad");
    auto r = SolveMinCostFlow(p);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("arc 1 'bad'"));
    EXPECT_THAT(r.status().message(), HasSubstr("negative capacity"));
  }
  {
    MinCostFlowProblem p;
    p.AddNode();
    p.SetSupply(4, 1);
    EXPECT_THAT(SolveMinCostFlow(p).status().message(),
                HasSubstr("SetSupply: unknown node 4"));
  }
  {
    MinCostFlowProblem p;
    p.AddNode();
    p.AddNode();
    p.AddArc(0, 1, 3, 2, 0);
    auto r = SolveMinCostFlow(p);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(),
                HasSubstr("lower bound 3 above capacity 2"));
  }
  {
    MinCostFlowProblem p;
    p.AddNode();
    p.AddNode();
    p.AddArc(0, 1, 0, 2, kMaxFlowCost + 1);
    EXPECT_EQ(SolveMinCostFlow(p).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

// ---------------------------------------------------------------------------
// Assignments.

struct BruteAssignment {
  // Lexicographic optimum of (violations, cost); violations = unmet floor
  // seats + teachers unassigned without the option.
  int64_t violations = kNone;
  int64_t cost = kNone;
};

BruteAssignment BruteForceAssignment(const AssignmentProblem& p) {
  const int n = p.num_teachers();
  const int num_p = p.num_posts();
  // choice[t] in [0, options] where options = unassigned.
  std::vector<int> choice(n, 0);
  BruteAssignment best;
  while (true) {
    std::vector<int64_t> load(num_p, 0);
    int64_t cost = 0, violations = 0;
    for (int t = 0; t < n; ++t) {
      auto posts = p.option_posts(t);
      if (choice[t] == static_cast<int>(posts.size())) {
        if (auto u = p.unassigned_cost(t)) {
          cost += *u;
        } else {
          ++violations;
        }
      } else {
        ++load[posts[choice[t]]];
        cost += p.option_costs(t)[choice[t]];
      }
    }
    bool fits = true;
    for (int s = 0; s < num_p; ++s) {
      fits &= load[s] <= p.capacity(s);
      violations += std::max<int64_t>(0, p.floor(s) - load[s]);
    }
    if (fits && (violations < best.violations ||
                 (violations == best.violations && cost < best.cost))) {
      best = {violations, cost};
    }
    int t = 0;
    while (t < n && choice[t] == static_cast<int>(p.option_posts(t).size())) {
      choice[t] = 0;
      ++t;
    }
    if (t == n) break;
    ++choice[t];
  }
  return best;
}

AssignmentProblem RandomAssignment(std::mt19937_64& rng, int max_teachers) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  AssignmentProblem p;
  const int num_p = uniform(1, 3);
  const bool floors = uniform(0, 2) == 0;
  for (int s = 0; s < num_p; ++s) {
    int cap = uniform(0, 3);
    p.AddPost(cap, floors ? uniform(0, cap) : 0);
  }
  const int n = uniform(0, max_teachers);
  if (uniform(0, 4) > 0) p.set_unassigned_cost(uniform(-2, 30));
  for (int t = 0; t < n; ++t) {
    std::vector<int> posts(num_p);
    for (int s = 0; s < num_p; ++s) posts[s] = s;
    std::shuffle(posts.begin(), posts.end(), rng);
    posts.resize(uniform(0, num_p));
    std::vector<AssignmentOption> options;
    for (int s : posts) options.push_back({s, uniform(-3, 20)});
    p.AddTeacher(options);
    if (uniform(0, 5) == 0) {
      p.SetTeacherUnassignedCost(t, uniform(0, 1)
                                        ? std::optional<int64_t>(uniform(0, 25))
                                        : std::nullopt);
    }
  }
  return p;
}

int64_t Violations(const AssignmentProblem& p, const AssignmentResult& r) {
  int64_t v = 0;
  for (int s = 0; s < p.num_posts(); ++s) {
    v += std::max<int64_t>(0, p.floor(s) - r.load[s]);
  }
  for (int t = 0; t < p.num_teachers(); ++t) {
    if (r.post_of_teacher[t] == kUnassigned && !p.unassigned_cost(t)) ++v;
  }
  return v;
}

TEST(AssignmentTest, MatchesBruteForceAndGenericSolver) {
  int optimal = 0, infeasible = 0;
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    std::mt19937_64 rng(seed);
    AssignmentProblem p = RandomAssignment(rng, 6);
    BruteAssignment brute = BruteForceAssignment(p);
    absl::StatusOr<AssignmentResult> r = SolveAssignment(p);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status();
    ASSERT_EQ(r->post_of_teacher.size(), static_cast<size_t>(p.num_teachers()));
    // Capacities always hold; the violation count is the minimum possible.
    for (int s = 0; s < p.num_posts(); ++s) {
      ASSERT_LE(r->load[s], p.capacity(s)) << "seed " << seed;
    }
    ASSERT_EQ(Violations(p, *r), brute.violations) << "seed " << seed;
    auto generic = SolveMinCostFlow(AssignmentAsFlow(p));
    ASSERT_TRUE(generic.ok()) << "seed " << seed;
    if (brute.violations > 0) {
      ++infeasible;
      EXPECT_EQ(r->status, FlowStatus::kInfeasible) << "seed " << seed;
      EXPECT_EQ(generic->status, FlowStatus::kInfeasible) << "seed " << seed;
      EXPECT_FALSE(r->reason.empty()) << "seed " << seed;
      EXPECT_FALSE(r->unmet_floor_posts.empty() && r->unplaced_teachers.empty())
          << "seed " << seed;
      continue;
    }
    ++optimal;
    ASSERT_EQ(r->status, FlowStatus::kOptimal) << "seed " << seed;
    EXPECT_EQ(r->cost, brute.cost) << "seed " << seed;
    ASSERT_EQ(generic->status, FlowStatus::kOptimal) << "seed " << seed;
    EXPECT_EQ(generic->cost, brute.cost) << "seed " << seed;
    absl::StatusOr<int64_t> checked = CheckAssignmentCertificate(p, *r);
    ASSERT_TRUE(checked.ok()) << "seed " << seed << ": " << checked.status();
    EXPECT_EQ(*checked, brute.cost) << "seed " << seed;
    // The checker accepts only optimal assignments: move one teacher to
    // each other option; whenever that costs more it must be rejected.
    for (int t = 0; t < p.num_teachers(); ++t) {
      auto posts = p.option_posts(t);
      for (size_t k = 0; k <= posts.size(); ++k) {
        AssignmentResult moved = *r;
        moved.post_of_teacher[t] = k == posts.size() ? kUnassigned : posts[k];
        if (moved.post_of_teacher[t] == r->post_of_teacher[t]) continue;
        absl::StatusOr<int64_t> c = CheckAssignmentCertificate(p, moved);
        if (c.ok()) {
          EXPECT_EQ(*c, brute.cost) << "seed " << seed;
        }
      }
    }
    // Perturbed prices never certify a wrong cost either.
    for (int s = 0; s < p.num_posts(); ++s) {
      for (int delta : {-1, 1}) {
        AssignmentResult bumped = *r;
        bumped.price[s] += delta;
        absl::StatusOr<int64_t> c = CheckAssignmentCertificate(p, bumped);
        if (c.ok()) {
          EXPECT_EQ(*c, brute.cost) << "seed " << seed;
        }
      }
    }
  }
  EXPECT_GT(optimal, 1000);
  EXPECT_GT(infeasible, 200);
}

TEST(AssignmentTest, HeaderExample) {
  AssignmentProblem p;
  int near = p.AddPost(1);
  int far = p.AddPost(2);
  p.set_unassigned_cost(20000);
  p.AddTeacher({{near, 3}, {far, 10}});
  p.AddTeacher({{near, 1}, {far, 20}});
  auto r = SolveAssignment(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, FlowStatus::kOptimal);
  EXPECT_THAT(r->post_of_teacher, ::testing::ElementsAre(far, near));
  EXPECT_EQ(r->cost, 11);
  EXPECT_TRUE(CheckAssignmentCertificate(p, *r).ok());
}

// Larger random markets (a few hundred teachers) against the generic solver.
TEST(AssignmentTest, MatchesGenericSolverOnMediumMarkets) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](int lo, int hi) {
      return std::uniform_int_distribution<int>(lo, hi)(rng);
    };
    AssignmentProblem p;
    const int num_p = uniform(5, 30);
    for (int s = 0; s < num_p; ++s) {
      int cap = uniform(0, 20);
      p.AddPost(cap, seed % 3 == 0 ? uniform(0, cap / 3) : 0);
    }
    if (seed % 4 != 1) p.set_unassigned_cost(uniform(50, 500));
    const int n = uniform(50, 300);
    for (int t = 0; t < n; ++t) {
      std::vector<int> posts(num_p);
      for (int s = 0; s < num_p; ++s) posts[s] = s;
      std::shuffle(posts.begin(), posts.end(), rng);
      posts.resize(uniform(1, std::min(num_p, 8)));
      std::vector<AssignmentOption> options;
      for (int s : posts) options.push_back({s, uniform(0, 100)});
      p.AddTeacher(options);
    }
    auto r = SolveAssignment(p);
    auto g = SolveMinCostFlow(AssignmentAsFlow(p));
    ASSERT_TRUE(r.ok() && g.ok()) << "seed " << seed;
    auto again = SolveAssignment(p);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->post_of_teacher, r->post_of_teacher) << "seed " << seed;
    EXPECT_EQ(again->price, r->price) << "seed " << seed;
    ASSERT_EQ(r->status, g->status) << "seed " << seed;
    if (r->status != FlowStatus::kOptimal) continue;
    EXPECT_EQ(r->cost, g->cost) << "seed " << seed;
    auto checked = CheckAssignmentCertificate(p, *r);
    EXPECT_TRUE(checked.ok()) << "seed " << seed << ": " << checked.status();
  }
}

TEST(AssignmentTest, PriceHintChangesNeitherCostNorCertificate) {
  // Hints: the problem's own optimal prices, those of a relaxed problem
  // (fewer options, as in column generation), and random ones.
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](int lo, int hi) {
      return std::uniform_int_distribution<int>(lo, hi)(rng);
    };
    AssignmentProblem p, relaxed;
    const int num_p = uniform(1, 12);
    for (int s = 0; s < num_p; ++s) {
      const int cap = uniform(0, 4);
      p.AddPost(cap);
      relaxed.AddPost(cap);
    }
    std::optional<int64_t> u;
    if (seed % 3 != 0) u = uniform(0, 300);
    p.set_unassigned_cost(u);
    relaxed.set_unassigned_cost(u);
    const int n = uniform(0, 40);
    for (int t = 0; t < n; ++t) {
      std::vector<int> posts(num_p);
      for (int s = 0; s < num_p; ++s) posts[s] = s;
      std::shuffle(posts.begin(), posts.end(), rng);
      posts.resize(uniform(0, num_p));
      std::vector<AssignmentOption> options;
      for (int s : posts) options.push_back({s, uniform(0, 100)});
      p.AddTeacher(options);
      options.resize(std::min<size_t>(options.size(), 2));
      relaxed.AddTeacher(options);
    }
    auto plain = SolveAssignment(p);
    auto from_relaxed = SolveAssignment(relaxed);
    ASSERT_TRUE(plain.ok() && from_relaxed.ok()) << "seed " << seed;
    std::vector<int64_t> random_hint(num_p);
    for (int64_t& x : random_hint) x = uniform(-50, 1000);
    for (const std::vector<int64_t>& hint :
         {plain->price, from_relaxed->price, random_hint}) {
      AssignmentProblem hinted = p;
      hinted.set_price_hint(hint);
      auto r = SolveAssignment(hinted);
      ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status();
      ASSERT_EQ(r->status, plain->status) << "seed " << seed;
      EXPECT_EQ(Violations(p, *r), Violations(p, *plain)) << "seed " << seed;
      if (r->status != FlowStatus::kOptimal) continue;
      EXPECT_EQ(r->cost, plain->cost) << "seed " << seed;
      auto checked = CheckAssignmentCertificate(p, *r);
      EXPECT_TRUE(checked.ok()) << "seed " << seed << ": " << checked.status();
    }
  }
  AssignmentProblem bad;
  bad.AddPost(1);
  bad.set_price_hint({1, 2});
  EXPECT_FALSE(SolveAssignment(bad).ok());
}

TEST(AssignmentTest, UnmetFloorIsNamed) {
  AssignmentProblem p;
  int popular = p.AddPost(3);
  int remote = p.AddPost(2, 2, "village school");
  p.set_unassigned_cost(100);
  p.AddTeacher({{popular, 0}, {remote, 10}});
  p.AddTeacher({{popular, 0}});
  auto r = SolveAssignment(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, FlowStatus::kInfeasible);
  EXPECT_THAT(r->unmet_floor_posts, ::testing::ElementsAre(remote));
  EXPECT_THAT(r->reason, HasSubstr("post 1 'village school' floor 2"));
  // The closest assignment still fills the floor as far as possible.
  EXPECT_EQ(r->post_of_teacher[0], remote);
}

TEST(AssignmentTest, FloorMetAtACost) {
  AssignmentProblem p;
  int popular = p.AddPost(3);
  int remote = p.AddPost(2, 1);
  p.set_unassigned_cost(100);
  p.AddTeacher({{popular, 0}, {remote, 10}});
  p.AddTeacher({{popular, 0}, {remote, 4}});
  auto r = SolveAssignment(p);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, FlowStatus::kOptimal);
  EXPECT_THAT(r->post_of_teacher, ::testing::ElementsAre(popular, remote));
  EXPECT_EQ(r->cost, 4);
  EXPECT_TRUE(CheckAssignmentCertificate(p, *r).ok());
}

TEST(AssignmentTest, TeacherWhoMustBePlacedIsNamed) {
  AssignmentProblem p;
  int only = p.AddPost(1);
  p.AddTeacher({{only, 1}});
  p.AddTeacher({{only, 2}});  // no unassigned option: must be placed
  auto r = SolveAssignment(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, FlowStatus::kInfeasible);
  EXPECT_THAT(r->unplaced_teachers, ::testing::SizeIs(1));
  EXPECT_THAT(r->reason, HasSubstr("cannot be placed"));
}

TEST(AssignmentTest, BadInputIsInvalidArgumentNamingTheItem) {
  {
    AssignmentProblem p;
    p.AddPost(-1, 0, "ghost");
    auto r = SolveAssignment(p);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("post 0 'ghost'"));
    EXPECT_THAT(r.status().message(), HasSubstr("negative capacity"));
  }
  {
    AssignmentProblem p;
    p.AddPost(1);
    p.AddTeacher({{0, 1}});
    p.SetTeacherUnassignedCost(3, 5);  // teacher 3 does not exist
    EXPECT_THAT(SolveAssignment(p).status().message(),
                HasSubstr("unknown teacher 3"));
    p.SetTeacherUnassignedCost(-2, 5);
    EXPECT_THAT(SolveAssignment(p).status().message(),
                HasSubstr("unknown teacher -2"));
  }
  {
    AssignmentProblem p;
    p.AddPost(2, 3);
    EXPECT_THAT(SolveAssignment(p).status().message(),
                HasSubstr("floor 3 above capacity 2"));
  }
  {
    AssignmentProblem p;
    p.AddPost(2);
    p.AddTeacher({{0, 1}, {5, 1}});
    auto r = SolveAssignment(p);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(),
                HasSubstr("teacher 0 option 1: unknown post 5"));
  }
  {
    AssignmentProblem p;
    p.AddPost(2);
    p.AddTeacher({{0, 1}, {0, 2}});
    EXPECT_THAT(SolveAssignment(p).status().message(),
                HasSubstr("teacher 0 lists post 0 twice"));
  }
}

}  // namespace
}  // namespace rota::engine
