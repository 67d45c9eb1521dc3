// The floor for a durable teacher import: the rows of a teachers.csv,
// converted as rotactl converts them (TeacherFromCsv) and serialized, written
// by this process into a fresh RocksDB as synced WriteBatches of 500 rows (one
// key per teacher), by 1 or more writer threads (each writes every row under
// its own prefix, as each county of a parallel import does). Prints rows/s
// (the conversion is not timed). Run by bench/run_import_bench.sh; never by
// ctest.
//
// Usage: import_reference --csv teachers.csv --dir DIR [--writers N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "rota/v1/resources.pb.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_format.h"

namespace {

constexpr size_t kChunkRows = 500;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "import_reference: %s\n", message.c_str());
  std::exit(1);
}

std::string ReadFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) Die("cannot read " + path);
  std::string text;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) text.append(buf, n);
  std::fclose(f);
  return text;
}

// (id, serialized teacher) of every row.
std::vector<std::pair<std::string, std::string>> Rows(const std::string& text) {
  rota::tools::CsvReader reader(text);
  std::vector<std::string> fields;
  if (!reader.Next(&fields).value_or(false)) Die("empty CSV");
  absl::StatusOr<rota::tools::CsvHeader> header =
      rota::tools::CsvHeader::Parse(rota::tools::CsvTable::kTeachers, fields);
  if (!header.ok()) Die(std::string(header.status().message()));
  std::vector<std::pair<std::string, std::string>> rows;
  while (reader.Next(&fields).value_or(false)) {
    rota::v1::Teacher t;
    std::string field;
    absl::Status s =
        rota::tools::TeacherFromCsv(*header, fields, "bench", &t, &field);
    if (!s.ok()) Die(absl::StrCat("row ", reader.row(), ": ", s.message()));
    rows.emplace_back(fields[0], t.SerializeAsString());
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  std::string csv, dir;
  int writers = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--csv") {
      csv = value;
    } else if (flag == "--dir") {
      dir = value;
    } else if (flag == "--writers") {
      if (!absl::SimpleAtoi(value, &writers) || writers < 1) Die("--writers");
    } else {
      Die("unknown flag " + flag);
    }
  }
  if (csv.empty() || dir.empty()) {
    Die("usage: import_reference --csv FILE --dir DIR [--writers N]");
  }
  const auto rows = Rows(ReadFile(csv));
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) Die("RocksDB open: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      rocksdb::WriteOptions sync;
      sync.sync = true;
      const std::string prefix = absl::StrCat("c", w, "/teachers/");
      for (size_t i = 0; i < rows.size(); i += kChunkRows) {
        rocksdb::WriteBatch batch;
        for (size_t j = i; j < std::min(rows.size(), i + kChunkRows); ++j) {
          batch.Put(prefix + rows[j].first, rows[j].second);
        }
        rocksdb::Status ws = db->Write(sync, &batch);
        if (!ws.ok()) Die("RocksDB write: " + ws.ToString());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  db->Close();
  std::printf("%.0f\n", static_cast<double>(rows.size()) * writers / seconds);
  return 0;
}
