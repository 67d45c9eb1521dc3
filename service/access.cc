#include "service/access.h"

#include <grpcpp/security/auth_context.h>

#include <fstream>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "service/grpc_status.h"

namespace rota::service {
namespace {

using P = Permission;

// THE method table: what every RPC needs on the county it touches. A method
// missing here is refused, so a new RPC must be listed before it can be
// called. Reviewed as one piece; keep it in service order.
constexpr struct {
  const char* method;
  Permission permission;
} kMethodTable[] = {
    // rota.v1.RegistryService
    {"rota.v1.RegistryService/CreateCounty", P::kCountyAdmin},
    {"rota.v1.RegistryService/GetCounty", P::kRead},
    {"rota.v1.RegistryService/UpdateCounty", P::kPolicyWrite},
    {"rota.v1.RegistryService/DeleteCounty", P::kCountyAdmin},
    // Lists only the counties the caller may read.
    {"rota.v1.RegistryService/ListCounties", P::kRead},
    {"rota.v1.RegistryService/CreateSchool", P::kRegistryWrite},
    {"rota.v1.RegistryService/GetSchool", P::kRead},
    {"rota.v1.RegistryService/UpdateSchool", P::kRegistryWrite},
    {"rota.v1.RegistryService/DeleteSchool", P::kRegistryWrite},
    {"rota.v1.RegistryService/ListSchools", P::kRead},
    {"rota.v1.RegistryService/CreatePost", P::kRegistryWrite},
    {"rota.v1.RegistryService/GetPost", P::kRead},
    {"rota.v1.RegistryService/UpdatePost", P::kRegistryWrite},
    {"rota.v1.RegistryService/DeletePost", P::kRegistryWrite},
    {"rota.v1.RegistryService/ListPosts", P::kRead},
    {"rota.v1.RegistryService/CreateTeacher", P::kRegistryWrite},
    {"rota.v1.RegistryService/GetTeacher", P::kRead},
    {"rota.v1.RegistryService/UpdateTeacher", P::kRegistryWrite},
    {"rota.v1.RegistryService/DeleteTeacher", P::kRegistryWrite},
    {"rota.v1.RegistryService/ListTeachers", P::kRead},
    {"rota.v1.RegistryService/BulkImport", P::kRegistryWrite},
    {"rota.v1.RegistryService/GetCountySummary", P::kRead},
    // Recruitment applicants and posts.
    {"rota.v1.RegistryService/CreateApplicant", P::kRegistryWrite},
    {"rota.v1.RegistryService/GetApplicant", P::kRead},
    {"rota.v1.RegistryService/ListApplicants", P::kRead},
    {"rota.v1.RegistryService/DeleteApplicant", P::kRegistryWrite},
    {"rota.v1.RegistryService/CreateRecruitmentPost", P::kRegistryWrite},
    {"rota.v1.RegistryService/GetRecruitmentPost", P::kRead},
    {"rota.v1.RegistryService/ListRecruitmentPosts", P::kRead},
    {"rota.v1.RegistryService/DeleteRecruitmentPost", P::kRegistryWrite},
    {"rota.v1.RegistryService/CreatePeriodRequirement", P::kRegistryWrite},
    {"rota.v1.RegistryService/ListPeriodRequirements", P::kRead},
    {"rota.v1.RegistryService/DeletePeriodRequirement", P::kRegistryWrite},
    {"rota.v1.RegistryService/CreateRoadDistance", P::kRegistryWrite},
    {"rota.v1.RegistryService/ListRoadDistances", P::kRead},
    {"rota.v1.RegistryService/DeleteRoadDistance", P::kRegistryWrite},
    // rota.v1.AuditService
    {"rota.v1.AuditService/VerifyChain", P::kAudit},
    {"rota.v1.AuditService/ListEvents", P::kAudit},
    {"rota.v1.AuditService/GetTeacherAsOf", P::kAudit},
    {"rota.v1.AuditService/ListTeacherHistory", P::kAudit},
    // rota.v1.PolicyService
    {"rota.v1.PolicyService/SetPolicy", P::kPolicyWrite},
    {"rota.v1.PolicyService/GetPolicy", P::kRead},
    {"rota.v1.PolicyService/ValidatePolicy", P::kRead},
    // rota.v1.RoundService
    {"rota.v1.RoundService/CreateRound", P::kRoundWrite},
    {"rota.v1.RoundService/GetRound", P::kRead},
    {"rota.v1.RoundService/ListRounds", P::kRead},
    // Teachers' preference lists come from the HR systems.
    {"rota.v1.RoundService/SubmitApplications", P::kRegistryWrite},
    {"rota.v1.RoundService/FreezeRound", P::kRoundWrite},
    {"rota.v1.RoundService/ListEligibility", P::kRead},
    {"rota.v1.RoundService/RunRound", P::kRoundWrite},
    {"rota.v1.RoundService/ListPlacements", P::kRead},
    {"rota.v1.RoundService/ExplainPlacement", P::kRead},
    {"rota.v1.RoundService/LockPlacement", P::kRoundWrite},
    {"rota.v1.RoundService/OverridePlacement", P::kRoundWrite},
    {"rota.v1.RoundService/GetRoundReport", P::kRead},
    {"rota.v1.RoundService/CommitRound", P::kCommit},
    {"rota.v1.RoundService/CancelRound", P::kRoundWrite},
    {"rota.v1.RoundService/ReplayRound", P::kAudit},
    {"rota.v1.RoundService/ReverseRound", P::kCommit},
};

constexpr Role kAllRoles[] = {Role::kHrWriter, Role::kAdministrator,
                              Role::kAuditor, Role::kProvinceOperator};

// At most kMaxActorChars characters of `value`, control characters (and,
// for text that is not UTF-8, every non-ASCII byte) replaced by '?'.
std::string CleanActor(std::string_view value) {
  const bool utf8 = rota::Utf8ValidPrefix(value) == value.size();
  std::string actor;
  size_t pos = 0, chars = 0;
  while (pos < value.size() && chars < kMaxActorChars) {
    const size_t start = pos;
    char32_t cp = static_cast<unsigned char>(value[pos]);
    if (utf8) {
      rota::DecodeUtf8(value, &pos, &cp);
    } else {
      ++pos;
    }
    if (rota::IsControlCharacter(cp) || (!utf8 && cp >= 0x80)) {
      actor.push_back('?');
    } else {
      actor.append(value.substr(start, pos - start));
    }
    ++chars;
  }
  return actor;
}

absl::Status Unauthenticated(absl::string_view message) {
  return WithReason(absl::UnauthenticatedError(message), "UNAUTHENTICATED");
}

// The identity of a verified client certificate: its common name, else its
// first subject alternative name; "" when no certificate was verified.
std::string CertificateIdentity(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  for (const char* property :
       {"x509_common_name", "x509_subject_alternative_name"}) {
    for (const grpc::string_ref& value : auth->FindPropertyValues(property)) {
      if (value.size() > 0) return std::string(value.data(), value.size());
    }
  }
  return "";
}

// Reads `path` line by line; calls `line_fn(line_number, text)` for every
// line that is not blank or a comment.
template <typename Fn>
absl::Status ForEachLine(const std::string& path, Fn line_fn) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    if (rota::Utf8ValidPrefix(std::string_view(text.data(), text.size())) !=
        text.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": is not UTF-8"));
    }
    ROTA_RETURN_IF_ERROR(line_fn(number, text));
  }
  return absl::OkStatus();
}

