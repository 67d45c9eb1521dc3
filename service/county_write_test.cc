// ParseSkippingFields (reading part of a large stored message), the
// request digest of idempotency records, and the round projectors' two entry
// points (from the bytes, from the message) making the same writes.
#include "service/county_write.h"

#include <gtest/gtest.h>

#include <string>

#include "common/sha256.h"
#include "rota/v1/registry.pb.h"
#include "rota/v1/round_events.pb.h"
#include "rota/v1/rounds.pb.h"
#include "service/round_projection.h"

namespace rota::service {
namespace {

rota::v1::RoundFrozen SampleFrozen() {
  rota::v1::RoundFrozen f;
  f.mutable_round()->set_name(
      "counties/yongan/rounds/2026-exchange-rotation-1");
  f.mutable_policy()->set_school_year(2026);
  for (int i = 0; i < 3; ++i) {
    f.add_schools()->set_name(absl::StrCat("counties/yongan/schools/s", i));
    f.add_posts()->set_name(absl::StrCat("counties/yongan/posts/p", i));
    f.add_teachers()->set_name(absl::StrCat("counties/yongan/teachers/t", i));
    f.add_applications()->set_teacher(
        absl::StrCat("counties/yongan/teachers/t", i));
    auto* e = f.add_eligibility();
    e->set_teacher(absl::StrCat("counties/yongan/teachers/t", i));
    e->set_reason("eligible: 7 years at s0");
  }
  return f;
}

TEST(ParseSkippingFieldsTest, LeavesOutTheSkippedFieldsOnly) {
  const rota::v1::RoundFrozen f = SampleFrozen();
  const std::string bytes = SerializeDeterministic(f);

  rota::v1::RoundFrozen all;
  ASSERT_TRUE(ParseSkippingFields(bytes, {}, &all));
  EXPECT_EQ(SerializeDeterministic(all), bytes);

  rota::v1::RoundFrozen part;
  ASSERT_TRUE(ParseSkippingFields(bytes, {4, 5, 6, 7}, &part));
  EXPECT_EQ(part.round().name(), f.round().name());
  EXPECT_EQ(part.policy().school_year(), 2026);
  EXPECT_EQ(part.schools_size(), 3);
  EXPECT_EQ(part.posts_size(), 0);
  EXPECT_EQ(part.teachers_size(), 0);
  EXPECT_EQ(part.applications_size(), 0);
  EXPECT_EQ(part.eligibility_size(), 0);

  // Kept fields on both sides of a skipped one.
  rota::v1::RoundFrozen gap;
  ASSERT_TRUE(ParseSkippingFields(bytes, {3, 5}, &gap));
  EXPECT_EQ(gap.schools_size(), 0);
  EXPECT_EQ(gap.teachers_size(), 0);
  EXPECT_EQ(gap.posts_size(), 3);
  EXPECT_EQ(gap.applications_size(), 3);
  EXPECT_EQ(gap.eligibility_size(), 3);
  EXPECT_EQ(gap.round().name(), f.round().name());

  // Skipping a field the message does not have changes nothing.
  rota::v1::RoundFrozen same;
  ASSERT_TRUE(ParseSkippingFields(bytes, {12}, &same));
  EXPECT_EQ(SerializeDeterministic(same), bytes);
}

TEST(RequestDigestTest, BindsTheMethodAndIgnoresTheRequestId) {
  rota::v1::FreezeRoundRequest freeze;
  freeze.set_name("counties/yongan/rounds/r1");
  freeze.set_request_id("same-id");
  rota::v1::CommitRoundRequest commit;
  commit.set_name("counties/yongan/rounds/r1");
  commit.set_request_id("same-id");
  // The two requests serialize to the same bytes; the digests still differ.
  ASSERT_EQ(freeze.SerializeAsString(), commit.SerializeAsString());
  EXPECT_NE(RequestDigestOf(freeze), RequestDigestOf(commit));
  rota::v1::FreezeRoundRequest retry = freeze;
  retry.set_request_id("another-id");
  EXPECT_EQ(RequestDigestOf(freeze), RequestDigestOf(retry));
}

// The digest is SHA-256 of the type name, a NUL and the deterministic
// serialization of the request without its request id (stored idempotency
// records hold it, so it must not change), also for a chunk far larger than
// the hashing buffer, and RequestDigestInPlace leaves the request as it was.
TEST(RequestDigestTest, IsTheHashOfTheTypeAndTheDeterministicBytes) {
  rota::v1::BulkImportRequest chunk;
  chunk.set_parent("counties/yongan");
  chunk.set_request_id("import-teachers-abc/7");
  for (int i = 0; i < 2000; ++i) {
    auto* row = chunk.add_teachers();
    row->set_row(i + 2);
    row->mutable_teacher()->set_name(
        absl::StrCat("counties/yongan/teachers/t", i));
    row->mutable_teacher()->set_display_name("王芳");
    row->mutable_teacher()->add_subjects("math");
  }
  rota::v1::BulkImportRequest cleared = chunk;
  cleared.clear_request_id();
  const std::string bytes = SerializeDeterministic(cleared);
  ASSERT_GT(bytes.size(), 64u << 10);
  Sha256Hasher hasher;
  hasher.Update("rota.v1.BulkImportRequest");
  hasher.Update(std::string_view("\0", 1));
  hasher.Update(bytes);
  const Sha256Digest expected = hasher.Finish();
  const std::string want(reinterpret_cast<const char*>(expected.data()),
                         expected.size());
  EXPECT_EQ(RequestDigestOf(chunk), want);
  const std::string before = chunk.SerializeAsString();
  EXPECT_EQ(RequestDigestInPlace(&chunk), want);
  EXPECT_EQ(chunk.SerializeAsString(), before);
}

TEST(ParseSkippingFieldsTest, RejectsMalformedBytes) {
  const std::string bytes = SerializeDeterministic(SampleFrozen());
  rota::v1::RoundFrozen out;
  // Cut inside a length-delimited field.
  EXPECT_FALSE(
      ParseSkippingFields(bytes.substr(0, bytes.size() - 3), {7}, &out));
  // A tag with field number 0.
  EXPECT_FALSE(ParseSkippingFields(std::string("\x00\x01", 2), {7}, &out));
}

TEST(RoundProjectorTest, FromTheMessageEqualsFromTheBytes) {
  rota::v1::RoundFrozen f = SampleFrozen();
  storage::Event frozen_event;
  frozen_event.sequence = 7;
  frozen_event.type = kRoundFrozenEvent;
  frozen_event.payload = SerializeDeterministic(f);

  rota::v1::RoundRun run;
  *run.mutable_round() = f.round();
  run.mutable_summary()->set_run(1);
  run.mutable_summary()->set_result_hash("ab");
  for (int i = 0; i < 3; ++i) {
    auto* p = run.add_placements();
    p->set_teacher(absl::StrCat("counties/yongan/teachers/t", i));
    p->set_reason("stays");
    run.add_explanations()->mutable_placement()->set_teacher(p->teacher());
  }
  run.mutable_report()->add_notes("transfer");
  run.add_adjustments()->set_teacher("counties/yongan/teachers/t1");
  storage::Event run_event;
  run_event.sequence = 8;
  run_event.type = kRoundRunEvent;
  run_event.payload = SerializeDeterministic(run);

  class Empty : public storage::Snapshot {
   public:
    uint64_t head_sequence() const override { return 0; }
    absl::StatusOr<std::optional<std::string>> Get(
        const std::string&) const override {
      return std::optional<std::string>();
    }
    absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Scan(
        const std::string&, const std::string&, size_t) const override {
      return std::vector<std::pair<std::string, std::string>>();
    }
  } empty;

  auto same = [](const std::vector<storage::ProjectionWrite>& a,
                 const std::vector<storage::ProjectionWrite>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].key, b[i].key);
      EXPECT_EQ(a[i].value, b[i].value) << a[i].key;
    }
  };
  auto from_bytes = ProjectRoundEvent(frozen_event, empty);
  ASSERT_TRUE(from_bytes.ok()) << from_bytes.status();
  same(*from_bytes, ProjectRoundFrozen(f));
  from_bytes = ProjectRoundEvent(run_event, empty);
  ASSERT_TRUE(from_bytes.ok()) << from_bytes.status();
  same(*from_bytes, ProjectRoundRun(run));
  // The run record keeps everything but the bulk.
  rota::v1::RoundRun record;
  for (const auto& w : *from_bytes) {
    if (w.key.rfind("rr/", 0) == 0) {
      ASSERT_TRUE(record.ParseFromString(*w.value));
    }
  }
  EXPECT_EQ(record.placements_size(), 0);
  EXPECT_EQ(record.explanations_size(), 0);
  EXPECT_EQ(record.summary().result_hash(), "ab");
  EXPECT_EQ(record.report().notes_size(), 1);
  EXPECT_EQ(record.adjustments_size(), 1);
}

}  // namespace
}  // namespace rota::service
