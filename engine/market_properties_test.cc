// Property tests on generated 5,000-teacher markets: capacity, qualification,
// individual rationality, stability where promised, reserves and floors,
// explanations that cite real competitors, and determinism (same input and
// seed give the same hash whatever the input order).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/choice_rules.h"
#include "engine/internal/market_util.h"
#include "engine/internal/oracle.h"
#include "engine/solve.h"
#include "gtest/gtest.h"

namespace rota::engine {
namespace {

using oracle::Rng;

// A county-like market: schools x subjects posts, most teachers holding a
// post, ~10 choices each, some reserves and floors.
Model CountyMarket(uint64_t seed, int teachers = 5000, int schools = 60) {
  Rng rng(seed);
  const std::vector<std::string> subjects = {"math", "chinese", "english",
                                             "music", "pe"};
  const std::vector<std::string> stages = {"primary", "junior"};
  Model model;
  model.lottery_seed = rng.Next();
  for (int s = 0; s < schools; ++s) {
    for (const std::string& subject : subjects) {
      Post p;
      p.id = absl::StrCat("S", s, "-", subject);
      p.school = absl::StrCat("S", s);
      p.subject = subject;
      p.stage = stages[s % 2];
      p.capacity = rng.Uniform(teachers / schools / 3);
      const int64_t kind = rng.Uniform(10);
      if (kind == 0 && p.capacity >= 2) {
        p.reserves = {{"gender:female", 1 + rng.Uniform(p.capacity / 2)}};
        p.reserve_precedence = rng.Chance(50) ? ReservePrecedence::kReserveFirst
                                              : ReservePrecedence::kOpenFirst;
      } else if (kind == 1 && p.capacity >= 2) {
        p.reserves = {{"backbone", 1}, {"rural", 1}};
      } else if (kind == 2 && p.capacity >= 2) {
        GroupBound b;
        b.group = "gender:female";
        b.floor = 1 + rng.Uniform(p.capacity / 2);
        b.ceiling = rng.Chance(50) ? p.capacity - 1 : -1;
        b.hard_ceiling = rng.Chance(30);
        p.bounds = {b};
      }
      model.posts.push_back(p);
    }
  }
  std::vector<int64_t> held(model.posts.size(), 0);
  for (int i = 0; i < teachers; ++i) {
    Teacher t;
    t.id = absl::StrCat("T", 100000 + rng.Uniform(900000), "-", i);
    t.gender = rng.Chance(60) ? Gender::kFemale : Gender::kMale;
    t.backbone = rng.Chance(15) ? BackboneLevel::kCounty : BackboneLevel::kNone;
    if (rng.Chance(30)) t.groups.push_back("rural");
    t.subjects = {subjects[rng.Uniform(subjects.size())]};
    if (rng.Chance(30))
      t.subjects.push_back(subjects[rng.Uniform(subjects.size())]);
    t.stages = {stages[rng.Uniform(2)]};
    if (rng.Chance(40)) t.stages.push_back(stages[rng.Uniform(2)]);
    t.points = rng.Uniform(200) * 50;  // coarse: many ties
    t.tie_breakers = {rng.Uniform(30)};
    const int64_t j = rng.Uniform(model.posts.size());
    if (rng.Chance(80) && held[j] < model.posts[j].capacity) {
      ++held[j];
      t.current_post = model.posts[j].id;
      t.exempt = rng.Chance(2);
    }
    // ~10 choices, mostly in her subject.
    std::vector<std::string> prefs;
    for (int k = 0; k < 14 && prefs.size() < 10; ++k) {
      const int64_t s = rng.Uniform(schools);
      const std::string& subject = rng.Chance(85)
                                       ? t.subjects[0]
                                       : subjects[rng.Uniform(subjects.size())];
      const std::string id = absl::StrCat("S", s, "-", subject);
      if (std::find(prefs.begin(), prefs.end(), id) == prefs.end())
        prefs.push_back(id);
    }
    t.preferences = prefs;
    model.teachers.push_back(t);
  }
  return model;
}

Model Shuffled(Model model, uint64_t seed) {
  Rng rng(seed);
  rng.Shuffle(model.teachers);
  rng.Shuffle(model.posts);
  for (Teacher& t : model.teachers) {
    rng.Shuffle(t.subjects);
    rng.Shuffle(t.stages);
    rng.Shuffle(t.groups);
  }
  return model;
}

struct Checker {
  const Market& m;
  const MatchResult& r;
  bool tenure_lists;
  bool tenure_keys;
  std::vector<int32_t> end;
  std::vector<int32_t> seats;
  std::vector<std::vector<int32_t>> at;  // non-exempt teachers per post

