#include "engine/rules/competitive_hiring.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/min_cost_flow.h"
#include "engine/model.h"
#include "engine/rules/points.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

int32_t Day(const char* text) { return *ParseDate(text); }

School MakeSchool(const std::string& id, double lat, double lon) {
  School s;
  s.id = id;
  s.stages = {Stage::kPrimary};
  s.locality = Locality::kUrban;
  s.has_location = true;
  s.latitude = lat;
  s.longitude = lon;
  s.headcount = 50;
  return s;
}

Post MakePost(const std::string& id, const std::string& school,
              const std::string& subject, Title band, int32_t count) {
  Post p;
  p.id = id;
  p.school = school;
  p.subject = subject;
  p.title_band = band;
  p.count = count;
  return p;
}

// Points grow with service years (career start), so `start_year` orders
// teachers: earlier = more points.
Teacher MakeTeacher(const std::string& id, const std::string& school,
                    const std::string& post, std::vector<std::string> subjects,
                    Title title, int start_year) {
  Teacher t;
  t.id = id;
  t.gender = Gender::kFemale;
  t.birth_day = Day("1975-03-01");
  t.career_start_day = DaysFromCivil(start_year, 9, 1);
  t.school = school;
  t.school_join_day = DaysFromCivil(start_year, 9, 1);
  t.post = post;
  t.subjects = std::move(subjects);
  t.certificate_stages = {Stage::kPrimary};
  t.title = title;
  t.role = Role::kTeacher;
  return t;
}

CountyInputs BaseInputs() {
  CountyInputs in;
  in.county = "test";
  in.effective_day = Day("2026-09-01");
  in.seed = 42;
  return in;
}

void Apply(CountyInputs* in, const std::string& teacher,
           std::vector<std::string> posts) {
  Application a;
  a.teacher = teacher;
  a.preferences = std::move(posts);
  in->applications.push_back(std::move(a));
}

const ChoiceExplanation* FindChoice(const RoundOutcome& out,
                                    const std::string& teacher,
                                    const std::string& post) {
  const TeacherExplanation* ex = out.FindExplanation(teacher);
  if (ex == nullptr) return nullptr;
  for (const ChoiceExplanation& c : ex->choices) {
    if (c.choice == post) return &c;
  }
  return nullptr;
}

TEST(CompetitiveHiringTest, InSchoolTeacherKeepsHerPostAgainstOutsider) {
  CountyInputs in = BaseInputs();
  in.schools = {MakeSchool("s1", 30.0, 120.0), MakeSchool("s2", 30.1, 120.0)};
  in.posts = {MakePost("p1", "s1", "math", Title::kIntermediate, 1),
              MakePost("p2", "s2", "math", Title::kIntermediate, 1)};
  // A (few points) holds p1; B (many more points) at s2 wants p1.
  in.teachers = {
      MakeTeacher("A", "s1", "p1", {"math"}, Title::kIntermediate, 2020),
      MakeTeacher("B", "s2", "p2", {"math"}, Title::kIntermediate, 2000)};
  Apply(&in, "B", {"p1"});
  for (StageMode mode : {StageMode::kSimultaneous, StageMode::kSequential}) {
    RunParameters params;
    params.stage_mode = mode;
    absl::StatusOr<RoundOutcome> out =
        RunCompetitiveHiring(in, RoundPolicy{}, params);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->FindPlacement("A")->outcome, Outcome::kStayed);
    EXPECT_EQ(out->FindPlacement("A")->to_post, "p1");
    EXPECT_EQ(out->FindPlacement("B")->outcome, Outcome::kStayed);
    EXPECT_EQ(out->FindPlacement("B")->to_post, "p2");
    const ChoiceExplanation* c = FindChoice(*out, "B", "p1");
    ASSERT_NE(c, nullptr);
    if (mode == StageMode::kSequential) {
      // Hired at home in stage 1, she never competed for p1.
      EXPECT_EQ(c->verdict, Verdict::kNotReached);
      continue;
    }
    EXPECT_EQ(c->verdict, Verdict::kFull);
    EXPECT_EQ(c->competitor, "A");
    EXPECT_TRUE(c->competitor_by_tenure);
    EXPECT_LT(c->competitor_points, c->teacher_points);
  }
}

TEST(CompetitiveHiringTest, InSchoolCompetitionIsByPoints) {
  CountyInputs in = BaseInputs();
  in.schools = {MakeSchool("s1", 30.0, 120.0)};
  in.posts = {MakePost("p1", "s1", "math", Title::kIntermediate, 1)};
  in.teachers = {
      MakeTeacher("A", "s1", "p1", {"math"}, Title::kIntermediate, 2015),
      MakeTeacher("B", "s1", "", {"math"}, Title::kIntermediate, 2005)};
  absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("B")->to_post, "p1");
  EXPECT_EQ(out->FindPlacement("B")->outcome, Outcome::kMoved);
  const Placement* a = out->FindPlacement("A");
  EXPECT_EQ(a->outcome, Outcome::kUnplaced);
  EXPECT_EQ(a->to_post, "");
  EXPECT_EQ(a->to_school, "s1");
  EXPECT_TRUE(absl::StrContains(a->reason, "待岗")) << a->reason;
  EXPECT_TRUE(absl::StrContains(a->reason, "\"p1\"")) << a->reason;
  const ChoiceExplanation* c = FindChoice(*out, "A", "p1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->verdict, Verdict::kFull);
  EXPECT_EQ(c->competitor, "B");
  EXPECT_FALSE(c->competitor_by_tenure);
  EXPECT_GT(c->competitor_points, c->teacher_points);
}

