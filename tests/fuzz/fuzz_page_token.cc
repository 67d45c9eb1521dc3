// libFuzzer harness: List page tokens (service/page_token.h).
//
// Input: byte 0 = length of the scope, byte 1 = length of the filter, then
// the scope, the filter and the rest (the token, or the last key). With a
// fixed secret the harness:
//   - decodes the rest as a token for (scope, filter): a refusal must be
//     INVALID_ARGUMENT; an accepted token must encode back to a token that
//     decodes to the same key;
//   - encodes the rest as a last key for (scope, filter) and checks that the
//     token decodes to it, and is refused for another scope, another filter,
//     or with any one character changed into another base64url character
//     (unless the change leaves the decoded bytes as they were).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "service/page_token.h"

namespace {

using rota::service::DecodePageToken;
using rota::service::EncodePageToken;

void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_page_token: %s\n", what.c_str());
  std::abort();
}

void ExpectRefused(const absl::StatusOr<std::string>& r, const char* what) {
  if (r.ok()) Fail(std::string("accepted ") + what);
  if (r.status().code() != absl::StatusCode::kInvalidArgument) {
    Fail(std::string("refused ") + what +
         " with the wrong code: " + r.status().ToString());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!rota::service::SetPageTokenSecret("fuzz-page-token-secret-0123456789")
           .ok()) {
    Fail("SetPageTokenSecret");
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t scope_len = data[0];
  const size_t filter_len = data[1];
  if (size < 2 + scope_len + filter_len) return 0;
  const char* p = reinterpret_cast<const char*>(data + 2);
  const std::string scope(p, scope_len);
  const std::string filter(p + scope_len, filter_len);
  const std::string rest(p + scope_len + filter_len,
                         size - 2 - scope_len - filter_len);

  // The rest as a token.
  absl::StatusOr<std::string> key = DecodePageToken(rest, scope, filter);
  if (!key.ok()) {
    ExpectRefused(key, "");
  } else {
    absl::StatusOr<std::string> again =
        DecodePageToken(EncodePageToken(scope, filter, *key), scope, filter);
    if (!again.ok() || *again != *key) Fail("re-encoded token differs");
  }

  // The rest as a last key.
  const std::string token = EncodePageToken(scope, filter, rest);
  absl::StatusOr<std::string> back = DecodePageToken(token, scope, filter);
  if (!back.ok()) Fail("own token refused: " + back.status().ToString());
  if (*back != rest) Fail("own token decodes to another key");
  ExpectRefused(DecodePageToken(token, scope + "x", filter),
                "a token for another scope");
  ExpectRefused(DecodePageToken(token, scope, filter + "x"),
                "a token for another filter");
  // One changed character: refused, unless base64 decodes it to the same
  // bytes (the unused low bits of the last character).
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string original_bytes;
  if (!absl::WebSafeBase64Unescape(token, &original_bytes)) {
    Fail("own token is not base64url");
  }
  const size_t at =
      rest.empty() ? 0 : static_cast<uint8_t>(rest[0]) % token.size();
  const char replacement = kAlphabet[(size * 7) % 64];
  if (token[at] != replacement) {
    std::string edited = token;
    edited[at] = replacement;
    std::string edited_bytes;
    if (!absl::WebSafeBase64Unescape(edited, &edited_bytes) ||
        edited_bytes != original_bytes) {
      ExpectRefused(DecodePageToken(edited, scope, filter), "an edited token");
    }
  }
  return 0;
}