  Checker(const Market& market, const MatchResult& result, bool lists,
          bool keys)
      : m(market), r(result), tenure_lists(lists), tenure_keys(keys) {
    end = lists ? internal::TenureEnds(m) : m.listed_end;
    seats = internal::SeatsAfterExempt(m);
    at.resize(m.num_posts);
    for (int32_t t = 0; t < m.num_teachers; ++t) {
      if (r.post_of[t] >= 0 && !m.exempt[t]) at[r.post_of[t]].push_back(t);
    }
  }
  uint64_t Key(int32_t t, int32_t e) const {
    uint64_t k = m.entry_key[e];
    if (tenure_keys && e != m.own_entry[t]) k |= 1ULL << 32;
    return k;
  }
  int32_t RankOf(int32_t t, int32_t p) const {
    if (p < 0) return 1 << 20;
    const int32_t e = m.FindEntry(t, p);
    return e < 0 ? 1 << 21 : e - m.entry_begin[t];
  }

  void CapacityAndQualification(uint64_t seed) const {
    for (int32_t p = 0; p < m.num_posts; ++p) {
      ASSERT_LE(static_cast<int32_t>(at[p].size()), seats[p])
          << "seed " << seed;
    }
    for (int32_t t = 0; t < m.num_teachers; ++t) {
      if (m.exempt[t]) {
        ASSERT_EQ(r.post_of[t], m.own_post[t])
            << "seed " << seed << ": exempt moved";
        ASSERT_EQ(r.outcome[t], Outcome::kExempt);
        continue;
      }
      if (r.post_of[t] < 0) continue;
      const int32_t e = m.FindEntry(t, r.post_of[t]);
      ASSERT_GE(e, 0) << "seed " << seed;
      ASSERT_LT(e, end[t]) << "seed " << seed;
      ASSERT_TRUE(m.entry_block[e] == EntryBlock::kNone || e == m.own_entry[t])
          << "seed " << seed << ": unqualified placement";
    }
  }

  void IndividuallyRational(uint64_t seed) const {
    for (int32_t t = 0; t < m.num_teachers; ++t) {
      if (m.exempt[t] || m.own_post[t] < 0) continue;
      ASSERT_LE(RankOf(t, r.post_of[t]), RankOf(t, m.own_post[t]))
          << "seed " << seed << ": " << m.teacher_ids[t] << " worse off";
    }
  }

  void Stable(uint64_t seed) const {
    for (int32_t t = 0; t < m.num_teachers; ++t) {
      if (m.exempt[t]) continue;
      const int32_t mine = RankOf(t, r.post_of[t]);
      for (int32_t e = m.entry_begin[t];
           e < end[t] && e - m.entry_begin[t] < mine; ++e) {
        if (m.entry_block[e] != EntryBlock::kNone) continue;
        const int32_t p = m.entry_post[e];
        std::vector<std::pair<uint64_t, int32_t>> keyed;
        for (int32_t u : at[p]) keyed.push_back({Key(u, m.FindEntry(u, p)), u});
        keyed.push_back({Key(t, e), t});
        std::sort(keyed.begin(), keyed.end());
        bool chosen_t = false;
        if (m.rule_of_post[p] < 0) {
          for (int32_t i = 0;
               i < static_cast<int32_t>(keyed.size()) && i < seats[p]; ++i) {
            chosen_t |= keyed[i].second == t;
          }
        } else {
          std::vector<Candidate> sorted;
          for (auto& [k, u] : keyed) {
            // Tenured keys stay below 2^31, others above (as in DA*).
            sorted.push_back({k >> 32 ? static_cast<uint32_t>(k) | 0x80000000u
                                      : static_cast<uint32_t>(k),
                              u});
          }
          std::vector<uint8_t> chosen(sorted.size());
          std::vector<Reason> why(sorted.size());
          ApplyChoiceRule(m, m.rules[m.rule_of_post[p]], seats[p],
                          tenure_keys ? 0x80000000u : 0u, sorted,
                          absl::MakeSpan(chosen), absl::MakeSpan(why));
          for (size_t i = 0; i < sorted.size(); ++i)
            chosen_t |= sorted[i].teacher == t && chosen[i];
        }
        ASSERT_FALSE(chosen_t)
            << "seed " << seed << ": blocking pair (" << m.teacher_ids[t]
            << ", " << m.post_ids[p] << ")";
      }
    }
  }

