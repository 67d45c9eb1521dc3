// Recruitment rounds (新教师招聘) end to end: rota-gen writes a county with
// applicants and recruitment posts, the real rotactl imports them into the
// real rotad, and a RECRUITMENT round is created, frozen, run with each
// gender mode of the policy, reported (table, JSON, CSV), explained,
// adjusted, committed and replayed. The commit creates the hired teachers
// (staff id = applicant id) with the bundled rural term as a service
// obligation, which a later exchange rotation keeps.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "rota/v1/registry.grpc.pb.h"
#include "rota/v1/rounds.grpc.pb.h"
#include "tests/cli_runner.h"
#include "tests/rounds_e2e_support.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

constexpr char kCounty[] = "yongan";

class RecruitmentRoundTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/recruitment_round_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
    rounds_ = std::make_unique<RoundClient>(rotad_->channel());
  }
  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    std::filesystem::remove_all(dir_);
  }

  CliResult Rotactl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--county", kCounty});
    return RunCli(ROTA_ROTACTL_PATH, args, dir_,
                  {"ROTA_SERVER=" + rotad_->address()});
  }

  // A generated county with applicants, imported table by table.
  void ImportCounty(int applicants) {
    CliResult r = RunCli(ROTA_GEN_PATH,
                         {"--seed", "5", "--schools", "24", "--teachers", "600",
                          "--applicants", std::to_string(applicants), "--as-of",
                          "2025-08-15", "--out", dir_ + "/gen", "-q"},
                         dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunCli(ROTA_ROTACTL_PATH,
               {"county", "create", kCounty, "--name", "永安"}, dir_,
               {"ROTA_SERVER=" + rotad_->address()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* table :
         {"schools", "posts", "teachers", "recruitment-posts", "applicants"}) {
      std::string file = table;
      if (file == "recruitment-posts") file = "recruitment_posts";
      r = Rotactl({"import", table, absl::StrCat(dir_, "/gen/", file, ".csv"),
                   "--no-progress"});
      ASSERT_EQ(r.exit_code, 0) << table << ": " << r.out << r.err;
    }
    rota::v1::ListApplicantsRequest req;
    req.set_parent(absl::StrCat("counties/", kCounty));
    req.set_page_size(1000);
    while (true) {
      rota::v1::ListApplicantsResponse resp;
      auto ctx = NewContext();
      ASSERT_OK(rotad_->registry().ListApplicants(ctx.get(), req, &resp));
      for (const auto& a : resp.applicants()) applicants_[a.name()] = a;
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    ASSERT_EQ(applicants_.size(), static_cast<size_t>(applicants));
  }

  void SetPolicy(const std::string& recruitment) {
    const std::string file = dir_ + "/policy.textproto";
    WriteFile(file, absl::StrCat("school_year: 2025\nrecruitment { ",
                                 recruitment, " }\n"));
    const CliResult r = Rotactl({"policy", "set", file});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  // Creates, freezes and runs a recruitment round; its bare id.
  std::string CreateAndRun() {
    CliResult r = Rotactl({"round", "create", "--kind", "recruitment", "--year",
                           "2025", "--effective", "2025-09-01"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string round = r.out.substr(0, r.out.find('\n'));
    EXPECT_TRUE(absl::StartsWith(round, "2025-recruitment-")) << round;
    r = Rotactl({"round", "freeze", round, "--seed", "20250901"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    r = Rotactl({"round", "run", round});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("recruited"), std::string::npos) << r.out;
    return round;
  }

  std::string Full(const std::string& round) {
    return absl::StrCat("counties/", kCounty, "/rounds/", round);
  }

  rota::v1::RoundReport Report(const std::string& round) {
    const CliResult r = Rotactl({"round", "report", round, "-o", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    rota::v1::RoundReport report;
    EXPECT_TRUE(
        google::protobuf::util::JsonStringToMessage(r.out, &report).ok())
        << r.out;
    return report;
  }

  void ExpectReplayMatch(const std::string& round) {
    const CliResult r = Rotactl({"audit", "replay", round});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(absl::StartsWith(r.out, "replay MATCH ")) << r.out;
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
  std::unique_ptr<RoundClient> rounds_;
  std::map<std::string, rota::v1::Applicant> applicants_;  // by name
};

// Every gender mode: the per-post table agrees with the placements, no seat
// goes below the score floor or to an applicant who failed the interview,
// a mode with reserves reserves seats (and only then does the gender rule
// apply), every failing rule has its reason, and the run replays.
TEST_F(RecruitmentRoundTest, EachGenderModeRunsReportsAndReplays) {
  ImportCounty(400);
  const std::vector<std::string> modes = {"GENDER_MODE_OFF", "SAME_RATE",
                                          "EQUAL_NUMBERS", "FLOOR_PER_POST",
                                          "COUNTY_BALANCE"};
  std::map<std::string, std::string> hashes;
  for (const std::string& mode : modes) {
    SCOPED_TRACE(mode);
    SetPolicy(absl::StrCat(
        "gender_mode: ", mode,
        mode == "COUNTY_BALANCE" ? " county_target_percent: 50" : ""));
    const std::string round = CreateAndRun();
    const rota::v1::RoundReport report = Report(round);
    ASSERT_GT(report.recruitment_posts_size(), 0);
    ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::Placement> placements,
                         rounds_->Placements(Full(round)));
    ASSERT_EQ(placements.size(), applicants_.size());
    std::map<std::string, std::pair<int, int>> hired;  // post -> (F, M)
    int64_t recruited = 0;
    for (const auto& p : placements) {
      const rota::v1::Applicant& a = applicants_.at(p.teacher());
      if (p.outcome() != rota::v1::RECRUITED) {
        EXPECT_EQ(p.outcome(), rota::v1::NOT_RECRUITED) << p.teacher();
        EXPECT_FALSE(p.reason().empty()) << p.teacher();
        continue;
      }
      ++recruited;
      EXPECT_TRUE(a.interview_passed()) << p.teacher();
      EXPECT_GE(a.written_score(), 6000) << p.teacher() << " below the floor";
      EXPECT_NE(p.seat(), rota::v1::RECRUITMENT_SEAT_UNSPECIFIED);
      EXPECT_NE(p.reason().find(absl::StrCat("(", Id(p.teacher()), ")")),
                std::string::npos)
          << p.reason();
      auto& [f, m] = hired[p.to_post()];
      (a.gender() == rota::v1::FEMALE ? f : m)++;
      if (mode == "GENDER_MODE_OFF") {
        EXPECT_TRUE(p.seat() == rota::v1::RECRUITMENT_SEAT_OPEN)
            << p.teacher() << " " << rota::v1::RecruitmentSeat_Name(p.seat());
      }
    }
    ASSERT_GT(recruited, 0);
    EXPECT_EQ(report.hired_female() + report.hired_male(), recruited);
    int reserving = 0;
    for (const auto& l : report.recruitment_posts()) {
      SCOPED_TRACE(l.post());
      EXPECT_EQ(l.hired_female() + l.hired_male() + l.unfilled(), l.seats());
      EXPECT_EQ(l.hired_female(), hired[l.post()].first);
      EXPECT_EQ(l.hired_male(), hired[l.post()].second);
      if (l.cutoff_female() >= 0 && l.cutoff_male() >= 0) {
        EXPECT_EQ(l.cutoff_gap(),
                  std::abs(l.cutoff_female() - l.cutoff_male()));
      }
      EXPECT_EQ(l.unfilled() > 0, !l.unfilled_reason().empty());
      if (l.reserved_female() + l.reserved_male() > 0) ++reserving;
      EXPECT_EQ(l.gender_rule_applies(),
                mode != "GENDER_MODE_OFF" &&
                    l.reserved_female() + l.reserved_male() > 0);
    }
    if (mode == "GENDER_MODE_OFF") {
      EXPECT_EQ(reserving, 0);
    } else if (mode != "COUNTY_BALANCE") {
      EXPECT_GT(reserving, 0) << "no post reserved a seat";
    }
    for (const auto& q : report.quotas()) {
      if (!q.holds()) {
        EXPECT_FALSE(q.reason().empty()) << q.quota();
      }
    }

    // The table and the CSV.
    CliResult r = Rotactl({"round", "report", round});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("GENDER RULE"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(Id(report.recruitment_posts(0).post())),
              std::string::npos);
    r = Rotactl({"round", "report", round, "-o", "csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> lines =
        absl::StrSplit(r.out, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(),
              static_cast<size_t>(report.recruitment_posts_size()) + 1);
    EXPECT_TRUE(absl::StartsWith(
        lines[0], "\xEF\xBB\xBFpost,school,school_name,subject,"))
        << lines[0];

    ExpectReplayMatch(round);
    hashes[mode] = report.result_hash();
    r = Rotactl({"round", "cancel", round, "--reason", "next mode"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_NE(hashes["GENDER_MODE_OFF"], hashes["EQUAL_NUMBERS"]);
}

// Explain, lock, override (hard rules kept), commit: the hires become
// teachers at their schools (the bundled rural school first, with the
// obligation), where as-of finds them, the committed run replays, and an
// exchange rotation may not move a bundled teacher off the rural school.
TEST_F(RecruitmentRoundTest, CommitCreatesTeachersWithBundledObligations) {
  ImportCounty(400);
  SetPolicy("gender_mode: EQUAL_NUMBERS");
  const std::string round = CreateAndRun();
  ASSERT_OK_AND_ASSIGN(rota::v1::Round frozen, rounds_->Get(Full(round)));
  EXPECT_EQ(frozen.applications(), 400);
  EXPECT_GT(frozen.eligible_teachers(), 0);
  EXPECT_LT(frozen.eligible_teachers(), 400);  // some fail a gate
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::Placement> placements,
                       rounds_->Placements(Full(round)));

  // Explain: an applicant beaten at a post is told by whom (name and id) in
  // her own pronoun.
  int explained = 0;
  for (const auto& p : placements) {
    if (explained >= 6 || p.outcome() != rota::v1::NOT_RECRUITED) continue;
    const rota::v1::Applicant& a = applicants_.at(p.teacher());
    ASSERT_OK_AND_ASSIGN(rota::v1::Explanation x,
                         rounds_->Explain(Full(round), p.teacher()));
    for (const auto& c : x.choices()) {
      if (c.competitor().empty()) continue;
      const rota::v1::Applicant& b = applicants_.at(c.competitor());
      EXPECT_NE(c.sentence().find(
                    absl::StrCat(b.display_name(), " (", Id(b.name()), ")")),
                std::string::npos)
          << c.sentence();
      const bool male = a.gender() == rota::v1::MALE;
      EXPECT_NE(c.sentence().find(male ? "against his " : "against her "),
                std::string::npos)
          << c.sentence();
      const CliResult r = Rotactl({"round", "explain", round, Id(a.name())});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      EXPECT_NE(r.out.find(b.display_name()), std::string::npos) << r.out;
      ++explained;
      break;
    }
  }
  EXPECT_GT(explained, 0);

  // Override: a seat for an applicant who failed the interview is refused,
  // naming the rule.
  for (const auto& [name, a] : applicants_) {
    if (a.interview_passed() || a.preferences().empty()) continue;
    const CliResult r =
        Rotactl({"round", "override", round, Id(name), "--to",
                 Id(a.preferences(0)), "--reason", "the principal asks"});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("INTERVIEW_GATE"), std::string::npos) << r.err;
    break;
  }
  // Lock a hire; the next run keeps her there.
  // A copy: `placements` is read again below.
  std::optional<rota::v1::Placement> hire;
  for (const auto& p : placements)
    if (p.outcome() == rota::v1::RECRUITED && !hire.has_value()) hire = p;
  ASSERT_TRUE(hire.has_value());
  CliResult r = Rotactl(
      {"round", "lock", round, Id(hire->teacher()), "--reason", "confirmed"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Rotactl({"round", "run", round});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_OK_AND_ASSIGN(placements, rounds_->Placements(Full(round)));
  for (const auto& p : placements) {
    if (p.teacher() != hire->teacher()) continue;
    EXPECT_EQ(p.to_post(), hire->to_post());
    EXPECT_TRUE(p.locked());
  }

  // Commit.
  r = Rotactl({"round", "commit", round, "--latest-run", "--yes"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ExpectReplayMatch(round);
  int hires = 0, bundled = 0;
  std::string bundled_teacher, bundled_home;
  for (const auto& p : placements) {
    const std::string teacher =
        absl::StrCat("counties/", kCounty, "/teachers/", Id(p.teacher()));
    rota::v1::GetTeacherRequest req;
    req.set_name(teacher);
    rota::v1::Teacher t;
    auto ctx = NewContext();
    const grpc::Status s = rotad_->registry().GetTeacher(ctx.get(), req, &t);
    if (p.outcome() != rota::v1::RECRUITED) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << teacher;
      continue;
    }
    ++hires;
    ASSERT_TRUE(s.ok()) << teacher << ": " << s.error_message();
    const rota::v1::Applicant& a = applicants_.at(p.teacher());
    EXPECT_EQ(t.display_name(), a.display_name());
    EXPECT_EQ(t.gender(), a.gender());
    EXPECT_EQ(t.career_start_date(), "2025-09-01");
    EXPECT_EQ(t.employment(), rota::v1::ESTABLISHED);
    if (p.bundled_rural_school().empty()) {
      EXPECT_EQ(t.school(), p.to_school());
      EXPECT_EQ(t.obligations_size(), 0);
      continue;
    }
    ++bundled;
    EXPECT_EQ(t.school(), p.bundled_rural_school());
    EXPECT_EQ(t.home_school(), p.to_school());
    ASSERT_EQ(t.obligations_size(), 1);
    EXPECT_EQ(t.obligations(0).kind(), rota::v1::BUNDLED_RURAL_TERM);
    EXPECT_EQ(t.obligations(0).required_rural_years(), p.bundled_term_years());
    EXPECT_EQ(t.obligations(0).start_date(), "2025-09-01");
    EXPECT_EQ(t.term_end_date(),
              absl::StrCat(2025 + p.bundled_term_years(), "-09-01"));
    bundled_teacher = Id(t.name());
    bundled_home = Id(t.home_school());
  }
  EXPECT_GT(hires, 0);
  ASSERT_GT(bundled, 0) << "no hire at a bundled post";

  // As of the effective date she is at the rural school; before it, nowhere.
  r = Rotactl({"audit", "as-of", "2025-09-01", bundled_teacher});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(rural"), std::string::npos) << r.out;
  r = Rotactl({"audit", "as-of", "2025-08-31", bundled_teacher});
  EXPECT_NE(r.exit_code, 0) << r.out;

  // A year later an exchange rotation may not place her at her post's
  // school: the bundled term binds.
  r = Rotactl({"round", "create", "--kind", "exchange-rotation", "--year",
               "2026", "--effective", "2026-09-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string exchange = r.out.substr(0, r.out.find('\n'));
  r = Rotactl({"round", "freeze", exchange, "--seed", "7"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Rotactl({"round", "run", exchange});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Rotactl({"round", "override", exchange, bundled_teacher, "--to",
               bundled_home, "--reason", "needed in town"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("OBLIGATION"), std::string::npos) << r.err;
}

// A mistaken recruitment commit is reversed: its hires are deleted again,
// the applicants and every other teacher stay, and the chain verifies.
TEST_F(RecruitmentRoundTest, ReversalDeletesTheHires) {
  ImportCounty(60);
  SetPolicy("gender_mode: EQUAL_NUMBERS");
  const std::string round = CreateAndRun();
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::Placement> placements,
                       rounds_->Placements(Full(round)));
  CliResult r = Rotactl({"round", "commit", round, "--latest-run", "--yes"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto get_teacher = [&](const std::string& id) {
    rota::v1::GetTeacherRequest req;
    req.set_name(absl::StrCat("counties/", kCounty, "/teachers/", id));
    rota::v1::Teacher t;
    auto ctx = NewContext();
    return rotad_->registry().GetTeacher(ctx.get(), req, &t).error_code();
  };
  std::vector<std::string> hired;
  for (const auto& p : placements)
    if (p.outcome() == rota::v1::RECRUITED) hired.emplace_back(Id(p.teacher()));
  ASSERT_FALSE(hired.empty());
  for (const std::string& id : hired)
    ASSERT_EQ(get_teacher(id), grpc::StatusCode::OK) << id;

  r = Rotactl({"round", "reverse", round, "--reason", "招聘结果录入错误"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_OK_AND_ASSIGN(rota::v1::Round reversed, rounds_->Get(Full(round)));
  EXPECT_EQ(reversed.state(), rota::v1::REVERSED);
  EXPECT_EQ(reversed.reversal_reason(), "招聘结果录入错误");
  for (const std::string& id : hired)
    EXPECT_EQ(get_teacher(id), grpc::StatusCode::NOT_FOUND) << id;
  // The applicants are still there, and so is the county's staff.
  rota::v1::GetApplicantRequest areq;
  areq.set_name(applicants_.begin()->first);
  rota::v1::Applicant applicant;
  auto ctx = NewContext();
  EXPECT_TRUE(
      rotad_->registry().GetApplicant(ctx.get(), areq, &applicant).ok());
  r = Rotactl({"-o", "json", "summary"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rota::v1::CountySummary summary;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &summary).ok())
      << r.out;
  EXPECT_EQ(summary.teachers(), 600);
  r = Rotactl({"audit", "verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(absl::StartsWith(r.out, "chain OK")) << r.out;
}

// Applications belong to the applicants' records: a recruitment round takes
// none.
TEST_F(RecruitmentRoundTest, RefusesApplications) {
  ImportCounty(30);
  CliResult r = Rotactl({"round", "create", "--kind", "recruitment", "--year",
                         "2025", "--effective", "2025-09-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string round = r.out.substr(0, r.out.find('\n'));
  ASSERT_OK_AND_ASSIGN(auto teachers, rounds_->Get(Full(round)));
  rota::v1::Application app;
  app.set_teacher(Id(applicants_.begin()->first));
  auto submitted = rounds_->Submit(Full(round), {app});
  EXPECT_TRUE(IsPreconditionFailure(rounds_->last_status(), "ROUND_KIND"))
      << submitted.status();
}

}  // namespace
}  // namespace rota::testing
