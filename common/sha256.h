// SHA-256 over bytes, through OpenSSL's EVP interface.
//
//   Sha256Digest d = Sha256("abc");
//   std::string hex = ToHex(d);   // "ba7816bf..."
//
// Thread-safe: every call uses its own context. Targets that include this
// link OpenSSL::Crypto (rota::common does).
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status_macros.h"

namespace rota {

using Sha256Digest = std::array<uint8_t, 32>;

// OpenSSL's SHA-256 implementation, fetched once: passing EVP_sha256() to
// every EVP_DigestInit_ex makes OpenSSL 3 look the algorithm up again each
// time, which cost more than hashing a small event record.
inline const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    ROTA_CHECK(fetched != nullptr);
    return fetched;
  }();
  return md;
}

// Incremental hasher for data that arrives in pieces.
class Sha256Hasher {
 public:
  Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
    ROTA_CHECK(ctx_ != nullptr &&
               EVP_DigestInit_ex(ctx_, Sha256Algorithm(), nullptr) == 1);
  }
  ~Sha256Hasher() { EVP_MD_CTX_free(ctx_); }
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view bytes) {
    ROTA_CHECK(EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) == 1);
  }
  Sha256Digest Finish() {
    Sha256Digest out{};
    unsigned int len = 0;
    ROTA_CHECK(EVP_DigestFinal_ex(ctx_, out.data(), &len) == 1 &&
               len == out.size());
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};

inline Sha256Digest Sha256(std::string_view bytes) {
  Sha256Hasher hasher;
  hasher.Update(bytes);
  return hasher.Finish();
}

// Lower-case hex of any byte range.
template <typename Bytes>
std::string ToHex(const Bytes& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    auto v = static_cast<uint8_t>(b);
    out.push_back(kDigits[v >> 4]);
    out.push_back(kDigits[v & 0xF]);
  }
  return out;
}

}  // namespace rota
