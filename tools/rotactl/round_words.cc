#include "tools/rotactl/round_words.h"

#include <cstdlib>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tools/csv/csv_words.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;

// One value of an enum and its words.
struct Entry {
  int value;
  Words words;
};

template <size_t N>
std::string Lookup(const Entry (&table)[N], int value, Lang lang,
                   const Words& unknown) {
  for (const Entry& e : table) {
    if (e.value == value) return Pick(e.words, lang);
  }
  return absl::StrCat(Pick(unknown, lang), " ", value);
}

const Entry kRoutes[] = {
    {v1::ROUTE_NONE, {"no move", "未调动"}},
    {v1::ROUTE_LOCK, {"locked by an administrator", "人工锁定"}},
    {v1::ROUTE_OVERRIDE, {"set by an administrator", "人工调整"}},
    {v1::ROUTE_EXEMPT, {"exempt, keeps the post", "免于竞聘"}},
    {v1::ROUTE_VOLUNTARY_TO_BE,
     {"voluntary exchange of seats", "自愿交流，互换"}},
    {v1::ROUTE_VOLUNTARY_DA_STAR,
     {"voluntary move by the choices listed", "自愿交流，按志愿"}},
    {v1::ROUTE_VOLUNTARY_AFTER_TO_BE,
     {"voluntary move to a seat left free", "自愿交流，余缺"}},
    {v1::ROUTE_MANDATORY_BY_PREFERENCE,
     {"selected to rotate, placed by the choices listed", "指令交流，按志愿"}},
    {v1::ROUTE_COUNTY_ALLOCATION, {"county allocation", "县内调剂"}},
    {v1::ROUTE_FREED_SEATS, {"seat freed later in the run", "空出岗位递补"}},
    {v1::ROUTE_TERM_RETURN, {"return after a term exchange", "交流期满返回"}},
    {v1::ROUTE_LEADERSHIP_MARKET, {"leadership rotation", "校级领导交流"}},
    {v1::ROUTE_COMPETITION, {"competition for posts", "竞聘上岗"}},
    {v1::ROUTE_IN_SCHOOL_STAGE1,
     {"competition in the teacher's own school", "校内竞聘"}},
    {v1::ROUTE_CROSS_SCHOOL_STAGE2, {"competition across schools", "跨校竞聘"}},
    {v1::ROUTE_UNPLACED, {"no post", "待岗"}},
    {v1::ROUTE_RECRUITMENT, {"recruited to a post", "招聘录用"}},
    {v1::ROUTE_NOT_RECRUITED, {"not recruited", "未录用"}},
    {v1::ROUTE_ITINERANT_ASSIGNMENT,
     {"itinerant teaching assignment", "走教安排"}},
};

