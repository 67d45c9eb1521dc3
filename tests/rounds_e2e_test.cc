// End-to-end tests of RoundService over gRPC against the real rotad binary:
// the whole lifecycle of an exchange rotation and a competitive hiring round
// on a rota-gen county imported through BulkImport, wrong-state calls,
// override refusals, locks kept on re-run, replay after commit and after a
// restart, as-of before and after a commit, and kill -9 during run and
// during commit (each round committed entirely or not at all).
//
// The behaviour checked is the contract of proto/rota/v1/rounds.proto and
// the API decisions in NOTES-issue5.md (rounds service stream).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/registry_test_data.h"
#include "tests/rotad_fixture.h"
#include "tests/rounds_e2e_support.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

using rota::v1::Placement;
using rota::v1::Round;

constexpr char kCounty[] = "yongan";
constexpr char kEffective[] = "2026-09-01";

rota::tools::CountyGenOptions SmallCounty(uint64_t seed) {
  rota::tools::CountyGenOptions gen;
  gen.seed = seed;
  gen.schools = 14;
  gen.teachers = 360;
  gen.as_of = "2026-08-15";
  return gen;
}

class RoundsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
    ASSERT_OK_AND_ASSIGN(data_,
                         GenerateAndImport(*rotad_, kCounty, SmallCounty(11)));
    client_ = std::make_unique<RoundClient>(rotad_->channel());
  }

  RoundClient& rc() { return *client_; }

  void Reconnect() {
    client_ = std::make_unique<RoundClient>(rotad_->channel());
  }

  // Creates a round of `kind` with applications submitted and frozen at
  // `seed`; returns its name.
  std::string FrozenRound(rota::v1::RoundKind kind, uint64_t seed) {
    absl::StatusOr<Round> round = rc().Create(kCounty, kind, kEffective);
    EXPECT_OK(round);
    if (!round.ok()) return "";
    std::vector<rota::v1::Application> apps =
        kind == rota::v1::EXCHANGE_ROTATION ? ExchangeApplications(data_)
                                            : HiringApplications(data_);
    absl::StatusOr<rota::v1::SubmitApplicationsResponse> sub =
        rc().Submit(round->name(), apps);
    EXPECT_OK(sub);
    absl::StatusOr<Round> frozen = rc().Freeze(round->name(), seed);
    EXPECT_OK(frozen);
    return round->name();
  }

  rota::v1::RunSummary RunOnce(const std::string& round,
                               const rota::v1::RunParameters& params = {}) {
    absl::StatusOr<std::vector<rota::v1::RunRoundProgress>> progress =
        rc().Run(round, params);
    EXPECT_OK(progress);
    if (!progress.ok() || progress->empty()) return {};
    EXPECT_TRUE(progress->back().has_run())
        << "the last progress message carries no run summary";
    return progress->back().run();
  }

  std::map<std::string, std::string> SchoolOfEveryTeacher() {
    std::map<std::string, std::string> out;
    absl::StatusOr<std::vector<rota::v1::Teacher>> all =
        ListAllTeachers(rotad_->registry(), kCounty);
    EXPECT_OK(all);
    if (all.ok()) {
      for (const auto& t : *all) out[t.name()] = t.school();
    }
    return out;
  }

  // The lifecycle shared by both kinds. `to_of` gives an override target for
  // a teacher (a school id or a post id).
  void Lifecycle(rota::v1::RoundKind kind);

  std::unique_ptr<RotadProcess> rotad_;
  GeneratedCounty data_;
  std::unique_ptr<RoundClient> client_;
};

