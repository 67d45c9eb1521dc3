// Every sentence the engine writes has a Chinese twin written beside it:
// over seeded synthetic counties (exchange rotation with term exchanges,
// 编外 teachers, obligations and leaders; competitive hiring in both stage
// modes, with title bands; recruitment in three gender modes; itinerant
// teaching), each placement reason, eligibility reason,
// explanation note, choice sentence, failing quota's reason, report note and
// points component has a non-empty Chinese twin with no English words in it
// (ids, subject names and the display names given aside), using 他 of men and
// 她 of women (a teacher's gender is required input; 该教师 is the word without
// one). The twins are not hashed: clearing them leaves the result hash as it
// was.
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "engine/rules/competitive_hiring.h"
#include "engine/rules/exchange_rotation.h"
#include "engine/rules/internal/pronouns.h"
#include "engine/rules/internal/synthetic_county.h"
#include "engine/rules/internal/synthetic_recruitment.h"
#include "engine/rules/itinerant_teaching.h"
#include "engine/rules/recruitment.h"
#include "gtest/gtest.h"

namespace rota::engine::rules {
namespace {

constexpr int kSeeds = 40;

// English words a Chinese sentence must not contain (whole words; ids such
// as "s003-math-int" and subject names are not among them).
const std::regex& EnglishWords() {
  static const std::regex* r = new std::regex(
      "\\b(the|a|an|at|to|of|and|or|is|was|by|in|on|for|no|not|choice|school|"
      "schools|post|posts|seat|seats|teacher|teachers|he|she|his|her|him|"
      "stays|moves|hired|full|eligible|rotate|exempt|lock|override|county|"
      "points|band|title|stage|years|share|selected|unplaced|allocation)\\b",
      std::regex::icase);
  return *r;
}

struct Counts {
  int sentences = 0;
  int male_ta = 0;    // 他 in sentences about men
  int female_ta = 0;  // 她 in sentences about women
  int unknown = 0;    // 该教师 in sentences about teachers without a gender
  std::vector<std::string> problems;
  // Display names of the run's people and schools, as given: a sentence
  // may quote them in any language.
  std::vector<std::pair<std::string, std::string>> names;
};

void Problem(Counts* c, const std::string& what) {
  if (c->problems.size() < 5) c->problems.push_back(what);
}

// `zh` is the twin of `en`; `gender` is the teacher's the sentence is about
// (nullptr: a sentence about no one teacher, or about a competitor too).
void Check(const std::string& en, const std::string& zh, const Gender* gender,
           const std::string& where, Counts* c) {
  if (en.empty()) return;
  ++c->sentences;
  if (zh.empty()) {
    Problem(c, absl::StrCat(where, ": no Chinese for \"", en, "\""));
    return;
  }
  if (std::regex_search(absl::StrReplaceAll(zh, c->names), EnglishWords())) {
    Problem(c, absl::StrCat(where, ": English in \"", zh, "\""));
  }
  if (gender == nullptr) return;
  // 其他 ("other") is no pronoun.
  const std::string text = absl::StrReplaceAll(zh, {{"其他", ""}});
  const bool he = text.find("他") != std::string::npos;
  const bool she = text.find("她") != std::string::npos;
  const bool teacher = text.find("该教师") != std::string::npos;
  switch (*gender) {
    case Gender::kMale:
      c->male_ta += he;
      if (she || teacher) Problem(c, absl::StrCat(where, ": ", zh));
      break;
    case Gender::kFemale:
      c->female_ta += she;
      if (he || teacher) Problem(c, absl::StrCat(where, ": ", zh));
      break;
    case Gender::kUnspecified:
      c->unknown += teacher;
      if (he || she) Problem(c, absl::StrCat(where, ": ", zh));
      break;
  }
}

void Inspect(const CountyInputs& in, const RoundOutcome& out,
             const std::string& run, Counts* c) {
  std::map<std::string, Gender> gender;
  for (const Teacher& t : in.teachers) gender[t.id] = t.gender;
  for (const Applicant& a : in.applicants) gender[a.id] = a.gender;
  c->names.clear();
  auto name = [c](const std::string& n) {
    if (!n.empty()) c->names.push_back({n, ""});
  };
  for (const Teacher& t : in.teachers) name(t.display_name);
  for (const Applicant& a : in.applicants) name(a.display_name);
  for (const School& s : in.schools) name(s.display_name);
  for (const Placement& p : out.placements) {
    Check(p.reason, p.reason_zh, &gender.at(p.teacher),
          absl::StrCat(run, " teacher ", p.teacher, " reason"), c);
  }
  for (const EligibilityEntry& e : out.eligibility) {
    Check(e.reason, e.reason_zh, &gender.at(e.teacher),
          absl::StrCat(run, " teacher ", e.teacher, " eligibility"), c);
  }
  for (const TeacherExplanation& x : out.explanations) {
    const std::string who = absl::StrCat(run, " teacher ", x.teacher);
    EXPECT_EQ(x.notes_zh.size(), x.notes.size()) << who;
    for (size_t i = 0; i < x.notes.size(); ++i) {
      Check(x.notes[i], i < x.notes_zh.size() ? x.notes_zh[i] : "",
            &gender.at(x.teacher), absl::StrCat(who, " note ", i), c);
    }
    for (const ChoiceExplanation& ch : x.choices) {
      // A sentence naming a competitor may use the competitor's pronoun.
      Check(ch.sentence, ch.sentence_zh,
            ch.competitor.empty() ? &gender.at(x.teacher) : nullptr,
            absl::StrCat(who, " choice ", ch.rank), c);
    }
    for (const PointsComponent& pc : x.points_breakdown) {
      Check(pc.component, pc.component_zh, nullptr,
            absl::StrCat(who, " points"), c);
    }
  }
  for (const QuotaLine& q : out.quotas) {
    Check(q.reason, q.reason_zh, nullptr,
          absl::StrCat(run, " quota ", q.quota, " ", q.scope), c);
  }
  EXPECT_EQ(out.notes_zh.size(), out.notes.size()) << run;
  for (size_t i = 0; i < out.notes.size(); ++i) {
    Check(out.notes[i], i < out.notes_zh.size() ? out.notes_zh[i] : "", nullptr,
          absl::StrCat(run, " note ", i), c);
  }
  // The twins are not part of the result: without them, the same hash.
  RoundOutcome bare = out;
  for (Placement& p : bare.placements) p.reason_zh.clear();
  for (EligibilityEntry& e : bare.eligibility) e.reason_zh.clear();
  for (QuotaLine& q : bare.quotas) q.reason_zh.clear();
  for (TeacherExplanation& x : bare.explanations) {
    x.notes_zh.clear();
    for (ChoiceExplanation& ch : x.choices) ch.sentence_zh.clear();
    for (PointsComponent& pc : x.points_breakdown) pc.component_zh.clear();
  }
  bare.notes_zh.clear();
  for (int32_t v : {kOutcomeEncodingV1, kOutcomeEncodingV2}) {
    EXPECT_EQ(OutcomeHashHex(bare, v), OutcomeHashHex(out, v))
        << run << " encoding " << v;
  }
}

void ExpectClean(const Counts& c, const std::string& kind) {
  EXPECT_TRUE(c.problems.empty())
      << kind << ": " << c.problems.size() << " problems:\n"
      << absl::StrJoin(c.problems, "\n");
  EXPECT_GT(c.sentences, 1000) << kind;
  EXPECT_GT(c.male_ta, 0) << kind;
  EXPECT_GT(c.female_ta, 0) << kind;
  std::printf("%s: %d sentences, each with its Chinese twin\n", kind.c_str(),
              c.sentences);
}

TEST(ExplanationChineseTest, PronounFollowsGender) {
  EXPECT_STREQ(internal::PronounsOf(Gender::kMale, false).zh, "他");
  EXPECT_STREQ(internal::PronounsOf(Gender::kFemale, false).zh, "她");
  EXPECT_STREQ(internal::PronounsOf(Gender::kUnspecified, false).zh, "该教师");
  // Legacy runs keep "she" in English for everyone; the Chinese (never
  // hashed) follows the recorded gender.
  EXPECT_STREQ(internal::PronounsOf(Gender::kMale, true).zh, "他");
}

TEST(ExplanationChineseTest, ExchangeRotationSentencesHaveChineseTwins) {
  internal::SyntheticOptions o;
  o.term_exchange_percent = 10;
  o.non_established_percent = 10;
  o.obligation_percent = 10;
  o.other_stage_percent = 10;
  o.varied_role_start = true;
  Counts c;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const CountyInputs in = internal::SyntheticCounty(seed, o);
    RoundPolicy policy;
    if (seed % 2 == 0) {
      policy.exchange_rotation.mode = ExchangeMode::kTransfer;
      policy.exchange_rotation.voluntary_mechanism =
          VoluntaryMechanism::kTenureDeferredAcceptance;
    }
    if (seed % 3 == 0) {
      policy.exchange_rotation.share_scope = ShareScope::kCountyWide;
    }
    absl::StatusOr<RoundOutcome> out = RunExchangeRotation(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    Inspect(in, *out, absl::StrCat("seed ", seed), &c);
  }
  ExpectClean(c, "exchange rotation");
}

TEST(ExplanationChineseTest, CompetitiveHiringSentencesHaveChineseTwins) {
  internal::SyntheticOptions o;
  o.schools = 8;
  o.teachers_per_school = 8;
  o.title_bands = true;
  o.hold_posts = true;
  o.non_established_percent = 15;
  o.non_established_post_percent = 20;
  o.obligation_percent = 10;
  Counts c;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    CountyInputs in = internal::SyntheticCounty(seed, o);
    // Hiring lists name posts: each listed school's post of her primary
    // subject and band or the first of its posts.
    for (Application& a : in.applications) {
      std::vector<std::string> posts;
      for (const std::string& school : a.preferences) {
        for (const Post& p : in.posts) {
          if (p.school == school) {
            posts.push_back(p.id);
            if (posts.size() % 3 == 0) break;
          }
        }
      }
      a.preferences = std::move(posts);
    }
    RoundPolicy policy;
    policy.competitive_hiring.allow_up_hiring = seed % 2 == 0;
    if (seed % 3 == 0) {
      policy.competitive_hiring.stage_mode = StageMode::kSequential;
    }
    absl::StatusOr<RoundOutcome> out = RunCompetitiveHiring(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    Inspect(in, *out, absl::StrCat("seed ", seed), &c);
  }
  ExpectClean(c, "competitive hiring");
}

TEST(ExplanationChineseTest, RecruitmentSentencesHaveChineseTwins) {
  Counts c;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const CountyInputs in = internal::RecruitmentMarket(seed);
    RoundPolicy policy;
    RecruitmentPolicy& rp = policy.recruitment;
    rp.gender_mode = seed % 3 == 0   ? GenderMode::kEqualNumbers
                     : seed % 3 == 1 ? GenderMode::kSameRate
                                     : GenderMode::kFloorPerPost;
    rp.interview_gate = seed % 2 == 0;
    if (seed % 4 == 0) rp.min_score_within_of_open_cutoff = 300;
    absl::StatusOr<RoundOutcome> out = RunRecruitment(in, policy);
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    Inspect(in, *out, absl::StrCat("seed ", seed), &c);
  }
  ExpectClean(c, "recruitment");
}

TEST(ExplanationChineseTest, ItinerantTeachingSentencesHaveChineseTwins) {
  Counts c;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    internal::SyntheticOptions o;
    o.schools = 14 + static_cast<int>(seed % 10);
    o.teachers_per_school = 8;
    CountyInputs in = internal::SyntheticCounty(seed, o);
    internal::AddItinerantData(seed, internal::ItinerantOptions{}, &in);
    absl::StatusOr<RoundOutcome> out = RunItinerantTeaching(in, RoundPolicy{});
    ASSERT_TRUE(out.ok()) << "seed " << seed << ": " << out.status();
    Inspect(in, *out, absl::StrCat("seed ", seed), &c);
  }
  ExpectClean(c, "itinerant teaching");
}

}  // namespace
}  // namespace rota::engine::rules
