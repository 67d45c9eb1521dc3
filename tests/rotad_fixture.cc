#include "tests/rotad_fixture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/status.pb.h"

#ifndef ROTA_ROTAD_PATH
#define ROTA_ROTAD_PATH ""
#endif

namespace rota::testing {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr char kListeningPrefix[] = "rotad listening on ";

std::string DescribeWaitStatus(int wstatus) {
  if (WIFEXITED(wstatus))
    return absl::StrCat("exit code ", WEXITSTATUS(wstatus));
  if (WIFSIGNALED(wstatus))
    return absl::StrCat("killed by signal ", WTERMSIG(wstatus));
  return absl::StrCat("wait status ", wstatus);
}

int RemainingMillis(absl::Time deadline) {
  absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
}

absl::StatusOr<std::string> MakeTempDir() {
  const char* tmp = getenv("TMPDIR");
  std::string templ = absl::StrCat(
      tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/rotad-e2e-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", strerror(errno)));
  }
  return templ;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RotadProcess>> RotadProcess::Start(
    RotadOptions options) {
  if (options.binary.empty()) {
    const char* env = getenv("ROTAD_BINARY");
    options.binary = env != nullptr && *env != '\0' ? env : ROTA_ROTAD_PATH;
  }
  if (options.binary.empty()) {
    return absl::FailedPreconditionError(
        "no rotad binary: set ROTAD_BINARY or build with the rotad target");
  }
  std::unique_ptr<RotadProcess> process(new RotadProcess(std::move(options)));
  if (process->options_.data_dir.empty()) {
    absl::StatusOr<std::string> dir = MakeTempDir();
    if (!dir.ok()) return dir.status();
    process->options_.data_dir = *dir;
    process->owns_dir_ = true;
  }
  absl::Status status = process->Launch();
  if (!status.ok()) return status;
  return process;
}

RotadProcess::~RotadProcess() {
  if (running()) {
    kill(pid_, SIGKILL);
    (void)WaitExit(absl::InfiniteFuture());
  }
  JoinDrainer();
  if (owns_dir_ && !options_.keep_data_dir) {
    std::error_code ec;
    std::filesystem::remove_all(options_.data_dir, ec);
  }
}

absl::Status RotadProcess::Launch() {
  if (running())
    return absl::FailedPreconditionError("rotad is already running");
  JoinDrainer();

  std::vector<std::string> args = {options_.binary, "--data-dir",
                                   options_.data_dir, "--listen",
                                   options_.listen};
  args.insert(args.end(), options_.extra_args.begin(),
              options_.extra_args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    return absl::InternalError(absl::StrCat("pipe2: ", strerror(errno)));
  const int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid < 0) {
    close(out[0]);
    close(out[1]);
    if (devnull >= 0) close(devnull);
    return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until execv.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(out[1], STDOUT_FILENO);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      if (!options_.forward_stderr) dup2(devnull, STDERR_FILENO);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  if (devnull >= 0) close(devnull);
  pid_ = pid;
  // glibc 2.36 declares pidfd_open without C linkage; use the syscall.
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));

  const absl::Time deadline = absl::Now() + options_.startup_timeout;
  // Read stdout until the `listening` line.
  std::string line;
  std::string buffer;
  bool found = false;
  while (!found) {
    pollfd pfd{out[0], POLLIN, 0};
    int ready = poll(&pfd, 1, RemainingMillis(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;  // timeout
    char chunk[4096];
    ssize_t n = read(out[0], chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: rotad exited or closed stdout
    buffer.append(chunk, static_cast<size_t>(n));
    size_t newline;
    while ((newline = buffer.find('\n')) != std::string::npos) {
      line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      if (line.rfind(kListeningPrefix, 0) == 0) {
        found = true;
        break;
      }
      fprintf(stderr, "[rotad stdout] %s\n", line.c_str());
    }
  }
  if (!found) {
    close(out[0]);
    kill(pid_, SIGKILL);
    absl::StatusOr<int> wstatus = WaitExit(absl::InfiniteFuture());
    return absl::UnavailableError(
        absl::StrCat("rotad did not print '", kListeningPrefix, "HOST:PORT' (",
                     wstatus.ok() ? DescribeWaitStatus(*wstatus)
                                  : std::string(wstatus.status().message()),
                     "); other stdout: ", buffer));
  }
  address_ = line.substr(sizeof(kListeningPrefix) - 1);
  while (!address_.empty() &&
         (address_.back() == '\r' || address_.back() == ' ')) {
    address_.pop_back();
  }
  // Keep draining stdout so rotad never blocks on a full pipe.
  const int fd = out[0];
  std::string rest = std::move(buffer);
  drainer_ = std::thread([fd, rest] {
    if (!rest.empty()) fprintf(stderr, "[rotad stdout] %s", rest.c_str());
    char chunk[4096];
    while (true) {
      ssize_t n = read(fd, chunk, sizeof(chunk));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      fwrite(chunk, 1, static_cast<size_t>(n), stderr);
    }
    close(fd);
  });

  channel_ = NewChannel();
  registry_ = rota::v1::RegistryService::NewStub(channel_);
  audit_ = rota::v1::AuditService::NewStub(channel_);
  health_ = grpc::health::v1::Health::NewStub(channel_);
  return WaitServing(deadline);
}

std::shared_ptr<grpc::Channel> RotadProcess::NewChannel() const {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  // Distinct channels must not share one TCP connection (load drivers).
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address_,
                                   options_.credentials != nullptr
                                       ? options_.credentials
                                       : grpc::InsecureChannelCredentials(),
                                   args);
}

absl::Status RotadProcess::WaitServing(absl::Time deadline) {
  // A Watch stream reports the current status at once and every change
  // after it, so this waits for SERVING without polling in a sleep loop.
  while (absl::Now() < deadline) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(deadline));
    ctx.set_wait_for_ready(true);
    HealthCheckRequest request;
    std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader =
        health_->Watch(&ctx, request);
    HealthCheckResponse response;
    while (reader->Read(&response)) {
      if (response.status() == HealthCheckResponse::SERVING) {
        ctx.TryCancel();
        (void)reader->Finish();
        return absl::OkStatus();
      }
    }
    grpc::Status status = reader->Finish();
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) break;
    if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      return absl::UnavailableError(
          "rotad does not implement grpc.health.v1 Watch");
    }
    // The stream ended without SERVING (e.g. server restarting): watch again,
    // unless rotad died.
    int wstatus = 0;
    if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      if (pidfd_ >= 0) close(pidfd_);
      pidfd_ = -1;
      return absl::UnavailableError(absl::StrCat(
          "rotad exited before SERVING: ", DescribeWaitStatus(wstatus)));
    }
  }
  return absl::UnavailableError(
      absl::StrCat("rotad at ", address_, " not SERVING within ",
                   absl::FormatDuration(options_.startup_timeout)));
}

