#include "engine/rules/internal/priced_assignment.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "common/status_macros.h"
#include "engine/min_cost_flow.h"
#include "gtest/gtest.h"

namespace rota::engine::rules::internal {
namespace {

struct Instance {
  std::vector<int64_t> capacity;
  std::vector<std::vector<AssignmentOption>> options;  // sorted by cost
};

Instance Random(uint64_t seed, int max_posts, int max_teachers,
                int64_t max_cost) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  Instance in;
  const int np = static_cast<int>(uniform(1, max_posts));
  const int n = static_cast<int>(uniform(0, max_teachers));
  for (int p = 0; p < np; ++p) in.capacity.push_back(uniform(0, 3));
  const int64_t density = uniform(10, 100);  // percent of posts listed
  for (int t = 0; t < n; ++t) {
    std::vector<AssignmentOption> o;
    for (int p = 0; p < np; ++p) {
      if (uniform(1, 100) <= density) o.push_back({p, uniform(0, max_cost)});
    }
    std::stable_sort(o.begin(), o.end(),
                     [](const AssignmentOption& a, const AssignmentOption& b) {
                       return a.cost < b.cost;
                     });
    in.options.push_back(std::move(o));
  }
  return in;
}

// The reference: every option handed to the solver, no unassigned option.
void Full(const Instance& in, int64_t* placed, int64_t* cost) {
  AssignmentProblem problem;
  for (int64_t c : in.capacity) problem.AddPost(c);
  for (const auto& o : in.options) problem.AddTeacher(o);
  problem.set_unassigned_cost(std::nullopt);
  absl::StatusOr<AssignmentResult> r = SolveAssignment(problem);
  ROTA_CHECK(r.ok());
  *placed = 0;
  *cost = 0;
  for (size_t t = 0; t < in.options.size(); ++t) {
    const int p = r->post_of_teacher[t];
    if (p == kUnassigned) continue;
    ++*placed;
    for (const AssignmentOption& o : in.options[t]) {
      if (o.post == p) *cost += o.cost;
    }
  }
}

// A feasible assignment: every teacher at one of her options or out, no
// post over capacity; returns placed and cost.
void CheckFeasible(const Instance& in, const PricedAssignmentResult& r,
                   uint64_t seed) {
  ASSERT_EQ(r.post_of_teacher.size(), in.options.size()) << "seed " << seed;
  std::vector<int64_t> load(in.capacity.size(), 0);
  int64_t placed = 0, cost = 0;
  for (size_t t = 0; t < in.options.size(); ++t) {
    const int p = r.post_of_teacher[t];
    if (p == kUnassigned) continue;
    ++placed;
    ++load[p];
    bool listed = false;
    for (const AssignmentOption& o : in.options[t]) {
      if (o.post == p) {
        listed = true;
        cost += o.cost;
      }
    }
    EXPECT_TRUE(listed) << "seed " << seed << " teacher " << t;
  }
  for (size_t p = 0; p < load.size(); ++p) {
    EXPECT_LE(load[p], in.capacity[p]) << "seed " << seed << " post " << p;
  }
  EXPECT_EQ(placed, r.placed) << "seed " << seed;
  EXPECT_EQ(cost, r.cost) << "seed " << seed;
}

TEST(PricedAssignmentTest, SameOptimumAsFullListsOnRandomInstances) {
  // Tiny restricted problems force many pricing rounds; ties are frequent
  // (costs 0..10), so only placed and cost are compared.
  const PricedAssignmentOptions settings[] = {{1, 1}, {2, 3}, {8, 16}};
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    const Instance in = Random(seed, 12, 25, seed % 2 == 0 ? 10 : 1000);
    int64_t placed = 0, cost = 0;
    Full(in, &placed, &cost);
    for (const PricedAssignmentOptions& s : settings) {
      absl::StatusOr<PricedAssignmentResult> r =
          SolvePricedAssignment(in.capacity, in.options, s);
      ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status();
      CheckFeasible(in, *r, seed);
      EXPECT_EQ(r->placed, placed) << "seed " << seed;
      EXPECT_EQ(r->cost, cost) << "seed " << seed;
    }
  }
}

TEST(PricedAssignmentTest, LongListsFewSeats) {
  // The county-allocation shape: many teachers, long lists, few seats.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Instance in = Random(seed, 80, 150, 500);
    for (int64_t& c : in.capacity) c = c == 3 ? 1 : 0;
    int64_t placed = 0, cost = 0;
    Full(in, &placed, &cost);
    absl::StatusOr<PricedAssignmentResult> r =
        SolvePricedAssignment(in.capacity, in.options);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status();
    CheckFeasible(in, *r, seed);
    EXPECT_EQ(r->placed, placed) << "seed " << seed;
    EXPECT_EQ(r->cost, cost) << "seed " << seed;
  }
}

TEST(PricedAssignmentTest, RejectsUnsortedOrUnknownOptions) {
  EXPECT_FALSE(SolvePricedAssignment({1}, {{{0, 5}, {0, 3}}}).ok());
  EXPECT_FALSE(SolvePricedAssignment({1}, {{{1, 5}}}).ok());
  EXPECT_FALSE(SolvePricedAssignment({1}, {{{0, -1}}}).ok());
}

TEST(PricedAssignmentTest, EmptyAndUnplaceable) {
  absl::StatusOr<PricedAssignmentResult> r =
      SolvePricedAssignment({0, 1}, {{}, {{0, 1}}, {{1, 4}}, {{1, 2}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->placed, 1);
  EXPECT_EQ(r->cost, 2);
  EXPECT_EQ(r->post_of_teacher,
            (std::vector<int>{kUnassigned, kUnassigned, kUnassigned, 1}));
}

}  // namespace
}  // namespace rota::engine::rules::internal
