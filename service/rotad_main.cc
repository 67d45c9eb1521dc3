// rotad: the Rota server. Opens the RocksDB store in --data-dir, serves
// rota.v1 (registry, policy, rounds and audit), grpc.health.v1 and reflection
// on --listen.
//
//   rotad --data-dir ./rota-data --listen 127.0.0.1:50051
//   rotad --config /etc/rota/rotad.conf
//
// Security (README "Security"): on a loopback address with no access
// configuration rotad runs in local mode (every caller is the local operator
// with province-operator rights). With --access (plus --tokens and/or
// --tls-client-ca) every caller must authenticate and is held to its roles.
// On any other address TLS (--tls-cert/--tls-key) and an access
// configuration are required unless --insecure is given.
//
// --config FILE holds `key = value` lines with the long flag names as keys
// (e.g. `tls-cert = /etc/rota/server.pem`); flags on the command line win.
//
// Prints exactly one line `rotad listening on HOST:PORT` on stdout once the
// storage is open and the server is SERVING (the mode goes to stderr).
// SIGTERM or SIGINT: stop accepting, drain in-flight calls (up to
// --drain-seconds), close RocksDB, exit 0.
// Exit codes: 0 clean shutdown, 1 storage or listen failure, 2 bad flags or
// configuration.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "service/access.h"
#include "service/grpc_server.h"
#include "service/page_token.h"
#include "service/server_limits.h"
#include "service/storage/recovering_event_store.h"
#include "tools/version/version.h"

namespace {

constexpr size_t kSecretBytes = 32;
constexpr char kSecretFileName[] = "page-token-secret";

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// True for 127.0.0.0/8, ::1 and localhost.
bool IsLoopback(const std::string& listen) {
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

// The page-token secret: from `file` if given, else from the data
// directory, drawn there (32 bytes of /dev/urandom, mode 0600) on first
// start so that tokens survive a restart.
absl::StatusOr<std::string> PageTokenSecret(const std::string& file,
                                            const std::string& data_dir) {
  if (!file.empty()) return ReadFile(file);
  const std::string path =
      (std::filesystem::path(data_dir) / kSecretFileName).string();
  if (std::filesystem::exists(path)) return ReadFile(path);
  std::string secret(kSecretBytes, '\0');
  {
    std::ifstream random("/dev/urandom", std::ios::binary);
    if (!random.read(secret.data(), kSecretBytes))
      return absl::InternalError("cannot read /dev/urandom");
  }
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot write ", tmp));
  const bool written = ::write(fd, secret.data(), secret.size()) ==
                           static_cast<ssize_t>(secret.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    // A full disk must not stop a read-only start: this run keeps the drawn
    // key, and page tokens it hands out end with it.
    std::cerr << "rotad: cannot write " << path
              << "; page tokens will not survive a restart\n";
    ::unlink(tmp.c_str());
  }
  return secret;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = "./rota-data";
  rota::service::ServerOptions options;
  int drain_seconds = 10;
  std::string tls_cert, tls_key, tls_client_ca, tokens_file, access_file,
      secret_file;
  bool insecure = false;
  CLI::App app{
      "rotad: the Rota server (county teacher registry, rounds and audit over "
      "gRPC)"};
  app.set_config("--config", "",
                 "file of `key = value` lines setting any long flag below");
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
  app.add_option("--tls-cert", tls_cert, "PEM server certificate chain");
  app.add_option("--tls-key", tls_key, "PEM private key of --tls-cert");
  app.add_option("--tls-client-ca", tls_client_ca,
                 "PEM CA that signs client certificates (mTLS)");
  app.add_option("--tokens", tokens_file,
                 "bearer token file: `SHA256HEX IDENTITY` lines");
  app.add_option("--access", access_file,
                 "roles file: `ROLE COUNTY IDENTITY` lines");
  app.add_option("--page-token-secret-file", secret_file,
                 "key of List page tokens (default: drawn into the data "
                 "directory on first start)");
  app.add_flag("--insecure", insecure,
               "allow plain text or no authentication on a non-loopback "
               "address (NOT for production)");
  app.set_version_flag("--version", rota::VersionText("rotad"));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  auto usage = [](const std::string& message) {
    std::cerr << "rotad: " << message << "\n";
    return 2;
  };
  const bool loopback = IsLoopback(options.listen);
  const bool tls = !tls_cert.empty();
  const bool auth =
      !access_file.empty() || !tokens_file.empty() || !tls_client_ca.empty();
  if (tls_cert.empty() != tls_key.empty())
    return usage("--tls-cert and --tls-key go together");
  if (!tls_client_ca.empty() && !tls)
    return usage("--tls-client-ca needs --tls-cert and --tls-key");
  if (auth && access_file.empty())
    return usage(
        "--access FILE is required with --tokens or --tls-client-ca (it says "
        "who may do what)");
  if (auth && tokens_file.empty() && tls_client_ca.empty())
    return usage(
        "--access needs a way to authenticate callers: --tokens FILE and/or "
        "--tls-client-ca PEM");
  if (!loopback && !tls && !insecure)
    return usage(absl::StrCat(
        "refusing to listen on ", options.listen,
        " without TLS: give --tls-cert and --tls-key (or --insecure to send "
        "everything in plain text, never in production)"));
  if (!loopback && !auth && !insecure)
    return usage(absl::StrCat(
        "refusing to listen on ", options.listen,
        " without authentication: give --access with --tokens and/or "
        "--tls-client-ca (or --insecure to let every caller act as the "
        "operator, never in production)"));

  if (tls) {
    auto cert = ReadFile(tls_cert);
    auto key = ReadFile(tls_key);
    if (!cert.ok()) return usage(std::string(cert.status().message()));
    if (!key.ok()) return usage(std::string(key.status().message()));
    options.tls_cert_pem = *cert;
    options.tls_key_pem = *key;
    if (!tls_client_ca.empty()) {
      auto ca = ReadFile(tls_client_ca);
      if (!ca.ok()) return usage(std::string(ca.status().message()));
      options.tls_client_ca_pem = *ca;
    }
  }
  if (auth) {
    auto access = rota::service::AccessControl::Load(tokens_file, access_file);
    if (!access.ok()) return usage(std::string(access.status().message()));
    options.access = *access;
    std::cerr << "rotad: authenticated mode: " << (*access)->identities()
              << " identities with roles, " << (*access)->tokens()
              << " bearer tokens, client certificates "
              << (tls_client_ca.empty() ? "off" : "on") << ", TLS "
              << (tls ? "on" : "off") << "\n";
  } else {
    options.access = rota::service::AccessControl::Local();
    std::cerr << "rotad: local mode: every caller is the local operator with "
                 "province-operator rights on every county (give --access "
                 "with --tokens or --tls-client-ca to require "
                 "authentication)\n";
  }
  if (insecure && !loopback && (!tls || !auth)) {
    std::cerr << "rotad: WARNING: --insecure on " << options.listen << ": "
              << (tls ? "" : "requests and tokens travel in PLAIN TEXT; ")
              << (auth ? ""
                       : "ANY caller that reaches the port can read and "
                         "change EVERY county; ")
              << "never use this in production\n";
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
  auto secret = PageTokenSecret(secret_file, data_dir);
  absl::Status secret_set = secret.ok()
                                ? rota::service::SetPageTokenSecret(*secret)
                                : secret.status();
  if (!secret_set.ok()) {
    std::cerr << "rotad: page-token secret: " << secret_set << "\n";
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
