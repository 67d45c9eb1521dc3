// UTF-8 checks shared by the server's request validation and the CSV reader
// of the tools: strict decoding (no overlongs, no surrogates, nothing above
// U+10FFFF), character counts, and control characters.
//
// A control character is a C0 control (U+0000-U+001F), DEL (U+007F) or a C1
// control (U+0080-U+009F). None belongs in a name, an id or a date; free
// text may allow line breaks and tabs (`ControlPolicy::kAllowLineBreaks`).
//
// Thread-safety: pure functions.
//
// Example:
//   if (Utf8ValidPrefix(text) != text.size()) ... not UTF-8 ...
//   std::optional<ControlCharacter> c = FindControlCharacter(name);
//   if (c) ... "U+0000 at character 4" ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace rota {

// Decodes the character at byte `*pos` of `s` into *cp and advances *pos.
// false (and *pos unchanged) if the bytes there are not valid UTF-8.
// REQUIRES: *pos < s.size().
inline bool DecodeUtf8(std::string_view s, size_t* pos, char32_t* cp) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + *pos;
  const size_t left = s.size() - *pos;
  const unsigned char c = p[0];
  if (c < 0x80) {
    *cp = c;
    ++*pos;
    return true;
  }
  size_t n;
  char32_t value;
  if ((c & 0xE0) == 0xC0) {
    n = 1;
    value = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2;
    value = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3;
    value = c & 0x07;
  } else {
    return false;
  }
  if (left <= n) return false;
  for (size_t i = 1; i <= n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return false;
    value = (value << 6) | (p[i] & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (value < kMin[n] || value > 0x10FFFF ||
      (value >= 0xD800 && value <= 0xDFFF)) {
    return false;
  }
  *cp = value;
  *pos += n + 1;
  return true;
}

// Byte length of the longest valid UTF-8 prefix of `s` (s.size() if all of
// it is valid).
inline size_t Utf8ValidPrefix(std::string_view s) {
  size_t pos = 0;
  char32_t cp;
  while (pos < s.size()) {
    // Runs of ASCII (most of a CSV file) are passed over 8 bytes at a time.
    while (s.size() - pos >= 8) {
      uint64_t bytes;
      std::memcpy(&bytes, s.data() + pos, sizeof(bytes));
      if ((bytes & 0x8080808080808080u) != 0) break;
      pos += 8;
    }
    if (pos == s.size() || !DecodeUtf8(s, &pos, &cp)) break;
  }
  return pos;
}

// The longest prefix of `s` of at most `max` bytes that does not split a
// UTF-8 sequence: for quoting a user's text in a message, which must stay
// valid UTF-8 (protobuf refuses to serialize a string field that is not).
inline std::string_view TruncateUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

// Number of characters if `s` is valid UTF-8, else nullopt.
inline std::optional<size_t> Utf8Length(std::string_view s) {
  size_t pos = 0, count = 0;
  char32_t cp;
  while (pos < s.size()) {
    if (!DecodeUtf8(s, &pos, &cp)) return std::nullopt;
    ++count;
  }
  return count;
}

inline bool IsControlCharacter(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

enum class ControlPolicy {
  kNone,             // no control character at all
  kAllowLineBreaks,  // TAB, LF and CR are allowed (free text)
};

struct ControlCharacter {
  char32_t code_point = 0;
  size_t index = 0;  // 0-based character (not byte) position
};

// The first control character of `s` that `policy` does not allow. Stops at
// the first invalid UTF-8 sequence (check validity separately).
inline std::optional<ControlCharacter> FindControlCharacter(
    std::string_view s, ControlPolicy policy = ControlPolicy::kNone) {
  size_t pos = 0, index = 0;
  char32_t cp;
  while (pos < s.size() && DecodeUtf8(s, &pos, &cp)) {
    const bool line_break = cp == '\t' || cp == '\n' || cp == '\r';
    if (IsControlCharacter(cp) &&
        !(line_break && policy == ControlPolicy::kAllowLineBreaks)) {
      return ControlCharacter{cp, index};
    }
    ++index;
  }
  return std::nullopt;
}

// "U+0000" for a code point.
inline std::string CodePointName(char32_t cp) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "U+";
  const int digits = cp > 0xFFFF ? (cp > 0xFFFFF ? 6 : 5) : 4;
  for (int i = digits - 1; i >= 0; --i)
    out.push_back(kHex[(cp >> (4 * i)) & 0xF]);
  return out;
}

}  // namespace rota