const Entry kReasons[] = {
    {v1::REASON_UNSPECIFIED, {"", ""}},
    {v1::REASON_ELIGIBLE, {"eligible", "符合交流条件"}},
    {v1::REASON_EXEMPT, {"exempt", "依规免于交流"}},
    {v1::REASON_NON_ESTABLISHED, {"not on the establishment", "编外人员"}},
    {v1::REASON_OUT_OF_STAGE_SCOPE,
     {"school outside this round's stages", "学段不在本轮范围"}},
    {v1::REASON_LEADER_NOT_DUE,
     {"leader not yet due to rotate", "任职年限未满"}},
    {v1::REASON_LEADER_MUST_ROTATE, {"leader due to rotate", "任职期满须交流"}},
    {v1::REASON_LEADER_INSPECTOR,
     {"leader near retirement, full-time inspector", "临近退休，任专职督学"}},
    {v1::REASON_TOO_FEW_YEARS, {"too few years at the school", "在校年限不足"}},
    {v1::REASON_NEAR_RETIREMENT, {"near retirement", "临近退休"}},
    {v1::REASON_TERM_RETURN, {"returns from a term exchange", "交流期满返回"}},
    {v1::REASON_COMPETES_WITH_APPLICATION,
     {"competes with an application", "按申请竞聘"}},
    {v1::REASON_COMPETES_FOR_OWN_SCHOOL,
     {"no application: competes for the home school's posts",
      "未申请，竞聘本校岗位"}},
    {v1::REASON_PINNED, {"fixed by a lock or override", "人工锁定或调整"}},
    {v1::REASON_MOVED_VOLUNTARILY,
     {"moved voluntarily, counts to the share", "自愿交流，计入比例"}},
    {v1::REASON_SELECTED, {"selected to rotate", "被确定为交流对象"}},
    {v1::REASON_SHARE_NOT_CARRIED,
     {"the school carries no rotation share", "学校不承担交流比例"}},
    {v1::REASON_NO_TARGET_IN_DIRECTION,
     {"no school in an allowed direction", "无符合方向的学校"}},
    {v1::REASON_SHARE_MET,
     {"the share was met by those picked first", "交流比例已满"}},
    {v1::REASON_LEADER_NO_VACATABLE_SEAT,
     {"no leader's seat of that role can be vacated", "无可腾出的领导岗位"}},
    {v1::REASON_LEADER_BEYOND_CAP,
     {"beyond the yearly leader limit", "超出年度领导交流上限"}},
    {v1::REASON_LEADER_WITHIN_CAP,
     {"within the yearly leader limit", "在年度领导交流上限内"}},
    {v1::REASON_MOVED_BY_ROUTE, {"moved by the step above", "按上述方式调动"}},
    {v1::REASON_NO_FREE_SEAT_IN_DIRECTION,
     {"every school in an allowed direction is full",
      "符合方向的学校均已满员"}},
    {v1::REASON_LEADER_NO_PARTNER,
     {"no other leader can make room", "无可对调的领导"}},
    {v1::REASON_LEADER_NO_SEAT_VACATED,
     {"no vacated seat is suitable", "无合适的空出岗位"}},
    {v1::REASON_LEADER_NO_CYCLE, {"in no exchange of leaders", "未能形成对调"}},
    {v1::REASON_HIRED_IN_COMPETITION, {"hired in the competition", "竞聘成功"}},
    {v1::REASON_ALLOCATED,
     {"no listed choice was won, allocated", "志愿未中，调剂"}},
    {v1::REASON_LOST_TO_ESTABLISHED,
     {"the won post went to an established teacher", "岗位由编内人员优先"}},
    {v1::REASON_NO_FITTING_POST,
     {"no post in the county fits", "无合适岗位，待岗"}},
    {v1::REASON_ALL_QUALIFIED_FULL,
     {"every qualifying post is full", "符合条件的岗位均已满，待岗"}},
    {v1::REASON_LOST_THEN_ALL_FULL,
     {"lost the won post, then all were full", "岗位被占后无空岗，待岗"}},
    {v1::REASON_RECRUITED, {"recruited at a listed post", "按志愿录用"}},
    {v1::REASON_INTERVIEW_FAILED, {"did not pass the interview", "面试未通过"}},
    {v1::REASON_BELOW_MIN_SCORE,
     {"written score below the minimum", "笔试成绩未达最低分"}},
    {v1::REASON_LISTED_NO_POST, {"listed no post", "未填报岗位"}},
    {v1::REASON_NO_LISTED_POST_TOOK_HER,
     {"no listed post took the applicant", "所报岗位均未录取"}},
    {v1::REASON_ITINERANT_ASSIGNED,
     {"teaches periods at other schools", "走教"}},
};

const Entry kOutcomes[] = {
    {v1::OUTCOME_UNSPECIFIED, {"-", "-"}},
    {v1::STAYED, {"stays", "留任"}},
    {v1::MOVED, {"moves", "调动"}},
    {v1::UNPLACED, {"no post", "待岗"}},
    {v1::EXEMPT, {"exempt", "免于交流"}},
    {v1::INSPECTOR, {"full-time inspector", "专职督学"}},
    {v1::DOWN_HIRED, {"hired in a lower title band", "低聘"}},
    {v1::UP_HIRED, {"hired in a higher title band", "低职高聘"}},
    {v1::ITINERANT, {"teaches at other schools", "走教"}},
    {v1::RECRUITED, {"recruited", "录用"}},
    {v1::NOT_RECRUITED, {"not recruited", "未录用"}},
};

const Entry kLocalities[] = {
    {v1::LOCALITY_UNSPECIFIED, {"-", "-"}},
    {v1::URBAN, {"urban", "城区"}},
    {v1::TOWN, {"town", "镇区"}},
    {v1::RURAL, {"rural", "乡村"}},
    {v1::TEACHING_POINT, {"teaching point", "教学点"}},
};

