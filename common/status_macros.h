// Status helpers that Debian's Abseil (20220623) does not ship.
//
//   ROTA_RETURN_IF_ERROR(expr);            // returns expr's status if not OK
//   ROTA_ASSIGN_OR_RETURN(auto x, expr);   // x = *expr, or returns its status
//   ROTA_CHECK(cond) << "context";         // aborts with file:line on a broken invariant
//
// ROTA_CHECK is for bugs only; anything input or the environment can cause
// returns an absl::Status instead.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define ROTA_INTERNAL_CONCAT_INNER(a, b) a##b
#define ROTA_INTERNAL_CONCAT(a, b) ROTA_INTERNAL_CONCAT_INNER(a, b)

#define ROTA_RETURN_IF_ERROR(expr)                      \
  do {                                                  \
    ::absl::Status rota_status_ = (expr);               \
    if (!rota_status_.ok()) return rota_status_;        \
  } while (false)

#define ROTA_INTERNAL_ASSIGN_OR_RETURN(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return std::move(tmp).status();       \
  lhs = std::move(tmp).value()

#define ROTA_ASSIGN_OR_RETURN(lhs, expr) \
  ROTA_INTERNAL_ASSIGN_OR_RETURN(        \
      ROTA_INTERNAL_CONCAT(rota_statusor_, __LINE__), lhs, expr)

namespace rota::internal {

// Collects a message and aborts in its destructor; used by ROTA_CHECK.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition) {
    stream_ << file << ":" << line << ": CHECK failed: " << condition << " ";
  }
  [[noreturn]] ~CheckFailure() {
    std::fprintf(stderr, "%s\n", stream_.str().c_str());
    std::fflush(stderr);
    std::abort();
  }
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

// Lets `ROTA_CHECK(x) << ...` be a void expression in both branches.
struct Voidify {
  void operator&(std::ostream&) {}
};

}  // namespace rota::internal

#define ROTA_CHECK(condition)                         \
  (condition) ? (void)0                               \
              : ::rota::internal::Voidify() &         \
                    ::rota::internal::CheckFailure(   \
                        __FILE__, __LINE__, #condition) \
                        .stream()

#define ROTA_CHECK_OK(expr)                                          \
  do {                                                               \
    ::absl::Status rota_check_status_ = (expr);                      \
    ROTA_CHECK(rota_check_status_.ok()) << rota_check_status_.ToString(); \
  } while (false)
