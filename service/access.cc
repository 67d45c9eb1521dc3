#include "service/access.h"

namespace rota::service {

CallContext CallContextFrom(const grpc::ServerContextBase& context) {
  CallContext call;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kActorMetadata);
  if (it != metadata.end() && !it->second.empty()) {
    std::string actor;
    for (char c : it->second) {
      if (actor.size() >= 128) break;
      actor.push_back(c >= 0x20 && c < 0x7F ? c : '?');
    }
    call.actor = std::move(actor);
  }
  return call;
}

absl::Status CheckCountyAccess(const CallContext& /*call*/,
                               absl::string_view /*county*/) {
  // Every caller is allowed until roles arrive (issue: authentication).
  return absl::OkStatus();
}

}  // namespace rota::service