absl::StatusOr<int> RotadProcess::WaitExit(absl::Time deadline) {
  while (true) {
    int wstatus = 0;
    pid_t r = waitpid(pid_, &wstatus, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      if (pidfd_ >= 0) close(pidfd_);
      pidfd_ = -1;
      return wstatus;
    }
    if (r < 0 && errno != EINTR)
      return absl::InternalError(absl::StrCat("waitpid: ", strerror(errno)));
    if (absl::Now() >= deadline)
      return absl::DeadlineExceededError("rotad did not exit in time");
    if (pidfd_ >= 0) {
      // The pidfd becomes readable when the process exits.
      pollfd pfd{pidfd_, POLLIN, 0};
      int timeout =
          deadline == absl::InfiniteFuture() ? -1 : RemainingMillis(deadline);
      poll(&pfd, 1, timeout);
    } else {
      usleep(2000);
    }
  }
}

void RotadProcess::JoinDrainer() {
  if (drainer_.joinable()) drainer_.join();
}

absl::Status RotadProcess::Stop(absl::Duration timeout) {
  if (!running()) return absl::FailedPreconditionError("rotad is not running");
  registry_.reset();
  audit_.reset();
  health_.reset();
  channel_.reset();
  if (kill(pid_, SIGTERM) != 0)
    return absl::InternalError(absl::StrCat("kill: ", strerror(errno)));
  absl::StatusOr<int> wstatus = WaitExit(absl::Now() + timeout);
  if (!wstatus.ok()) {
    kill(pid_, SIGKILL);
    (void)WaitExit(absl::InfiniteFuture());
    JoinDrainer();
    return absl::DeadlineExceededError(
        absl::StrCat("rotad did not exit within ",
                     absl::FormatDuration(timeout), " of SIGTERM"));
  }
  JoinDrainer();
  if (!WIFEXITED(*wstatus) || WEXITSTATUS(*wstatus) != 0) {
    return absl::InternalError(
        absl::StrCat("rotad after SIGTERM: ", DescribeWaitStatus(*wstatus),
                     " (want exit code 0)"));
  }
  return absl::OkStatus();
}

