#include "engine/model.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/internal/oracle.h"
#include "engine/internal/testing.h"
#include "gtest/gtest.h"

namespace rota::engine {
namespace {

using testing::ModelBuilder;

void ExpectInvalid(const Model& model, const std::string& fragment) {
  absl::Status s = Validate(model);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(std::string(s.message()).find(fragment), std::string::npos)
      << "message: " << s.message() << "\nwanted: " << fragment;
  EXPECT_FALSE(Compile(model).ok());
  EXPECT_FALSE(Solve(model, Mechanism::kDeferredAcceptance).ok());
}

TEST(ModelTest, UnknownPostInPreference) {
  ModelBuilder b;
  b.Post("p1", 1).Teacher("t1", {"p1", "p9"});
  ExpectInvalid(b.model(), "teacher \"t1\" preference #2: unknown post \"p9\"");
}

TEST(ModelTest, DuplicatePreference) {
  ModelBuilder b;
  b.Post("p1", 1).Post("p2", 1).Teacher("t1", {"p1", "p2", "p1"});
  ExpectInvalid(b.model(),
                "teacher \"t1\" preference #3: duplicate post \"p1\"");
}

TEST(ModelTest, DuplicateTeacherAndPostIds) {
  ModelBuilder b;
  b.Post("p1", 1).Teacher("t1", {}).Teacher("t1", {});
  ExpectInvalid(b.model(), "teacher \"t1\": duplicate id");
  ModelBuilder c;
  c.Post("p1", 1).Post("p1", 2);
  ExpectInvalid(c.model(), "post \"p1\": duplicate id");
}

TEST(ModelTest, EmptyIds) {
  ModelBuilder b;
  b.Post("", 1);
  ExpectInvalid(b.model(), "empty id");
  ModelBuilder c;
  c.Teacher("", {});
  ExpectInvalid(c.model(), "empty id");
}

TEST(ModelTest, NegativeCapacity) {
  ModelBuilder b;
  b.Post("p1", -1);
  ExpectInvalid(b.model(), "post \"p1\": capacity -1 is negative");
}

TEST(ModelTest, FloorAboveCapacity) {
  ModelBuilder b;
  b.Post("p1", 2);
  b.last_post().bounds = {{.group = "gender:female", .floor = 3}};
  ExpectInvalid(b.model(),
                "post \"p1\" bound #1: floor 3 for \"gender:female\" is above "
                "capacity 2");
}

TEST(ModelTest, FloorsAboveCapacityInTotal) {
  ModelBuilder b;
  b.Post("p1", 2);
  b.last_post().bounds = {{.group = "a", .floor = 2},
                          {.group = "b", .floor = 1}};
  ExpectInvalid(b.model(), "floors total 3, above capacity 2");
}

TEST(ModelTest, CeilingBelowFloor) {
  ModelBuilder b;
  b.Post("p1", 4);
  b.last_post().bounds = {{.group = "a", .floor = 2, .ceiling = 1}};
  ExpectInvalid(b.model(), "ceiling 1 is below floor 2");
}

TEST(ModelTest, ReserveAboveCapacity) {
  ModelBuilder b;
  b.Post("p1", 1);
  b.last_post().reserves = {{"gender:female", 2}};
  ExpectInvalid(b.model(),
                "2 reserved seats for \"gender:female\" exceed capacity 1");
}

TEST(ModelTest, NegativeReserveAndDuplicateGroup) {
  ModelBuilder b;
  b.Post("p1", 3);
  b.last_post().reserves = {{"a", -1}};
  ExpectInvalid(b.model(), "reserve #1: seats -1 is negative");
  ModelBuilder c;
  c.Post("p1", 3);
  c.last_post().reserves = {{"a", 1}, {"a", 1}};
  ExpectInvalid(c.model(), "reserve #2: duplicate group \"a\"");
}

TEST(ModelTest, ReservesWithBoundsRejected) {
  ModelBuilder b;
  b.Post("p1", 3);
  b.last_post().reserves = {{"a", 1}};
  b.last_post().bounds = {{.group = "b", .floor = 1}};
  ExpectInvalid(b.model(), "cannot be combined");
}

TEST(ModelTest, UnknownCurrentPost) {
  ModelBuilder b;
  b.Post("p1", 1).Teacher("t1", {"p1"}, "p7");
  ExpectInvalid(b.model(), "teacher \"t1\": current_post \"p7\" is unknown");
}

TEST(ModelTest, PriorityListErrors) {
  ModelBuilder b;
  b.Post("p1", 1, {"t1", "t9"}).Teacher("t1", {"p1"});
  ExpectInvalid(b.model(), "post \"p1\" priority #2: unknown teacher \"t9\"");
  ModelBuilder c;
  c.Post("p1", 1, {"t1", "t1"}).Teacher("t1", {"p1"});
  ExpectInvalid(c.model(), "post \"p1\" priority #2: duplicate teacher \"t1\"");
}

TEST(ModelTest, PointsAtChoiceSizeMismatch) {
  ModelBuilder b;
  b.Post("p1", 1).Teacher("t1", {"p1"});
  b.last_teacher().points_at_choice = {1, 2};
  ExpectInvalid(b.model(), "points_at_choice has 2 values for 1 preferences");
}

TEST(ModelTest, TooManyGroups) {
  ModelBuilder b;
  b.Post("p1", 1).Teacher("t1", {"p1"});
  for (int i = 0; i < 70; ++i)
    b.last_teacher().groups.push_back(absl::StrCat("g", i));
  ExpectInvalid(b.model(), "more than 64");
}

TEST(ModelTest, CompiledOrderDoesNotDependOnInputOrder) {
  ModelBuilder b;
  b.Post("p2", 1)
      .Post("p1", 1)
      .Teacher("t2", {"p1", "p2"})
      .Teacher("t1", {"p2"});
  absl::StatusOr<Market> m = Compile(b.model());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->teacher_ids, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(m->post_ids, (std::vector<std::string>{"p1", "p2"}));
  // t2 listed p1 first.
  EXPECT_EQ(m->entry_post[m->entry_begin[1]], 0);
}

TEST(ModelTest, PriorityFromPointsThenTieChainThenLottery) {
  ModelBuilder b;
  b.Post("p", 3)
      .Teacher("a", {"p"}, "", 10)
      .Teacher("b", {"p"}, "", 20)
      .Teacher("c", {"p"}, "", 10);
  b.model().teachers[0].tie_breakers = {5};
  b.model().teachers[2].tie_breakers = {7};
  absl::StatusOr<Market> m = Compile(b.model());
  ASSERT_TRUE(m.ok()) << m.status();
  // b (20 points) first, then c (tie chain 7), then a.
  EXPECT_EQ(m->entry_key[m->FindEntry(1, 0)], 0u);
  EXPECT_EQ(m->entry_key[m->FindEntry(2, 0)], 1u);
  EXPECT_EQ(m->entry_key[m->FindEntry(0, 0)], 2u);
}

TEST(ModelTest, LotteryIsSplitMix64OfSeedAndId) {
  // Fixed values: these must never change, or recorded rounds stop replaying.
  EXPECT_EQ(SplitMix64(0), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(LotteryDraw(42, "T001"),
            SplitMix64(SplitMix64(42) ^ Fnv1a64("T001")));
}

TEST(ModelTest, QualificationBlocksEntries) {
  ModelBuilder b;
  b.Post("math", 1).Post("music", 1).Teacher("t", {"music", "math"});
  b.model().posts[0].subject = "math";
  b.model().posts[1].subject = "music";
  b.model().posts[1].stage = "junior";
  b.last_teacher().subjects = {"math", "music"};
  b.last_teacher().stages = {"primary"};
  absl::StatusOr<Market> m = Compile(b.model());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->entry_block[0],
            EntryBlock::kNotQualified);  // music needs junior
  EXPECT_EQ(m->entry_block[1], EntryBlock::kNone);
}

TEST(ModelTest, RequiredTagsAreQualification) {
  ModelBuilder b;
  b.Post("senior-math", 1).Post("any", 1).Teacher("t", {"senior-math", "any"});
  b.model().posts[0].required_tags = {"title:senior", "gender:female"};
  b.last_teacher().groups = {"title:senior"};
  b.last_teacher().gender = Gender::kFemale;
  absl::StatusOr<Market> m = Compile(b.model());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->entry_block[0], EntryBlock::kNone);
  b.last_teacher().groups = {"title:junior"};
  m = Compile(b.model());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->entry_block[0], EntryBlock::kNotQualified);
  b.model().posts[0].required_tags = {""};
  ExpectInvalid(b.model(), "post \"senior-math\" required tag #1: empty");
}

