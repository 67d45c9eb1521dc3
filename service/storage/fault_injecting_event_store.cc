#include "service/storage/fault_injecting_event_store.h"

#include "absl/strings/str_cat.h"

namespace rota::storage {

class FaultInjectingEventStore::FaultySnapshot final : public Snapshot {
 public:
  FaultySnapshot(const FaultInjectingEventStore* owner,
                 std::unique_ptr<Snapshot> base)
      : owner_(owner), base_(std::move(base)) {}

  uint64_t head_sequence() const override { return base_->head_sequence(); }

  absl::StatusOr<std::optional<std::string>> Get(
      const std::string& key) const override {
    if (absl::Status s = owner_->MaybeFail(FaultOp::kRead, "read projection");
        !s.ok()) {
      return s;
    }
    return base_->Get(key);
  }

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Scan(
      const std::string& prefix, const std::string& start_after,
      size_t limit) const override {
    if (absl::Status s = owner_->MaybeFail(FaultOp::kRead, "scan projections");
        !s.ok()) {
      return s;
    }
    return base_->Scan(prefix, start_after, limit);
  }

 private:
  const FaultInjectingEventStore* owner_;
  std::unique_ptr<Snapshot> base_;
};

FaultInjectingEventStore::FaultInjectingEventStore(
    std::unique_ptr<EventStore> base)
    : base_(std::move(base)) {}

FaultInjectingEventStore::~FaultInjectingEventStore() = default;

void FaultInjectingEventStore::FailNth(FaultOp op, int64_t n, FaultKind kind) {
  std::lock_guard lock(mu_);
  Plan& plan = plans_[static_cast<int>(op)];
  plan.all.reset();
  plan.nth = n;
  plan.nth_kind = kind;
}

void FaultInjectingEventStore::FailNthOfAny(int64_t n, FaultKind kind) {
  std::lock_guard lock(mu_);
  plans_ = {};
  any_nth_ = n;
  any_kind_ = kind;
}

void FaultInjectingEventStore::FailAll(FaultOp op, FaultKind kind) {
  std::lock_guard lock(mu_);
  Plan& plan = plans_[static_cast<int>(op)];
  plan.all = kind;
  plan.nth = 0;
}

void FaultInjectingEventStore::Clear() {
  std::lock_guard lock(mu_);
  plans_ = {};
  any_nth_ = 0;
}

void FaultInjectingEventStore::SetHook(FaultOp op, std::function<void()> hook) {
  std::lock_guard lock(mu_);
  hooks_[static_cast<int>(op)] = std::move(hook);
}

int64_t FaultInjectingEventStore::calls(FaultOp op) const {
  std::lock_guard lock(mu_);
  return calls_[static_cast<int>(op)];
}

int64_t FaultInjectingEventStore::injected() const {
  std::lock_guard lock(mu_);
  return injected_;
}

absl::Status FaultInjectingEventStore::MaybeFail(
    FaultOp op, const std::string& what) const {
  std::function<void()> hook;
  {
    std::lock_guard lock(mu_);
    hook = hooks_[static_cast<int>(op)];
  }
  if (hook) hook();
  std::optional<FaultKind> kind;
  {
    std::lock_guard lock(mu_);
    ++calls_[static_cast<int>(op)];
    Plan& plan = plans_[static_cast<int>(op)];
    if (plan.all) {
      kind = plan.all;
    } else if (plan.nth > 0 && --plan.nth == 0) {
      kind = plan.nth_kind;
    }
    if (any_nth_ > 0 && --any_nth_ == 0) kind = any_kind_;
    if (kind) ++injected_;
  }
  if (!kind) return absl::OkStatus();
  if (*kind == FaultKind::kNoSpace) {
    return absl::ResourceExhaustedError(
        absl::StrCat(what, ": IO error: No space left on device (injected)"));
  }
  return absl::UnavailableError(
      absl::StrCat(what, ": IO error: Input/output error (injected)"));
}

absl::StatusOr<std::vector<Event>> FaultInjectingEventStore::Append(
    const std::string& county, uint64_t expected_sequence,
    std::vector<EventDraft> drafts, std::vector<ProjectionWrite> writes) {
  if (absl::Status s =
          MaybeFail(FaultOp::kAppend, "append to county \"" + county + "\"");
      !s.ok()) {
    return s;
  }
  return base_->Append(county, expected_sequence, std::move(drafts),
                       std::move(writes));
}

absl::StatusOr<std::vector<Event>> FaultInjectingEventStore::ReadRange(
    const std::string& county, uint64_t from, size_t limit) const {
  if (absl::Status s = MaybeFail(FaultOp::kRead, "read events"); !s.ok())
    return s;
  return base_->ReadRange(county, from, limit);
}

absl::StatusOr<uint64_t> FaultInjectingEventStore::HeadSequence(
    const std::string& county) const {
  return base_->HeadSequence(county);
}

absl::StatusOr<std::optional<std::string>>
FaultInjectingEventStore::ReadProjection(const std::string& county,
                                         const std::string& key) const {
  if (absl::Status s = MaybeFail(FaultOp::kRead, "read projection"); !s.ok())
    return s;
  return base_->ReadProjection(county, key);
}

absl::StatusOr<std::unique_ptr<Snapshot>> FaultInjectingEventStore::GetSnapshot(
    const std::string& county) const {
  if (absl::Status s = MaybeFail(FaultOp::kSnapshot, "open snapshot"); !s.ok())
    return s;
  absl::StatusOr<std::unique_ptr<Snapshot>> base = base_->GetSnapshot(county);
  if (!base.ok()) return base.status();
  return std::make_unique<FaultySnapshot>(this, *std::move(base));
}

absl::StatusOr<std::vector<std::string>>
FaultInjectingEventStore::ListCounties() const {
  if (absl::Status s = MaybeFail(FaultOp::kRead, "list counties"); !s.ok())
    return s;
  return base_->ListCounties();
}

absl::StatusOr<ChainReport> FaultInjectingEventStore::VerifyChain(
    const std::string& county) const {
  if (absl::Status s = MaybeFail(FaultOp::kRead, "walk events"); !s.ok())
    return s;
  return base_->VerifyChain(county);
}

}  // namespace rota::storage
