// Brute-force oracles and random small markets for engine tests.
//
// Everything here is deliberately simple (enumeration, quadratic scans) so
// that it can be trusted by reading; it checks the fast mechanisms.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/choice_rules.h"
#include "engine/internal/market_util.h"
#include "engine/match_result.h"
#include "engine/model.h"

namespace rota::engine::oracle {

// Portable RNG for tests (SplitMix64 stream): same draws on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return SplitMix64(state_++ * 0x9e3779b97f4a7c15ULL + 1); }
  // Uniform in [0, n). REQUIRES: n > 0.
  int64_t Uniform(int64_t n) {
    return static_cast<int64_t>(Next() % static_cast<uint64_t>(n));
  }
  bool Chance(int percent) { return Uniform(100) < percent; }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i)
      std::swap(v[i - 1], v[Uniform(static_cast<int64_t>(i))]);
  }

 private:
  uint64_t state_;
};

struct RandomOptions {
  int max_teachers = 7;
  int max_posts = 4;
  int max_capacity = 2;
  bool holders = false;       // give some teachers a current post
  bool exempt = false;        // make some holders exempt
  bool qualification = true;  // some posts require a subject
  bool explicit_priority = true;
  bool rules = false;  // reserves or floors/ceilings on some posts
};

inline Model RandomModel(uint64_t seed, const RandomOptions& o) {
  Rng rng(seed);
  Model model;
  model.lottery_seed = rng.Next();
  const int n = 1 + static_cast<int>(rng.Uniform(o.max_teachers));
  const int m = 1 + static_cast<int>(rng.Uniform(o.max_posts));
  for (int j = 0; j < m; ++j) {
    Post p;
    p.id = absl::StrCat("p", j);
    p.capacity = rng.Uniform(o.max_capacity + 1);
    if (o.qualification && rng.Chance(25)) p.subject = "x";
    model.posts.push_back(p);
  }
  std::vector<int> held(m, 0);
  for (int i = 0; i < n; ++i) {
    Teacher t;
    t.id = absl::StrCat("t", i);
    t.points = rng.Uniform(3);  // small range: many ties
    if (rng.Chance(30)) t.tie_breakers = {rng.Uniform(2)};
    if (rng.Chance(70)) t.subjects = {"x"};
    t.gender = rng.Chance(50) ? Gender::kFemale : Gender::kMale;
    for (int j = 0; j < m; ++j) {
      if (rng.Chance(70)) t.preferences.push_back(model.posts[j].id);
    }
    rng.Shuffle(t.preferences);
    if (o.holders && rng.Chance(60)) {
      const int j = static_cast<int>(rng.Uniform(m));
      if (held[j] < model.posts[j].capacity) {
        ++held[j];
        t.current_post = model.posts[j].id;
        if (o.exempt && rng.Chance(10)) t.exempt = true;
      }
    }
    model.teachers.push_back(t);
  }
  for (Post& p : model.posts) {
    if (o.explicit_priority && rng.Chance(50)) {
      for (const Teacher& t : model.teachers) {
        if (rng.Chance(85)) p.priority.push_back(t.id);
      }
      rng.Shuffle(p.priority);
    }
    if (o.rules && p.capacity > 0 && rng.Chance(60)) {
      if (rng.Chance(50)) {
        p.reserves = {{"gender:female", 1 + rng.Uniform(p.capacity)}};
        p.reserve_precedence = rng.Chance(50) ? ReservePrecedence::kReserveFirst
                                              : ReservePrecedence::kOpenFirst;
      } else {
        GroupBound b;
        b.group = "gender:female";
        b.floor = rng.Uniform(p.capacity + 1);
        if (rng.Chance(40)) {
          b.ceiling = b.floor + rng.Uniform(p.capacity - b.floor + 1);
          b.hard_ceiling = rng.Chance(50);
        }
        p.bounds = {b};
      }
    }
  }
  // Input order must not matter: shuffle it too.
  rng.Shuffle(model.teachers);
  rng.Shuffle(model.posts);
  return model;
}

// The part of a teacher's entry list a mechanism uses, and her ranking.
struct View {
  const Market* m;
  bool tenure;
  // Holders rank first at their own post (DA*, TTC); TO-BE compares raw
  // priorities.
  bool tenure_keys;
  std::vector<int32_t> end;    // [teacher]
  std::vector<int32_t> seats;  // after exempt holders