TEST(ModelTest, UnknownMechanismValueIsAnError) {
  ModelBuilder b;
  b.Post("p", 1).Teacher("t", {"p"});
  absl::StatusOr<MatchResult> r = Solve(b.model(), static_cast<Mechanism>(99));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMechanism("boston").status().code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* name :
       {"da", "da-posts", "da-star", "to-be", "ttc", "min-cost"}) {
    absl::StatusOr<Mechanism> m = ParseMechanism(name);
    ASSERT_TRUE(m.ok()) << name;
    EXPECT_EQ(MechanismName(*m), name);
  }
}

// CompileDense (used by benchmarks) and Compile agree: the same market given
// densely or by string ids yields the same result bytes and hash.
TEST(ModelTest, DenseAndStringModelsGiveTheSameHash) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    oracle::Rng rng(seed);
    const int n = 1 + static_cast<int>(rng.Uniform(40));
    const int m = 1 + static_cast<int>(rng.Uniform(8));
    DenseModel d;
    d.lottery_seed = rng.Next();
    Model model;
    model.lottery_seed = d.lottery_seed;
    for (int j = 0; j < m; ++j) {
      d.capacity.push_back(static_cast<int32_t>(rng.Uniform(4)));
      Post p;
      p.id = absl::StrFormat("p%09d", j);
      p.capacity = d.capacity.back();
      model.posts.push_back(p);
    }
    d.pref_begin.push_back(0);
    d.current_post.assign(n, -1);
    std::vector<int32_t> held(m, 0);
    for (int i = 0; i < n; ++i) {
      Teacher t;
      t.id = absl::StrFormat("t%09d", i);
      for (int j = 0; j < m; ++j) {
        if (!rng.Chance(60)) continue;
        d.pref_post.push_back(j);
        d.pref_points.push_back(rng.Uniform(5));  // ties -> lottery
        t.preferences.push_back(model.posts[j].id);
        t.points_at_choice.push_back(d.pref_points.back());
      }
      d.pref_begin.push_back(static_cast<int32_t>(d.pref_post.size()));
      const int j = static_cast<int>(rng.Uniform(m));
      if (rng.Chance(50) && held[j] < d.capacity[j]) {
        ++held[j];
        d.current_post[i] = j;
        t.current_post = model.posts[j].id;
      }
      model.teachers.push_back(t);
    }
    absl::StatusOr<Market> dense = CompileDense(d);
    absl::StatusOr<Market> named = Compile(model);
    ASSERT_TRUE(dense.ok() && named.ok()) << "seed " << seed;
    for (Mechanism mech :
         {Mechanism::kDeferredAcceptance, Mechanism::kTenureDeferredAcceptance,
          Mechanism::kTeacherOptimalBlockExchange,
          Mechanism::kTopTradingCycles}) {
      absl::StatusOr<MatchResult> a = Solve(*dense, mech);
      absl::StatusOr<MatchResult> b = Solve(*named, mech);
      ASSERT_TRUE(a.ok() && b.ok()) << "seed " << seed;
      // The dense holder's own post gets points 0 when not listed; the named
      // one gets her base points (also 0 here), so the markets are equal.
      EXPECT_EQ(ToHex(a->digest), ToHex(b->digest))
          << "seed " << seed << " " << MechanismName(mech);
    }
  }
}

TEST(ModelTest, DenseModelBadInput) {
  DenseModel d;
  d.capacity = {1, -1};
  d.pref_begin = {0};
  EXPECT_EQ(CompileDense(d).status().code(),
            absl::StatusCode::kInvalidArgument);
  d.capacity = {1, 1};
  d.pref_begin = {0, 2};
  d.pref_post = {0, 0};
  d.pref_points = {1, 2};
  absl::Status s = CompileDense(d).status();
  EXPECT_NE(s.message().find("duplicate post 0"), absl::string_view::npos) << s;
  d.pref_post = {0, 7};
  s = CompileDense(d).status();
  EXPECT_NE(s.message().find("unknown post 7"), absl::string_view::npos) << s;
}

}  // namespace
}  // namespace rota::engine
