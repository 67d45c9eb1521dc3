#include "service/storage/projection_check.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "service/storage/internal/test_util.h"
#include "service/storage/rocksdb_event_store.h"
#include "service/storage/rocksdb_keys.h"

namespace rota::storage {
namespace {

using ::rota::storage::testing::TempDir;

// A small projector in the style of the service's: payload "teacher <id>
// <school>" upserts a teacher and maintains the index
// "by_school/<school>/<id>"; "delete <id>" removes both. It reads state_before
// to drop stale index keys.
absl::StatusOr<std::vector<ProjectionWrite>> TestProjector(
    const Event& event, const Snapshot& before) {
  std::vector<std::string> parts = absl::StrSplit(event.payload, ' ');
  std::vector<ProjectionWrite> writes;
  if (parts.size() == 3 && parts[0] == "teacher") {
    ROTA_ASSIGN_OR_RETURN(auto old, before.Get("teacher/" + parts[1]));
    if (old)
      writes.push_back(ProjectionWrite::Delete(
          absl::StrCat("by_school/", *old, "/", parts[1])));
    writes.push_back(ProjectionWrite::Put("teacher/" + parts[1], parts[2]));
    writes.push_back(ProjectionWrite::Put(
        absl::StrCat("by_school/", parts[2], "/", parts[1]), ""));
    return writes;
  }
  if (parts.size() == 2 && parts[0] == "delete") {
    ROTA_ASSIGN_OR_RETURN(auto old, before.Get("teacher/" + parts[1]));
    if (!old) return absl::InvalidArgumentError("no such teacher");
    writes.push_back(ProjectionWrite::Delete("teacher/" + parts[1]));
    writes.push_back(ProjectionWrite::Delete(
        absl::StrCat("by_school/", *old, "/", parts[1])));
    return writes;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("bad payload \"", event.payload, "\""));
}

class ProjectionCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = RocksDbEventStore::Open({.path = dir_.Sub("db")});
    ASSERT_OK(store);
    store_ = *std::move(store);
  }

  // Appends `payload` with the writes the projector computes from the current
  // state, plus `extra` writes (idempotency records, or deliberate damage).
  void Apply(const std::string& county, const std::string& payload,
             std::vector<ProjectionWrite> extra = {}) {
    auto snap = store_->GetSnapshot(county);
    ASSERT_OK(snap);
    Event e;
    e.payload = payload;
    auto writes = TestProjector(e, **snap);
    ASSERT_OK(writes);
    for (auto& w : extra) writes->push_back(std::move(w));
    ASSERT_OK(store_->Append(
        county, (*snap)->head_sequence(),
        {EventDraft{
            .actor = "t", .request_id = "", .type = "x", .payload = payload}},
        *std::move(writes)));
  }

  void BuildCounty() {
    Apply("c", "teacher t1 s1", {ProjectionWrite::Put("_idem/r1", "response")});
    Apply("c", "teacher t2 s1");
    Apply("c", "teacher t3 s2");
    Apply("c", "teacher t1 s2");  // moves t1: index entry must move
    Apply("c", "delete t3");
    Apply("other", "teacher t9 s9");
  }

  TempDir dir_;
  std::unique_ptr<RocksDbEventStore> store_;
};

TEST_F(ProjectionCheckTest, RebuildMatchesStoredProjections) {
  BuildCounty();
  auto rebuilt = RebuildProjections(*store_, "c", TestProjector, 5);
  ASSERT_OK(rebuilt);
  std::map<std::string, std::string> expected = {{"teacher/t1", "s2"},
                                                 {"teacher/t2", "s1"},
                                                 {"by_school/s1/t2", ""},
                                                 {"by_school/s2/t1", ""}};
  EXPECT_EQ(*rebuilt, expected);
  auto report = CheckProjections(*store_, "c", TestProjector);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->differences.front().ToString();
  EXPECT_EQ(report->events_replayed, 5u);
  EXPECT_EQ(report->keys_compared, 4u);  // "_idem/r1" is not compared
  // As of an earlier sequence.
  auto early = RebuildProjections(*store_, "c", TestProjector, 3);
  ASSERT_OK(early);
  EXPECT_EQ(early->at("teacher/t3"), "s2");
}

