// rotactl import schools|posts|teachers|periods|roads|applicants|
//   recruitment-posts FILE.csv
//
// The whole file is checked first: a CSV syntax error (with row, line and
// column), text that is not UTF-8, a control character in a cell or two rows
// with the same id stop the import before anything is sent. Rows whose cells
// cannot be represented (an unknown enum name, a non-number) are rejected
// locally. The rest are streamed to BulkImport in chunks of 500 rows (fewer
// if a chunk would pass kMaxChunkBytes).
//
// Each chunk's request id is "import-<table>-<digest>-<import id>/<chunk>":
// the digest is the SHA-256 of the county, the table and the file's bytes;
// the import id is drawn afresh by every invocation and printed, and
// `--request-id IMPORT_ID` reuses an earlier one. So a retry of an
// interrupted attempt (same file, same import id) applies no chunk twice,
// while a deliberate re-run after fixing what the server rejected (a new
// import id) is applied, not answered with the old rejection. Every rejected
// row is printed with its row number, field and reason (every problem of
// every row, found in one pass), and the exit code is 1 if any row was
// rejected; `--errors FILE` also writes them as a CSV to fix in Excel and
// import again (import_errors.h).
//
// `--dry-run` converts and sends every row the same way with
// BulkImportRequest.dry_run set and no request id: the server validates
// each row as an import would and writes nothing; rotactl prints what would
// be created, updated and rejected.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>

#include "common/sha256.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/csv_file.h"
#include "tools/rotactl/import_errors.h"
#include "tools/rotactl/output.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
using rota::tools::CsvTable;

const char* TableName(CsvTable table) {
  switch (table) {
    case CsvTable::kSchools:
      return "schools";
    case CsvTable::kPosts:
      return "posts";
    case CsvTable::kTeachers:
      return "teachers";
    case CsvTable::kPeriodRequirements:
      return "periods";
    case CsvTable::kRoadDistances:
      return "roads";
    case CsvTable::kApplicants:
      return "applicants";
    case CsvTable::kRecruitmentPosts:
      return "recruitment-posts";
    default:
      return "applications";
  }
}

void Progress(int64_t done, int64_t total) {
  constexpr int kWidth = 30;
  const int filled =
      total > 0 ? static_cast<int>(kWidth * done / total) : kWidth;
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '.');
  std::fprintf(stderr, "\r[%s] %3d%% %lld/%lld rows", bar.c_str(),
               total > 0 ? static_cast<int>(100 * done / total) : 100,
               static_cast<long long>(done), static_cast<long long>(total));
  std::fflush(stderr);
}

struct ImportOpts {
  std::string file;
  int chunk_size = 500;
  bool no_progress = false;
  std::string import_id;  // --request-id; empty: draw a new one
  bool dry_run = false;
  std::string errors_file;  // --errors; empty: none
};

// A chunk is sent early once it passes this size, well below rotad's receive
// limit (4 MB) even with the largest row the server accepts.
constexpr size_t kMaxChunkBytes = 1 << 20;

// A fresh import id: 16 lower-case hex digits.
std::string NewImportId() {
  std::random_device random;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 4; ++i) {
    uint32_t bits = random();
    for (int j = 0; j < 4; ++j, bits >>= 4) id.push_back(kHex[bits & 0xF]);
  }
  return id;
}

