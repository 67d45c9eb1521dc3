// RotadTest: a GoogleTest fixture that starts a fresh rotad (temporary data
// directory, port 0) for each test and creates one county, plus a snapshot of
// a county's observable state used to prove that rejected requests changed
// nothing.
//
//   class MyTest : public rota::testing::RotadTest {};
//   TEST_F(MyTest, Foo) {
//     CountyState before = State(kCounty);
//     ... a request that must fail ...
//     ExpectUnchanged(before, State(kCounty));
//   }
//
// Thread-compatible (one test thread drives it; stubs are thread-safe).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/registry_test_data.h"
#include "tests/rotad_fixture.h"
#include "tests/status_matchers.h"

namespace rota::testing {

// What a client can observe of a county: its event log head and every
// resource with its etag.
struct CountyState {
  int64_t events = 0;
  std::string head_hash;
  std::vector<std::string> schools;   // "name@etag"
  std::vector<std::string> posts;     // "name@etag"
  std::vector<std::string> teachers;  // "name@etag"
};

class RotadTest : public ::testing::Test {
 protected:
  static constexpr char kCounty[] = "yongan";

  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
    ASSERT_OK(CreateCounty(reg(), kCounty));
  }

  rota::v1::RegistryService::Stub& reg() { return rotad_->registry(); }
  rota::v1::AuditService::Stub& audit() { return rotad_->audit(); }

  int64_t Events(const std::string& county = kCounty) {
    absl::StatusOr<rota::v1::VerifyChainResponse> chain =
        VerifyChain(audit(), county);
    EXPECT_OK(chain);
    if (!chain.ok()) return -1;
    EXPECT_TRUE(chain->ok())
        << "chain of " << county << " broken at "
        << chain->first_broken_sequence() << ": " << chain->problem();
    return chain->events();
  }

  CountyState State(const std::string& county = kCounty) {
    CountyState state;
    absl::StatusOr<rota::v1::VerifyChainResponse> chain =
        VerifyChain(audit(), county);
    EXPECT_OK(chain);
    if (chain.ok()) {
      EXPECT_TRUE(chain->ok()) << chain->problem();
      state.events = chain->events();
      state.head_hash = chain->head_hash();
    }
    auto schools = ListAllSchools(reg(), county);
    EXPECT_OK(schools);
    if (schools.ok()) {
      for (const auto& s : *schools)
        state.schools.push_back(absl::StrCat(s.name(), "@", s.etag()));
    }
    auto posts = ListAllPosts(reg(), county);
    EXPECT_OK(posts);
    if (posts.ok()) {
      for (const auto& p : *posts)
        state.posts.push_back(absl::StrCat(p.name(), "@", p.etag()));
    }
    auto teachers = ListAllTeachers(reg(), county);
    EXPECT_OK(teachers);
    if (teachers.ok()) {
      for (const auto& t : *teachers)
        state.teachers.push_back(absl::StrCat(t.name(), "@", t.etag()));
    }
    return state;
  }

  static void ExpectUnchanged(const CountyState& before,
                              const CountyState& after,
                              const std::string& what = "") {
    EXPECT_EQ(before.events, after.events) << what << ": the event log grew";
    EXPECT_EQ(before.head_hash, after.head_hash)
        << what << ": the chain head moved";
    EXPECT_EQ(before.schools, after.schools) << what << ": schools changed";
    EXPECT_EQ(before.posts, after.posts) << what << ": posts changed";
    EXPECT_EQ(before.teachers, after.teachers) << what << ": teachers changed";
  }

  std::unique_ptr<RotadProcess> rotad_;
};

}  // namespace rota::testing
