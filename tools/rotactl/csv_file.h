// Pass 1 of `import` and `round apply`: read a CSV file whole and check the
// syntax of every record and its header before anything is sent, so a broken
// file changes nothing on the server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/csv/csv_format.h"

namespace rota::rotactl {

// A file's bytes, read-only, kept for the whole upload. A regular file is
// mapped (MAP_POPULATE): no zero-filled buffer and no copy out of the page
// cache, a fifth of rotactl's time before its first chunk left while rotad
// waited. A pipe or other stream is read into memory. A file truncated in
// place while mapped would end rotactl (SIGBUS); Excel and editors save a new
// file instead, which leaves the mapped one intact.
class FileText {
 public:
  FileText() = default;
  FileText(const FileText&) = delete;
  FileText& operator=(const FileText&) = delete;
  ~FileText() { Clear(); }

  // False when `path` cannot be opened or is a directory.
  bool Read(const std::string& path);
  // Holds `text` (the file's converted text) instead of the file's bytes.
  void Replace(std::string text);
  std::string_view view() const { return view_; }

 private:
  void Clear();

  void* mapped_ = nullptr;
  size_t mapped_size_ = 0;
  std::string owned_;
  std::string_view view_;
};

struct CheckedCsvFile {
  FileText text;  // the whole file, UTF-8
  // Set once the header row is parsed; the check passed only when
  // ReadCheckedCsv returned kExitOk.
  std::optional<rota::tools::CsvHeader> header;
  int64_t records = 0;  // data records counted
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
// returns kExitOk otherwise. `on_header`, when given, is called once the text
// is decoded and its header parsed, before the records are checked (the
// upload starts converting them meanwhile).
int ReadCheckedCsv(const std::string& path, rota::tools::CsvTable table,
                   bool count_blank_records, std::string_view nothing_done,
                   CheckedCsvFile* out,
                   const std::function<void()>& on_header = {});

}  // namespace rota::rotactl
