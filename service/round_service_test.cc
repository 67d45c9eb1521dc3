// In-process tests of the policy and round services and the audit as-of /
// history calls: the real RotaServer on a temporary RocksDB directory and
// port 0, called over gRPC with the generated stubs. The county is small and
// fixed, so every expectation is checked by hand below.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "rota/v1/audit.grpc.pb.h"
#include "rota/v1/policy.grpc.pb.h"
#include "rota/v1/registry.grpc.pb.h"
#include "rota/v1/round_events.pb.h"
#include "rota/v1/rounds.grpc.pb.h"
#include "service/grpc_server.h"
#include "service/projection.h"
#include "service/storage/projection_check.h"
#include "service/storage/rocksdb_event_store.h"

namespace rota::service {
namespace {

namespace v1 = rota::v1;

constexpr char kCounty[] = "yongan";
constexpr char kParent[] = "counties/yongan";

std::string SchoolName(const std::string& id) {
  return absl::StrCat(kParent, "/schools/", id);
}
std::string TeacherName(const std::string& id) {
  return absl::StrCat(kParent, "/teachers/", id);
}

// The first PreconditionFailure violation of a status (empty if none).
google::rpc::PreconditionFailure::Violation FirstPrecondition(
    const grpc::Status& s) {
  google::rpc::Status proto;
  if (!proto.ParseFromString(s.error_details())) return {};
  for (const auto& any : proto.details()) {
    google::rpc::PreconditionFailure pf;
    if (any.UnpackTo(&pf) && pf.violations_size() > 0) return pf.violations(0);
  }
  return {};
}

std::string PreconditionType(const grpc::Status& s) {
  return FirstPrecondition(s).type();
}

std::string PreconditionSubject(const grpc::Status& s) {
  return FirstPrecondition(s).subject();
}

// The first BadRequest field of a status, or "".
std::string BadField(const grpc::Status& s) {
  google::rpc::Status proto;
  if (!proto.ParseFromString(s.error_details())) return "";
  for (const auto& any : proto.details()) {
    google::rpc::BadRequest br;
    if (any.UnpackTo(&br) && br.field_violations_size() > 0)
      return br.field_violations(0).field();
  }
  return "";
}

class RoundServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat(
               "rota_round_test_", ::getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    StartServer();
    BuildCounty();
  }
  void TearDown() override {
    StopServer();
    std::filesystem::remove_all(dir_);
  }

  void StartServer() {
    auto store = storage::RocksDbEventStore::Open({.path = dir_.string()});
    ASSERT_TRUE(store.ok()) << store.status();
    StartServerOn(std::move(*store));
  }

  void StartServerOn(std::unique_ptr<storage::RocksDbEventStore> store) {
    auto server =
        RotaServer::Start({.listen = "127.0.0.1:0", .write_threads = 4});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    server_->AttachStore(std::move(store));
    auto channel = grpc::CreateChannel(server_->address(),
                                       grpc::InsecureChannelCredentials());
    registry_ = v1::RegistryService::NewStub(channel);
    audit_ = v1::AuditService::NewStub(channel);
    policy_ = v1::PolicyService::NewStub(channel);
    rounds_ = v1::RoundService::NewStub(channel);
  }

  void StopServer() {
    if (server_) server_->Shutdown(absl::Seconds(5));
    server_.reset();
  }

