#include "service/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdint>
#include <mutex>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/grpc_status.h"

namespace rota::service {
namespace {

constexpr char kVersion = 2;
constexpr size_t kMacBytes = 16;

std::string& Secret() {
  static std::string* secret = new std::string;
  return *secret;
}

std::once_flag& DrawOnce() {
  static std::once_flag once;
  return once;
}

const std::string& Key() {
  std::call_once(DrawOnce(), [] {
    if (!Secret().empty()) return;
    std::string drawn(32, '\0');
    ROTA_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(drawn.data()),
                          static_cast<int>(drawn.size())) == 1);
    Secret() = drawn;
  });
  return Secret();
}

// Appends `part` with its length, so that no two (scope, filter, key)
// triples share an encoding.
void AppendPart(std::string& out, absl::string_view part) {
  const uint64_t n = part.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(n >> (8 * i)));
  out.append(part.data(), part.size());
}

std::string Mac(absl::string_view scope, absl::string_view filter,
                absl::string_view last_key) {
  std::string message = "rota.page_token";
  message.push_back(kVersion);
  AppendPart(message, scope);
  AppendPart(message, filter);
  AppendPart(message, last_key);
  const std::string& key = Key();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  ROTA_CHECK(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                  reinterpret_cast<const unsigned char*>(message.data()),
                  message.size(), mac, &mac_len) != nullptr);
  return std::string(reinterpret_cast<const char*>(mac), kMacBytes);
}

}  // namespace

absl::Status SetPageTokenSecret(absl::string_view secret) {
  if (secret.size() < kMinPageTokenSecretBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the page-token secret must have at least ",
                     kMinPageTokenSecretBytes, " bytes"));
  }
  Secret() = std::string(secret);
  std::call_once(DrawOnce(), [] {});
  return absl::OkStatus();
}

std::string EncodePageToken(absl::string_view scope, absl::string_view filter,
                            absl::string_view last_key) {
  std::string body(1, kVersion);
  body.append(last_key.data(), last_key.size());
  body += Mac(scope, filter, last_key);
  return absl::WebSafeBase64Escape(body);
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view scope,
                                            absl::string_view filter) {
  if (token.empty()) return std::string();
  std::string body;
  if (!absl::WebSafeBase64Unescape(token, &body) ||
      body.size() < 1 + kMacBytes || body[0] != kVersion) {
    return InvalidField(
        "page_token",
        "is malformed; use a next_page_token from a List response",
        kReasonInvalidPageToken);
  }
  absl::string_view view(body);
  absl::string_view last_key = view.substr(1, view.size() - 1 - kMacBytes);
  const std::string expected = Mac(scope, filter, last_key);
  if (CRYPTO_memcmp(expected.data(), view.data() + view.size() - kMacBytes,
                    kMacBytes) != 0) {
    return InvalidField("page_token",
                        "was issued for a different parent or filter (or "
                        "by another server); restart the listing",
                        kReasonInvalidPageToken);
  }
  return std::string(last_key);
}

}  // namespace rota::service
