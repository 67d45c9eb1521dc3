#include "tools/rotactl/csv_upload.h"

#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/sha256.h"

namespace rota::rotactl {
namespace {

// A fresh upload id: 16 lower-case hex digits.
std::string NewUploadId() {
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
bool IsValidUploadId(const std::string& id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace

std::string UploadIdFor(const UploadOptions& o) {
  if (o.upload_id.empty()) return NewUploadId();
  if (IsValidUploadId(o.upload_id)) return o.upload_id;
  std::fprintf(stderr,
               "rotactl: --request-id must be 1-32 characters of "
               "[A-Za-z0-9_-] (the id an earlier attempt printed)\n");
  return "";
}

std::string RequestIdPrefix(std::string_view kind, std::string_view target,
                            std::string_view text, std::string_view upload_id) {
  rota::Sha256Hasher hasher;
  hasher.Update(target);
  hasher.Update("\n");
  hasher.Update(text);
  return absl::StrCat(std::string(kind), "-",
                      rota::ToHex(hasher.Finish()).substr(0, 32), "-",
                      std::string(upload_id), "/");
}

int CheckUploadFile(const UploadOptions& o, rota::tools::CsvTable table,
                    std::string_view nothing_done, CheckedCsvFile* file,
                    const std::function<void()>& on_header) {
  const int rc = ReadCheckedCsv(o.file, table, /*count_blank_records=*/false,
                                nothing_done, file, on_header);
  if (rc == kExitOk || file->duplicates.empty() || o.errors_file.empty())
    return rc;
  // Rows sharing an id: both rows of each pair go to the error file, so
  // she sees them side by side and keeps the right one.
  std::vector<rota::v1::RowError> errors;
  for (const CheckedCsvFile::Duplicate& d : file->duplicates) {
    for (const auto& [row, other] :
         {std::pair{d.first_row, d.row}, std::pair{d.row, d.first_row}}) {
      rota::v1::RowError e;
      e.set_row(row);
      e.set_field(d.column);
      e.set_reason(absl::StrCat("appears twice: rows ", d.first_row, " and ",
                                d.row, " both have ", d.column, " \"", d.key,
                                "\" (also row ", other, ")"));
      errors.push_back(std::move(e));
    }
  }
  SortAndCountRejected(&errors);
  if (!WriteErrorFile(o.errors_file, file->text.view(), table, errors))
    return kExitUsage;
  std::fprintf(stderr,
               "rotactl: wrote the %zu rows sharing an id to %s "
               "(重复编号的行已写入错误文件)\n",
               errors.size(), o.errors_file.c_str());
  return rc;
}

int64_t SortAndCountRejected(std::vector<rota::v1::RowError>* errors) {
  std::stable_sort(
      errors->begin(), errors->end(),
      [](const rota::v1::RowError& a, const rota::v1::RowError& b) {
        return a.row() < b.row();
      });
  // A row can have several errors (one per field); count rows.
  int64_t rows = 0;
  for (size_t i = 0; i < errors->size(); ++i)
    if (i == 0 || (*errors)[i].row() != (*errors)[i - 1].row()) ++rows;
  return rows;
}

int ReportBrokenUpload(const grpc::Status& status, std::string_view what,
                       int64_t chunks, std::string_view upload_id) {
  const int code = ReportRpcError(status, std::string(what));
  std::fprintf(stderr,
               "rotactl: %lld chunks were sent; chunks the server applied "
               "stay applied. To finish, re-run the same command with "
               "--request-id %s: the chunks already applied are replayed, not "
               "applied twice.\n",
               static_cast<long long>(chunks), std::string(upload_id).c_str());
  return code;
}

}  // namespace rota::rotactl
