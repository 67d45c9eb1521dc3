#include "service/projection.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "absl/strings/str_cat.h"
#include "rota/v1/registry.pb.h"
#include "rota/v1/resources.pb.h"
#include "service/storage/rocksdb_event_store.h"

namespace rota::service {
namespace {

using storage::Event;
using storage::ProjectionWrite;

class ProjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat(
               "rota_projection_test_", ::getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto store = storage::RocksDbEventStore::Open({.path = dir_.string()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::RocksDbEventStore> store_;
};

std::vector<std::string> Keys(
    const std::vector<std::pair<std::string, std::string>>& rows) {
  std::vector<std::string> out;
  for (const auto& [k, v] : rows) out.push_back(k + "=" + v);
  return out;
}

TEST_F(ProjectionTest, OverlayScanMergesPendingWritesOverTheStore) {
  std::vector<ProjectionWrite> base;
  for (int i = 1; i <= 5; ++i)
    base.push_back(ProjectionWrite::Put(absl::StrCat("a/", i), "old"));
  base.push_back(ProjectionWrite::Put("b/1", "other prefix"));
  ASSERT_TRUE(store_->Append("c", 0, {{"t", "", "x", ""}}, base).ok());
  auto snapshot = store_->GetSnapshot("c");
  ASSERT_TRUE(snapshot.ok());
  OverlaySnapshot overlay(**snapshot);
  overlay.Apply(
      {ProjectionWrite::Put("a/3", "new"), ProjectionWrite::Delete("a/2"),
       ProjectionWrite::Put("a/6", "new"), ProjectionWrite::Put("a/0", "new")});
  auto all = overlay.Scan("a/", "", 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Keys(*all),
            (std::vector<std::string>{"a/0=new", "a/1=old", "a/3=new",
                                      "a/4=old", "a/5=old", "a/6=new"}));
  // Paging two at a time sees the same rows.
  std::vector<std::string> paged;
  std::string after;
  while (true) {
    auto page = overlay.Scan("a/", after, 2);
    ASSERT_TRUE(page.ok());
    for (auto& k : Keys(*page)) paged.push_back(k);
    if (page->size() < 2) break;
    after = page->back().first;
  }
  EXPECT_EQ(paged, Keys(*all));
  auto deleted = overlay.Get("a/2");
  ASSERT_TRUE(deleted.ok());
  EXPECT_FALSE(deleted->has_value());
  EXPECT_EQ(*overlay.Get("a/3").value(), "new");
  EXPECT_EQ(*overlay.Get("b/1").value(), "other prefix");
}

// A writer holding the county across several snapshots (an import run)
// keeps one StoreReads: rows it read, and collections empty when it began.
TEST_F(ProjectionTest, StoreReadsCarryAcrossSnapshotsOfOneWriter) {
  ASSERT_TRUE(store_
                  ->Append("c", 0, {{"t", "", "x", ""}},
                           {ProjectionWrite::Put("s/1", "school")})
                  .ok());
  OverlaySnapshot::StoreReads reads;
  reads.AddCompletePrefix("t/");
  {
    auto snapshot = store_->GetSnapshot("c");
    ASSERT_TRUE(snapshot.ok());
    OverlaySnapshot overlay(**snapshot, &reads);
    EXPECT_EQ(*overlay.Get("s/1").value(), "school");
    EXPECT_FALSE(overlay.Get("t/1").value().has_value());
  }
  // The writer appends t/1 and changes s/1, and hands both writes over.
  std::vector<ProjectionWrite> batch = {ProjectionWrite::Put("s/1", "renamed"),
                                        ProjectionWrite::Put("t/1", "teacher")};
  ASSERT_TRUE(store_->Append("c", 1, {{"t", "", "x", ""}}, batch).ok());
  reads.Forget(batch);
  // A key under the empty prefix that the writer did not write is answered
  // without the store: t/9, appended behind the writer's back, stays absent.
  ASSERT_TRUE(store_
                  ->Append("c", 2, {{"t", "", "x", ""}},
                           {ProjectionWrite::Put("t/9", "not told")})
                  .ok());
  auto snapshot = store_->GetSnapshot("c");
  ASSERT_TRUE(snapshot.ok());
  OverlaySnapshot overlay(**snapshot, &reads);
  EXPECT_EQ(*overlay.Get("s/1").value(), "renamed");
  EXPECT_EQ(*overlay.Get("t/1").value(), "teacher");
  EXPECT_TRUE(overlay.Contains("t/1").value());
  EXPECT_FALSE(overlay.Contains("t/2").value());
  EXPECT_FALSE(overlay.Get("t/9").value().has_value());
  // An overlay with its own reads asks the store.
  OverlaySnapshot fresh(**snapshot);
  EXPECT_EQ(*fresh.Get("t/9").value(), "not told");
}

// Random overlays over random stored keys agree with a std::map model.
TEST_F(ProjectionTest, OverlayScanMatchesAModelOnRandomInstances) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    std::string county = absl::StrCat("c", seed);
    std::map<std::string, std::string> model;
    std::vector<ProjectionWrite> base;
    for (int i = 0; i < 150; ++i) {
      std::string key = absl::StrCat("p/", rng() % 300);
      base.push_back(ProjectionWrite::Put(key, "base"));
      model[key] = "base";
    }
    ASSERT_TRUE(store_->Append(county, 0, {{"t", "", "x", ""}}, base).ok());
    auto snapshot = store_->GetSnapshot(county);
    ASSERT_TRUE(snapshot.ok());
    OverlaySnapshot overlay(**snapshot);
    for (int i = 0; i < 100; ++i) {
      std::string key = absl::StrCat("p/", rng() % 300);
      if (rng() % 2) {
        overlay.Apply({ProjectionWrite::Delete(key)});
        model.erase(key);
      } else {
        overlay.Apply({ProjectionWrite::Put(key, "pending")});
        model[key] = "pending";
      }
    }
    std::vector<std::string> expected;
    for (const auto& [k, v] : model) expected.push_back(k + "=" + v);
    size_t limit = 1 + rng() % 70;
    std::vector<std::string> got;
    std::string after;
    while (true) {
      auto page = overlay.Scan("p/", after, limit);
      ASSERT_TRUE(page.ok());
      for (auto& k : Keys(*page)) got.push_back(k);
      if (page->size() < limit) break;
      after = page->back().first;
    }
    EXPECT_EQ(got, expected) << "seed " << seed << " limit " << limit;
  }
}

Event TeacherEvent(uint64_t seq, const std::string& id,
                   const std::string& school,
                   std::vector<std::string> subjects) {
  rota::v1::Teacher t;
  t.set_name("counties/c/teachers/" + id);
  t.set_school("counties/c/schools/" + school);
  for (auto& s : subjects) t.add_subjects(s);
  Event e;
  e.sequence = seq;
  e.type = kTeacherEvent;
  e.payload = t.SerializeAsString();
  return e;
}

TEST_F(ProjectionTest, TeacherEventsMaintainTheIndexes) {
  OverlaySnapshot state;
  auto w1 = ProjectEvent(TeacherEvent(1, "t1", "s1", {"math", "music"}), state);
  ASSERT_TRUE(w1.ok());
  state.Apply(*w1);
  EXPECT_TRUE(state.Get("x/ts/s1/t1")->has_value());
  EXPECT_TRUE(state.Get("x/tj/music/t1")->has_value());
  EXPECT_TRUE(state.Get("t/t1")->has_value());
  // Move school and drop music: old index keys go, new ones appear.
  auto w2 = ProjectEvent(TeacherEvent(2, "t1", "s2", {"math", "pe"}), state);
  ASSERT_TRUE(w2.ok());
  state.Apply(*w2);
  EXPECT_FALSE(state.Get("x/ts/s1/t1")->has_value());
  EXPECT_TRUE(state.Get("x/ts/s2/t1")->has_value());
  EXPECT_FALSE(state.Get("x/tj/music/t1")->has_value());
  EXPECT_TRUE(state.Get("x/tj/pe/t1")->has_value());
  EXPECT_TRUE(state.Get("x/tj/math/t1")->has_value());
  // Delete removes the row and every index key.
  rota::v1::DeleteResponse d;
  d.set_name("counties/c/teachers/t1");
  Event del;
  del.sequence = 3;
  del.type = kDeleteEvent;
  del.payload = d.SerializeAsString();
  auto w3 = ProjectEvent(del, state);
  ASSERT_TRUE(w3.ok());
  state.Apply(*w3);
  auto left = state.Scan("", "", 100);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty()) << Keys(*left).front();
}

TEST_F(ProjectionTest, CorruptPayloadIsAnErrorNotACrash) {
  OverlaySnapshot state;
  Event e;
  e.sequence = 1;
  e.type = kTeacherEvent;
  e.payload = "\xff\xff\xff";
  EXPECT_FALSE(ProjectEvent(e, state).ok());
  e.type = "rota.v1.SomethingLater";  // unknown types project nothing
  auto w = ProjectEvent(e, state);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->empty());
}

}  // namespace
}  // namespace rota::service