TEST(CompetitiveHiringTest, EqualTeachersAreOrderedByTheSeededLottery) {
  CountyInputs in = BaseInputs();
  in.schools = {MakeSchool("s1", 30.0, 120.0)};
  in.posts = {MakePost("p1", "s1", "math", Title::kIntermediate, 1)};
  in.teachers = {
      MakeTeacher("A", "s1", "", {"math"}, Title::kIntermediate, 2010),
      MakeTeacher("B", "s1", "", {"math"}, Title::kIntermediate, 2010)};
  std::set<std::string> winners;
  for (uint64_t seed = 1; seed <= 16; ++seed) {
    in.seed = seed;
    absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, RoundPolicy{});
    ASSERT_TRUE(out.ok()) << out.status();
    const std::string winner =
        LotteryDraw(seed, "A") < LotteryDraw(seed, "B") ? "A" : "B";
    const std::string loser = winner == "A" ? "B" : "A";
    EXPECT_EQ(out->FindPlacement(winner)->to_post, "p1") << "seed " << seed;
    EXPECT_EQ(out->FindPlacement(loser)->outcome, Outcome::kUnplaced);
    const ChoiceExplanation* c = FindChoice(*out, loser, "p1");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->competitor, winner);
    EXPECT_TRUE(absl::StrContains(c->sentence, "lottery")) << c->sentence;
    winners.insert(winner);
  }
  EXPECT_EQ(winners.size(), 2u);  // the seed decides, not the id
}

TEST(CompetitiveHiringTest, DownHiringWithinPolicy) {
  CountyInputs in = BaseInputs();
  in.schools = {MakeSchool("s1", 30.0, 120.0), MakeSchool("s2", 30.2, 120.0)};
  in.posts = {MakePost("p1", "s1", "math", Title::kSenior, 1),
              MakePost("p2", "s2", "math", Title::kIntermediate, 1),
              MakePost("p3", "s2", "math", Title::kJunior, 1)};
  in.teachers = {MakeTeacher("A", "s1", "p1", {"math"}, Title::kSenior, 2000),
                 MakeTeacher("B", "s1", "", {"math"}, Title::kSenior, 2010)};
  absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("A")->outcome, Outcome::kStayed);
  const Placement* b = out->FindPlacement("B");
  EXPECT_EQ(b->outcome, Outcome::kDownHired);
  EXPECT_EQ(b->to_post, "p2");  // one band down, not two
  EXPECT_EQ(b->via, "county allocation (min-cost)");
  EXPECT_TRUE(absl::StrContains(b->reason, "低聘")) << b->reason;

  RoundPolicy no_down;
  no_down.competitive_hiring.allow_down_hiring = false;
  out = RunCompetitiveHiring(in, no_down);
  ASSERT_TRUE(out.ok()) << out.status();
  b = out->FindPlacement("B");
  EXPECT_EQ(b->outcome, Outcome::kUnplaced);
  EXPECT_TRUE(absl::StrContains(b->reason, "all 1 post(s) she qualifies for"))
      << b->reason;

  // Two bands down needs max_bands_down >= 2.
  in.posts[1].count = 0;
  out = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("B")->outcome, Outcome::kUnplaced);
  RoundPolicy two;
  two.competitive_hiring.max_bands_down = 2;
  out = RunCompetitiveHiring(in, two);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("B")->outcome, Outcome::kDownHired);
  EXPECT_EQ(out->FindPlacement("B")->to_post, "p3");
}

TEST(CompetitiveHiringTest, NoUpHiringAndReasonsPerChoice) {
  CountyInputs in = BaseInputs();
  in.schools = {MakeSchool("s1", 30.0, 120.0)};
  in.posts = {MakePost("p1", "s1", "math", Title::kSenior, 1),
              MakePost("p2", "s1", "music", Title::kJunior, 1)};
  in.teachers = {MakeTeacher("A", "s1", "", {"math"}, Title::kJunior, 2010)};
  Apply(&in, "A", {"p1", "p2"});
  absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  const Placement* a = out->FindPlacement("A");
  EXPECT_EQ(a->outcome, Outcome::kUnplaced);
  EXPECT_TRUE(absl::StrContains(a->reason, "no post in the county fits her"))
      << a->reason;
  const ChoiceExplanation* c1 = FindChoice(*out, "A", "p1");
  ASSERT_NE(c1, nullptr);
  EXPECT_EQ(c1->verdict, Verdict::kNotQualified);
  EXPECT_TRUE(absl::StrContains(c1->sentence, "no up-hiring")) << c1->sentence;
  const ChoiceExplanation* c2 = FindChoice(*out, "A", "p2");
  ASSERT_NE(c2, nullptr);
  EXPECT_EQ(c2->verdict, Verdict::kNotQualified);
  EXPECT_TRUE(absl::StrContains(c2->sentence, "subject")) << c2->sentence;
}

