// Every route and reason code has plain words, never its enum name.
#include "tools/rotactl/round_words.h"

#include <string>

#include "gtest/gtest.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;

// No enum name (capitals and underscores) and a Chinese part in brackets.
void ExpectWords(const std::string& words, const std::string& name) {
  EXPECT_FALSE(words.empty()) << name;
  EXPECT_EQ(words.find(name), std::string::npos) << words;
  EXPECT_EQ(words.find('_'), std::string::npos) << words;
  EXPECT_NE(words.find(" ("), std::string::npos) << words;
  EXPECT_EQ(words.back(), ')') << words;
}

TEST(RoundWordsTest, EveryRouteHasWords) {
  const auto* d = v1::Route_descriptor();
  for (int i = 0; i < d->value_count(); ++i) {
    const auto* v = d->value(i);
    ExpectWords(RouteWords(static_cast<v1::Route>(v->number())), v->name());
  }
  EXPECT_EQ(RouteWords(v1::ROUTE_COUNTY_ALLOCATION),
            "county allocation (县内调剂)");
  EXPECT_EQ(RouteWords(static_cast<v1::Route>(99)), "route 99");
}

TEST(RoundWordsTest, EveryReasonHasWords) {
  const auto* d = v1::PlacementReason_descriptor();
  for (int i = 0; i < d->value_count(); ++i) {
    const auto* v = d->value(i);
    if (v->number() == v1::REASON_UNSPECIFIED) continue;
    ExpectWords(ReasonWords(static_cast<v1::PlacementReason>(v->number())),
                v->name());
  }
  EXPECT_EQ(ReasonWords(v1::REASON_UNSPECIFIED), "");
  EXPECT_EQ(ReasonWords(v1::REASON_INTERVIEW_FAILED),
            "did not pass the interview (面试未通过)");
}

}  // namespace
}  // namespace rota::rotactl
