// The competitive hiring run's phases: the county allocation's solver
// (internal::SolveAssignmentByColumns, MaximumPlaced, AllocateRound), the
// competitions (deferred acceptance) and the county allocation.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/status_macros.h"
#include "engine/min_cost_flow.h"
#include "engine/model.h"
#include "engine/rules/internal/competitive_hiring_run.h"
#include "engine/solve.h"

namespace rota::engine::rules {

namespace internal {

// See the header. Rows start with their kInitialOptions cheapest options
// and gain at most kAddedOptions per round (the most negative reduced costs
// first). Measured at 100,000 teachers: starting from 2 of the 16 options
// takes ~8 rounds and is ~7x faster than one solve over all 16 (the solver's
// post-level graph links every pair of a row's options); starting from 6 was
// far slower.
absl::Status SolveAssignmentByColumns(
    const std::vector<std::vector<std::pair<int64_t, int32_t>>>& rows,
    const std::vector<int32_t>& capacity, int64_t unassigned,
    std::vector<int32_t>* chosen, std::vector<int64_t>* prices) {
  constexpr int kInitialOptions = 2;
  constexpr size_t kAddedOptions = 2;  // per row and round, best first
  const size_t posts = capacity.size();
  const int32_t n = static_cast<int32_t>(rows.size());
  std::vector<uint32_t> active(n, 0);  // bit j: option j is in the problem
  for (int32_t i = 0; i < n; ++i) {
    ROTA_CHECK(!rows[i].empty() && rows[i].size() <= 32);
    // The cheapest, by (cost, post).
    std::vector<int32_t> order(rows[i].size());
    for (size_t j = 0; j < order.size(); ++j) {
      order[j] = static_cast<int32_t>(j);
    }
    std::sort(order.begin(), order.end(),
              [&](int32_t a, int32_t b) { return rows[i][a] < rows[i][b]; });
    for (int j = 0; j < kInitialOptions && j < static_cast<int>(order.size());
         ++j) {
      active[i] |= uint32_t{1} << order[j];
    }
  }
  chosen->assign(n, -1);
  std::vector<int32_t> parent(posts, -1), component_of(posts, -1);
  std::vector<int32_t> node_of(posts, -1);
  std::vector<int64_t> price(posts, 0);
  auto find = [&](int32_t p) {
    while (parent[p] != p) {
      parent[p] = parent[parent[p]];
      p = parent[p];
    }
    return p;
  };
  auto first_post = [&](int32_t i) {
    return rows[i][std::countr_zero(active[i])].second;
  };
  std::vector<AssignmentOption> options;
  std::vector<std::pair<int64_t, int32_t>> better;
  while (true) {
    for (int32_t i = 0; i < n; ++i) {
      for (uint32_t m = active[i]; m != 0; m &= m - 1) {
        const int32_t p = rows[i][std::countr_zero(m)].second;
        parent[p] = p;
      }
    }
    for (int32_t i = 0; i < n; ++i) {
      const int32_t first = find(first_post(i));
      for (uint32_t m = active[i]; m != 0; m &= m - 1) {
        const int32_t root = find(rows[i][std::countr_zero(m)].second);
        if (root != first) parent[root] = first;
      }
    }
    std::vector<std::vector<int32_t>> components;  // row indexes
    for (int32_t i = 0; i < n; ++i) {
      const int32_t root = find(first_post(i));
      if (component_of[root] < 0) {
        component_of[root] = static_cast<int32_t>(components.size());
        components.emplace_back();
      }
      components[component_of[root]].push_back(i);
    }
    for (int32_t i = 0; i < n; ++i) component_of[find(first_post(i))] = -1;
    for (const std::vector<int32_t>& component : components) {
      AssignmentProblem problem;
      std::vector<int32_t> post_of_node;
      for (int32_t i : component) {
        options.clear();
        for (uint32_t m = active[i]; m != 0; m &= m - 1) {
          const auto& [cost, p] = rows[i][std::countr_zero(m)];
          if (node_of[p] < 0) {
            node_of[p] = problem.AddPost(capacity[p]);
            post_of_node.push_back(p);
          }
          options.push_back({node_of[p], cost});
        }
        problem.AddTeacher(options);
      }
      problem.set_unassigned_cost(unassigned);
      ROTA_ASSIGN_OR_RETURN(AssignmentResult r, SolveAssignment(problem));
      ROTA_CHECK(r.status == FlowStatus::kOptimal);
      for (size_t k = 0; k < component.size(); ++k) {
        const int32_t i = component[k];
        const int node = r.post_of_teacher[k];
        (*chosen)[i] = -1;
        if (node == kUnassigned) continue;
        for (uint32_t m = active[i]; m != 0; m &= m - 1) {
          const int j = std::countr_zero(m);
          if (rows[i][j].second == post_of_node[node]) (*chosen)[i] = j;
        }
      }
      for (size_t node = 0; node < post_of_node.size(); ++node) {
        // A negative price is allowed only at an empty post (at its floor,
        // 0); raising it to 0 keeps the certificate.
        ROTA_CHECK(r.price[node] >= 0 || r.load[node] == 0);
        price[post_of_node[node]] = std::max<int64_t>(r.price[node], 0);
        node_of[post_of_node[node]] = -1;
      }
    }
    bool added = false;
    for (int32_t i = 0; i < n; ++i) {
      const int32_t c = (*chosen)[i];
      const int64_t value =
          c >= 0 ? rows[i][c].first + price[rows[i][c].second] : unassigned;
      better.clear();
      for (int32_t j = 0; j < static_cast<int32_t>(rows[i].size()); ++j) {
        if (active[i] >> j & 1) continue;
        const auto& [cost, p] = rows[i][j];
        if (cost + price[p] < value) better.emplace_back(cost + price[p], j);
      }
      if (better.empty()) continue;
      added = true;
      if (better.size() > kAddedOptions) {
        std::nth_element(better.begin(), better.begin() + kAddedOptions,
                         better.end());
        better.resize(kAddedOptions);
      }
      for (const auto& [reduced, j] : better) active[i] |= uint32_t{1} << j;
    }
    if (!added) {
      if (prices != nullptr) *prices = std::move(price);
      return absl::OkStatus();
    }
  }
}

bool MaximumPlaced(
    const std::vector<std::vector<std::pair<int64_t, int32_t>>>& rows,
    const std::vector<int32_t>& capacity, const std::vector<int32_t>& chosen) {
  // Alternating breadth-first search from every unplaced row: an augmenting
  // path (Berge) would end at a post with a seat to spare.
  std::vector<int32_t> load(capacity.size(), 0);
  std::vector<std::vector<int32_t>> holders(capacity.size());
  std::vector<int32_t> queue;
  std::vector<uint8_t> row_seen(rows.size(), 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (chosen[i] < 0) {
      queue.push_back(static_cast<int32_t>(i));
      row_seen[i] = 1;
      continue;
    }
    const int32_t p = rows[i][chosen[i]].second;
    ++load[p];
    holders[p].push_back(static_cast<int32_t>(i));
  }
  std::vector<uint8_t> post_seen(capacity.size(), 0);
  for (size_t head = 0; head < queue.size(); ++head) {
    for (const auto& [cost, p] : rows[queue[head]]) {
      if (post_seen[p]) continue;
      post_seen[p] = 1;
      if (load[p] < capacity[p]) return false;
      for (int32_t i : holders[p]) {
        if (!row_seen[i]) {
          row_seen[i] = 1;
          queue.push_back(i);
        }
      }
    }
  }
  return true;
}

absl::Status AllocateRound(
    const std::vector<std::vector<std::pair<int64_t, int32_t>>>& rows,
    const std::vector<int32_t>& capacity, std::vector<int32_t>* chosen) {
  int64_t max_cost = 0;
  for (const auto& row : rows) {
    for (const auto& [cost, p] : row) max_cost = std::max(max_cost, cost);
  }
  // Leaving one more row unplaced must cost more than any rearrangement
  // could save, so that the number placed is maximised first: (max_cost +
  // 1) * (n + 1) guarantees it. The solver is much faster with a smaller
  // price range, so 2 * (max_cost + 1) is tried first: when its optimum
  // leaves no augmenting path it places the maximum number, and as the
  // least cost + U * unplaced it is then also the least cost among all
  // assignments placing that number -- the same optimum.
  const int64_t n = static_cast<int64_t>(rows.size());
  const int64_t large = (max_cost + 1) * (n + 1);
  const int64_t small = std::min(large, 2 * (max_cost + 1));
  ROTA_RETURN_IF_ERROR(SolveAssignmentByColumns(rows, capacity, small, chosen));
  if (small < large && !MaximumPlaced(rows, capacity, *chosen)) {
    ROTA_RETURN_IF_ERROR(
        SolveAssignmentByColumns(rows, capacity, large, chosen));
  }
  return absl::OkStatus();
}

}  // namespace internal

namespace hiring_internal {

absl::Status HiringRun::RunDa(const std::vector<std::vector<int32_t>>& prefs,
                              bool tenure, Via via) {
  // The engine's DA on a dense market (no string ids to index): each
  // teacher's priority at a post is her place in the order of Outranks
  // (points, tie chain, lottery, id), plus the number of teachers when
  // in-school precedence lifts her there, plus twice that number when she
  // is established and the post a 编制 post (编制 precedence). These
  // numbers are distinct at every post, so they give exactly the strict
  // priorities of Outranks and hence the same (unique) teacher-proposing DA
  // matching.
  const int32_t n = static_cast<int32_t>(ts_.size());
  std::vector<int32_t> order(n);
  for (int32_t t = 0; t < n; ++t) order[t] = t;
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return Outranks(b, a, /*p=*/0, /*tenure=*/false);  // worst first
  });
  std::vector<int64_t> rank(n);
  for (int32_t k = 0; k < n; ++k) rank[order[k]] = k + 1;
  DenseModel dense;
  dense.lottery_seed = in_.seed;
  for (const PostState& p : ps_) dense.capacity.push_back(p.free);
  dense.pref_begin.push_back(0);
  std::vector<int32_t> included;
  for (int32_t t = 0; t < n; ++t) {
    if (prefs[t].empty()) continue;
    for (int32_t p : prefs[t]) {
      dense.pref_post.push_back(p);
      dense.pref_points.push_back(
          rank[t] + (tenure && Own(t, p) ? n : 0) +
          (ps_[p].established && ts_[t].established ? 2 * int64_t{n} : 0));
    }
    dense.pref_begin.push_back(static_cast<int32_t>(dense.pref_post.size()));
    included.push_back(t);
  }
  if (included.empty()) return absl::OkStatus();
  ROTA_ASSIGN_OR_RETURN(Market market, CompileDense(std::move(dense)));
  SolveOptions options;
  options.explain = false;
  options.encode = false;
  ROTA_ASSIGN_OR_RETURN(MatchResult r,
                        Solve(market, Mechanism::kDeferredAcceptance, options));
  // The dense market lists the included teachers and the posts in ts_ and
  // ps_ order.
  for (size_t i = 0; i < included.size(); ++i) {
    const int32_t p = r.post_of[i];
    if (p < 0) continue;
    const int32_t t = included[i];
    ts_[t].final_post = p;
    ts_[t].via = via;
    ps_[p].admitted.push_back(t);
    ps_[p].occupants.push_back(t);
  }
  for (PostState& p : ps_) {
    int32_t taken = 0;
    for (int32_t t : p.admitted) {
      if (ts_[t].via == via) ++taken;
    }
    ROTA_CHECK(taken <= p.free);
    p.free -= taken;
  }
  return absl::OkStatus();
}

