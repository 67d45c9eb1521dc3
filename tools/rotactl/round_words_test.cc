// Every code has plain words in English and in Chinese, never its enum name;
// the language follows --lang or the locale.
#include "tools/rotactl/round_words.h"

#include <regex>
#include <string>

#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;

// Capitals joined by underscores: what an enum name looks like.
bool LooksLikeEnumName(const std::string& s) {
  return std::regex_search(s, std::regex("[A-Z]+_[A-Z_]+"));
}

bool HasChinese(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0xE4 && c <= 0xE9) return true;  // lead bytes of U+4E00..U+9FFF
  }
  return false;
}

// Runs `words` over every value of `d` (but `skip`): non-empty, no enum
// name, Chinese in zh, no Chinese in en.
template <typename Enum, typename F>
void ExpectEveryValue(const google::protobuf::EnumDescriptor* d, F words,
                      int skip = -1) {
  for (int i = 0; i < d->value_count(); ++i) {
    const auto* v = d->value(i);
    if (v->number() == skip || v->number() == 0) continue;
    const std::string en = words(static_cast<Enum>(v->number()), Lang::kEn);
    const std::string zh = words(static_cast<Enum>(v->number()), Lang::kZh);
    EXPECT_FALSE(en.empty()) << v->full_name();
    EXPECT_EQ(en.find(v->name()), std::string::npos) << en;
    EXPECT_FALSE(LooksLikeEnumName(en)) << en;
    EXPECT_FALSE(LooksLikeEnumName(zh)) << zh;
    EXPECT_TRUE(HasChinese(zh)) << v->full_name() << ": " << zh;
    EXPECT_FALSE(HasChinese(en)) << v->full_name() << ": " << en;
  }
}

TEST(RoundWordsTest, EveryRouteHasWords) {
  ExpectEveryValue<v1::Route>(v1::Route_descriptor(), RouteWords,
                              /*skip=*/-1);
  EXPECT_EQ(RouteWords(v1::ROUTE_NONE, Lang::kEn), "no move");
  EXPECT_EQ(RouteWords(v1::ROUTE_NONE, Lang::kZh), "未调动");
  EXPECT_EQ(RouteWords(v1::ROUTE_COUNTY_ALLOCATION, Lang::kEn),
            "county allocation");
  EXPECT_EQ(RouteWords(v1::ROUTE_COUNTY_ALLOCATION, Lang::kZh), "县内调剂");
  EXPECT_EQ(RouteWords(static_cast<v1::Route>(99), Lang::kEn), "route 99");
  EXPECT_EQ(RouteWords(static_cast<v1::Route>(99), Lang::kZh), "路径 99");
}

TEST(RoundWordsTest, EveryReasonHasWords) {
  ExpectEveryValue<v1::PlacementReason>(v1::PlacementReason_descriptor(),
                                        ReasonWords);
  EXPECT_EQ(ReasonWords(v1::REASON_UNSPECIFIED, Lang::kEn), "");
  EXPECT_EQ(ReasonWords(v1::REASON_UNSPECIFIED, Lang::kZh), "");
  EXPECT_EQ(ReasonWords(v1::REASON_INTERVIEW_FAILED, Lang::kEn),
            "did not pass the interview");
  EXPECT_EQ(ReasonWords(v1::REASON_INTERVIEW_FAILED, Lang::kZh), "面试未通过");
}

