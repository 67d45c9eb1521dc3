#include "tools/csv/csv_words.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/rules/county.h"
#include "engine/rules/subjects.h"
#include "rota/v1/resources.pb.h"
#include "tools/csv/csv_format.h"

namespace rota::tools {
namespace {

namespace v1 = ::rota::v1;

constexpr EnumWord kStages[] = {
    {v1::KINDERGARTEN, "kindergarten", "KINDERGARTEN", "幼儿园/学前"},
    {v1::PRIMARY, "primary", "PRIMARY", "小学"},
    {v1::JUNIOR, "junior", "JUNIOR", "初中"},
    {v1::SENIOR, "senior", "SENIOR", "高中"},
    {v1::VOCATIONAL, "vocational", "VOCATIONAL", "中职/职高"}};
constexpr EnumWord kLocalities[] = {
    {v1::URBAN, "urban", "URBAN", "城区"},
    {v1::TOWN, "town", "TOWN", "镇区"},
    {v1::RURAL, "rural", "RURAL", "乡村/农村"},
    {v1::TEACHING_POINT, "teaching_point", "TEACHING_POINT", "教学点"}};
constexpr EnumWord kGenders[] = {{v1::FEMALE, "female", "FEMALE", "女"},
                                 {v1::MALE, "male", "MALE", "男"},
                                 {v1::FEMALE, "f", "F", ""},
                                 {v1::MALE, "m", "M", ""}};
constexpr EnumWord kTitles[] = {
    {v1::NO_TITLE, "none", "NO_TITLE", "未定级"},
    {v1::JUNIOR_TITLE, "junior", "JUNIOR_TITLE", "初级/二级教师/三级教师"},
    {v1::INTERMEDIATE_TITLE, "intermediate", "INTERMEDIATE_TITLE",
     "中级/一级教师"},
    {v1::SENIOR_TITLE, "senior", "SENIOR_TITLE",
     "高级/高级教师/正高级/正高级教师"}};
constexpr EnumWord kRoles[] = {
    {v1::TEACHER, "teacher", "TEACHER", "教师/专任教师"},
    {v1::PRINCIPAL, "principal", "PRINCIPAL", "校长"},
    {v1::VICE_PRINCIPAL, "vice_principal", "VICE_PRINCIPAL", "副校长"}};
constexpr EnumWord kBackbones[] = {
    {v1::NOT_BACKBONE, "none", "NOT_BACKBONE", "无/非骨干"},
    {v1::COUNTY_BACKBONE, "county", "COUNTY_BACKBONE", "县级骨干"},
    {v1::CITY_BACKBONE, "city", "CITY_BACKBONE", "市级骨干"},
    {v1::PROVINCE_BACKBONE, "province", "PROVINCE_BACKBONE", "省级骨干"}};
constexpr EnumWord kEmployments[] = {
    {v1::ESTABLISHED, "established", "ESTABLISHED", "编内/在编"},
    {v1::NON_ESTABLISHED, "non_established", "NON_ESTABLISHED", "编外"}};
constexpr EnumWord kGrades[] = {
    {v1::EXCELLENT, "excellent", "EXCELLENT", "优秀"},
    {v1::COMPETENT, "competent", "COMPETENT", "合格/称职"},
    {v1::BASIC_COMPETENT, "basic_competent", "BASIC_COMPETENT",
     "基本合格/基本称职"},
    {v1::INCOMPETENT, "incompetent", "INCOMPETENT", "不合格/不称职"}};
constexpr EnumWord kExemptions[] = {
    {v1::PREGNANCY_OR_NURSING, "pregnancy_or_nursing", "PREGNANCY_OR_NURSING",
     "孕期哺乳期"},
    {v1::SERIOUS_ILLNESS, "serious_illness", "SERIOUS_ILLNESS", "患重病"},
    {v1::NEAR_RETIREMENT, "near_retirement", "NEAR_RETIREMENT", "临近退休"},
    {v1::COUNTY_DEFINED, "county_defined", "COUNTY_DEFINED", "县定情形"}};
constexpr EnumWord kHardships[] = {
    {v1::SPOUSE_SEPARATION, "spouse_separation", "SPOUSE_SEPARATION",
     "夫妻分居"},
    {v1::CARING_FOR_PARENTS, "caring_for_parents", "CARING_FOR_PARENTS",
     "赡养老人"},
    {v1::DISABILITY, "disability", "DISABILITY", "残疾"},
    {v1::OTHER_HARDSHIP, "other", "OTHER_HARDSHIP", "其他"}};
constexpr EnumWord kObligations[] = {
    {v1::PUBLIC_FUNDED_GRADUATE, "public_funded_graduate",
     "PUBLIC_FUNDED_GRADUATE", "公费师范生"},
    {v1::SPECIAL_POST_PLAN, "special_post_plan", "SPECIAL_POST_PLAN",
     "特岗计划"},
    {v1::BUNDLED_RURAL_TERM, "bundled_rural_term", "BUNDLED_RURAL_TERM",
     "捆绑聘用"}};
constexpr EnumWord kChannels[] = {
    {v1::CHANNEL_OPEN, "open", "CHANNEL_OPEN", "公开招聘"},
    {v1::CHANNEL_SPECIAL_POST, "special_post", "CHANNEL_SPECIAL_POST",
     "特岗/特岗计划"},
    {v1::CHANNEL_PUBLIC_FUNDED, "public_funded", "CHANNEL_PUBLIC_FUNDED",
     "公费师范生"},
    {v1::CHANNEL_TALENT, "talent", "CHANNEL_TALENT", "人才引进"}};
constexpr EnumWord kBooleans[] = {{1, "true", "", "是"}, {0, "false", "", "否"},
                                  {1, "1", "", ""},      {0, "0", "", ""},
                                  {1, "yes", "", ""},    {0, "no", "", ""},
                                  {1, "y", "", ""},      {0, "n", "", ""}};

constexpr CsvEnum kAllEnums[] = {
    CsvEnum::kStage,      CsvEnum::kLocality,   CsvEnum::kGender,
    CsvEnum::kTitle,      CsvEnum::kRole,       CsvEnum::kBackbone,
    CsvEnum::kEmployment, CsvEnum::kGrade,      CsvEnum::kExemption,
    CsvEnum::kHardship,   CsvEnum::kObligation, CsvEnum::kChannel,
    CsvEnum::kBoolean};

// Calls `found` on each of the '/'-separated Chinese words of `zh` until it
// returns true; true if it did.
template <typename Found>
bool AnyZhWord(const char* zh, Found found) {
  std::string_view rest(zh);
  if (rest.empty()) return false;
  while (true) {
    const size_t slash = rest.find('/');
    if (found(rest.substr(0, slash))) return true;
    if (slash == std::string_view::npos) return false;
    rest.remove_prefix(slash + 1);
  }
}

std::vector<std::string_view> ZhWords(const char* zh) {
  std::vector<std::string_view> out;
  AnyZhWord(zh, [&](std::string_view w) {
    out.push_back(w);
    return false;
  });
  return out;
}

// True if `word` is one of ZhWords(zh), without building the list: a
// lookup runs for every subject of a file.
bool HasZhWord(const char* zh, std::string_view word) {
  return AnyZhWord(zh, [&](std::string_view w) { return w == word; });
}

// One accepted spelling of an enum value.
struct Spelling {
  std::string_view text;
  bool any_case;  // English (case-insensitive), not Chinese (exact)
  int value;
};

// Every spelling of `e` in EnumWords order (each row's English name, proto
// name, then Chinese words), built once: ParseEnumWord runs for every enum
// cell of a file and compares lengths first.
std::span<const Spelling> SpellingsOf(CsvEnum e) {
  static const auto* kSpellings = [] {
    auto* all = new std::vector<std::vector<Spelling>>(std::size(kAllEnums));
    for (CsvEnum each : kAllEnums) {
      std::vector<Spelling>& list = (*all)[static_cast<size_t>(each)];
      for (const EnumWord& w : EnumWords(each)) {
        if (*w.csv != '\0') list.push_back({w.csv, true, w.value});
        if (*w.proto != '\0') list.push_back({w.proto, true, w.value});
        for (std::string_view zh : ZhWords(w.zh))
          list.push_back({zh, false, w.value});
      }
    }
    return all;
  }();
  return (*kSpellings)[static_cast<size_t>(e)];
}

// One table's Chinese header names: column -> names separated by '/'.
struct ColumnNames {
  const char* column;
  const char* zh;
};

constexpr ColumnNames kSchoolNames[] = {{"id", "学校代码/学校编号/编号"},
                                        {"display_name", "学校名称/校名"},
                                        {"stages", "学段"},
                                        {"locality", "城乡类别/城乡"},
                                        {"weak", "薄弱学校"},
                                        {"zone", "学区"},
                                        {"latitude", "纬度"},
                                        {"longitude", "经度"},
                                        {"headcount", "编制数"}};
constexpr ColumnNames kPostNames[] = {
    {"id", "岗位编号/编号"},    {"school", "学校/学校代码"},
    {"subject", "学科"},        {"title_band", "岗位等级/职称等级"},
    {"count", "岗位数/职数"},   {"stage", "学段"},
    {"non_established", "编外"}};
constexpr ColumnNames kTeacherNames[] = {
    {"id", "工号/职工号/staff_id"},
    {"display_name", "姓名"},
    {"gender", "性别"},
    {"birth_date", "出生日期"},
    {"career_start_date", "参加工作时间/参加工作日期"},
    {"school", "学校/任教学校/所在学校"},
    {"school_join_date", "调入本校时间/进入本校时间"},
    {"post", "岗位/岗位编号"},
    {"subjects", "任教学科/学科"},
    {"certificate_stages", "教师资格学段/教师资格"},
    {"title", "职称"},
    {"role", "职务"},
    {"role_start_date", "任职时间/任现职时间"},
    {"backbone_level", "骨干等级/骨干教师"},
    {"employment", "编制/编制情况"},
    {"evaluations", "年度考核"},
    {"service_history", "任教经历/工作经历"},
    {"exemptions", "豁免情形"},
    {"hardships", "困难情形"},
    {"obligations", "服务期"},
    {"home_school", "人事关系学校"},
    {"term_end_date", "交流期满日期"},
    {"weekly_load", "周课时"},
    {"free_half_days", "空闲半天"},
    {"itinerant_volunteer", "自愿走教"}};
constexpr ColumnNames kApplicationNames[] = {
    {"teacher", "工号/职工号/staff_id"},
    {"preferences", "志愿"},
    {"voluntary", "自愿交流"}};
constexpr ColumnNames kPeriodNames[] = {{"school", "学校/学校代码"},
                                        {"subject", "学科"},
                                        {"stage", "学段"},
                                        {"periods", "周课时"},
                                        {"id", "编号"}};
constexpr ColumnNames kRoadNames[] = {{"school_a", "学校甲/学校A"},
                                      {"school_b", "学校乙/学校B"},
                                      {"metres", "路程米/距离米"},
                                      {"minutes", "用时分钟/时间分钟"},
                                      {"id", "编号"}};
constexpr ColumnNames kApplicantNames[] = {
    {"id", "报名号/编号"},
    {"display_name", "姓名"},
    {"gender", "性别"},
    {"birth_date", "出生日期"},
    {"subjects", "学科/报考学科"},
    {"certificate_stages", "教师资格学段/教师资格"},
    {"channel", "招聘类别"},
    {"interview_passed", "面试合格"},
    {"written_score", "笔试成绩"},
    {"preferences", "志愿"}};
constexpr ColumnNames kRecruitmentPostNames[] = {
    {"id", "岗位编号/编号"},
    {"school", "学校/学校代码"},
    {"subject", "学科"},
    {"stage", "学段"},
    {"seats", "招聘人数"},
    {"bundled_rural_school", "捆绑乡村学校"},
    {"bundled_term_years", "捆绑服务年限"}};

constexpr CsvTable kAllTables[] = {CsvTable::kSchools,
                                   CsvTable::kPosts,
                                   CsvTable::kTeachers,
                                   CsvTable::kApplications,
                                   CsvTable::kPeriodRequirements,
                                   CsvTable::kRoadDistances,
                                   CsvTable::kRecruitmentPosts,
                                   CsvTable::kApplicants};

std::span<const ColumnNames> NamesOf(CsvTable table) {
  switch (table) {
    case CsvTable::kSchools:
      return kSchoolNames;
    case CsvTable::kPosts:
      return kPostNames;
    case CsvTable::kTeachers:
      return kTeacherNames;
    case CsvTable::kApplications:
      return kApplicationNames;
    case CsvTable::kPeriodRequirements:
      return kPeriodNames;
    case CsvTable::kRoadDistances:
      return kRoadNames;
    case CsvTable::kApplicants:
      return kApplicantNames;
    case CsvTable::kRecruitmentPosts:
      return kRecruitmentPostNames;
  }
  return kSchoolNames;
}

// Lower-case ASCII, spaces as '_'.
std::string HeaderKey(std::string_view s) {
  std::string out(TrimCell(s));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ' ') c = '_';
  }
  return out;
}

}  // namespace

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view csv_internal::TrimCellEnds(std::string_view s) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  while (true) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
      s.remove_prefix(1);
    } else if (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
      s.remove_suffix(1);
    } else if (s.substr(0, 3) == kIdeographicSpace) {
      s.remove_prefix(3);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == kIdeographicSpace) {
      s.remove_suffix(3);
    } else {
      return s;
    }
  }
}

