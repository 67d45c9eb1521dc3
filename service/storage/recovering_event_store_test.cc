// RecoveringEventStore on real RocksDB over a FaultyFileSystem: a full or
// failing disk refuses writes with a clear status, keeps reads, recovers by
// itself when space returns, and opens read-only when the disk is full at
// start. No sleeps: recovery is awaited on the store's condition variable.
#include "service/storage/recovering_event_store.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "service/storage/faulty_file_system.h"
#include "service/storage/internal/test_util.h"

namespace rota::storage {
namespace {

using testing::TempDir;

EventDraft Draft(int i) {
  return {.actor = "hr",
          .request_id = absl::StrCat("r", i),
          .type = "t",
          .payload = absl::StrCat("payload ", i)};
}

class RecoveringEventStoreTest : public ::testing::Test {
 protected:
  RecoveringEventStoreOptions Options() {
    RecoveringEventStoreOptions o;
    o.store.path = dir_.Sub("db");
    o.store.file_system = fs_;
    o.retry_interval = absl::Milliseconds(20);
    o.min_free_bytes = 1000;
    o.free_bytes = [this]() -> absl::StatusOr<uint64_t> {
      return free_bytes_.load();
    };
    return o;
  }
  // Appends one event at the head; returns the status.
  absl::Status AppendOne(EventStore& s, int i) {
    absl::StatusOr<uint64_t> head = s.HeadSequence("c");
    if (!head.ok()) return head.status();
    return s
        .Append("c", *head, {Draft(i)},
                {ProjectionWrite::Put(absl::StrCat("k", i), "v")})
        .status();
  }

  TempDir dir_;
  std::shared_ptr<FaultyFileSystem> fs_ = std::make_shared<FaultyFileSystem>();
  std::atomic<uint64_t> free_bytes_{1 << 30};
};

TEST_F(RecoveringEventStoreTest, DiskFullRefusesWritesKeepsReadsAndRecovers) {
  auto store = RecoveringEventStore::Open(Options());
  ASSERT_OK(store);
  RecoveringEventStore& s = **store;
  for (int i = 1; i <= 5; ++i) ASSERT_OK(AppendOne(s, i));

  fs_->SetNoSpace(true);
  free_bytes_ = 0;
  absl::Status full = AppendOne(s, 6);
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
  EXPECT_NE(full.message().find("No space"), std::string::npos) << full;
  EXPECT_NE(full.message().find("reads still work"), std::string::npos);
  EXPECT_FALSE(s.writable());
  // Later writes are refused at once with the same status; reads work.
  EXPECT_EQ(AppendOne(s, 7).code(), absl::StatusCode::kResourceExhausted);
  auto events = s.ReadRange("c", 1, 100);
  ASSERT_OK(events);
  EXPECT_EQ(events->size(), 5u);
  auto k3 = s.ReadProjection("c", "k3");
  ASSERT_OK(k3);
  EXPECT_EQ(k3->value_or(""), "v");
  auto chain = s.VerifyChain("c");
  ASSERT_OK(chain);
  EXPECT_TRUE(chain->ok);
  // Not enough space reported yet: no recovery.
  EXPECT_EQ(s.TryRecover().code(), absl::StatusCode::kResourceExhausted);

  // Space returns: the store recovers by itself.
  fs_->SetNoSpace(false);
  free_bytes_ = 1 << 30;
  ASSERT_TRUE(s.WaitWritable(absl::Seconds(30))) << s.write_error();
  ASSERT_OK(AppendOne(s, 8));
  EXPECT_EQ(*s.HeadSequence("c"), 6u);
  auto after = s.VerifyChain("c");
  ASSERT_OK(after);
  EXPECT_TRUE(after->ok) << after->problem;
  EXPECT_EQ(after->events, 6u);
}

TEST_F(RecoveringEventStoreTest, IoErrorIsUnavailableAndRecovers) {
  auto store = RecoveringEventStore::Open(Options());
  ASSERT_OK(store);
  RecoveringEventStore& s = **store;
  ASSERT_OK(AppendOne(s, 1));
  fs_->SetIoError(true);
  absl::Status failed = AppendOne(s, 2);
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
  EXPECT_FALSE(failed.message().empty());
  EXPECT_EQ(s.ReadRange("c", 1, 10)->size(), 1u);
  fs_->SetIoError(false);
  ASSERT_TRUE(s.WaitWritable(absl::Seconds(30))) << s.write_error();
  ASSERT_OK(AppendOne(s, 3));
  auto chain = s.VerifyChain("c");
  ASSERT_OK(chain);
  EXPECT_TRUE(chain->ok) << chain->problem;
  EXPECT_EQ(chain->events, 2u);
}

TEST_F(RecoveringEventStoreTest, OpensReadOnlyWhenTheDiskIsFullAtStart) {
  {
    auto store = RecoveringEventStore::Open(Options());
    ASSERT_OK(store);
    for (int i = 1; i <= 3; ++i) ASSERT_OK(AppendOne(**store, i));
  }
  fs_->SetNoSpace(true);
  free_bytes_ = 0;
  auto store = RecoveringEventStore::Open(Options());
  ASSERT_OK(store);
  RecoveringEventStore& s = **store;
  EXPECT_FALSE(s.writable());
  EXPECT_EQ(s.write_error().code(), absl::StatusCode::kResourceExhausted)
      << s.write_error();
  EXPECT_EQ(s.ReadRange("c", 1, 10)->size(), 3u);
  EXPECT_EQ(*s.HeadSequence("c"), 3u);
  EXPECT_EQ(AppendOne(s, 4).code(), absl::StatusCode::kResourceExhausted);

  fs_->SetNoSpace(false);
  free_bytes_ = 1 << 30;
  ASSERT_TRUE(s.WaitWritable(absl::Seconds(30))) << s.write_error();
  ASSERT_OK(AppendOne(s, 5));
  EXPECT_EQ(*s.HeadSequence("c"), 4u);
}

TEST_F(RecoveringEventStoreTest, AnotherProcessesLockIsNotReadOnlyFallback) {
  auto first = RocksDbEventStore::Open({.path = dir_.Sub("db")});
  ASSERT_OK(first);
  auto second = RecoveringEventStore::Open(Options());
  EXPECT_FALSE(second.ok());
}

TEST_F(RecoveringEventStoreTest, PowerCutDropsOnlyUnacknowledgedData) {
  std::vector<int> acknowledged;
  {
    auto store =
        RocksDbEventStore::Open({.path = dir_.Sub("db"), .file_system = fs_});
    ASSERT_OK(store);
    for (int i = 1; i <= 20; ++i) {
      ASSERT_OK(AppendOne(**store, i));
      acknowledged.push_back(i);
    }
    fs_->PowerCut();
    EXPECT_FALSE(AppendOne(**store, 21).ok());
  }
  fs_->DropUnsyncedData();
  auto store = RocksDbEventStore::Open({.path = dir_.Sub("db")});
  ASSERT_OK(store);
  auto chain = (*store)->VerifyChain("c");
  ASSERT_OK(chain);
  EXPECT_TRUE(chain->ok) << chain->problem;
  EXPECT_EQ(chain->events, acknowledged.size());
}

}  // namespace
}  // namespace rota::storage