TEST(RoundWordsTest, EveryEnumOfPeopleAndRoundsHasWords) {
  ExpectEveryValue<v1::Outcome>(v1::Outcome_descriptor(), OutcomeWords);
  ExpectEveryValue<v1::Locality>(v1::Locality_descriptor(), LocalityWords);
  ExpectEveryValue<v1::Title>(v1::Title_descriptor(), TitleWords);
  ExpectEveryValue<v1::Gender>(v1::Gender_descriptor(), GenderWords);
  ExpectEveryValue<v1::Employment>(v1::Employment_descriptor(),
                                   EmploymentWords);
  ExpectEveryValue<v1::Stage>(v1::Stage_descriptor(), StageWords);
  ExpectEveryValue<v1::Role>(v1::Role_descriptor(), RoleWords);
  ExpectEveryValue<v1::RoundKind>(v1::RoundKind_descriptor(), RoundKindWords);
  ExpectEveryValue<v1::RoundState>(v1::RoundState_descriptor(),
                                   RoundStateWords);
  ExpectEveryValue<v1::RecruitmentSeat>(v1::RecruitmentSeat_descriptor(),
                                        SeatWords);
  ExpectEveryValue<v1::RecruitmentChannel>(v1::RecruitmentChannel_descriptor(),
                                           ChannelWords);
  EXPECT_EQ(TitleWords(v1::INTERMEDIATE_TITLE, Lang::kZh), "中级");
  EXPECT_EQ(LocalityWords(v1::RURAL, Lang::kZh), "乡村");
  EXPECT_EQ(GenderWords(v1::MALE, Lang::kZh), "男");
  EXPECT_EQ(GenderWords(v1::FEMALE, Lang::kZh), "女");
  EXPECT_EQ(EmploymentWords(v1::NON_ESTABLISHED, Lang::kZh), "编外");
  EXPECT_EQ(OutcomeWords(v1::MOVED, Lang::kZh), "调动");
  EXPECT_EQ(LocalityWords(v1::LOCALITY_UNSPECIFIED, Lang::kEn), "-");
}

TEST(RoundWordsTest, StringCodesHaveWords) {
  for (const char* v :
       {"GOT", "BETTER_CHOICE_HELD", "FULL", "NOT_QUALIFIED", "RESERVED",
        "EXEMPT", "QUOTA", "DIRECTION", "NOT_REACHED"}) {
    EXPECT_FALSE(LooksLikeEnumName(VerdictWords(v, Lang::kEn))) << v;
    EXPECT_TRUE(HasChinese(VerdictWords(v, Lang::kZh))) << v;
  }
  EXPECT_EQ(VerdictWords("SOMETHING_NEW", Lang::kZh), "something new");
  for (const char* r : {"NO_QUALIFIED_TEACHER", "TRAVEL_CAP", "PERIOD_CAP",
                        "HALF_DAY_CLASH", "SCHOOL_CAP", "EXCLUDED"}) {
    EXPECT_TRUE(HasChinese(CoverageReasonWords(r, Lang::kZh))) << r;
    EXPECT_FALSE(LooksLikeEnumName(CoverageReasonWords(r, Lang::kEn))) << r;
  }
  EXPECT_EQ(CountKeyWords("urban->rural", Lang::kZh), "城区 → 乡村");
  EXPECT_EQ(CountKeyWords("choice 2", Lang::kZh), "第 2 志愿");
  EXPECT_EQ(CountKeyWords("choice 2", Lang::kEn), "choice 2");
  EXPECT_EQ(QuotaWords("gender rule at post p1", Lang::kZh),
            "性别比例（岗位 p1）");
  EXPECT_EQ(QuotaWords("rotation share", Lang::kEn), "rotation share");
}

TEST(RoundWordsTest, HeadersInEachLanguageAndStyle) {
  EXPECT_EQ(Header("from_school", Lang::kEn, HeaderStyle::kTable),
            "FROM SCHOOL");
  EXPECT_EQ(Header("from_school", Lang::kEn, HeaderStyle::kCsv), "from_school");
  EXPECT_EQ(Header("from_school", Lang::kZh, HeaderStyle::kCsv), "原学校");
  EXPECT_EQ(Header("teacher", Lang::kZh, HeaderStyle::kTable), "教师");
  EXPECT_EQ(Header("no_such_column", Lang::kZh, HeaderStyle::kTable),
            "NO SUCH COLUMN");
  EXPECT_EQ(Say("yes", Lang::kZh), "是");
  EXPECT_EQ(Say("not a known phrase", Lang::kZh), "not a known phrase");
}