const Entry kTitles[] = {
    {v1::TITLE_UNSPECIFIED, {"-", "-"}},
    {v1::NO_TITLE, {"no title", "未定级"}},
    {v1::JUNIOR_TITLE, {"junior", "初级"}},
    {v1::INTERMEDIATE_TITLE, {"intermediate", "中级"}},
    {v1::SENIOR_TITLE, {"senior", "高级"}},
};

const Entry kGenders[] = {
    {v1::GENDER_UNSPECIFIED, {"-", "-"}},
    {v1::FEMALE, {"female", "女"}},
    {v1::MALE, {"male", "男"}},
};

const Entry kEmployments[] = {
    {v1::EMPLOYMENT_UNSPECIFIED, {"-", "-"}},
    {v1::ESTABLISHED, {"established", "编内"}},
    {v1::NON_ESTABLISHED, {"not established", "编外"}},
};

const Entry kStages[] = {
    {v1::STAGE_UNSPECIFIED, {"-", "-"}},
    {v1::KINDERGARTEN, {"kindergarten", "幼儿园"}},
    {v1::PRIMARY, {"primary", "小学"}},
    {v1::JUNIOR, {"junior secondary", "初中"}},
    {v1::SENIOR, {"senior secondary", "高中"}},
    {v1::VOCATIONAL, {"vocational", "中职"}},
};

const Entry kRoles[] = {
    {v1::ROLE_UNSPECIFIED, {"-", "-"}},
    {v1::TEACHER, {"teacher", "教师"}},
    {v1::PRINCIPAL, {"principal", "校长"}},
    {v1::VICE_PRINCIPAL, {"vice-principal", "副校长"}},
};

const Entry kRoundKinds[] = {
    {v1::ROUND_KIND_UNSPECIFIED, {"-", "-"}},
    {v1::EXCHANGE_ROTATION, {"exchange rotation", "交流轮岗"}},
    {v1::COMPETITIVE_HIRING, {"competitive hiring", "竞聘上岗"}},
    {v1::ITINERANT_TEACHING, {"itinerant teaching", "走教"}},
    {v1::RECRUITMENT, {"recruitment", "新教师招聘"}},
};

const Entry kRoundStates[] = {
    {v1::ROUND_STATE_UNSPECIFIED, {"-", "-"}},
    {v1::DRAFT, {"draft", "草稿"}},
    {v1::FROZEN, {"frozen", "已冻结"}},
    {v1::PROPOSED, {"proposed", "待审定"}},
    {v1::COMMITTED, {"committed", "已生效"}},
    {v1::CANCELLED, {"cancelled", "已取消"}},
};

const Entry kSeats[] = {
    {v1::RECRUITMENT_SEAT_UNSPECIFIED, {"", ""}},
    {v1::RECRUITMENT_SEAT_OPEN, {"open seat", "普通岗位"}},
    {v1::RECRUITMENT_SEAT_FEMALE, {"seat reserved for women", "女性预留岗位"}},
    {v1::RECRUITMENT_SEAT_MALE, {"seat reserved for men", "男性预留岗位"}},
    {v1::RECRUITMENT_SEAT_CHANNEL,
     {"seat reserved for the channel", "专项渠道预留岗位"}},
    {v1::RECRUITMENT_SEAT_PINNED,
     {"placed by a lock or an override", "人工锁定或调整"}},
};

const Entry kChannels[] = {
    {v1::RECRUITMENT_CHANNEL_UNSPECIFIED, {"-", "-"}},
    {v1::CHANNEL_OPEN, {"open examination", "公开招聘"}},
    {v1::CHANNEL_SPECIAL_POST, {"special post plan", "特岗计划"}},
    {v1::CHANNEL_PUBLIC_FUNDED, {"publicly funded graduate", "公费师范生"}},
    {v1::CHANNEL_TALENT, {"talent introduction", "人才引进"}},
};

// Codes carried as strings.
struct CodeEntry {
  const char* code;
  Words words;
};