absl::Status RotadProcess::Kill9() {
  if (!running()) return absl::FailedPreconditionError("rotad is not running");
  if (kill(pid_, SIGKILL) != 0)
    return absl::InternalError(absl::StrCat("kill: ", strerror(errno)));
  absl::StatusOr<int> wstatus = WaitExit(absl::InfiniteFuture());
  JoinDrainer();
  registry_.reset();
  audit_.reset();
  health_.reset();
  channel_.reset();
  return wstatus.status();
}

absl::Status RotadProcess::Restart() {
  if (running())
    return absl::FailedPreconditionError(
        "rotad is still running; Stop it first");
  return Launch();
}

absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus>
RotadProcess::HealthStatus(const std::string& service) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status = health_->Check(&ctx, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  return response.status();
}

std::unique_ptr<grpc::ClientContext> NewContext(absl::Duration timeout,
                                                const std::string& actor) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (!actor.empty()) {
    // Non-ASCII names travel as UTF-8 bytes under the -bin key.
    const bool ascii = std::all_of(actor.begin(), actor.end(), [](char c) {
      return c >= 0x20 && c < 0x7F;
    });
    ctx->AddMetadata(ascii ? "x-rota-actor" : "x-rota-actor-bin", actor);
  }
  return ctx;
}

namespace {
template <typename Detail>
std::optional<Detail> FindDetail(const grpc::Status& status) {
  if (status.error_details().empty()) return std::nullopt;
  google::rpc::Status proto;
  if (!proto.ParseFromString(status.error_details())) return std::nullopt;
  for (const google::protobuf::Any& any : proto.details()) {
    Detail detail;
    if (any.Is<Detail>() && any.UnpackTo(&detail)) return detail;
  }
  return std::nullopt;
}
}  // namespace

std::optional<google::rpc::BadRequest> GetBadRequest(
    const grpc::Status& status) {
  return FindDetail<google::rpc::BadRequest>(status);
}

std::optional<google::rpc::ErrorInfo> GetErrorInfo(const grpc::Status& status) {
  return FindDetail<google::rpc::ErrorInfo>(status);
}

std::vector<std::string> ViolationFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  if (std::optional<google::rpc::BadRequest> bad = GetBadRequest(status)) {
    for (const auto& v : bad->field_violations()) fields.push_back(v.field());
  }
  return fields;
}

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

std::string Describe(const grpc::Status& status) {
  std::string out = CodeName(status.error_code());
  if (status.ok()) return out;
  std::string message = status.error_message();
  if (message.size() > 300) message = message.substr(0, 300) + "...";
  absl::StrAppend(&out, ": ", message);
  std::vector<std::string> fields = ViolationFields(status);
  if (!fields.empty())
    absl::StrAppend(&out, " [fields: ", absl::StrJoin(fields, ", "), "]");
  if (std::optional<google::rpc::ErrorInfo> info = GetErrorInfo(status)) {
    absl::StrAppend(&out, " [reason: ", info->reason(), "]");
  }
  return out;
}

}  // namespace rota::testing
