// The words a CSV file may use: each enum's short English name, proto name
// and Chinese words (as a county administrator's spreadsheet writes them),
// each column's Chinese header names, and the date forms a cell may take.
// The parser (csv_format.cc) reads these tables, and docs/csv-format.md
// prints them: csv_test checks that the docs hold EnumDocLine() and
// ColumnDocLine() of every enum and table verbatim, so the two cannot drift.
//
//   absl::StatusOr<int> v = ParseEnumWord(CsvEnum::kGender, "女");
//   // *v == rota::v1::FEMALE
//   absl::StatusOr<std::string> d = NormalizeCsvDate("2019年9月1日");
//   // *d == "2019-09-01"
//
// Thread-safety: the tables are immutable; the functions are stateless.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace rota::tools {

enum class CsvTable;

enum class CsvEnum {
  kStage,
  kLocality,
  kGender,
  kTitle,
  kRole,
  kBackbone,
  kEmployment,
  kGrade,
  kExemption,
  kHardship,
  kObligation,
  kChannel,
  kBoolean,  // value 1 = true, 0 = false
};

// One accepted spelling. Several rows may share a value; the first row of a
// value holds its canonical (written) English name.
struct EnumWord {
  int value;
  const char* csv;    // short English name, case-insensitive; "" = none
  const char* proto;  // proto enum name, case-insensitive; "" = none
  const char* zh;     // Chinese words separated by '/', exact; "" = none
};

// Every enum, in docs order.
std::span<const CsvEnum> AllCsvEnums();
std::span<const EnumWord> EnumWords(CsvEnum e);
// The enum's name in the docs table ("stage", "gender", ...).
const char* EnumLabel(CsvEnum e);

// Empty text (after trimming spaces, tabs and full-width spaces) is 0, the
// UNSPECIFIED value (false for kBoolean); an unknown word is
// INVALID_ARGUMENT listing the accepted words.
absl::StatusOr<int> ParseEnumWord(CsvEnum e, std::string_view text);
// The canonical English name of `value` ("" for 0, the number when unknown).
std::string EnumWordOf(CsvEnum e, int value);
// The first Chinese word of `value` ("女", "乡村"); "" for 0 or none.
std::string EnumChineseWord(CsvEnum e, int value);
// The accepted words of `value` for a person: "female/f/女".
std::string EnumWordsText(CsvEnum e, int value);

// The docs/csv-format.md table line of `e`:
// "| gender | `female`/`f` 女, `male`/`m` 男 |".
std::string EnumDocLine(CsvEnum e);

// The canonical column a header cell names in `table`: the column itself
// (case-insensitive; spaces count as '_'), or one of its Chinese names
// ("出生日期" -> "birth_date"). nullopt if it names none.
std::optional<std::string> CanonicalColumn(CsvTable table,
                                           std::string_view name);
// The first Chinese name of `column` in `table` ("" if none), for messages.
std::string ColumnChineseName(CsvTable table, std::string_view column);
// The file name of `table` in the docs ("teachers.csv").
const char* CsvFileName(CsvTable table);
// Every table, in docs order.
std::span<const CsvTable> AllCsvTables();
// The docs/csv-format.md line of `table`'s Chinese headers:
// "| teachers.csv | `id` 工号/职工号, `display_name` 姓名, ... |".
std::string ColumnDocLine(CsvTable table);

// The columns `rotactl import --errors` puts before a rejected row's cells:
// the row number, the problems in Chinese, the problems in English. An
// import ignores them, so the fixed error file can be imported as it is.
const std::vector<std::string>& ErrorFileColumns();

// A subject cell as the engine's code: the code itself (case-insensitive:
// "Math" -> "math") or one of its Chinese names ("数学" -> "math",
// "体育与健康" -> "pe"); any other subject is kept as written (trimmed).
std::string CanonicalSubject(std::string_view text);
// The Chinese name of a subject code ("math" -> "数学"); "" if unknown.
std::string SubjectChineseName(std::string_view code);
// The docs/csv-format.md line of the subject names:
// "| subject | `chinese` 语文, `math` 数学, ... |".
std::string SubjectDocLine();

// A date cell as ISO "YYYY-MM-DD": accepts 2019-09-01, 2019-9-1, 2019/9/1,
// 2019.9.1 and 2019年9月1日 (a real calendar day, year 1800 or later).
// Empty stays empty; anything else is INVALID_ARGUMENT.
absl::StatusOr<std::string> NormalizeCsvDate(std::string_view text);

// ASCII case-insensitive equality (English spellings in CSV cells).
bool IEquals(std::string_view a, std::string_view b);

namespace csv_internal {
std::string_view TrimCellEnds(std::string_view s);
}  // namespace csv_internal

// Trims ASCII spaces, tabs and the full-width space U+3000. Inline, as it
// runs for every cell: most cells have nothing to trim, neither end being a
// space, a tab or the first (0xE3) / last (0x80) byte of U+3000.
inline std::string_view TrimCell(std::string_view s) {
  if (s.empty()) return s;
  const unsigned char first = s.front(), last = s.back();
  if (first != ' ' && first != '\t' && first != 0xE3 && last != ' ' &&
      last != '\t' && last != 0x80) {
    return s;
  }
  return csv_internal::TrimCellEnds(s);
}

}  // namespace rota::tools