void RoundsE2eTest::Lifecycle(rota::v1::RoundKind kind) {
  const bool exchange = kind == rota::v1::EXCHANGE_ROTATION;
  // Create: server-assigned id {year}-{kind}-{n}.
  ASSERT_OK_AND_ASSIGN(Round round, rc().Create(kCounty, kind, kEffective));
  EXPECT_EQ(round.name(),
            absl::StrCat(CountyName(kCounty), "/rounds/2026-",
                         exchange ? "exchange-rotation" : "competitive-hiring",
                         "-1"));
  EXPECT_EQ(round.state(), rota::v1::DRAFT);
  const std::string name = round.name();

  // Applications, one stream in several chunks; plus one bad row.
  std::vector<rota::v1::Application> apps =
      exchange ? ExchangeApplications(data_) : HiringApplications(data_);
  ASSERT_FALSE(apps.empty());
  std::set<std::string> applicants;
  for (const auto& a : apps) applicants.insert(a.teacher());
  rota::v1::Application bad;
  bad.set_teacher("no-such-teacher");
  bad.add_preferences(exchange ? Id(data_.schools[0].name())
                               : Id(data_.posts[0].name()));
  apps.push_back(bad);
  ASSERT_OK_AND_ASSIGN(rota::v1::SubmitApplicationsResponse sub,
                       rc().Submit(name, apps, 100));
  EXPECT_EQ(sub.rows_received(), static_cast<int64_t>(apps.size()));
  EXPECT_EQ(sub.rows_rejected(), 1);
  ASSERT_EQ(sub.errors_size(), 1);
  EXPECT_EQ(sub.errors(0).row(), static_cast<int64_t>(apps.size()));
  EXPECT_EQ(sub.errors(0).field(), "application.teacher");
  ASSERT_OK_AND_ASSIGN(round, rc().Get(name));
  EXPECT_EQ(round.applications(), static_cast<int64_t>(applicants.size()));

  // Freeze with a seed: recorded, not drawn; frozen at the log head.
  int64_t head_before = -1;
  {
    absl::StatusOr<rota::v1::VerifyChainResponse> chain =
        VerifyChain(rotad_->audit(), kCounty);
    ASSERT_OK(chain);
    head_before = chain->events();
  }
  ASSERT_OK_AND_ASSIGN(round, rc().Freeze(name, 20260901));
  EXPECT_EQ(round.state(), rota::v1::FROZEN);
  EXPECT_EQ(round.seed(), 20260901u);
  EXPECT_FALSE(round.seed_drawn());
  EXPECT_GE(round.frozen_sequence(), head_before);
  EXPECT_GT(round.eligible_teachers(), 0);
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::EligibilityEntry> eligibility,
                       rc().Eligibility(name));
  EXPECT_EQ(eligibility.size(), data_.teachers.size());

  // Run: progress ends with a run summary.
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::RunRoundProgress> progress,
                       rc().Run(name));
  ASSERT_FALSE(progress.empty());
  const rota::v1::RunRoundProgress& last = progress.back();
  EXPECT_EQ(last.phase(), "done");
  ASSERT_TRUE(last.has_run());
  EXPECT_EQ(last.run().run(), 1);
  EXPECT_EQ(last.run().result_hash().size(), 64u);
  EXPECT_EQ(last.run().teachers(), static_cast<int64_t>(data_.teachers.size()));
  for (size_t i = 0; i + 1 < progress.size(); ++i) {
    EXPECT_FALSE(progress[i].has_run()) << "progress " << i << " has a run";
  }
  ASSERT_OK_AND_ASSIGN(round, rc().Get(name));
  EXPECT_EQ(round.state(), rota::v1::PROPOSED);
  ASSERT_EQ(round.runs_size(), 1);
  EXPECT_EQ(round.runs(0).result_hash(), last.run().result_hash());

  // Results: all pages = one page; filters agree with the full list.
  ASSERT_OK_AND_ASSIGN(std::vector<Placement> all, rc().Placements(name));
  ASSERT_OK_AND_ASSIGN(std::vector<Placement> paged,
                       rc().Placements(name, 0, "", 7));
  ASSERT_EQ(all.size(), data_.teachers.size());
  ASSERT_EQ(paged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].teacher(), paged[i].teacher()) << i;
    if (i > 0) {
      EXPECT_LT(all[i - 1].teacher(), all[i].teacher());
    }
  }
  int64_t moved = 0, down_hired = 0;
  std::string some_school;
  for (const auto& p : all) {
    if (p.outcome() == rota::v1::MOVED || p.outcome() == rota::v1::DOWN_HIRED) {
      if (p.to_school() != p.from_school()) some_school = p.to_school();
    }
    if (p.outcome() == rota::v1::MOVED) ++moved;
    if (p.outcome() == rota::v1::DOWN_HIRED) ++down_hired;
  }
  // RunSummary has no down-hired count: a down-hired teacher was placed at
  // another post, so she counts as moved.
  EXPECT_EQ(moved + down_hired, last.run().moved());
  ASSERT_OK_AND_ASSIGN(std::vector<Placement> moved_only,
                       rc().Placements(name, 0, "outcome = MOVED"));
  EXPECT_EQ(static_cast<int64_t>(moved_only.size()), moved);
  if (!some_school.empty()) {
    ASSERT_OK_AND_ASSIGN(
        std::vector<Placement> at_school,
        rc().Placements(name, 0,
                        absl::StrCat("school = \"", Id(some_school), "\"")));
    size_t want = 0;
    for (const auto& p : all) {
      if (p.from_school() == some_school || p.to_school() == some_school)
        ++want;
    }
    EXPECT_EQ(at_school.size(), want);
  }
  EXPECT_EQ(rc().Placements(name, 0, "colour = blue").status().code(),
            absl::StatusCode::kInvalidArgument);

  // Explain: every teacher has a reason; the explanation's placement is hers.
  for (size_t i = 0; i < all.size();
       i += std::max<size_t>(1, all.size() / 10)) {
    EXPECT_FALSE(all[i].reason().empty()) << all[i].teacher();
    ASSERT_OK_AND_ASSIGN(rota::v1::Explanation ex,
                         rc().Explain(name, Id(all[i].teacher())));
    EXPECT_EQ(ex.placement().teacher(), all[i].teacher());
    EXPECT_EQ(ex.placement().to_school(), all[i].to_school());
    int64_t sum = 0;
    for (const auto& c : ex.points_breakdown()) sum += c.centipoints();
    EXPECT_EQ(sum, all[i].points())
        << "points breakdown of " << all[i].teacher();
  }

  // Lock a mover; override a stayer to where a mover went (or a mover home).
  const Placement* mover = nullptr;
  const Placement* other = nullptr;
  for (const auto& p : all) {
    if (p.outcome() == rota::v1::MOVED && mover == nullptr) {
      mover = &p;
    } else if (mover != nullptr && p.outcome() == rota::v1::MOVED &&
               p.teacher() != mover->teacher()) {
      other = &p;
      break;
    }
  }
  ASSERT_NE(mover, nullptr) << "nobody moved in run 1";
  ASSERT_OK_AND_ASSIGN(Placement locked,
                       rc().Lock(name, Id(mover->teacher()), "agreed with HR"));
  EXPECT_TRUE(locked.locked());
  EXPECT_EQ(locked.to_school(), mover->to_school());
  EXPECT_EQ(rc().Lock(name, Id(mover->teacher()), "").status().code(),
            absl::StatusCode::kInvalidArgument)
      << "a lock needs a reason";
  std::string overridden_teacher;
  if (other != nullptr) {
    // Send `other` back home: always within capacity (she leaves a seat).
    std::string home =
        exchange ? Id(other->from_school()) : Id(other->from_post());
    absl::StatusOr<Placement> ov =
        rc().Override(name, Id(other->teacher()), home, "family reasons");
    if (ov.ok()) {
      overridden_teacher = other->teacher();
      EXPECT_TRUE(ov->overridden());
      EXPECT_EQ(ov->override_reason(), "family reasons");
      EXPECT_EQ(ov->to_school(), other->from_school());
      ASSERT_OK_AND_ASSIGN(round, rc().Get(name));
      EXPECT_EQ(round.runs_size(), 2) << "an accepted override is a new run";
    } else {
      // A refusal must name a rule.
      EXPECT_TRUE(absl::StrContains(ov.status().message(), "rule"))
          << ov.status();
    }
  }

  // Re-run with other parameters: the lock (and override) is kept.
  rota::v1::RunParameters params;
  if (exchange) {
    params.set_voluntary_mechanism("da-star");
  } else {
    params.set_stage_mode("sequential");
  }
  rota::v1::RunSummary rerun = RunOnce(name, params);
  ASSERT_OK_AND_ASSIGN(round, rc().Get(name));
  EXPECT_EQ(rerun.run(), round.runs_size());
  // Kept as given (the spelling may be normalised: "da-star" / "DA_STAR").
  auto norm = [](std::string v) {
    for (char& ch : v)
      ch = ch == '_' ? '-' : static_cast<char>(std::tolower(ch));
    return v;
  };
  const rota::v1::RunParameters& kept =
      round.runs(round.runs_size() - 1).parameters();
  EXPECT_EQ(norm(kept.voluntary_mechanism()), params.voluntary_mechanism());
  EXPECT_EQ(norm(kept.stage_mode()), params.stage_mode());
  ASSERT_OK_AND_ASSIGN(std::vector<Placement> after, rc().Placements(name));
  std::map<std::string, Placement> by_teacher;
  for (const auto& p : after) by_teacher[p.teacher()] = p;
  EXPECT_TRUE(by_teacher[mover->teacher()].locked());
  EXPECT_EQ(by_teacher[mover->teacher()].to_school(), mover->to_school())
      << "the locked placement changed on re-run";
  if (!overridden_teacher.empty()) {
    EXPECT_TRUE(by_teacher[overridden_teacher].overridden());
    EXPECT_EQ(by_teacher[overridden_teacher].to_school(),
              by_teacher[overridden_teacher].from_school());
  }
  ASSERT_OK_AND_ASSIGN(std::vector<Placement> locked_only,
                       rc().Placements(name, 0, "locked = true"));
  ASSERT_EQ(locked_only.size(), 1u);
  EXPECT_EQ(locked_only[0].teacher(), mover->teacher());
  // Earlier runs stay readable.
  ASSERT_OK_AND_ASSIGN(std::vector<Placement> run1, rc().Placements(name, 1));
  EXPECT_EQ(run1.size(), all.size());

  // Report of the latest run.
  ASSERT_OK_AND_ASSIGN(rota::v1::RoundReport report, rc().Report(name));
  EXPECT_EQ(report.round(), name);
  EXPECT_EQ(report.run(), rerun.run());
  EXPECT_EQ(report.result_hash(), rerun.result_hash());
  int64_t ranked = 0;
  for (const auto& c : report.rank_distribution()) ranked += c.count();
  int64_t moved_or_unplaced = 0;
  for (const auto& p : after) {
    moved_or_unplaced +=
        p.to_school() != p.from_school() || p.outcome() == rota::v1::UNPLACED;
  }
  EXPECT_GE(ranked, moved_or_unplaced)
      << "the rank distribution must count every mover and unplaced teacher";
  EXPECT_LE(ranked, static_cast<int64_t>(after.size()));
  EXPECT_EQ(report.unplaced_size(), [&] {
    int n = 0;
    for (const auto& p : after) n += p.outcome() == rota::v1::UNPLACED;
    return n;
  }());

  // As-of before the commit, for a mover.
  std::map<std::string, std::string> before = SchoolOfEveryTeacher();
  std::string mover_teacher = mover->teacher();
  rota::v1::GetTeacherAsOfRequest asof;
  asof.set_teacher(mover_teacher);
  asof.set_date("2026-08-31");
  rota::v1::TeacherAsOf asof_before;
  EXPECT_OK(Call(rotad_->audit(), &rota::v1::AuditService::Stub::GetTeacherAsOf,
                 asof, &asof_before));
  EXPECT_EQ(asof_before.school(), mover->from_school());

  // Commit: only with the etag of the run that was reviewed (the latest).
  ASSERT_FALSE(rerun.etag().empty());
  EXPECT_FALSE(rc().Commit(name, "").ok());
  EXPECT_TRUE(IsPreconditionFailure(rc().last_status(), "RUN_ETAG_REQUIRED",
                                    "is required"));
  ASSERT_OK_AND_ASSIGN(rota::v1::Round reviewed, rc().Get(name));
  ASSERT_GE(reviewed.runs_size(), 2);
  const std::string stale = reviewed.runs(0).etag();
  EXPECT_NE(stale, rerun.etag());
  EXPECT_FALSE(rc().Commit(name, stale).ok());
  EXPECT_TRUE(IsPreconditionFailure(rc().last_status(), "RUN_ETAG_STALE",
                                    "latest run"));
  ASSERT_OK_AND_ASSIGN(round, rc().Commit(name, rerun.etag()));
  EXPECT_EQ(round.state(), rota::v1::COMMITTED);
  EXPECT_EQ(round.committed_result_hash(), rerun.result_hash());
  std::map<std::string, std::string> now = SchoolOfEveryTeacher();
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::Teacher> teachers,
                       ListAllTeachers(rotad_->registry(), kCounty));
  std::map<std::string, rota::v1::Teacher> teacher_by_name;
  for (const auto& t : teachers) teacher_by_name[t.name()] = t;
  int changed = 0;
  for (const auto& p : after) {
    EXPECT_EQ(now[p.teacher()], p.to_school())
        << p.teacher() << " outcome " << rota::v1::Outcome_Name(p.outcome());
    if (p.to_school() != p.from_school()) {
      ++changed;
      const rota::v1::Teacher& t = teacher_by_name[p.teacher()];
      EXPECT_EQ(t.school_join_date(), kEffective) << p.teacher();
      ASSERT_GE(t.service_history_size(), 2) << p.teacher();
      const auto& open = t.service_history(t.service_history_size() - 1);
      const auto& closed = t.service_history(t.service_history_size() - 2);
      EXPECT_EQ(open.school(), p.to_school()) << p.teacher();
      EXPECT_EQ(open.start_date(), kEffective) << p.teacher();
      EXPECT_TRUE(open.end_date().empty()) << p.teacher();
      EXPECT_EQ(closed.school(), p.from_school()) << p.teacher();
      EXPECT_EQ(closed.end_date(), "2026-08-31") << p.teacher();
    } else {
      EXPECT_EQ(before[p.teacher()], now[p.teacher()]) << p.teacher();
    }
    if (!exchange) {
      EXPECT_EQ(teacher_by_name[p.teacher()].post(), p.to_post())
          << p.teacher();
    }
  }
  EXPECT_GT(changed, 0);

  // As-of after the commit: the day before and the effective date.
  rota::v1::TeacherAsOf asof_old, asof_new;
  EXPECT_OK(Call(rotad_->audit(), &rota::v1::AuditService::Stub::GetTeacherAsOf,
                 asof, &asof_old));
  EXPECT_EQ(asof_old.school(), mover->from_school());
  asof.set_date(kEffective);
  EXPECT_OK(Call(rotad_->audit(), &rota::v1::AuditService::Stub::GetTeacherAsOf,
                 asof, &asof_new));
  EXPECT_EQ(asof_new.school(), mover->to_school());
  // As of the frozen sequence: her record then.
  rota::v1::GetTeacherAsOfRequest by_seq;
  by_seq.set_teacher(mover_teacher);
  by_seq.set_sequence(round.frozen_sequence());
  rota::v1::TeacherAsOf asof_seq;
  EXPECT_OK(Call(rotad_->audit(), &rota::v1::AuditService::Stub::GetTeacherAsOf,
                 by_seq, &asof_seq));
  EXPECT_EQ(asof_seq.teacher().school(), mover->from_school());
  rota::v1::ListTeacherHistoryRequest hist;
  hist.set_teacher(mover_teacher);
  rota::v1::TeacherHistory history;
  EXPECT_OK(Call(rotad_->audit(),
                 &rota::v1::AuditService::Stub::ListTeacherHistory, hist,
                 &history));
  ASSERT_GE(history.entries_size(), 2);
  EXPECT_TRUE(
      absl::StrContains(history.entries(history.entries_size() - 1).summary(),
                        absl::StrCat("by round ", name)))
      << history.entries(history.entries_size() - 1).summary();

  // Replay MATCH, then again after a restart.
  ASSERT_OK_AND_ASSIGN(rota::v1::ReplayRoundResponse replay, rc().Replay(name));
  EXPECT_TRUE(replay.match()) << replay.first_difference();
  EXPECT_EQ(replay.recorded_hash(), rerun.result_hash());
  EXPECT_EQ(replay.replay_hash(), rerun.result_hash());
  ASSERT_OK(rotad_->Stop());
  ASSERT_OK(rotad_->Restart());
  Reconnect();
  ASSERT_OK_AND_ASSIGN(replay, rc().Replay(name));
  EXPECT_TRUE(replay.match()) << replay.first_difference();
  EXPECT_EQ(replay.replay_hash(), rerun.result_hash());
  // Explanations are derived again from the stored inputs after a restart:
  // the same as before it, the placement as committed (with its lock).
  {
    ASSERT_OK_AND_ASSIGN(rota::v1::Explanation again,
                         rc().Explain(name, Id(mover->teacher())));
    EXPECT_EQ(again.placement().teacher(), mover->teacher());
    EXPECT_EQ(again.placement().to_school(), mover->to_school());
    EXPECT_TRUE(again.placement().locked());
    EXPECT_FALSE(again.points_breakdown().empty());
  }
  ASSERT_OK_AND_ASSIGN(round, rc().Get(name));
  EXPECT_EQ(round.state(), rota::v1::COMMITTED);
  EXPECT_EQ(SchoolOfEveryTeacher(), now) << "the commit did not survive";

  // After COMMITTED every mutating call is a wrong-state call.
  EXPECT_TRUE(IsPreconditionFailure(
      [&] {
        (void)rc().Run(name);
        return rc().last_status();
      }(),
      "ROUND_STATE"));
  EXPECT_TRUE(IsPreconditionFailure(
      [&] {
        (void)rc().Cancel(name, "too late");
        return rc().last_status();
      }(),
      "ROUND_STATE"));
}

