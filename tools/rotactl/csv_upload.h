// One CSV file sent to a client-streaming RPC in chunks: the one path of
// `rotactl import TABLE FILE` (BulkImport) and `rotactl round apply ROUND
// FILE` (SubmitApplications).
//
// Pass 1 (ReadCheckedCsv, csv_file.h): the whole file's syntax, encoding and
// duplicate ids; on a problem nothing is sent (rows sharing an id still go
// to the error file). Pass 2: each record is converted by the caller's
// `add_row`; a record whose cells cannot be represented is rejected here
// with every problem; the rest are streamed in chunks of `chunk_size` rows
// (fewer once a chunk passes kMaxChunkBytes). rotad idles until the first
// chunk arrives, so pass 2 (ChunkConverter) and the digest below run on
// their own threads while pass 1 checks the file; the chunks leave once it
// passed. Each chunk's request id is
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
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
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

// Pass 2 on its own thread: converts the records of `text` (UTF-8, its
// header row `header`) into chunks through `stream` while the caller's
// thread still checks the same text, and hands them over in order. At most
// kQueued chunks wait: a few are enough to send on at once when the check
// passes, and on two cores converting further ahead only takes time from the
// check and the digest (the first chunk's path), later from rotad, and lets
// the chunks go cold in the cache before they are serialized. Their arenas
// are recycled rather than allocated per chunk. A syntax error ends the
// conversion (pass 1 reports it).
//
// Thread-safety: Next, Recycle and Stop are called from one thread.
template <typename Request, typename Response>
class ChunkConverter {
 public:
  static constexpr size_t kQueued = 4;

  struct Chunk {
    std::unique_ptr<google::protobuf::Arena> arena;
    Request* request = nullptr;  // on `arena`
    // The problems of the rows rejected since the previous chunk, and the
    // count of rows rejected so far.
    std::vector<rota::v1::RowError> errors;
    int64_t rejected = 0;
  };

  ChunkConverter(std::string_view text, const rota::tools::CsvHeader& header,
                 const UploadStream<Request, Response>& stream, int chunk_size)
      : text_(text), header_(header), stream_(stream), chunk_size_(chunk_size) {
    thread_ = std::thread([this] { Run(); });
  }
  ChunkConverter(const ChunkConverter&) = delete;
  ChunkConverter& operator=(const ChunkConverter&) = delete;
  ~ChunkConverter() { Stop(); }