const CodeEntry kVerdicts[] = {
    {"GOT", {"got it", "录取"}},
    {"BETTER_CHOICE_HELD", {"a better choice held", "已获更优志愿"}},
    {"FULL", {"full", "已满"}},
    {"NOT_QUALIFIED", {"not qualified", "不符合条件"}},
    {"RESERVED", {"reserved for others", "为他人预留"}},
    {"EXEMPT", {"exempt", "免于交流"}},
    {"QUOTA", {"share rule", "比例限制"}},
    {"DIRECTION", {"not an allowed direction", "不符合交流方向"}},
    {"NOT_REACHED", {"not reached", "未轮到"}},
};

const CodeEntry kCoverageReasons[] = {
    {"NO_QUALIFIED_TEACHER",
     {"no qualified teacher in the zone", "片区内无合格教师"}},
    {"TRAVEL_CAP", {"beyond the travel limit", "超出路程上限"}},
    {"PERIOD_CAP", {"teachers at their period limit", "教师课时已满"}},
    {"HALF_DAY_CLASH", {"no free half-day", "无空闲半天"}},
    {"SCHOOL_CAP", {"teachers at their school limit", "走教学校数已满"}},
    {"EXCLUDED",
     {"the only candidates are exempt or fixed elsewhere",
      "可选教师均免于走教或已另行安排"}},
};

// Column ids and their words (table header in English: the id in capitals,
// underscores as spaces).
const CodeEntry kHeaders[] = {
    {"teacher", {"teacher", "教师"}},
    {"teacher_name", {"teacher_name", "教师姓名"}},
    {"applicant", {"applicant", "考生"}},
    {"gender", {"gender", "性别"}},
    {"outcome", {"outcome", "结果"}},
    {"from", {"from", "原单位"}},
    {"to", {"to", "去向"}},
    {"from_school", {"from_school", "原学校"}},
    {"from_school_name", {"from_school_name", "原学校名称"}},
    {"from_post", {"from_post", "原岗位"}},
    {"to_school", {"to_school", "去向学校"}},
    {"to_school_name", {"to_school_name", "去向学校名称"}},
    {"to_post", {"to_post", "去向岗位"}},
    {"choice", {"choice", "志愿"}},
    {"points", {"points", "积分"}},
    {"route", {"route", "方式"}},
    {"why", {"why", "原因"}},
    {"note", {"note", "备注"}},
    {"via", {"via", "经由"}},
    {"mandatory", {"mandatory", "指令交流"}},
    {"eligible", {"eligible", "符合交流条件"}},
    {"voluntary", {"voluntary", "自愿申请"}},
    {"exempt", {"exempt", "免于交流"}},
    {"id", {"id", "编号"}},
    {"display_name", {"display_name", "姓名"}},
    {"subjects", {"subjects", "学科"}},
    {"birth_date", {"birth_date", "出生日期"}},
    {"locked", {"locked", "已锁定"}},
    {"overridden", {"overridden", "已调整"}},
    {"return_date", {"return_date", "返回日期"}},
    {"reason", {"reason", "说明"}},
    {"seq", {"seq", "序号"}},
    {"time", {"time", "时间"}},
    {"actor", {"actor", "操作人"}},
    {"what", {"what", "事项"}},
    {"school", {"school", "学校"}},
    {"school_name", {"school_name", "学校名称"}},
    {"start_date", {"start_date", "开始日期"}},
    {"end_date", {"end_date", "结束日期"}},
    {"locality", {"locality", "地域"}},
    {"weak", {"weak", "薄弱学校"}},
    {"term_exchange", {"term_exchange", "期限交流"}},
    {"section", {"section", "类别"}},
    {"key", {"key", "项目"}},
    {"count", {"count", "人数"}},
    {"scope", {"scope", "范围"}},
    {"quota", {"quota", "比例要求"}},
    {"required", {"required", "应达"}},
    {"achieved", {"achieved", "实际"}},
    {"holds", {"holds", "达标"}},
    {"subject", {"subject", "学科"}},
    {"stage", {"stage", "学段"}},
    {"own", {"own", "本校承担"}},
    {"itinerant", {"itinerant", "走教承担"}},
    {"uncovered", {"uncovered", "未覆盖"}},
    {"teachers", {"teachers", "走教教师"}},
    {"half_day", {"half_day", "半天"}},
    {"periods", {"periods", "课时"}},
    {"day", {"day", "星期"}},
    {"morning", {"morning", "上午"}},
    {"afternoon", {"afternoon", "下午"}},
    {"post", {"post", "岗位"}},
    {"seats", {"seats", "名额"}},
    {"hired", {"hired", "录用"}},
    {"cutoff_female", {"cutoff_female", "女性最低分"}},
    {"cutoff_male", {"cutoff_male", "男性最低分"}},
    {"gap", {"gap", "分差"}},
    {"unfilled", {"unfilled", "空缺"}},
    {"gender_rule", {"gender_rule", "性别比例规则"}},
    {"component", {"component", "积分项"}},
    {"rank", {"rank", "志愿序号"}},
    {"verdict", {"verdict", "结论"}},
    {"sentence", {"sentence", "说明"}},
    {"reserved_female", {"reserved_female", "女性预留名额"}},
    {"reserved_male", {"reserved_male", "男性预留名额"}},
    {"reserved_channel", {"reserved_channel", "渠道预留名额"}},
    {"hired_female", {"hired_female", "录用女性"}},
    {"hired_male", {"hired_male", "录用男性"}},
    {"cutoff_gap", {"cutoff_gap", "分差"}},
    {"open_cutoff", {"open_cutoff", "普通岗位最低分"}},
    {"unfilled_reason", {"unfilled_reason", "空缺原因"}},
    {"gender_rule_applies", {"gender_rule_applies", "适用性别比例规则"}},
    {"gender_rule_holds", {"gender_rule_holds", "符合性别比例规则"}},
    {"bundled_rural_school", {"bundled_rural_school", "捆绑乡村学校"}},
    {"change", {"change", "变动"}},
    {"round", {"round", "轮次"}},
};

