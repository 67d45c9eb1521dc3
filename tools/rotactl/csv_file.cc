#include "tools/rotactl/csv_file.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/status/statusor.h"
#include "tools/csv/csv.h"
#include "tools/rotactl/context.h"

namespace rota::rotactl {

bool BlankRecord(const std::vector<std::string>& fields) {
  return std::all_of(fields.begin(), fields.end(),
                     [](const std::string& f) { return f.empty(); });
}

int ReadCheckedCsv(const std::string& path, rota::tools::CsvTable table,
                   bool count_blank_records, std::string_view nothing_done,
                   CheckedCsvFile* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "rotactl: cannot read %s\n", path.c_str());
    return kExitUsage;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  out->text = buffer.str();
  out->header.reset();
  out->records = 0;

  // Only counts records, so memory stays at the file's size.
  std::vector<std::string> fields;
  absl::StatusOr<rota::tools::CsvHeader> header =
      absl::InvalidArgumentError("empty file (a header row is required)");
  rota::tools::CsvReader reader(out->text);
  absl::StatusOr<bool> more = reader.Next(&fields);
  if (!more.ok()) header = more.status();
  if (more.ok() && *more) header = rota::tools::CsvHeader::Parse(table, fields);
  if (!header.ok()) {
    std::fprintf(stderr, "rotactl: %s: %s\n", path.c_str(),
                 std::string(header.status().message()).c_str());
    return kExitFailed;
  }
  while (true) {
    more = reader.Next(&fields);
    if (!more.ok()) {
      std::fprintf(stderr, "rotactl: %s: %s (%s)\n", path.c_str(),
                   std::string(more.status().message()).c_str(),
                   std::string(nothing_done).c_str());
      return kExitFailed;
    }
    if (!*more) break;
    if (count_blank_records || !BlankRecord(fields)) ++out->records;
  }
  out->header = *std::move(header);
  return kExitOk;
}

}  // namespace rota::rotactl
