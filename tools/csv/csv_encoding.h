// The text encoding of an imported CSV file. Excel on a Chinese Windows
// saves "CSV" as GBK (GB18030's two-byte subset), not UTF-8; such a file is
// converted to UTF-8 with glibc's iconv. A file is taken as GB18030 only if
// it decodes strictly and every character outside ASCII is Chinese text
// (CJK ideographs, CJK and full-width punctuation, general punctuation such
// as “” and ·), so a Latin-1 or UTF-16 file is still refused.
//
//   absl::StatusOr<DecodedCsv> d = DecodeCsvText(bytes);
//   if (!d.ok()) ... "line 3: the file is not UTF-8 ..." ...
//   if (d->converted_from != nullptr) ... tell the user, use d->converted ...
//   CsvReader reader(d->converted_from != nullptr ? d->converted : bytes);
//
// Thread-safety: stateless.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace rota::tools {

struct DecodedCsv {
  // The UTF-8 text when converted; empty when `bytes` are UTF-8 already,
  // so a large file is not copied.
  std::string converted;
  const char* converted_from = nullptr;  // "GB18030" when converted
};

// Nothing to convert when `bytes` are UTF-8 (with or without a byte-order
// mark); converted when they are GB18030/GBK Chinese text; otherwise
// INVALID_ARGUMENT naming the first line that is not UTF-8 and asking to save
// as UTF-8.
absl::StatusOr<DecodedCsv> DecodeCsvText(std::string_view bytes);

}  // namespace rota::tools
