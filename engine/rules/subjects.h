// The subject codes the engine, the policy defaults (the shortage list of
// 走教) and rota-gen use, with the Chinese names a school's timetable gives
// them. CSV import reads either (tools/csv/csv_words.h), sentences for
// administrators print the Chinese name. A subject outside this table is a
// county's own and is kept as written.
//
//   SubjectZh("pe") == "体育";  SubjectZh("书法") == "书法"
//
// Thread-safety: an immutable table.
#pragma once

#include <span>
#include <string_view>

namespace rota::engine::rules {

struct SubjectName {
  const char* code;
  const char* zh;  // '/'-separated; the first is the name printed
};

inline constexpr SubjectName kSubjectNames[] = {
    {"chinese", "语文"},
    {"math", "数学"},
    {"english", "英语"},
    {"science", "科学"},
    {"physics", "物理"},
    {"chemistry", "化学"},
    {"biology", "生物/生物学"},
    {"history", "历史"},
    {"geography", "地理"},
    {"politics", "思想政治/政治"},
    {"morality", "道德与法治/思政/品德与社会"},
    {"music", "音乐"},
    {"pe", "体育/体育与健康"},
    {"art", "美术"},
    {"labour", "劳动"},
    {"it", "信息科技/信息技术"},
    {"mental_health", "心理健康"},
    {"preschool", "学前教育"},
    {"accounting", "会计"},
    {"mechanics", "机械"},
    {"nursing", "护理"},
    {"tourism", "旅游"},
};

inline std::span<const SubjectName> KnownSubjects() { return kSubjectNames; }

// The first Chinese name of `code`; `code` itself when unknown.
inline std::string_view SubjectZh(std::string_view code) {
  for (const SubjectName& s : kSubjectNames) {
    if (code == s.code) {
      const std::string_view zh = s.zh;
      return zh.substr(0, zh.find('/'));
    }
  }
  return code;
}

}  // namespace rota::engine::rules
