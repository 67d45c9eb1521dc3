// Recruitment with gender balance (recruitment.h): the horizontal
// reservation examples, the gate and floors, and property tests over seeded
// markets (stability under scores and reserves, no seat below the floor,
// the gender rule when feasible, determinism, strategy-proofness by
// misreport search).
#include "engine/rules/recruitment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/internal/synthetic_recruitment.h"

namespace rota::engine::rules {
namespace {

using internal::MakeApplicant;
using internal::MakePost;
using internal::MakeSchool;
using internal::MarketOptions;

CountyInputs Market(uint64_t seed, const MarketOptions& o = {}) {
  return internal::RecruitmentMarket(seed, o);
}

std::set<std::string> HiredAt(const RoundOutcome& out,
                              const std::string& post) {
  std::set<std::string> s;
  for (const Placement& p : out.placements) {
    if (p.outcome == Outcome::kRecruited && p.to_post == post) {
      s.insert(p.teacher);
    }
  }
  return s;
}

const RecruitmentApplicantResult* FindApplicant(const RoundOutcome& out,
                                                const std::string& id) {
  for (const auto& a : out.recruitment.applicants) {
    if (a.applicant == id) return &a;
  }
  return nullptr;
}

// One post, 3 seats; kFloorPerPost 34% reserves min(ceil(3 x 0.34),
// floor(3 / 2)) = 1 seat for each sex and leaves 1 open seat.
CountyInputs HorizontalExample() {
  CountyInputs in;
  in.seed = 7;
  in.schools = {MakeSchool("s1")};
  in.recruitment_posts = {MakePost("p1", "s1", 3)};
  // Merit order: w1 > m1 > m2 > w2 > m3 (Sönmez and Yenmez's horizontal
  // reservation, one protected group, minimum guarantee vs over-and-above).
  in.applicants = {
      MakeApplicant("w1", Gender::kFemale, 9000, {"p1"}),
      MakeApplicant("m1", Gender::kMale, 8500, {"p1"}),
      MakeApplicant("m2", Gender::kMale, 8000, {"p1"}),
      MakeApplicant("w2", Gender::kFemale, 7500, {"p1"}),
      MakeApplicant("m3", Gender::kMale, 7000, {"p1"}),
  };
  return in;
}

RoundPolicy FloorPolicy(int32_t percent, RecruitmentPrecedence prec) {
  RoundPolicy policy;
  policy.recruitment.gender_mode = GenderMode::kFloorPerPost;
  policy.recruitment.gender_floor_percent = percent;
  policy.recruitment.precedence = prec;
  policy.recruitment.min_score_within_of_open_cutoff = 0;
  return policy;
}

// Minimum guarantee (reserve-first): w1 is hired on merit and counts toward
// the women's seat, so the top three by score are hired; m2 is not pushed
// out by the lower-scoring w2. This is the meritorious horizontal choice
// (Sönmez and Yenmez 2022) for one protected group.
TEST(RecruitmentExamples, HorizontalReserveIsAMinimumGuarantee) {
  auto out =
      RunRecruitment(HorizontalExample(),
                     FloorPolicy(34, RecruitmentPrecedence::kReserveFirst));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(HiredAt(*out, "p1"), (std::set<std::string>{"w1", "m1", "m2"}));
  // Both sexes hold their one reserved seat.
  ASSERT_EQ(out->recruitment.posts.size(), 1u);
  const auto& row = out->recruitment.posts[0];
  EXPECT_EQ(row.reserved_female, 1);
  EXPECT_EQ(row.reserved_male, 1);
  EXPECT_TRUE(row.gender_rule_holds);
  EXPECT_EQ(row.cutoff_female, 9000);
  EXPECT_EQ(row.cutoff_male, 8000);
  EXPECT_EQ(row.cutoff_gap, 1000);
}

// Over-and-above (open-first): the open seat goes to w1 on merit, then the
// women's seat to w2 and the men's to m1: m2 (80.00) loses to w2 (75.00).
TEST(RecruitmentExamples, OpenFirstReserveComesOverAndAbove) {
  auto out = RunRecruitment(HorizontalExample(),
                            FloorPolicy(34, RecruitmentPrecedence::kOpenFirst));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(HiredAt(*out, "p1"), (std::set<std::string>{"w1", "m1", "w2"}));
  const auto* w2 = FindApplicant(*out, "w2");
  ASSERT_NE(w2, nullptr);
  EXPECT_EQ(w2->seat, SeatType::kReservedFemale);
  const auto* m2 = FindApplicant(*out, "m2");
  ASSERT_NE(m2, nullptr);
  ASSERT_EQ(m2->beaten.size(), 1u);
  EXPECT_EQ(m2->beaten[0].competitor, "w2");
  const TeacherExplanation* why = out->FindExplanation("m2");
  ASSERT_NE(why, nullptr);
  ASSERT_EQ(why->choices.size(), 1u);
  EXPECT_EQ(why->choices[0].verdict, Verdict::kReserved);
  EXPECT_NE(why->choices[0].sentence.find("reserved for women"),
            std::string::npos)
      << why->choices[0].sentence;
}

// Equal numbers with too few men: the men's reserved seats nobody claims go
// back to the open list (soft reserve), never left empty while qualified
// applicants wait, and the rule is reported as not holding, with why.
TEST(RecruitmentExamples, UnusedReservedSeatsGoToTheOpenList) {
  CountyInputs in;
  in.schools = {MakeSchool("s1")};
  in.recruitment_posts = {MakePost("p1", "s1", 4)};
  in.applicants = {
      MakeApplicant("w1", Gender::kFemale, 9000, {"p1"}),
      MakeApplicant("w2", Gender::kFemale, 8800, {"p1"}),
      MakeApplicant("w3", Gender::kFemale, 8600, {"p1"}),
      MakeApplicant("w4", Gender::kFemale, 8400, {"p1"}),
      MakeApplicant("m1", Gender::kMale, 6500, {"p1"}),
  };
  RoundPolicy policy;
  policy.recruitment.gender_mode = GenderMode::kEqualNumbers;
  policy.recruitment.min_score_within_of_open_cutoff = 0;
  auto out = RunRecruitment(in, policy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(HiredAt(*out, "p1"),
            (std::set<std::string>{"w1", "w2", "w3", "m1"}));
  const auto& row = out->recruitment.posts[0];
  EXPECT_EQ(row.reserved_male, 2);
  EXPECT_EQ(row.hired_male, 1);
  EXPECT_FALSE(row.gender_rule_holds);
  ASSERT_EQ(out->quotas.size(), 1u);
  EXPECT_NE(out->quotas[0].reason.find("men: 1 hired of 2"), std::string::npos)
      << out->quotas[0].reason;
}

// The score floor is absolute: a man below it takes no seat, even a seat
// reserved for men; the interview gate likewise.
TEST(RecruitmentExamples, NoSeatBelowTheFloorOrWithoutTheInterview) {
  CountyInputs in;
  in.schools = {MakeSchool("s1")};
  in.recruitment_posts = {MakePost("p1", "s1", 2)};
  Applicant failed = MakeApplicant("m2", Gender::kMale, 9500, {"p1"});
  failed.interview_passed = false;
  in.applicants = {
      MakeApplicant("w1", Gender::kFemale, 9000, {"p1"}),
      MakeApplicant("w2", Gender::kFemale, 8800, {"p1"}),
      MakeApplicant("m1", Gender::kMale, 5900, {"p1"}),  // below 60.00
      failed,
  };
  RoundPolicy policy;
  policy.recruitment.gender_mode = GenderMode::kEqualNumbers;
  auto out = RunRecruitment(in, policy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(HiredAt(*out, "p1"), (std::set<std::string>{"w1", "w2"}));
  EXPECT_NE(out->FindPlacement("m1")->reason.find("minimum score"),
            std::string::npos);
  EXPECT_NE(out->FindPlacement("m2")->reason.find("interview"),
            std::string::npos);
  EXPECT_NE(out->FindPlacement("m2")->reason.find(" he "), std::string::npos)
      << out->FindPlacement("m2")->reason;
}

// Relative floor: a reserved seat needs a score within 10.00 points of the
// post's open cutoff; the struck applicant's seat goes to the open list.
TEST(RecruitmentExamples, RelativeFloorStrikesFarBelowTheOpenCutoff) {
  CountyInputs in;
  in.schools = {MakeSchool("s1")};
  in.recruitment_posts = {MakePost("p1", "s1", 3)};
  in.applicants = {
      MakeApplicant("w1", Gender::kFemale, 9500, {"p1"}),
      MakeApplicant("w2", Gender::kFemale, 9000, {"p1"}),
      MakeApplicant("w3", Gender::kFemale, 8500, {"p1"}),
      MakeApplicant("m1", Gender::kMale, 6100, {"p1"}),
  };
  RoundPolicy policy =
      FloorPolicy(34, RecruitmentPrecedence::kReserveFirst);  // 1 each
  policy.recruitment.min_score_within_of_open_cutoff = 1000;
  auto out = RunRecruitment(in, policy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(HiredAt(*out, "p1"), (std::set<std::string>{"w1", "w2", "w3"}));
  const TeacherExplanation* why = out->FindExplanation("m1");
  ASSERT_NE(why, nullptr);
  EXPECT_NE(why->choices[0].sentence.find("relative floor"), std::string::npos)
      << why->choices[0].sentence;
  EXPECT_FALSE(out->recruitment.posts[0].gender_rule_holds);
  // Off: m1 takes the men's seat (61.00 against an open cutoff of 90.00).
  policy.recruitment.min_score_within_of_open_cutoff = 0;
  out = RunRecruitment(in, policy);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(HiredAt(*out, "p1"), (std::set<std::string>{"w1", "w2", "m1"}));
}

TEST(RecruitmentExamples, LocksKeepHardRules) {
  CountyInputs in;
  in.schools = {MakeSchool("s1")};
  in.recruitment_posts = {MakePost("p1", "s1", 1)};
  in.applicants = {MakeApplicant("w1", Gender::kFemale, 9000, {"p1"}),
                   MakeApplicant("m1", Gender::kMale, 5000, {"p1"})};
  in.overrides = {{"m1", "p1", "director's decision"}};
  RoundPolicy policy;
  auto out = RunRecruitment(in, policy);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(out.status().message().find("minimum score"), std::string::npos);
  in.overrides = {{"w1", "p1", "director's decision"}};
  in.applicants[1].written_score = 9900;
  out = RunRecruitment(in, policy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(HiredAt(*out, "p1"), (std::set<std::string>{"w1"}));
  EXPECT_TRUE(out->FindPlacement("w1")->overridden);
}

TEST(RecruitmentExamples, BundledPostNamesTheRuralTerm) {
  CountyInputs in;
  in.schools = {MakeSchool("s1"), MakeSchool("r1", Locality::kRural)};
  in.recruitment_posts = {MakePost("p1", "s1", 1)};
  in.recruitment_posts[0].bundled_rural_school = "r1";
  in.applicants = {MakeApplicant("w1", Gender::kFemale, 9000, {"p1"})};
  auto out = RunRecruitment(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_NE(out->FindPlacement("w1")->reason.find("first 3 years at School r1"),
            std::string::npos)
      << out->FindPlacement("w1")->reason;
}

TEST(RecruitmentExamples, BadInputsAndPolicyNameTheField) {
  CountyInputs in = HorizontalExample();
  in.applicants[0].written_score = 10001;
  auto out = RunRecruitment(in, RoundPolicy{});
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("applicants[\"w1\"].written_score"),
            std::string::npos)
      << out.status();
  in = HorizontalExample();
  in.applicants[1].preferences = {"p9"};
  out = RunRecruitment(in, RoundPolicy{});
  EXPECT_NE(out.status().message().find("unknown recruitment post"),
            std::string::npos)
      << out.status();
  in = HorizontalExample();
  in.recruitment_posts[0].bundled_rural_school = "s1";
  out = RunRecruitment(in, RoundPolicy{});
  EXPECT_NE(out.status().message().find("bundled_rural_school"),
            std::string::npos)
      << out.status();
  RoundPolicy policy;
  policy.recruitment.gender_floor_percent = 60;
  out = RunRecruitment(HorizontalExample(), policy);
  EXPECT_NE(out.status().message().find("recruitment.gender_floor_percent"),
            std::string::npos)
      << out.status();
  policy = RoundPolicy{};
  policy.recruitment.channel_targets = {{Channel::kSpecialPost, 60},
                                        {Channel::kTalent, 50}};
  out = RunRecruitment(HorizontalExample(), policy);
  EXPECT_NE(out.status().message().find("recruitment.channel_targets"),
            std::string::npos)
      << out.status();
}

// Channel targets alone (each applicant in one channel): the special-post
// seat goes to the best special-post applicant, the rest by score.
TEST(RecruitmentExamples, ChannelTargetReservesSeats) {
  CountyInputs in = HorizontalExample();
  in.applicants[4].channel = Channel::kSpecialPost;  // m3, lowest score
  RoundPolicy policy;
  policy.recruitment.channel_targets = {{Channel::kSpecialPost, 34}};
  policy.recruitment.min_score_within_of_open_cutoff = 0;
  auto out = RunRecruitment(in, policy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(HiredAt(*out, "p1"), (std::set<std::string>{"w1", "m1", "m3"}));
  const auto* m3 = FindApplicant(*out, "m3");
  EXPECT_EQ(m3->seat, SeatType::kReservedChannel);
  EXPECT_EQ(m3->seat_channel, Channel::kSpecialPost);
  EXPECT_EQ(out->recruitment.posts[0].reserved_channel, 1);
}

// ------------------------------------------------------------ properties

bool QualifiedFor(const Applicant& a, const RecruitmentPost& p) {
  return std::find(a.subjects.begin(), a.subjects.end(), p.subject) !=
             a.subjects.end() &&
         std::find(a.certificate_stages.begin(), a.certificate_stages.end(),
                   p.stage) != a.certificate_stages.end();
}

// The post's choice from `pool` (applicant indices) by the stated rule:
// seats in precedence order, a reserved seat to the best member of its sex
// left, else the best left; open seats to the best left. Scores are
// distinct, so the score order is the priority order.
std::set<int> Choose(const CountyInputs& in, const RecruitmentPostResult& row,
                     RecruitmentPrecedence prec, std::vector<int> pool) {
  std::sort(pool.begin(), pool.end(), [&](int a, int b) {
    return in.applicants[a].written_score > in.applicants[b].written_score;
  });
  std::vector<int> seats;  // 1 female, 2 male, 0 open
  std::vector<int> reserved(row.reserved_female, 1);
  reserved.insert(reserved.end(), row.reserved_male, 2);
  std::vector<int> open(row.seats - row.reserved_female - row.reserved_male, 0);
  if (prec == RecruitmentPrecedence::kReserveFirst) {
    seats = reserved;
    seats.insert(seats.end(), open.begin(), open.end());
  } else {
    seats = open;
    seats.insert(seats.end(), reserved.begin(), reserved.end());
  }
  std::set<int> chosen;
  for (int g : seats) {
    int pick = -1;
    for (int a : pool) {
      if (chosen.count(a)) continue;
      if (g == 0 || static_cast<int>(in.applicants[a].gender) == g) {
        pick = a;
        break;
      }
    }
    if (pick < 0) {
      for (int a : pool) {
        if (!chosen.count(a)) {
          pick = a;
          break;
        }
      }
    }
    if (pick < 0) break;
    chosen.insert(pick);
  }
  return chosen;
}

struct Violations {
  int floor = 0, gate = 0, qualification = 0, capacity = 0, blocking = 0,
      gender = 0;
  std::string first;
  void Note(const std::string& what) {
    if (first.empty()) first = what;
  }
  int total() const {
    return floor + gate + qualification + capacity + blocking + gender;
  }
};

// Checks one run against the stated rules (policy without relative floor).
Violations Check(const CountyInputs& in, const RoundPolicy& policy,
                 const RoundOutcome& out) {
  Violations v;
  std::map<std::string, int> app_index, post_index;
  for (size_t i = 0; i < in.applicants.size(); ++i) {
    app_index[in.applicants[i].id] = static_cast<int>(i);
  }
  for (size_t j = 0; j < in.recruitment_posts.size(); ++j) {
    post_index[in.recruitment_posts[j].id] = static_cast<int>(j);
  }
  std::vector<int> post_of(in.applicants.size(), -1);
  std::vector<std::vector<int>> holders(in.recruitment_posts.size());
  for (const Placement& p : out.placements) {
    if (p.outcome != Outcome::kRecruited) continue;
    int i = app_index.at(p.teacher);
    post_of[i] = post_index.at(p.to_post);
    holders[post_of[i]].push_back(i);
    const Applicant& a = in.applicants[i];
    if (a.written_score < policy.recruitment.min_score) {
      ++v.floor;
      v.Note("below floor: " + a.id);
    }
    if (!a.interview_passed) {
      ++v.gate;
      v.Note("interview: " + a.id);
    }
    if (!QualifiedFor(a, in.recruitment_posts[post_of[i]])) {
      ++v.qualification;
      v.Note("qualification: " + a.id);
    }
  }
  std::map<std::string, const RecruitmentPostResult*> rows;
  for (const auto& r : out.recruitment.posts) rows[r.post] = &r;
  for (size_t j = 0; j < in.recruitment_posts.size(); ++j) {
    const RecruitmentPost& p = in.recruitment_posts[j];
    const RecruitmentPostResult& row = *rows.at(p.id);
    if (static_cast<int>(holders[j].size()) > p.seats) {
      ++v.capacity;
      v.Note("capacity: " + p.id);
    }
    // Blocking pairs and the gender rule when feasible.
    int left[3] = {0, 0, 0};
    for (size_t i = 0; i < in.applicants.size(); ++i) {
      const Applicant& a = in.applicants[i];
      auto at = std::find(a.preferences.begin(), a.preferences.end(), p.id);
      if (at == a.preferences.end() || !QualifiedFor(a, p) ||
          !a.interview_passed ||
          a.written_score < policy.recruitment.min_score ||
          post_of[i] == static_cast<int>(j)) {
        continue;
      }
      if (post_of[i] >= 0) {
        auto held = std::find(a.preferences.begin(), a.preferences.end(),
                              in.recruitment_posts[post_of[i]].id);
        if (held < at) continue;
      }
      ++left[static_cast<int>(a.gender)];
      std::vector<int> pool = holders[j];
      pool.push_back(static_cast<int>(i));
      if (Choose(in, row, policy.recruitment.precedence, pool)
              .count(static_cast<int>(i))) {
        ++v.blocking;
        v.Note("blocking pair: " + a.id + " at " + p.id);
      }
    }
    if ((row.hired_female < row.reserved_female && left[1] > 0) ||
        (row.hired_male < row.reserved_male && left[2] > 0)) {
      ++v.gender;
      v.Note("gender rule feasible but broken at " + p.id);
    }
    if (policy.recruitment.gender_mode == GenderMode::kFloorPerPost) {
      // Independent of the engine's reserve numbers.
      int need = std::min(
          (p.seats * policy.recruitment.gender_floor_percent + 99) / 100,
          p.seats / 2);
      if ((row.hired_female < need && left[1] > 0) ||
          (row.hired_male < need && left[2] > 0)) {
        ++v.gender;
        v.Note("floor per post feasible but broken at " + p.id);
      }
    }
  }
  return v;
}

const GenderMode kModes[] = {
    GenderMode::kOff, GenderMode::kSameRate, GenderMode::kEqualNumbers,
    GenderMode::kFloorPerPost, GenderMode::kCountyBalance};

TEST(RecruitmentProperties, StableFloorsAndGenderRuleOverSeededMarkets) {
  int runs = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    CountyInputs in = Market(seed);
    for (GenderMode mode : kModes) {
      for (RecruitmentPrecedence prec : {RecruitmentPrecedence::kReserveFirst,
                                         RecruitmentPrecedence::kOpenFirst}) {
        RoundPolicy policy;
        policy.recruitment.gender_mode = mode;
        policy.recruitment.precedence = prec;
        policy.recruitment.min_score_within_of_open_cutoff = 0;
        auto out = RunRecruitment(in, policy);
        ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
        Violations v = Check(in, policy, *out);
        EXPECT_EQ(v.total(), 0)
            << "seed " << seed << " mode " << GenderModeName(mode)
            << " precedence " << static_cast<int>(prec) << ": " << v.first;
        ++runs;
      }
    }
  }
  EXPECT_EQ(runs, 600);
}

// With the relative floor on: still no seat below the absolute floor, and
// no reserved seat further below its post's open cutoff than allowed.
TEST(RecruitmentProperties, RelativeFloorHoldsOverSeededMarkets) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    CountyInputs in = Market(seed);
    RoundPolicy policy;
    policy.recruitment.gender_mode = GenderMode::kFloorPerPost;
    policy.recruitment.min_score_within_of_open_cutoff = 800;
    auto out = RunRecruitment(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    std::map<std::string, int64_t> score;
    for (const auto& a : in.applicants) score[a.id] = a.written_score;
    std::map<std::string, int64_t> cutoff;
    for (const auto& r : out->recruitment.posts) cutoff[r.post] = r.open_cutoff;
    for (const auto& a : out->recruitment.applicants) {
      if (a.post.empty()) continue;
      EXPECT_GE(score[a.applicant], policy.recruitment.min_score)
          << "seed " << seed << " " << a.applicant;
      if (a.seat == SeatType::kOpen || cutoff[a.post] < 0) continue;
      EXPECT_GE(score[a.applicant], cutoff[a.post] - 800)
          << "seed " << seed << " " << a.applicant << " at " << a.post;
    }
  }
}

TEST(RecruitmentProperties, DeterministicUnderShuffledInputOrder) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    CountyInputs in = Market(seed);
    RoundPolicy policy;
    policy.recruitment.gender_mode =
        kModes[seed % (sizeof(kModes) / sizeof(kModes[0]))];
    policy.recruitment.channel_targets = {{Channel::kSpecialPost, 20}};
    auto a = RunRecruitment(in, policy);
    ASSERT_TRUE(a.ok()) << "seed " << seed << ": " << a.status();
    std::mt19937_64 rng(seed * 31);
    std::shuffle(in.applicants.begin(), in.applicants.end(), rng);
    std::shuffle(in.recruitment_posts.begin(), in.recruitment_posts.end(), rng);
    std::shuffle(in.schools.begin(), in.schools.end(), rng);
    std::shuffle(in.teachers.begin(), in.teachers.end(), rng);
    auto b = RunRecruitment(in, policy);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(a->hash_hex, b->hash_hex) << "seed " << seed;
    EXPECT_EQ(a->canonical, b->canonical) << "seed " << seed;
  }
}

// Every ordered list of distinct posts drawn from `posts` (all lengths).
void AllLists(const std::vector<std::string>& posts,
              std::vector<std::string>& cur, std::vector<bool>& used,
              std::vector<std::vector<std::string>>* out) {
  out->push_back(cur);
  for (size_t k = 0; k < posts.size(); ++k) {
    if (used[k]) continue;
    used[k] = true;
    cur.push_back(posts[k]);
    AllLists(posts, cur, used, out);
    cur.pop_back();
    used[k] = false;
  }
}

// Strategy-proofness: on small markets, no applicant gets a post she
// prefers (by her true list) by reporting any other ordered list (every
// permutation of every subset of the posts: truncations, reorderings,
// additions).
TEST(RecruitmentProperties, NoProfitableMisreportOnSmallMarkets) {
  MarketOptions o;
  o.schools = 2;
  o.posts = 3;
  o.applicants = 7;
  o.max_seats = 2;
  o.max_list = 3;
  int checked = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    CountyInputs in = Market(seed, o);
    // One subject and stage for all, so everyone competes.
    for (auto& p : in.recruitment_posts) {
      p.subject = "math";
      p.stage = Stage::kPrimary;
    }
    std::vector<std::string> ids;
    for (const auto& p : in.recruitment_posts) ids.push_back(p.id);
    for (auto& a : in.applicants) {
      a.subjects = {"math"};
      a.certificate_stages = {Stage::kPrimary};
    }
    std::vector<std::vector<std::string>> lists;
    std::vector<std::string> cur;
    std::vector<bool> used(ids.size(), false);
    AllLists(ids, cur, used, &lists);
    for (GenderMode mode :
         {GenderMode::kOff, GenderMode::kEqualNumbers,
          GenderMode::kFloorPerPost, GenderMode::kCountyBalance}) {
      RoundPolicy policy;
      policy.recruitment.gender_mode = mode;
      policy.recruitment.min_score_within_of_open_cutoff = 0;
      auto truth = RunRecruitment(in, policy);
      ASSERT_TRUE(truth.ok()) << truth.status();
      for (size_t i = 0; i < in.applicants.size(); ++i) {
        const Applicant& me = in.applicants[i];
        auto rank = [&](const std::string& post) {
          auto it =
              std::find(me.preferences.begin(), me.preferences.end(), post);
          return it == me.preferences.end()
                     ? 1000
                     : static_cast<int>(it - me.preferences.begin());
        };
        int truthful = rank(truth->FindPlacement(me.id)->to_post);
        for (const auto& list : lists) {
          CountyInputs lie = in;
          lie.applicants[i].preferences = list;
          auto got = RunRecruitment(lie, policy);
          ASSERT_TRUE(got.ok());
          int r = rank(got->FindPlacement(me.id)->to_post);
          EXPECT_GE(r, truthful)
              << "seed " << seed << " mode " << GenderModeName(mode) << ": "
              << me.id << " gains by reporting a different list";
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 10000);
}

}  // namespace
}  // namespace rota::engine::rules
