#include "tools/rotactl/csv_file.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
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

namespace {

// The whole stream. A regular file is read straight into a string of its
// size (a large file is neither regrown nor copied); a pipe, or what was
// appended meanwhile, through a buffer.
std::string ReadAll(std::ifstream& in) {
  std::string bytes;
  in.seekg(0, std::ios::end);
  if (const std::streamoff size = in.tellg(); size > 0) {
    in.seekg(0, std::ios::beg);
    bytes.resize(static_cast<size_t>(size));
    in.read(bytes.data(), size);
    bytes.resize(static_cast<size_t>(in.gcount()));
  }
  in.clear();  // a pipe cannot seek; a short read sets eof
  char buffer[1 << 16];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0)
    bytes.append(buffer, static_cast<size_t>(in.gcount()));
  return bytes;
}

}  // namespace

int ReadCheckedCsv(const std::string& path, rota::tools::CsvTable table,
                   bool count_blank_records, std::string_view nothing_done,
                   CheckedCsvFile* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "rotactl: cannot read %s\n", path.c_str());
    return kExitUsage;
  }
  out->header.reset();
  out->records = 0;
  absl::StatusOr<rota::tools::DecodedCsv> decoded =
      rota::tools::DecodeCsvText(ReadAll(in));
  if (!decoded.ok()) {
    std::fprintf(stderr, "rotactl: %s: %s (%s)\n", path.c_str(),
                 std::string(decoded.status().message()).c_str(),
                 std::string(nothing_done).c_str());
    return kExitFailed;
  }
  out->text = std::move(decoded->text);
  if (decoded->converted_from != nullptr) {
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
  rota::tools::CsvReader reader = rota::tools::CsvReader::OfUtf8(out->text);
  absl::StatusOr<bool> more = reader.Next(&fields);
  if (!more.ok()) header = more.status();
  if (more.ok() && *more) header = rota::tools::CsvHeader::Parse(table, fields);
  if (!header.ok()) {
    std::fprintf(stderr, "rotactl: %s: %s\n", path.c_str(),
                 std::string(header.status().message()).c_str());
    return kExitFailed;
  }
  if (!header->unknown_columns().empty()) {
    std::vector<std::string> quoted;
    for (const std::string& name : header->unknown_columns())
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
    std::string_view key = header->Get(fields, key_column);
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
  out->header = *std::move(header);
  return kExitOk;
}

}  // namespace rota::rotactl
