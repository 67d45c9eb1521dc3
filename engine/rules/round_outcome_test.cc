// The canonical outcome encoding: one pinned result hash per round kind,
// sentences outside the version-2 hash, input order outside every hash, and
// version 1 still available for runs recorded with it.
#include "engine/rules/round_outcome.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "engine/rules/competitive_hiring.h"
#include "engine/rules/exchange_rotation.h"
#include "engine/rules/internal/synthetic_county.h"
#include "engine/rules/internal/synthetic_recruitment.h"
#include "engine/rules/recruitment.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

// GOLDEN RESULT HASHES. A fixed synthetic county, the default policy and the
// county's fixed seed, run through the engine. When a rule change alters a
// result on purpose, replace the constant with the new hash the failure
// prints AND add a line to the changelog section of README.md saying which
// rule changed results (stored runs recorded with the old engine no longer
// replay to MATCH). If it changes and you did not mean to change a result,
// the engine lost determinism or a code/encoding changed: find out why.
constexpr char kGoldenExchangeRotation[] =
    "e887cfa2dbef2c8a61d7cd78ce894e024613536cf78a9194c8f4da1bfceee43a";
constexpr char kGoldenCompetitiveHiring[] =
    "fe401296ee88b7abf3d0e1abf6180640b9379187aa84c14d358d2c8f94a612c0";
constexpr char kGoldenRecruitment[] =
    "67c434a27cf8fe7949c25d5f30c8c4c144f136d64c284d0ed6adff80e0e9db8f";
// Version 1 of the same runs: the hashes the engine wrote before version 2
// existed (computed with that engine). Runs stored then replay against
// them, so these never change unless a rule change alters the results.
constexpr char kGoldenExchangeRotationV1[] =
    "21abbc78e1e184cec994b497a0fea638ce3163d11e61e15d28aff9e1ff28c332";
constexpr char kGoldenCompetitiveHiringV1[] =
    "0b97dc007a14ccb1528118edf0d96913abef7ae30275b83876895d6c37f92e83";

constexpr uint64_t kGoldenSeed = 20261205;

CountyInputs ExchangeCounty() {
  internal::SyntheticOptions o;
  o.schools = 8;
  o.teachers_per_school = 8;
  o.term_exchange_percent = 10;
  return internal::SyntheticCounty(kGoldenSeed, o);
}

// The generator's lists name schools: each becomes the posts of that school
// in her subjects.
CountyInputs HiringCounty() {
  internal::SyntheticOptions o;
  o.schools = 8;
  o.teachers_per_school = 8;
  o.title_bands = true;
  o.hold_posts = true;
  o.non_established_percent = 20;
  o.list_percent = 50;
  CountyInputs in = internal::SyntheticCounty(kGoldenSeed, o);
  std::vector<Application> apps;
  for (const Application& a : in.applications) {
    const Teacher* t = nullptr;
    for (const Teacher& x : in.teachers) {
      if (x.id == a.teacher) t = &x;
    }
    Application b{a.teacher, {}, false};
    for (const std::string& school : a.preferences) {
      for (const Post& p : in.posts) {
        if (p.school == school &&
            std::find(t->subjects.begin(), t->subjects.end(), p.subject) !=
                t->subjects.end()) {
          b.preferences.push_back(p.id);
        }
      }
    }
    if (!b.preferences.empty()) apps.push_back(std::move(b));
  }
  in.applications = std::move(apps);
  return in;
}

// A recruitment market with gender reserves (so per-post quota lines), the
// interview gate and the score floors, and one lock.
CountyInputs RecruitmentCounty() {
  internal::MarketOptions o;
  o.schools = 4;
  o.posts = 10;
  o.applicants = 60;
  CountyInputs in = internal::RecruitmentMarket(kGoldenSeed, o);
  in.seed = kGoldenSeed;
  for (const Applicant& a : in.applicants) {
    if (a.interview_passed && a.written_score >= 6000 &&
        !a.preferences.empty()) {
      in.locks.push_back({a.id, a.preferences.back(), "committee decision"});
      break;
    }
  }
  return in;
}

