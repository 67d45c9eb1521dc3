#include "tools/rotactl/output.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "google/protobuf/util/json_util.h"
#include "tools/csv/csv.h"

namespace rota::rotactl {
namespace {

bool print_headers = true;

bool IsWide(uint32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x20000 && c <= 0x3FFFD);
}

bool IsCombining(uint32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0xFE00 && c <= 0xFE0F);
}

void PrintPadded(std::string_view text, int width, bool last) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (last) return;
  for (int i = DisplayWidth(text); i < width + 2; ++i) std::fputc(' ', stdout);
}

}  // namespace

std::string Points(int64_t centipoints) {
  const bool negative = centipoints < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(centipoints)
                                : static_cast<uint64_t>(centipoints);
  return absl::StrFormat("%s%d.%02d", negative ? "-" : "", abs / 100,
                         abs % 100);
}

void SetPrintHeaders(bool print) { print_headers = print; }
bool PrintHeaders() { return print_headers; }

int DisplayWidth(std::string_view s) {
  int width = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    uint32_t c = b;
    int len = 1;
    if (b >= 0xF0) {
      len = 4;
      c = b & 0x07;
    } else if (b >= 0xE0) {
      len = 3;
      c = b & 0x0F;
    } else if (b >= 0xC0) {
      len = 2;
      c = b & 0x1F;
    }
    if (i + len > s.size()) len = 1;  // truncated sequence: count bytes
    for (int k = 1; k < len; ++k)
      c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    if (c < 0x20 || IsCombining(c)) continue;
    width += IsWide(c) ? 2 : 1;
  }
  return width;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options)
           .ok()) {
    return "null";
  }
  return out;
}

void PrintTable(const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<int> widths(headers.size(), 0);
  for (size_t c = 0; c < headers.size() && print_headers; ++c)
    widths[c] = DisplayWidth(headers[c]);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < headers.size(); ++c) {
      PrintPadded(c < row.size() ? row[c] : "", widths[c],
                  c + 1 == headers.size());
    }
    std::fputc('\n', stdout);
  };
  if (print_headers) print_row(headers);
  for (const auto& row : rows) print_row(row);
}

void Progress(std::string_view what, int64_t done, int64_t total) {
  constexpr int kWidth = 30;
  done = std::min(done, total);
  const int filled =
      total > 0 ? static_cast<int>(kWidth * done / total) : kWidth;
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '.');
  std::fprintf(stderr, "\r%-8s [%s] %3d%% %lld/%lld   ",
               std::string(what).c_str(), bar.c_str(),
               total > 0 ? static_cast<int>(100 * done / total) : 100,
               static_cast<long long>(done), static_cast<long long>(total));
  std::fflush(stderr);
}

void PrintResource(OutputFormat format,
                   const google::protobuf::Message& message,
                   const std::vector<std::string>& fields,
                   const std::vector<std::string>& values) {
  switch (format) {
    case OutputFormat::kJson:
      std::printf("%s\n", ToJson(message).c_str());
      return;
    case OutputFormat::kCsv: {
      std::string out;
      if (print_headers) {
        out = kCsvBom;
        rota::tools::AppendCsvRow(&out, fields);
      }
      rota::tools::AppendCsvRow(&out, values);
      std::fwrite(out.data(), 1, out.size(), stdout);
      return;
    }
    case OutputFormat::kTable: {
      int width = 0;
      for (const std::string& f : fields)
        width = std::max(width, DisplayWidth(f));
      for (size_t i = 0; i < fields.size() && i < values.size(); ++i) {
        PrintPadded(fields[i], width, false);
        std::printf("%s\n", values[i].c_str());
      }
      return;
    }
  }
}

std::string CsvRefusal(const std::vector<std::string>& path) {
  if (path.empty()) return "";
  // Commands whose output is a sentence, a record in words or a file: table
  // (their own layout) and JSON only.
  static constexpr const char* kNoCsv[] = {
      "import",         "policy",       "round create",  "round apply",
      "round freeze",   "round run",    "round explain", "round lock",
      "round override", "round commit", "round cancel",  "round reverse",
      "audit verify",   "audit replay", "audit as-of",   "audit export",
      "config",         "completion"};
  std::string command;
  for (const std::string& p : path) {
    if (!command.empty()) command += ' ';
    command += p;
  }
  bool refused = path.back() == "delete";
  for (const char* c : kNoCsv) {
    const std::string_view no(c);
    refused = refused || command == no ||
              (command.size() > no.size() && command.rfind(no, 0) == 0 &&
               command[no.size()] == ' ');
  }
  if (!refused) return "";
  return "rotactl " + command +
         " prints no table, so it cannot write CSV; it supports -o table "
         "(the default) and -o json";
}

ListPrinter::ListPrinter(OutputFormat format,
                         std::vector<std::string> table_headers,
                         const std::vector<std::string>& csv_columns)
    : format_(format),
      headers_(std::move(table_headers)),
      csv_columns_(csv_columns) {}

void ListPrinter::Start() {
  if (started_) return;
  started_ = true;
  if (format_ == OutputFormat::kCsv && print_headers) {
    std::string out = kCsvBom;
    rota::tools::AppendCsvRow(&out, csv_columns_);
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else if (format_ == OutputFormat::kJson) {
    std::fputs("[", stdout);
  }
}

void ListPrinter::Add(const google::protobuf::Message& message,
                      std::vector<std::string> table_row,
                      const std::vector<std::string>& csv_row) {
  Start();
  switch (format_) {
    case OutputFormat::kJson:
      std::printf("%s\n%s", count_ == 0 ? "" : ",", ToJson(message).c_str());
      break;
    case OutputFormat::kCsv: {
      std::string out;
      rota::tools::AppendCsvRow(&out, csv_row);
      std::fwrite(out.data(), 1, out.size(), stdout);
      break;
    }
    case OutputFormat::kTable:
      rows_.push_back(std::move(table_row));
      break;
  }
  ++count_;
}

void ListPrinter::Finish() {
  Start();
  if (format_ == OutputFormat::kJson) {
    std::fputs(count_ == 0 ? "]\n" : "\n]\n", stdout);
  } else if (format_ == OutputFormat::kTable) {
    PrintTable(headers_, rows_);
  }
  std::fflush(stdout);
}

}  // namespace rota::rotactl