// The textbook case where sequential stages waste a seat: A holds p1 at s1
// but prefers the vacant p2 at s2; C (math only) wants p1. Stage 1 hires A
// at home, so p2 stays empty and C is 待岗; the simultaneous DA* moves A to
// p2 and hires C at p1.
TEST(CompetitiveHiringTest, SequentialWastesASeatSimultaneousDoesNot) {
  CountyInputs in = BaseInputs();
  in.schools = {MakeSchool("s1", 30.0, 120.0), MakeSchool("s2", 30.1, 120.0),
                MakeSchool("s3", 30.2, 120.0)};
  in.posts = {MakePost("p1", "s1", "math", Title::kIntermediate, 1),
              MakePost("p2", "s2", "music", Title::kIntermediate, 1)};
  in.teachers = {
      MakeTeacher("A", "s1", "p1", {"math", "music"}, Title::kIntermediate,
                  2005),
      MakeTeacher("C", "s3", "", {"math"}, Title::kIntermediate, 2010)};
  Apply(&in, "A", {"p2"});
  Apply(&in, "C", {"p1"});

  absl::StatusOr<RoundOutcome> sim = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(sim.ok()) << sim.status();
  EXPECT_EQ(sim->FindPlacement("A")->to_post, "p2");
  EXPECT_EQ(sim->FindPlacement("A")->outcome, Outcome::kMoved);
  EXPECT_EQ(sim->FindPlacement("A")->choice, 1);
  EXPECT_EQ(sim->FindPlacement("C")->to_post, "p1");
  EXPECT_EQ(sim->counts.unplaced, 0);

  RoundPolicy seq_policy;
  seq_policy.competitive_hiring.stage_mode = StageMode::kSequential;
  absl::StatusOr<RoundOutcome> seq = RunCompetitiveHiring(in, seq_policy);
  ASSERT_TRUE(seq.ok()) << seq.status();
  EXPECT_EQ(seq->FindPlacement("A")->to_post, "p1");
  EXPECT_EQ(seq->FindPlacement("A")->outcome, Outcome::kStayed);
  EXPECT_EQ(seq->FindPlacement("A")->via,
            "in-school competition (sequential stage 1)");
  EXPECT_EQ(seq->FindPlacement("C")->outcome, Outcome::kUnplaced);
  const ChoiceExplanation* a2 = FindChoice(*seq, "A", "p2");
  ASSERT_NE(a2, nullptr);
  EXPECT_EQ(a2->verdict, Verdict::kNotReached);
  const ChoiceExplanation* c1 = FindChoice(*seq, "C", "p1");
  ASSERT_NE(c1, nullptr);
  EXPECT_EQ(c1->verdict, Verdict::kFull);
  EXPECT_EQ(c1->competitor, "A");
  EXPECT_TRUE(c1->competitor_by_tenure);
  ASSERT_FALSE(seq->notes.empty());
  EXPECT_TRUE(absl::StrContains(seq->notes[0], "sequential stages"));
  EXPECT_TRUE(absl::StrContains(seq->notes[0], "Dur and Kesten"));
  EXPECT_TRUE(absl::StrContains(seq->notes[1],
                                "1 seat(s) in 1 post(s) left "
                                "vacant; 1 teacher(s) 待岗"))
      << seq->notes[1];
  EXPECT_NE(seq->hash_hex, sim->hash_hex);

  // The same through RunParameters overriding the policy.
  RunParameters params;
  params.stage_mode = StageMode::kSequential;
  absl::StatusOr<RoundOutcome> seq2 =
      RunCompetitiveHiring(in, RoundPolicy{}, params);
  ASSERT_TRUE(seq2.ok());
  EXPECT_EQ(seq2->hash_hex, seq->hash_hex);
}

TEST(CompetitiveHiringTest, CountyAllocationPrefersNearAndPrimarySubject) {
  CountyInputs in = BaseInputs();
  in.schools = {MakeSchool("s0", 30.0, 120.0), MakeSchool("near", 30.05, 120.0),
                MakeSchool("far", 30.5, 120.0), MakeSchool("mid", 30.1, 120.0)};
  in.posts = {MakePost("near-music", "near", "music", Title::kJunior, 1),
              MakePost("far-math", "far", "math", Title::kJunior, 1),
              MakePost("mid-math", "mid", "math", Title::kJunior, 1)};
  in.teachers = {
      MakeTeacher("A", "s0", "", {"math", "music"}, Title::kJunior, 2010)};
  absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  // near-music: ~5.6 km x 10 + 500 (secondary subject) > mid-math ~11 km x 10.
  EXPECT_EQ(out->FindPlacement("A")->to_post, "mid-math");
  EXPECT_EQ(out->FindPlacement("A")->choice, 0);
  int64_t d = SchoolDistanceMetres(in.schools[0], in.schools[3]);
  EXPECT_NEAR(d, 11119, 20);
}

