// rotactl's output formats: aligned tables (CJK-aware), JSON, CSV.
//
// Lists go through ListPrinter so that `-o json` is always one JSON array and
// `-o csv` one CSV file with a header, even when `--all` fetches many pages:
// JSON and CSV rows are written as they arrive, table rows are buffered so the
// columns can be aligned.
//
//   ListPrinter out(ctx->format(), {"ID", "NAME"},
//   CsvColumns(CsvTable::kSchools)); for (const School& s : page) out.Add(s,
//   {id, s.display_name()}, SchoolToCsv(s)); out.Finish();
//
// Thread-safety: not thread-safe; writes to stdout.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "google/protobuf/message.h"
#include "tools/rotactl/context.h"

namespace rota::rotactl {

// --no-headers: whether tables and CSV output print their header row
// (default true). Set once by main() after parsing.
void SetPrintHeaders(bool print);
bool PrintHeaders();

// Terminal columns `text` (UTF-8) occupies: East Asian wide and fullwidth
// characters (汉字, fullwidth punctuation) count 2, combining marks 0.
int DisplayWidth(std::string_view text);

// "12.50" for 1250 centipoints (points, written scores).
std::string Points(int64_t centipoints);

// One-line JSON of a message with proto field names and every field present.
std::string ToJson(const google::protobuf::Message& message);

// Prints an aligned table (header row unless --no-headers, then rows) to
// stdout.
void PrintTable(const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows);

// Prints a single resource in `format`: table = aligned "field  value" lines
// (`fields` are names, `values` the matching cells), json = the message,
// csv = header (unless --no-headers) + one row.
void PrintResource(OutputFormat format,
                   const google::protobuf::Message& message,
                   const std::vector<std::string>& fields,
                   const std::vector<std::string>& values);

// A progress bar on stderr, redrawn in place:
// "import   [#########.....]  30% 3000/10000".
void Progress(std::string_view what, int64_t done, int64_t total);

// "" if the command at `path` (e.g. {"round", "results"}) can print CSV,
// else the sentence refusing it, naming the formats it supports. Every CSV
// rotactl writes starts with a UTF-8 byte order mark (kCsvBom), so that
// spreadsheet programs read the Chinese.
std::string CsvRefusal(const std::vector<std::string>& path);
inline constexpr char kCsvBom[] = "\xEF\xBB\xBF";

class ListPrinter {
 public:
  ListPrinter(OutputFormat format, std::vector<std::string> table_headers,
              const std::vector<std::string>& csv_columns);
  void Add(const google::protobuf::Message& message,
           std::vector<std::string> table_row,
           const std::vector<std::string>& csv_row);
  // Closes the JSON array or prints the table. Call exactly once.
  void Finish();
  // After an error: closes what was started (so partial output stays valid
  // JSON/CSV), prints nothing if no row came.
  void Abort() {
    if (count_ > 0) Finish();
  }
  int64_t count() const { return count_; }

 private:
  OutputFormat format_;
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  int64_t count_ = 0;
  bool started_ = false;
  std::vector<std::string> csv_columns_;
  void Start();
};

}  // namespace rota::rotactl
