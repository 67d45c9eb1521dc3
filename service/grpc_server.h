// RotaServer: the gRPC server of rotad. It serves rota.v1.RegistryService and
// rota.v1.AuditService (callback API), grpc.health.v1 and server reflection.
//
// Life cycle: Start() listens at once with health NOT_SERVING and every Rota
// call answering UNAVAILABLE; AttachStore() hands over the opened,
// recovered EventStore and flips health to SERVING; Shutdown() stops
// accepting, drains in-flight calls (cancelling them after the deadline) and
// closes the store.
//
// Requests are read as raw bytes and parsed here, so that text that is not
// valid UTF-8 becomes INVALID_ARGUMENT naming the field instead of an opaque
// parse failure. Reads run inline on gRPC's threads; writes (which wait for
// fsync) run on a worker pool so they never block gRPC's event threads.
//
// Thread-safety: Start/AttachStore/Shutdown are called by one owner thread;
// the served calls are concurrent.
//
// Example:
//   ROTA_ASSIGN_OR_RETURN(auto server, RotaServer::Start({.listen =
//   "127.0.0.1:0"})); ROTA_ASSIGN_OR_RETURN(auto store,
//   storage::RocksDbEventStore::Open({.path = dir}));
//   server->AttachStore(std::move(store));
//   std::cout << "rotad listening on " << server->address() << "\n";
//   ...
//   server->Shutdown(absl::Seconds(10));
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/access.h"
#include "service/server_limits.h"
#include "service/storage/event_store.h"

namespace rota::service {

struct ServerOptions {
  // HOST:PORT to listen on; port 0 picks a free port.
  std::string listen = "127.0.0.1:50051";
  // Threads that run writes (each may wait for an fsync; concurrent writers
  // of different counties share fsyncs through the store's group commit).
  int write_threads = 8;
  // Largest accepted request or BulkImport chunk. A teacher at every field
  // limit (validation.h) is a few hundred KB and rotactl sends chunks of at
  // most 1 MB, so 4 MB leaves room while bounding what one call (and the 16
  // chunks an import stream may queue) can make rotad hold. gRPC refuses a
  // larger message with RESOURCE_EXHAUSTED before it is parsed; oversized
  // fields within the limit reach validation (INVALID_ARGUMENT).
  int max_receive_message_bytes = 4 * 1024 * 1024;
  // TLS: PEM server certificate chain and private key; both empty = plain
  // text. With `tls_client_ca` (PEM), client certificates are requested and,
  // when presented, must verify against it (clients with a bearer token may
  // come without one).
  std::string tls_cert_pem = "";
  std::string tls_key_pem = "";
  std::string tls_client_ca_pem = "";
  // Who may call what; null = local mode (every caller is the operator).
  std::shared_ptr<const AccessControl> access = nullptr;
  // Connections, memory, long reads (server_limits.h).
  ServerLimits limits = {};
};

class RotaServer {
 public:
  // Listens on `options.listen`. UNAVAILABLE if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<RotaServer>> Start(
      const ServerOptions& options);
  ~RotaServer();

  // Starts serving Rota calls from `store` (health: SERVING).
  // REQUIRES: called once, before Shutdown.
  void AttachStore(std::unique_ptr<storage::EventStore> store);

  // HOST:PORT actually bound (the real port when 0 was asked for).
  const std::string& address() const { return address_; }
  int port() const { return port_; }

  // Stops accepting calls, waits up to `drain` for in-flight calls, then
  // cancels the rest and closes the store. Idempotent.
  void Shutdown(absl::Duration drain);

 private:
  struct Impl;
  explicit RotaServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string address_;
  int port_ = 0;
};

}  // namespace rota::service
