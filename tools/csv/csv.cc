#include "tools/csv/csv.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"

namespace rota::tools {

namespace {

// Bytes the field scanners stop at: the delimiters, a quote, and the bytes a
// control character can start with (C0, DEL, and 0xC2 for U+0080-U+009F),
// so ordinary text is passed over without looking at it byte by byte.
struct StopBytes {
  bool stop[256] = {};
  constexpr StopBytes() {
    for (int c = 0; c < 0x20; ++c) stop[c] = c != '\t';
    stop[static_cast<unsigned char>(',')] = true;
    stop[static_cast<unsigned char>('"')] = true;
    stop[0x7F] = true;
    stop[0xC2] = true;
  }
};
constexpr StopBytes kStop;

// The first stop byte of `text` at or after `pos`, or text.size(). Eight
// bytes are looked at a time: a mask flags each byte that may stop (below
// 0x20, ',', '"', DEL, 0xC2); its lowest flag is exact, so the first
// candidate is found without a loop over bytes (only a tab is let through).
size_t SkipText(std::string_view text, size_t pos) {
  const char* data = text.data();
  const size_t n = text.size();
  if constexpr (std::endian::native == std::endian::little) {
    constexpr uint64_t kOnes = 0x0101010101010101u;
    constexpr uint64_t kHighs = 0x8080808080808080u;
    // High bit of each byte of `w` below `b` (b <= 0x80) / equal to `b`;
    // bits above the lowest may be spurious.
    auto below = [](uint64_t w, uint64_t b) {
      return (w - kOnes * b) & ~w & kHighs;
    };
    auto equal = [&](uint64_t w, uint64_t b) {
      return below(w ^ (kOnes * b), 1);
    };
    while (n - pos >= 8) {
      uint64_t w;
      std::memcpy(&w, data + pos, sizeof(w));
      const uint64_t mask = below(w, 0x20) | equal(w, ',') | equal(w, '"') |
                            equal(w, 0x7F) | equal(w, 0xC2);
      if (mask == 0) {
        pos += 8;
        continue;
      }
      pos += static_cast<size_t>(std::countr_zero(mask)) / 8;
      if (kStop.stop[static_cast<unsigned char>(data[pos])]) return pos;
      ++pos;  // a tab
    }
  }
  while (pos < n && !kStop.stop[static_cast<unsigned char>(data[pos])]) ++pos;
  return pos;
}

// True if the two bytes at `p` encode a C1 control character (U+0080-U+009F).
bool IsC1(std::string_view text, size_t p) {
  return p + 1 < text.size() && static_cast<unsigned char>(text[p]) == 0xC2 &&
         static_cast<unsigned char>(text[p + 1]) <= 0x9F;
}

}  // namespace

CsvReader::CsvReader(std::string_view text) : CsvReader(OfUtf8(text)) {
  const size_t valid = pos_ + rota::Utf8ValidPrefix(text_.substr(pos_));
  if (valid < text_.size()) {
    bad_utf8_line_ = 1 + std::count(text_.begin(), text_.begin() + valid, '\n');
  }
}

CsvReader CsvReader::OfUtf8(std::string_view text) {
  CsvReader reader;
  reader.text_ = text;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") reader.pos_ = 3;
  return reader;
}

absl::StatusOr<bool> CsvReader::Next(std::vector<std::string>* fields) {
  if (bad_utf8_line_ > 0) {
    fields->clear();
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", bad_utf8_line_,
        ": the file is not valid UTF-8 (saved as GBK or another legacy "
        "encoding?); save it as UTF-8 (e.g. \"CSV UTF-8\" in Excel) and try "
        "again"));
  }
  const size_t n = text_.size();
  // A final blank line (or a final CRLF pair) is the end of input.
  if (pos_ >= n || text_.substr(pos_) == "\n" || text_.substr(pos_) == "\r\n") {
    pos_ = n;
    fields->clear();
    return false;
  }
  const int64_t row = row_ + 1;
  line_ = next_line_;
  size_t line_start = pos_;  // for column numbers
  // Fields read so far. The strings of *fields are overwritten in place, so
  // a caller reusing one vector allocates nothing once it has grown.
  size_t count = 0;
  auto column = [&](size_t at) {
    // Columns count characters on the current physical line, 1-based.
    return static_cast<int64_t>(at - line_start) + 1;
  };
  auto error_at = [&](int64_t line, int64_t col, std::string_view what) {
    fields->resize(count);
    return absl::InvalidArgumentError(absl::StrCat("row ", row, " (line ", line,
                                                   "), column ", col, ": ",
                                                   std::string(what)));
  };
  auto error = [&](size_t at, std::string_view what) {
    return error_at(next_line_, column(at), what);
  };
  while (true) {
    if (count == fields->size()) fields->emplace_back();
    std::string& field = (*fields)[count];
    field.clear();
    const int64_t field_line = next_line_;
    const int64_t field_column = column(pos_);
    bool maybe_control = false;  // a stop byte that may start one was seen
    if (pos_ < n && text_[pos_] == '"') {
      const int64_t open_line = next_line_;
      const int64_t open_column = column(pos_);
      ++pos_;
      size_t run = pos_;  // start of the text not yet appended to `field`
      while (true) {
        pos_ = SkipText(text_, pos_);
        if (pos_ >= n) {
          return error_at(open_line, open_column,
                          "quoted field is not terminated");
        }
        const char c = text_[pos_];
        if (c == '"') {
          field.append(text_.data() + run, pos_ - run);
          if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
            field.push_back('"');
            pos_ += 2;
            run = pos_;
            continue;
          }
          ++pos_;
          break;
        }
        // Inside quotes the delimiters are text.
        if (c == '\n') {
          ++next_line_;
          line_start = pos_ + 1;
        } else if (c != ',' && c != '\r' &&
                   (c != '\xC2' || IsC1(text_, pos_))) {
          maybe_control = true;
        }
        ++pos_;
      }
      if (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' &&
          !(text_[pos_] == '\r' &&
            (pos_ + 1 == n || text_[pos_ + 1] == '\n'))) {
        return error(pos_, "unexpected text after a closing quote");
      }
    } else {
      const size_t start = pos_;
      while (pos_ < n) {
        pos_ = SkipText(text_, pos_);
        if (pos_ >= n) break;
        const char c = text_[pos_];
        if (c == ',' || c == '\n') break;
        if (c == '\r' && (pos_ + 1 == n || text_[pos_ + 1] == '\n')) break;
        if (c == '"') {
          return error(pos_,
                       "a quote inside an unquoted field (quote the whole "
                       "field and double the quote)");
        }
        // A lone CR is text.
        if (c != '\r' && (c != '\xC2' || IsC1(text_, pos_)))
          maybe_control = true;
        ++pos_;
      }
      field.assign(text_.data() + start, pos_ - start);
    }
    // Tabs and line breaks (inside quotes) are text; no other control
    // character belongs in a cell (a NUL would end up stored in a name).
    if (maybe_control) {
      if (std::optional<rota::ControlCharacter> c = rota::FindControlCharacter(
              field, rota::ControlPolicy::kAllowLineBreaks)) {
        return error_at(
            field_line, field_column,
            absl::StrCat("the field holds a control character (",
                         rota::CodePointName(c->code_point), " at character ",
                         c->index + 1, "); remove it"));
      }
    }
    ++count;
    if (pos_ >= n) break;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    // End of record: CRLF or LF (or a CR at the very end).
    if (text_[pos_] == '\r') ++pos_;
    if (pos_ < n && text_[pos_] == '\n') ++pos_;
    ++next_line_;
    break;
  }
  fields->resize(count);
  row_ = row;
  // Empty cells past the header's width (a spreadsheet's trailing commas)
  // are dropped.
  while (width_ > 0 && fields->size() > width_ && fields->back().empty())
    fields->pop_back();
  if (width_ == 0) {
    width_ = fields->size();
  } else if (fields->size() != width_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "row ", row, " (line ", line_, "), column ",
        std::min(fields->size(), width_) + 1, ": expected ", width_,
        " fields like the header, found ", fields->size()));
  }
  return true;
}

void AppendCsvField(std::string* out, std::string_view field) {
  // A leading byte-order mark is quoted: at the start of a file a reader
  // would take an unquoted one for the file's own and drop it.
  bool quote = !field.empty() && (field.front() == ' ' || field.back() == ' ' ||
                                  field.substr(0, 3) == "\xEF\xBB\xBF");
  for (char c : field) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvRow(std::string* out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendCsvField(out, fields[i]);
  }
  out->push_back('\n');
}

}  // namespace rota::tools
