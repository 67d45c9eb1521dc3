// FaultInjectingEventStore: an EventStore for tests that forwards to a real
// store and fails chosen calls, like LevelDB's ErrorEnv: the Nth call of a
// kind, or every call of a kind until cleared, with the error a real disk
// would give (no space left, or an I/O error).
//
// A failed call never reaches the wrapped store, so a refused Append writes
// nothing; tests then check that the service answered a clear status and
// that the stored state is exactly what was acknowledged.
//
// Kinds of calls:
//   kAppend    Append
//   kRead      ReadRange, ReadProjection, ListCounties, VerifyChain and
//              Get/Scan on snapshots handed out by this store
//   kSnapshot  GetSnapshot
// HeadSequence is a cached value in every backend (no I/O) and never fails.
//
// Errors: kNoSpace gives RESOURCE_EXHAUSTED ("no space left on device"),
// kIoError gives UNAVAILABLE ("I/O error"), as RocksDbEventStore maps them.
//
// Thread-safety: all methods are thread-safe.
//
// Example:
//   auto faulty = std::make_unique<FaultInjectingEventStore>(std::move(real));
//   faulty->FailNth(FaultOp::kAppend, 1, FaultKind::kNoSpace);
//   EXPECT_EQ(faulty->Append(...).status().code(),
//             absl::StatusCode::kResourceExhausted);
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "service/storage/event_store.h"

namespace rota::storage {

enum class FaultOp { kAppend = 0, kRead = 1, kSnapshot = 2 };
inline constexpr int kFaultOpCount = 3;

enum class FaultKind { kNoSpace, kIoError };

class FaultInjectingEventStore final : public EventStore {
 public:
  explicit FaultInjectingEventStore(std::unique_ptr<EventStore> base);
  ~FaultInjectingEventStore() override;

  // The `n`th call (1-based, counted from now) of `op` fails with `kind`;
  // the calls before and after it pass. Replaces any earlier plan for `op`.
  void FailNth(FaultOp op, int64_t n, FaultKind kind);
  // The `n`th call of ANY kind (counted from now over all kinds) fails.
  // Replaces every per-kind plan.
  void FailNthOfAny(int64_t n, FaultKind kind);
  // Every call of `op` fails with `kind` until Clear().
  void FailAll(FaultOp op, FaultKind kind);
  // No more faults.
  void Clear();
  // Calls `hook` (outside any lock) at the start of every call of `op`, e.g.
  // to hold a call until the test releases it; null removes it.
  void SetHook(FaultOp op, std::function<void()> hook);

  // Calls of `op` seen (failed or not) since construction.
  int64_t calls(FaultOp op) const;
  // Faults injected since construction.
  int64_t injected() const;

  // The wrapped store (for checks that must not see faults).
  EventStore& base() { return *base_; }

  // EventStore.
  absl::StatusOr<std::vector<Event>> Append(
      const std::string& county, uint64_t expected_sequence,
      std::vector<EventDraft> drafts,
      std::vector<ProjectionWrite> writes) override;
  absl::StatusOr<std::vector<Event>> ReadRange(const std::string& county,
                                               uint64_t from,
                                               size_t limit) const override;
  absl::StatusOr<uint64_t> HeadSequence(
      const std::string& county) const override;
  absl::StatusOr<std::optional<std::string>> ReadProjection(
      const std::string& county, const std::string& key) const override;
  absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot(
      const std::string& county) const override;
  absl::StatusOr<std::vector<std::string>> ListCounties() const override;
  absl::StatusOr<ChainReport> VerifyChain(
      const std::string& county) const override;

 private:
  class FaultySnapshot;
  // OK, or the injected error for this call of `op` (`what` names the call).
  absl::Status MaybeFail(FaultOp op, const std::string& what) const;

  struct Plan {
    std::optional<FaultKind> all;  // every call fails
    int64_t nth = 0;               // 0: none; else countdown to the failure
    FaultKind nth_kind = FaultKind::kIoError;
  };

  std::unique_ptr<EventStore> base_;
  mutable std::mutex mu_;
  mutable std::array<Plan, kFaultOpCount> plans_;
  mutable int64_t any_nth_ = 0;  // countdown over all kinds; 0: none
  mutable FaultKind any_kind_ = FaultKind::kIoError;
  mutable std::array<int64_t, kFaultOpCount> calls_{};
  mutable int64_t injected_ = 0;
  std::array<std::function<void()>, kFaultOpCount> hooks_;
};

}  // namespace rota::storage