// 1-32 characters of [A-Za-z0-9_-].
bool IsValidImportId(const std::string& id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// Appends `fields` as a row of `table` to `chunk`; on a cell that cannot be
// represented returns the error (field and reason) and leaves `chunk` as is.
absl::Status AddRow(const rota::tools::CsvHeader& header, CsvTable table,
                    const std::vector<std::string>& fields,
                    const std::string& county_id, int64_t row,
                    v1::BulkImportRequest* chunk, std::string* field,
                    std::vector<rota::tools::CsvFieldError>* all) {
  absl::Status s;
  switch (table) {
    case CsvTable::kSchools: {
      auto* r = chunk->add_schools();
      r->set_row(row);
      s = rota::tools::SchoolFromCsv(header, fields, county_id,
                                     r->mutable_school(), field, all);
      if (!s.ok()) chunk->mutable_schools()->RemoveLast();
      break;
    }
    case CsvTable::kPosts: {
      auto* r = chunk->add_posts();
      r->set_row(row);
      s = rota::tools::PostFromCsv(header, fields, county_id, r->mutable_post(),
                                   field, all);
      if (!s.ok()) chunk->mutable_posts()->RemoveLast();
      break;
    }
    case CsvTable::kPeriodRequirements: {
      auto* r = chunk->add_period_requirements();
      r->set_row(row);
      s = rota::tools::PeriodRequirementFromCsv(header, fields, county_id,
                                                r->mutable_period_requirement(),
                                                field, all);
      if (!s.ok()) chunk->mutable_period_requirements()->RemoveLast();
      break;
    }
    case CsvTable::kRoadDistances: {
      auto* r = chunk->add_road_distances();
      r->set_row(row);
      s = rota::tools::RoadDistanceFromCsv(
          header, fields, county_id, r->mutable_road_distance(), field, all);
      if (!s.ok()) chunk->mutable_road_distances()->RemoveLast();
      break;
    }
    case CsvTable::kApplicants: {
      auto* r = chunk->add_applicants();
      r->set_row(row);
      s = rota::tools::ApplicantFromCsv(header, fields, county_id,
                                        r->mutable_applicant(), field, all);
      if (!s.ok()) chunk->mutable_applicants()->RemoveLast();
      break;
    }
    case CsvTable::kRecruitmentPosts: {
      auto* r = chunk->add_recruitment_posts();
      r->set_row(row);
      s = rota::tools::RecruitmentPostFromCsv(
          header, fields, county_id, r->mutable_recruitment_post(), field, all);
      if (!s.ok()) chunk->mutable_recruitment_posts()->RemoveLast();
      break;
    }
    default: {
      auto* r = chunk->add_teachers();
      r->set_row(row);
      s = rota::tools::TeacherFromCsv(header, fields, county_id,
                                      r->mutable_teacher(), field, all);
      if (!s.ok()) chunk->mutable_teachers()->RemoveLast();
      break;
    }
  }
  return s;
}

int ChunkRows(const v1::BulkImportRequest& chunk) {
  return chunk.schools_size() + chunk.posts_size() + chunk.teachers_size() +
         chunk.period_requirements_size() + chunk.road_distances_size() +
         chunk.applicants_size() + chunk.recruitment_posts_size();
}

// Encoded size of the row AddRow appended last (plus its tag and length).
size_t LastRowBytes(const v1::BulkImportRequest& chunk, CsvTable table) {
  switch (table) {
    case CsvTable::kSchools:
      return chunk.schools(chunk.schools_size() - 1).ByteSizeLong() + 6;
    case CsvTable::kPosts:
      return chunk.posts(chunk.posts_size() - 1).ByteSizeLong() + 6;
    case CsvTable::kPeriodRequirements:
      return chunk.period_requirements(chunk.period_requirements_size() - 1)
                 .ByteSizeLong() +
             6;
    case CsvTable::kRoadDistances:
      return chunk.road_distances(chunk.road_distances_size() - 1)
                 .ByteSizeLong() +
             6;
    case CsvTable::kApplicants:
      return chunk.applicants(chunk.applicants_size() - 1).ByteSizeLong() + 6;
    case CsvTable::kRecruitmentPosts:
      return chunk.recruitment_posts(chunk.recruitment_posts_size() - 1)
                 .ByteSizeLong() +
             6;
    default:
      return chunk.teachers(chunk.teachers_size() - 1).ByteSizeLong() + 6;
  }
}

int RunImport(Context* ctx, CsvTable table, const ImportOpts& o) {
  const std::string parent = ctx->CountyName();
  if (parent.empty()) return ctx->exit_code;
  if (!o.import_id.empty() && !IsValidImportId(o.import_id)) {
    std::fprintf(stderr,
                 "rotactl: --request-id must be 1-32 characters of "
                 "[A-Za-z0-9_-] (the import id an earlier attempt printed)\n");
    return kExitUsage;
  }
  const std::string import_id =
      o.import_id.empty() ? NewImportId() : o.import_id;
  const std::string county_id = parent.substr(parent.rfind('/') + 1);
  const auto started = std::chrono::steady_clock::now();

  // Pass 1: CSV syntax of the whole file; any error stops the import before
  // anything is sent.
  CheckedCsvFile file;
  if (int rc = ReadCheckedCsv(o.file, table, /*count_blank_records=*/false,
                              "nothing was imported", &file);
      rc != kExitOk) {
    return rc;
  }
  const std::string& text = file.text;
  const auto& header = file.header;
  const int64_t rows = file.records;
  std::vector<std::string> fields;

  // Request ids from the content and the import id: a retried attempt
  // replays, a new attempt applies.
  rota::Sha256Hasher hasher;
  hasher.Update(parent);
  hasher.Update("\n");
  hasher.Update(TableName(table));
  hasher.Update("\n");
  hasher.Update(text);
  const std::string id_prefix =
      "import-" + std::string(TableName(table)) + "-" +
      rota::ToHex(hasher.Finish()).substr(0, 32) + "-" + import_id + "/";

  // Pass 2: convert and stream chunk by chunk (chunks hold valid rows only).
  const int chunk_size = std::max(1, o.chunk_size);
  const int64_t max_chunks = (rows + chunk_size - 1) / chunk_size;
  const bool progress = !o.no_progress && isatty(STDERR_FILENO) && rows > 0;
  std::vector<v1::RowError> errors;
  int64_t local_rejected = 0;  // rows rejected before sending
  v1::BulkImportResponse response;
  std::unique_ptr<grpc::ClientContext> call;
  std::unique_ptr<grpc::ClientWriter<v1::BulkImportRequest>> writer;
  int64_t chunks_sent = 0, rows_sent = 0;
  bool stream_broken = false;
  v1::BulkImportRequest chunk;
  size_t chunk_bytes = 0;  // rows in `chunk`, encoded
  auto send = [&] {
    if (ChunkRows(chunk) == 0 || stream_broken) return;
    if (writer == nullptr) {
      call = ctx->NewCall(1.0 + static_cast<double>(max_chunks) / 10.0);
      writer = ctx->Registry().BulkImport(call.get(), &response);
    }
    chunk.set_parent(parent);
    if (o.dry_run) {
      chunk.set_dry_run(true);
    } else {
      chunk.set_request_id(id_prefix + std::to_string(chunks_sent));
    }
    if (!writer->Write(chunk)) {  // the server ended the stream early
      stream_broken = true;
      return;
    }
    ++chunks_sent;
    rows_sent += ChunkRows(chunk);
    if (progress) Progress(rows_sent + local_rejected, rows);
    chunk.Clear();
    chunk_bytes = 0;
  };
  rota::tools::CsvReader reader(text);
  (void)reader.Next(&fields);  // the header, checked in pass 1
  while (!stream_broken) {
    absl::StatusOr<bool> more = reader.Next(&fields);
    if (!more.ok() || !*more) break;
    if (BlankRecord(fields)) continue;
    std::string field;
    std::vector<rota::tools::CsvFieldError> problems;
    const absl::Status s = AddRow(*header, table, fields, county_id,
                                  reader.row(), &chunk, &field, &problems);
    if (!s.ok()) {
      for (const rota::tools::CsvFieldError& p : problems) {
        v1::RowError e;
        e.set_row(reader.row());
        e.set_field(p.field);
        e.set_reason(p.reason);
        errors.push_back(std::move(e));
      }
      ++local_rejected;
      continue;
    }
    chunk_bytes += LastRowBytes(chunk, table);
    if (ChunkRows(chunk) == chunk_size || chunk_bytes >= kMaxChunkBytes) {
      send();
    }
  }
  send();
  if (writer != nullptr) {
    writer->WritesDone();
    const grpc::Status s = writer->Finish();
    if (progress) std::fputc('\n', stderr);
    if (!s.ok()) {
      const int code =
          ReportRpcError(s, "import " + std::string(TableName(table)));
      std::fprintf(stderr,
                   "rotactl: %lld chunks were sent; chunks the server applied "
                   "stay applied. To finish, re-run the same command with "
                   "--request-id %s: the chunks already applied are "
                   "replayed, not applied twice.\n",
                   static_cast<long long>(chunks_sent), import_id.c_str());
      return code;
    }
  }
  for (const v1::RowError& e : response.errors()) errors.push_back(e);
  std::stable_sort(errors.begin(), errors.end(),
                   [](const v1::RowError& a, const v1::RowError& b) {
                     return a.row() < b.row();
                   });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  // A row can have several errors (one per field); count rows.
  int64_t rejected = 0;
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i == 0 || errors[i].row() != errors[i - 1].row()) ++rejected;
  }

  if (!o.errors_file.empty()) {
    if (!WriteErrorFile(o.errors_file, text, table, errors)) return kExitUsage;
  }
  const int64_t updated = response.rows_applied() - response.rows_created();
  if (ctx->format() == OutputFormat::kJson) {
    v1::BulkImportResponse report = response;
    report.set_rows_received(rows);
    report.set_rows_rejected(rejected);
    report.clear_errors();
    for (const v1::RowError& e : errors) *report.add_errors() = e;
    std::printf("%s\n", ToJson(report).c_str());
    if (!o.dry_run)
      std::fprintf(stderr, "rotactl: import id %s\n", import_id.c_str());
  } else {
    for (const v1::RowError& e : errors) {
      std::printf("rejected row %lld, field %s: %s / %s\n",
                  static_cast<long long>(e.row()),
                  e.field().empty() ? "(row)" : e.field().c_str(),
                  e.reason().c_str(), ProblemZh(table, e).c_str());
    }
    if (o.dry_run) {
      std::printf(
          "试导入（dry run）%s into %s: %lld rows; would create %lld, update "
          "%lld, reject %lld; nothing was changed (未做任何修改)\n",
          o.file.c_str(), parent.c_str(), static_cast<long long>(rows),
          static_cast<long long>(response.rows_created()),
          static_cast<long long>(updated), static_cast<long long>(rejected));
    } else {
      std::printf(
          "imported %s into %s: %lld rows, %lld applied, %lld rejected (%lld "
          "created, %lld updated; %lld chunks, %.1f s, import id %s)\n",
          o.file.c_str(), parent.c_str(), static_cast<long long>(rows),
          static_cast<long long>(response.rows_applied()),
          static_cast<long long>(rejected),
          static_cast<long long>(response.rows_created()),
          static_cast<long long>(updated), static_cast<long long>(chunks_sent),
          seconds, import_id.c_str());
    }
    if (!o.errors_file.empty() && rejected > 0) {
      std::printf(
          "wrote the %lld rejected rows to %s (错误行已写入该文件，改正后可直接"
          "再次导入)\n",
          static_cast<long long>(rejected), o.errors_file.c_str());
    }
  }
  std::fflush(stdout);
  return rejected > 0 ? kExitFailed : kExitOk;
}

}  // namespace