TEST_F(RoundsE2eTest, ExchangeRotationLifecycle) {
  Lifecycle(rota::v1::EXCHANGE_ROTATION);
}

TEST_F(RoundsE2eTest, CompetitiveHiringLifecycle) {
  Lifecycle(rota::v1::COMPETITIVE_HIRING);
}

TEST_F(RoundsE2eTest, EveryWrongStateCallIsFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(
      Round round,
      rc().Create(kCounty, rota::v1::EXCHANGE_ROTATION, kEffective));
  const std::string name = round.name();
  const std::string teacher = Id(data_.teachers[0].name());
  auto expect_state = [&](const char* what, auto call) {
    (void)call();
    EXPECT_TRUE(IsPreconditionFailure(rc().last_status(), "ROUND_STATE"))
        << what;
    std::optional<google::rpc::PreconditionFailure> pf =
        GetPreconditionFailure(rc().last_status());
    if (pf.has_value() && pf->violations_size() > 0) {
      EXPECT_EQ(pf->violations(0).subject(), name) << what;
    }
  };
  // DRAFT: run, lock, override, commit are wrong; results need a run.
  expect_state("run in DRAFT", [&] { return rc().Run(name); });
  expect_state("lock in DRAFT", [&] { return rc().Lock(name, teacher, "r"); });
  expect_state("override in DRAFT",
               [&] { return rc().Override(name, teacher, "", "r"); });
  expect_state("commit in DRAFT", [&] { return rc().Commit(name); });
  EXPECT_EQ(rc().Placements(name).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(rc().Replay(name).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(rc().Report(name).status().code(),
            absl::StatusCode::kFailedPrecondition);

  ASSERT_OK(rc().Submit(name, ExchangeApplications(data_)));
  ASSERT_OK(rc().Freeze(name, 5));
  // FROZEN: apply, freeze, lock, override, commit are wrong.
  expect_state("apply in FROZEN",
               [&] { return rc().Submit(name, ExchangeApplications(data_)); });
  expect_state("freeze in FROZEN", [&] { return rc().Freeze(name, 6); });
  expect_state("lock in FROZEN", [&] { return rc().Lock(name, teacher, "r"); });
  expect_state("override in FROZEN",
               [&] { return rc().Override(name, teacher, "", "r"); });
  expect_state("commit in FROZEN", [&] { return rc().Commit(name); });

  RunOnce(name);
  // PROPOSED: apply and freeze are wrong.
  expect_state("apply in PROPOSED",
               [&] { return rc().Submit(name, ExchangeApplications(data_)); });
  expect_state("freeze in PROPOSED", [&] { return rc().Freeze(name, 6); });

  ASSERT_OK_AND_ASSIGN(round, rc().Cancel(name, "test"));
  EXPECT_EQ(round.state(), rota::v1::CANCELLED);
  // CANCELLED: everything mutating is wrong; results stay readable.
  expect_state("run in CANCELLED", [&] { return rc().Run(name); });
  expect_state("lock in CANCELLED",
               [&] { return rc().Lock(name, teacher, "r"); });
  expect_state("commit in CANCELLED", [&] { return rc().Commit(name); });
  expect_state("cancel in CANCELLED",
               [&] { return rc().Cancel(name, "again"); });
  expect_state("apply in CANCELLED",
               [&] { return rc().Submit(name, ExchangeApplications(data_)); });
  EXPECT_OK(rc().Placements(name));
  // A cancelled round changed no teacher.
  for (const auto& t : data_.teachers) {
    rota::v1::GetTeacherRequest get;
    get.set_name(t.name());
    rota::v1::Teacher now;
    ASSERT_OK(Call(rotad_->registry(),
                   &rota::v1::RegistryService::Stub::GetTeacher, get, &now));
    EXPECT_EQ(now.school(), t.school()) << t.name();
    break;  // one is enough here; the commit tests check everyone
  }
}

TEST_F(RoundsE2eTest, OverrideRefusalsNameTheRule) {
  auto teachers = data_.TeachersByName();
  auto schools = data_.SchoolsByName();
  // Exchange rotation: exemption and capacity.
  std::string ex = FrozenRound(rota::v1::EXCHANGE_ROTATION, 99);
  RunOnce(ex);
  ASSERT_OK_AND_ASSIGN(std::vector<Placement> all, rc().Placements(ex));
  // The headcount counts established staff (non-established staff take no
  // part in the rotation and keep their seats outside it).
  auto established = [](const rota::v1::Teacher& t) {
    return t.employment() != rota::v1::NON_ESTABLISHED;
  };
  std::map<std::string, int> final_count, staff_before;
  for (const auto& p : all) {
    if (established(*teachers[p.teacher()])) final_count[p.to_school()]++;
  }
  for (const auto& t : data_.teachers) {
    if (established(t)) staff_before[t.school()]++;
  }
  bool tried_exempt = false, tried_capacity = false;
  for (const auto& p : all) {
    const rota::v1::Teacher& t = *teachers[p.teacher()];
    if (!tried_exempt && ExemptOn(t, kEffective)) {
      // Move an exempt teacher anywhere else.
      for (const auto& s : data_.schools) {
        if (s.name() == p.from_school()) continue;
        absl::StatusOr<Placement> r =
            rc().Override(ex, Id(p.teacher()), Id(s.name()), "test");
        EXPECT_TRUE(IsPreconditionFailure(rc().last_status(), "EXEMPTION",
                                          "\"exemption\""))
            << p.teacher() << " -> " << s.name();
        tried_exempt = true;
        break;
      }
    }
    if (!tried_capacity && !ExemptOn(t, kEffective) && established(t) &&
        t.obligations_size() == 0 && p.outcome() == rota::v1::STAYED) {
      // A school full after the run (at max(headcount, staff before)),
      // with everyone placed there locked, so nobody can make room.
      for (const auto& s : data_.schools) {
        if (s.name() == p.from_school() ||
            final_count[s.name()] <
                std::max(s.headcount(), staff_before[s.name()]))
          continue;
        for (const auto& q : all) {
          if (q.to_school() != s.name() ||
              ExemptOn(*teachers[q.teacher()], kEffective))
            continue;
          absl::StatusOr<Placement> locked =
              rc().Lock(ex, Id(q.teacher()), "keep");
          ASSERT_TRUE(locked.ok()) << q.teacher() << ": " << locked.status();
        }
        absl::StatusOr<Placement> r =
            rc().Override(ex, Id(p.teacher()), Id(s.name()), "test");
        EXPECT_FALSE(r.ok()) << p.teacher() << " -> full " << s.name();
        if (!r.ok() &&
            !IsPreconditionFailure(rc().last_status(), "QUALIFICATION")) {
          EXPECT_TRUE(IsPreconditionFailure(rc().last_status(), "CAPACITY",
                                            "\"capacity\""))
              << p.teacher() << " -> full " << s.name();
        }
        tried_capacity = true;
        break;
      }
    }
  }
  EXPECT_TRUE(tried_exempt) << "the generated county has no exempt teacher";
  EXPECT_TRUE(tried_capacity) << "no full school to test capacity with";
  ASSERT_OK_AND_ASSIGN(Round r, rc().Get(ex));
  EXPECT_EQ(r.runs_size(), 1) << "a refused override must not add a run";

  // Competitive hiring: qualification (a post of a subject she doesn't teach).
  std::string hire = FrozenRound(rota::v1::COMPETITIVE_HIRING, 99);
  RunOnce(hire);
  bool tried_qual = false;
  for (const auto& t : data_.teachers) {
    if (ExemptOn(t, kEffective)) continue;
    for (const auto& p : data_.posts) {
      if (QualifiedFor(t, p)) continue;
      (void)rc().Override(hire, Id(t.name()), Id(p.name()), "test");
      EXPECT_TRUE(IsPreconditionFailure(rc().last_status(), "QUALIFICATION",
                                        "\"qualification\""))
          << t.name() << " -> " << p.name();
      tried_qual = true;
      break;
    }
    if (tried_qual) break;
  }
  EXPECT_TRUE(tried_qual);
}

// Kill -9 while a run is in flight, restart: the round is FROZEN with no
// runs or PROPOSED with complete runs; a new run works; no teacher moved.
TEST_F(RoundsE2eTest, KillDuringRunThenRestart) {
  std::map<std::string, std::string> before = SchoolOfEveryTeacher();
  std::string name = FrozenRound(rota::v1::EXCHANGE_ROTATION, 3);
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::thread runner([&] {
      RoundClient own(rotad_->channel());
      (void)own.Run(name);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + 20 * attempt));
    ASSERT_OK(rotad_->Kill9());
    runner.join();
    ASSERT_OK(rotad_->Restart());
    Reconnect();
    ASSERT_OK_AND_ASSIGN(Round r, rc().Get(name));
    EXPECT_TRUE(r.state() == rota::v1::FROZEN ||
                r.state() == rota::v1::PROPOSED)
        << rota::v1::RoundState_Name(r.state());
    EXPECT_EQ(r.state() == rota::v1::PROPOSED, r.runs_size() > 0);
    for (const auto& run : r.runs()) {
      EXPECT_EQ(run.result_hash().size(), 64u);
      ASSERT_OK_AND_ASSIGN(std::vector<Placement> ps,
                           rc().Placements(name, run.run()));
      EXPECT_EQ(ps.size(), data_.teachers.size()) << "run " << run.run();
      ASSERT_OK_AND_ASSIGN(rota::v1::ReplayRoundResponse rep,
                           rc().Replay(name, run.run()));
      EXPECT_TRUE(rep.match())
          << "run " << run.run() << ": " << rep.first_difference();
    }
    EXPECT_EQ(SchoolOfEveryTeacher(), before) << "a run changed the registry";
  }
  RunOnce(name);
}

// Kill -9 while a commit is in flight, restart: COMMITTED and every mover at
// her new school, or PROPOSED and every teacher where she was.
TEST_F(RoundsE2eTest, KillDuringCommitIsAllOrNothing) {
  std::map<std::string, std::string> before = SchoolOfEveryTeacher();
  std::mt19937_64 rng(17);
  for (int attempt = 0; attempt < 3; ++attempt) {
    SCOPED_TRACE(absl::StrCat("attempt ", attempt, " (seed 17)"));
    std::string name = FrozenRound(rota::v1::EXCHANGE_ROTATION, 100 + attempt);
    RunOnce(name);
    ASSERT_OK_AND_ASSIGN(std::vector<Placement> placements,
                         rc().Placements(name));
    std::thread committer([&] {
      RoundClient own(rotad_->channel());
      (void)own.Commit(name);
    });
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 20000));
    ASSERT_OK(rotad_->Kill9());
    committer.join();
    ASSERT_OK(rotad_->Restart());
    Reconnect();
    ASSERT_OK_AND_ASSIGN(Round r, rc().Get(name));
    std::map<std::string, std::string> now = SchoolOfEveryTeacher();
    if (r.state() == rota::v1::COMMITTED) {
      for (const auto& p : placements) {
        EXPECT_EQ(now[p.teacher()], p.to_school()) << p.teacher();
      }
      ASSERT_OK_AND_ASSIGN(rota::v1::ReplayRoundResponse rep,
                           rc().Replay(name));
      EXPECT_TRUE(rep.match()) << rep.first_difference();
      before = now;
    } else {
      EXPECT_EQ(r.state(), rota::v1::PROPOSED);
      EXPECT_EQ(now, before) << "a half-applied commit";
      ASSERT_OK_AND_ASSIGN(r, rc().Cancel(name, "retry"));
    }
    absl::StatusOr<rota::v1::VerifyChainResponse> chain =
        VerifyChain(rotad_->audit(), kCounty);
    ASSERT_OK(chain);
    EXPECT_TRUE(chain->ok()) << chain->problem();
  }
}

TEST_F(RoundsE2eTest, SeedDrawnWhenNotGivenAndRecorded) {
  ASSERT_OK_AND_ASSIGN(
      Round round,
      rc().Create(kCounty, rota::v1::EXCHANGE_ROTATION, kEffective));
  ASSERT_OK(rc().Submit(round.name(), ExchangeApplications(data_)));
  ASSERT_OK_AND_ASSIGN(round, rc().Freeze(round.name(), std::nullopt));
  EXPECT_TRUE(round.seed_drawn());
  rota::v1::RunSummary run = RunOnce(round.name());
  ASSERT_OK_AND_ASSIGN(rota::v1::ReplayRoundResponse rep,
                       rc().Replay(round.name()));
  EXPECT_TRUE(rep.match()) << rep.first_difference();
  EXPECT_EQ(rep.replay_hash(), run.result_hash());
}

}  // namespace
}  // namespace rota::testing