  void AddSchool(const std::string& id, v1::Locality locality, bool weak,
                 int headcount, double lat, double lon) {
    grpc::ClientContext ctx;
    v1::CreateSchoolRequest req;
    req.set_parent(kParent);
    req.set_school_id(id);
    v1::School& s = *req.mutable_school();
    s.set_display_name("School " + id);
    s.add_stages(v1::PRIMARY);
    s.set_locality(locality);
    s.set_weak(weak);
    s.set_headcount(headcount);
    s.mutable_location()->set_latitude(lat);
    s.mutable_location()->set_longitude(lon);
    v1::School out;
    grpc::Status st = registry_->CreateSchool(&ctx, req, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  void AddTeacher(const std::string& id, const std::string& school,
                  const std::string& join, bool backbone = false,
                  bool exempt = false) {
    grpc::ClientContext ctx;
    v1::CreateTeacherRequest req;
    req.set_parent(kParent);
    req.set_teacher_id(id);
    v1::Teacher& t = *req.mutable_teacher();
    t.set_display_name("Teacher " + id);
    t.set_gender(v1::MALE);
    t.set_birth_date("1982-03-04");
    t.set_career_start_date("2004-09-01");
    t.set_school(SchoolName(school));
    t.set_school_join_date(join);
    t.add_subjects("math");
    t.add_certificate_stages(v1::PRIMARY);
    t.set_title(v1::INTERMEDIATE_TITLE);
    t.set_role(v1::TEACHER);
    t.set_backbone_level(backbone ? v1::COUNTY_BACKBONE : v1::NOT_BACKBONE);
    t.set_employment(v1::ESTABLISHED);
    if (exempt) {
      auto* e = t.add_exemptions();
      e->set_kind(v1::SERIOUS_ILLNESS);
      e->set_start_date("2025-01-01");
    }
    v1::Teacher out;
    grpc::Status st = registry_->CreateTeacher(&ctx, req, &out);
    ASSERT_TRUE(st.ok()) << id << ": " << st.error_message();
  }

  // Urban u1 (8 staff: 6 eligible, one of them backbone; one exempt; one
  // new), urban u2 (2 staff), rural weak r1 and rural r2 with free seats.
  void BuildCounty() {
    {
      grpc::ClientContext ctx;
      v1::CreateCountyRequest req;
      req.set_county_id(kCounty);
      req.mutable_county()->set_display_name("永安市");
      v1::County out;
      ASSERT_TRUE(registry_->CreateCounty(&ctx, req, &out).ok());
    }
    AddSchool("u1", v1::URBAN, false, 8, 25.97, 117.36);
    AddSchool("u2", v1::URBAN, false, 2, 25.98, 117.37);
    AddSchool("r1", v1::RURAL, true, 6, 25.80, 117.20);
    AddSchool("r2", v1::RURAL, false, 6, 25.70, 117.10);
    {
      grpc::ClientContext ctx;
      v1::CreatePostRequest req;
      req.set_parent(kParent);
      req.set_post_id("u1-math-int");
      req.mutable_post()->set_school(SchoolName("u1"));
      req.mutable_post()->set_subject("math");
      req.mutable_post()->set_title_band(v1::INTERMEDIATE_TITLE);
      req.mutable_post()->set_count(8);
      v1::Post out;
      grpc::Status st = registry_->CreatePost(&ctx, req, &out);
      ASSERT_TRUE(st.ok()) << st.error_message();
    }
    AddTeacher("t01", "u1", "2010-09-01", /*backbone=*/true);
    {
      // t01 holds u1's post: a move must leave it behind.
      v1::Teacher t = GetTeacher("t01");
      t.set_post(absl::StrCat(kParent, "/posts/u1-math-int"));
      grpc::ClientContext ctx;
      v1::UpdateTeacherRequest req;
      *req.mutable_teacher() = t;
      v1::Teacher out;
      grpc::Status st = registry_->UpdateTeacher(&ctx, req, &out);
      ASSERT_TRUE(st.ok()) << st.error_message();
    }
    for (const char* id : {"t02", "t03", "t04", "t05", "t06"})
      AddTeacher(id, "u1", "2012-09-01");
    AddTeacher("t07", "u1", "2011-09-01", false, /*exempt=*/true);
    AddTeacher("t08", "u1", "2024-09-01");
    AddTeacher("t09", "u2", "2015-09-01");
    AddTeacher("t10", "u2", "2023-09-01");
    AddTeacher("t11", "r1", "2019-09-01");
    AddTeacher("t12", "r2", "2021-09-01");
  }

  v1::Round Create(const std::string& id = "") {
    grpc::ClientContext ctx;
    v1::CreateRoundRequest req;
    req.set_parent(kParent);
    req.set_round_id(id);
    req.mutable_round()->set_kind(v1::EXCHANGE_ROTATION);
    req.mutable_round()->set_school_year(2026);
    req.mutable_round()->set_effective_date("2026-09-01");
    v1::Round out;
    grpc::Status s = rounds_->CreateRound(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  v1::SubmitApplicationsResponse Submit(
      const std::string& round,
      const std::vector<std::pair<std::string, std::vector<std::string>>>& rows,
      bool voluntary, grpc::Status* status = nullptr) {
    grpc::ClientContext ctx;
    v1::SubmitApplicationsResponse resp;
    auto writer = rounds_->SubmitApplications(&ctx, &resp);
    v1::SubmitApplicationsRequest chunk;
    chunk.set_round(round);
    int64_t n = 1;
    for (const auto& [teacher, prefs] : rows) {
      auto* row = chunk.add_rows();
      row->set_row(n++);
      row->mutable_application()->set_teacher(teacher);
      for (const auto& p : prefs)
        row->mutable_application()->add_preferences(p);
      row->mutable_application()->set_voluntary(voluntary);
    }
    writer->Write(chunk);
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    return resp;
  }

  grpc::Status Freeze(const std::string& round, uint64_t seed, v1::Round* out) {
    grpc::ClientContext ctx;
    v1::FreezeRoundRequest req;
    req.set_name(round);
    req.set_seed(seed);
    return rounds_->FreezeRound(&ctx, req, out);
  }

  // Runs and returns the final summary; `phases` gets the progress phases.
  grpc::Status Run(const std::string& round, v1::RunSummary* summary,
                   std::vector<std::string>* phases = nullptr,
                   const std::string& mechanism = "") {
    grpc::ClientContext ctx;
    v1::RunRoundRequest req;
    req.set_name(round);
    req.mutable_parameters()->set_voluntary_mechanism(mechanism);
    auto reader = rounds_->RunRound(&ctx, req);
    v1::RunRoundProgress p;
    while (reader->Read(&p)) {
      if (phases) phases->push_back(p.phase());
      if (p.has_run()) *summary = p.run();
    }
    return reader->Finish();
  }

  std::map<std::string, v1::Placement> Placements(
      const std::string& round, const std::string& filter = "",
      int32_t run = 0) {
    std::map<std::string, v1::Placement> out;
    std::string token;
    do {
      grpc::ClientContext ctx;
      v1::ListPlacementsRequest req;
      req.set_name(round);
      req.set_filter(filter);
      req.set_run(run);
      req.set_page_size(3);  // exercises paging
      req.set_page_token(token);
      v1::ListPlacementsResponse resp;
      grpc::Status s = rounds_->ListPlacements(&ctx, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& p : resp.placements()) out[p.teacher()] = p;
      token = resp.next_page_token();
    } while (!token.empty());
    return out;
  }

  // Commits with `run_etag`; by default the latest run's (read first).
  grpc::Status Commit(const std::string& round, v1::Round* out,
                      std::optional<std::string> run_etag = std::nullopt) {
    if (!run_etag.has_value()) {
      grpc::ClientContext get_ctx;
      v1::GetRoundRequest get;
      get.set_name(round);
      v1::Round current;
      grpc::Status s = rounds_->GetRound(&get_ctx, get, &current);
      if (!s.ok()) return s;
      run_etag = current.runs().empty()
                     ? ""
                     : current.runs(current.runs_size() - 1).etag();
    }
    grpc::ClientContext ctx;
    v1::CommitRoundRequest req;
    req.set_name(round);
    req.set_request_id("commit-" + round + "-" + *run_etag);
    req.set_run_etag(*run_etag);
    return rounds_->CommitRound(&ctx, req, out);
  }

  grpc::Status Override(const std::string& round, const std::string& teacher,
                        const std::string& to, v1::Placement* out) {
    grpc::ClientContext ctx;
    v1::OverridePlacementRequest req;
    req.set_name(round);
    req.set_teacher(teacher);
    req.set_to(to);
    req.set_reason("administrator's decision");
    return rounds_->OverridePlacement(&ctx, req, out);
  }

  v1::ReplayRoundResponse Replay(const std::string& round) {
    grpc::ClientContext ctx;
    v1::ReplayRoundRequest req;
    req.set_name(round);
    v1::ReplayRoundResponse out;
    grpc::Status s = rounds_->ReplayRound(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  v1::Teacher GetTeacher(const std::string& id) {
    grpc::ClientContext ctx;
    v1::GetTeacherRequest req;
    req.set_name(TeacherName(id));
    v1::Teacher out;
    EXPECT_TRUE(registry_->GetTeacher(&ctx, req, &out).ok());
    return out;
  }

  // A frozen round with t09 applying voluntarily to r1 and the u1 teachers
  // listing r1, r2 in case they are selected.
  v1::Round FrozenRound(uint64_t seed = 42) {
    v1::Round r = Create();
    Submit(r.name(), {{"t09", {"r1"}}}, /*voluntary=*/true);
    std::vector<std::pair<std::string, std::vector<std::string>>> lists;
    for (const char* id : {"t01", "t02", "t03", "t04", "t05", "t06"})
      lists.push_back({id, {"r1", "r2"}});
    Submit(r.name(), lists, /*voluntary=*/false);
    v1::Round frozen;
    grpc::Status s = Freeze(r.name(), seed, &frozen);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return frozen;
  }

  // False while the engine's exchange rotation is not in this build (the
  // rules stream lands it separately): freezing answers UNIMPLEMENTED.
  bool EngineAvailable() {
    v1::Round r = Create("probe");
    v1::Round out;
    return Freeze(r.name(), 1, &out).error_code() !=
           grpc::StatusCode::UNIMPLEMENTED;
  }

  std::filesystem::path dir_;
  std::unique_ptr<RotaServer> server_;
  std::unique_ptr<v1::RegistryService::Stub> registry_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::unique_ptr<v1::PolicyService::Stub> policy_;
  std::unique_ptr<v1::RoundService::Stub> rounds_;
};

TEST_F(RoundServiceTest, PolicyDefaultsVersionsAndFieldErrors) {
  // No policy yet: the defaults, version 0.
  {
    grpc::ClientContext ctx;
    v1::GetPolicyRequest req;
    req.set_name("counties/yongan/policies/2026");
    v1::Policy p;
    ASSERT_TRUE(policy_->GetPolicy(&ctx, req, &p).ok());
    EXPECT_EQ(p.version(), 0);
    EXPECT_EQ(p.exchange_rotation().min_years_at_school(), 6);
    EXPECT_EQ(p.exchange_rotation().rotation_share_percent(), 10);
    EXPECT_EQ(p.exchange_rotation().backbone_share_percent(), 20);
    EXPECT_EQ(p.exchange_rotation().mode(), v1::TERM_EXCHANGE);
    EXPECT_EQ(p.retirement().female_age(), 55);
    EXPECT_EQ(p.tie_chain_size(), 3);
  }
  // Out-of-range fields are named by path; nothing is stored.
  {
    grpc::ClientContext ctx;
    v1::SetPolicyRequest req;
    req.set_parent(kParent);
    req.mutable_policy()->set_school_year(2026);
    req.mutable_policy()
        ->mutable_exchange_rotation()
        ->set_rotation_share_percent(120);
    v1::Policy p;
    grpc::Status s = policy_->SetPolicy(&ctx, req, &p);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(BadField(s), "policy.exchange_rotation.rotation_share_percent");
  }
  {
    grpc::ClientContext ctx;
    v1::SetPolicyRequest req;
    req.set_parent(kParent);
    req.mutable_policy()->set_school_year(2026);
    req.mutable_policy()->mutable_exchange_rotation()->add_mandatory_directions(
        v1::RURAL_TO_URBAN_TRAINING);
    v1::Policy p;
    grpc::Status s = policy_->SetPolicy(&ctx, req, &p);
    EXPECT_EQ(BadField(s), "policy.exchange_rotation.mandatory_directions[0]");
  }
  // Two versions; the latest is the default read; version 1 stays readable.
  for (int share : {20, 30}) {
    grpc::ClientContext ctx;
    v1::SetPolicyRequest req;
    req.set_parent(kParent);
    req.mutable_policy()->set_school_year(2026);
    req.mutable_policy()
        ->mutable_exchange_rotation()
        ->set_rotation_share_percent(share);
    v1::Policy p;
    grpc::Status s = policy_->SetPolicy(&ctx, req, &p);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(p.version(), share / 10 - 1);
    EXPECT_EQ(p.exchange_rotation().min_years_at_school(), 6);  // default
  }
  for (int version : {0, 1, 2, 3}) {
    grpc::ClientContext ctx;
    v1::GetPolicyRequest req;
    req.set_name("counties/yongan/policies/2026");
    req.set_version(version);
    v1::Policy p;
    grpc::Status s = policy_->GetPolicy(&ctx, req, &p);
    if (version == 3) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
      continue;
    }
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(p.exchange_rotation().rotation_share_percent(),
              version == 1 ? 20 : 30);
  }
  // ValidatePolicy stores nothing.
  {
    grpc::ClientContext ctx;
    v1::ValidatePolicyRequest req;
    req.set_parent(kParent);
    req.mutable_policy()->set_school_year(2026);
    req.mutable_policy()->mutable_points()->set_per_rural_year(300);
    v1::Policy p;
    ASSERT_TRUE(policy_->ValidatePolicy(&ctx, req, &p).ok());
    EXPECT_EQ(p.points().per_rural_year(), 300);
    EXPECT_EQ(p.points().per_service_year(), 100);
  }
}

TEST_F(RoundServiceTest, ApplicationsRejectUnknownTeachersAndSchools) {
  v1::Round r = Create();
  EXPECT_EQ(r.name(), "counties/yongan/rounds/2026-exchange-rotation-1");
  EXPECT_EQ(r.state(), v1::DRAFT);
  EXPECT_EQ(Create().name(), "counties/yongan/rounds/2026-exchange-rotation-2");
  v1::SubmitApplicationsResponse resp =
      Submit(r.name(),
             {{"t01", {"r1", SchoolName("r2")}},
              {"nobody", {"r1"}},
              {"t02", {"r9"}},
              {"t03", {"r1", "r1"}}},
             false);
  EXPECT_EQ(resp.rows_received(), 4);
  EXPECT_EQ(resp.rows_applied(), 1);
  EXPECT_EQ(resp.rows_rejected(), 3);
  ASSERT_EQ(resp.errors_size(), 3);
  EXPECT_EQ(resp.errors(0).row(), 2);
  EXPECT_EQ(resp.errors(0).field(), "application.teacher");
  EXPECT_EQ(resp.errors(1).field(), "application.preferences[0]");
  EXPECT_EQ(resp.errors(2).field(), "application.preferences[1]");
  grpc::ClientContext ctx;
  v1::GetRoundRequest req;
  req.set_name(r.name());
  v1::Round got;
  ASSERT_TRUE(rounds_->GetRound(&ctx, req, &got).ok());
  EXPECT_EQ(got.applications(), 1);
}

TEST_F(RoundServiceTest, LifecycleCommitReplayAndAsOf) {
  if (!EngineAvailable()) GTEST_SKIP() << "no exchange rotation engine";
  v1::Round frozen = FrozenRound();
  EXPECT_EQ(frozen.state(), v1::FROZEN);
  EXPECT_EQ(frozen.seed(), 42u);
  EXPECT_FALSE(frozen.seed_drawn());
  EXPECT_GT(frozen.frozen_sequence(), 0);
  EXPECT_EQ(frozen.applications(), 7);
  // Eligible: t01..t06 (>= 6 years at u1), t09 (11 years at u2), t11 (7
  // years at r1); t07 is exempt, t08, t10, t12 are too recent.
  EXPECT_EQ(frozen.eligible_teachers(), 8);
  {
    grpc::ClientContext ctx;
    v1::ListEligibilityRequest req;
    req.set_name(frozen.name());
    req.set_filter("exempt = true");
    v1::ListEligibilityResponse resp;
    ASSERT_TRUE(rounds_->ListEligibility(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.entries_size(), 1);
    EXPECT_EQ(resp.entries(0).teacher(), TeacherName("t07"));
    EXPECT_EQ(resp.entries(0).school(), SchoolName("u1"));
  }
  // A registry change after the freeze does not reach the round.
  AddTeacher("t13", "u1", "2005-09-01");

  v1::RunSummary run;
  std::vector<std::string> phases;
  grpc::Status s = Run(frozen.name(), &run, &phases);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(run.run(), 1);
  EXPECT_EQ(run.result_hash().size(), 64u);
  EXPECT_EQ(run.teachers(), 12);  // t13 came after the freeze
  EXPECT_GE(phases.size(), 2u);
  EXPECT_EQ(phases.back(), "done");

  auto all = Placements(frozen.name());
  ASSERT_EQ(all.size(), 12u);
  EXPECT_EQ(all[TeacherName("t07")].outcome(), v1::EXEMPT);
  // The voluntary applicant gets the rural school she listed.
  EXPECT_EQ(all[TeacherName("t09")].outcome(), v1::MOVED);
  EXPECT_EQ(all[TeacherName("t09")].to_school(), SchoolName("r1"));
  EXPECT_EQ(all[TeacherName("t09")].choice(), 1);
  auto moved = Placements(frozen.name(), "outcome = MOVED");
  // At least 10% of u1's 6 eligible (1) must move, backbone among them.
  int u1_movers = 0;
  bool backbone_moved = false;
  for (const auto& [t, p] : moved) {
    EXPECT_EQ(p.outcome(), v1::MOVED);
    EXPECT_NE(p.to_school(), p.from_school());
    if (p.from_school() == SchoolName("u1")) ++u1_movers;
    if (t == TeacherName("t01")) backbone_moved = true;
    EXPECT_FALSE(p.return_date().empty()) << t;  // term exchange by default
  }
  EXPECT_GE(u1_movers, 1);
  EXPECT_TRUE(backbone_moved);
  auto at_u2 = Placements(frozen.name(), "school = \"u2\"");
  EXPECT_EQ(at_u2.size(), 2u);

  {
    grpc::ClientContext ctx;
    v1::ExplainPlacementRequest req;
    req.set_name(frozen.name());
    req.set_teacher("t09");
    v1::Explanation x;
    ASSERT_TRUE(rounds_->ExplainPlacement(&ctx, req, &x).ok());
    EXPECT_EQ(x.placement().teacher(), TeacherName("t09"));
    EXPECT_GT(x.points_breakdown_size(), 0);
    ASSERT_GE(x.choices_size(), 1);
    EXPECT_EQ(x.choices(0).verdict(), "GOT");
  }
  {
    grpc::ClientContext ctx;
    v1::GetRoundReportRequest req;
    req.set_name(frozen.name());
    v1::RoundReport report;
    ASSERT_TRUE(rounds_->GetRoundReport(&ctx, req, &report).ok());
    EXPECT_EQ(report.result_hash(), run.result_hash());
    EXPECT_GT(report.quotas_size(), 0);
  }

  v1::Round committed;
  // Without the reviewed run's etag, or with another, nothing is committed.
  ASSERT_EQ(run.etag().size(), 32u);
  s = Commit(frozen.name(), &committed, "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("run_etag"), std::string::npos)
      << s.error_message();
  s = Commit(frozen.name(), &committed, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("not the etag of run"), std::string::npos)
      << s.error_message();
  s = Commit(frozen.name(), &committed, run.etag());
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(committed.state(), v1::COMMITTED);
  EXPECT_EQ(committed.committed_result_hash(), run.result_hash());
  // The same request id returns the stored answer, not a wrong-state error.
  v1::Round again;
  ASSERT_TRUE(Commit(frozen.name(), &again).ok());
  EXPECT_EQ(again.etag(), committed.etag());

  // Every mover's record changed in the commit: school, join date, history.
  for (const auto& [name, p] : moved) {
    v1::Teacher t = GetTeacher(name.substr(name.rfind('/') + 1));
    EXPECT_EQ(t.school(), p.to_school()) << name;
    EXPECT_EQ(t.school_join_date(), "2026-09-01");
    EXPECT_TRUE(t.post().empty()) << name;  // posts stay with their school
    ASSERT_GE(t.service_history_size(), 2);
    const auto& old_spell = t.service_history(t.service_history_size() - 2);
    const auto& new_spell = t.service_history(t.service_history_size() - 1);
    EXPECT_EQ(old_spell.school(), p.from_school());
    EXPECT_EQ(old_spell.end_date(), "2026-08-31");
    EXPECT_EQ(new_spell.school(), p.to_school());
    EXPECT_EQ(new_spell.start_date(), "2026-09-01");
    EXPECT_TRUE(new_spell.end_date().empty());
    EXPECT_TRUE(new_spell.term_exchange());
  }
  EXPECT_EQ(GetTeacher("t07").school(), SchoolName("u1"));

  // Replay recomputes from the frozen inputs (t13 is ignored).
  v1::ReplayRoundResponse replay = Replay(frozen.name());
  EXPECT_TRUE(replay.match()) << replay.first_difference();
  EXPECT_EQ(replay.recorded_hash(), run.result_hash());
  EXPECT_EQ(replay.replay_hash(), run.result_hash());

  // As of a date before / after the commit's effective date.
  for (const auto& [date, school] :
       std::vector<std::pair<std::string, std::string>>{
           {"2026-08-31", SchoolName("u2")},
           {"2026-09-01", SchoolName("r1")}}) {
    grpc::ClientContext ctx;
    v1::GetTeacherAsOfRequest req;
    req.set_teacher(TeacherName("t09"));
    req.set_date(date);
    v1::TeacherAsOf out;
    ASSERT_TRUE(audit_->GetTeacherAsOf(&ctx, req, &out).ok());
    EXPECT_EQ(out.school(), school) << date;
  }
  // As of the freeze's event: still at u2.
  {
    grpc::ClientContext ctx;
    v1::GetTeacherAsOfRequest req;
    req.set_teacher(TeacherName("t09"));
    req.set_sequence(frozen.frozen_sequence());
    v1::TeacherAsOf out;
    ASSERT_TRUE(audit_->GetTeacherAsOf(&ctx, req, &out).ok());
    EXPECT_EQ(out.teacher().school(), SchoolName("u2"));
    EXPECT_EQ(out.school(), SchoolName("u2"));
  }
  {
    grpc::ClientContext ctx;
    v1::ListTeacherHistoryRequest req;
    req.set_teacher(TeacherName("t09"));
    v1::TeacherHistory h;
    ASSERT_TRUE(audit_->ListTeacherHistory(&ctx, req, &h).ok());
    ASSERT_EQ(h.entries_size(), 2);
    EXPECT_EQ(h.entries(0).summary(), "created at u2");
    EXPECT_EQ(h.entries(1).summary().rfind(
                  absl::StrCat("moved u2 -> r1 by round ", frozen.name(),
                               " (term exchange until 2029-09-01)"),
                  0),
              0u)
        << h.entries(1).summary();
    EXPECT_EQ(h.service_history_size(), 2);
  }

  // The projections are exactly what the log rebuilds.
  {
    auto store = storage::RocksDbEventStore::Open({.path = dir_.string()});
    (void)store;  // the server holds the lock; checked after a restart below
  }
  StopServer();
  {
    auto store = storage::RocksDbEventStore::Open({.path = dir_.string()});
    ASSERT_TRUE(store.ok()) << store.status();
    auto report =
        storage::CheckProjections(**store, kCounty, RegistryProjector());
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->ok())
        << (report->differences.empty() ? ""
                                        : report->differences[0].ToString());
  }
  // After a restart the replay still matches.
  StartServer();
  v1::ReplayRoundResponse after = Replay(frozen.name());
  EXPECT_TRUE(after.match());
  EXPECT_EQ(after.replay_hash(), run.result_hash());
}

TEST_F(RoundServiceTest, WrongStateCallsAreFailedPrecondition) {
  if (!EngineAvailable()) GTEST_SKIP() << "no exchange rotation engine";
  v1::Round r = Create();
  v1::RunSummary run;
  auto expect_state = [](const grpc::Status& s, const char* what) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << what;
    EXPECT_EQ(PreconditionType(s), "ROUND_STATE") << what;
  };
  expect_state(Run(r.name(), &run), "run in DRAFT");
  v1::Round out;
  expect_state(Commit(r.name(), &out), "commit in DRAFT");
  {
    grpc::ClientContext ctx;
    v1::ListPlacementsRequest req;
    req.set_name(r.name());
    v1::ListPlacementsResponse resp;
    expect_state(rounds_->ListPlacements(&ctx, req, &resp), "results in DRAFT");
  }
  ASSERT_TRUE(Freeze(r.name(), 7, &out).ok());
  expect_state(Freeze(r.name(), 7, &out), "freeze twice");
  grpc::Status submit;
  Submit(r.name(), {{"t01", {"r1"}}}, false, &submit);
  expect_state(submit, "apply after freeze");
  {
    grpc::ClientContext ctx;
    v1::LockPlacementRequest req;
    req.set_name(r.name());
    req.set_teacher("t01");
    req.set_reason("keep");
    v1::Placement p;
    expect_state(rounds_->LockPlacement(&ctx, req, &p), "lock in FROZEN");
  }
  expect_state(Commit(r.name(), &out), "commit in FROZEN");
  ASSERT_TRUE(Run(r.name(), &run).ok());
  ASSERT_TRUE(Commit(r.name(), &out).ok());
  expect_state(Run(r.name(), &run), "run after commit");
  {
    grpc::ClientContext ctx;
    v1::CancelRoundRequest req;
    req.set_name(r.name());
    expect_state(rounds_->CancelRound(&ctx, req, &out), "cancel after commit");
  }
  // Cancel from DRAFT, then nothing more.
  v1::Round r2 = Create();
  {
    grpc::ClientContext ctx;
    v1::CancelRoundRequest req;
    req.set_name(r2.name());
    req.set_reason("opened by mistake");
    ASSERT_TRUE(rounds_->CancelRound(&ctx, req, &out).ok());
    EXPECT_EQ(out.state(), v1::CANCELLED);
  }
  expect_state(Freeze(r2.name(), 1, &out), "freeze after cancel");
}

TEST_F(RoundServiceTest, OverrideBreakingAHardRuleIsRefused) {
  if (!EngineAvailable()) GTEST_SKIP() << "no exchange rotation engine";
  v1::Round r = FrozenRound();
  v1::RunSummary run;
  ASSERT_TRUE(Run(r.name(), &run).ok());
  auto override_to = [&](const std::string& teacher, const std::string& to,
                         v1::Placement* p) {
    return Override(r.name(), teacher, to, p);
  };
  v1::Placement p;
  // The exempt teacher may not be moved.
  grpc::Status s = override_to("t07", "r2", &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(PreconditionType(s), "EXEMPTION") << s.error_message();
  EXPECT_NE(s.error_message().find("exemption"), std::string::npos);
  // u2 has headcount 2 and two staff; t09 rotates out in the run, which
  // would make room. Once an override keeps her there (a new run), nobody
  // leaves u2 and a further arrival is refused.
  s = override_to("t09", "", &p);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(p.to_school(), SchoolName("u2"));
  s = override_to("t02", "u2", &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << s.error_message();
  EXPECT_EQ(PreconditionType(s), "CAPACITY") << s.error_message();
  // A lawful override is a new run whose result includes it.
  s = override_to("t12", "r1", &p);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(p.overridden());
  EXPECT_EQ(p.to_school(), SchoolName("r1"));
  grpc::ClientContext ctx;
  v1::GetRoundRequest req;
  req.set_name(r.name());
  v1::Round got;
  ASSERT_TRUE(rounds_->GetRound(&ctx, req, &got).ok());
  EXPECT_EQ(got.runs_size(), 3);
  EXPECT_EQ(Placements(r.name())[TeacherName("t12")].to_school(),
            SchoolName("r1"));
}

// An auditor's replay recomputes the run and compares it with what is
// recorded: a forged run record (appended to the log through the store, as
// someone with write access to the disk could) is a MISMATCH naming the first
// placement that differs.
TEST_F(RoundServiceTest, ReplayOfAForgedRunNamesTheFirstDifference) {
  if (!EngineAvailable()) GTEST_SKIP() << "no exchange rotation engine";
  v1::Round r = FrozenRound();
  v1::RunSummary run;
  ASSERT_TRUE(Run(r.name(), &run).ok());
  std::map<std::string, v1::Placement> placements = Placements(r.name());
  ASSERT_TRUE(Replay(r.name()).match());
  StopServer();
  {
    auto store = storage::RocksDbEventStore::Open({.path = dir_.string()});
    ASSERT_TRUE(store.ok()) << store.status();
    const std::string round_id = r.name().substr(r.name().rfind('/') + 1);
    auto record_bytes = (*store)->ReadProjection(
        kCounty, absl::StrFormat("rr/%s/%06d", round_id, run.run()));
    ASSERT_TRUE(record_bytes.ok() && record_bytes->has_value());
    v1::RoundRun forged;
    ASSERT_TRUE(forged.ParseFromString(**record_bytes));
    forged.mutable_summary()->set_result_hash(std::string(64, '0'));
    // Move the first teacher who stayed to another school.
    std::string victim;
    for (const auto& [teacher, p] : placements) {
      v1::Placement q = p;
      if (victim.empty() && p.outcome() == v1::STAYED) {
        victim = teacher;
        q.set_to_school(p.from_school() == SchoolName("r2") ? SchoolName("r1")
                                                            : SchoolName("r2"));
        q.set_outcome(v1::MOVED);
      }
      *forged.add_placements() = q;
    }
    ASSERT_FALSE(victim.empty());
    storage::Event e;
    e.sequence = *(*store)->HeadSequence(kCounty) + 1;
    e.type = "rota.v1.RoundRun";
    e.payload = forged.SerializeAsString();
    auto snapshot = (*store)->GetSnapshot(kCounty);
    ASSERT_TRUE(snapshot.ok());
    auto writes = ProjectEvent(e, **snapshot);
    ASSERT_TRUE(writes.ok()) << writes.status();
    snapshot->reset();
    ASSERT_TRUE(
        (*store)
            ->Append(kCounty, e.sequence - 1,
                     {storage::EventDraft{"intruder", "", e.type, e.payload}},
                     std::move(*writes))
            .ok());
    StartServerOn(std::move(*store));
    v1::ReplayRoundResponse replay = Replay(r.name());
    EXPECT_FALSE(replay.match());
    EXPECT_EQ(replay.recorded_hash(), std::string(64, '0'));
    EXPECT_EQ(replay.replay_hash(), run.result_hash());
    EXPECT_NE(replay.first_difference().find(victim), std::string::npos)
        << replay.first_difference();
  }
}

// An override takes a seat that a colleague's departure frees; overriding
// that colleague to stay is then refused, naming the teacher whose seat no
// longer exists (capacity is judged at the end of the run).
TEST_F(RoundServiceTest, OverrideThatUndoesARoomMakingDepartureIsRefused) {
  if (!EngineAvailable()) GTEST_SKIP() << "no exchange rotation engine";
  v1::Round r = FrozenRound();
  v1::RunSummary run;
  ASSERT_TRUE(Run(r.name(), &run).ok());
  // u2 has headcount 2 and two staff; t09 rotates out in the run.
  ASSERT_NE(Placements(r.name())[TeacherName("t09")].to_school(),
            SchoolName("u2"));
  auto override_to = [&](const std::string& teacher, const std::string& to) {
    v1::Placement p;
    return Override(r.name(), teacher, to, &p);
  };
  grpc::Status s = override_to("t02", "u2");
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = override_to("t09", "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << s.error_message();
  EXPECT_EQ(PreconditionType(s), "CAPACITY") << s.error_message();
  EXPECT_EQ(PreconditionSubject(s), TeacherName("t02")) << s.error_message();
  EXPECT_NE(s.error_message().find("u2"), std::string::npos)
      << s.error_message();
  // Nothing changed: t02 still overridden into u2, t09 still leaving.
  std::map<std::string, v1::Placement> now = Placements(r.name());
  EXPECT_EQ(now[TeacherName("t02")].to_school(), SchoolName("u2"));
  EXPECT_NE(now[TeacherName("t09")].to_school(), SchoolName("u2"));
}

TEST_F(RoundServiceTest, LocksAreKeptOnReRun) {
  if (!EngineAvailable()) GTEST_SKIP() << "no exchange rotation engine";
  v1::Round r = FrozenRound();
  v1::RunSummary first;
  ASSERT_TRUE(Run(r.name(), &first).ok());
  auto before = Placements(r.name());
  // Lock every placement of run 1, then re-run with the other mechanism.
  for (const auto& [teacher, p] : before) {
    grpc::ClientContext ctx;
    v1::LockPlacementRequest req;
    req.set_name(r.name());
    req.set_teacher(teacher);
    req.set_reason("agreed with the school");
    v1::Placement locked;
    grpc::Status s = rounds_->LockPlacement(&ctx, req, &locked);
    ASSERT_TRUE(s.ok()) << teacher << ": " << s.error_message();
    EXPECT_TRUE(locked.locked());
  }
  v1::RunSummary second;
  ASSERT_TRUE(Run(r.name(), &second, nullptr, "da-star").ok());
  EXPECT_EQ(second.run(), 2);
  EXPECT_EQ(second.parameters().voluntary_mechanism(), "da-star");
  auto after = Placements(r.name());
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [teacher, p] : before) {
    EXPECT_EQ(after[teacher].to_school(), p.to_school()) << teacher;
    EXPECT_TRUE(after[teacher].locked()) << teacher;
  }
  // Run 1 stays readable, as it was.
  auto run1 = Placements(r.name(), "", 1);
  EXPECT_EQ(run1.size(), before.size());
  // Both runs replay.
  grpc::ClientContext ctx;
  v1::ReplayRoundRequest req;
  req.set_name(r.name());
  req.set_run(1);
  v1::ReplayRoundResponse out;
  ASSERT_TRUE(rounds_->ReplayRound(&ctx, req, &out).ok());
  EXPECT_TRUE(out.match());
  EXPECT_TRUE(Replay(r.name()).match());
}

// Two rounds with the same effective date move one teacher twice: the second
// move supersedes the first one's spell instead of closing it before it
// starts, so the history stays valid and a later round can use it.
TEST_F(RoundServiceTest, SecondMoveForTheSameDateReplacesTheSpell) {
  if (!EngineAvailable()) GTEST_SKIP() << "no exchange rotation engine";
  v1::Round first = FrozenRound();
  v1::RunSummary run;
  ASSERT_TRUE(Run(first.name(), &run).ok());
  v1::Round committed;
  ASSERT_TRUE(Commit(first.name(), &committed).ok());
  ASSERT_EQ(GetTeacher("t09").school(), SchoolName("r1"));

  v1::Round second = Create("second");
  v1::Round frozen;
  ASSERT_TRUE(Freeze(second.name(), 7, &frozen).ok());
  ASSERT_TRUE(Run(second.name(), &run).ok());
  {
    grpc::ClientContext ctx;
    v1::OverridePlacementRequest req;
    req.set_name(second.name());
    req.set_teacher("t09");
    req.set_to("r2");
    req.set_reason("administrator's decision");
    v1::Placement p;
    grpc::Status s = rounds_->OverridePlacement(&ctx, req, &p);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  ASSERT_TRUE(Commit(second.name(), &committed).ok());

  v1::Teacher t = GetTeacher("t09");
  EXPECT_EQ(t.school(), SchoolName("r2"));
  ASSERT_GE(t.service_history_size(), 2);
  for (const auto& spell : t.service_history()) {
    EXPECT_TRUE(spell.end_date().empty() ||
                spell.end_date() >= spell.start_date())
        << spell.ShortDebugString();
  }
  const auto& old_spell = t.service_history(t.service_history_size() - 2);
  const auto& new_spell = t.service_history(t.service_history_size() - 1);
  EXPECT_EQ(old_spell.school(), SchoolName("u2"));
  EXPECT_EQ(old_spell.end_date(), "2026-08-31");
  EXPECT_EQ(new_spell.school(), SchoolName("r2"));
  EXPECT_EQ(new_spell.start_date(), "2026-09-01");

  // A third round freezes and runs on that history.
  v1::Round third = Create("third");
  ASSERT_TRUE(Freeze(third.name(), 9, &frozen).ok());
  grpc::Status s = Run(third.name(), &run);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

}  // namespace
}  // namespace rota::service
