// rotad: the Rota server. Opens the RocksDB store in --data-dir, serves
// rota.v1 (registry and audit), grpc.health.v1 and reflection on --listen.
//
//   rotad --data-dir ./rota-data --listen 127.0.0.1:50051
//
// Prints exactly one line `rotad listening on HOST:PORT` once the storage is
// open and the server is SERVING. SIGTERM or SIGINT: stop accepting, drain
// in-flight calls (up to --drain-seconds), close RocksDB, exit 0.
// Exit codes: 0 clean shutdown, 1 storage or listen failure, 2 bad flags.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/time/time.h"
#include "service/grpc_server.h"
#include "service/server_limits.h"
#include "service/storage/recovering_event_store.h"

int main(int argc, char** argv) {
  std::string data_dir = "./rota-data";
  rota::service::ServerOptions options;
  int drain_seconds = 10;
  CLI::App app{
      "rotad: the Rota server (county teacher registry, rounds and audit over "
      "gRPC)"};
  app.add_option("--data-dir", data_dir,
                 "RocksDB directory (created if missing)")
      ->capture_default_str();
  app.add_option("--listen", options.listen,
                 "HOST:PORT to listen on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--write-threads", options.write_threads,
                 "threads that run writes (each may wait for an fsync)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--drain-seconds", drain_seconds,
                 "on SIGTERM, how long in-flight calls may finish before they "
                 "are cancelled")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  // Block the shutdown signals before any thread starts, so every thread
  // inherits the mask and only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Every connection costs a descriptor: use all the hard limit allows.
  if (auto files = rota::service::RaiseOpenFileLimit(); !files.ok()) {
    std::cerr << "rotad: " << files.status() << "\n";
  }
  auto server = rota::service::RotaServer::Start(options);
  if (!server.ok()) {
    std::cerr << "rotad: " << server.status() << "\n";
    return 1;
  }
  // A full or failing disk does not stop rotad: it serves reads read-only
  // and resumes writes by itself (recovering_event_store.h).
  rota::storage::RecoveringEventStoreOptions store_options;
  store_options.store.path = data_dir;
  auto store =
      rota::storage::RecoveringEventStore::Open(std::move(store_options));
  if (!store.ok()) {
    std::cerr << "rotad: cannot open storage in " << data_dir << ": "
              << store.status() << "\n";
    (*server)->Shutdown(absl::ZeroDuration());
    return 1;
  }
  if (!(*store)->writable()) {
    std::cerr << "rotad: serving read-only until writes work again: "
              << (*store)->write_error() << "\n";
  }
  (*server)->AttachStore(std::move(*store));
  std::cout << "rotad listening on " << (*server)->address() << std::endl;

  int signal = 0;
  sigwait(&signals, &signal);
  std::cerr << "rotad: " << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
            << ": draining and closing storage\n";
  (*server)->Shutdown(absl::Seconds(drain_seconds));
  std::cerr << "rotad: stopped cleanly\n";
  return 0;
}