TEST(CompetitiveHiringTest, ExemptKeepsPostAndOverridesAreChecked) {
  CountyInputs in = BaseInputs();
  in.schools = {MakeSchool("s1", 30.0, 120.0), MakeSchool("s2", 30.1, 120.0)};
  in.posts = {MakePost("p1", "s1", "math", Title::kIntermediate, 1),
              MakePost("p2", "s2", "math", Title::kIntermediate, 1),
              MakePost("p3", "s2", "music", Title::kIntermediate, 1)};
  in.teachers = {
      MakeTeacher("A", "s1", "p1", {"math"}, Title::kIntermediate, 2015),
      MakeTeacher("B", "s1", "", {"math"}, Title::kIntermediate, 2000),
      MakeTeacher("C", "s2", "", {"math"}, Title::kIntermediate, 2012)};
  Exemption e;
  e.kind = ExemptionKind::kSeriousIllness;
  e.note = "illness";
  e.start_day = Day("2026-01-01");
  in.teachers[0].exemptions.push_back(e);
  Apply(&in, "A", {"p2"});
  absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->FindPlacement("A")->outcome, Outcome::kExempt);
  EXPECT_EQ(out->FindPlacement("A")->to_post, "p1");
  // B outranks A by points but p1 is A's: B takes p2 by allocation... or by
  // competing; C (own school s2) is then outranked there? No: C has
  // in-school precedence at p2, so B ends elsewhere or 待岗.
  EXPECT_EQ(out->FindPlacement("C")->to_post, "p2");
  EXPECT_EQ(out->FindPlacement("B")->outcome, Outcome::kUnplaced);
  const ChoiceExplanation* b1 = FindChoice(*out, "B", "p1");
  ASSERT_NE(b1, nullptr);
  EXPECT_EQ(b1->verdict, Verdict::kFull);
  EXPECT_EQ(b1->competitor, "");  // held by an exempt teacher: a rule

  CountyInputs bad = in;
  bad.overrides.push_back({"A", "p2", "admin"});
  absl::StatusOr<RoundOutcome> r = RunCompetitiveHiring(bad, RoundPolicy{});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(
      r.status().message(), "override for teacher \"A\": rule \"exemption\""))
      << r.status();

  bad = in;
  bad.overrides.push_back({"B", "p1", "admin"});
  r = RunCompetitiveHiring(bad, RoundPolicy{});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(
      r.status().message(), "override for teacher \"B\": rule \"capacity\""))
      << r.status();

  bad = in;
  bad.overrides.push_back({"B", "p3", "admin"});
  r = RunCompetitiveHiring(bad, RoundPolicy{});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      absl::StrContains(r.status().message(),
                        "override for teacher \"B\": rule \"qualification\""))
      << r.status();

  // A valid override wins over C's in-school precedence; a lock too.
  CountyInputs good = in;
  good.overrides.push_back({"B", "p2", "needs to be near home"});
  r = RunCompetitiveHiring(good, RoundPolicy{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->FindPlacement("B")->to_post, "p2");
  EXPECT_TRUE(r->FindPlacement("B")->overridden);
  EXPECT_EQ(r->FindPlacement("B")->override_reason, "needs to be near home");
  EXPECT_EQ(r->FindPlacement("C")->outcome, Outcome::kUnplaced);
  good = in;
  good.locks.push_back({"C", "", "kept unplaced"});
  r = RunCompetitiveHiring(good, RoundPolicy{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->FindPlacement("C")->outcome, Outcome::kUnplaced);
  EXPECT_TRUE(r->FindPlacement("C")->locked);
  EXPECT_EQ(r->FindPlacement("B")->to_post, "p2");
}

TEST(CompetitiveHiringTest, BadInputIsInvalidArgument) {
  CountyInputs in = BaseInputs();
  in.schools = {MakeSchool("s1", 30.0, 120.0)};
  in.posts = {MakePost("p1", "s1", "math", Title::kIntermediate, 1)};
  in.teachers = {
      MakeTeacher("A", "s1", "p1", {"math"}, Title::kIntermediate, 2015)};
  Apply(&in, "A", {"p9"});
  EXPECT_EQ(RunCompetitiveHiring(in, RoundPolicy{}).status().code(),
            absl::StatusCode::kInvalidArgument);
  in.applications.clear();
  RoundPolicy bad;
  bad.competitive_hiring.max_bands_down = 7;
  EXPECT_EQ(RunCompetitiveHiring(in, bad).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// County allocation by column generation: the same optimum as one solve over
// all options, certified by the prices it returns.

void CheckColumnsAgainstFullSolve(uint64_t seed, int teachers, int posts,
                                  int max_options, int64_t max_cost) {
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  std::vector<int32_t> capacity(posts);
  for (int32_t& c : capacity) c = static_cast<int32_t>(uniform(0, 3));
  std::vector<std::vector<std::pair<int64_t, int32_t>>> rows(teachers);
  AssignmentProblem full;
  for (int p = 0; p < posts; ++p) full.AddPost(capacity[p]);
  int64_t top = 0;
  for (auto& row : rows) {
    std::vector<int32_t> ids(posts);
    for (int p = 0; p < posts; ++p) ids[p] = p;
    std::shuffle(ids.begin(), ids.end(), rng);
    const int k = static_cast<int>(uniform(1, std::min(max_options, posts)));
    std::vector<AssignmentOption> options;
    for (int j = 0; j < k; ++j) {
      // Few distinct costs, so that ties are common.
      const int64_t cost = uniform(0, max_cost);
      top = std::max(top, cost);
      row.emplace_back(cost, ids[j]);
      options.push_back({ids[j], cost});
    }
    full.AddTeacher(options);
  }
  const int64_t unassigned = (top + 1) * (teachers + 1);
  full.set_unassigned_cost(unassigned);
  absl::StatusOr<AssignmentResult> want = SolveAssignment(full);
  ASSERT_TRUE(want.ok()) << want.status();

  std::vector<int32_t> chosen;
  std::vector<int64_t> prices;
  ASSERT_TRUE(internal::SolveAssignmentByColumns(rows, capacity, unassigned,
                                                 &chosen, &prices)
                  .ok());
  ASSERT_EQ(chosen.size(), rows.size());
  AssignmentResult got;
  got.status = FlowStatus::kOptimal;
  got.price = prices;
  int64_t placed = 0, want_placed = 0;
  for (int i = 0; i < teachers; ++i) {
    got.post_of_teacher.push_back(chosen[i] < 0 ? kUnassigned
                                                : rows[i][chosen[i]].second);
    if (chosen[i] >= 0) ++placed;
    if (want->post_of_teacher[i] != kUnassigned) ++want_placed;
  }
  absl::StatusOr<int64_t> cost = CheckAssignmentCertificate(full, got);
  ASSERT_TRUE(cost.ok()) << cost.status();
  EXPECT_EQ(*cost, want->cost);
  EXPECT_EQ(placed, want_placed);
  EXPECT_TRUE(internal::MaximumPlaced(rows, capacity, chosen));

  // The allocation round (small unassigned cost first, checked, else the
  // large one): as many placed, and the same cost over those placed.
  ASSERT_TRUE(internal::AllocateRound(rows, capacity, &chosen).ok());
  int64_t round_placed = 0, round_cost = 0;
  std::vector<int32_t> load(posts, 0);
  for (int i = 0; i < teachers; ++i) {
    if (chosen[i] < 0) continue;
    ++round_placed;
    round_cost += rows[i][chosen[i]].first;
    ++load[rows[i][chosen[i]].second];
  }
  for (int p = 0; p < posts; ++p) EXPECT_LE(load[p], capacity[p]);
  EXPECT_EQ(round_placed, want_placed);
  EXPECT_EQ(round_cost + (teachers - round_placed) * unassigned, want->cost);
}

TEST(CompetitiveHiringTest,
     AllocationRoundPlacesTheMaximumEvenAlongLongChains) {
  // Placing the third teacher moves the other two to dearer posts: the
  // chain costs 30 more than it saves, more than a small unassigned cost
  // (22), so the first solve leaves her out and the round must notice.
  const std::vector<std::vector<std::pair<int64_t, int32_t>>> rows = {
      {{0, 0}, {10, 1}}, {{0, 1}, {10, 2}}, {{10, 0}}};
  const std::vector<int32_t> capacity = {1, 1, 1};
  std::vector<int32_t> chosen;
  ASSERT_TRUE(
      internal::SolveAssignmentByColumns(rows, capacity, 22, &chosen).ok());
  EXPECT_EQ(chosen, (std::vector<int32_t>{0, 0, -1}));
  EXPECT_FALSE(internal::MaximumPlaced(rows, capacity, chosen));
  ASSERT_TRUE(internal::AllocateRound(rows, capacity, &chosen).ok());
  EXPECT_EQ(chosen, (std::vector<int32_t>{1, 1, 0}));
  EXPECT_TRUE(internal::MaximumPlaced(rows, capacity, chosen));
}

TEST(CompetitiveHiringTest, AllocationByColumnsEqualsOneFullSolve) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    CheckColumnsAgainstFullSolve(seed, 1 + static_cast<int>(seed % 40),
                                 1 + static_cast<int>(seed % 13), 16,
                                 seed % 3 == 0 ? 3 : 60);
    if (HasFailure()) return;
  }
  // Larger: many rounds of added options and several components.
  for (uint64_t seed = 1000; seed < 1005; ++seed) {
    CheckColumnsAgainstFullSolve(seed, 3000, 400, 16, 500);
    if (HasFailure()) return;
  }
}

// ---------------------------------------------------------------------------
// Property tests on seeded synthetic counties.

const char* const kSubjects[] = {"chinese", "math", "english", "music"};

struct Size {
  int schools_lo = 3, schools_hi = 9;
  int teachers_lo = 10, teachers_hi = 70;
  int count_hi = 3;  // seats per post: 0..count_hi
};

CountyInputs Synthetic(uint64_t seed, const Size& size = {}) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  CountyInputs in = BaseInputs();
  in.seed = seed * 7919 + 1;
  const int schools = uniform(size.schools_lo, size.schools_hi);
  for (int s = 0; s < schools; ++s) {
    School sc =
        MakeSchool(absl::StrCat("s", s), 30.0 + uniform(0, 500) / 1000.0,
                   120.0 + uniform(0, 500) / 1000.0);
    sc.has_location = uniform(0, 9) != 0;
    sc.stages = {uniform(0, 3) == 0 ? Stage::kJunior : Stage::kPrimary};
    in.schools.push_back(sc);
  }
  std::vector<std::vector<int>> posts_of(schools);
  for (int s = 0; s < schools; ++s) {
    for (const char* subject : kSubjects) {
      for (Title band :
           {Title::kJunior, Title::kIntermediate, Title::kSenior}) {
        if (uniform(0, 2) == 0) continue;
        posts_of[s].push_back(static_cast<int>(in.posts.size()));
        in.posts.push_back(MakePost(
            absl::StrCat("p", s, "-", subject, "-", static_cast<int>(band)),
            absl::StrCat("s", s), subject, band, uniform(0, size.count_hi)));
      }
    }
  }
  std::vector<int> held(in.posts.size(), 0);
  const int teachers = uniform(size.teachers_lo, size.teachers_hi);
  for (int i = 0; i < teachers; ++i) {
    const int s = uniform(0, schools - 1);
    std::vector<std::string> subjects = {kSubjects[uniform(0, 3)]};
    if (uniform(0, 2) == 0) {
      std::string second = kSubjects[uniform(0, 3)];
      if (second != subjects[0]) subjects.push_back(second);
    }
    const Title title = static_cast<Title>(uniform(1, 4));
    Teacher t = MakeTeacher(absl::StrFormat("T%03d", i), absl::StrCat("s", s),
                            "", subjects, title, uniform(1995, 2024));
    t.certificate_stages = {uniform(0, 3) == 0 ? Stage::kJunior
                                               : Stage::kPrimary};
    if (uniform(0, 4) == 0) t.certificate_stages.push_back(Stage::kJunior);
    t.gender = uniform(0, 1) ? Gender::kFemale : Gender::kMale;
    // Hold a post of her school (possibly over-staffed) sometimes.
    if (!posts_of[s].empty() && uniform(0, 3) != 0) {
      const int p = posts_of[s][uniform(0, posts_of[s].size() - 1)];
      t.post = in.posts[p].id;
      // Exempt only where the seat exists, so capacity holds.
      if (uniform(0, 9) == 0 && held[p] < in.posts[p].count) {
        Exemption e;
        e.kind = ExemptionKind::kPregnancyOrNursing;
        e.start_day = Day("2026-01-01");
        t.exemptions.push_back(e);
      }
      ++held[p];
    }
    in.teachers.push_back(t);
    if (uniform(0, 2) != 0) {
      Application a;
      a.teacher = t.id;
      std::set<int> seen;
      const int n = uniform(0, 5);
      for (int k = 0; k < n; ++k) {
        // Mostly posts of her subjects.
        // Half the time a post of her own subject at a nearby school index.
        int p = uniform(0, static_cast<int>(in.posts.size()) - 1);
        const int near = std::clamp(s + uniform(-3, 3), 0, schools - 1);
        if (uniform(0, 1) == 0 && !posts_of[near].empty()) {
          p = posts_of[near][uniform(0, posts_of[near].size() - 1)];
        }
        if (seen.insert(p).second) a.preferences.push_back(in.posts[p].id);
      }
      in.applications.push_back(a);
    }
  }
  return in;
}

