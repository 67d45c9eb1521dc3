// Test helpers for service/storage tests: status assertions and a temporary
// directory that is removed afterwards.
//
// Thread-safety: TempDir is not shared between threads.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

#define ASSERT_OK(expr)                                                      \
  do {                                                                       \
    const ::absl::Status rota_s_ = ::rota::storage::testing::StatusOf(expr); \
    ASSERT_TRUE(rota_s_.ok()) << rota_s_;                                    \
  } while (false)
#define EXPECT_OK(expr)                                                      \
  do {                                                                       \
    const ::absl::Status rota_s_ = ::rota::storage::testing::StatusOf(expr); \
    EXPECT_TRUE(rota_s_.ok()) << rota_s_;                                    \
  } while (false)

namespace rota::storage::testing {

inline ::absl::Status StatusOf(const ::absl::Status& s) { return s; }
template <typename T>
::absl::Status StatusOf(const ::absl::StatusOr<T>& s) {
  return s.status();
}

// mkdtemp under $TMPDIR (or /tmp); removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string tmpl =
        std::string(base && *base ? base : "/tmp") + "/rota-storage-XXXXXX";
    char* made = mkdtemp(tmpl.data());
    if (made == nullptr) ADD_FAILURE() << "mkdtemp failed for " << tmpl;
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace rota::storage::testing
