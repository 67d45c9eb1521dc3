// Opaque List page tokens (AIP-158), keyed with the server's secret.
//
// A token is base64url (no padding) of: a version byte, the last key
// returned, and 16 bytes of HMAC-SHA256 (keyed with the page-token secret)
// over (version, scope, filter, last key). The MAC binds the token to the
// request it was issued for and to this server's secret: a token from another
// parent, filter or secret, or an edited one, is refused; a client cannot
// forge a position. Paging is by key, so a row appears exactly once across
// pages even while rows are inserted.
//
// The secret is process-wide: rotad sets it once at startup (from
// --page-token-secret-file or the data directory) before serving. Until then
// a random secret drawn at first use is used (tokens then last as long as the
// process).
//
// Thread-safety: SetPageTokenSecret must happen before any concurrent use;
// Encode/Decode are then safe to call concurrently.
//
// Example:
//   std::string token = EncodePageToken("counties/yongan", filter, "t0042");
//   ROTA_ASSIGN_OR_RETURN(std::string after,
//                         DecodePageToken(token, "counties/yongan", filter));
//                         // "t0042"
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rota::service {

// Page sizes of every List of the registry, rounds and audit services:
// page_size 0 means kDefaultPageSize; larger ones are capped at
// kMaxPageSize (ValidatePageSize rejects negative ones).
inline constexpr int32_t kDefaultPageSize = 50;
inline constexpr int32_t kMaxPageSize = 1000;

// The rows one page holds for a request's page_size (not negative).
inline size_t PageLimit(int32_t page_size) {
  return static_cast<size_t>(
      page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize));
}

// Smallest accepted secret, bytes.
inline constexpr size_t kMinPageTokenSecretBytes = 16;

// Sets the key of every later token. INVALID_ARGUMENT if shorter than
// kMinPageTokenSecretBytes.
absl::Status SetPageTokenSecret(absl::string_view secret);

// `scope` is whatever else the listing depends on (the parent).
std::string EncodePageToken(absl::string_view scope, absl::string_view filter,
                            absl::string_view last_key);

// Returns the last key. An empty token decodes to "". INVALID_ARGUMENT on
// field `page_token` (reason INVALID_PAGE_TOKEN) if the token is malformed or
// was issued for another scope, filter or secret.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view scope,
                                            absl::string_view filter);

}  // namespace rota::service