RoundPolicy SyntheticPolicy(uint64_t seed, StageMode mode) {
  RoundPolicy policy;
  policy.competitive_hiring.stage_mode = mode;
  policy.competitive_hiring.allow_down_hiring = seed % 4 != 0;
  policy.competitive_hiring.max_bands_down = static_cast<int32_t>(seed % 3);
  return policy;
}

// Independent re-statement of the rules the tests check against.
struct Oracle {
  const CountyInputs& in;
  const RoundPolicy& policy;
  std::map<std::string, const Post*> posts;
  std::map<std::string, const School*> schools;
  std::map<std::string, const Teacher*> teachers;
  std::map<std::string, const Application*> apps;

  Oracle(const CountyInputs& i, const RoundPolicy& p) : in(i), policy(p) {
    for (const Post& x : in.posts) posts[x.id] = &x;
    for (const School& x : in.schools) schools[x.id] = &x;
    for (const Teacher& x : in.teachers) teachers[x.id] = &x;
    for (const Application& x : in.applications) apps[x.teacher] = &x;
  }
  bool Exempt(const Teacher& t) const {
    for (const Exemption& e : t.exemptions) {
      if (e.ActiveOn(in.effective_day)) return true;
    }
    return false;
  }
  Stage StageOf(const Post& p) const {
    return p.stage != Stage::kUnspecified ? p.stage
                                          : schools.at(p.school)->stages[0];
  }
  int Band(const Teacher& t) const {
    return t.title == Title::kSenior         ? 4
           : t.title == Title::kIntermediate ? 3
                                             : 2;
  }
  bool Qualified(const Teacher& t, const Post& p) const {
    if (t.post == p.id) return true;
    if (std::find(t.subjects.begin(), t.subjects.end(), p.subject) ==
        t.subjects.end()) {
      return false;
    }
    const Stage st = StageOf(p);
    if (std::find(t.certificate_stages.begin(), t.certificate_stages.end(),
                  st) == t.certificate_stages.end()) {
      return false;
    }
    const int diff = Band(t) - static_cast<int>(p.title_band);
    if (diff < 0) return false;
    if (diff == 0) return true;
    return policy.competitive_hiring.allow_down_hiring &&
           diff <= policy.competitive_hiring.max_bands_down;
  }
  // Qualified in her own band (or her own post): what the competitions
  // take.
  bool Competes(const Teacher& t, const Post& p) const {
    return Qualified(t, p) &&
           (t.post == p.id || static_cast<int>(p.title_band) == Band(t));
  }
  // Her competition list: application posts she competes for; plus her own
  // school's such posts appended if she listed none of her school's posts.
  std::vector<std::string> List(const Teacher& t) const {
    std::vector<std::string> out;
    bool own = false;
    auto it = apps.find(t.id);
    if (it != apps.end()) {
      for (const std::string& p : it->second->preferences) {
        if (posts.at(p)->school == t.school) own = true;
        if (Competes(t, *posts.at(p))) out.push_back(p);
      }
    }
    if (!own) {
      // Her current post first, then by band (highest first), then id.
      std::vector<const Post*> home;
      for (const auto& [id, p] : posts) {
        if (p->school == t.school && Competes(t, *p)) home.push_back(p);
      }
      std::stable_sort(
          home.begin(), home.end(), [&](const Post* a, const Post* b) {
            return std::make_tuple(a->id != t.post,
                                   -static_cast<int>(a->title_band)) <
                   std::make_tuple(b->id != t.post,
                                   -static_cast<int>(b->title_band));
          });
      for (const Post* p : home) out.push_back(p->id);
    }
    return out;
  }
  // Tenure-adjusted priority key at post p, larger = better.
  // (The id, smaller first, breaks what is left; see Outranks.)
  std::tuple<bool, bool, int64_t, std::vector<int64_t>, uint64_t> Key(
      const Teacher& t, const Post& p, int64_t points, bool tenure) const {
    return {!p.non_established && t.employment != Employment::kNonEstablished,
            tenure && t.school == p.school, points, TieChainValues(t, policy),
            ~LotteryDraw(in.seed, t.id)};
  }
  bool Outranks(const Teacher& a, const Teacher& b, const Post& p, int64_t pa,
                int64_t pb, bool tenure) const {
    auto ka = Key(a, p, pa, tenure);
    auto kb = Key(b, p, pb, tenure);
    if (ka != kb) return ka > kb;
    return a.id < b.id;
  }
};

