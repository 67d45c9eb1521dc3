// rotactl's per-invocation state: global flags, the gRPC channel, per-call
// contexts with a deadline, and the exit code a command sets.
//
// Each noun file (county.cc, school.cc, ...) registers its verbs on the CLI11
// app with a pointer to the one Context; the verb's callback runs after
// parsing, calls the server through Context::NewCall() and stores its exit
// code in `exit_code`.
//
//   auto call = ctx->NewCall();
//   grpc::Status s = ctx->Registry().GetSchool(call.get(), req, &school);
//   if (!s.ok()) return ReportRpcError(s, "get school");
//
// Thread-safety: single-threaded use only.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "grpcpp/grpcpp.h"
#include "rota/v1/audit.grpc.pb.h"
#include "rota/v1/policy.grpc.pb.h"
#include "rota/v1/registry.grpc.pb.h"
#include "rota/v1/rounds.grpc.pb.h"
#include "tools/rotactl/config_file.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {

// Exit codes (docs/rotactl.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // rejected rows, broken chain, bad CSV
inline constexpr int kExitUsage = 2;   // bad command line
inline constexpr int kExitServerError = 3;  // the server answered with an error
inline constexpr int kExitUnavailable = 4;  // no server / deadline exceeded

enum class OutputFormat { kTable, kJson, kCsv };

struct Context {
  // Global flags.
  std::string server = "localhost:50051";
  std::string county;
  std::string output = "table";
  // --lang zh|en; "" = from the locale (round_words.h). `lang` is the one
  // in force, set once the command line is parsed.
  std::string lang_flag;
  Lang lang = Lang::kEn;
  double timeout_seconds = 30;
  std::string actor;
  // Security (docs/rotactl.md "Security"): TLS when `tls` or any of the PEM
  // files is given; `ca` verifies rotad's certificate (default: the system
  // roots); `cert`/`key` are the client certificate (mTLS); `token` is sent
  // as `authorization: Bearer TOKEN`.
  bool tls = false;
  std::string ca;
  std::string cert;
  std::string key;
  std::string token;
  // A file whose content (trimmed) is the bearer token, read at the first
  // call when `token` is empty.
  std::string token_file;

  // Configuration file and context (docs/rotactl.md "Configuration and
  // contexts"): --config (else $ROTA_CONFIG, else ~/.config/rota/config) and
  // --context (else $ROTA_CONTEXT, else the file's current-context).
  std::string config_path;
  std::string context_name;
  // --no-headers: tables and CSV without their header row.
  bool no_headers = false;

  // Sets every setting whose key (ConfigKeys(), the long flag name) is not
  // in `given` (the flags given on the command line or through their
  // environment variables) from `settings`. Values were checked by
  // ParseConfig.
  void ApplySettings(const ConfigSettings& settings,
                     const std::set<std::string>& given);

  // Reads the configuration file (a missing file is an empty one), resolves
  // the context and applies it (ApplySettings). Returns "" or the error,
  // "FILE:LINE: what" for a syntax error.
  std::string ApplyConfig(const std::set<std::string>& given);

  // Set by the command that ran.
  int exit_code = kExitOk;

  OutputFormat format() const {
    if (output == "json") return OutputFormat::kJson;
    if (output == "csv") return OutputFormat::kCsv;
    return OutputFormat::kTable;
  }

  // A ClientContext with the deadline (--timeout, scaled by `timeout_factor`
  // for long streams) and the actor metadata.
  std::unique_ptr<grpc::ClientContext> NewCall(double timeout_factor = 1.0);

  rota::v1::RegistryService::Stub& Registry();
  rota::v1::AuditService::Stub& Audit();
  rota::v1::PolicyService::Stub& Policy();
  rota::v1::RoundService::Stub& Rounds();

  // "counties/{county}" from --county / ROTA_COUNTY / the context; prints a
  // usage error and returns "" when it is not set.
  std::string CountyName();

 private:
  std::shared_ptr<grpc::Channel> Channel();
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<rota::v1::RegistryService::Stub> registry_;
  std::unique_ptr<rota::v1::AuditService::Stub> audit_;
  std::unique_ptr<rota::v1::PolicyService::Stub> policy_;
  std::unique_ptr<rota::v1::RoundService::Stub> rounds_;
};

// Prints the status code, message and every detail (field violations,
// precondition failures, error info) in plain words to stderr; returns
// kExitUnavailable for UNAVAILABLE / DEADLINE_EXCEEDED, else kExitServerError.
int ReportRpcError(const grpc::Status& status, const std::string& what);

// "INVALID_ARGUMENT" for grpc::StatusCode::INVALID_ARGUMENT, etc.
const char* StatusCodeName(grpc::StatusCode code);

}  // namespace rota::rotactl
