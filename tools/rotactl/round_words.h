// Plain words for people reading rotactl's tables and CSV files (and the HTML
// reports): one table of words per concept, each value in English and in
// Chinese, never a proto enum name. `Lang` picks the language: `--lang`, or
// Chinese when the locale (LC_ALL, LC_MESSAGES, LANG, the first one set)
// starts with "zh".
//
//   RouteWords(v1::ROUTE_COUNTY_ALLOCATION, Lang::kZh)  // "县内调剂"
//   ReasonWords(v1::REASON_NO_FITTING_POST, Lang::kEn)  // "no post in the
//                                                        //  county fits"
//   Header("from", Lang::kZh, HeaderStyle::kTable)       // "原单位"
//   Labeled("王芳", "counties/y/teachers/t1")             // "王芳 (t1)"
//
// JSON output keeps the enum names (it is for programs); these words are for
// the table and CSV formats only.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rota/v1/resources.pb.h"
#include "rota/v1/rounds.pb.h"

namespace rota::rotactl {

enum class Lang { kEn, kZh };

// Chinese when the first of `lc_all`, `lc_messages`, `lang` that is set and
// non-empty starts with "zh"; else English. Null pointers count as unset.
Lang LangFromLocale(const char* lc_all, const char* lc_messages,
                    const char* lang);
// LangFromLocale of this process's environment.
Lang LangFromEnvironment();

// One value's words.
struct Words {
  const char* en;
  const char* zh;
};
inline const char* Pick(const Words& w, Lang lang) {
  return lang == Lang::kZh ? w.zh : w.en;
}

// An engine sentence (reason, note, choice sentence, points component) in
// `lang`: its Chinese twin `zh` when Chinese is asked and the run recorded
// one; otherwise `en`, or "" with Fallback::kNone (places whose Chinese
// output says the same in words from the codes instead).
enum class Fallback { kEnglish, kNone };
std::string Pick(const std::string& en, const std::string& zh, Lang lang,
                 Fallback fallback = Fallback::kEnglish);
// Each of `notes` through Pick beside its twin in `notes_zh` (one per note,
// or none at all for runs recorded before the twins).
std::vector<std::string> PickNotes(
    const google::protobuf::RepeatedPtrField<std::string>& notes,
    const google::protobuf::RepeatedPtrField<std::string>& notes_zh, Lang lang);

// Each returns the words for a value, or for a number this rotactl does not
// know "route N" / "路径 N" (and so on): never the enum name. The zero value
// ("unspecified") reads "-" except where noted.
std::string RouteWords(rota::v1::Route route, Lang lang);
// "" for REASON_UNSPECIFIED (runs recorded before the codes existed).
std::string ReasonWords(rota::v1::PlacementReason reason, Lang lang);
std::string OutcomeWords(rota::v1::Outcome outcome, Lang lang);
std::string LocalityWords(rota::v1::Locality locality, Lang lang);
std::string TitleWords(rota::v1::Title title, Lang lang);
std::string GenderWords(rota::v1::Gender gender, Lang lang);
std::string EmploymentWords(rota::v1::Employment employment, Lang lang);
std::string StageWords(rota::v1::Stage stage, Lang lang);
std::string RoleWords(rota::v1::Role role, Lang lang);
std::string RoundKindWords(rota::v1::RoundKind kind, Lang lang);
std::string RoundStateWords(rota::v1::RoundState state, Lang lang);
// "" when not hired (RECRUITMENT_SEAT_UNSPECIFIED).
std::string SeatWords(rota::v1::RecruitmentSeat seat, Lang lang);
std::string ChannelWords(rota::v1::RecruitmentChannel channel, Lang lang);
// ChoiceExplanation.verdict ("GOT", "FULL", ...); an unknown code reads as
// given in lower case with spaces.
std::string VerdictWords(std::string_view verdict, Lang lang);
// A subject code ("math") in `lang`: its Chinese name ("数学"); the code
// in English or when no Chinese name is known.
std::string SubjectWords(std::string_view code, Lang lang);
// ItinerantCoverage.reason ("NO_QUALIFIED_TEACHER", ...); "" for "".
std::string CoverageReasonWords(std::string_view reason, Lang lang);

// A key of a round report's counts: directions ("urban-to-rural"),
// locality pairs ("urban->rural"), "choice 2", "allocated", "stayed",
// "unplaced"; a quota's name ("rotation share", "gender rule at post p1").
// An unknown key is returned as given.
std::string CountKeyWords(std::string_view key, Lang lang);
std::string QuotaWords(std::string_view quota, Lang lang);

// Column headers. `key` is the snake_case column id ("teacher",
// "from_school"); kTable gives "FROM SCHOOL" (English) and kCsv "from_school"
// (English), both "原单位" in Chinese. A key without words reads as kTable /
// kCsv of the key in both languages.
enum class HeaderStyle { kTable, kCsv };
std::string Header(std::string_view key, Lang lang, HeaderStyle style);
std::vector<std::string> Headers(const std::vector<std::string>& keys,
                                 Lang lang, HeaderStyle style);

// Other words of rotactl's sentences and labels ("yes", "none", "locked",
// ...): `key` is the English; the Chinese if known, else the key itself.
std::string Say(std::string_view english, Lang lang);

// "王芳 (t1)": a display name beside the last segment of a resource name;
// the id alone without a name, "-" without either.
std::string Labeled(std::string_view display_name, std::string_view name);

// The teacher's pronouns from her or his gender: he/his/him, she/her/her,
// 他/他的, 她/她的; unknown gender: "the teacher"/"the teacher's" and "该教师".
struct Pronouns {
  const char* subject;     // he, she, 他, 她
  const char* possessive;  // his, her, 他的, 她的
  const char* object;      // him, her, 他, 她
};
Pronouns PronounsOf(rota::v1::Gender gender, Lang lang);

// "城关小学 (s3/p12)": a school's name beside the ids of the school and post;
// "s3/p12" without a name; "-" without a school.
std::string PlaceLabel(std::string_view school_name, std::string_view school,
                       std::string_view post);

// One sentence on a placement for people, from its codes, names and the
// teacher's gender (他/她, he/she):
//   "王芳 (t1) 调动：她从 城关小学 (s3) 调往 青山小学 (s9)（第 2 志愿），
//    方式：县内调剂；原因：志愿未中，调剂。"
// English: "王芳 (t1) moves: she goes from ... to ... (choice 2) by county
// allocation; why: no listed choice was won, allocated."
std::string PlacementSentence(const rota::v1::Placement& p, Lang lang);

}  // namespace rota::rotactl
