#include "bench/market_instance.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

namespace rota::bench {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t Market::Priority(int school, int teacher) const {
  return SplitMix64(SplitMix64(options.seed ^ 0x5eed) ^
                    (static_cast<uint64_t>(school) << 32) ^
                    static_cast<uint64_t>(teacher));
}

Market GenerateMarket(const MarketOptions& options) {
  Market m;
  m.options = options;
  std::mt19937_64 rng(options.seed);
  const int num_s = options.schools;
  const int grid = static_cast<int>(std::ceil(std::sqrt(double(num_s))));
  m.cell_size = 1000.0 / grid;
  std::vector<int> cells(grid * grid);
  std::iota(cells.begin(), cells.end(), 0);
  std::shuffle(cells.begin(), cells.end(), rng);
  cells.resize(num_s);
  std::sort(cells.begin(), cells.end());
  // school_at[cell] = school index or -1.
  std::vector<int> school_at(grid * grid, -1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::exponential_distribution<double> popular(1.0 / options.mean_popularity);
  m.school_x.resize(num_s);
  m.school_y.resize(num_s);
  m.popularity.resize(num_s);
  std::vector<double> weight(num_s);
  double weight_sum = 0;
  for (int s = 0; s < num_s; ++s) {
    const int cx = cells[s] % grid, cy = cells[s] / grid;
    school_at[cells[s]] = s;
    m.school_x[s] = (cx + 0.1 + 0.8 * unit(rng)) * m.cell_size;
    m.school_y[s] = (cy + 0.1 + 0.8 * unit(rng)) * m.cell_size;
    m.popularity[s] = popular(rng);
    weight[s] = 0.5 + unit(rng);
    weight_sum += weight[s];
  }
  m.capacity.resize(num_s);
  for (int s = 0; s < num_s; ++s) {
    m.capacity[s] = static_cast<int64_t>(
        options.capacity_ratio * options.teachers * weight[s] / weight_sum);
  }

  const int n = options.teachers;
  m.list_begin.reserve(n + 1);
  m.list_begin.push_back(0);
  m.list_school.reserve(int64_t{n} * options.list_length);
  m.list_cost.reserve(int64_t{n} * options.list_length);
  std::normal_distribution<double> noise(0.0, options.noise);
  std::vector<std::pair<double, int>> candidates;  // (-utility, school)
  std::vector<double> distance(num_s);
  for (int t = 0; t < n; ++t) {
    const double x = 1000.0 * unit(rng), y = 1000.0 * unit(rng);
    const int cx = std::min(grid - 1, static_cast<int>(x / m.cell_size));
    const int cy = std::min(grid - 1, static_cast<int>(y / m.cell_size));
    candidates.clear();
    for (int dy = -options.neighborhood; dy <= options.neighborhood; ++dy) {
      for (int dx = -options.neighborhood; dx <= options.neighborhood; ++dx) {
        const int gx = cx + dx, gy = cy + dy;
        if (gx < 0 || gy < 0 || gx >= grid || gy >= grid) continue;
        const int s = school_at[gy * grid + gx];
        if (s < 0) continue;
        const double d =
            std::hypot(m.school_x[s] - x, m.school_y[s] - y) / m.cell_size;
        distance[s] = d;
        const double utility = m.popularity[s] - d + noise(rng);
        candidates.push_back({-utility, s});
      }
    }
    const size_t keep =
        std::min<size_t>(candidates.size(), options.list_length);
    std::partial_sort(candidates.begin(), candidates.begin() + keep,
                      candidates.end());
    for (size_t r = 0; r < keep; ++r) {
      const int s = candidates[r].second;
      m.list_school.push_back(s);
      m.list_cost.push_back(static_cast<int32_t>(
          r * options.rank_cost + static_cast<int64_t>(std::floor(
                                      options.distance_cost * distance[s]))));
    }
    m.list_begin.push_back(static_cast<int64_t>(m.list_school.size()));
  }
  return m;
}

engine::AssignmentProblem ToAssignmentProblem(const Market& market) {
  engine::AssignmentProblem p;
  for (int s = 0; s < market.num_schools(); ++s) p.AddPost(market.capacity[s]);
  p.set_unassigned_cost(market.options.unassigned_cost);
  p.ReserveTeachers(market.num_teachers(),
                    static_cast<int64_t>(market.list_school.size()));
  std::vector<engine::AssignmentOption> options;
  for (int t = 0; t < market.num_teachers(); ++t) {
    options.clear();
    for (int64_t k = market.list_begin[t]; k < market.list_begin[t + 1]; ++k) {
      options.push_back({market.list_school[k], market.list_cost[k]});
    }
    p.AddTeacher(options);
  }
  return p;
}

engine::DenseModel ToDenseModel(const Market& market, bool with_holders) {
  engine::DenseModel d;
  const int n = market.num_teachers();
  d.capacity.assign(market.capacity.begin(), market.capacity.end());
  d.pref_begin.reserve(n + 1);
  for (int64_t b : market.list_begin)
    d.pref_begin.push_back(static_cast<int32_t>(b));
  d.pref_post.assign(market.list_school.begin(), market.list_school.end());
  d.pref_points.resize(market.list_school.size());
  for (int t = 0; t < n; ++t) {
    for (int64_t k = market.list_begin[t]; k < market.list_begin[t + 1]; ++k) {
      d.pref_points[k] =
          static_cast<int64_t>(market.Priority(market.list_school[k], t) >> 1);
    }
  }
  d.lottery_seed = market.options.seed;
  if (with_holders) {
    std::vector<int64_t> left(market.capacity);
    d.current_post.assign(n, -1);
    for (int t = 0; t < n; ++t) {
      const int64_t begin = market.list_begin[t];
      const int64_t len = market.list_begin[t + 1] - begin;
      if (len == 0) continue;
      const int64_t start =
          static_cast<int64_t>(SplitMix64(market.options.seed * 31 + t) % len);
      for (int64_t i = 0; i < len; ++i) {
        const int s = market.list_school[begin + (start + i) % len];
        if (left[s] > 0) {
          --left[s];
          d.current_post[t] = s;
          break;
        }
      }
    }
  }
  return d;
}

}  // namespace rota::bench
