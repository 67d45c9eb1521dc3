// End-to-end tests of itinerant teaching (走教) through the real rotactl and
// the real rotad: `rotactl import teachers|periods|roads` with the new
// columns and files, read back through RegistryService, and bad input
// (INVALID_ARGUMENT or a rejected row naming the field; nothing changed);
// a round from create to commit, replay and as-of.
//
// The county has three zones (学区):
//   z1: s-town1 (town, primary+junior), s-v1, s-v2 (rural primary)
//   z2: s-town2 (town), s-v3 (rural)
//   z3: s-point (teaching point)
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rota/v1/registry.grpc.pb.h"
#include "tests/cli_runner.h"
#include "tests/rotad_fixture.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

namespace v1 = ::rota::v1;

#define EXPECT_CONTAINS(haystack, needle)               \
  EXPECT_NE((haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"         \
      << (haystack)

class ItinerantE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/itinerant_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
    registry_ = v1::RegistryService::NewStub(rotad_->channel());
    LoadCounty();
  }
  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    std::filesystem::remove_all(dir_);
  }

  CliResult Rotactl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--county", "zj"});
    return RunCli(ROTA_ROTACTL_PATH, args, dir_,
                  {"ROTA_SERVER=" + rotad_->address()});
  }

  CliResult Import(const std::string& table, const std::string& text) {
    const std::string path = absl::StrCat(dir_, "/", table, ".csv");
    WriteFile(path, text);
    return Rotactl({"import", table, path, "--no-progress"});
  }

  void LoadCounty() {
    const CliResult created = RunCli(
        ROTA_ROTACTL_PATH, {"county", "create", "zj", "--name", "走教县"}, dir_,
        {"ROTA_SERVER=" + rotad_->address()});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    CliResult r = Import(
        "schools",
        "id,display_name,stages,locality,zone,latitude,longitude,headcount\n"
        "s-town1,一镇中心学校,primary;junior,town,z1,26.000,117.000,40\n"
        "s-v1,一村小学,primary,rural,z1,26.030,117.020,8\n"
        "s-v2,二村小学,primary,rural,z1,25.980,117.040,8\n"
        "s-town2,二镇中心小学,primary,town,z2,26.200,117.300,30\n"
        "s-v3,三村小学,primary,rural,z2,26.230,117.330,8\n"
        "s-point,山头教学点,primary,teaching_point,z3,26.500,117.600,2\n");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    r = Import("teachers",
               "id,display_name,gender,birth_date,career_start_date,school,"
               "school_join_date,subjects,certificate_stages,title,role,"
               "employment,weekly_load,free_half_days,itinerant_volunteer\n"
               "t-music1,李音,female,1988-03-01,2010-09-01,s-town1,2015-09-01,"
               "music,primary;junior,intermediate,teacher,established,10,"
               "tue-am;tue-pm;thu-am;thu-pm,true\n"
               "t-pe1,王体,male,1985-05-01,2008-09-01,s-town1,2012-09-01,pe,"
               "primary;junior,intermediate,teacher,established,12,"
               "mon-pm;wed-pm,false\n"
               "t-art2,赵美,female,1990-01-01,2013-09-01,s-town2,2016-09-01,"
               "art,primary,junior,teacher,established,8,all,yes\n"
               "t-v1,陈村,male,1975-01-01,1996-09-01,s-v1,2000-09-01,chinese,"
               "primary,senior,teacher,established,16,,\n");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    r = Import("periods",
               "school,subject,stage,periods\n"
               "s-v1,music,primary,4\n"
               "s-v2,music,primary,4\n"
               "s-v1,pe,primary,6\n"
               "s-v3,art,primary,4\n"
               "s-point,music,primary,2\n");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_CONTAINS(r.out, "5 applied");
    r = Import("roads",
               "school_a,school_b,metres,minutes\n"
               "s-town1,s-v1,5200,12\n"
               "s-v2,s-town1,7400,18\n"
               "s-town2,s-v3,6100,15\n");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  std::vector<v1::PeriodRequirement> Requirements(const std::string& filter) {
    v1::ListPeriodRequirementsRequest req;
    req.set_parent("counties/zj");
    req.set_filter(filter);
    v1::ListPeriodRequirementsResponse resp;
    auto ctx = NewContext();
    grpc::Status s = registry_->ListPeriodRequirements(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return {resp.period_requirements().begin(),
            resp.period_requirements().end()};
  }

  std::vector<v1::RoadDistance> Roads() {
    v1::ListRoadDistancesRequest req;
    req.set_parent("counties/zj");
    v1::ListRoadDistancesResponse resp;
    auto ctx = NewContext();
    grpc::Status s = registry_->ListRoadDistances(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return {resp.road_distances().begin(), resp.road_distances().end()};
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
  std::unique_ptr<v1::RegistryService::Stub> registry_;
};

TEST_F(ItinerantE2eTest, ImportsRequirementsRoadsAndTeacherFields) {
  const auto all = Requirements("");
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].name(),
            "counties/zj/periodRequirements/s-point-music-primary");
  const auto v1_reqs = Requirements("school = \"s-v1\"");
  ASSERT_EQ(v1_reqs.size(), 2u);
  const auto music = Requirements("subject = \"music\" AND stage = PRIMARY");
  EXPECT_EQ(music.size(), 3u);

  const auto roads = Roads();
  ASSERT_EQ(roads.size(), 3u);
  // The derived id orders the two schools, whatever the row's order.
  EXPECT_EQ(roads[1].name(), "counties/zj/roadDistances/s-town1-s-v2");
  EXPECT_EQ(roads[1].metres(), 7400);
  EXPECT_EQ(roads[1].minutes(), 18);

  v1::GetTeacherRequest get;
  get.set_name("counties/zj/teachers/t-music1");
  v1::Teacher t;
  auto ctx = NewContext();
  ASSERT_TRUE(registry_->GetTeacher(ctx.get(), get, &t).ok());
  EXPECT_EQ(t.weekly_load(), 10);
  EXPECT_EQ(t.free_half_days_size(), 4);
  EXPECT_TRUE(t.itinerant_volunteer());
  get.set_name("counties/zj/teachers/t-art2");
  ctx = NewContext();
  ASSERT_TRUE(registry_->GetTeacher(ctx.get(), get, &t).ok());
  EXPECT_EQ(t.free_half_days_size(), 10);

  // Re-importing a row with the same school x subject x stage replaces it.
  const CliResult r = Import("periods",
                             "school,subject,stage,periods\n"
                             "s-v1,music,primary,6\n");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto after = Requirements("school = \"s-v1\" AND subject = \"music\"");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].periods(), 6);

  // A school named by a requirement or a road cannot be deleted.
  v1::DeleteSchoolRequest del;
  del.set_name("counties/zj/schools/s-v3");
  v1::DeleteResponse resp;
  ctx = NewContext();
  grpc::Status s = registry_->DeleteSchool(ctx.get(), del, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
}

