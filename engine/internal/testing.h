// Test helpers for engine tests: terse market construction and assertions.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/match_result.h"
#include "engine/model.h"
#include "engine/solve.h"
#include "gtest/gtest.h"

namespace rota::engine::testing {

// Builds a Model with a fluent interface.
class ModelBuilder {
 public:
  ModelBuilder& Post(std::string id, int64_t capacity,
                     std::vector<std::string> priority = {}) {
    engine::Post p;
    p.id = std::move(id);
    p.capacity = capacity;
    p.priority = std::move(priority);
    model_.posts.push_back(std::move(p));
    return *this;
  }
  ModelBuilder& Teacher(std::string id, std::vector<std::string> prefs,
                        std::string current = "", int64_t points = 0) {
    engine::Teacher t;
    t.id = std::move(id);
    t.preferences = std::move(prefs);
    t.current_post = std::move(current);
    t.points = points;
    model_.teachers.push_back(std::move(t));
    return *this;
  }
  engine::Post& last_post() { return model_.posts.back(); }
  engine::Teacher& last_teacher() { return model_.teachers.back(); }
  Model& model() { return model_; }

 private:
  Model model_;
};

// teacher id -> post id ("" = none).
inline std::map<std::string, std::string> AssignmentOf(const Market& m,
                                                       const MatchResult& r) {
  std::map<std::string, std::string> out;
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    out[m.teacher_ids[t]] = r.post_of[t] >= 0 ? m.post_ids[r.post_of[t]] : "";
  }
  return out;
}

// Compiles and solves; fails the test on error.
inline std::pair<Market, MatchResult> MustSolve(const Model& model,
                                                Mechanism mechanism) {
  absl::StatusOr<Market> market = Compile(model);
  EXPECT_TRUE(market.ok()) << market.status();
  if (!market.ok()) return {};
  absl::StatusOr<MatchResult> result = Solve(*market, mechanism);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return {};
  return {std::move(*market), std::move(*result)};
}

}  // namespace rota::engine::testing