const CodeEntry kCountKeys[] = {
    {"urban-to-rural", {"urban to rural", "城镇到乡村"}},
    {"strong-to-weak", {"strong to weak school", "优质校到薄弱校"}},
    {"rural-to-urban", {"rural to urban", "乡村到城镇"}},
    {"lateral", {"lateral", "同类学校间"}},
    {"allocated", {"allocated", "调剂"}},
    {"stayed", {"stayed", "留任"}},
    {"unplaced", {"unplaced", "待岗"}},
    {"urban", {"urban", "城区"}},
    {"town", {"town", "镇区"}},
    {"rural", {"rural", "乡村"}},
    {"teaching point", {"teaching point", "教学点"}},
    {"unspecified", {"unspecified", "未指定"}},
};

const CodeEntry kQuotas[] = {
    {"rotation share", {"rotation share", "交流比例"}},
    {"backbone share", {"backbone share", "骨干教师比例"}},
    {"principal rotation", {"principal rotation", "校长交流"}},
    {"gender rule", {"gender rule", "性别比例"}},
};

// Words of rotactl's own labels and sentences.
const CodeEntry kPhrases[] = {
    {"yes", {"yes", "是"}},
    {"NO", {"NO", "否"}},
    {"no", {"no", "否"}},
    {"none", {"none", "无"}},
    {"mandatory", {"mandatory", "指令交流"}},
    {"locked", {"locked", "已锁定"}},
    {"overridden", {"overridden", "人工调整"}},
    {"returns", {"returns", "返回日期"}},
    {"why", {"why", "原因"}},
    {"reason", {"reason", "说明"}},
    {"got choice", {"got choice", "获得志愿"}},
    {"points", {"points", "积分"}},
    {"choices", {"choices", "志愿"}},
    {"note", {"note", "备注"}},
    {"competitor", {"competitor", "竞争者"}},
    {"with", {"with", "积分"}},
    {"points vs", {"points vs", "对比本人"}},
    {"report of", {"report of", "报告"}},
    {"run", {"run", "第几次运行"}},
    {"result hash", {"result hash", "结果哈希"}},
    {"movers by direction", {"movers by direction", "按方向统计的交流人数"}},
    {"movers by locality", {"movers by locality", "按地域统计的交流人数"}},
    {"quotas", {"quotas", "比例要求"}},
    {"rank distribution (choice obtained)",
     {"rank distribution (choice obtained)", "志愿满足情况"}},
    {"unplaced", {"unplaced", "待岗"}},
    {"notes", {"notes", "附注"}},
    {"(no reason given)", {"(no reason given)", "（未说明原因）"}},
    {"history of", {"history of", "履历"}},
    {"service history", {"service history", "任职经历"}},
    {"now", {"now", "至今"}},
    {"weak", {"weak", "薄弱学校"}},
    {"term exchange", {"term exchange", "期限交流"}},
    {"spell", {"spell", "任职段"}},
    {"county", {"county", "全县"}},
    {"post", {"post", "岗位"}},
    {"itinerant teaching (走教)", {"itinerant teaching (走教)", "走教"}},
    {"(more teachers: add --all)",
     {"(more teachers: add --all)", "（还有更多教师：加 --all）"}},
    {"(more placements: add --all)",
     {"(more placements: add --all)", "（还有更多结果：加 --all）"}},
    {"run etag", {"run etag", "运行标识"}},
};

