// Cooperative cancellation of the work one thread does for one call.
//
// The server opens a CancellationScope around each handler with a function
// that says whether the client has gone (gRPC's ServerContext::IsCancelled);
// long loops (whole-county scans, log walks, chain verification, replays)
// call CheckNotCancelled between batches and stop with CANCELLED, so a
// client that gives up stops costing CPU. Code that runs outside any scope
// (tests, tools) is never cancelled.
//
// Thread-safety: a scope belongs to the thread that opened it; the checks
// read only that thread's innermost scope.
//
// Example:
//   CancellationScope scope([ctx] { return ctx->IsCancelled(); });
//   ...
//   for (batch...) { ROTA_RETURN_IF_ERROR(CheckNotCancelled("verify chain")); }
#pragma once

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rota {

class CancellationScope {
 public:
  explicit CancellationScope(std::function<bool()> cancelled)
      : cancelled_(std::move(cancelled)), outer_(current_) {
    current_ = this;
  }
  ~CancellationScope() { current_ = outer_; }
  CancellationScope(const CancellationScope&) = delete;
  CancellationScope& operator=(const CancellationScope&) = delete;

  // Whether the work of this thread's innermost scope should stop.
  static bool Cancelled() {
    return current_ != nullptr && current_->cancelled_ &&
           current_->cancelled_();
  }

 private:
  std::function<bool()> cancelled_;
  CancellationScope* outer_;
  static inline thread_local CancellationScope* current_ = nullptr;
};

// CANCELLED ("the client went away during <what>") if this thread's call was
// cancelled, else OK.
inline absl::Status CheckNotCancelled(absl::string_view what) {
  if (!CancellationScope::Cancelled()) return absl::OkStatus();
  return absl::CancelledError(
      absl::StrCat("the client went away during ", what, "; stopped"));
}

}  // namespace rota
