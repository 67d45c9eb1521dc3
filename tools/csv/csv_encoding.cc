#include "tools/csv/csv_encoding.h"

#include <errno.h>
#include <iconv.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"

namespace rota::tools {
namespace {

// Strict GB18030 -> UTF-8; nullopt on any invalid or incomplete sequence.
std::optional<std::string> FromGb18030(std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* dst = out.data();
  size_t out_left = out.size();
  bool ok = true;
  while (in_left > 0) {
    if (iconv(cd, &in, &in_left, &dst, &out_left) != static_cast<size_t>(-1))
      continue;
    if (errno == E2BIG) {  // grow and go on
      const size_t used = static_cast<size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      out_left = out.size() - used;
      continue;
    }
    ok = false;  // EILSEQ or EINVAL: not GB18030
    break;
  }
  iconv_close(cd);
  if (!ok) return std::nullopt;
  out.resize(static_cast<size_t>(dst - out.data()));
  return out;
}

// A character Chinese text in a spreadsheet uses.
bool IsChineseTextChar(char32_t c) {
  return c < 0x80 || c == 0xB7 || (c >= 0x2000 && c <= 0x206F) ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xFF00 && c <= 0xFFEF);
}

bool AllChineseText(std::string_view utf8) {
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t c = 0;
    if (!rota::DecodeUtf8(utf8, &pos, &c)) return false;
    if (!IsChineseTextChar(c)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<DecodedCsv> DecodeCsvText(std::string_view bytes) {
  DecodedCsv out;
  const size_t valid = rota::Utf8ValidPrefix(bytes);
  if (valid == bytes.size()) return out;
  if (std::optional<std::string> text = FromGb18030(bytes);
      text.has_value() && AllChineseText(*text)) {
    out.converted = *std::move(text);
    out.converted_from = "GB18030";
    return out;
  }
  const int64_t line =
      1 + std::count(bytes.begin(), bytes.begin() + valid, '\n');
  return absl::InvalidArgumentError(absl::StrCat(
      "line ", line,
      ": the file is neither UTF-8 nor Chinese GBK/GB18030 text; save it as "
      "UTF-8 (e.g. \"CSV UTF-8\" in Excel) and try again"));
}

}  // namespace rota::tools
