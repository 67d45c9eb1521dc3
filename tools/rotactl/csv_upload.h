// One CSV file sent to a client-streaming RPC in chunks: the one path of
// `rotactl import TABLE FILE` (BulkImport) and `rotactl round apply ROUND
// FILE` (SubmitApplications).
//
// Pass 1 (ReadCheckedCsv, csv_file.h): the whole file's syntax, encoding and
// duplicate ids; on a problem nothing is sent (rows sharing an id still go
// to the error file). Pass 2: each record is converted by the caller's
// `add_row`; a record whose cells cannot be represented is rejected here
// with every problem; the rest are streamed in chunks of `chunk_size` rows
// (fewer once a chunk passes kMaxChunkBytes). Each chunk's request id is
// "<kind>-<digest>-<upload id>/<chunk>": the digest is the SHA-256 of the
// target and the file's bytes, the upload id is drawn afresh by every
// invocation and printed, and `--request-id UPLOAD_ID` reuses an earlier
// one. So a retry of an interrupted attempt (same file, same upload id)
// applies no chunk twice, while a deliberate re-run after fixing what the
// server rejected (a new upload id) is applied, not answered with the old
// rejection. A dry run sends no request ids.
//
//   UploadStream<v1::BulkImportRequest, v1::BulkImportResponse> stream;
//   stream.open = [&](grpc::ClientContext* c, v1::BulkImportResponse* r) {
//     return ctx->Registry().BulkImport(c, r);
//   };
//   ... add_row, rows, last_row_bytes, address ...
//   UploadResult<v1::BulkImportResponse> result;
//   int rc = UploadCsv(ctx, options, table, county, stream, &result);
//
// Thread-safety: not thread-safe; prints to stderr.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/arena.h"
#include "grpcpp/grpcpp.h"
#include "rota/v1/registry.pb.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/context.h"
#include "tools/rotactl/csv_file.h"
#include "tools/rotactl/import_errors.h"
#include "tools/rotactl/output.h"

