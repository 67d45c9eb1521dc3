// Recruitment resources end to end: rota-gen writes applicants.csv and
// recruitment_posts.csv, the real rotactl imports them into the real rotad,
// and bad input is INVALID_ARGUMENT naming the field with nothing changed.
#include <unistd.h>

#include <filesystem>
#include <memory>
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

class RecruitmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/recruitment_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
  }
  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    std::filesystem::remove_all(dir_);
  }

  CliResult Run(const std::string& binary,
                const std::vector<std::string>& args) {
    return RunCli(binary, args, dir_, {"ROTA_SERVER=" + rotad_->address()});
  }

  // A generated county with applicants, imported table by table.
  void ImportCounty(int applicants) {
    CliResult r = Run(ROTA_GEN_PATH,
                      {"--seed", "3", "--schools", "20", "--teachers", "500",
                       "--applicants", std::to_string(applicants), "--as-of",
                       "2025-09-01", "--out", dir_ + "/gen", "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = Run(ROTA_ROTACTL_PATH,
            {"county", "create", "yongan", "--name", "永安"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* table :
         {"schools", "posts", "teachers", "recruitment-posts", "applicants"}) {
      std::string file = table;
      if (file == "recruitment-posts") file = "recruitment_posts";
      r = Run(ROTA_ROTACTL_PATH,
              {"--county", "yongan", "import", table,
               absl::StrCat(dir_, "/gen/", file, ".csv"), "--no-progress"});
      ASSERT_EQ(r.exit_code, 0) << table << ": " << r.out << r.err;
      ASSERT_NE(r.out.find(" 0 rejected"), std::string::npos) << r.out;
    }
  }

  int64_t CountApplicants() {
    int64_t n = 0;
    rota::v1::ListApplicantsRequest req;
    req.set_parent("counties/yongan");
    req.set_page_size(1000);
    while (true) {
      rota::v1::ListApplicantsResponse resp;
      auto ctx = NewContext();
      EXPECT_OK(rotad_->registry().ListApplicants(ctx.get(), req, &resp));
      n += resp.applicants_size();
      if (resp.next_page_token().empty()) return n;
      req.set_page_token(resp.next_page_token());
    }
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
};

TEST_F(RecruitmentTest, ImportsGeneratedApplicantsAndPosts) {
  ImportCounty(150);
  EXPECT_EQ(CountApplicants(), 150);
  rota::v1::ListRecruitmentPostsRequest req;
  req.set_parent("counties/yongan");
  req.set_page_size(1000);
  rota::v1::ListRecruitmentPostsResponse posts;
  auto ctx = NewContext();
  ASSERT_OK(rotad_->registry().ListRecruitmentPosts(ctx.get(), req, &posts));
  ASSERT_GT(posts.recruitment_posts_size(), 0);
  // Filters: women only.
  rota::v1::ListApplicantsRequest lreq;
  lreq.set_parent("counties/yongan");
  lreq.set_page_size(1000);
  lreq.set_filter("gender = FEMALE");
  rota::v1::ListApplicantsResponse women;
  ctx = NewContext();
  ASSERT_OK(rotad_->registry().ListApplicants(ctx.get(), lreq, &women));
  ASSERT_GT(women.applicants_size(), 0);
  for (const auto& a : women.applicants())
    EXPECT_EQ(a.gender(), rota::v1::FEMALE);

  // A post an applicant lists cannot be deleted.
  const std::string listed = women.applicants(0).preferences(0);
  rota::v1::DeleteRecruitmentPostRequest del;
  del.set_name(listed);
  rota::v1::DeleteResponse deleted;
  ctx = NewContext();
  grpc::Status s =
      rotad_->registry().DeleteRecruitmentPost(ctx.get(), del, &deleted);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
}

TEST_F(RecruitmentTest, BadApplicantIsRejectedNamingFieldsAndChangesNothing) {
  ImportCounty(20);
  rota::v1::ListRecruitmentPostsRequest lreq;
  lreq.set_parent("counties/yongan");
  rota::v1::ListRecruitmentPostsResponse posts;
  auto ctx = NewContext();
  ASSERT_OK(rotad_->registry().ListRecruitmentPosts(ctx.get(), lreq, &posts));
  ASSERT_GT(posts.recruitment_posts_size(), 0);

  rota::v1::CreateApplicantRequest req;
  req.set_parent("counties/yongan");
  req.set_applicant_id("bad1");
  auto* a = req.mutable_applicant();
  a->set_display_name("李静");
  a->set_gender(rota::v1::FEMALE);
  a->set_birth_date("2000-01-01");
  a->add_subjects("chinese");
  a->set_channel(rota::v1::CHANNEL_OPEN);
  a->set_written_score(12000);  // over 100.00 points
  a->add_preferences(posts.recruitment_posts(0).name());
  a->add_preferences(posts.recruitment_posts(0).name());  // twice
  a->add_preferences("counties/yongan/recruitment-posts/nope");
  rota::v1::Applicant out;
  ctx = NewContext();
  grpc::Status s = rotad_->registry().CreateApplicant(ctx.get(), req, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  const std::vector<std::string> fields = ViolationFields(s);
  auto has = [&](const std::string& f) {
    return std::find(fields.begin(), fields.end(), f) != fields.end();
  };
  EXPECT_TRUE(has("applicant.written_score")) << Describe(s);
  EXPECT_TRUE(has("applicant.preferences[1]")) << Describe(s);
  EXPECT_TRUE(has("applicant.preferences[2]")) << Describe(s);
  EXPECT_EQ(CountApplicants(), 20);

  // A bundled school that is not rural.
  rota::v1::CreateRecruitmentPostRequest preq;
  preq.set_parent("counties/yongan");
  preq.set_recruitment_post_id("bad-post");
  *preq.mutable_recruitment_post() = posts.recruitment_posts(0);
  preq.mutable_recruitment_post()->clear_name();
  preq.mutable_recruitment_post()->set_bundled_rural_school(
      posts.recruitment_posts(0).school());
  preq.mutable_recruitment_post()->set_seats(0);
  rota::v1::RecruitmentPost pout;
  ctx = NewContext();
  s = rotad_->registry().CreateRecruitmentPost(ctx.get(), preq, &pout);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  const std::vector<std::string> pfields = ViolationFields(s);
  EXPECT_NE(std::find(pfields.begin(), pfields.end(),
                      "recruitment_post.bundled_rural_school"),
            pfields.end())
      << Describe(s);
  EXPECT_NE(std::find(pfields.begin(), pfields.end(), "recruitment_post.seats"),
            pfields.end())
      << Describe(s);
  rota::v1::GetRecruitmentPostRequest get;
  get.set_name("counties/yongan/recruitment-posts/bad-post");
  ctx = NewContext();
  s = rotad_->registry().GetRecruitmentPost(ctx.get(), get, &pout);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
}

}  // namespace
}  // namespace rota::testing