absl::Status HiringRun::Allocate() {
  // Who may take which seat, in order (each phase runs until no teacher of
  // it fits a seat left to it):
  //  1. established teachers, own band; 2. the same, also taking 编制 seats
  //  from 编外 holders the competition placed (编制 precedence); 3-4. the
  //  same two with down-hiring (低聘); 5-6. 编外 teachers, own band, then
  //  down-hiring, free seats only; 7-8. up-hiring (低职高聘), established
  //  teachers first, free seats only.
  // A teacher is thus down-hired only when no seat of her band is left for
  // her, a 编外 teacher keeps or takes a 编制 seat only when no unplaced
  // established teacher qualifies for it, and an up-hire takes a seat only
  // after every teacher of that band was placed or found no seat.
  static constexpr Phase kPhases[] = {
      {true, false, false, false},  {true, false, false, true},
      {true, true, false, false},   {true, true, false, true},
      {false, false, false, false}, {false, true, false, false},
      {true, true, true, false},    {false, true, true, false},
  };
  for (const Phase& phase : kPhases) {
    if (phase.down && !phase.up && !hp_.allow_down_hiring) continue;
    if (phase.up && !hp_.allow_up_hiring) continue;
    ROTA_RETURN_IF_ERROR(AllocatePhase(phase));
  }
  return absl::OkStatus();
}

