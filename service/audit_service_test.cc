// Tests of the audit calls on a real RocksDB log written by hand: where a
// teacher was and which post she held on dates before, during and after a
// committed move and a term exchange (GetTeacherAsOf), locks and overrides in
// her history (ListTeacherHistory), and ListEvents pages bounded in bytes.
// The commits' teacher records are made by the commit's own function
// (ApplyCommittedPlacement), so the log looks as rotad writes it.
#include "service/audit_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "absl/strings/str_cat.h"
#include "rota/v1/round_events.pb.h"
#include "service/projection.h"
#include "service/round_commit.h"
#include "service/round_projection.h"
#include "service/storage/rocksdb_event_store.h"

namespace rota::service {
namespace {

namespace v1 = rota::v1;

constexpr char kCounty[] = "c";
constexpr char kA[] = "counties/c/schools/a";
constexpr char kB[] = "counties/c/schools/b";
constexpr char kT1[] = "counties/c/teachers/t1";
constexpr char kPostA[] = "counties/c/posts/a-math";
constexpr char kPostB[] = "counties/c/posts/b-math";

class AuditServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat(
               "rota_audit_test_", ::getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    storage::RocksDbEventStoreOptions options;
    options.path = dir_.string();
    auto store = storage::RocksDbEventStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    audit_ = std::make_unique<Audit>(store_.get());
  }
  void TearDown() override {
    audit_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Appends one batch of events.
  void Append(std::vector<storage::EventDraft> drafts) {
    auto head = store_->HeadSequence(kCounty);
    ASSERT_TRUE(head.ok());
    auto r = store_->Append(kCounty, *head, std::move(drafts), {});
    ASSERT_TRUE(r.ok()) << r.status();
  }
  static storage::EventDraft Draft(const std::string& type,
                                   const google::protobuf::Message& m,
                                   const std::string& actor = "hr") {
    return {actor, "", type, m.SerializeAsString()};
  }

  static v1::Teacher AtA() {
    v1::Teacher t;
    t.set_name(kT1);
    t.set_display_name("Wang Fang");
    t.set_school(kA);
    t.set_school_join_date("2014-09-01");
    t.set_post(kPostA);
    return t;
  }

  // Commits one move of t1 in a round effective on `effective`; returns her
  // record after it.
  v1::Teacher Commit(const v1::Teacher& before, const std::string& round,
                     const std::string& effective, const std::string& to,
                     bool term_exchange, const std::string& return_date) {
    v1::Placement p;
    p.set_teacher(kT1);
    p.set_from_school(before.school());
    p.set_to_school(to);
    p.set_return_date(return_date);
    p.set_outcome(v1::MOVED);
    v1::Teacher after = before;
    CommitContext context{false, term_exchange, effective, nullptr};
    ApplyCommittedPlacement(p, context, &after);
    v1::RoundCommitted c;
    c.mutable_round()->set_name(absl::StrCat("counties/c/rounds/", round));
    c.mutable_round()->set_effective_date(effective);
    c.add_teachers(kT1);
    *c.add_placements() = p;
    Append({Draft(kRoundCommittedEvent, c, "director"),
            Draft(kTeacherEvent, after, "director")});
    return after;
  }

  v1::TeacherAsOf AsOf(const std::string& date) {
    v1::GetTeacherAsOfRequest req;
    req.set_teacher(kT1);
    req.set_date(date);
    auto r = audit_->GetTeacherAsOf(CallContext{}, req);
    EXPECT_TRUE(r.ok()) << date << ": " << r.status();
    return r.ok() ? *r : v1::TeacherAsOf();
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::RocksDbEventStore> store_;
  std::unique_ptr<Audit> audit_;
};

TEST_F(AuditServiceTest, AsOfShowsTheSchoolAndPostHeldBeforeAndAfterAMove) {
  v1::Teacher t = AtA();
  Append({Draft(kTeacherEvent, t)});
  t = Commit(t, "r1", "2022-09-01", kB, false, "");
  // A registry edit gives her a post at the new school (today).
  t.set_post(kPostB);
  Append({Draft(kTeacherEvent, t)});

  v1::TeacherAsOf before = AsOf("2022-08-31");
  EXPECT_EQ(before.school(), kA);
  EXPECT_EQ(before.post(), kPostA);
  EXPECT_EQ(before.teacher().post(), kPostA);
  EXPECT_EQ(before.sequence(), 1);
  EXPECT_TRUE(before.returned_from().empty());

  v1::TeacherAsOf moved = AsOf("2022-09-01");
  EXPECT_EQ(moved.school(), kB);
  EXPECT_EQ(moved.spell().start_date(), "2022-09-01");
  EXPECT_EQ(moved.post(), "") << "the move left her post at a behind";
  EXPECT_EQ(moved.sequence(), 3);

  v1::TeacherAsOf later = AsOf("2099-01-01");
  EXPECT_EQ(later.school(), kB);
  EXPECT_EQ(later.post(), kPostB);
  EXPECT_EQ(later.sequence(), 4);
}

TEST_F(AuditServiceTest, AsOfHonoursTheReturnDateOfATermExchange) {
  v1::Teacher t = AtA();
  Append({Draft(kTeacherEvent, t)});
  t = Commit(t, "r1", "2024-09-01", kB, true, "2027-09-01");
  ASSERT_EQ(t.home_school(), kA);

  EXPECT_EQ(AsOf("2024-08-31").school(), kA);
  EXPECT_EQ(AsOf("2024-08-31").post(), kPostA);
  v1::TeacherAsOf during = AsOf("2025-03-01");
  EXPECT_EQ(during.school(), kB);
  EXPECT_TRUE(during.spell().term_exchange());
  EXPECT_TRUE(during.returned_from().empty());
  EXPECT_EQ(AsOf("2027-08-31").school(), kB);

  // From the return date she is back home, though no round has recorded it.
  v1::TeacherAsOf back = AsOf("2027-09-01");
  EXPECT_EQ(back.school(), kA);
  EXPECT_EQ(back.returned_from(), kB);
  EXPECT_EQ(back.return_date(), "2027-09-01");
  EXPECT_EQ(back.spell().school(), kA);
  EXPECT_EQ(back.spell().start_date(), "2027-09-01");
  EXPECT_FALSE(back.spell().term_exchange());
  EXPECT_EQ(back.post(), "");
  EXPECT_EQ(AsOf("2030-01-01").school(), kA);

  // A round a year late records her return: the exchange spell now ends
  // 2028-08-31, and the return date still decides.
  t = Commit(t, "r2", "2028-09-01", kA, true, "");
  EXPECT_TRUE(t.home_school().empty());
  EXPECT_EQ(AsOf("2027-12-01").school(), kA);
  EXPECT_EQ(AsOf("2027-12-01").returned_from(), kB);
  EXPECT_EQ(AsOf("2026-01-01").school(), kB);
  v1::TeacherAsOf recorded = AsOf("2028-09-01");
  EXPECT_EQ(recorded.school(), kA);
  EXPECT_TRUE(recorded.returned_from().empty());
  EXPECT_EQ(recorded.spell().start_date(), "2028-09-01");
}

TEST_F(AuditServiceTest, HistoryListsLocksAndOverridesWithReasonAndActor) {
  v1::Teacher t = AtA();
  Append({Draft(kTeacherEvent, t)});
  v1::PlacementAdjusted lock;
  lock.mutable_round()->set_name("counties/c/rounds/r1");
  lock.set_teacher(kT1);
  lock.set_reason("caring for a sick parent");
  lock.set_run(2);
  Append({Draft(kPlacementAdjustedEvent, lock, "王芳")});
  v1::PlacementAdjusted over = lock;
  over.set_override(true);
  over.set_to(kB);
  over.set_reason("the school asked for her");
  Append({Draft(kPlacementAdjustedEvent, over, "李四")});
  // Another teacher's lock is not hers.
  lock.set_teacher("counties/c/teachers/t2");
  Append({Draft(kPlacementAdjustedEvent, lock)});
  Commit(t, "r1", "2026-09-01", kB, false, "");

  v1::ListTeacherHistoryRequest req;
  req.set_teacher(kT1);
  auto h = audit_->ListTeacherHistory(CallContext{}, req);
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->entries_size(), 4);
  EXPECT_EQ(h->entries(1).type(), kPlacementAdjustedEvent);
  EXPECT_EQ(h->entries(1).actor(), "王芳");
  EXPECT_EQ(h->entries(1).reason(), "caring for a sick parent");
  EXPECT_EQ(h->entries(1).round(), "counties/c/rounds/r1");
  EXPECT_EQ(h->entries(1).summary(),
            "locked in round counties/c/rounds/r1 (run 2)");
  EXPECT_EQ(h->entries(2).actor(), "李四");
  EXPECT_EQ(h->entries(2).summary(),
            "override to b in round counties/c/rounds/r1 (run 2)");
  EXPECT_EQ(h->entries(3).summary(),
            "moved a -> b by round counties/c/rounds/r1");
  EXPECT_EQ(h->entries(3).actor(), "director");
  EXPECT_EQ(h->entries(3).round(), "counties/c/rounds/r1");
}

TEST_F(AuditServiceTest, ListEventsPagesStayUnderTheByteBudget) {
  // 14 events of 300 KB: 4.2 MB in all, more than gRPC's 4 MB default.
  const std::string big(300 << 10, 'x');
  for (int i = 0; i < 14; ++i) {
    v1::School s;
    s.set_name(absl::StrCat("counties/c/schools/s", i));
    s.set_display_name(big);
    Append({Draft(kSchoolEvent, s)});
  }
  // One small event after them.
  Append({Draft(kTeacherEvent, AtA())});
  v1::ListEventsRequest req;
  req.set_county("counties/c");
  req.set_page_size(1000);
  std::vector<int64_t> seen;
  int pages = 0;
  while (true) {
    auto page = audit_->ListEvents(CallContext{}, req);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    EXPECT_GT(page->events_size(), 0);
    EXPECT_LE(page->ByteSizeLong(), kMaxEventsPageBytes + 1024)
        << "page " << pages;
    EXPECT_LT(page->ByteSizeLong(), size_t{4} << 20);
    for (const auto& e : page->events()) seen.push_back(e.sequence());
    if (page->next_page_token().empty()) break;
    req.set_page_token(page->next_page_token());
    ASSERT_LT(pages, 100);
  }
  ASSERT_EQ(seen.size(), 15u);
  for (size_t i = 0; i < seen.size(); ++i)
    EXPECT_EQ(seen[i], static_cast<int64_t>(i + 1));
  EXPECT_GE(pages, 5);

  // page_size still bounds a page of small events.
  v1::ListEventsRequest small;
  small.set_county("counties/c");
  small.set_start_sequence(15);
  small.set_page_size(1);
  auto one = audit_->ListEvents(CallContext{}, small);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->events_size(), 1);
  EXPECT_EQ(one->events(0).sequence(), 15);
  EXPECT_TRUE(one->next_page_token().empty());

  // An event larger than the budget comes alone on its page.
  v1::School huge;
  huge.set_name("counties/c/schools/huge");
  huge.set_display_name(std::string(kMaxEventsPageBytes + 10, 'y'));
  Append({Draft(kSchoolEvent, huge)});
  small.set_start_sequence(16);
  small.set_page_size(10);
  auto alone = audit_->ListEvents(CallContext{}, small);
  ASSERT_TRUE(alone.ok());
  ASSERT_EQ(alone->events_size(), 1);
  EXPECT_EQ(alone->events(0).sequence(), 16);
}

}  // namespace
}  // namespace rota::service
