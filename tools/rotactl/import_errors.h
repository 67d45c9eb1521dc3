// The rejected rows of `rotactl import`, for a person: each problem in
// Chinese and English, and the error file (`--errors FILE`): UTF-8 with a
// byte-order mark (so Excel shows Chinese), one line per rejected row with
// the row number, the problems in Chinese and in English, then the row's
// own cells under the file's own header. She fixes the cells in Excel and
// imports the error file itself: the import ignores the three problem
// columns (ErrorFileColumns()).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rota/v1/registry.pb.h"
#include "tools/csv/csv_format.h"

namespace rota::rotactl {

// One problem in Chinese: "「出生日期」不是日期（…）" — the column by its
// Chinese name and the reason in Chinese where it is a known one.
std::string ProblemZh(rota::tools::CsvTable table,
                      const rota::v1::RowError& error);
// One problem in English: "birth_date: \"1986.13.1\" is not a date ...".
std::string ProblemEn(const rota::v1::RowError& error);

// Writes the error file of `text` (the imported file, UTF-8) to `path`.
// `errors` sorted by row. Returns false (and prints why) if it cannot write.
bool WriteErrorFile(const std::string& path, std::string_view text,
                    rota::tools::CsvTable table,
                    const std::vector<rota::v1::RowError>& errors);

}  // namespace rota::rotactl
