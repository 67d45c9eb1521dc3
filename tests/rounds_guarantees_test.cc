// SPEC.md "What every round must guarantee", checked from the outside on
// several rota-gen counties (seeds and sizes below, small enough for CI):
// each county is imported into a real rotad, an exchange rotation and a
// competitive hiring round are frozen and run, and the placements read back
// over gRPC are checked against the registry data we generated ourselves:
//  - capacity (school headcount / post seats) and qualification;
//  - exempt teachers never move; voluntary applicants end at a school they
//    listed or where they were;
//  - no blocking pair where the mechanism promises stability (mandatory
//    movers' DA* in exchange rotation, simultaneous DA* in hiring);
//  - the report's quota lines match our own count from the placements, and
//    every line that does not hold says why;
//  - a second rotad fed the same inputs in another order, same seed, gives
//    the same result hash;
//  - for a sample of teachers, every "why not" cites a competitor who really
//    holds that place and really outranks her, or a rule that really applies.
// Failure messages name the county seed.
#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/registry_test_data.h"
#include "tests/rotad_fixture.h"
#include "tests/rounds_e2e_support.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

using rota::v1::Placement;

constexpr char kCounty[] = "qingshan";
constexpr char kEffective[] = "2026-09-01";

struct CountyCase {
  uint64_t seed;
  int schools;
  int64_t teachers;
};

std::string CaseName(const CountyCase& c) {
  return absl::StrCat("seed ", c.seed, ", ", c.schools, " schools, ",
                      c.teachers, " teachers");
}

void PrintTo(const CountyCase& c, std::ostream* os) { *os << CaseName(c); }

class RoundsGuaranteesTest : public ::testing::TestWithParam<CountyCase> {
 protected:
  void SetUp() override {
    const CountyCase& c = GetParam();
    rota::tools::CountyGenOptions gen;
    gen.seed = c.seed;
    gen.schools = c.schools;
    gen.teachers = c.teachers;
    gen.as_of = "2026-08-15";
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
    ASSERT_OK_AND_ASSIGN(data_, GenerateAndImport(*rotad_, kCounty, gen));
    client_ = std::make_unique<RoundClient>(rotad_->channel());
    teachers_ = data_.TeachersByName();
    schools_ = data_.SchoolsByName();
    posts_ = data_.PostsByName();
    for (const auto& p : data_.posts)
      posts_of_school_[p.school()].push_back(&p);
  }

  // Create, apply, freeze (seed = county seed), run; returns the round name.
  std::string RunRound(RoundClient& rc, rota::v1::RoundKind kind,
                       const std::vector<rota::v1::Application>& apps) {
    absl::StatusOr<rota::v1::Round> round =
        rc.Create(kCounty, kind, kEffective);
    EXPECT_OK(round);
    if (!round.ok()) return "";
    EXPECT_OK(rc.Submit(round->name(), apps));
    EXPECT_OK(rc.Freeze(round->name(), GetParam().seed));
    absl::StatusOr<std::vector<rota::v1::RunRoundProgress>> progress =
        rc.Run(round->name());
    EXPECT_OK(progress);
    if (progress.ok() && !progress->empty()) run_ = progress->back().run();
    return round->name();
  }

  // Exchange rotation: whether school `s` qualifies teacher `t`.
  bool SchoolQualifies(const rota::v1::Teacher& t, const std::string& s) {
    const auto& posts = posts_of_school_[s];
    if (posts.empty()) {
      const rota::v1::School* school = schools_[s];
      if (school == nullptr) return false;
      for (int st : school->stages()) {
        for (int c : t.certificate_stages()) {
          if (st == c) return true;
        }
      }
      return false;
    }
    for (const rota::v1::Post* p : posts) {
      if (QualifiedFor(t, *p)) return true;
    }
    return false;
  }

  // Title band of a teacher or post: 未定级 and unspecified count as junior.
  static int Band(rota::v1::Title t) {
    return t == rota::v1::TITLE_UNSPECIFIED || t == rota::v1::NO_TITLE
               ? rota::v1::JUNIOR_TITLE
               : t;
  }

  std::string Full(const std::string& kind, const std::string& ref) {
    if (ref.find('/') != std::string::npos) return ref;
    return absl::StrCat(CountyName(kCounty), "/", kind, "/", ref);
  }