std::span<const CsvEnum> AllCsvEnums() { return kAllEnums; }

std::span<const EnumWord> EnumWords(CsvEnum e) {
  switch (e) {
    case CsvEnum::kStage:
      return kStages;
    case CsvEnum::kLocality:
      return kLocalities;
    case CsvEnum::kGender:
      return kGenders;
    case CsvEnum::kTitle:
      return kTitles;
    case CsvEnum::kRole:
      return kRoles;
    case CsvEnum::kBackbone:
      return kBackbones;
    case CsvEnum::kEmployment:
      return kEmployments;
    case CsvEnum::kGrade:
      return kGrades;
    case CsvEnum::kExemption:
      return kExemptions;
    case CsvEnum::kHardship:
      return kHardships;
    case CsvEnum::kObligation:
      return kObligations;
    case CsvEnum::kChannel:
      return kChannels;
    case CsvEnum::kBoolean:
      return kBooleans;
  }
  return kBooleans;
}

const char* EnumLabel(CsvEnum e) {
  switch (e) {
    case CsvEnum::kStage:
      return "stage";
    case CsvEnum::kLocality:
      return "locality";
    case CsvEnum::kGender:
      return "gender";
    case CsvEnum::kTitle:
      return "title / title_band";
    case CsvEnum::kRole:
      return "role";
    case CsvEnum::kBackbone:
      return "backbone_level";
    case CsvEnum::kEmployment:
      return "employment";
    case CsvEnum::kGrade:
      return "evaluation grade";
    case CsvEnum::kExemption:
      return "exemption kind";
    case CsvEnum::kHardship:
      return "hardship kind";
    case CsvEnum::kObligation:
      return "obligation kind";
    case CsvEnum::kChannel:
      return "channel";
    case CsvEnum::kBoolean:
      return "boolean";
  }
  return "";
}

