// GCC 12 reports a false -Wrestrict on short std::string assignments at -O3
// (GCC bug 105329).
#pragma GCC diagnostic ignored "-Wrestrict"

#include "service/storage/event.h"

#include <string>

#include "gtest/gtest.h"
#include "service/storage/internal/test_util.h"

namespace rota::storage {
namespace {

Event SampleEvent() {
  Event e;
  e.sequence = 0x0102030405060708ULL;
  e.time_micros = -2;
  e.actor = "hr";
  e.request_id = "";
  e.type = "t";
  e.payload = std::string("p\0q", 3);
  for (size_t i = 0; i < e.previous_hash.size(); ++i)
    e.previous_hash[i] = static_cast<uint8_t>(i);
  e.hash = ComputeEventHash(e);
  return e;
}

TEST(EventTest, CanonicalEncodingMatchesDocumentedLayout) {
  Event e = SampleEvent();
  const unsigned char kExpected[] = {
      0x01,                                            // version
      0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // sequence
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,  // time -2
      0x00, 0x00, 0x00, 0x02, 'h',  'r',               // actor
      0x00, 0x00, 0x00, 0x00,                          // request_id
      0x00, 0x00, 0x00, 0x01, 't',                     // type
      0x00, 0x00, 0x00, 0x03, 'p',  0x00, 'q',         // payload
  };
  std::string expected(reinterpret_cast<const char*>(kExpected),
                       sizeof kExpected);
  for (int i = 0; i < 32; ++i) expected.push_back(static_cast<char>(i));
  EXPECT_EQ(EncodeCanonicalEvent(e), expected);
  EXPECT_EQ(ComputeEventHash(e), Sha256(expected));
  std::string record = expected;
  record.append(reinterpret_cast<const char*>(e.hash.data()), e.hash.size());
  EXPECT_EQ(EncodeEventRecord(e), record);
}

TEST(EventTest, RecordRoundTrips) {
  Event e = SampleEvent();
  absl::StatusOr<Event> back = DecodeEventRecord(EncodeEventRecord(e));
  ASSERT_OK(back);
  EXPECT_EQ(back->sequence, e.sequence);
  EXPECT_EQ(back->time_micros, e.time_micros);
  EXPECT_EQ(back->actor, e.actor);
  EXPECT_EQ(back->request_id, e.request_id);
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->payload, e.payload);
  EXPECT_EQ(back->previous_hash, e.previous_hash);
  EXPECT_EQ(back->hash, e.hash);
}

TEST(EventTest, EveryFieldChangesTheHash) {
  const Event base = SampleEvent();
  const Sha256Digest h = ComputeEventHash(base);
  auto differs = [&](auto mutate) {
    Event e = base;
    mutate(e);
    return ComputeEventHash(e) != h;
  };
  EXPECT_TRUE(differs([](Event& e) { e.sequence++; }));
  EXPECT_TRUE(differs([](Event& e) { e.time_micros++; }));
  EXPECT_TRUE(differs([](Event& e) { e.actor += "x"; }));
  EXPECT_TRUE(differs([](Event& e) { e.request_id += "x"; }));
  EXPECT_TRUE(differs([](Event& e) { e.type += "x"; }));
  EXPECT_TRUE(differs([](Event& e) { e.payload += "x"; }));
  EXPECT_TRUE(differs([](Event& e) { e.previous_hash[31] ^= 1; }));
  // Length prefixes keep field boundaries unambiguous.
  EXPECT_TRUE(differs([](Event& e) {
    e.actor = "h";
    e.request_id = "r";
  }));
  EXPECT_FALSE(differs([](Event& e) { e.hash[0] ^= 1; }));
}

TEST(EventTest, MalformedRecordsAreDataLoss) {
  const std::string record = EncodeEventRecord(SampleEvent());
  for (size_t n = 0; n < record.size(); ++n) {
    absl::StatusOr<Event> e =
        DecodeEventRecord(std::string_view(record).substr(0, n));
    EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss)
        << "prefix of " << n << " bytes";
  }
  EXPECT_EQ(DecodeEventRecord(record + "x").status().code(),
            absl::StatusCode::kDataLoss);
  std::string bad_version = record;
  bad_version[0] = 2;
  EXPECT_EQ(DecodeEventRecord(bad_version).status().code(),
            absl::StatusCode::kDataLoss);
  std::string huge_length = record;
  huge_length[17] = '\x7f';  // actor length 0x7f000002
  EXPECT_EQ(DecodeEventRecord(huge_length).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace rota::storage
