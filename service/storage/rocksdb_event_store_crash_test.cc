// Durability under SIGKILL: a child process appends from several threads and
// reports every acknowledged event through a pipe; the parent kills it with
// SIGKILL mid-stream, reopens the store and checks that every acknowledged
// event is present (with the projection written in its batch) and that every
// chain verifies.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/storage/internal/test_util.h"
#include "service/storage/rocksdb_event_store.h"

namespace rota::storage {
namespace {

using ::rota::storage::testing::TempDir;

constexpr int kThreads = 4;
constexpr int kCounties = 3;

// Runs in the child: never returns.
[[noreturn]] void AppendForever(const std::string& path, int ack_fd) {
  auto store = RocksDbEventStore::Open({.path = path});
  if (!store.ok()) _exit(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string county = absl::StrCat("county", t % kCounties);
      for (int i = 0;; ++i) {
        uint64_t head = *(*store)->HeadSequence(county);
        std::string payload =
            absl::StrCat("t", t, "-", i, std::string(200, 'x'));
        auto r = (*store)->Append(
            county, head,
            {EventDraft{.actor = "crash",
                        .request_id = "",
                        .type = "x",
                        .payload = payload}},
            {ProjectionWrite::Put(absl::StrCat("seq/", head + 1), payload)});
        if (!r.ok()) {
          if (r.status().code() == absl::StatusCode::kAborted) continue;
          _exit(3);
        }
        // One write() of < PIPE_BUF bytes is atomic even with several threads.
        std::string line = absl::StrCat(county, " ", (*r)[0].sequence, "\n");
        if (write(ack_fd, line.data(), line.size()) !=
            static_cast<ssize_t>(line.size()))
          _exit(4);
      }
    });
  }
  for (auto& th : threads) th.join();
  _exit(0);
}

TEST(RocksDbEventStoreCrashTest, AcknowledgedAppendsSurviveSigkill) {
  TempDir dir;
  const std::string path = dir.Sub("db");
  std::map<std::string, uint64_t> max_acked;  // per county
  size_t acks = 0;
  // Several kill points: early (while the first memtable is still in the WAL
  // only) and after some history.
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      AppendForever(path, fds[1]);
    }
    close(fds[1]);
    const size_t target = acks + 150 + 100 * round;
    std::string buffer;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (acks < target && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fds[0], POLLIN, 0};
      if (poll(&p, 1, 1000) <= 0) continue;
      char chunk[4096];
      ssize_t n = read(fds[0], chunk, sizeof chunk);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<size_t>(n));
      size_t nl;
      while ((nl = buffer.find('\n')) != std::string::npos) {
        std::string line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        size_t space = line.find(' ');
        uint64_t seq = std::stoull(line.substr(space + 1));
        uint64_t& m = max_acked[line.substr(0, space)];
        m = std::max(m, seq);
        ++acks;
      }
    }
    kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status))
        << "child exited early with status " << WEXITSTATUS(status);
    ASSERT_GE(acks, target)
        << "child too slow: " << acks << " acknowledgements";

    auto store = RocksDbEventStore::Open({.path = path});
    ASSERT_OK(store);
    for (const auto& [county, acked] : max_acked) {
      uint64_t head = *(*store)->HeadSequence(county);
      EXPECT_GE(head, acked)
          << county << " lost acknowledged events (round " << round << ")";
      auto report = (*store)->VerifyChain(county);
      ASSERT_OK(report);
      EXPECT_TRUE(report->ok) << county << ": " << report->problem;
      EXPECT_EQ(report->events, head);
      // Events and projections are atomic: exactly one "seq/N" per event.
      auto events = (*store)->ReadRange(county, 1, head + 10);
      ASSERT_OK(events);
      ASSERT_EQ(events->size(), head);
      auto snap = (*store)->GetSnapshot(county);
      ASSERT_OK(snap);
      auto seqs = (*snap)->Scan("seq/", "", head + 10);
      ASSERT_OK(seqs);
      EXPECT_EQ(seqs->size(), head);
      for (const Event& e : *events) {
        auto v = (*snap)->Get(absl::StrCat("seq/", e.sequence));
        ASSERT_OK(v);
        ASSERT_TRUE(v->has_value())
            << county << " event " << e.sequence << " has no projection";
        EXPECT_EQ(**v, e.payload);
      }
    }
  }
}

}  // namespace
}  // namespace rota::storage