absl::StatusOr<int> ParseEnumWord(CsvEnum e, std::string_view text) {
  text = TrimCell(text);
  if (text.empty()) return 0;
  for (const Spelling& s : SpellingsOf(e)) {
    // Most cells spell the word as the table does: compare bytes first.
    if (s.text.size() == text.size() &&
        (text == s.text || (s.any_case && IEquals(text, s.text)))) {
      return s.value;
    }
  }
  std::vector<std::string> names;
  for (const EnumWord& w : EnumWords(e)) {
    if (std::string_view(w.csv).size() > 1 && e != CsvEnum::kBoolean)
      names.push_back(w.csv);
    for (std::string_view zh : ZhWords(w.zh)) names.push_back(std::string(zh));
  }
  if (e == CsvEnum::kBoolean) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", std::string(text), "\" is not a boolean (true/false, 1/0, ",
        "yes/no, 是/否)"));
  }
  return absl::InvalidArgumentError(absl::StrCat("\"", std::string(text),
                                                 "\" is not one of ",
                                                 absl::StrJoin(names, ", ")));
}

std::string EnumWordOf(CsvEnum e, int value) {
  for (const EnumWord& w : EnumWords(e)) {
    if (w.value == value) return w.csv;
  }
  return value == 0 ? "" : absl::StrCat(value);
}