  View(const Market& market, bool tenure_respecting, bool tenure_first = true)
      : m(&market),
        tenure(tenure_respecting),
        tenure_keys(tenure_respecting && tenure_first),
        seats(internal::SeatsAfterExempt(market)) {
    end = tenure ? internal::TenureEnds(market) : market.listed_end;
  }
  bool Usable(int32_t t, int32_t e) const {
    return e < end[t] && m->entry_block[e] == EntryBlock::kNone;
  }
  // Rank of post p for t (smaller = better); unassigned ranks last.
  int32_t Rank(int32_t t, int32_t p) const {
    if (p < 0) return 1 << 20;
    for (int32_t e = m->entry_begin[t]; e < end[t]; ++e) {
      if (m->entry_post[e] == p) return e - m->entry_begin[t];
    }
    return 1 << 21;  // not acceptable at all
  }
  // Priority key of t at p (tenure-adjusted), REQUIRES an entry exists.
  uint64_t Key(int32_t t, int32_t p) const {
    const int32_t e = m->FindEntry(t, p);
    uint64_t k = m->entry_key[e];
    if (tenure_keys && e != m->own_entry[t]) k |= 1ULL << 32;
    return k;
  }
  // Options of t in an enumeration: usable posts in her list, and none.
  std::vector<int32_t> Options(int32_t t) const {
    std::vector<int32_t> out;
    if (m->exempt[t]) return {m->own_post[t]};
    for (int32_t e = m->entry_begin[t]; e < end[t]; ++e) {
      if (Usable(t, e)) out.push_back(m->entry_post[e]);
    }
    out.push_back(-1);
    return out;
  }
};

// Calls f on every matching where each teacher is at one of her Options and
// no post exceeds its seats (exempt teachers fixed and not counted).
inline void EnumerateMatchings(
    const View& v, const std::function<void(const std::vector<int32_t>&)>& f) {
  const Market& m = *v.m;
  std::vector<int32_t> assign(m.num_teachers, -1), used(m.num_posts, 0);
  std::vector<std::vector<int32_t>> options(m.num_teachers);
  for (int32_t t = 0; t < m.num_teachers; ++t) options[t] = v.Options(t);
  std::function<void(int32_t)> rec = [&](int32_t t) {
    if (t == m.num_teachers) {
      f(assign);
      return;
    }
    for (int32_t p : options[t]) {
      if (p >= 0 && !m.exempt[t]) {
        if (used[p] >= v.seats[p]) continue;
        ++used[p];
      }
      assign[t] = p;
      rec(t + 1);
      if (p >= 0 && !m.exempt[t]) --used[p];
    }
  };
  rec(0);
}

// Every placement is a usable entry (or an exempt teacher's post) and no post
// has more teachers than seats. Returns "" or what is wrong.
inline std::string CheckFeasible(const View& v,
                                 const std::vector<int32_t>& post_of) {
  const Market& m = *v.m;
  std::vector<int32_t> used(m.num_posts, 0);
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    const int32_t p = post_of[t];
    if (m.exempt[t]) {
      if (p != m.own_post[t])
        return absl::StrCat("exempt ", m.teacher_ids[t], " moved");
      continue;
    }
    if (p < 0) continue;
    const int32_t e = m.FindEntry(t, p);
    if (e < 0 || !v.Usable(t, e)) {
      return absl::StrCat(m.teacher_ids[t], " placed at unusable ",
                          m.post_ids[p]);
    }
    if (++used[p] > v.seats[p])
      return absl::StrCat(m.post_ids[p], " over capacity");
  }
  return "";
}

// Individual rationality for holders: each non-exempt holder ends at a post
// she ranks at least as high as her own.
inline std::string CheckIndividuallyRational(
    const View& v, const std::vector<int32_t>& post_of) {
  const Market& m = *v.m;
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    if (m.exempt[t] || m.own_post[t] < 0) continue;
    if (v.Rank(t, post_of[t]) > v.Rank(t, m.own_post[t])) {
      return absl::StrCat(m.teacher_ids[t], " worse than her own post");
    }
  }
  return "";
}

