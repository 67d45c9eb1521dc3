#include "service/page_token.h"

#include <cstring>

#include "absl/strings/escaping.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "service/grpc_status.h"

namespace rota::service {
namespace {

constexpr char kVersion = 1;
constexpr size_t kBindingBytes = 8;
constexpr size_t kChecksumBytes = 4;

std::string Binding(absl::string_view scope, absl::string_view filter) {
  Sha256Hasher h;
  h.Update("rota.page_token.v1");
  h.Update(std::string_view(scope.data(), scope.size()));
  h.Update(std::string_view("\0", 1));
  h.Update(std::string_view(filter.data(), filter.size()));
  Sha256Digest d = h.Finish();
  return std::string(reinterpret_cast<const char*>(d.data()), kBindingBytes);
}

std::string Checksum(absl::string_view body) {
  Sha256Digest d = Sha256(std::string_view(body.data(), body.size()));
  return std::string(reinterpret_cast<const char*>(d.data()), kChecksumBytes);
}

}  // namespace

std::string EncodePageToken(absl::string_view scope, absl::string_view filter,
                            absl::string_view last_key) {
  std::string body(1, kVersion);
  body += Binding(scope, filter);
  body.append(last_key.data(), last_key.size());
  body += Checksum(body);
  return absl::WebSafeBase64Escape(body);
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view scope,
                                            absl::string_view filter) {
  if (token.empty()) return std::string();
  std::string body;
  if (!absl::WebSafeBase64Unescape(token, &body) ||
      body.size() < 1 + kBindingBytes + kChecksumBytes || body[0] != kVersion) {
    return InvalidField(
        "page_token",
        "is malformed; use a next_page_token from a List response",
        kReasonInvalidPageToken);
  }
  absl::string_view view(body);
  absl::string_view payload = view.substr(0, view.size() - kChecksumBytes);
  if (Checksum(payload) != view.substr(view.size() - kChecksumBytes)) {
    return InvalidField(
        "page_token",
        "is malformed; use a next_page_token from a List response",
        kReasonInvalidPageToken);
  }
  if (payload.substr(1, kBindingBytes) != Binding(scope, filter)) {
    return InvalidField(
        "page_token",
        "was issued for a different parent or filter; restart the listing",
        kReasonInvalidPageToken);
  }
  return std::string(payload.substr(1 + kBindingBytes));
}

}  // namespace rota::service