TEST_F(ItinerantE2eTest, BadInputNamesTheFieldAndChangesNothing) {
  // Rows: unknown school, stage out of the enum, too many periods, the same
  // school twice, a half-day that is not one.
  CliResult r = Import("periods",
                       "school,subject,stage,periods\n"
                       "s-nowhere,music,primary,4\n"
                       "s-v2,art,primary,61\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_CONTAINS(r.out, "period_requirement.school");
  EXPECT_CONTAINS(r.out, "period_requirement.periods");
  r = Import("roads",
             "school_a,school_b,metres,minutes\n"
             "s-v1,s-v1,100,1\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_CONTAINS(r.out, "road_distance.school_b");
  r = Import("teachers",
             "id,display_name,gender,birth_date,career_start_date,school,"
             "school_join_date,subjects,certificate_stages,title,role,"
             "employment,weekly_load,free_half_days\n"
             "t-x,某某,male,1985-05-01,2008-09-01,s-town1,2012-09-01,pe,"
             "primary,junior,teacher,established,70,sat-am\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_CONTAINS(r.out, "teacher.weekly_load");
  EXPECT_CONTAINS(r.out, "teacher.free_half_days[0]");
  EXPECT_EQ(Requirements("").size(), 5u);
  EXPECT_EQ(Roads().size(), 3u);

  // The RPC: INVALID_ARGUMENT naming the field.
  v1::CreatePeriodRequirementRequest create;
  create.set_parent("counties/zj");
  create.set_period_requirement_id("bad");
  create.mutable_period_requirement()->set_school("counties/zj/schools/s-v1");
  create.mutable_period_requirement()->set_subject("music");
  create.mutable_period_requirement()->set_periods(4);
  v1::PeriodRequirement out;
  auto ctx = NewContext();
  grpc::Status s = registry_->CreatePeriodRequirement(ctx.get(), create, &out);
  EXPECT_TRUE(HasError(s, grpc::StatusCode::INVALID_ARGUMENT,
                       "period_requirement.stage"));
  v1::CreateRoadDistanceRequest road;
  road.set_parent("counties/zj");
  road.set_road_distance_id("r1");
  road.mutable_road_distance()->set_school_a("counties/zj/schools/s-v1");
  road.mutable_road_distance()->set_school_b("counties/zj/schools/s-v2");
  road.mutable_road_distance()->set_minutes(-3);
  v1::RoadDistance road_out;
  ctx = NewContext();
  s = registry_->CreateRoadDistance(ctx.get(), road, &road_out);
  EXPECT_TRUE(
      HasError(s, grpc::StatusCode::INVALID_ARGUMENT, "road_distance.minutes"));
  EXPECT_EQ(Requirements("").size(), 5u);
  EXPECT_EQ(Roads().size(), 3u);
}

// A round: t-music1 (s-town1, free Tue/Thu) covers the music of the two
// villages of z1, t-pe1 the PE of s-v1, t-art2 (z2) the art of s-v3; the
// teaching point's music (z3) has nobody in its zone. Then a lock, an
// override that keeps t-pe1 at home (his PE at s-v1 goes uncovered, the
// reason names the override; a lock keeps t-art2 at the one school she
// visits, and another keeps both of t-music1's villages), commit (her 走教 year
// recorded on her record), replay MATCH and her record as of a date.
TEST_F(ItinerantE2eTest, RoundPlanCoverageLockOverrideCommitReplayAsOf) {
  const std::string round = "2026-itinerant-teaching-1";
  CliResult r = Rotactl({"round", "create", "--kind", "itinerant-teaching",
                         "--year", "2026", "--effective", "2026-09-01"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_EQ(r.out, round + "\n");
  r = Rotactl({"round", "freeze", round, "--seed", "7"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Rotactl({"round", "run", round});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  r = Rotactl({"round", "plan", round, "t-music1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "Weekly plan of 李音 (t-music1)");
  EXPECT_CONTAINS(r.out, "一镇中心学校 (s-town1)");
  EXPECT_CONTAINS(r.out, "一村小学 (s-v1)");
  EXPECT_CONTAINS(r.out, "二村小学 (s-v2)");
  EXPECT_CONTAINS(r.out, "Tue 周二");
  EXPECT_CONTAINS(r.out, "10 own load + 8 at other schools");
  EXPECT_CONTAINS(r.out, "extra at her own school");
  r = Rotactl({"-o", "csv", "round", "plan", round, "t-music1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "teacher,half_day,school,school_name,periods\n");
  EXPECT_CONTAINS(r.out, "t-music1,tue-");
  r = Rotactl({"-o", "json", "round", "plan", round, "t-pe1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "\"half_day\":\"mon-pm\"");

  r = Rotactl({"round", "explain", round, "t-pe1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "王体 (t-pe1) teaches 6 periods at 一村小学 (s-v1)");
  EXPECT_CONTAINS(r.out, "Why him: he teaches 12 periods at");
  EXPECT_EQ(r.out.find("ITINERANT"), std::string::npos) << r.out;

  r = Rotactl({"round", "coverage", round});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "山头教学点 (s-point)");
  EXPECT_CONTAINS(r.out, "no teacher of its zone teaches music");
  EXPECT_CONTAINS(r.out, "t-art2");
  EXPECT_EQ(r.out.find("NO_QUALIFIED_TEACHER"), std::string::npos) << r.out;
  r = Rotactl({"-o", "csv", "round", "coverage", round});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out,
                  "s-point,山头教学点,music,primary,2,0,0,2,"
                  "NO_QUALIFIED_TEACHER,");
  EXPECT_CONTAINS(r.out, "s-v1,一村小学,music,primary,4,0,4,0,,t-music1");
  EXPECT_CONTAINS(r.out, "s-v1,一村小学,pe,primary,6,0,6,0,,t-pe1");
  r = Rotactl({"-o", "json", "round", "coverage", round});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "\"uncovered\":2");

  r = Rotactl({"round", "lock", round, "t-art2", "--reason", "agreed"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // A lock on a teacher who visits two schools keeps both visits.
  r = Rotactl({"round", "lock", round, "t-music1", "--reason", "两村都已排课"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Rotactl(
      {"round", "override", round, "t-pe1", "--reason", "caring for a parent"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Rotactl({"-o", "csv", "round", "coverage", round});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "s-v1,一村小学,pe,primary,6,0,0,6,EXCLUDED,");
  EXPECT_CONTAINS(r.out, "s-v1,一村小学,music,primary,4,0,4,0,,t-music1");
  EXPECT_CONTAINS(r.out, "s-v3,三村小学,art,primary,4,0,4,0,,t-art2");
  r = Rotactl({"round", "plan", round, "t-music1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "一村小学 (s-v1)");
  EXPECT_CONTAINS(r.out, "二村小学 (s-v2)");
  EXPECT_CONTAINS(r.out, "10 own load + 8 at other schools");

  r = Rotactl({"round", "commit", round, "--latest-run", "--yes"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // 走教 keeps her school and is recorded as her service.
  v1::GetTeacherRequest get;
  get.set_name("counties/zj/teachers/t-music1");
  v1::Teacher t;
  auto ctx = NewContext();
  ASSERT_TRUE(registry_->GetTeacher(ctx.get(), get, &t).ok());
  EXPECT_EQ(t.school(), "counties/zj/schools/s-town1");
  ASSERT_EQ(t.itinerant_service_size(), 1);
  EXPECT_EQ(t.itinerant_service(0).school_year(), 2026);
  EXPECT_EQ(t.itinerant_service(0).start_date(), "2026-09-01");
  EXPECT_EQ(t.itinerant_service(0).weekly_periods(), 8);
  EXPECT_EQ(t.itinerant_service(0).round(), "counties/zj/rounds/" + round);
  ASSERT_EQ(t.itinerant_service(0).schools_size(), 2);
  EXPECT_EQ(t.itinerant_service(0).schools(0), "counties/zj/schools/s-v1");
  get.set_name("counties/zj/teachers/t-pe1");
  auto ctx2 = NewContext();
  ASSERT_TRUE(registry_->GetTeacher(ctx2.get(), get, &t).ok());
  EXPECT_EQ(t.itinerant_service_size(), 0);  // overridden: stays home

  r = Rotactl({"audit", "replay", round});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "replay MATCH");
  r = Rotactl({"audit", "as-of", "2026-10-01", "t-music1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "(s-town1) (event ");
  EXPECT_CONTAINS(r.out,
                  "itinerant teaching (走教), school year 2026 from "
                  "2026-09-01: 8 periods a week at s-v1, s-v2");
  r = Rotactl({"audit", "as-of", "2026-08-01", "t-music1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("走教"), std::string::npos) << r.out;
}

TEST_F(ItinerantE2eTest, PolicyFieldsAreValidatedAndShownWithDefaults) {
  const std::string file = dir_ + "/policy.textproto";
  WriteFile(file,
            "school_year: 2026\n"
            "itinerant_teaching {\n"
            "  max_weekly_periods: 99\n"
            "  visit_days: [TUESDAY, TUESDAY]\n"
            "  subsidy_tiers { up_to_metres: 9000 yuan_per_month: 100 }\n"
            "  subsidy_tiers { up_to_metres: 5000 yuan_per_month: 200 }\n"
            "}\n");
  CliResult r = Rotactl({"policy", "set", file});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "policy.itinerant_teaching.max_weekly_periods");
  EXPECT_CONTAINS(r.err, "policy.itinerant_teaching.visit_days[1]");
  EXPECT_CONTAINS(r.err,
                  "policy.itinerant_teaching.subsidy_tiers[1].up_to_metres");
  WriteFile(file,
            "school_year: 2026\n"
            "itinerant_teaching { max_trip_minutes: 30 visit_days: [TUESDAY, "
            "THURSDAY] }\n");
  r = Rotactl({"policy", "set", file});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Rotactl({"policy", "show", "--year", "2026"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "max_trip_minutes: 30");
  EXPECT_CONTAINS(r.out, "max_weekly_periods: 18");  // the default, filled in
  EXPECT_CONTAINS(r.out, "THURSDAY");
  EXPECT_CONTAINS(r.out, "shortage_subjects: \"music\"");
}

}  // namespace
}  // namespace rota::testing
