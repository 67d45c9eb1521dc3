#include "service/round_commit.h"

#include <gtest/gtest.h>

namespace rota::service {
namespace {

constexpr char kA[] = "counties/c/schools/a";
constexpr char kB[] = "counties/c/schools/b";
constexpr char kC[] = "counties/c/schools/c";

rota::v1::Teacher AtA() {
  rota::v1::Teacher t;
  t.set_name("counties/c/teachers/t1");
  t.set_school(kA);
  t.set_school_join_date("2014-09-01");
  t.set_post("counties/c/posts/a-math");
  return t;
}

rota::v1::Placement Move(const std::string& from, const std::string& to,
                         const std::string& return_date) {
  rota::v1::Placement p;
  p.set_teacher("counties/c/teachers/t1");
  p.set_from_school(from);
  p.set_to_school(to);
  p.set_return_date(return_date);
  return p;
}

TEST(RoundCommitTest, TermExchangeKeepsTheHomeSchoolUntilSheReturns) {
  std::map<std::string, const rota::v1::School*> schools;
  rota::v1::School b;
  b.set_name(kB);
  b.set_locality(rota::v1::RURAL);
  b.set_weak(true);
  schools[kB] = &b;
  CommitContext term{false, true, "2020-09-01", &schools};
  rota::v1::Teacher t = AtA();
  ApplyCommittedPlacement(Move(kA, kB, "2023-09-01"), term, &t);
  EXPECT_EQ(t.school(), kB);
  EXPECT_EQ(t.school_join_date(), "2020-09-01");
  EXPECT_EQ(t.home_school(), kA);
  EXPECT_EQ(t.term_end_date(), "2023-09-01");
  EXPECT_EQ(t.post(), "");
  ASSERT_EQ(t.service_history_size(), 2);
  EXPECT_EQ(t.service_history(0).school(), kA);
  EXPECT_EQ(t.service_history(0).end_date(), "2020-08-31");
  EXPECT_FALSE(t.service_history(0).term_exchange());
  EXPECT_EQ(t.service_history(1).school(), kB);
  EXPECT_TRUE(t.service_history(1).term_exchange());
  EXPECT_EQ(t.service_history(1).locality(), rota::v1::RURAL);
  EXPECT_TRUE(t.service_history(1).weak());

  // Moved on during the term: the home stays, the term is the new one.
  rota::v1::Teacher again = t;
  CommitContext later{false, true, "2021-09-01", &schools};
  ApplyCommittedPlacement(Move(kB, kC, "2024-09-01"), later, &again);
  EXPECT_EQ(again.home_school(), kA);
  EXPECT_EQ(again.term_end_date(), "2024-09-01");

  // Her return (in any mode) ends the term exchange.
  CommitContext back{false, true, "2023-09-01", &schools};
  ApplyCommittedPlacement(Move(kB, kA, ""), back, &t);
  EXPECT_EQ(t.school(), kA);
  EXPECT_EQ(t.home_school(), "");
  EXPECT_EQ(t.term_end_date(), "");
  ASSERT_EQ(t.service_history_size(), 3);
  EXPECT_EQ(t.service_history(1).end_date(), "2023-08-31");
  EXPECT_FALSE(t.service_history(2).term_exchange());
}

TEST(RoundCommitTest, TransferAndHiringMovesEndATermExchange) {
  rota::v1::Teacher t = AtA();
  t.set_home_school(kC);
  t.set_term_end_date("2027-09-01");
  rota::v1::Teacher hired = t;
  CommitContext transfer{false, false, "2026-09-01", nullptr};
  ApplyCommittedPlacement(Move(kA, kB, ""), transfer, &t);
  EXPECT_EQ(t.school(), kB);
  EXPECT_EQ(t.home_school(), "");
  EXPECT_EQ(t.term_end_date(), "");
  EXPECT_FALSE(t.service_history(t.service_history_size() - 1).term_exchange());

  CommitContext hiring{true, false, "2026-09-01", nullptr};
  rota::v1::Placement p = Move(kA, kB, "");
  p.set_to_post("counties/c/posts/b-math");
  ApplyCommittedPlacement(p, hiring, &hired);
  EXPECT_EQ(hired.post(), "counties/c/posts/b-math");
  EXPECT_EQ(hired.home_school(), "");
  // A hiring placement that keeps her school only changes the post.
  rota::v1::Teacher stays = AtA();
  p = Move(kA, kA, "");
  p.set_to_post("counties/c/posts/a-music");
  ApplyCommittedPlacement(p, hiring, &stays);
  EXPECT_EQ(stays.school(), kA);
  EXPECT_EQ(stays.post(), "counties/c/posts/a-music");
  EXPECT_EQ(stays.service_history_size(), 0);
}

// 走教: one itinerant service year per school year, her school and post
// unchanged; a later round of the same year replaces the entry.
TEST(RoundCommitTest, ItinerantTeachingRecordsAServiceYear) {
  rota::v1::Round round;
  round.set_name("counties/c/rounds/2026-itinerant-teaching-1");
  round.set_school_year(2026);
  round.set_effective_date("2026-09-01");
  rota::v1::Placement p = Move(kA, kB, "");
  p.set_outcome(rota::v1::ITINERANT);
  auto add = [&p](const char* school, int periods, bool own) {
    auto* a = p.add_itinerant_assignments();
    a->set_school(school);
    a->set_periods(periods);
    a->set_own_school(own);
  };
  add(kC, 2, false);
  add(kB, 4, false);
  add(kB, 2, false);
  add(kA, 3, true);  // extra periods at her own school: not 走教
  rota::v1::Teacher t = AtA();
  t.add_itinerant_service()->set_school_year(2025);
  RecordItinerantService(p, round, &t);
  EXPECT_EQ(t.school(), kA);
  EXPECT_EQ(t.post(), "counties/c/posts/a-math");
  EXPECT_EQ(t.service_history_size(), 0);
  ASSERT_EQ(t.itinerant_service_size(), 2);
  const auto& y = t.itinerant_service(1);
  EXPECT_EQ(y.school_year(), 2026);
  EXPECT_EQ(y.start_date(), "2026-09-01");
  EXPECT_EQ(y.round(), round.name());
  EXPECT_EQ(y.weekly_periods(), 8);
  ASSERT_EQ(y.schools_size(), 2);
  EXPECT_EQ(y.schools(0), kB);
  EXPECT_EQ(y.schools(1), kC);

  rota::v1::Placement fewer = Move(kA, kB, "");
  auto* a = fewer.add_itinerant_assignments();
  a->set_school(kB);
  a->set_periods(2);
  round.set_name("counties/c/rounds/2026-itinerant-teaching-2");
  RecordItinerantService(fewer, round, &t);
  ASSERT_EQ(t.itinerant_service_size(), 2);
  EXPECT_EQ(t.itinerant_service(1).weekly_periods(), 2);
  EXPECT_EQ(t.itinerant_service(1).round(), round.name());
}

}  // namespace
}  // namespace rota::service
