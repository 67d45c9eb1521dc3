#include "service/storage/event.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace rota::storage {
namespace {

void AppendBigEndian32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

// A field's u32 length.
void AppendFieldLength(std::string& out, size_t size) {
  ROTA_CHECK(size <= kMaxEventFieldBytes) << "event field too large";
  AppendBigEndian32(out, static_cast<uint32_t>(size));
}

void AppendField(std::string& out, const std::string& field) {
  AppendFieldLength(out, field.size());
  out.append(field);
}

// Reads from a record, remembering the first failure so the caller can check
// once at the end instead of after every field.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size(); }

  std::string_view Take(size_t n) {
    if (!ok_ || data_.size() < n) {
      ok_ = false;
      return {};
    }
    std::string_view out = data_.substr(0, n);
    data_.remove_prefix(n);
    return out;
  }
  uint8_t U8() {
    std::string_view b = Take(1);
    return ok_ ? static_cast<uint8_t>(b[0]) : 0;
  }
  uint32_t U32() {
    std::string_view b = Take(4);
    if (!ok_) return 0;
    uint32_t v = 0;
    for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
    return v;
  }
  uint64_t U64() {
    std::string_view b = Take(8);
    return ok_ ? ReadBigEndian64(b) : 0;
  }
  std::string Field() {
    uint32_t n = U32();
    return std::string(Take(n));
  }
  Sha256Digest Digest() {
    Sha256Digest d{};
    std::string_view b = Take(d.size());
    if (ok_) std::memcpy(d.data(), b.data(), d.size());
    return d;
  }

 private:
  std::string_view data_;
  bool ok_ = true;
};

}  // namespace

void AppendBigEndian64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

uint64_t ReadBigEndian64(std::string_view bytes) {
  ROTA_CHECK(bytes.size() >= 8);
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[i]);
  return v;
}

CanonicalEventPieces CanonicalPiecesOf(const Event& event) {
  CanonicalEventPieces pieces;
  std::string& head = pieces.head;
  head.reserve(1 + 8 + 8 + 16 + event.actor.size() + event.request_id.size() +
               event.type.size());
  head.push_back(static_cast<char>(kEventEncodingVersion));
  AppendBigEndian64(head, event.sequence);
  AppendBigEndian64(head, static_cast<uint64_t>(event.time_micros));
  AppendField(head, event.actor);
  AppendField(head, event.request_id);
  AppendField(head, event.type);
  AppendFieldLength(head, event.payload.size());
  pieces.payload = event.payload;
  pieces.previous_hash = std::string_view(
      reinterpret_cast<const char*>(event.previous_hash.data()),
      event.previous_hash.size());
  return pieces;
}

std::string EncodeCanonicalEvent(const Event& event) {
  const CanonicalEventPieces pieces = CanonicalPiecesOf(event);
  std::string out;
  out.reserve(pieces.head.size() + pieces.payload.size() +
              pieces.previous_hash.size() + 32);
  out.append(pieces.head);
  out.append(pieces.payload);
  out.append(pieces.previous_hash);
  return out;
}

Sha256Digest ComputeEventHash(const Event& event) {
  return Sha256(EncodeCanonicalEvent(event));
}

std::string EncodeEventRecord(const Event& event) {
  std::string out = EncodeCanonicalEvent(event);
  out.append(reinterpret_cast<const char*>(event.hash.data()),
             event.hash.size());
  return out;
}

absl::StatusOr<Event> DecodeEventRecord(std::string_view record) {
  Reader r(record);
  uint8_t version = r.U8();
  if (r.ok() && version != kEventEncodingVersion) {
    return absl::DataLossError(
        absl::StrCat("unknown event encoding version ", version));
  }
  Event e;
  e.sequence = r.U64();
  e.time_micros = static_cast<int64_t>(r.U64());
  e.actor = r.Field();
  e.request_id = r.Field();
  e.type = r.Field();
  e.payload = r.Field();
  e.previous_hash = r.Digest();
  e.hash = r.Digest();
  if (!r.ok()) {
    return absl::DataLossError(
        absl::StrCat("event record is truncated (", record.size(), " bytes)"));
  }
  if (r.remaining() != 0) {
    return absl::DataLossError(absl::StrCat("event record has ", r.remaining(),
                                            " unexpected trailing bytes"));
  }
  return e;
}

}  // namespace rota::storage