std::string EnumChineseWord(CsvEnum e, int value) {
  if (value == 0 && e != CsvEnum::kBoolean) return "";
  for (const EnumWord& w : EnumWords(e)) {
    if (w.value != value) continue;
    std::vector<std::string_view> zh = ZhWords(w.zh);
    if (!zh.empty()) return std::string(zh.front());
  }
  return "";
}

std::string EnumWordsText(CsvEnum e, int value) {
  std::vector<std::string> en, zh;
  for (const EnumWord& w : EnumWords(e)) {
    if (w.value != value) continue;
    if (*w.csv != '\0') en.push_back(w.csv);
    for (std::string_view z : ZhWords(w.zh)) zh.push_back(std::string(z));
  }
  en.insert(en.end(), zh.begin(), zh.end());
  return absl::StrJoin(en, "/");
}

std::string EnumDocLine(CsvEnum e) {
  // Values in first-appearance order; English words in backquotes, joined
  // by '/', then the Chinese words.
  std::vector<int> values;
  for (const EnumWord& w : EnumWords(e)) {
    if (std::find(values.begin(), values.end(), w.value) == values.end())
      values.push_back(w.value);
  }
  std::vector<std::string> items;
  for (int v : values) {
    std::vector<std::string> en, zh;
    for (const EnumWord& w : EnumWords(e)) {
      if (w.value != v) continue;
      if (*w.csv != '\0') en.push_back(absl::StrCat("`", w.csv, "`"));
      for (std::string_view z : ZhWords(w.zh)) zh.push_back(std::string(z));
    }
    std::string item = absl::StrJoin(en, "/");
    if (!zh.empty()) absl::StrAppend(&item, " ", absl::StrJoin(zh, "/"));
    items.push_back(std::move(item));
  }
  return absl::StrCat("| ", EnumLabel(e), " | ", absl::StrJoin(items, ", "),
                      " |");
}