namespace rota::rotactl {

struct UploadOptions {
  std::string file;
  int chunk_size = 500;
  bool no_progress = false;
  std::string upload_id;    // --request-id; empty: draw a new one
  bool dry_run = false;     // no request ids (the caller marks the chunks)
  std::string errors_file;  // --errors; empty: none
};

// A chunk is sent early once it passes this size, well below rotad's receive
// limit (4 MB) even with the largest row the server accepts.
inline constexpr size_t kMaxChunkBytes = 1 << 20;

// How one RPC takes the file.
template <typename Request, typename Response>
struct UploadStream {
  std::string what;          // in messages: "import teachers", "round apply"
  std::string request_kind;  // request ids start with it: "import-teachers"
  std::string nothing_done;  // after a pass-1 problem: "nothing was imported"
  // Opens the stream on `call`; the server's answer goes to `response`.
  std::function<std::unique_ptr<grpc::ClientWriter<Request>>(
      grpc::ClientContext* call, Response* response)>
      open;
  // Appends record `fields` as data row `row` to `chunk`; when a cell
  // cannot be represented appends nothing and adds every problem.
  std::function<bool(const rota::tools::CsvHeader& header,
                     const std::vector<std::string>& fields, int64_t row,
                     Request* chunk,
                     std::vector<rota::tools::CsvFieldError>* problems)>
      add_row;
  std::function<int(const Request& chunk)> rows;
  // Encoded bytes of the row add_row appended last.
  std::function<size_t(const Request& chunk)> last_row_bytes;
  // Sets the chunk's target and request id ("" in a dry run).
  std::function<void(Request* chunk, const std::string& request_id)> address;
};

// What an upload did. `errors`: every rejected row's problems (local and
// the server's), by row; `rejected` counts rows.
template <typename Response>
struct UploadResult {
  Response response;
  int64_t rows = 0;
  std::vector<rota::v1::RowError> errors;
  int64_t rejected = 0;
  int64_t chunks = 0;
  std::string upload_id;
  double seconds = 0;
};

// Checks --request-id and draws a fresh upload id when none is given; ""
// (message printed) when the given one is not 1-32 characters of
// [A-Za-z0-9_-].
std::string UploadIdFor(const UploadOptions& o);
// "<kind>-<first 32 hex of SHA-256(target \n text)>-<upload id>/".
std::string RequestIdPrefix(std::string_view kind, std::string_view target,
                            std::string_view text, std::string_view upload_id);
// Pass 1: ReadCheckedCsv, and on rows sharing an id the error file of both
// rows of each pair (when --errors is given). kExitOk or the exit code.
int CheckUploadFile(const UploadOptions& o, rota::tools::CsvTable table,
                    std::string_view nothing_done, CheckedCsvFile* file);
// Sorts `errors` by row (stable) and counts the rows among them.
int64_t SortAndCountRejected(std::vector<rota::v1::RowError>* errors);
// After a broken stream: the RPC error, and how to finish.
int ReportBrokenUpload(const grpc::Status& status, std::string_view what,
                       int64_t chunks, std::string_view upload_id);

// Uploads o.file as `table` to `target` (the county or round name, hashed
// into the request ids) through `stream`. kExitOk when the file was read
// and the stream completed (rows may still have been rejected: see
// result->rejected), else the exit code, the problem printed.
template <typename Request, typename Response>
int UploadCsv(Context* ctx, const UploadOptions& o, rota::tools::CsvTable table,
              std::string_view target,
              const UploadStream<Request, Response>& stream,
              UploadResult<Response>* result) {
  const auto started = std::chrono::steady_clock::now();
  result->upload_id = UploadIdFor(o);
  if (result->upload_id.empty()) return kExitUsage;
  CheckedCsvFile file;
  if (int rc = CheckUploadFile(o, table, stream.nothing_done, &file);
      rc != kExitOk)
    return rc;
  result->rows = file.records;
  const std::string prefix = RequestIdPrefix(stream.request_kind, target,
                                             file.text, result->upload_id);
  const std::string_view what = stream.what;
  const int chunk_size = std::max(1, o.chunk_size);
  const int64_t max_chunks = (result->rows + chunk_size - 1) / chunk_size;
  const bool progress =
      !o.no_progress && isatty(STDERR_FILENO) && result->rows > 0;

  std::unique_ptr<grpc::ClientContext> call;
  std::unique_ptr<grpc::ClientWriter<Request>> writer;
  int64_t rows_sent = 0, local_rejected = 0;
  bool broken = false;
  // The chunk lives on an arena dropped after each send: building and
  // discarding hundreds of rows' messages then costs few allocations.
  google::protobuf::Arena arena;
  Request* chunk = google::protobuf::Arena::CreateMessage<Request>(&arena);
  size_t chunk_bytes = 0;
  auto send = [&] {
    if (stream.rows(*chunk) == 0 || broken) return;
    if (writer == nullptr) {
      call = ctx->NewCall(1.0 + static_cast<double>(max_chunks) / 10.0);
      writer = stream.open(call.get(), &result->response);
    }
    stream.address(chunk, o.dry_run ? std::string()
                                    : prefix + std::to_string(result->chunks));
    if (!writer->Write(*chunk)) {  // the server ended the stream early
      broken = true;
      return;
    }
    ++result->chunks;
    rows_sent += stream.rows(*chunk);
    if (progress)
      Progress(stream.request_kind, rows_sent + local_rejected, result->rows);
    arena.Reset();
    chunk = google::protobuf::Arena::CreateMessage<Request>(&arena);
    chunk_bytes = 0;
  };
  // UTF-8, checked in pass 1.
  rota::tools::CsvReader reader = rota::tools::CsvReader::OfUtf8(file.text);
  std::vector<std::string> fields;
  (void)reader.Next(&fields);  // the header, checked in pass 1
  while (!broken) {
    absl::StatusOr<bool> more = reader.Next(&fields);
    if (!more.ok() || !*more) break;
    if (BlankRecord(fields)) continue;
    std::vector<rota::tools::CsvFieldError> problems;
    if (!stream.add_row(*file.header, fields, reader.row(), chunk, &problems)) {
      for (const rota::tools::CsvFieldError& p : problems) {
        rota::v1::RowError e;
        e.set_row(reader.row());
        e.set_field(p.field);
        e.set_reason(p.reason);
        result->errors.push_back(std::move(e));
      }
      ++local_rejected;
      continue;
    }
    chunk_bytes += stream.last_row_bytes(*chunk);
    if (stream.rows(*chunk) == chunk_size || chunk_bytes >= kMaxChunkBytes)
      send();
  }
  send();
  if (writer != nullptr) {
    writer->WritesDone();
    const grpc::Status s = writer->Finish();
    if (progress) std::fputc('\n', stderr);
    if (!s.ok())
      return ReportBrokenUpload(s, what, result->chunks, result->upload_id);
  }
  for (const rota::v1::RowError& e : result->response.errors())
    result->errors.push_back(e);
  result->rejected = SortAndCountRejected(&result->errors);
  result->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  if (!o.errors_file.empty() &&
      !WriteErrorFile(o.errors_file, file.text, table, result->errors))
    return kExitUsage;
  return kExitOk;
}

}  // namespace rota::rotactl