// What the checks saw, so that a vacuous pass shows up.
struct Seen {
  int full_with_competitor = 0;
  int full_by_tenure = 0;
  int full_by_rule = 0;
  int envy_checked = 0;
  int unplaced = 0;
  int down_hired = 0;
  int allocated = 0;
  int not_qualified = 0;
  int exempt = 0;
};

void CheckOutcome(const CountyInputs& in, const RoundPolicy& policy,
                  const RoundOutcome& out, uint64_t seed, Seen* seen) {
  SCOPED_TRACE(
      absl::StrCat("seed ", seed, " mode ",
                   static_cast<int>(policy.competitive_hiring.stage_mode)));
  const bool sim =
      policy.competitive_hiring.stage_mode == StageMode::kSimultaneous;
  Oracle o(in, policy);
  ASSERT_EQ(out.placements.size(), in.teachers.size());
  std::map<std::string, std::vector<const Placement*>> at;
  for (const Placement& pl : out.placements) {
    if (!pl.to_post.empty()) at[pl.to_post].push_back(&pl);
  }
  // Capacity.
  for (const Post& p : in.posts) {
    EXPECT_LE(static_cast<int>(at[p.id].size()), p.count) << p.id;
  }
  for (const Placement& pl : out.placements) {
    const Teacher& t = *o.teachers.at(pl.teacher);
    EXPECT_EQ(pl.from_post, t.post);
    // Exempt never move.
    if (pl.outcome == Outcome::kUnplaced) ++seen->unplaced;
    if (pl.outcome == Outcome::kDownHired) ++seen->down_hired;
    if (pl.via == "county allocation (min-cost)") ++seen->allocated;
    if (o.Exempt(t)) {
      ++seen->exempt;
      EXPECT_EQ(pl.outcome, Outcome::kExempt) << pl.teacher;
      EXPECT_EQ(pl.to_post, t.post) << pl.teacher;
      continue;
    }
    EXPECT_NE(pl.outcome, Outcome::kExempt);
    if (pl.to_post.empty()) {
      EXPECT_EQ(pl.outcome, Outcome::kUnplaced) << pl.teacher;
      // 待岗 only if every post she qualifies for is full.
      for (const Post& p : in.posts) {
        if (o.Qualified(t, p)) {
          EXPECT_EQ(static_cast<int>(at[p.id].size()), p.count)
              << pl.teacher << " unplaced but " << p.id << " has a seat";
        }
      }
      continue;
    }
    const Post& p = *o.posts.at(pl.to_post);
    // Qualification incl. bands.
    EXPECT_TRUE(o.Qualified(t, p)) << pl.teacher << " at " << p.id;
    EXPECT_EQ(pl.to_school, p.school);
    if (p.id == t.post) {
      EXPECT_EQ(pl.outcome, Outcome::kStayed) << pl.teacher;
    } else if (static_cast<int>(p.title_band) < o.Band(t)) {
      EXPECT_EQ(pl.outcome, Outcome::kDownHired) << pl.teacher;
    } else {
      EXPECT_EQ(pl.outcome, Outcome::kMoved) << pl.teacher;
    }
  }
  // No blocking pair (simultaneous DA*): every post she lists above where she
  // ended is full, and every teacher the competition placed there outranks
  // her by the tenure-adjusted priorities.
  const std::string kDa = "competition (simultaneous da-star)";
  for (const Placement& pl : out.placements) {
    const Teacher& t = *o.teachers.at(pl.teacher);
    if (o.Exempt(t) || !sim) continue;
    for (const std::string& q : o.List(t)) {
      if (q == pl.to_post && pl.via == kDa) break;
      const Post& p = *o.posts.at(q);
      ++seen->envy_checked;
      EXPECT_EQ(static_cast<int>(at[q].size()), p.count)
          << pl.teacher << " envies " << q << " which has a free seat";
      for (const Placement* other : at[q]) {
        if (other->via != kDa) continue;
        EXPECT_TRUE(o.Outranks(*o.teachers.at(other->teacher), t, p,
                               other->points, pl.points, true))
            << pl.teacher << " blocks with " << q << " against "
            << other->teacher;
      }
    }
  }
  // Explanations: every FULL names a competitor who holds that place and
  // outranks her (or the seats are held by exempt/fixed teachers).
  for (const TeacherExplanation& ex : out.explanations) {
    const Placement& pl = *out.FindPlacement(ex.teacher);
    const Teacher& t = *o.teachers.at(ex.teacher);
    for (const ChoiceExplanation& c : ex.choices) {
      const Post& p = *o.posts.at(c.choice);
      switch (c.verdict) {
        case Verdict::kGot:
          EXPECT_EQ(pl.to_post, c.choice) << ex.teacher;
          break;
        case Verdict::kNotQualified:
          ++seen->not_qualified;
          EXPECT_FALSE(o.Qualified(t, p)) << ex.teacher << " " << c.choice;
          break;
        case Verdict::kFull: {
          EXPECT_EQ(static_cast<int>(at[c.choice].size()), p.count)
              << ex.teacher << " " << c.choice;
          if (c.competitor.empty()) {
            ++seen->full_by_rule;
            for (const Placement* other : at[c.choice]) {
              EXPECT_TRUE(other->outcome == Outcome::kExempt || other->locked ||
                          other->overridden)
                  << ex.teacher << " " << c.choice;
            }
            break;
          }
          ++seen->full_with_competitor;
          if (c.competitor_by_tenure) ++seen->full_by_tenure;
          const Placement* holder = out.FindPlacement(c.competitor);
          ASSERT_NE(holder, nullptr);
          EXPECT_EQ(holder->to_post, c.choice)
              << ex.teacher << ": competitor " << c.competitor
              << " does not hold " << c.choice;
          const Teacher& ct = *o.teachers.at(c.competitor);
          if (sim) {
            EXPECT_TRUE(o.Outranks(ct, t, p, holder->points, pl.points, true))
                << ex.teacher << " vs " << c.competitor << " at " << c.choice;
          } else if (c.competitor_by_tenure) {
            EXPECT_EQ(holder->via,
                      "in-school competition (sequential stage 1)");
            EXPECT_NE(t.school, p.school);
          } else {
            EXPECT_TRUE(o.Outranks(ct, t, p, holder->points, pl.points, false))
                << ex.teacher << " vs " << c.competitor << " at " << c.choice;
          }
          EXPECT_EQ(c.competitor_points, holder->points);
          EXPECT_EQ(c.teacher_points, pl.points);
          break;
        }
        case Verdict::kBetterChoiceHeld:
          EXPECT_FALSE(pl.to_post.empty());
          break;
        default:
          break;
      }
    }
  }
}