// A blocking pair (teacher, post) under the posts' choice rules (responsive
// posts choose by key). Returns "" if stable.
inline std::string FindBlockingPair(const View& v,
                                    const std::vector<int32_t>& post_of) {
  const Market& m = *v.m;
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    if (m.exempt[t]) continue;
    const int32_t mine = v.Rank(t, post_of[t]);
    for (int32_t e = m.entry_begin[t]; e < v.end[t]; ++e) {
      if (!v.Usable(t, e) || e - m.entry_begin[t] >= mine) continue;
      const int32_t p = m.entry_post[e];
      std::vector<Candidate> cands;
      for (int32_t u = 0; u < m.num_teachers; ++u) {
        if (post_of[u] == p && !m.exempt[u]) cands.push_back({0, u});
      }
      cands.push_back({0, t});
      std::vector<std::pair<uint64_t, int32_t>> keyed;
      for (const Candidate& c : cands)
        keyed.push_back({v.Key(c.teacher, p), c.teacher});
      std::sort(keyed.begin(), keyed.end());
      bool chosen_t = false;
      if (m.rule_of_post[p] < 0) {
        for (int32_t i = 0;
             i < static_cast<int32_t>(keyed.size()) && i < v.seats[p]; ++i) {
          if (keyed[i].second == t) chosen_t = true;
        }
      } else {
        std::vector<Candidate> sorted;
        for (auto& [k, u] : keyed) {
          // Tenured keys stay below 2^31, the others above (as in DA*).
          const uint32_t low = static_cast<uint32_t>(k);
          sorted.push_back({(k >> 32) ? (low | 0x80000000u) : low, u});
        }
        std::vector<uint8_t> chosen(sorted.size());
        std::vector<Reason> reasons(sorted.size());
        ApplyChoiceRule(m, m.rules[m.rule_of_post[p]], v.seats[p],
                        v.tenure_keys ? 0x80000000u : 0u, sorted,
                        absl::MakeSpan(chosen), absl::MakeSpan(reasons));
        for (size_t i = 0; i < sorted.size(); ++i) {
          if (sorted[i].teacher == t && chosen[i]) chosen_t = true;
        }
      }
      if (chosen_t) {
        return absl::StrCat("blocking pair (", m.teacher_ids[t], ", ",
                            m.post_ids[p], ")");
      }
    }
  }
  return "";
}

// A block exchange left in `post_of` (see teacher_optimal_block_exchange.h):
// a cycle of moves where each teacher strictly gains and each post gets a
// teacher it ranks above the one leaving, through vacancies (a vacant seat
// ranks below everyone) and the pool of unplaced teachers. "" if none.
inline std::string FindBlockExchange(const View& v,
                                     const std::vector<int32_t>& post_of) {
  const Market& m = *v.m;
  const int32_t n = m.num_teachers;
  // Nodes: teachers [0, n), vacancy tokens of post p at n + p.
  const int32_t nodes = n + m.num_posts;
  std::vector<std::vector<int32_t>> adj(nodes);
  std::vector<int32_t> used(m.num_posts, 0);
  for (int32_t t = 0; t < n; ++t) {
    if (post_of[t] >= 0 && !m.exempt[t]) ++used[post_of[t]];
  }
  for (int32_t x = 0; x < n; ++x) {
    if (m.exempt[x]) continue;
    const int32_t here = v.Rank(x, post_of[x]);
    for (int32_t e = m.entry_begin[x]; e < v.end[x]; ++e) {
      const int32_t q = m.entry_post[e];
      if (!v.Usable(x, e) || e - m.entry_begin[x] >= here || q == post_of[x])
        continue;
      for (int32_t y = 0; y < n; ++y) {
        if (y != x && !m.exempt[y] && post_of[y] == q &&
            v.Key(x, q) < v.Key(y, q)) {
          adj[x].push_back(y);
        }
      }
      if (used[q] < v.seats[q]) adj[x].push_back(n + q);
    }
  }
  for (int32_t q = 0; q < m.num_posts; ++q) {
    for (int32_t y = 0; y < n; ++y) {
      if (!m.exempt[y] && post_of[y] < 0) adj[n + q].push_back(y);
    }
  }
  // Cycle detection by DFS colouring.
  std::vector<int8_t> colour(nodes, 0);
  std::function<bool(int32_t)> dfs = [&](int32_t a) {
    colour[a] = 1;
    for (int32_t b : adj[a]) {
      if (colour[b] == 1) return true;
      if (colour[b] == 0 && dfs(b)) return true;
    }
    colour[a] = 2;
    return false;
  };
  for (int32_t a = 0; a < nodes; ++a) {
    if (colour[a] == 0 && dfs(a)) return "block exchange left";
  }
  return "";
}

// All arrangements (ordered subsets) of `items`, including the empty one:
// every permutation of every truncation.
inline std::vector<std::vector<std::string>> Arrangements(
    const std::vector<std::string>& items) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> cur;
  std::vector<bool> used(items.size(), false);
  std::function<void()> rec = [&]() {
    out.push_back(cur);
    for (size_t i = 0; i < items.size(); ++i) {
      if (used[i]) continue;
      used[i] = true;
      cur.push_back(items[i]);
      rec();
      cur.pop_back();
      used[i] = false;
    }
  };
  rec();
  return out;
}

}  // namespace rota::engine::oracle