  // The next chunk in file order (the last one may have no rows but still
  // errors); false once all were handed over or Stop was called.
  bool Next(Chunk* chunk) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) return false;
    *chunk = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return true;
  }

  // Returns a sent chunk's arena for a later chunk.
  void Recycle(Chunk chunk) {
    std::lock_guard lock(mu_);
    free_arenas_.push_back(std::move(chunk.arena));
  }

  // Ends the conversion (after the record at hand) and waits for it.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  Chunk NewChunk() {
    Chunk chunk;
    {
      std::lock_guard lock(mu_);
      if (!free_arenas_.empty()) {
        chunk.arena = std::move(free_arenas_.back());
        free_arenas_.pop_back();
      }
    }
    // Reset here, where its blocks were allocated: glibc frees a block
    // faster on the thread that allocated it.
    if (chunk.arena != nullptr)
      chunk.arena->Reset();
    else
      chunk.arena = std::make_unique<google::protobuf::Arena>();
    chunk.request =
        google::protobuf::Arena::CreateMessage<Request>(chunk.arena.get());
    return chunk;
  }

  // Queues `chunk` once there is room; false when stopped.
  bool Hand(Chunk chunk) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return queue_.size() < kQueued || stopped_; });
    if (stopped_) return false;
    queue_.push_back(std::move(chunk));
    changed_.notify_all();
    return true;
  }

  void Run() {
    rota::tools::CsvReader reader = rota::tools::CsvReader::OfUtf8(text_);
    std::vector<std::string> fields;
    (void)reader.Next(&fields);  // the header
    Chunk chunk = NewChunk();
    size_t chunk_bytes = 0;
    int64_t rejected = 0;
    bool handed = true;
    while (!stopped_.load(std::memory_order_relaxed)) {
      absl::StatusOr<bool> more = reader.Next(&fields);
      if (!more.ok() || !*more) break;
      if (BlankRecord(fields)) continue;
      std::vector<rota::tools::CsvFieldError> problems;
      if (!stream_.add_row(header_, fields, reader.row(), chunk.request,
                           &problems)) {
        for (const rota::tools::CsvFieldError& p : problems) {
          rota::v1::RowError e;
          e.set_row(reader.row());
          e.set_field(p.field);
          e.set_reason(p.reason);
          chunk.errors.push_back(std::move(e));
        }
        ++rejected;
        continue;
      }
      chunk_bytes += stream_.last_row_bytes(*chunk.request);
      if (stream_.rows(*chunk.request) == chunk_size_ ||
          chunk_bytes >= kMaxChunkBytes) {
        chunk.rejected = rejected;
        if (!(handed = Hand(std::move(chunk)))) break;
        chunk = NewChunk();
        chunk_bytes = 0;
      }
    }
    if (handed) {
      chunk.rejected = rejected;
      Hand(std::move(chunk));
    }
    std::lock_guard lock(mu_);
    done_ = true;
    changed_.notify_all();
  }

  const std::string_view text_;
  const rota::tools::CsvHeader& header_;
  const UploadStream<Request, Response>& stream_;
  const int chunk_size_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Chunk> queue_;  // guarded by mu_, as are the two below
  std::vector<std::unique_ptr<google::protobuf::Arena>> free_arenas_;
  bool done_ = false;
  // Set under mu_ (for the waits); read without it between records.
  std::atomic<bool> stopped_ = false;
  std::thread thread_;  // last: starts once the rest is set up
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
// Pass 1: ReadCheckedCsv (`on_header` as there), and on rows sharing an id
// the error file of both rows of each pair (when --errors is given). kExitOk
// or the exit code.
int CheckUploadFile(const UploadOptions& o, rota::tools::CsvTable table,
                    std::string_view nothing_done, CheckedCsvFile* file,
                    const std::function<void()>& on_header);
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
  const int chunk_size = std::max(1, o.chunk_size);
  CheckedCsvFile file;
  // Started once the header is parsed; both stop (or finish) before `file`
  // goes. On a pass-1 problem nothing is sent.
  std::future<std::string> prefix_digest;
  std::optional<ChunkConverter<Request, Response>> converter;
  if (int rc = CheckUploadFile(
          o, table, stream.nothing_done, &file,
          [&] {
            prefix_digest = std::async(std::launch::async, [&] {
              return RequestIdPrefix(stream.request_kind, target,
                                     file.text.view(), result->upload_id);
            });
            converter.emplace(file.text.view(), *file.header, stream,
                              chunk_size);
          });
      rc != kExitOk)
    return rc;
  result->rows = file.records;
  const std::string prefix = prefix_digest.get();
  const std::string_view what = stream.what;
  const int64_t max_chunks = (result->rows + chunk_size - 1) / chunk_size;
  const bool progress =
      !o.no_progress && isatty(STDERR_FILENO) && result->rows > 0;

  std::unique_ptr<grpc::ClientContext> call;
  std::unique_ptr<grpc::ClientWriter<Request>> writer;
  int64_t rows_sent = 0;
  bool broken = false;
  typename ChunkConverter<Request, Response>::Chunk chunk;
  while (!broken && converter->Next(&chunk)) {
    for (rota::v1::RowError& e : chunk.errors)
      result->errors.push_back(std::move(e));
    if (stream.rows(*chunk.request) > 0) {
      if (writer == nullptr) {
        call = ctx->NewCall(1.0 + static_cast<double>(max_chunks) / 10.0);
        writer = stream.open(call.get(), &result->response);
      }
      stream.address(
          chunk.request,
          o.dry_run ? std::string() : prefix + std::to_string(result->chunks));
      if (writer->Write(*chunk.request)) {
        ++result->chunks;
        rows_sent += stream.rows(*chunk.request);
        if (progress)
          Progress(stream.request_kind, rows_sent + chunk.rejected,
                   result->rows);
      } else {
        broken = true;  // the server ended the stream early
      }
    }
    converter->Recycle(std::move(chunk));
  }
  converter->Stop();
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
      !WriteErrorFile(o.errors_file, file.text.view(), table, result->errors))
    return kExitUsage;
  return kExitOk;
}

}  // namespace rota::rotactl
