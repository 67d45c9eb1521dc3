#include "tools/rotactl/csv_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_encoding.h"
#include "tools/rotactl/context.h"

namespace rota::rotactl {

bool BlankRecord(const std::vector<std::string>& fields) {
  return std::all_of(fields.begin(), fields.end(),
                     [](const std::string& f) { return f.empty(); });
}

bool FileText::Read(const std::string& path) {
  Clear();
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    return false;
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    void* mapped = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                        MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (mapped != MAP_FAILED) {
      close(fd);
      mapped_ = mapped;
      mapped_size_ = static_cast<size_t>(st.st_size);
      view_ = std::string_view(static_cast<const char*>(mapped), mapped_size_);
      return true;
    }
  }
  // A pipe, an empty or unmappable file: read to the end (a read error ends
  // the text there).
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    owned_.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  view_ = owned_;
  return true;
}

void FileText::Replace(std::string text) {
  Clear();
  owned_ = std::move(text);
  view_ = owned_;
}

void FileText::Clear() {
  if (mapped_ != nullptr) munmap(mapped_, mapped_size_);
  mapped_ = nullptr;
  mapped_size_ = 0;
  owned_.clear();
  view_ = {};
}

int ReadCheckedCsv(const std::string& path, rota::tools::CsvTable table,
                   bool count_blank_records, std::string_view nothing_done,
                   CheckedCsvFile* out,
                   const std::function<void()>& on_header) {
  if (!out->text.Read(path)) {
    std::fprintf(stderr, "rotactl: cannot read %s\n", path.c_str());
    return kExitUsage;
  }
  out->header.reset();
  out->records = 0;
  absl::StatusOr<rota::tools::DecodedCsv> decoded =
      rota::tools::DecodeCsvText(out->text.view());
  if (!decoded.ok()) {
    std::fprintf(stderr, "rotactl: %s: %s (%s)\n", path.c_str(),
                 std::string(decoded.status().message()).c_str(),
                 std::string(nothing_done).c_str());
    return kExitFailed;
  }
  if (decoded->converted_from != nullptr) {
    out->text.Replace(std::move(decoded->converted));
    std::fprintf(stderr,
                 "rotactl: %s: read as Chinese GBK/%s text (what Excel on a "
                 "Chinese Windows saves as CSV) and converted to UTF-8 "
                 "(已按 GBK 编码读取并转换为 UTF-8)\n",
                 path.c_str(), decoded->converted_from);
  }

  // Only counts records, so memory stays at the file's size.
  std::vector<std::string> fields;
  absl::StatusOr<rota::tools::CsvHeader> header =
      absl::InvalidArgumentError("empty file (a header row is required)");
  // DecodeCsvText checked (or made) the text UTF-8.
  rota::tools::CsvReader reader =
      rota::tools::CsvReader::OfUtf8(out->text.view());
  absl::StatusOr<bool> more = reader.Next(&fields);
  if (!more.ok()) header = more.status();
  if (more.ok() && *more) header = rota::tools::CsvHeader::Parse(table, fields);
  if (!header.ok()) {
    std::fprintf(stderr, "rotactl: %s: %s\n", path.c_str(),
                 std::string(header.status().message()).c_str());
    return kExitFailed;
  }
  out->header = *std::move(header);
  if (on_header) on_header();
  if (!out->header->unknown_columns().empty()) {
    std::vector<std::string> quoted;
    for (const std::string& name : out->header->unknown_columns())
      quoted.push_back("\"" + name + "\"");
    std::fprintf(stderr,
                 "rotactl: %s: warning: ignoring %zu unknown column%s %s: "
                 "their cells are not imported (未识别的列已忽略; "
                 "docs/csv-format.md lists the column names)\n",
                 path.c_str(), quoted.size(), quoted.size() == 1 ? "" : "s",
                 absl::StrJoin(quoted, ", ").c_str());
  }
  // Each record's key -> the row and line it was first seen on: a second
  // row with the same id would silently overwrite the first.
  const std::string_view key_column =
      table == rota::tools::CsvTable::kApplications ? "teacher" : "id";
  absl::flat_hash_map<std::string, std::pair<int64_t, int64_t>> seen;
  while (true) {
    more = reader.Next(&fields);
    if (!more.ok()) {
      std::fprintf(stderr, "rotactl: %s: %s (%s)\n", path.c_str(),
                   std::string(more.status().message()).c_str(),
                   std::string(nothing_done).c_str());
      return kExitFailed;
    }
    if (!*more) break;
    if (BlankRecord(fields)) {
      if (count_blank_records) ++out->records;
      continue;
    }
    ++out->records;
    std::string_view key = out->header->Get(fields, key_column);
    while (!key.empty() && (key.front() == ' ' || key.front() == '\t'))
      key.remove_prefix(1);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t'))
      key.remove_suffix(1);
    key = rota::tools::IdOf(key);
    if (key.empty()) continue;  // the server names the missing id
    auto [it, inserted] =
        seen.try_emplace(std::string(key), reader.row(), reader.line());
    if (!inserted) {
      out->duplicates.push_back(
          {reader.row(), it->second.first, std::string(key_column), it->first});
      std::fprintf(stderr,
                   "rotactl: %s: rows %lld and %lld (lines %lld and %lld) "
                   "both have %s \"%s\"; each may appear once\n",
                   path.c_str(), static_cast<long long>(it->second.first),
                   static_cast<long long>(reader.row()),
                   static_cast<long long>(it->second.second),
                   static_cast<long long>(reader.line()),
                   std::string(key_column).c_str(), it->first.c_str());
    }
  }
  if (const size_t duplicates = out->duplicates.size(); duplicates > 0) {
    std::fprintf(stderr, "rotactl: %s: %zu duplicate %s%s (%s)\n", path.c_str(),
                 duplicates, std::string(key_column).c_str(),
                 duplicates == 1 ? "" : "s", std::string(nothing_done).c_str());
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace rota::rotactl