  void ExchangeRotation();

  static bool IsPrincipal(const rota::v1::Teacher& t) {
    return t.role() == rota::v1::PRINCIPAL ||
           t.role() == rota::v1::VICE_PRINCIPAL;
  }

  std::unique_ptr<RotadProcess> rotad_;
  GeneratedCounty data_;
  std::unique_ptr<RoundClient> client_;
  std::map<std::string, const rota::v1::Teacher*> teachers_;
  std::map<std::string, const rota::v1::School*> schools_;
  std::map<std::string, const rota::v1::Post*> posts_;
  std::map<std::string, std::vector<const rota::v1::Post*>> posts_of_school_;
  rota::v1::RunSummary run_;
};

void RoundsGuaranteesTest::ExchangeRotation() {
  const std::string ctx = CaseName(GetParam());
  std::vector<rota::v1::Application> apps = ExchangeApplications(data_);
  std::map<std::string, const rota::v1::Application*> app_of;
  for (const auto& a : apps) app_of[Full("teachers", a.teacher())] = &a;
  std::string name = RunRound(*client_, rota::v1::EXCHANGE_ROTATION, apps);
  ASSERT_FALSE(name.empty()) << ctx;
  ASSERT_OK_AND_ASSIGN(std::vector<Placement> placements,
                       client_->Placements(name));
  ASSERT_EQ(placements.size(), data_.teachers.size()) << ctx;
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::EligibilityEntry> eligibility,
                       client_->Eligibility(name));
  std::map<std::string, rota::v1::EligibilityEntry> elig;
  for (const auto& e : eligibility) elig[e.teacher()] = e;
  std::map<std::string, Placement> by_teacher;
  for (const auto& p : placements) by_teacher[p.teacher()] = p;

  // Capacity: the headcount counts established staff (non-established staff
  // take no part and keep their seats): a school ends with at most
  // max(headcount, established staff before) established staff.
  auto established = [](const rota::v1::Teacher& t) {
    return t.employment() != rota::v1::NON_ESTABLISHED;
  };
  std::map<std::string, int> before, after;
  for (const auto& t : data_.teachers) {
    if (established(t)) before[t.school()]++;
  }
  for (const auto& p : placements) {
    if (teachers_[p.teacher()] != nullptr &&
        established(*teachers_[p.teacher()])) {
      after[p.to_school()]++;
    }
    ASSERT_NE(teachers_[p.teacher()], nullptr) << ctx << ": " << p.teacher();
    EXPECT_EQ(p.from_school(), teachers_[p.teacher()]->school())
        << ctx << ": " << p.teacher();
  }
  for (const auto& s : data_.schools) {
    EXPECT_LE(after[s.name()], std::max(s.headcount(), before[s.name()]))
        << ctx << ": " << s.name() << " headcount " << s.headcount()
        << ", staff before " << before[s.name()];
  }
  // Leadership: every school ends with as many principals and
  // vice-principals as it had.
  std::map<std::pair<std::string, int>, int> leaders_before, leaders_after;
  for (const auto& p : placements) {
    const rota::v1::Teacher& t = *teachers_[p.teacher()];
    if (!IsPrincipal(t)) continue;
    ++leaders_before[{p.from_school(), t.role()}];
    ++leaders_after[{p.to_school(), t.role()}];
  }
  EXPECT_EQ(leaders_before, leaders_after) << ctx;

  for (const auto& p : placements) {
    const rota::v1::Teacher& t = *teachers_[p.teacher()];
    const bool moved = p.to_school() != p.from_school();
    // Qualification of every mover (a leader's seat: the school's stages).
    if (moved && IsPrincipal(t)) {
      bool stage_fits = false;
      for (int st : schools_[p.to_school()]->stages()) {
        for (int c : t.certificate_stages()) stage_fits |= st == c;
      }
      EXPECT_TRUE(stage_fits)
          << ctx << ": leader " << p.teacher() << " placed at " << p.to_school()
          << " which teaches none of her stages";
    } else if (moved) {
      EXPECT_TRUE(SchoolQualifies(t, p.to_school()))
          << ctx << ": " << p.teacher() << " placed at " << p.to_school()
          << " which has no post for her subjects/stages";
    }
    // Exemptions never move.
    if (ExemptOn(t, kEffective)) {
      EXPECT_FALSE(moved) << ctx << ": exempt " << p.teacher() << " moved";
      EXPECT_EQ(p.outcome(), rota::v1::EXEMPT) << ctx << ": " << p.teacher();
      EXPECT_TRUE(elig[p.teacher()].exempt()) << ctx << ": " << p.teacher();
    }
    // Voluntary applicants: a listed school or where she was.
    auto a = app_of.find(p.teacher());
    if (a != app_of.end() && a->second->voluntary() && !p.mandatory() &&
        moved) {
      std::set<std::string> listed;
      for (const auto& s : a->second->preferences())
        listed.insert(Full("schools", s));
      EXPECT_TRUE(listed.count(p.to_school()))
          << ctx << ": voluntary " << p.teacher() << " sent to unlisted "
          << p.to_school();
      EXPECT_GE(p.choice(), 1) << ctx << ": " << p.teacher();
    }
  }

  {
    // No blocking pair among mandatory movers placed by preference (DA*,
    // priority by points): no mandatory mover ranks above her placement a
    // school that her direction rules allow and that qualifies her, where
    // the DA* phase admitted a mandatory mover with fewer points. (County
    // allocation afterwards is min-cost, not stable: it is not checked
    // here.) Default policy: urban -> lower locality or strong -> weak.
    // Principals and vice-principals exchange leadership seats among
    // themselves (a separate market): not checked here.
    std::map<std::string, std::vector<const Placement*>> da_at;
    for (const auto& p : placements) {
      if (p.mandatory() && p.via() == "mandatory by preference (da-star)") {
        da_at[p.to_school()].push_back(&p);
      }
    }
    auto allowed = [&](const rota::v1::Teacher& t, const std::string& from,
                       const std::string& to) {
      if (from == to) return false;
      const rota::v1::School& a = *schools_[from];
      const rota::v1::School& b = *schools_[to];
      // Schools outside the default stage scope (primary, junior) receive
      // nobody; a service obligation may keep her rural (skipped here).
      bool in_scope = false;
      for (int st : b.stages()) {
        in_scope =
            in_scope || st == rota::v1::PRIMARY || st == rota::v1::JUNIOR;
      }
      if (!in_scope || t.obligations_size() > 0) return false;
      return b.locality() > a.locality() || (!a.weak() && b.weak());
    };
    for (const auto& p : placements) {
      if (!p.mandatory() || p.locked() || p.overridden()) continue;
      if (IsPrincipal(*teachers_[p.teacher()])) continue;
      auto a = app_of.find(p.teacher());
      if (a == app_of.end()) continue;
      const rota::v1::Teacher& t = *teachers_[p.teacher()];
      int limit =
          p.choice() >= 1 ? p.choice() - 1 : a->second->preferences_size();
      for (int k = 0; k < limit; ++k) {
        std::string s = Full("schools", a->second->preferences(k));
        if (!allowed(t, p.from_school(), s) || !SchoolQualifies(t, s)) continue;
        for (const Placement* h : da_at[s]) {
          EXPECT_GE(h->points(), p.points())
              << ctx << ": blocking pair: " << p.teacher() << " (" << p.points()
              << ") ranks " << s << " #" << k + 1
              << " above her placement, where " << h->teacher() << " ("
              << h->points() << ") was admitted by preference";
        }
      }
    }

    // Quotas: the report's lines against our own count.
    ASSERT_OK_AND_ASSIGN(rota::v1::RoundReport report, client_->Report(name));
    int violations = 0;
    EXPECT_FALSE(report.quotas().empty()) << ctx << ": no quota lines";
    for (const auto& q : report.quotas()) {
      int64_t movers = 0, backbone = 0;
      for (const auto& p : placements) {
        // Principals who must rotate have their own "principal rotation"
        // line; the shares count teachers only.
        if (p.to_school() == p.from_school() || !elig[p.teacher()].eligible() ||
            IsPrincipal(*teachers_[p.teacher()]))
          continue;
        if (q.scope() != "county" && Id(q.scope()) != Id(p.from_school()))
          continue;
        // Default policy: only urban and town schools that are not weak
        // carry the shares.
        const rota::v1::School& from = *schools_[p.from_school()];
        if ((from.locality() != rota::v1::URBAN &&
             from.locality() != rota::v1::TOWN) ||
            from.weak())
          continue;
        ++movers;
        const auto b = teachers_[p.teacher()]->backbone_level();
        if (b != rota::v1::BACKBONE_LEVEL_UNSPECIFIED &&
            b != rota::v1::NOT_BACKBONE)
          ++backbone;
      }
      if (q.quota() == "rotation share") {
        EXPECT_EQ(q.achieved(), movers) << ctx << ": " << q.scope();
      } else if (q.quota() == "backbone share") {
        EXPECT_EQ(q.achieved(), backbone) << ctx << ": " << q.scope();
      }
      EXPECT_EQ(q.holds(), q.achieved() >= q.required())
          << ctx << ": " << q.scope() << " " << q.quota();
      if (!q.holds()) {
        ++violations;
        EXPECT_FALSE(q.reason().empty())
            << ctx << ": unmet " << q.quota() << " at " << q.scope()
            << " without a reason";
      }
    }
    EXPECT_EQ(run_.quota_violations(), violations) << ctx;
  }

  // Explanations for a sample.
  int checked = 0;
  for (size_t i = 0; i < placements.size();
       i += std::max<size_t>(1, placements.size() / 15)) {
    const Placement& p = placements[i];
    const rota::v1::Teacher& t = *teachers_[p.teacher()];
    ASSERT_OK_AND_ASSIGN(rota::v1::Explanation ex,
                         client_->Explain(name, Id(p.teacher())));
    EXPECT_FALSE(ex.placement().reason().empty()) << ctx << ": " << p.teacher();
    for (const auto& c : ex.choices()) {
      std::string s = Full("schools", c.choice());
      std::string what =
          absl::StrCat(ctx, ": ", p.teacher(), " choice ", c.rank(), " ",
                       c.choice(), " ", c.verdict(), ": ", c.sentence());
      EXPECT_FALSE(c.sentence().empty()) << what;
      if (c.verdict() == "GOT") {
        EXPECT_EQ(s, p.to_school()) << what;
      } else if (c.verdict() == "BETTER_CHOICE_HELD") {
        EXPECT_TRUE((p.choice() >= 1 && c.rank() > p.choice()) ||
                    p.outcome() == rota::v1::STAYED)
            << what;
      } else if (c.verdict() == "FULL") {
        ASSERT_FALSE(c.competitor().empty()) << what;
        auto h = by_teacher.find(Full("teachers", c.competitor()));
        ASSERT_NE(h, by_teacher.end()) << what;
        EXPECT_EQ(h->second.to_school(), s)
            << what << " (competitor is elsewhere)";
        EXPECT_EQ(c.competitor_points(), h->second.points()) << what;
        EXPECT_EQ(c.teacher_points(), p.points()) << what;
        EXPECT_GE(c.competitor_points(), c.teacher_points()) << what;
      } else if (c.verdict() == "NOT_QUALIFIED") {
        EXPECT_FALSE(SchoolQualifies(t, s)) << what;
      } else if (c.verdict() == "EXEMPT") {
        EXPECT_TRUE(ExemptOn(t, kEffective)) << what;
      }
    }
    ++checked;
  }
  EXPECT_GT(checked, 5) << ctx;
}

