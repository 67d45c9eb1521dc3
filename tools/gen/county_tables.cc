// rota-gen's tables of subjects by stage and of place-name characters, and
// the small helpers that read them: SubjectsOf, ChineseOrdinal, PlaceName;
// plus the portable cosine of the county layout. The other tables and the
// declarations are in internal/county_generator_internal.h.
#include <iterator>
#include <span>
#include <string>

#include "absl/strings/str_cat.h"
#include "tools/gen/internal/county_generator_internal.h"
#include "tools/gen/random.h"

namespace rota::tools::gen_internal {
namespace {

constexpr SubjectWeight kKindergartenSubjects[] = {{"preschool", 1.0, false}};
constexpr SubjectWeight kPrimarySubjects[] = {
    {"chinese", 0.30, false}, {"math", 0.24, false},
    {"english", 0.08, false}, {"morality", 0.05, false},
    {"science", 0.05, false}, {"music", 0.06, true},
    {"pe", 0.07, true},       {"art", 0.05, true},
    {"it", 0.03, true},       {"mental_health", 0.01, true},
    {"labour", 0.01, true}};
constexpr SubjectWeight kJuniorSubjects[] = {
    {"chinese", 0.15, false},   {"math", 0.15, false},
    {"english", 0.14, false},   {"physics", 0.07, false},
    {"chemistry", 0.05, false}, {"biology", 0.05, false},
    {"history", 0.06, false},   {"geography", 0.05, false},
    {"morality", 0.06, false},  {"music", 0.03, true},
    {"art", 0.03, true},        {"pe", 0.08, true},
    {"it", 0.03, true},         {"mental_health", 0.01, true},
    {"labour", 0.01, true}};
constexpr SubjectWeight kSeniorSubjects[] = {
    {"chinese", 0.13, false},   {"math", 0.13, false},
    {"english", 0.13, false},   {"physics", 0.10, false},
    {"chemistry", 0.08, false}, {"biology", 0.08, false},
    {"history", 0.07, false},   {"geography", 0.07, false},
    {"politics", 0.07, false},  {"pe", 0.06, true},
    {"music", 0.02, true},      {"art", 0.02, true},
    {"it", 0.04, true},         {"mental_health", 0.01, true}};
constexpr SubjectWeight kVocationalSubjects[] = {
    {"chinese", 0.08, false},   {"math", 0.08, false},
    {"english", 0.07, false},   {"politics", 0.04, false},
    {"pe", 0.05, true},         {"it", 0.18, false},
    {"mechanics", 0.14, false}, {"accounting", 0.12, false},
    {"nursing", 0.10, false},   {"tourism", 0.05, false},
    {"art", 0.06, true},        {"music", 0.03, true}};

constexpr const char* kPlaceChars[] = {
    "青", "山", "石", "桥", "河", "岭", "坪", "溪", "湾", "塘", "田", "林",
    "沙", "竹", "龙", "凤", "安", "平", "新", "兴", "和", "丰", "江", "云",
    "岩", "马", "白", "东", "西", "南", "北", "高", "横", "长", "双", "金",
    "水", "黄", "花", "枫", "柳", "梅", "桃", "源", "阳", "星", "坝", "茶",
    "古", "清", "永", "宁", "乐", "富", "仁", "德", "义", "太", "营", "堡"};
constexpr const char* kChineseNumbers[] = {"一", "二", "三", "四", "五",
                                           "六", "七", "八", "九", "十"};

}  // namespace

std::span<const SubjectWeight> SubjectsOf(int stage) {
  switch (stage) {
    case kKindergarten:
      return kKindergartenSubjects;
    case kPrimary:
      return kPrimarySubjects;
    case kJunior:
      return kJuniorSubjects;
    case kSenior:
      return kSeniorSubjects;
    default:
      return kVocationalSubjects;
  }
}

double Cos(double x) {
  const double x2 = x * x;
  double term = 1, sum = 1;
  for (int k = 1; k <= 10; ++k) {
    term *= -x2 / ((2 * k - 1) * (2 * k));
    sum += term;
  }
  return sum;
}

std::string ChineseOrdinal(int n) {
  if (n <= 10) return kChineseNumbers[n - 1];
  if (n < 20) return absl::StrCat("十", kChineseNumbers[n - 11]);
  std::string s = absl::StrCat(kChineseNumbers[n / 10 - 1], "十");
  if (n % 10) absl::StrAppend(&s, kChineseNumbers[n % 10 - 1]);
  return s;
}

std::string PlaceName(Random& rng) {
  std::string a = Pick(rng, kPlaceChars);
  std::string b = Pick(rng, kPlaceChars);
  while (b == a) b = Pick(rng, kPlaceChars);
  return a + b;
}

}  // namespace rota::tools::gen_internal