RoundPolicy RecruitmentPolicyForGolden() {
  RoundPolicy p;
  p.recruitment.gender_mode = GenderMode::kEqualNumbers;
  return p;
}

// How a run recorded with outcome encoding version 1 is re-run.
OutcomeOptions LegacyOptions() {
  OutcomeOptions o;
  o.legacy_pronouns = true;
  return o;
}

CountyInputs Shuffled(CountyInputs in) {
  std::mt19937_64 rng(kGoldenSeed);
  std::shuffle(in.schools.begin(), in.schools.end(), rng);
  std::shuffle(in.posts.begin(), in.posts.end(), rng);
  std::shuffle(in.teachers.begin(), in.teachers.end(), rng);
  std::shuffle(in.applications.begin(), in.applications.end(), rng);
  std::shuffle(in.applicants.begin(), in.applicants.end(), rng);
  std::shuffle(in.recruitment_posts.begin(), in.recruitment_posts.end(), rng);
  return in;
}

TEST(RoundOutcomeGoldenTest, ExchangeRotation) {
  absl::StatusOr<RoundOutcome> out =
      RunExchangeRotation(ExchangeCounty(), RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->hash_hex, kGoldenExchangeRotation)
      << "exchange rotation golden hash changed (see the comment above)";
  EXPECT_GT(out->counts.moved, 0);  // the county exercises the phases
  EXPECT_EQ(out->hash_hex, OutcomeHashHex(*out, kOutcomeEncodingCurrent));
  absl::StatusOr<RoundOutcome> again =
      RunExchangeRotation(Shuffled(ExchangeCounty()), RoundPolicy{});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->hash_hex, out->hash_hex) << "input order changed the hash";
  EXPECT_EQ(OutcomeHashHex(*again, kOutcomeEncodingV1),
            OutcomeHashHex(*out, kOutcomeEncodingV1));
  // Version 1 still encodes exactly as before version 2, for a run made as a
  // version-1 run is re-run (every teacher "she", as the sentences then
  // were); the pronouns are not in the version-2 hash.
  absl::StatusOr<RoundOutcome> legacy =
      RunExchangeRotation(ExchangeCounty(), RoundPolicy{}, {}, LegacyOptions());
  ASSERT_TRUE(legacy.ok()) << legacy.status();
  EXPECT_EQ(OutcomeHashHex(*legacy, kOutcomeEncodingV1),
            kGoldenExchangeRotationV1)
      << "version 1 of the exchange rotation golden run changed";
  EXPECT_EQ(legacy->hash_hex, out->hash_hex);
  EXPECT_NE(OutcomeHashHex(*out, kOutcomeEncodingV1), kGoldenExchangeRotationV1)
      << "the county has men: their sentences say he/his/him";
}

TEST(RoundOutcomeGoldenTest, CompetitiveHiring) {
  absl::StatusOr<RoundOutcome> out =
      RunCompetitiveHiring(HiringCounty(), RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->hash_hex, kGoldenCompetitiveHiring)
      << "competitive hiring golden hash changed (see the comment above)";
  EXPECT_GT(out->counts.moved, 0);
  absl::StatusOr<RoundOutcome> again =
      RunCompetitiveHiring(Shuffled(HiringCounty()), RoundPolicy{});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->hash_hex, out->hash_hex) << "input order changed the hash";
  absl::StatusOr<RoundOutcome> legacy =
      RunCompetitiveHiring(HiringCounty(), RoundPolicy{}, {}, LegacyOptions());
  ASSERT_TRUE(legacy.ok()) << legacy.status();
  EXPECT_EQ(OutcomeHashHex(*legacy, kOutcomeEncodingV1),
            kGoldenCompetitiveHiringV1)
      << "version 1 of the competitive hiring golden run changed";
  EXPECT_EQ(legacy->hash_hex, out->hash_hex);
}