  // Reserved seats and floors: filled by members as far as members who
  // wanted the post (and did not get something better) allow; every floor
  // short is reported, and only those.
  void ReservesAndFloors(uint64_t seed) const {
    std::map<std::pair<int32_t, int32_t>, int32_t> reported;
    for (const UnmetFloor& u : r.unmet_floors)
      reported[{u.post, u.group}] = u.achieved;
    for (int32_t p = 0; p < m.num_posts; ++p) {
      if (m.rule_of_post[p] < 0) continue;
      const Market::Rule& rule = m.rules[m.rule_of_post[p]];
      auto available = [&](int32_t g) {
        int32_t c = 0;
        for (int32_t i = m.applicants_begin[p]; i < m.applicants_begin[p + 1];
             ++i) {
          const int32_t e = m.applicants[i];
          const int32_t t = m.TeacherOfEntry(e);
          if (m.exempt[t] || !m.InGroup(t, g) ||
              m.entry_block[e] != EntryBlock::kNone || e >= end[t] ||
              RankOf(t, r.post_of[t]) < e - m.entry_begin[t]) {
            continue;
          }
          ++c;
        }
        return c;
      };
      for (const Market::Rule::Bound& b : rule.bounds) {
        const int32_t achieved = CountInGroup(m, b.group, at[p]);
        int32_t tenured_others = 0;
        for (int32_t u : at[p]) {
          if (tenure_keys && m.own_post[u] == p && !m.InGroup(u, b.group))
            ++tenured_others;
        }
        const int32_t want =
            std::min({b.floor, available(b.group), seats[p] - tenured_others});
        ASSERT_GE(achieved, want)
            << "seed " << seed << ": floor at " << m.post_ids[p];
        if (b.ceiling >= 0 && b.hard) {
          ASSERT_LE(achieved, b.ceiling) << "seed " << seed;
        }
        const bool short_of_floor = achieved < b.floor;
        ASSERT_EQ(short_of_floor, reported.count({p, b.group}) == 1)
            << "seed " << seed << ": floor report at " << m.post_ids[p];
      }
      std::map<int32_t, int32_t> reserved;
      for (int32_t g : rule.seat_groups) {
        if (g >= 0) ++reserved[g];
      }
      for (auto [g, seats_for_g] : reserved) {
        const int32_t achieved = CountInGroup(m, g, at[p]);
        // Under DA*, holders outside the group keep their seats first.
        int32_t tenured_others = 0;
        for (int32_t u : at[p]) {
          if (tenure_keys && m.own_post[u] == p && !m.InGroup(u, g))
            ++tenured_others;
        }
        ASSERT_GE(achieved, std::min({seats_for_g, available(g),
                                      seats[p] - tenured_others}))
            << "seed " << seed << ": reserve at " << m.post_ids[p];
      }
    }
  }