TEST(CompetitiveHiringPropertyTest, SyntheticCounties) {
  Seen seen;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const CountyInputs in = Synthetic(seed);
    for (StageMode mode : {StageMode::kSimultaneous, StageMode::kSequential}) {
      const RoundPolicy policy = SyntheticPolicy(seed, mode);
      absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, policy);
      ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
      CheckOutcome(in, policy, *out, seed, &seen);
      if (HasFailure()) return;

      // Determinism: shuffled input order => same bytes.
      CountyInputs shuffled = in;
      std::mt19937_64 rng(seed ^ 0x5eed);
      std::shuffle(shuffled.teachers.begin(), shuffled.teachers.end(), rng);
      std::shuffle(shuffled.posts.begin(), shuffled.posts.end(), rng);
      std::shuffle(shuffled.schools.begin(), shuffled.schools.end(), rng);
      std::shuffle(shuffled.applications.begin(), shuffled.applications.end(),
                   rng);
      absl::StatusOr<RoundOutcome> again =
          RunCompetitiveHiring(shuffled, policy);
      ASSERT_TRUE(again.ok()) << "seed " << seed;
      EXPECT_EQ(again->canonical, out->canonical) << "seed " << seed;
      EXPECT_EQ(again->hash_hex, out->hash_hex) << "seed " << seed;

      // Without explanations: the same result bytes, no explanations.
      OutcomeOptions lean;
      lean.explanations = false;
      absl::StatusOr<RoundOutcome> bare =
          RunCompetitiveHiring(in, policy, {}, lean);
      ASSERT_TRUE(bare.ok()) << "seed " << seed;
      EXPECT_EQ(bare->canonical, out->canonical) << "seed " << seed;
      EXPECT_TRUE(bare->explanations.empty()) << "seed " << seed;
    }
  }
  // The generator exercises every branch the checks cover.
  EXPECT_GT(seen.full_with_competitor, 100);
  EXPECT_GT(seen.full_by_tenure, 20);
  EXPECT_GT(seen.full_by_rule, 0);
  EXPECT_GT(seen.envy_checked, 500);
  EXPECT_GT(seen.unplaced, 100);
  EXPECT_GT(seen.down_hired, 20);
  EXPECT_GT(seen.allocated, 100);
  EXPECT_GT(seen.not_qualified, 100);
  EXPECT_GT(seen.exempt, 20);
  std::printf(
      "seen: full %d (tenure %d, rule %d), envy checks %d, unplaced %d, "
      "down-hired %d, allocated %d, not qualified %d, exempt %d\n",
      seen.full_with_competitor, seen.full_by_tenure, seen.full_by_rule,
      seen.envy_checked, seen.unplaced, seen.down_hired, seen.allocated,
      seen.not_qualified, seen.exempt);
}