TEST(RoundOutcomeGoldenTest, Recruitment) {
  absl::StatusOr<RoundOutcome> out =
      RunRecruitment(RecruitmentCounty(), RecruitmentPolicyForGolden());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->hash_hex, kGoldenRecruitment)
      << "recruitment golden hash changed (see the comment above)";
  // The county exercises hires, refusals, a lock and the gender rule.
  EXPECT_GT(out->counts.moved, 0);
  EXPECT_GT(out->counts.unplaced, 0);
  EXPECT_GE(out->quotas.size(), 2u);
  bool locked = false;
  for (const Placement& p : out->placements) locked = locked || p.locked;
  EXPECT_TRUE(locked);
  absl::StatusOr<RoundOutcome> again = RunRecruitment(
      Shuffled(RecruitmentCounty()), RecruitmentPolicyForGolden());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->hash_hex, out->hash_hex) << "input order changed the hash";
  // The kind section (the per-post table and seat records) is in the hash.
  RoundOutcome reseated = *out;
  reseated.recruitment.applicants.front().seat =
      reseated.recruitment.applicants.front().seat == SeatType::kOpen
          ? SeatType::kReservedFemale
          : SeatType::kOpen;
  EXPECT_NE(OutcomeHashHex(reseated, kOutcomeEncodingV2), out->hash_hex);
}