// Abseil's strings functions here take their own string_view, not
// std::string_view: pass them std::string.
std::string S(std::string_view v) { return std::string(v); }

std::string Spaced(std::string_view key) {
  return absl::StrReplaceAll(absl::AsciiStrToUpper(S(key)), {{"_", " "}});
}

template <size_t N>
const CodeEntry* FindCode(const CodeEntry (&table)[N], std::string_view code) {
  for (const CodeEntry& e : table) {
    if (code == e.code) return &e;
  }
  return nullptr;
}

}  // namespace

std::string Pick(const std::string& en, const std::string& zh, Lang lang,
                 Fallback fallback) {
  if (lang != Lang::kZh) return en;
  if (!zh.empty()) return zh;
  return fallback == Fallback::kEnglish ? en : std::string();
}

std::vector<std::string> PickNotes(
    const google::protobuf::RepeatedPtrField<std::string>& notes,
    const google::protobuf::RepeatedPtrField<std::string>& notes_zh,
    Lang lang) {
  std::vector<std::string> out;
  out.reserve(notes.size());
  for (int i = 0; i < notes.size(); ++i) {
    out.push_back(Pick(notes[i], i < notes_zh.size() ? notes_zh[i] : "", lang));
  }
  return out;
}

Lang LangFromLocale(const char* lc_all, const char* lc_messages,
                    const char* lang) {
  for (const char* v : {lc_all, lc_messages, lang}) {
    if (v == nullptr || *v == '\0') continue;
    return std::strncmp(v, "zh", 2) == 0 ? Lang::kZh : Lang::kEn;
  }
  return Lang::kEn;
}

Lang LangFromEnvironment() {
  return LangFromLocale(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"),
                        std::getenv("LANG"));
}

std::string RouteWords(v1::Route route, Lang lang) {
  return Lookup(kRoutes, route, lang, {"route", "路径"});
}

std::string ReasonWords(v1::PlacementReason reason, Lang lang) {
  return Lookup(kReasons, reason, lang, {"reason", "原因"});
}

std::string OutcomeWords(v1::Outcome outcome, Lang lang) {
  return Lookup(kOutcomes, outcome, lang, {"outcome", "结果"});
}

std::string SubjectWords(std::string_view code, Lang lang) {
  if (lang == Lang::kZh) {
    std::string zh = rota::tools::SubjectChineseName(code);
    if (!zh.empty()) return zh;
  }
  return std::string(code);
}

std::string LocalityWords(v1::Locality locality, Lang lang) {
  return Lookup(kLocalities, locality, lang, {"locality", "地域"});
}

std::string TitleWords(v1::Title title, Lang lang) {
  return Lookup(kTitles, title, lang, {"title", "职称"});
}

std::string GenderWords(v1::Gender gender, Lang lang) {
  return Lookup(kGenders, gender, lang, {"gender", "性别"});
}

std::string EmploymentWords(v1::Employment employment, Lang lang) {
  return Lookup(kEmployments, employment, lang, {"employment", "编制"});
}

std::string StageWords(v1::Stage stage, Lang lang) {
  return Lookup(kStages, stage, lang, {"stage", "学段"});
}

std::string RoleWords(v1::Role role, Lang lang) {
  return Lookup(kRoles, role, lang, {"role", "职务"});
}

std::string RoundKindWords(v1::RoundKind kind, Lang lang) {
  return Lookup(kRoundKinds, kind, lang, {"kind", "类型"});
}