TEST(RoundWordsTest, LanguageFromTheLocale) {
  EXPECT_EQ(LangFromLocale(nullptr, nullptr, nullptr), Lang::kEn);
  EXPECT_EQ(LangFromLocale(nullptr, nullptr, "zh_CN.UTF-8"), Lang::kZh);
  EXPECT_EQ(LangFromLocale("", "", "zh_TW.UTF-8"), Lang::kZh);
  EXPECT_EQ(LangFromLocale(nullptr, nullptr, "en_US.UTF-8"), Lang::kEn);
  EXPECT_EQ(LangFromLocale(nullptr, nullptr, "C.UTF-8"), Lang::kEn);
  // The first one set decides.
  EXPECT_EQ(LangFromLocale("C", nullptr, "zh_CN.UTF-8"), Lang::kEn);
  EXPECT_EQ(LangFromLocale(nullptr, "zh_CN.UTF-8", "en_US.UTF-8"), Lang::kZh);
}

TEST(RoundWordsTest, NamesBesideIds) {
  EXPECT_EQ(Labeled("王芳", "counties/y/teachers/t1"), "王芳 (t1)");
  EXPECT_EQ(Labeled("", "counties/y/teachers/t1"), "t1");
  EXPECT_EQ(Labeled("", ""), "-");
  EXPECT_EQ(
      PlaceLabel("城关小学", "counties/y/schools/s3", "counties/y/posts/p12"),
      "城关小学 (s3/p12)");
  EXPECT_EQ(PlaceLabel("", "counties/y/schools/s3", ""), "s3");
  EXPECT_EQ(PlaceLabel("", "", ""), "-");
}

v1::Placement Moved(v1::Gender gender) {
  v1::Placement p;
  p.set_teacher("counties/y/teachers/t1");
  p.set_teacher_name(gender == v1::MALE ? "李强" : "王芳");
  p.set_teacher_gender(gender);
  p.set_from_school("counties/y/schools/s3");
  p.set_from_school_name("城关小学");
  p.set_to_school("counties/y/schools/s9");
  p.set_to_school_name("青山小学");
  p.set_outcome(v1::MOVED);
  p.set_choice(2);
  p.set_route(v1::ROUTE_COUNTY_ALLOCATION);
  p.set_reason_code(v1::REASON_ALLOCATED);
  return p;
}

TEST(RoundWordsTest, PlacementSentenceUsesTheTeachersOwnPronoun) {
  EXPECT_EQ(PlacementSentence(Moved(v1::FEMALE), Lang::kZh),
            "王芳 (t1) 调动：她从 城关小学 (s3) 调往 青山小学 (s9)（第 2 "
            "志愿），方式：县内调剂；原因：志愿未中，调剂。");
  EXPECT_EQ(PlacementSentence(Moved(v1::MALE), Lang::kZh),
            "李强 (t1) 调动：他从 城关小学 (s3) 调往 青山小学 (s9)（第 2 "
            "志愿），方式：县内调剂；原因：志愿未中，调剂。");
  EXPECT_EQ(PlacementSentence(Moved(v1::MALE), Lang::kEn),
            "李强 (t1) moves: he goes from 城关小学 (s3) to 青山小学 (s9) "
            "(choice 2) by county allocation; why: no listed choice was won, "
            "allocated.");
  v1::Placement unknown = Moved(v1::GENDER_UNSPECIFIED);
  EXPECT_NE(PlacementSentence(unknown, Lang::kZh).find("该教师从"),
            std::string::npos);
  v1::Placement back = Moved(v1::MALE);
  back.set_return_date("2029-08-31");
  EXPECT_NE(PlacementSentence(back, Lang::kEn).find(" He returns on "),
            std::string::npos);
  EXPECT_NE(PlacementSentence(back, Lang::kZh).find("他将于 2029-08-31"),
            std::string::npos);
  EXPECT_EQ(PronounsOf(v1::MALE, Lang::kEn).possessive, std::string("his"));
  EXPECT_EQ(PronounsOf(v1::FEMALE, Lang::kZh).subject, std::string("她"));
}

}  // namespace
}  // namespace rota::rotactl
