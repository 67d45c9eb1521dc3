// The single place where a caller's identity and county access are checked.
//
// Today every caller may access every county (authentication and roles come
// later); the function exists so that every handler already goes through
// it. The identity comes from optional metadata (default "anonymous") and is
// recorded as the actor of every event:
//   x-rota-actor-bin  the actor's name as UTF-8 bytes (any script, e.g. 王芳;
//                     gRPC carries -bin values base64-encoded), else
//   x-rota-actor      an ASCII name (gRPC forbids other bytes in plain
//                     metadata values; clients send -bin for the rest).
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
inline constexpr char kActorBinMetadata[] = "x-rota-actor-bin";
inline constexpr size_t kMaxActorChars = 128;

// Reads the actor: at most kMaxActorChars characters are kept; control
// characters (and bytes of a value that is not UTF-8 outside ASCII) become
// '?'.
CallContext CallContextFrom(const grpc::ServerContextBase& context);

// OK if `call` may read and write `county`; PERMISSION_DENIED otherwise.
absl::Status CheckCountyAccess(const CallContext& call,
                               absl::string_view county);

}  // namespace rota::service
