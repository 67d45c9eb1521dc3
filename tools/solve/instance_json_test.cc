#include "tools/solve/instance_json.h"

#include <string>

#include "engine/solve.h"
#include "gtest/gtest.h"

namespace rota::tools {
namespace {

void ExpectError(const std::string& json, const std::string& fragment) {
  absl::StatusOr<engine::Model> m = ParseInstance(json);
  ASSERT_FALSE(m.ok()) << json;
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(m.status().message()).find(fragment), std::string::npos)
      << m.status() << "\nwanted: " << fragment;
}

TEST(InstanceJsonTest, ParsesEveryField) {
  absl::StatusOr<engine::Model> m = ParseInstance(R"({
    "format": "rota.instance.v1", "lottery_seed": "18446744073709551615",
    "posts": [{"id": "P", "school": "S", "capacity": 3, "subject": "math", "stage": "junior",
               "priority": ["A"], "reserves": [{"group": "backbone", "seats": 1}],
               "reserve_precedence": "open-first"},
              {"id": "Q", "capacity": 2, "bounds": [{"group": "gender:female", "floor": 1,
               "ceiling": 2, "hard_ceiling": true}]}],
    "teachers": [{"id": "A", "gender": "female", "backbone": "province",
                  "subjects": ["math"], "stages": ["junior"], "exempt": false,
                  "groups": ["rural"], "points": -5, "tie_breakers": [3, 4],
                  "current_post": "P", "preferences": ["Q"], "points_at_choice": [7]}]})");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->lottery_seed, 18446744073709551615ULL);
  ASSERT_EQ(m->posts.size(), 2u);
  EXPECT_EQ(m->posts[0].reserve_precedence,
            engine::ReservePrecedence::kOpenFirst);
  EXPECT_EQ(m->posts[0].reserves[0].group, "backbone");
  EXPECT_TRUE(m->posts[1].bounds[0].hard_ceiling);
  const engine::Teacher& t = m->teachers[0];
  EXPECT_EQ(t.gender, engine::Gender::kFemale);
  EXPECT_EQ(t.backbone, engine::BackboneLevel::kProvince);
  EXPECT_EQ(t.points, -5);
  EXPECT_EQ(t.tie_breakers, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(t.points_at_choice, (std::vector<int64_t>{7}));
  EXPECT_TRUE(engine::Compile(*m).ok());
}

TEST(InstanceJsonTest, ErrorsNameThePath) {
  ExpectError("{", "instance JSON:");
  ExpectError(R"({"format": "v0", "posts": [], "teachers": []})",
              "format: expected");
  ExpectError(R"({"format": "rota.instance.v1", "teachers": []})",
              "posts: missing");
  ExpectError(
      R"({"format": "rota.instance.v1", "posts": [], "teachers": [], "x": 1})",
      "x: unknown field");
  ExpectError(
      R"({"format": "rota.instance.v1", "posts": [{"id": "P"}], "teachers": []})",
      "posts[0].capacity: missing");
  ExpectError(
      R"({"format": "rota.instance.v1", "posts": [{"id": "P", "capacity": "2"}], "teachers": []})",
      "posts[0].capacity: expected an integer");
  ExpectError(R"({"format": "rota.instance.v1", "posts": [],
                  "teachers": [{"id": "A", "preferences": ["P", 3]}]})",
              "teachers[0].preferences[1]: expected a string");
  ExpectError(R"({"format": "rota.instance.v1", "posts": [],
                  "teachers": [{"id": "A", "gender": "f"}]})",
              "teachers[0].gender: expected");
  ExpectError(R"({"format": "rota.instance.v1", "posts": [],
                  "teachers": [{"id": "A", "pionts": 3}]})",
              "teachers[0].pionts: unknown field");
  ExpectError(
      R"({"format": "rota.instance.v1", "lottery_seed": -1, "posts": [], "teachers": []})",
      "lottery_seed: expected");
  ExpectError(
      R"({"format": "rota.instance.v1", "posts": [{"id": "P", "capacity": 1,
                  "bounds": [{"group": "g", "floor": 1.5}]}], "teachers": []})",
      "posts[0].bounds[0].floor: expected an integer");
}

TEST(InstanceJsonTest, ResultJsonIsDeterministic) {
  absl::StatusOr<engine::Model> m =
      ParseInstance(R"({"format": "rota.instance.v1",
    "posts": [{"id": "P", "capacity": 1}], "teachers": [{"id": "A", "preferences": ["P"]},
    {"id": "B", "preferences": ["P"], "points": 5}]})");
  ASSERT_TRUE(m.ok());
  absl::StatusOr<engine::Market> market = engine::Compile(*m);
  ASSERT_TRUE(market.ok());
  absl::StatusOr<engine::MatchResult> r =
      engine::Solve(*market, engine::Mechanism::kDeferredAcceptance);
  ASSERT_TRUE(r.ok());
  const std::string a = ResultToJson(*market, *r, true);
  EXPECT_EQ(a, ResultToJson(*market, *r, true));
  EXPECT_NE(a.find("\"reason\": \"full\""), std::string::npos) << a;
  EXPECT_NE(a.find(ToHex(r->digest)), std::string::npos);
}

}  // namespace
}  // namespace rota::tools
