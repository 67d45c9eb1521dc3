// Opaque List page tokens (AIP-158).
//
// A token is base64url (no padding) of: a version byte, 8 bytes of SHA-256
// over (scope, filter) binding it to the request it was issued for, the last
// key returned, and a 4-byte checksum. Paging is by key, so a row appears
// exactly once across pages even while rows are inserted.
//
// Thread-safety: pure functions.
//
// Example:
//   std::string token = EncodePageToken("counties/yongan", filter, "t0042");
//   ROTA_ASSIGN_OR_RETURN(std::string after,
//                         DecodePageToken(token, "counties/yongan", filter));
//                         // "t0042"
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rota::service {

// `scope` is whatever else the listing depends on (the parent).
std::string EncodePageToken(absl::string_view scope, absl::string_view filter,
                            absl::string_view last_key);

// Returns the last key. An empty token decodes to "". INVALID_ARGUMENT on
// field `page_token` (reason INVALID_PAGE_TOKEN) if the token is malformed or
// was issued for another scope or filter.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view scope,
                                            absl::string_view filter);

}  // namespace rota::service
