#include "tools/rotactl/context.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace rota::rotactl {
namespace {

// The contents of a PEM (or token) file ("" for no path); exits with a usage
// error when the file cannot be read.
std::string ReadPem(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "rotactl: cannot read %s\n", path.c_str());
    std::exit(kExitUsage);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

void Context::ApplySettings(const ConfigSettings& settings,
                            const std::set<std::string>& given) {
  for (const auto& [name, value] : settings) {
    if (given.count(name) > 0) continue;
    if (name == "server") server = value;
    if (name == "county") county = value;
    if (name == "output") output = value;
    if (name == "timeout") (void)absl::SimpleAtod(value, &timeout_seconds);
    if (name == "actor") actor = value;
    if (name == "tls") tls = value == "true";
    if (name == "ca") ca = value;
    if (name == "cert") cert = value;
    if (name == "key") key = value;
    if (name == "token-file") token_file = value;
  }
}

std::string Context::ApplyConfig(const std::set<std::string>& given) {
  const std::string path = ConfigPath(config_path);
  if (path.empty()) {
    return context_name.empty()
               ? ""
               : "no configuration file (set HOME, ROTA_CONFIG or --config)";
  }
  std::string error;
  const std::optional<std::string> text = ReadConfigText(path, &error);
  if (!text.has_value()) return error;
  const std::optional<ConfigFile> config = ParseConfig(*text, &error);
  if (!config.has_value()) return absl::StrCat(path, ":", error);
  const std::optional<ConfigSettings> settings =
      ResolveContext(*config, context_name, &error);
  if (!settings.has_value()) return absl::StrCat(path, ": ", error);
  ApplySettings(*settings, given);
  return "";
}

std::shared_ptr<grpc::Channel> Context::Channel() {
  if (channel_ == nullptr) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    std::shared_ptr<grpc::ChannelCredentials> credentials =
        grpc::InsecureChannelCredentials();
    if (tls || !ca.empty() || !cert.empty() || !key.empty()) {
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = ReadPem(ca);
      ssl.pem_cert_chain = ReadPem(cert);
      ssl.pem_private_key = ReadPem(key);
      credentials = grpc::SslCredentials(ssl);
    }
    channel_ = grpc::CreateCustomChannel(server, credentials, args);
  }
  return channel_;
}

rota::v1::RegistryService::Stub& Context::Registry() {
  if (registry_ == nullptr)
    registry_ = rota::v1::RegistryService::NewStub(Channel());
  return *registry_;
}

rota::v1::AuditService::Stub& Context::Audit() {
  if (audit_ == nullptr) audit_ = rota::v1::AuditService::NewStub(Channel());
  return *audit_;
}

rota::v1::PolicyService::Stub& Context::Policy() {
  if (policy_ == nullptr) policy_ = rota::v1::PolicyService::NewStub(Channel());
  return *policy_;
}

rota::v1::RoundService::Stub& Context::Rounds() {
  if (rounds_ == nullptr) rounds_ = rota::v1::RoundService::NewStub(Channel());
  return *rounds_;
}

std::unique_ptr<grpc::ClientContext> Context::NewCall(double timeout_factor) {
  auto call = std::make_unique<grpc::ClientContext>();
  const auto timeout =
      std::chrono::duration<double>(timeout_seconds * timeout_factor);
  call->set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
  if (token.empty() && !token_file.empty()) {
    token = std::string(absl::StripAsciiWhitespace(ReadPem(token_file)));
  }
  if (!token.empty()) call->AddMetadata("authorization", "Bearer " + token);
  if (!actor.empty()) {
    // Plain metadata values must be printable ASCII (gRPC aborts on other
    // bytes); any other name travels as UTF-8 bytes under the -bin key.
    const bool ascii = std::all_of(actor.begin(), actor.end(), [](char c) {
      return c >= 0x20 && c < 0x7F;
    });
    call->AddMetadata(ascii ? "x-rota-actor" : "x-rota-actor-bin", actor);
  }
  return call;
}

std::string Context::CountyName() {
  if (county.empty()) {
    std::fprintf(stderr,
                 "rotactl: no county: pass --county ID (or set ROTA_COUNTY, "
                 "or use a context with a county: rotactl config "
                 "get-contexts)\n");
    exit_code = kExitUsage;
    return "";
  }
  if (county.rfind("counties/", 0) == 0) return county;
  return "counties/" + county;
}

const char* StatusCodeName(grpc::StatusCode code) {
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
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
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
    default:
      return "UNKNOWN_CODE";
  }
}

int ReportRpcError(const grpc::Status& status, const std::string& what) {
  std::fprintf(stderr, "rotactl: %s failed: %s: %s\n", what.c_str(),
               StatusCodeName(status.error_code()),
               status.error_message().c_str());
  google::rpc::Status details;
  if (!status.error_details().empty() &&
      details.ParseFromString(status.error_details())) {
    for (const google::protobuf::Any& any : details.details()) {
      google::rpc::BadRequest bad;
      google::rpc::ErrorInfo info;
      google::rpc::PreconditionFailure pre;
      google::rpc::ResourceInfo resource;
      if (any.UnpackTo(&bad)) {
        for (const auto& v : bad.field_violations()) {
          std::fprintf(stderr, "  field %s: %s\n", v.field().c_str(),
                       v.description().c_str());
        }
      } else if (any.UnpackTo(&info)) {
        std::fprintf(stderr, "  reason: %s", info.reason().c_str());
        if (!info.domain().empty())
          std::fprintf(stderr, " (%s)", info.domain().c_str());
        for (const auto& [k, v] : info.metadata()) {
          std::fprintf(stderr, ", %s=%s", k.c_str(), v.c_str());
        }
        std::fprintf(stderr, "\n");
      } else if (any.UnpackTo(&pre)) {
        for (const auto& v : pre.violations()) {
          std::fprintf(stderr, "  precondition %s %s: %s\n", v.type().c_str(),
                       v.subject().c_str(), v.description().c_str());
        }
      } else if (any.UnpackTo(&resource)) {
        std::fprintf(
            stderr, "  resource %s %s: %s\n", resource.resource_type().c_str(),
            resource.resource_name().c_str(), resource.description().c_str());
      }
    }
  }
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      std::fprintf(stderr, "  (is rotad running at the --server address?)\n");
      return kExitUnavailable;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      std::fprintf(stderr, "  (no answer within --timeout)\n");
      return kExitUnavailable;
    default:
      return kExitServerError;
  }
}

}  // namespace rota::rotactl
