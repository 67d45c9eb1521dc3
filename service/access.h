// The single place where a caller's identity and county access are checked.
//
// Today every caller may access every county (authentication and roles come
// in a later issue); the function exists so that every handler already goes
// through it. The identity comes from the optional `x-rota-actor` metadata
// (default "anonymous") and is recorded as the actor of every event.
//
// Thread-safety: pure functions.
//
// Example:
//   CallContext call = CallContextFrom(*grpc_context);
//   ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, "yongan"));
#pragma once

#include <grpcpp/server_context.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rota::service {

// Who is calling; filled from request metadata.
struct CallContext {
  std::string actor = "anonymous";
};

inline constexpr char kActorMetadata[] = "x-rota-actor";

// Reads `x-rota-actor` (at most 128 printable ASCII characters are kept).
CallContext CallContextFrom(const grpc::ServerContextBase& context);

// OK if `call` may read and write `county`; PERMISSION_DENIED otherwise.
absl::Status CheckCountyAccess(const CallContext& call,
                               absl::string_view county);

}  // namespace rota::service
