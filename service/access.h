// Who is calling and what they may do: the single place where a caller's
// identity and county access are checked.
//
// Authentication (AccessControl::Authenticate) runs before every call:
//   - local mode (rotad on a loopback address with no access configuration):
//     the caller is the local operator with every right on every county; the
//     actor recorded in events comes from optional metadata (default
//     "anonymous"):
//       x-rota-actor-bin  the actor's name as UTF-8 bytes (any script, e.g.
//                         王芳; gRPC carries -bin values base64-encoded), else
//       x-rota-actor      an ASCII name (gRPC forbids other bytes in plain
//                         metadata values; clients send -bin for the rest).
//   - authenticated mode: the identity is the verified client certificate's
//     common name (else its first subject alternative name) and/or the
//     identity a bearer token (`authorization: Bearer TOKEN`) maps to in the
//     token file; the metadata above is ignored and the identity is the actor.
//     No credential: UNAUTHENTICATED.
//
// Authorization: every RPC needs one Permission, listed in ONE table
// (PermissionOfMethod, access.cc); a role grants a set of permissions on one
// county or on all ("*"). Handlers call CheckCountyAccess(call, county) for
// every county they read or write; the permission travels in the
// CallContext, so a handler cannot ask for less than its method needs.
// Access comes before validation: as soon as the request's county is known
// (its name or parent parses), the access check runs, before any other
// field is validated (CheckCountyAccessIfNamed); the request parser of
// grpc_server.cc does the same for text that is not UTF-8 or holds control
// characters (CountyOfRequest, validation.h).
//
// Files (UTF-8; '#' starts a comment; blank lines ignored):
//   token file   `SHA256HEX IDENTITY` per line: the hex SHA-256 of the token
//                (never the token itself), then the identity (rest of line).
//   access file  `ROLE COUNTY IDENTITY` per line: role hr-writer,
//                administrator, auditor or province-operator; a county id or
//                "*"; the identity (rest of the line, may hold spaces).
//
// Thread-safety: AccessControl is immutable after Load; all functions are
// safe to call concurrently.
//
// Example:
//   ROTA_ASSIGN_OR_RETURN(CallContext call,
//       access.Authenticate(*grpc_context,
//       "rota.v1.RegistryService/GetSchool"));
//   ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, "yongan"));
#pragma once

#include <grpcpp/server_context.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rota::service {

// What a method needs on the county it touches.
enum class Permission {
  kRead,           // read registry, policies, rounds, results
  kRegistryWrite,  // schools, posts, teachers, imports, applications
  kPolicyWrite,    // policies and county settings
  kRoundWrite,     // create, freeze, run, lock, override, cancel rounds
  kCommit,         // commit a round
  kAudit,          // verify, replay, event log, as-of, history
  kCountyAdmin,    // create and delete counties
};

enum class Role { kHrWriter, kAdministrator, kAuditor, kProvinceOperator };

// A role on one county, or on every county when `county` is "*".
struct Grant {
  Role role = Role::kAuditor;
  std::string county;
};

// Who is calling and what the method being served needs.
struct CallContext {
  std::string actor = "anonymous";
  // The local operator (local mode) holds every right on every county.
  bool local_operator = true;
  // The caller's roles (authenticated mode).
  std::vector<Grant> grants;
  // What the method needs (from the method table).
  Permission permission = Permission::kRead;
};

inline constexpr char kActorMetadata[] = "x-rota-actor";
inline constexpr char kActorBinMetadata[] = "x-rota-actor-bin";
inline constexpr size_t kMaxActorChars = 128;
// ErrorInfo reason of PERMISSION_DENIED; metadata names the permission, the
// county and the roles that would allow it.
inline constexpr char kReasonAccessDenied[] = "ACCESS_DENIED";

// "hr-writer", ... / "registry-write", ...
const char* RoleName(Role role);
const char* PermissionName(Permission permission);
std::optional<Role> ParseRole(absl::string_view name);
bool RoleAllows(Role role, Permission permission);

// The permission of a method "package.Service/Method" (e.g.
// "rota.v1.RoundService/CommitRound"); nullopt for a method not in the
// table (such a call is refused).
std::optional<Permission> PermissionOfMethod(absl::string_view method);
// Every method of the table, for tests that check it covers the services.
std::vector<std::string> MethodsWithPermission();

// OK if `call` holds call.permission on `county`; PERMISSION_DENIED with an
// ErrorInfo (reason ACCESS_DENIED) otherwise.
absl::Status CheckCountyAccess(const CallContext& call,
                               absl::string_view county);

// CheckCountyAccess on the county a request names, if it names one (nullopt:
// the request's county field does not parse, and that field's violation is
// reported instead). Handlers call it before validating anything else in
// the request, so a caller without rights to a county gets PERMISSION_DENIED
// for every request about it, malformed or not, and never learns from an
// INVALID_ARGUMENT what is wrong with it.
absl::Status CheckCountyAccessIfNamed(const CallContext& call,
                                      const std::optional<std::string>& county);

// The local-mode caller: actor from metadata (see above), every right.
CallContext CallContextFrom(const grpc::ServerContextBase& context);

// hex SHA-256 of a bearer token, as the token file stores it.
std::string TokenDigest(absl::string_view token);

class AccessControl {
 public:
  // Local mode: every caller is the local operator.
  static std::shared_ptr<const AccessControl> Local();

  // Authenticated mode. `tokens_file` may be empty (certificates only).
  // INVALID_ARGUMENT naming the file and line for a malformed line, NOT_FOUND
  // for a missing file.
  static absl::StatusOr<std::shared_ptr<const AccessControl>> Load(
      const std::string& tokens_file, const std::string& access_file);

  bool local() const { return local_; }
  size_t identities() const { return grants_.size(); }
  size_t tokens() const { return identity_of_digest_.size(); }

  // The caller of `method` with its identity, roles and the permission the
  // method needs. UNAUTHENTICATED without a valid credential (authenticated
  // mode), PERMISSION_DENIED for a method missing from the table.
  absl::StatusOr<CallContext> Authenticate(
      const grpc::ServerContextBase& context, absl::string_view method) const;

 private:
  bool local_ = true;
  absl::flat_hash_map<std::string, std::string> identity_of_digest_;
  absl::flat_hash_map<std::string, std::vector<Grant>> grants_;
};

}  // namespace rota::service