void AddImportCommands(CLI::App* app, Context* ctx) {
  CLI::App* noun = app->add_subcommand("import",
                                       "Import a CSV file (docs/csv-format.md) "
                                       "into the county: schools, then posts, "
                                       "then teachers; for itinerant "
                                       "teaching, periods and roads; "
                                       "recruitment-posts, then applicants");
  noun->require_subcommand(1);
  noun->fallthrough();
  for (CsvTable table :
       {CsvTable::kSchools, CsvTable::kPosts, CsvTable::kTeachers,
        CsvTable::kPeriodRequirements, CsvTable::kRoadDistances,
        CsvTable::kRecruitmentPosts, CsvTable::kApplicants}) {
    auto o = std::make_shared<ImportOpts>();
    CLI::App* cmd = noun->add_subcommand(
        TableName(table),
        std::string("Import ") +
            (table == CsvTable::kRecruitmentPosts ? "recruitment_posts"
                                                  : TableName(table)) +
            ".csv (upsert by id)");
    cmd->fallthrough();
    cmd->add_option("FILE", o->file,
                    "CSV file, UTF-8 or GBK (Excel's CSV on Chinese "
                    "Windows); BOM and CRLF accepted")
        ->required();
    cmd->add_option("--chunk-size", o->chunk_size,
                    "Rows per chunk (each applied atomically)")
        ->capture_default_str();
    cmd->add_flag("--no-progress", o->no_progress,
                  "No progress bar even on a terminal");
    cmd->add_flag("--dry-run", o->dry_run,
                  "Validate every row (here and on the server) and print "
                  "what would be created, updated and rejected; change "
                  "nothing");
    cmd->add_option("--errors", o->errors_file,
                    "Write the rejected rows with their problems (Chinese "
                    "and English) to this CSV (UTF-8 with BOM, for Excel); "
                    "fix them there and import that file");
    cmd->add_option("--request-id", o->import_id,
                    "Retry an earlier attempt: the import id it printed "
                    "(chunks it applied are replayed, not applied twice)");
    cmd->callback(
        [ctx, o, table] { ctx->exit_code = RunImport(ctx, table, *o); });
  }
}

}  // namespace rota::rotactl