TEST_P(RoundsGuaranteesTest, ExchangeRotation) { ExchangeRotation(); }

TEST_P(RoundsGuaranteesTest, CompetitiveHiring) {
  const std::string ctx = CaseName(GetParam());
  std::vector<rota::v1::Application> apps = HiringApplications(data_);
  std::map<std::string, const rota::v1::Application*> app_of;
  for (const auto& a : apps) app_of[Full("teachers", a.teacher())] = &a;
  std::string name = RunRound(*client_, rota::v1::COMPETITIVE_HIRING, apps);
  ASSERT_FALSE(name.empty()) << ctx;
  ASSERT_OK_AND_ASSIGN(std::vector<Placement> placements,
                       client_->Placements(name));
  ASSERT_EQ(placements.size(), data_.teachers.size()) << ctx;
  std::map<std::string, Placement> by_teacher;
  std::map<std::string, std::vector<const Placement*>> at_post;
  for (const auto& p : placements) {
    by_teacher[p.teacher()] = p;
    if (!p.to_post().empty()) at_post[p.to_post()].push_back(&p);
  }
  // Capacity: seats of every post.
  for (const auto& [post, holders] : at_post) {
    ASSERT_NE(posts_[post], nullptr) << ctx << ": unknown post " << post;
    EXPECT_LE(static_cast<int>(holders.size()), posts_[post]->count())
        << ctx << ": " << post;
  }
  for (const auto& p : placements) {
    const rota::v1::Teacher& t = *teachers_[p.teacher()];
    if (ExemptOn(t, kEffective)) {
      EXPECT_EQ(p.outcome(), rota::v1::EXEMPT) << ctx << ": " << p.teacher();
      EXPECT_EQ(p.to_post(), t.post())
          << ctx << ": exempt " << p.teacher() << " moved";
      EXPECT_EQ(p.to_school(), t.school()) << ctx << ": " << p.teacher();
      continue;
    }
    if (p.outcome() == rota::v1::UNPLACED) {
      EXPECT_TRUE(p.to_post().empty()) << ctx << ": " << p.teacher();
      EXPECT_EQ(p.to_school(), t.school()) << ctx << ": " << p.teacher();
      continue;
    }
    if (!p.to_post().empty() && p.to_post() != t.post()) {
      const rota::v1::Post& post = *posts_[p.to_post()];
      EXPECT_TRUE(QualifiedFor(t, post))
          << ctx << ": " << p.teacher() << " not qualified for " << p.to_post();
      EXPECT_EQ(p.to_school(), post.school()) << ctx << ": " << p.teacher();
    }
  }
  // Stability (simultaneous DA*): priority at a post = at a 编制 post
  // established teachers before 编外 ones, then own-school teachers, then
  // points. No teacher ranks a post above her placement where she is
  // qualified in her own band and which has a free seat or holds a
  // non-exempt, unlocked teacher she outranks.
  auto outranks = [&](const Placement& a, const Placement& b,
                      const rota::v1::Post& post) {
    const std::string& school = post.school();
    const bool a_est =
        teachers_[a.teacher()]->employment() != rota::v1::NON_ESTABLISHED;
    const bool b_est =
        teachers_[b.teacher()]->employment() != rota::v1::NON_ESTABLISHED;
    if (!post.non_established() && a_est != b_est) return a_est;
    bool a_home = a.from_school() == school, b_home = b.from_school() == school;
    if (a_home != b_home) return a_home;
    return a.points() > b.points();
  };
  for (const auto& p : placements) {
    if (p.locked() || p.overridden() || p.outcome() == rota::v1::EXEMPT)
      continue;
    auto a = app_of.find(p.teacher());
    if (a == app_of.end()) continue;
    const rota::v1::Teacher& t = *teachers_[p.teacher()];
    // A service obligation may close non-rural posts to her
    // (engine/rules/obligations.h); the engine tests check that rule.
    if (t.obligations_size() > 0) continue;
    int limit =
        p.choice() >= 1 ? p.choice() - 1 : a->second->preferences_size();
    for (int k = 0; k < limit; ++k) {
      std::string post_name = Full("posts", a->second->preferences(k));
      const rota::v1::Post* post = posts_[post_name];
      if (post == nullptr || !QualifiedFor(t, *post)) continue;
      if (Band(post->title_band()) != Band(t.title()))
        continue;  // own band only
      const auto& holders = at_post[post_name];
      EXPECT_GE(static_cast<int>(holders.size()), post->count())
          << ctx << ": " << p.teacher() << " ranks " << post_name << " #"
          << k + 1 << " above her placement and it has a free seat";
      for (const Placement* h : holders) {
        if (h->outcome() == rota::v1::EXEMPT || h->locked() || h->overridden())
          continue;
        EXPECT_FALSE(outranks(p, *h, *post))
            << ctx << ": blocking pair: " << p.teacher() << " (" << p.points()
            << ") ranks " << post_name << " #" << k + 1
            << " above her placement; " << h->teacher() << " (" << h->points()
            << ") holds it";
      }
    }
  }
  // Explanations for a sample.
  for (size_t i = 0; i < placements.size();
       i += std::max<size_t>(1, placements.size() / 15)) {
    const Placement& p = placements[i];
    const rota::v1::Teacher& t = *teachers_[p.teacher()];
    ASSERT_OK_AND_ASSIGN(rota::v1::Explanation ex,
                         client_->Explain(name, Id(p.teacher())));
    EXPECT_FALSE(ex.placement().reason().empty()) << ctx << ": " << p.teacher();
    for (const auto& c : ex.choices()) {
      std::string post_name = Full("posts", c.choice());
      std::string what =
          absl::StrCat(ctx, ": ", p.teacher(), " choice ", c.rank(), " ",
                       c.choice(), " ", c.verdict(), ": ", c.sentence());
      EXPECT_FALSE(c.sentence().empty()) << what;
      const rota::v1::Post* post = posts_[post_name];
      ASSERT_NE(post, nullptr) << what;
      if (c.verdict() == "GOT") {
        EXPECT_EQ(post_name, p.to_post()) << what;
      } else if (c.verdict() == "FULL" && c.competitor().empty()) {
        // No competitor: then every seat must really be held by an exempt
        // teacher or a locked/overridden placement (a rule, not a rival).
        const auto& holders = at_post[post_name];
        EXPECT_GE(static_cast<int>(holders.size()), post->count()) << what;
        for (const Placement* h : holders) {
          EXPECT_TRUE(h->outcome() == rota::v1::EXEMPT || h->locked() ||
                      h->overridden())
              << what << " (" << h->teacher() << " holds a seat as a rival)";
        }
      } else if (c.verdict() == "FULL") {
        auto h = by_teacher.find(Full("teachers", c.competitor()));
        ASSERT_NE(h, by_teacher.end()) << what;
        EXPECT_EQ(h->second.to_post(), post_name)
            << what << " (competitor is elsewhere)";
        EXPECT_EQ(c.competitor_points(), h->second.points()) << what;
        EXPECT_FALSE(outranks(p, h->second, *post))
            << what << " (she outranks the competitor)";
      } else if (c.verdict() == "NOT_QUALIFIED") {
        EXPECT_TRUE(!QualifiedFor(t, *post) ||
                    Band(post->title_band()) != Band(t.title()))
            << what;
      } else if (c.verdict() == "EXEMPT") {
        EXPECT_TRUE(ExemptOn(t, kEffective)) << what;
      }
    }
  }
}