TEST_F(ProjectionCheckTest, DetectsTamperedProjections) {
  BuildCounty();
  // A buggy write path: an event whose projection writes are wrong.
  Apply("c", "teacher t4 s1",
        {ProjectionWrite::Put("teacher/t2", "s9"),      // different
         ProjectionWrite::Put("stray", "x"),            // extra
         ProjectionWrite::Delete("by_school/s2/t1")});  // missing
  // And a hand edit of the RocksDB directory.
  store_.reset();
  {
    rocksdb::DB* raw = nullptr;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& name : rocksdb_keys::ColumnFamilyNames())
      cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    ASSERT_TRUE(
        rocksdb::DB::Open({}, dir_.Sub("db"), cfs, &handles, &raw).ok());
    ASSERT_TRUE(raw->Put({}, handles[rocksdb_keys::kProjectionsIndex],
                         rocksdb_keys::ProjectionKey("c", "teacher/t4"),
                         "hacked")
                    .ok());
    for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
    delete raw;
  }
  SetUp();

  auto report = CheckProjections(*store_, "c", TestProjector);
  ASSERT_OK(report);
  ASSERT_EQ(report->differences.size(), 4u);
  using Kind = ProjectionDifference::Kind;
  const auto& d = report->differences;  // in key order
  EXPECT_EQ(d[0].key, "by_school/s2/t1");
  EXPECT_EQ(d[0].kind, Kind::kMissing);
  EXPECT_EQ(d[1].key, "stray");
  EXPECT_EQ(d[1].kind, Kind::kExtra);
  EXPECT_EQ(d[2].key, "teacher/t2");
  EXPECT_EQ(d[2].kind, Kind::kDifferent);
  EXPECT_EQ(*d[2].rebuilt, "s1");
  EXPECT_EQ(*d[2].stored, "s9");
  EXPECT_EQ(d[3].key, "teacher/t4");
  EXPECT_EQ(*d[3].stored, "hacked");
  EXPECT_NE(d[0].ToString().find("by_school/s2/t1"), std::string::npos);
  // The other county is untouched.
  EXPECT_TRUE(CheckProjections(*store_, "other", TestProjector)->ok());

  auto truncated =
      CheckProjections(*store_, "c", TestProjector, {.max_differences = 2});
  ASSERT_OK(truncated);
  EXPECT_EQ(truncated->differences.size(), 2u);
  EXPECT_TRUE(truncated->truncated);
}

TEST_F(ProjectionCheckTest, SmallReadBatchesGiveTheSameAnswer) {
  BuildCounty();
  Apply("c", "teacher t5 s3", {ProjectionWrite::Put("zz", "x")});
  auto report =
      CheckProjections(*store_, "c", TestProjector, {.read_batch = 1});
  ASSERT_OK(report);
  ASSERT_EQ(report->differences.size(), 1u);
  EXPECT_EQ(report->differences[0].key, "zz");
  EXPECT_EQ(report->events_replayed, 6u);
}

TEST_F(ProjectionCheckTest, CallerChosenExcludedPrefixes) {
  // A service whose idempotency records live under "r/".
  Apply("c", "teacher t1 s1",
        {ProjectionWrite::Put("r/req-1", "digest+response")});
  auto default_check = CheckProjections(*store_, "c", TestProjector);
  ASSERT_OK(default_check);
  ASSERT_EQ(default_check->differences.size(), 1u);
  EXPECT_EQ(default_check->differences[0].key, "r/req-1");
  EXPECT_EQ(default_check->differences[0].kind,
            ProjectionDifference::Kind::kExtra);
  auto custom = CheckProjections(*store_, "c", TestProjector,
                                 {.excluded_prefixes = {"r/"}});
  ASSERT_OK(custom);
  EXPECT_TRUE(custom->ok());
  EXPECT_EQ(custom->keys_compared, 2u);
}

TEST_F(ProjectionCheckTest, ProjectorErrorsNameTheEvent) {
  BuildCounty();
  ASSERT_OK(store_->Append(
      "c", 5,
      {EventDraft{
          .actor = "t", .request_id = "", .type = "x", .payload = "garbage"}},
      {}));
  auto report = CheckProjections(*store_, "c", TestProjector);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(report.status().message().find("event 6"), std::string::npos)
      << report.status();

  Projector reserved =
      [](const Event&,
         const Snapshot&) -> absl::StatusOr<std::vector<ProjectionWrite>> {
    return std::vector<ProjectionWrite>{ProjectionWrite::Put("_idem/x", "y")};
  };
  EXPECT_EQ(CheckProjections(*store_, "c", reserved).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace rota::storage