// Every sentence the engine writes can be reworded (or translated) without
// changing the version-2 hash; version 1 holds them and changes.
TEST(RoundOutcomeEncodingTest, SentencesAreNotInTheVersion2Hash) {
  absl::StatusOr<RoundOutcome> out =
      RunExchangeRotation(ExchangeCounty(), RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_FALSE(out->placements.empty());
  ASSERT_FALSE(out->quotas.empty());
  RoundOutcome reworded = *out;
  for (Placement& p : reworded.placements) {
    p.via = "reworded " + p.via;
    p.reason = "换了说法";
  }
  for (EligibilityEntry& e : reworded.eligibility) e.reason = "reworded";
  for (QuotaLine& q : reworded.quotas) {
    q.quota = "份额 " + q.quota;  // a translated name may sort differently
    q.reason = "reworded";
  }
  for (std::string& n : reworded.notes) n = "reworded";
  reworded.mechanism = "reworded";
  EXPECT_EQ(OutcomeHashHex(reworded, kOutcomeEncodingV2),
            OutcomeHashHex(*out, kOutcomeEncodingV2));
  EXPECT_NE(OutcomeHashHex(reworded, kOutcomeEncodingV1),
            OutcomeHashHex(*out, kOutcomeEncodingV1));

  // Codes are in the hash: another route is another result.
  RoundOutcome rerouted = *out;
  rerouted.placements.front().route =
      rerouted.placements.front().route == Route::kLock ? Route::kOverride
                                                        : Route::kLock;
  EXPECT_NE(OutcomeHashHex(rerouted, kOutcomeEncodingV2),
            OutcomeHashHex(*out, kOutcomeEncodingV2));
  RoundOutcome recoded = *out;
  recoded.eligibility.front().reason_code = Reason::kNearRetirement;
  recoded.eligibility.front().selection_code = Reason::kShareMet;
  if (out->eligibility.front().reason_code == Reason::kNearRetirement) {
    recoded.eligibility.front().reason_code = Reason::kTooFewYears;
  }
  EXPECT_NE(OutcomeHashHex(recoded, kOutcomeEncodingV2),
            OutcomeHashHex(*out, kOutcomeEncodingV2));
  // The administrator's own reason text is an input and stays in.
  RoundOutcome readmin = *out;
  readmin.placements.front().override_reason += " (edited)";
  EXPECT_NE(OutcomeHashHex(readmin, kOutcomeEncodingV2),
            OutcomeHashHex(*out, kOutcomeEncodingV2));
}

// The same for recruitment: its placements, per-post gender lines (sorted by
// code and post, not by their translatable name) and notes.
TEST(RoundOutcomeEncodingTest, RecruitmentSentencesAreNotInTheVersion2Hash) {
  absl::StatusOr<RoundOutcome> out =
      RunRecruitment(RecruitmentCounty(), RecruitmentPolicyForGolden());
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_GE(out->quotas.size(), 2u);
  RoundOutcome reworded = *out;
  for (Placement& p : reworded.placements) {
    p.via = "换了说法 " + p.via;
    p.reason = "换了说法";
  }
  // Names that sort in the opposite order of the posts.
  for (size_t i = 0; i < reworded.quotas.size(); ++i) {
    reworded.quotas[i].quota = std::string(reworded.quotas.size() - i, 'z');
    reworded.quotas[i].reason = "reworded";
  }
  std::reverse(reworded.quotas.begin(), reworded.quotas.end());
  for (std::string& n : reworded.notes) n = "性别规则";
  reworded.mechanism = "reworded";
  EXPECT_EQ(OutcomeHashHex(reworded, kOutcomeEncodingV2),
            OutcomeHashHex(*out, kOutcomeEncodingV2));
  EXPECT_NE(OutcomeHashHex(reworded, kOutcomeEncodingV1),
            OutcomeHashHex(*out, kOutcomeEncodingV1));
  // The post of a per-post line is a code and stays in.
  RoundOutcome moved_line = *out;
  moved_line.quotas.front().post += "x";
  EXPECT_NE(OutcomeHashHex(moved_line, kOutcomeEncodingV2),
            OutcomeHashHex(*out, kOutcomeEncodingV2));
}

TEST(RoundOutcomeEncodingTest, VersionByteAndVersion1StillEncodes) {
  absl::StatusOr<RoundOutcome> out =
      RunCompetitiveHiring(HiringCounty(), RoundPolicy{});
  ASSERT_TRUE(out.ok()) << out.status();
  const std::string v1 = EncodeOutcome(*out, kOutcomeEncodingV1);
  const std::string v2 = EncodeOutcome(*out, kOutcomeEncodingV2);
  ASSERT_GT(v1.size(), 11u);
  ASSERT_GT(v2.size(), 11u);
  EXPECT_EQ(v1.substr(0, 10), "ROTA-ROUND");
  EXPECT_EQ(v1[10], 1);
  EXPECT_EQ(v2[10], 2);
  EXPECT_EQ(out->canonical, v2);
  // Version 1 still holds the sentences it always held.
  EXPECT_NE(v1.find(out->placements.front().via), std::string::npos);
  EXPECT_NE(v1.find(out->placements.front().reason), std::string::npos);
  EXPECT_EQ(v2.find(out->placements.front().reason), std::string::npos);
  EXPECT_TRUE(KnownOutcomeEncoding(1));
  EXPECT_TRUE(KnownOutcomeEncoding(2));
  EXPECT_FALSE(KnownOutcomeEncoding(0));
  EXPECT_FALSE(KnownOutcomeEncoding(3));
}

// Every placement carries a route and a reason code; via is the route's
// sentence.
TEST(RoundOutcomeEncodingTest, ViaIsTheRouteSentence) {
  for (int kind = 0; kind < 3; ++kind) {
    absl::StatusOr<RoundOutcome> out =
        kind == 0 ? RunExchangeRotation(ExchangeCounty(), RoundPolicy{})
        : kind == 1
            ? RunCompetitiveHiring(HiringCounty(), RoundPolicy{})
            : RunRecruitment(RecruitmentCounty(), RecruitmentPolicyForGolden());
    ASSERT_TRUE(out.ok()) << out.status();
    for (const Placement& p : out->placements) {
      EXPECT_EQ(p.via, RouteSentence(p.route)) << p.teacher;
      EXPECT_NE(p.reason_code, Reason::kNone) << p.teacher << ": " << p.reason;
    }
    for (const EligibilityEntry& e : out->eligibility) {
      EXPECT_NE(e.reason_code, Reason::kNone) << e.teacher << ": " << e.reason;
    }
    for (const QuotaLine& q : out->quotas) {
      EXPECT_NE(q.quota_code, QuotaCode::kNone) << q.quota;
      const std::string name(QuotaName(q.quota_code));
      EXPECT_EQ(q.quota, q.post.empty() ? name : name + " at post " + q.post);
    }
  }
}

}  // namespace
}  // namespace rota::engine::rules