// Splits "FIRST rest of line" at the first run of blanks.
std::pair<absl::string_view, absl::string_view> SplitFirst(
    absl::string_view text) {
  size_t blank = text.find_first_of(" \t");
  if (blank == absl::string_view::npos) return {text, ""};
  return {text.substr(0, blank),
          absl::StripLeadingAsciiWhitespace(text.substr(blank))};
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kHrWriter:
      return "hr-writer";
    case Role::kAdministrator:
      return "administrator";
    case Role::kAuditor:
      return "auditor";
    case Role::kProvinceOperator:
      return "province-operator";
  }
  return "?";
}

const char* PermissionName(Permission permission) {
  switch (permission) {
    case P::kRead:
      return "read";
    case P::kRegistryWrite:
      return "registry-write";
    case P::kPolicyWrite:
      return "policy-write";
    case P::kRoundWrite:
      return "round-write";
    case P::kCommit:
      return "commit";
    case P::kAudit:
      return "audit";
    case P::kCountyAdmin:
      return "county-admin";
  }
  return "?";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (Role role : kAllRoles) {
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

bool RoleAllows(Role role, Permission permission) {
  switch (role) {
    case Role::kHrWriter:
      return permission == P::kRead || permission == P::kRegistryWrite;
    case Role::kAdministrator:
      return permission == P::kRead || permission == P::kPolicyWrite ||
             permission == P::kRoundWrite || permission == P::kCommit;
    case Role::kAuditor:
      return permission == P::kRead || permission == P::kAudit;
    case Role::kProvinceOperator:
      return true;
  }
  return false;
}

std::optional<Permission> PermissionOfMethod(absl::string_view method) {
  if (absl::StartsWith(method, "/")) method.remove_prefix(1);
  for (const auto& entry : kMethodTable) {
    if (method == entry.method) return entry.permission;
  }
  return std::nullopt;
}

std::vector<std::string> MethodsWithPermission() {
  std::vector<std::string> out;
  for (const auto& entry : kMethodTable) out.emplace_back(entry.method);
  return out;
}

absl::Status CheckCountyAccess(const CallContext& call,
                               absl::string_view county) {
  if (call.local_operator) return absl::OkStatus();
  for (const Grant& grant : call.grants) {
    if ((grant.county == "*" || grant.county == county) &&
        RoleAllows(grant.role, call.permission)) {
      return absl::OkStatus();
    }
  }
  std::vector<std::string> roles;
  for (Role role : kAllRoles) {
    if (RoleAllows(role, call.permission)) roles.emplace_back(RoleName(role));
  }
  const std::string needed = absl::StrJoin(roles, " or ");
  absl::Status status = absl::PermissionDeniedError(absl::StrCat(
      call.actor, " may not ", PermissionName(call.permission), " in county ",
      county, ": needs the role ", needed, " for that county"));
  google::rpc::ErrorInfo info;
  info.set_reason(kReasonAccessDenied);
  info.set_domain(kErrorDomain);
  (*info.mutable_metadata())["permission"] = PermissionName(call.permission);
  (*info.mutable_metadata())["county"] = std::string(county);
  (*info.mutable_metadata())["role_needed"] = needed;
  status.SetPayload("type.googleapis.com/google.rpc.ErrorInfo",
                    absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status CheckCountyAccessIfNamed(
    const CallContext& call, const std::optional<std::string>& county) {
  if (!county.has_value()) return absl::OkStatus();
  return CheckCountyAccess(call, *county);
}

CallContext CallContextFrom(const grpc::ServerContextBase& context) {
  CallContext call;
  const auto& metadata = context.client_metadata();
  // gRPC has already base64-decoded the -bin value: these are the raw bytes.
  auto it = metadata.find(kActorBinMetadata);
  if (it == metadata.end() || it->second.empty())
    it = metadata.find(kActorMetadata);
  if (it != metadata.end() && !it->second.empty()) {
    call.actor =
        CleanActor(std::string_view(it->second.data(), it->second.size()));
  }
  return call;
}

std::string TokenDigest(absl::string_view token) {
  return ToHex(Sha256(std::string_view(token.data(), token.size())));
}

std::shared_ptr<const AccessControl> AccessControl::Local() {
  return std::make_shared<AccessControl>();
}

absl::StatusOr<std::shared_ptr<const AccessControl>> AccessControl::Load(
    const std::string& tokens_file, const std::string& access_file) {
  auto access = std::make_shared<AccessControl>();
  access->local_ = false;
  if (!tokens_file.empty()) {
    ROTA_RETURN_IF_ERROR(ForEachLine(
        tokens_file, [&](int number, absl::string_view text) -> absl::Status {
          auto [digest, identity] = SplitFirst(text);
          const bool hex = digest.size() == 64 &&
                           digest.find_first_not_of("0123456789abcdef") ==
                               absl::string_view::npos;
          if (!hex || identity.empty()) {
            return absl::InvalidArgumentError(absl::StrCat(
                tokens_file, ":", number,
                ": expected `SHA256HEX IDENTITY` (lower-case hex SHA-256 of "
                "the token, then the identity)"));
          }
          access->identity_of_digest_[digest] = std::string(identity);
          return absl::OkStatus();
        }));
  }
  ROTA_RETURN_IF_ERROR(ForEachLine(
      access_file, [&](int number, absl::string_view text) -> absl::Status {
        auto [role_name, rest] = SplitFirst(text);
        auto [county, identity] = SplitFirst(rest);
        std::optional<Role> role = ParseRole(role_name);
        if (!role.has_value() || county.empty() || identity.empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              access_file, ":", number,
              ": expected `ROLE COUNTY IDENTITY` with ROLE one of hr-writer, "
              "administrator, auditor, province-operator and COUNTY an id or "
              "*"));
        }
        access->grants_[std::string(identity)].push_back(
            Grant{*role, std::string(county)});
        return absl::OkStatus();
      }));
  return std::shared_ptr<const AccessControl>(std::move(access));
}

absl::StatusOr<CallContext> AccessControl::Authenticate(
    const grpc::ServerContextBase& context, absl::string_view method) const {
  std::optional<Permission> permission = PermissionOfMethod(method);
  if (!permission.has_value()) {
    return absl::PermissionDeniedError(absl::StrCat(
        method, " has no entry in the method table (service/access.cc)"));
  }
  if (local_) {
    CallContext call = CallContextFrom(context);
    call.permission = *permission;
    return call;
  }
  std::string identity = CertificateIdentity(context);
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it != metadata.end()) {
    absl::string_view value(it->second.data(), it->second.size());
    if (!absl::ConsumePrefix(&value, "Bearer ")) {
      return Unauthenticated("the authorization header must be `Bearer TOKEN`");
    }
    auto found = identity_of_digest_.find(TokenDigest(value));
    if (found == identity_of_digest_.end()) {
      return Unauthenticated("the bearer token is not known to rotad");
    }
    if (!identity.empty() && identity != found->second) {
      return Unauthenticated(
          "the client certificate and the bearer token name different "
          "identities");
    }
    identity = found->second;
  }
  if (identity.empty()) {
    return Unauthenticated(
        "rotad requires a client certificate or a bearer token (rotactl "
        "--cert/--key or --token)");
  }
  CallContext call;
  call.actor = CleanActor(identity);
  call.local_operator = false;
  call.permission = *permission;
  auto grants = grants_.find(identity);
  if (grants != grants_.end()) call.grants = grants->second;
  return call;
}

}  // namespace rota::service
