#include "tools/rotactl/import_errors.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_words.h"

namespace rota::rotactl {
namespace {

// Known reasons (a phrase of the English reason) and their Chinese.
struct KnownReason {
  const char* en;
  const char* zh;
};
constexpr KnownReason kReasons[] = {
    {"is not a date", "不是日期（可写 2019-09-01、2019/9/1 或 2019年9月1日）"},
    {"is not one of", "不是可接受的值（见 docs/csv-format.md）"},
    {"is not a boolean", "不是“是/否”"},
    {"is not a whole number", "不是整数"},
    {"is not a number", "不是数字"},
    {"is not a score", "不是成绩（最多两位小数）"},
    {"is not YEAR:grade", "格式应为“年份:等次”"},
    {"is not school|start|end", "格式应为“学校|开始|结束|城乡|薄弱|交流”"},
    {"is not kind|", "格式不对（各部分用 | 分隔）"},
    {"is required", "必填，不能为空"},
    {"does not exist", "引用的记录不存在（请先导入）"},
    {"must not be in the future", "不能晚于今天"},
    {"must be before career_start_date", "应早于参加工作时间"},
    {"must not be before career_start_date", "不能早于参加工作时间"},
    {"must not be before start_date", "不能早于开始日期"},
    {"must be a real calendar date", "不是有效日期"},
    {"must be between", "超出允许范围"},
    {"must be an id of", "编号只能用小写字母、数字、- 和 _，最多 63 个字符"},
    {"must differ from", "不能与所在学校相同"},
    {"appears twice", "重复"},
    {"all name", "同一编号出现在多行"},
};

}  // namespace

std::string ProblemZh(rota::tools::CsvTable table,
                      const rota::v1::RowError& error) {
  const std::string column = rota::tools::ColumnOfField(error.field());
  std::string name = rota::tools::ColumnChineseName(table, column);
  if (name.empty()) name = column.empty() ? "整行" : column;
  const char* zh = "有误（见英文说明）";
  for (const KnownReason& k : kReasons) {
    if (absl::StrContains(error.reason(), k.en)) {
      zh = k.zh;
      break;
    }
  }
  return absl::StrCat("「", name, "」", zh);
}

std::string ProblemEn(const rota::v1::RowError& error) {
  return absl::StrCat(error.field().empty() ? "(row)" : error.field(), ": ",
                      error.reason());
}

bool WriteErrorFile(const std::string& path, std::string_view text,
                    rota::tools::CsvTable table,
                    const std::vector<rota::v1::RowError>& errors) {
  std::map<int64_t, std::pair<std::vector<std::string>,
                              std::vector<std::string>>>
      problems;  // row -> (Chinese, English)
  for (const rota::v1::RowError& e : errors) {
    auto& [zh, en] = problems[e.row()];
    zh.push_back(ProblemZh(table, e));
    en.push_back(ProblemEn(e));
  }
  const std::vector<std::string>& extra = rota::tools::ErrorFileColumns();
  std::string out = "\xEF\xBB\xBF";
  rota::tools::CsvReader reader(text);
  std::vector<std::string> fields;
  bool header = true;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&fields);
    if (!more.ok() || !*more) break;
    if (header) {
      std::vector<std::string> row = extra;
      row.insert(row.end(), fields.begin(), fields.end());
      rota::tools::AppendCsvRow(&out, row);
      header = false;
      continue;
    }
    auto it = problems.find(reader.row());
    if (it == problems.end()) continue;
    std::vector<std::string> row = {absl::StrCat(reader.row()),
                                    absl::StrJoin(it->second.first, "；"),
                                    absl::StrJoin(it->second.second, "; ")};
    row.insert(row.end(), fields.begin(), fields.end());
    rota::tools::AppendCsvRow(&out, row);
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << out;
  file.close();
  if (!file) {
    std::fprintf(stderr, "rotactl: cannot write the error file %s\n",
                 path.c_str());
    return false;
  }
  return true;
}

}  // namespace rota::rotactl