std::optional<std::string> CanonicalColumn(CsvTable table,
                                           std::string_view name) {
  const std::string key = HeaderKey(name);
  for (const std::string& c : CsvColumns(table)) {
    if (c == key) return c;
  }
  for (const ColumnNames& n : NamesOf(table)) {
    for (std::string_view zh : ZhWords(n.zh)) {
      if (key == HeaderKey(zh)) return std::string(n.column);
    }
  }
  return std::nullopt;
}

std::string ColumnChineseName(CsvTable table, std::string_view column) {
  for (const ColumnNames& n : NamesOf(table)) {
    if (column == n.column) {
      std::vector<std::string_view> zh = ZhWords(n.zh);
      return zh.empty() ? "" : std::string(zh[0]);
    }
  }
  return "";
}

const char* CsvFileName(CsvTable table) {
  switch (table) {
    case CsvTable::kSchools:
      return "schools.csv";
    case CsvTable::kPosts:
      return "posts.csv";
    case CsvTable::kTeachers:
      return "teachers.csv";
    case CsvTable::kApplications:
      return "applications.csv";
    case CsvTable::kPeriodRequirements:
      return "periods.csv";
    case CsvTable::kRoadDistances:
      return "roads.csv";
    case CsvTable::kApplicants:
      return "applicants.csv";
    case CsvTable::kRecruitmentPosts:
      return "recruitment_posts.csv";
  }
  return "";
}

std::span<const CsvTable> AllCsvTables() { return kAllTables; }

std::string ColumnDocLine(CsvTable table) {
  std::vector<std::string> items;
  for (const ColumnNames& n : NamesOf(table)) {
    items.push_back(absl::StrCat("`", n.column, "` ", n.zh));
  }
  return absl::StrCat("| ", CsvFileName(table), " | ",
                      absl::StrJoin(items, ", "), " |");
}

const std::vector<std::string>& ErrorFileColumns() {
  static const auto* kColumns =
      new std::vector<std::string>{"行号 row", "问题", "problem"};
  return *kColumns;
}

absl::StatusOr<std::string> NormalizeCsvDate(std::string_view text) {
  text = TrimCell(text);
  if (text.empty()) return std::string();
  // A valid YYYY-MM-DD is its own normal form.
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' &&
      rota::engine::rules::ParseDate(text).ok()) {
    return std::string(text);
  }
  absl::StatusOr<int32_t> days = rota::engine::rules::ParseDateLenient(text);
  if (!days.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", std::string(text),
                     "\" is not a date (2019-09-01, 2019/9/1 or "
                     "2019年9月1日)"));
  }
  return rota::engine::rules::FormatDate(*days);
}

std::string CanonicalSubject(std::string_view text) {
  text = TrimCell(text);
  for (const rota::engine::rules::SubjectName& row :
       rota::engine::rules::KnownSubjects()) {
    // The codes are lower case.
    if (IEquals(text, row.code) || HasZhWord(row.zh, text)) return row.code;
  }
  return std::string(text);
}

std::string SubjectChineseName(std::string_view code) {
  const std::string_view zh = rota::engine::rules::SubjectZh(code);
  return zh == code ? "" : std::string(zh);
}

std::string SubjectDocLine() {
  std::vector<std::string> items;
  for (const rota::engine::rules::SubjectName& row :
       rota::engine::rules::KnownSubjects())
    items.push_back(absl::StrCat("`", row.code, "` ", row.zh));
  return absl::StrCat("| subject | ", absl::StrJoin(items, ", "), " |");
}

}  // namespace rota::tools