// Locking every placement of a run and re-running reproduces it.
TEST(CompetitiveHiringPropertyTest, LockingEveryPlacementReproducesTheRun) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const CountyInputs in = Synthetic(seed);
    const RoundPolicy policy = SyntheticPolicy(seed, StageMode::kSimultaneous);
    absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    CountyInputs locked = in;
    for (const Placement& pl : out->placements) {
      if (pl.outcome == Outcome::kExempt) continue;
      locked.locks.push_back({pl.teacher, pl.to_post, "keep"});
    }
    absl::StatusOr<RoundOutcome> again = RunCompetitiveHiring(locked, policy);
    ASSERT_TRUE(again.ok()) << "seed " << seed << ": " << again.status();
    for (const Placement& pl : out->placements) {
      const Placement* q = again->FindPlacement(pl.teacher);
      EXPECT_EQ(q->to_post, pl.to_post) << "seed " << seed << " " << pl.teacher;
      EXPECT_EQ(q->outcome, pl.outcome) << "seed " << seed << " " << pl.teacher;
    }
  }
}

// Timing at county and prefecture size; run by hand:
//   competitive_hiring_test --gtest_also_run_disabled_tests
//                           --gtest_filter='*Scale*'
TEST(CompetitiveHiringPropertyTest, DISABLED_Scale) {
  std::vector<int> sizes = {2000, 100000};
  if (const char* env = std::getenv("ROTA_SCALE_TEACHERS")) {
    sizes = {std::atoi(env)};
  }
  for (int teachers : sizes) {
    Size size;
    size.schools_lo = size.schools_hi = teachers / 50;
    size.teachers_lo = size.teachers_hi = teachers;
    size.count_hi = 12;
    const CountyInputs in = Synthetic(1, size);
    for (StageMode mode : {StageMode::kSimultaneous, StageMode::kSequential}) {
      RoundPolicy policy;
      policy.competitive_hiring.stage_mode = mode;
      const auto start = std::chrono::steady_clock::now();
      absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, policy);
      const double ms = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - start)
                            .count();
      ASSERT_TRUE(out.ok()) << out.status();
      std::printf(
          "%d teachers, %zu posts, %zu schools, %s: %.0f ms (moved %lld, "
          "stayed %lld, unplaced %lld)\n",
          teachers, in.posts.size(), in.schools.size(),
          mode == StageMode::kSimultaneous ? "simultaneous" : "sequential", ms,
          static_cast<long long>(out->counts.moved),
          static_cast<long long>(out->counts.stayed),
          static_cast<long long>(out->counts.unplaced));
    }
  }
}

}  // namespace
}  // namespace rota::engine::rules