std::string RoundStateWords(v1::RoundState state, Lang lang) {
  return Lookup(kRoundStates, state, lang, {"state", "状态"});
}

std::string SeatWords(v1::RecruitmentSeat seat, Lang lang) {
  return Lookup(kSeats, seat, lang, {"seat", "岗位类型"});
}

std::string ChannelWords(v1::RecruitmentChannel channel, Lang lang) {
  return Lookup(kChannels, channel, lang, {"channel", "渠道"});
}

std::string VerdictWords(std::string_view verdict, Lang lang) {
  if (const CodeEntry* e = FindCode(kVerdicts, verdict)) {
    return Pick(e->words, lang);
  }
  return absl::StrReplaceAll(absl::AsciiStrToLower(S(verdict)), {{"_", " "}});
}

std::string CoverageReasonWords(std::string_view reason, Lang lang) {
  if (reason.empty()) return "";
  if (const CodeEntry* e = FindCode(kCoverageReasons, reason)) {
    return Pick(e->words, lang);
  }
  return absl::StrReplaceAll(absl::AsciiStrToLower(S(reason)), {{"_", " "}});
}

std::string CountKeyWords(std::string_view key, Lang lang) {
  if (const CodeEntry* e = FindCode(kCountKeys, key)) {
    return Pick(e->words, lang);
  }
  if (absl::StartsWith(S(key), "choice ")) {
    return lang == Lang::kZh ? absl::StrCat("第 ", S(key.substr(7)), " 志愿")
                             : std::string(key);
  }
  if (const size_t arrow = key.find("->"); arrow != std::string_view::npos) {
    return absl::StrCat(CountKeyWords(key.substr(0, arrow), lang), " → ",
                        CountKeyWords(key.substr(arrow + 2), lang));
  }
  return std::string(key);
}

std::string QuotaWords(std::string_view quota, Lang lang) {
  constexpr std::string_view kAtPost = " at post ";
  std::string_view post;
  if (const size_t at = quota.find(kAtPost); at != std::string_view::npos) {
    post = quota.substr(at + kAtPost.size());
    quota = quota.substr(0, at);
  }
  const CodeEntry* e = FindCode(kQuotas, quota);
  std::string out = e == nullptr ? std::string(quota) : Pick(e->words, lang);
  if (!post.empty()) {
    absl::StrAppend(&out, lang == Lang::kZh ? "（岗位 " : S(kAtPost), S(post),
                    lang == Lang::kZh ? "）" : "");
  }
  return out;
}

std::string Header(std::string_view key, Lang lang, HeaderStyle style) {
  const CodeEntry* e = FindCode(kHeaders, key);
  if (e != nullptr && lang == Lang::kZh) return e->words.zh;
  return style == HeaderStyle::kTable ? Spaced(key) : std::string(key);
}

std::vector<std::string> Headers(const std::vector<std::string>& keys,
                                 Lang lang, HeaderStyle style) {
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (const std::string& k : keys) out.push_back(Header(k, lang, style));
  return out;
}

std::string Say(std::string_view english, Lang lang) {
  const CodeEntry* e = FindCode(kPhrases, english);
  if (e == nullptr) return std::string(english);
  return Pick(e->words, lang);
}

std::string Labeled(std::string_view display_name, std::string_view name) {
  const size_t slash = name.rfind('/');
  const std::string_view id =
      slash == std::string_view::npos ? name : name.substr(slash + 1);
  if (display_name.empty()) return id.empty() ? "-" : std::string(id);
  if (id.empty()) return std::string(display_name);
  return absl::StrCat(S(display_name), " (", S(id), ")");
}

std::string PlaceLabel(std::string_view school_name, std::string_view school,
                       std::string_view post) {
  auto id = [](std::string_view name) {
    const size_t slash = name.rfind('/');
    return slash == std::string_view::npos ? name : name.substr(slash + 1);
  };
  std::string ids(id(school));
  if (!post.empty()) absl::StrAppend(&ids, "/", S(id(post)));
  if (ids.empty()) return "-";
  return school_name.empty() ? ids
                             : absl::StrCat(S(school_name), " (", ids, ")");
}