int32_t HiringRun::LowestDisplaceable(int32_t p) const {
  int32_t lowest = -1;
  for (int32_t o : ps_[p].occupants) {
    if (ts_[o].established || ts_[o].fix != Fix::kNone) continue;
    if (lowest < 0 ||
        Outranks(lowest, o, p, mode_ == StageMode::kSimultaneous)) {
      lowest = o;
    }
  }
  return lowest;
}

absl::Status HiringRun::AllocatePhase(const Phase& phase) {
  // Each teacher offers the solver her kMaxOptions cheapest qualified posts
  // with a free seat (a prefecture has thousands of posts per subject). A
  // teacher left unplaced while a qualified seat is still free gets another
  // round over the seats that are left, so the loop ends only when no
  // unplaced teacher fits any free seat.
  constexpr size_t kMaxOptions = 16;
  bool anyone = false;
  for (const TeacherState& s : ts_) {
    anyone = anyone || (s.fix == Fix::kNone && s.final_post < 0 &&
                        s.established == phase.established);
  }
  if (!anyone) return absl::OkStatus();
  // Seats open to this phase: free ones, plus with `displace` the 编制
  // seats held by 编外 teachers the competition placed.
  std::vector<int32_t> capacity(ps_.size());
  bool displaceable = false;
  for (size_t p = 0; p < ps_.size(); ++p) {
    capacity[p] = ps_[p].free;
    if (!phase.displace || !ps_[p].established) continue;
    for (int32_t o : ps_[p].occupants) {
      if (!ts_[o].established && ts_[o].fix == Fix::kNone) {
        ++capacity[p];
        displaceable = true;
      }
    }
  }
  if (phase.displace && !displaceable) return absl::OkStatus();
  for (size_t index : nearest_touched_) {
    nearest_done_[index] = 0;
    nearest_[index].clear();
  }
  nearest_touched_.clear();
  while (true) {
    // Each round walks only the posts that still have a free seat.
    free_buckets_.assign(buckets_.size(), {});
    for (size_t key = 0; key < buckets_.size(); ++key) {
      for (int32_t p : buckets_[key]) {
        if (capacity[p] > 0) free_buckets_[key].push_back(p);
      }
    }
    struct Row {
      int32_t t;
      std::vector<std::pair<int64_t, int32_t>> options;  // (cost, post)
    };
    std::vector<Row> rows;
    for (int32_t t = 0; t < static_cast<int32_t>(ts_.size()); ++t) {
      if (ts_[t].fix != Fix::kNone || ts_[t].final_post >= 0 ||
          ts_[t].established != phase.established) {
        continue;
      }
      Row row{t, {}};
      const std::vector<int32_t>& distances = DistanceRow(ts_[t].school_index);
      const TeacherState& s = ts_[t];
      auto eligible = [&](int32_t p) {
        return capacity[p] > 0 && p != s.own_post &&
               BandAllows(s, post_band_[p], phase.down, phase.up);
      };
      // Per bucket, walk its posts nearest first (cost never decreases:
      // the subject cost is the same for the whole bucket) and keep the
      // kMaxOptions first eligible ones plus any costing the same as the
      // last of them, so that the kMaxOptions smallest (cost, post) below
      // are exactly those over all her seats. A bucket whose cached
      // nearest list runs out first is scanned in full.
      for (int32_t key : s.bucket_keys) {
        const std::vector<int32_t>& near = Nearest(s.school_index, key);
        const size_t before = row.options.size();
        size_t found = 0;
        bool done = false;
        for (int32_t p : near) {
          if (!eligible(p)) continue;
          const int64_t cost = Cost(t, p, distances);
          if (found >= kMaxOptions && cost > row.options.back().first) {
            done = true;
            break;
          }
          row.options.emplace_back(cost, p);
          ++found;
        }
        if (!done && nearest_done_[static_cast<size_t>(s.school_index) *
                                       buckets_.size() +
                                   key] == 2) {
          row.options.resize(before);
          for (int32_t p : free_buckets_[key]) {
            if (eligible(p)) {
              row.options.emplace_back(Cost(t, p, distances), p);
            }
          }
        }
      }
      if (s.own_post >= 0 && capacity[s.own_post] > 0) {
        row.options.emplace_back(Cost(t, s.own_post, distances), s.own_post);
      }
      if (row.options.empty()) continue;
      if (row.options.size() > kMaxOptions) {
        std::nth_element(row.options.begin(), row.options.begin() + kMaxOptions,
                         row.options.end());
        row.options.resize(kMaxOptions);
      }
      std::sort(row.options.begin(), row.options.end());
      row.options.shrink_to_fit();
      rows.push_back(std::move(row));
    }
    if (rows.empty()) break;
    const int64_t n = static_cast<int64_t>(rows.size());
    // Costs are capped so that the unassigned cost below stays inside the
    // solver's range; the cap only binds for absurd per-km costs.
    const int64_t cap = kMaxFlowCost / (n + 2) - 1;
    std::vector<std::vector<std::pair<int64_t, int32_t>>> options(n);
    for (int64_t i = 0; i < n; ++i) {
      for (auto& [cost, p] : rows[i].options) cost = std::min(cost, cap);
      options[i] = rows[i].options;
    }
    std::vector<int32_t> chosen;
    ROTA_RETURN_IF_ERROR(internal::AllocateRound(options, capacity, &chosen));
    int64_t placed = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (chosen[i] < 0) continue;
      const int32_t t = rows[i].t;
      const auto& [cost, p] = rows[i].options[chosen[i]];
      ts_[t].final_post = p;
      ts_[t].via = Via::kAllocation;
      ts_[t].allocation_cost = cost;
      if (ps_[p].free > 0) {
        --ps_[p].free;
      } else {
        // 编制 precedence: the seat of the lowest-ranked 编外 holder.
        ROTA_CHECK(phase.displace);
        const int32_t loser = LowestDisplaceable(p);
        ROTA_CHECK(loser >= 0);
        std::vector<int32_t>& occupants = ps_[p].occupants;
        occupants.erase(std::find(occupants.begin(), occupants.end(), loser));
        std::vector<int32_t>& admitted = ps_[p].admitted;
        admitted.erase(std::find(admitted.begin(), admitted.end(), loser));
        // She stands for the competition's admits there in explanations
        // (she outranks every 编外 teacher at this 编制 post).
        admitted.push_back(t);
        ts_[loser].final_post = -1;
        ts_[loser].via = Via::kNone;
        ts_[loser].lost_post = p;
        ts_[loser].lost_to = t;
      }
      ps_[p].occupants.push_back(t);
      --capacity[p];
      ++placed;
    }
    // Some teacher had a free seat among her options, and an unplaced
    // teacher costs more than any placement: someone was placed.
    ROTA_CHECK(placed > 0);
  }
  return absl::OkStatus();
}

}  // namespace hiring_internal

}  // namespace rota::engine::rules