  // Every "full" (or constraint) reason names a lowest admitted teacher who
  // really holds the post and really outranks her, and the count of higher
  // admitted teachers is right; "not qualified" is really unqualified.
  void Explanations(uint64_t seed) const {
    for (int32_t t = 0; t < m.num_teachers; t += 97) {
      const Explanation x = Explain(m, r, t);
      for (const WhyNot& w : x.why_not) {
        const int32_t e = m.entry_begin[t] + w.choice;
        ASSERT_EQ(m.entry_post[e], w.post);
        if (w.reason == Reason::kNotQualified) {
          ASSERT_EQ(m.entry_block[e], EntryBlock::kNotQualified)
              << "seed " << seed;
        }
        if (w.reason == Reason::kFull && seats[w.post] == 0) {
          ASSERT_EQ(w.lowest_admitted, -1) << "seed " << seed;
          ASSERT_NE(x.text.find("no seat"), std::string::npos) << x.text;
        } else if (w.reason == Reason::kFull) {
          ASSERT_GE(w.lowest_admitted, 0) << "seed " << seed << ": " << x.text;
          ASSERT_EQ(r.post_of[w.lowest_admitted], w.post) << "seed " << seed;
          const int32_t f = m.FindEntry(w.lowest_admitted, w.post);
          ASSERT_LT(Key(w.lowest_admitted, f), Key(t, e))
              << "seed " << seed << ": " << x.text;
          ASSERT_EQ(w.higher_admitted, seats[w.post])
              << "seed " << seed << ": " << x.text;
        }
        ASSERT_NE(w.reason, Reason::kNotReached)
            << "seed " << seed << ": " << x.text;
      }
    }
  }
};

constexpr uint64_t kSeeds[] = {11, 22, 33};

TEST(MarketPropertiesTest, DeferredAcceptance) {
  for (uint64_t seed : kSeeds) {
    absl::StatusOr<Market> m = Compile(CountyMarket(seed));
    ASSERT_TRUE(m.ok()) << m.status();
    absl::StatusOr<MatchResult> r = Solve(*m, Mechanism::kDeferredAcceptance);
    ASSERT_TRUE(r.ok()) << r.status();
    Checker c(*m, *r, /*lists=*/false, /*keys=*/false);
    c.CapacityAndQualification(seed);
    c.Stable(seed);
    c.ReservesAndFloors(seed);
    c.Explanations(seed);
    if (HasFatalFailure()) return;
  }
}

TEST(MarketPropertiesTest, TenureDeferredAcceptance) {
  for (uint64_t seed : kSeeds) {
    absl::StatusOr<Market> m = Compile(CountyMarket(seed));
    ASSERT_TRUE(m.ok()) << m.status();
    absl::StatusOr<MatchResult> r =
        Solve(*m, Mechanism::kTenureDeferredAcceptance);
    ASSERT_TRUE(r.ok()) << r.status();
    Checker c(*m, *r, /*lists=*/true, /*keys=*/true);
    c.CapacityAndQualification(seed);
    c.IndividuallyRational(seed);
    c.Stable(seed);
    c.ReservesAndFloors(seed);
    c.Explanations(seed);
    if (HasFatalFailure()) return;
  }
}

TEST(MarketPropertiesTest, TopTradingCyclesAndBlockExchange) {
  for (uint64_t seed : kSeeds) {
    absl::StatusOr<Market> m = Compile(CountyMarket(seed));
    ASSERT_TRUE(m.ok()) << m.status();
    for (Mechanism mech : {Mechanism::kTopTradingCycles,
                           Mechanism::kTeacherOptimalBlockExchange}) {
      absl::StatusOr<MatchResult> r = Solve(*m, mech);
      ASSERT_TRUE(r.ok()) << r.status();
      Checker c(*m, *r, /*lists=*/true,
                /*keys=*/mech == Mechanism::kTopTradingCycles);
      c.CapacityAndQualification(seed);
      c.IndividuallyRational(seed);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(MarketPropertiesTest, SameInputSameHashWhateverTheOrder) {
  const Model model = CountyMarket(44);
  for (Mechanism mech :
       {Mechanism::kDeferredAcceptance, Mechanism::kTenureDeferredAcceptance,
        Mechanism::kTeacherOptimalBlockExchange,
        Mechanism::kTopTradingCycles}) {
    absl::StatusOr<MatchResult> a = Solve(model, mech);
    absl::StatusOr<MatchResult> b = Solve(model, mech);
    absl::StatusOr<MatchResult> c = Solve(Shuffled(model, 7), mech);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_EQ(ToHex(a->digest), ToHex(b->digest)) << MechanismName(mech);
    EXPECT_EQ(ToHex(a->digest), ToHex(c->digest)) << MechanismName(mech);
    EXPECT_EQ(a->canonical, c->canonical);
    EXPECT_EQ(a->entry_reason.size(), c->entry_reason.size());
    // Another lottery seed is another result (and another hash).
    Model other = model;
    other.lottery_seed ^= 1;
    absl::StatusOr<MatchResult> d = Solve(other, mech);
    ASSERT_TRUE(d.ok());
    EXPECT_NE(ToHex(a->digest), ToHex(d->digest));
  }
}

TEST(MarketPropertiesTest, CanonicalEncodingLayout) {
  Model model;
  model.lottery_seed = 0x0102030405060708ULL;
  Post p;
  p.id = "P";
  p.capacity = 1;
  model.posts.push_back(p);
  Teacher t;
  t.id = "T";
  t.preferences = {"P"};
  model.teachers.push_back(t);
  absl::StatusOr<MatchResult> r = Solve(model, Mechanism::kDeferredAcceptance);
  ASSERT_TRUE(r.ok());
  const std::string want =
      std::string("ROTA-MATCH\x01", 11) + std::string("\x02\0\0\0da", 6) +
      std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8) +
      std::string("\x01\0\0\0\x01\0\0\0", 8) +
      std::string("\x01\0\0\0T\x01\0\0\0P\x01\0\0\0\0", 15) +
      std::string("\0\0\0\0", 4);
  EXPECT_EQ(r->canonical, want);
  EXPECT_EQ(ToHex(r->digest), ToHex(Sha256(want)));
}

}  // namespace
}  // namespace rota::engine