// Two servers, same inputs in a different order, same seed: same hashes.
TEST_P(RoundsGuaranteesTest, SecondServerSameResultHash) {
  const std::string ctx = CaseName(GetParam());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RotadProcess> other,
                       RotadProcess::Start());
  ASSERT_OK(ImportCounty(*other, data_, /*reverse_teachers=*/true));
  RoundClient rc2(other->channel());
  for (rota::v1::RoundKind kind :
       {rota::v1::EXCHANGE_ROTATION, rota::v1::COMPETITIVE_HIRING}) {
    std::vector<rota::v1::Application> apps =
        kind == rota::v1::EXCHANGE_ROTATION ? ExchangeApplications(data_)
                                            : HiringApplications(data_);
    RunRound(*client_, kind, apps);
    rota::v1::RunSummary first = run_;
    std::reverse(apps.begin(), apps.end());
    RunRound(rc2, kind, apps);
    EXPECT_EQ(first.result_hash().size(), 64u) << ctx;
    EXPECT_EQ(run_.result_hash(), first.result_hash())
        << ctx << ": " << rota::v1::RoundKind_Name(kind);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Counties, RoundsGuaranteesTest,
    ::testing::Values(CountyCase{101, 8, 200}, CountyCase{202, 14, 420},
                      CountyCase{303, 24, 800}, CountyCase{404, 40, 1500},
                      CountyCase{505, 6, 150}),
    [](const ::testing::TestParamInfo<CountyCase>& param_info) {
      return absl::StrCat("seed", param_info.param.seed, "_",
                          param_info.param.teachers);
    });

}  // namespace
}  // namespace rota::testing
