// ServerLimits: what one client (or a crowd of them) may cost rotad, and how
// rotad keeps accepting when file descriptors run out.
//
//   - Connections: keepalive pings find dead peers; a connection idle for
//     `max_connection_idle` is closed (clients reconnect transparently); at
//     most `max_concurrent_streams` calls run on one connection.
//   - Memory: all connections share a gRPC resource quota of `memory_bytes`
//     (a client that stops reading cannot make rotad buffer without bound).
//   - Long reads (chain verification, replays, log walks and listings, county
//     summaries) run on their own `long_read_threads`, never on the threads
//     that run writes, so an audit cannot delay a registry write; at most
//     `max_queued_long_reads` wait, more are refused with RESOURCE_EXHAUSTED.
//   - File descriptors: RaiseOpenFileLimit() lifts the soft RLIMIT_NOFILE to
//     the hard one at start. gRPC 1.51 stops listening for good after one
//     accept() fails with EMFILE; rotad's accept guard (accept_guard.cc)
//     sheds that one connection instead, so the listener survives.
//
// Thread-safety: plain data and free functions.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace grpc {
class ServerBuilder;
}

namespace rota::service {

struct ServerLimits {
  // Calls in flight on one HTTP/2 connection.
  int max_concurrent_streams = 100;
  // A connection with no call for this long is closed (GOAWAY).
  absl::Duration max_connection_idle = absl::Minutes(5);
  // Keepalive ping interval and how long to wait for its answer.
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // Memory all connections' buffers may use together.
  int64_t memory_bytes = int64_t{1} << 30;
  // Threads for long reads, and how many may wait for one.
  int long_read_threads = 2;
  int max_queued_long_reads = 32;
};

// Sets the connection, keepalive and memory limits on `builder`.
void ApplyServerLimits(const ServerLimits& limits,
                       grpc::ServerBuilder& builder);

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft
// limit (unchanged if already at the hard limit).
absl::StatusOr<uint64_t> RaiseOpenFileLimit();

}  // namespace rota::service
