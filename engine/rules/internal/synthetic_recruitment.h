// A seeded synthetic recruitment market for tests and benchmarks: schools,
// recruitment posts and applicants with realistic score distributions and
// sex ratios (see RecruitmentMarket).
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/rules/county.h"

namespace rota::engine::rules::internal {

inline School MakeSchool(const std::string& id, Locality loc = Locality::kUrban,
                         Stage stage = Stage::kPrimary) {
  School s;
  s.id = id;
  s.display_name = "School " + id;
  s.stages = {stage};
  s.locality = loc;
  s.headcount = 100;
  return s;
}

inline RecruitmentPost MakePost(const std::string& id,
                                const std::string& school, int32_t seats,
                                const std::string& subject = "math",
                                Stage stage = Stage::kPrimary) {
  RecruitmentPost p;
  p.id = id;
  p.school = school;
  p.subject = subject;
  p.stage = stage;
  p.seats = seats;
  return p;
}

inline Applicant MakeApplicant(const std::string& id, Gender g, int64_t score,
                               std::vector<std::string> prefs,
                               const std::string& subject = "math",
                               Stage stage = Stage::kPrimary) {
  Applicant a;
  a.id = id;
  a.display_name = "Name " + id;
  a.gender = g;
  a.birth_day = 10000;
  a.subjects = {subject};
  a.certificate_stages = {stage};
  a.channel = Channel::kOpen;
  a.interview_passed = true;
  a.written_score = score;
  a.preferences = std::move(prefs);
  return a;
}

struct MarketOptions {
  int schools = 6;
  int posts = 24;
  int applicants = 160;
  int max_seats = 4;
  int max_list = 5;
};

// A seeded market: primary posts draw about 80% women applicants, junior
// posts about 50%; scores about N(68, 12) clamped to [30, 99], all
// distinct; 90% passed the interview; lists of 1..max_list posts of the
// applicant's subject and stage; channels mostly open.
inline CountyInputs RecruitmentMarket(uint64_t seed,
                                      const MarketOptions& o = {}) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  CountyInputs in;
  in.seed = seed;
  const char* subjects[] = {"chinese", "math", "english"};
  for (int s = 0; s < o.schools; ++s) {
    in.schools.push_back(MakeSchool(
        absl::StrCat("s", s), s % 3 == 2 ? Locality::kRural : Locality::kUrban,
        s % 2 ? Stage::kJunior : Stage::kPrimary));
  }
  for (int p = 0; p < o.posts; ++p) {
    int s = uniform(0, o.schools - 1);
    // One draw per statement (argument evaluation order is the compiler's
    // choice); the subject first, as gcc drew them as arguments.
    const char* subject = subjects[uniform(0, 2)];
    const int seats = uniform(1, o.max_seats);
    in.recruitment_posts.push_back(MakePost(absl::StrCat("p", p),
                                            in.schools[s].id, seats, subject,
                                            in.schools[s].stages[0]));
  }
  std::normal_distribution<double> score(6800, 1200);
  std::set<int64_t> used;
  for (int i = 0; i < o.applicants; ++i) {
    Stage stage = uniform(0, 9) < 6 ? Stage::kPrimary : Stage::kJunior;
    int female_pct = stage == Stage::kPrimary ? 80 : 50;
    Gender g = uniform(0, 99) < female_pct ? Gender::kFemale : Gender::kMale;
    int64_t sc;
    do {
      sc = std::clamp<int64_t>(static_cast<int64_t>(score(rng)), 3000, 9900);
    } while (!used.insert(sc).second && used.size() < 6900);
    std::vector<std::string> fits;
    const std::string subject = subjects[uniform(0, 2)];
    for (const auto& p : in.recruitment_posts) {
      if (p.subject == subject && p.stage == stage) fits.push_back(p.id);
    }
    std::shuffle(fits.begin(), fits.end(), rng);
    int len =
        std::min<int>(static_cast<int>(fits.size()), uniform(1, o.max_list));
    fits.resize(len);
    if (uniform(0, 9) == 0 && !in.recruitment_posts.empty()) {
      // An unqualified choice now and then.
      std::string other = in.recruitment_posts[uniform(0, o.posts - 1)].id;
      if (std::find(fits.begin(), fits.end(), other) == fits.end()) {
        fits.push_back(other);
      }
    }
    Applicant a =
        MakeApplicant(absl::StrCat("a", 1000 + i), g, sc, fits, subject, stage);
    a.birth_day = uniform(9000, 12000);
    a.interview_passed = uniform(0, 9) != 0;
    int c = uniform(0, 9);
    a.channel = c < 7   ? Channel::kOpen
                : c < 9 ? Channel::kSpecialPost
                        : Channel::kPublicFunded;
    in.applicants.push_back(a);
  }
  // Staff for kCountyBalance: 75% women.
  for (int t = 0; t < 40; ++t) {
    Teacher x;
    x.id = absl::StrCat("T", t);
    x.gender = t % 4 == 0 ? Gender::kMale : Gender::kFemale;
    x.school = "s0";
    x.subjects = {"math"};
    x.birth_day = 5000;
    x.career_start_day = 12000;
    x.school_join_day = 12000;
    in.teachers.push_back(x);
  }
  return in;
}

}  // namespace rota::engine::rules::internal
