#include "service/storage/history.h"

#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "service/storage/internal/test_util.h"
#include "service/storage/rocksdb_event_store.h"

namespace rota::storage {
namespace {

using ::rota::storage::testing::TempDir;

TEST(HistoryTest, SequenceAtTimeMatchesALinearScan) {
  TempDir dir;
  std::atomic<int64_t> clock{100};
  RocksDbEventStoreOptions options;
  options.path = dir.Sub("db");
  options.now_micros = [&clock] { return clock.load(); };
  auto store = RocksDbEventStore::Open(std::move(options));
  ASSERT_OK(store);
  EXPECT_EQ(*SequenceAtTime(**store, "c", 1'000), 0u);  // no events yet

  constexpr uint32_t kSeed = 7;
  std::mt19937 rng(kSeed);
  std::vector<int64_t> times;  // times[i] = time of event i + 1
  for (int batch = 0; batch < 60; ++batch) {
    // Equal times (same batch, or a clock that did not move) and steps back
    // (clamped by the store) both occur.
    clock += static_cast<int64_t>(rng() % 5) - 1;
    size_t n = 1 + rng() % 3;
    std::vector<EventDraft> drafts(
        n, EventDraft{
               .actor = "a", .request_id = "", .type = "t", .payload = "p"});
    auto events = (*store)->Append("c", times.size(), std::move(drafts), {});
    ASSERT_OK(events);
    for (const Event& e : *events) times.push_back(e.time_micros);
  }
  for (int64_t t = 90; t <= times.back() + 2; ++t) {
    uint64_t expected = 0;
    for (size_t i = 0; i < times.size(); ++i) {
      if (times[i] <= t) expected = i + 1;
    }
    auto got = SequenceAtTime(**store, "c", t);
    ASSERT_OK(got);
    EXPECT_EQ(*got, expected) << "time " << t << ", seed " << kSeed;
  }
}

}  // namespace
}  // namespace rota::storage
