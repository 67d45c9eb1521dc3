// rotactl import schools|posts|teachers FILE.csv
//
// The whole file is parsed first: a CSV syntax error (with row, line and
// column) stops the import before anything is sent. Rows whose cells cannot
// be represented (an unknown enum name, a non-number) are rejected locally.
// The rest are streamed to BulkImport in chunks of 500 rows; each chunk's
// request id is "<digest>/<chunk>", where the digest is the SHA-256 of the
// county, the table and the file's bytes, so re-running an interrupted or
// retried import applies no chunk twice. Every rejected row is printed with
// its row number, field and reason, and the exit code is 1 if any row was
// rejected.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/sha256.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/commands.h"
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
};

int RunImport(Context* ctx, CsvTable table, const ImportOpts& o) {
  const std::string parent = ctx->CountyName();
  if (parent.empty()) return ctx->exit_code;
  const std::string county_id = parent.substr(parent.rfind('/') + 1);
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "rotactl: cannot read %s\n", o.file.c_str());
    return kExitUsage;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const auto started = std::chrono::steady_clock::now();

  // 1. Parse everything; syntax errors stop the import.
  rota::tools::CsvReader reader(text);
  std::vector<std::string> fields;
  absl::StatusOr<bool> more = reader.Next(&fields);
  if (!more.ok() || !*more) {
    std::fprintf(stderr, "rotactl: %s: %s\n", o.file.c_str(),
                 more.ok() ? "empty file (a header row is required)"
                           : std::string(more.status().message()).c_str());
    return kExitFailed;
  }
  absl::StatusOr<rota::tools::CsvHeader> header =
      rota::tools::CsvHeader::Parse(table, fields);
  if (!header.ok()) {
    std::fprintf(stderr, "rotactl: %s: %s\n", o.file.c_str(),
                 std::string(header.status().message()).c_str());
    return kExitFailed;
  }
  std::vector<v1::RowError> errors;
  std::vector<v1::BulkImportRequest> chunks;
  int64_t rows = 0;
  const int chunk_size = std::max(1, o.chunk_size);
  int in_chunk = chunk_size;
  while (true) {
    more = reader.Next(&fields);
    if (!more.ok()) {
      std::fprintf(stderr, "rotactl: %s: %s (nothing was imported)\n",
                   o.file.c_str(),
                   std::string(more.status().message()).c_str());
      return kExitFailed;
    }
    if (!*more) break;
    if (std::all_of(fields.begin(), fields.end(),
                    [](const std::string& f) { return f.empty(); })) {
      continue;  // a blank spreadsheet row
    }
    ++rows;
    const int64_t row = reader.row();
    if (in_chunk == chunk_size) {
      chunks.emplace_back();
      chunks.back().set_parent(parent);
      in_chunk = 0;
    }
    v1::BulkImportRequest& chunk = chunks.back();
    std::string field;
    absl::Status s;
    switch (table) {
      case CsvTable::kSchools: {
        auto* r = chunk.add_schools();
        r->set_row(row);
        s = rota::tools::SchoolFromCsv(*header, fields, county_id,
                                       r->mutable_school(), &field);
        if (!s.ok()) chunk.mutable_schools()->RemoveLast();
        break;
      }
      case CsvTable::kPosts: {
        auto* r = chunk.add_posts();
        r->set_row(row);
        s = rota::tools::PostFromCsv(*header, fields, county_id,
                                     r->mutable_post(), &field);
        if (!s.ok()) chunk.mutable_posts()->RemoveLast();
        break;
      }
      default: {
        auto* r = chunk.add_teachers();
        r->set_row(row);
        s = rota::tools::TeacherFromCsv(*header, fields, county_id,
                                        r->mutable_teacher(), &field);
        if (!s.ok()) chunk.mutable_teachers()->RemoveLast();
        break;
      }
    }
    if (!s.ok()) {
      v1::RowError e;
      e.set_row(row);
      e.set_field(field);
      e.set_reason(std::string(s.message()));
      errors.push_back(std::move(e));
      continue;
    }
    ++in_chunk;
  }

  // 2. Request ids from the content: a retried import replays, not reapplies.
  rota::Sha256Hasher hasher;
  hasher.Update(parent);
  hasher.Update("\n");
  hasher.Update(TableName(table));
  hasher.Update("\n");
  hasher.Update(text);
  const std::string digest = rota::ToHex(hasher.Finish()).substr(0, 32);
  for (size_t i = 0; i < chunks.size(); ++i) {
    chunks[i].set_request_id("import-" + std::string(TableName(table)) + "-" +
                             digest + "/" + std::to_string(i));
  }

  // 3. Stream.
  v1::BulkImportResponse response;
  const bool progress =
      !o.no_progress && isatty(STDERR_FILENO) && !chunks.empty();
  int64_t sent_rows = 0;
  const int64_t local_rejected = static_cast<int64_t>(errors.size());
  const int64_t to_send = rows - local_rejected;
  if (!chunks.empty()) {
    auto call = ctx->NewCall(1.0 + static_cast<double>(chunks.size()) / 10.0);
    std::unique_ptr<grpc::ClientWriter<v1::BulkImportRequest>> writer(
        ctx->Registry().BulkImport(call.get(), &response));
    size_t sent = 0;
    for (; sent < chunks.size(); ++sent) {
      if (!writer->Write(chunks[sent])) break;  // the server ended the stream
      sent_rows += chunks[sent].schools_size() + chunks[sent].posts_size() +
                   chunks[sent].teachers_size();
      if (progress) Progress(sent_rows, to_send);
    }
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    if (progress) std::fputc('\n', stderr);
    if (!s.ok()) {
      const int code =
          ReportRpcError(s, "import " + std::string(TableName(table)));
      std::fprintf(stderr,
                   "rotactl: %zu of %zu chunks were sent; chunks the server "
                   "applied stay "
                   "applied. Re-run the same command to finish: chunk request "
                   "ids make it "
                   "safe.\n",
                   sent, chunks.size());
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

  if (ctx->format() == OutputFormat::kJson) {
    v1::BulkImportResponse report = response;
    report.set_rows_received(rows);
    report.set_rows_rejected(rejected);
    report.clear_errors();
    for (const v1::RowError& e : errors) *report.add_errors() = e;
    std::printf("%s\n", ToJson(report).c_str());
  } else {
    for (const v1::RowError& e : errors) {
      std::printf(
          "rejected row %lld, field %s: %s\n", static_cast<long long>(e.row()),
          e.field().empty() ? "(row)" : e.field().c_str(), e.reason().c_str());
    }
    std::printf(
        "imported %s into %s: %lld rows, %lld applied, %lld rejected (%zu "
        "chunks, %.1f s)\n",
        o.file.c_str(), parent.c_str(), static_cast<long long>(rows),
        static_cast<long long>(response.rows_applied()),
        static_cast<long long>(rejected), chunks.size(), seconds);
  }
  std::fflush(stdout);
  return rejected > 0 ? kExitFailed : kExitOk;
}

}  // namespace

void AddImportCommands(CLI::App* app, Context* ctx) {
  CLI::App* noun = app->add_subcommand("import",
                                       "Import a CSV file (docs/csv-format.md) "
                                       "into the county: schools, then posts, "
                                       "then teachers");
  noun->require_subcommand(1);
  noun->fallthrough();
  for (CsvTable table :
       {CsvTable::kSchools, CsvTable::kPosts, CsvTable::kTeachers}) {
    auto o = std::make_shared<ImportOpts>();
    CLI::App* cmd = noun->add_subcommand(
        TableName(table),
        std::string("Import ") + TableName(table) + ".csv (upsert by id)");
    cmd->fallthrough();
    cmd->add_option("FILE", o->file, "CSV file, UTF-8 (BOM and CRLF accepted)")
        ->required();
    cmd->add_option("--chunk-size", o->chunk_size,
                    "Rows per chunk (each applied atomically)")
        ->capture_default_str();
    cmd->add_flag("--no-progress", o->no_progress,
                  "No progress bar even on a terminal");
    cmd->callback(
        [ctx, o, table] { ctx->exit_code = RunImport(ctx, table, *o); });
  }
}

}  // namespace rota::rotactl
