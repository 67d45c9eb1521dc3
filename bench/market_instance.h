// The benchmark market of issue 4, shared by the engine benchmarks.
//
// Schools sit on a jittered grid in a 1000 x 1000 square (one school per
// occupied cell of a ceil(sqrt(S)) x ceil(sqrt(S)) grid; the occupied cells
// are a seeded random subset when S is not a square), with an exponential
// popularity and capacities summing to about 0.98 of the teachers. Each
// teacher, uniform in the square, looks at the schools in the 7 x 7 grid cells
// around her own and keeps her best 20 by utility = popularity - distance +
// noise (in cell-size units). For min-cost assignment the arc to her rank-r
// school costs r * 100 + floor(10 * distance / cell size), and leaving her
// unassigned costs 20,000. For deferred acceptance, school s ranks teacher t
// by a random 64-bit hash of (seed, s, t), higher first.
//
// Generation is deterministic in the options (seed included). Not
// thread-safe to share while generating; the result is a plain value.
//
//   MarketOptions options{.teachers = 100000, .schools = 2000};
//   Market market = GenerateMarket(options);
//   engine::AssignmentProblem problem = ToAssignmentProblem(market);
#pragma once

#include <cstdint>
#include <vector>

#include "engine/min_cost_flow.h"
#include "engine/model.h"

namespace rota::bench {

struct MarketOptions {
  int teachers = 5000;           // number of teachers
  int schools = 200;             // number of schools
  uint64_t seed = 1;             // every random draw derives from it
  int list_length = 20;          // schools kept per teacher
  int neighborhood = 3;          // cells around the teacher's own: 3 => 7 x 7
  double capacity_ratio = 0.98;  // sum of capacities / teachers (about)
  double mean_popularity = 2.0;  // exponential mean, in cell sizes
  double noise = 1.0;            // std-dev of the utility noise, in cells
  int64_t rank_cost = 100;       // min-cost arc: rank * rank_cost + ...
  int64_t distance_cost = 10;    // ... + floor(distance_cost * d / cell)
  int64_t unassigned_cost = 20000;
};

struct Market {
  MarketOptions options;
  double cell_size = 0;
  std::vector<double> school_x, school_y, popularity;
  std::vector<int64_t> capacity;
  // Teacher t's list is [list_begin[t], list_begin[t+1]) of list_school
  // (best first) with the min-cost arc cost in list_cost.
  std::vector<int64_t> list_begin;
  std::vector<int32_t> list_school;
  std::vector<int32_t> list_cost;

  int num_teachers() const { return static_cast<int>(list_begin.size()) - 1; }
  int num_schools() const { return static_cast<int>(capacity.size()); }
  // School s's priority of teacher t: higher is better.
  uint64_t Priority(int school, int teacher) const;
};

Market GenerateMarket(const MarketOptions& options);

// The min-cost version: one post per school, the arc costs above, and the
// unassigned cost.
engine::AssignmentProblem ToAssignmentProblem(const Market& market);

// The matching version for engine::CompileDense: preferences = the lists,
// a school's priority = Priority(s, t) >> 1 as points (larger first). With
// `with_holders`, teacher t (in index order) currently holds the school at a
// hashed position of her list, or the next one with a free seat, or none;
// this gives DA*, TTC and TO-BE an initial assignment.
engine::DenseModel ToDenseModel(const Market& market, bool with_holders);

}  // namespace rota::bench
