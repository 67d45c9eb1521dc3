// RotadProcess: the real `rotad` binary as a child process, for black-box
// end-to-end tests and load drivers.
//
// Start() creates a fresh temporary data directory, runs
//   rotad --data-dir DIR --listen 127.0.0.1:0
// reads the one `rotad listening on HOST:PORT` line from its stdout, then
// waits on grpc.health.v1 (a Watch stream, no sleeps) until the overall
// service "" is SERVING. The object hands out gRPC stubs bound to that
// address. Stop() sends SIGTERM and waits for the exit code, Kill9() sends
// SIGKILL, Restart() starts rotad again on the same directory (a new port).
// The destructor kills a still-running rotad and removes the directory
// (unless RotadOptions::keep_data_dir).
//
// Which binary: RotadOptions::binary, else the environment variable
// ROTAD_BINARY, else the path CMake compiled in (ROTA_ROTAD_PATH).
//
// Thread-safety: the stubs may be used from many threads at once (gRPC stubs
// are thread-safe). Start/Stop/Kill9/Restart must not race with each other;
// call them from the thread that created the object (rotad is started with
// PR_SET_PDEATHSIG, so it dies with the thread that forked it).
//
// Example:
//   ASSERT_OK_AND_ASSIGN(auto rotad, RotadProcess::Start());
//   rota::v1::County county;
//   grpc::ClientContext ctx;
//   grpc::Status s = rotad->registry().CreateCounty(&ctx, request, &county);
//   ASSERT_OK(rotad->Stop());          // SIGTERM; OK iff it exited 0
//   ASSERT_OK(rotad->Restart());       // same data directory
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/rpc/error_details.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "rota/v1/audit.grpc.pb.h"
#include "rota/v1/registry.grpc.pb.h"

namespace rota::testing {

struct RotadOptions {
  // Path of the rotad binary; empty: $ROTAD_BINARY, else the one CMake built.
  std::string binary;
  // Data directory; empty: a fresh directory under $TMPDIR (or /tmp).
  std::string data_dir;
  // Keep the data directory when the object is destroyed.
  bool keep_data_dir = false;
  // Extra command-line arguments appended after --data-dir and --listen.
  std::vector<std::string> extra_args;
  // The --listen address.
  std::string listen = "127.0.0.1:0";
  // Credentials of the fixture's channels (health wait and stubs); null =
  // plain text. A TLS rotad needs TLS credentials trusting its certificate.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // How long to wait for the `listening` line and for SERVING.
  absl::Duration startup_timeout = absl::Seconds(60);
  // Forward rotad's stderr to ours (set false in load drivers to keep
  // output clean; it then goes to /dev/null).
  bool forward_stderr = true;
};

class RotadProcess {
 public:
  // Creates the data directory (if not given) and starts rotad.
  // FAILED_PRECONDITION if no binary is known; UNAVAILABLE if rotad exits or
  // does not become SERVING within the timeout (its exit status is in the
  // message).
  static absl::StatusOr<std::unique_ptr<RotadProcess>> Start(
      RotadOptions options = {});

  ~RotadProcess();
  RotadProcess(const RotadProcess&) = delete;
  RotadProcess& operator=(const RotadProcess&) = delete;

  // Sends SIGTERM and waits up to `timeout`. OK iff rotad exited with status
  // 0; otherwise INTERNAL naming the exit code or signal (on timeout rotad is
  // SIGKILLed and DEADLINE_EXCEEDED returned). REQUIRES: running().
  absl::Status Stop(absl::Duration timeout = absl::Seconds(30));

  // Sends SIGKILL and reaps the process. REQUIRES: running().
  absl::Status Kill9();

  // Starts rotad again on the same data directory (new port, new channel and
  // stubs; old stubs must not be used any more). REQUIRES: !running().
  absl::Status Restart();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // "HOST:PORT" as rotad printed it.
  const std::string& address() const { return address_; }
  const std::string& data_dir() const { return options_.data_dir; }

  // A new channel to rotad (for load drivers that want one channel per thread).
  std::shared_ptr<grpc::Channel> NewChannel() const;
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  rota::v1::RegistryService::Stub& registry() { return *registry_; }
  rota::v1::AuditService::Stub& audit() { return *audit_; }
  grpc::health::v1::Health::Stub& health() { return *health_; }

  // Health Check of `service` ("" = overall), with a short deadline.
  absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus>
  HealthStatus(const std::string& service = "");

 private:
  explicit RotadProcess(RotadOptions options) : options_(std::move(options)) {}
  absl::Status Launch();
  absl::Status WaitServing(absl::Time deadline);
  // Waits for the child to exit until `deadline`; returns its wait status.
  absl::StatusOr<int> WaitExit(absl::Time deadline);
  void JoinDrainer();

  RotadOptions options_;
  bool owns_dir_ = false;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::thread drainer_;  // copies rotad's remaining stdout to our stderr
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<rota::v1::RegistryService::Stub> registry_;
  std::unique_ptr<rota::v1::AuditService::Stub> audit_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

// A ClientContext with a deadline `timeout` from now and, if non-empty, the
// caller identity metadata (`x-rota-actor`, or `x-rota-actor-bin` for a name
// that is not printable ASCII).
std::unique_ptr<grpc::ClientContext> NewContext(
    absl::Duration timeout = absl::Seconds(30), const std::string& actor = "");

// The google.rpc details rotad attaches to an error status (the
// grpc-status-details-bin trailer). nullopt if absent or unparsable.
std::optional<google::rpc::BadRequest> GetBadRequest(
    const grpc::Status& status);
std::optional<google::rpc::ErrorInfo> GetErrorInfo(const grpc::Status& status);
// Field paths of every BadRequest violation, in order.
std::vector<std::string> ViolationFields(const grpc::Status& status);

// "INVALID_ARGUMENT: message [fields: a, b] [reason: R]" for failure messages.
std::string Describe(const grpc::Status& status);
// The canonical name of a code, e.g. "INVALID_ARGUMENT".
std::string CodeName(grpc::StatusCode code);

}  // namespace rota::testing
