// Pass 1 of `import` and `round apply`: read a CSV file whole and check the
// syntax of every record and its header before anything is sent, so a broken
// file changes nothing on the server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/csv/csv_format.h"

namespace rota::rotactl {

struct CheckedCsvFile {
  std::string text;                              // the whole file
  std::optional<rota::tools::CsvHeader> header;  // set when the check passed
  int64_t records = 0;                           // data records counted
  // A record whose id an earlier record already has (the check failed).
  struct Duplicate {
    int64_t row = 0;        // this record's data row number
    int64_t first_row = 0;  // the earlier record's
    std::string column;     // "id" ("teacher" for applications)
    std::string key;
  };
  std::vector<Duplicate> duplicates;
};

// True if every cell of the record is empty.
bool BlankRecord(const std::vector<std::string>& fields);

// Reads `path` into `out` (a GBK/GB18030 file is converted to UTF-8, saying
// so on stderr) and checks it as a CSV of `table`; warns once on stderr
// about header names that name no column; counts the data
// records (blank ones only when `count_blank_records`). Two records with the
// same id ("teacher" for applications) are an error naming both rows and
// lines. On a problem prints `rotactl: FILE: reason` (a syntax error or
// duplicates end with `(nothing_done)`) and returns the exit code
// (kExitUsage: unreadable; kExitFailed: bad CSV, neither UTF-8 nor GBK,
// duplicates);
// returns kExitOk otherwise.
int ReadCheckedCsv(const std::string& path, rota::tools::CsvTable table,
                   bool count_blank_records, std::string_view nothing_done,
                   CheckedCsvFile* out);

}  // namespace rota::rotactl
