#include "service/access.h"

#include <string_view>

#include "common/utf8.h"

namespace rota::service {
namespace {

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

}  // namespace

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

absl::Status CheckCountyAccess(const CallContext& /*call*/,
                               absl::string_view /*county*/) {
  // Every caller is allowed until roles arrive (issue: authentication).
  return absl::OkStatus();
}

}  // namespace rota::service
