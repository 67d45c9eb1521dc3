// RFC 4180 CSV reading and writing for Rota's import/export files.
//
// CsvReader walks a whole file held in memory: a UTF-8 byte-order mark at the
// start is skipped, records end in LF or CRLF (a lone CR inside a quoted field
// is kept), fields may be quoted with '"' and a doubled '""' is one quote.
// Every record must have as many fields as the header; empty cells past
// the header's width are dropped first, so a spreadsheet's trailing commas
// do not count (a header's blank names are CsvHeader's to ignore); a blank
// line at the very end is ignored. The text must be UTF-8 (a file saved as GBK
// is refused as a whole, naming its first bad line) and a cell may hold no
// control character other than a tab or a line break. Errors name the record
// number (the header is record 1, so record numbers match spreadsheet rows
// when no field spans lines) and the 1-based column.
//
//   CsvReader reader(text);
//   std::vector<std::string> fields;
//   while (true) {
//     absl::StatusOr<bool> more = reader.Next(&fields);
//     if (!more.ok()) return more.status();   // "row 7, column 3: ..."
//     if (!*more) break;
//     ... reader.row() is this record's number ...
//   }
//
// AppendCsvRow writes a record, quoting only fields that need it, and ends it
// with LF.
//
// Thread-safety: a CsvReader is not thread-safe; the free functions are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace rota::tools {

class CsvReader {
 public:
  // `text` must outlive the reader.
  explicit CsvReader(std::string_view text);
  // For text known to be valid UTF-8 (DecodeCsvText's output), which is then
  // not checked again: a large file is read twice.
  static CsvReader OfUtf8(std::string_view text);

  // Reads the next record into *fields. Returns false at end of input,
  // INVALID_ARGUMENT ("row R, column C: ...") for an unterminated quote, a
  // stray quote inside an unquoted field, text after a closing quote, a
  // control character in a field, or a field count that differs from the
  // first record's; INVALID_ARGUMENT ("line L: ... save it as UTF-8") on
  // every call if the text is not UTF-8.
  absl::StatusOr<bool> Next(std::vector<std::string>* fields);

  // Record number of the record last returned (1 = first record).
  int64_t row() const { return row_; }
  // Physical line (1-based) the last returned record started on.
  int64_t line() const { return line_; }

 private:
  CsvReader() = default;

  std::string_view text_;
  size_t pos_ = 0;
  int64_t row_ = 0;
  int64_t line_ = 0;
  int64_t next_line_ = 1;
  size_t width_ = 0;  // field count of the first record; 0 = not seen yet
  int64_t bad_utf8_line_ = 0;  // first line that is not UTF-8; 0 = none
};

// Appends `field` to *out, quoted when it contains ',', '"', CR or LF,
// starts or ends with a space, or starts with a UTF-8 byte-order mark.
void AppendCsvField(std::string* out, std::string_view field);

// Appends the fields separated by commas and a final '\n'.
void AppendCsvRow(std::string* out, const std::vector<std::string>& fields);

}  // namespace rota::tools