std::string PlacementSentence(const v1::Placement& p, Lang lang) {
  const bool zh = lang == Lang::kZh;
  const Pronouns pr = PronounsOf(p.teacher_gender(), lang);
  const std::string who = Labeled(p.teacher_name(), p.teacher());
  const std::string from =
      PlaceLabel(p.from_school_name(), p.from_school(), p.from_post());
  const std::string to =
      PlaceLabel(p.to_school_name(), p.to_school(), p.to_post());
  const std::string choice = p.choice() <= 0 ? ""
                             : zh ? absl::StrCat("（第 ", p.choice(), " 志愿）")
                                  : absl::StrCat(" (choice ", p.choice(), ")");
  std::string out = absl::StrCat(
      who, zh ? " " : " ", OutcomeWords(p.outcome(), lang), zh ? "：" : ": ");
  // He/She with a capital in English.
  std::string subject = pr.subject;
  if (!zh && !subject.empty()) subject[0] = absl::ascii_toupper(subject[0]);
  switch (p.outcome()) {
    case v1::MOVED:
    case v1::DOWN_HIRED:
    case v1::UP_HIRED:
      absl::StrAppend(
          &out, zh ? absl::StrCat(pr.subject, "从 ", from, " 调往 ", to, choice)
                   : absl::StrCat(pr.subject, " goes from ", from, " to ", to,
                                  choice));
      break;
    case v1::RECRUITED:
      absl::StrAppend(
          &out, zh ? absl::StrCat(pr.subject, "被 ", to, " 录用", choice)
                   : absl::StrCat(pr.subject, " is hired at ", to, choice));
      break;
    case v1::NOT_RECRUITED:
      absl::StrAppend(&out, zh ? absl::StrCat(pr.subject, "未被任何岗位录用")
                               : absl::StrCat(pr.subject, " takes no seat"));
      break;
    case v1::UNPLACED:
      absl::StrAppend(
          &out, zh ? absl::StrCat(pr.subject, "原在 ", from, "，本轮未能上岗")
                   : absl::StrCat(pr.subject, " was at ", from,
                                  " and holds no post now"));
      break;
    case v1::ITINERANT:
      absl::StrAppend(
          &out,
          zh ? absl::StrCat(pr.subject, "仍在 ", from, "，另到其他学校授课")
             : absl::StrCat(pr.subject, " stays at ", from,
                            " and teaches periods at other schools"));
      break;
    default:  // stays, exempt, inspector
      absl::StrAppend(&out, zh ? absl::StrCat(pr.subject, "留在 ", from)
                               : absl::StrCat(pr.subject, " stays at ", from));
      break;
  }
  if (p.route() != v1::ROUTE_NONE) {
    absl::StrAppend(&out, zh ? "，方式：" : " by ",
                    RouteWords(p.route(), lang));
  }
  if (const std::string why = ReasonWords(p.reason_code(), lang);
      !why.empty()) {
    absl::StrAppend(&out, zh ? "；原因：" : "; why: ", why);
  }
  absl::StrAppend(&out, zh ? "。" : ".");
  if (p.locked()) {
    absl::StrAppend(&out,
                    zh ? "该安排已人工锁定。" : " The placement is locked.");
  }
  if (p.overridden()) {
    absl::StrAppend(
        &out, zh ? absl::StrCat("该安排经人工调整：", p.override_reason(), "。")
                 : absl::StrCat(
                       " An administrator set it: ", p.override_reason(), "."));
  }
  if (!p.return_date().empty()) {
    absl::StrAppend(
        &out,
        zh ? absl::StrCat(pr.subject, "将于 ", p.return_date(), " 返回原单位。")
           : absl::StrCat(" ", subject, " returns on ", p.return_date(), "."));
  }
  return out;
}

Pronouns PronounsOf(v1::Gender gender, Lang lang) {
  if (lang == Lang::kZh) {
    switch (gender) {
      case v1::MALE:
        return {"他", "他的", "他"};
      case v1::FEMALE:
        return {"她", "她的", "她"};
      default:
        return {"该教师", "该教师的", "该教师"};
    }
  }
  switch (gender) {
    case v1::MALE:
      return {"he", "his", "him"};
    case v1::FEMALE:
      return {"she", "her", "her"};
    default:
      return {"the teacher", "the teacher's", "the teacher"};
  }
}

}  // namespace rota::rotactl
