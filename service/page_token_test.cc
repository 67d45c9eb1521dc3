#include "service/page_token.h"

#include <gtest/gtest.h>

#include "service/grpc_status.h"

namespace rota::service {
namespace {

TEST(PageTokenTest, RoundTrip) {
  std::string token =
      EncodePageToken("counties/a", "subject = \"music\"", "t0042");
  absl::StatusOr<std::string> last =
      DecodePageToken(token, "counties/a", "subject = \"music\"");
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, "t0042");
}

TEST(PageTokenTest, EmptyTokenIsTheStart) {
  absl::StatusOr<std::string> last = DecodePageToken("", "counties/a", "");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, "");
}

TEST(PageTokenTest, OtherFilterOrParentIsRejected) {
  std::string token = EncodePageToken("counties/a", "gender = FEMALE", "t1");
  for (auto [scope, filter] : {std::pair{"counties/a", "gender = MALE"},
                               std::pair{"counties/b", "gender = FEMALE"}}) {
    absl::Status s = DecodePageToken(token, scope, filter).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ReasonOf(s), kReasonInvalidPageToken);
    EXPECT_EQ(BadRequestOf(s).field_violations(0).field(), "page_token");
  }
}

TEST(PageTokenTest, MalformedTokensAreRejected) {
  std::string good = EncodePageToken("p", "", "t1");
  std::string flipped = good;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {std::string("!!!"), std::string("abc"),
                                 flipped, good.substr(0, good.size() - 2)}) {
    absl::Status s = DecodePageToken(bad, "p", "").status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ReasonOf(s), kReasonInvalidPageToken) << bad;
  }
}

TEST(PageTokenTest, TokenOfAnotherSecretIsRejected) {
  ASSERT_TRUE(SetPageTokenSecret("first secret of sixteen+ bytes").ok());
  std::string token = EncodePageToken("counties/a", "", "t1");
  ASSERT_TRUE(DecodePageToken(token, "counties/a", "").ok());
  ASSERT_TRUE(SetPageTokenSecret("another secret, also long enough").ok());
  absl::Status s = DecodePageToken(token, "counties/a", "").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(s), kReasonInvalidPageToken);
  EXPECT_FALSE(SetPageTokenSecret("short").ok());
}

}  // namespace
}  // namespace rota::service
