// Crash and tamper tests against the real rotad binary.
//
// KillDuringConcurrentImports: several BulkImport streams run at once, each
// recording the rows whose stream completed OK (acknowledged); rotad is
// SIGKILLed while streams are in flight and restarted on the same directory.
// Every acknowledged row must be there, every chunk that was in flight must be
// all-or-nothing, and every county's chain must verify.
//
// AlteredEventIsReported: with rotad stopped, the test opens the RocksDB
// directory itself (layout in service/storage/rocksdb_keys.h), changes the
// payload of one stored event, restarts rotad, and expects
// AuditService.VerifyChain to name exactly that sequence as first broken.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "service/storage/event.h"
#include "service/storage/rocksdb_keys.h"
#include "tests/registry_test_data.h"
#include "tests/rotad_test_base.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

using grpc::StatusCode;
using rota::v1::RegistryService;

constexpr int kSchools = 5;

class CrashE2eTest : public RotadTest {
 protected:
  void CreateSchools(const std::string& county) {
    for (int s = 0; s < kSchools; ++s) {
      ASSERT_OK(
          CreateSchool(reg(), county, absl::StrCat("s", s), MakeSchool(s)));
    }
  }
};

// What one importer thread sent.
struct ImporterLog {
  std::string county;
  std::vector<std::string> acknowledged;  // rows of streams that finished OK
  std::vector<std::vector<std::string>>
      in_flight;  // chunks of the stream that failed
};

TEST_F(CrashE2eTest, KillDuringConcurrentImportsKeepsEveryAcknowledgedRow) {
  ASSERT_OK(CreateCounty(reg(), "huize"));
  CreateSchools(kCounty);
  CreateSchools("huize");
  constexpr int kThreads = 3;
  constexpr int kChunksPerStream = 2;
  constexpr int kRowsPerChunk = 250;
  constexpr int kAckedRowsBeforeKill = 4000;

  std::vector<ImporterLog> logs(kThreads);
  logs[0].county = kCounty;
  logs[1].county = kCounty;  // two writers share one county's log
  logs[2].county = "huize";
  std::mutex mu;
  std::condition_variable cv;
  int acked_rows = 0;
  int finished_threads = 0;
  std::atomic<bool> stop{false};
  // Stubs on their own channel, created before the kill.
  std::shared_ptr<grpc::Channel> channel = rotad_->NewChannel();

  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      auto stub = rota::v1::RegistryService::NewStub(channel);
      ImporterLog& log = logs[w];
      for (int stream = 0; !stop.load(); ++stream) {
        std::vector<rota::v1::BulkImportRequest> chunks;
        std::vector<std::vector<std::string>> chunk_rows;
        for (int c = 0; c < kChunksPerStream; ++c) {
          std::vector<rota::v1::Teacher> rows;
          chunk_rows.emplace_back();
          for (int r = 0; r < kRowsPerChunk; ++r) {
            const int i = (stream * kChunksPerStream + c) * kRowsPerChunk + r;
            rows.push_back(
                MakeTeacher(log.county, absl::StrCat("s", i % kSchools), i));
            const std::string id =
                absl::StrCat("w", w, "-", stream, "-", c, "-", r);
            rows.back().set_name(TeacherName(log.county, id));
            chunk_rows.back().push_back(id);
          }
          auto chunk = TeacherChunks(log.county, rows, kRowsPerChunk, 1,
                                     absl::StrCat("w", w, "/", stream, "/", c));
          chunks.push_back(chunk[0]);
        }
        rota::v1::BulkImportResponse response;
        grpc::Status status =
            BulkImport(*stub, chunks, &response, absl::Seconds(60));
        std::lock_guard<std::mutex> lock(mu);
        if (status.ok()) {
          EXPECT_EQ(response.rows_applied(), kChunksPerStream * kRowsPerChunk)
              << response.DebugString();
          for (const auto& rows : chunk_rows) {
            log.acknowledged.insert(log.acknowledged.end(), rows.begin(),
                                    rows.end());
          }
          acked_rows += kChunksPerStream * kRowsPerChunk;
          cv.notify_all();
        } else {
          // Not acknowledged: may be applied chunk by chunk, atomically.
          // (Only the kill can end a stream early: a failure before it
          // stops the test below.) How gRPC words a dead peer varies.
          EXPECT_TRUE(status.error_code() == StatusCode::UNAVAILABLE ||
                      status.error_code() == StatusCode::UNKNOWN ||
                      status.error_code() == StatusCode::CANCELLED ||
                      status.error_code() == StatusCode::INTERNAL)
              << Describe(status);
          log.in_flight = chunk_rows;
          break;
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      ++finished_threads;
      cv.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] {
      return acked_rows >= kAckedRowsBeforeKill || finished_threads > 0;
    });
    ASSERT_EQ(finished_threads, 0) << "an importer failed before the kill";
  }
  ASSERT_OK(rotad_->Kill9());
  stop = true;
  for (auto& t : threads) t.join();
  channel.reset();
  ASSERT_OK(rotad_->Restart());

  size_t acknowledged = 0;
  for (const ImporterLog& log : logs) {
    SCOPED_TRACE(log.county);
    ASSERT_OK_AND_ASSIGN(auto present_rows, ListAllTeachers(reg(), log.county));
    std::set<std::string> present;
    for (const auto& t : present_rows) present.insert(t.name());
    // Every acknowledged row is there (Get each).
    for (const std::string& id : log.acknowledged) {
      rota::v1::GetTeacherRequest get;
      get.set_name(TeacherName(log.county, id));
      rota::v1::Teacher teacher;
      grpc::Status status =
          Call(reg(), &RegistryService::Stub::GetTeacher, get, &teacher);
      ASSERT_OK(status) << "acknowledged row " << id << " lost";
      EXPECT_EQ(teacher.name(), get.name());
      EXPECT_EQ(present.count(get.name()), 1u) << id << " missing from List";
    }
    acknowledged += log.acknowledged.size();
    // Chunks in flight at the kill: all or nothing.
    for (const auto& chunk : log.in_flight) {
      size_t applied = 0;
      for (const std::string& id : chunk)
        applied += present.count(TeacherName(log.county, id));
      EXPECT_TRUE(applied == 0 || applied == chunk.size())
          << applied << " of " << chunk.size()
          << " rows of an in-flight chunk survived";
    }
  }
  EXPECT_GE(acknowledged, static_cast<size_t>(kAckedRowsBeforeKill));
  size_t interrupted_streams = 0;
  for (const ImporterLog& log : logs)
    interrupted_streams += !log.in_flight.empty();
  EXPECT_GT(interrupted_streams, 0u) << "no import was in flight at the kill";
  for (const std::string county : {kCounty, "huize"}) {
    ASSERT_OK_AND_ASSIGN(auto chain, VerifyChain(audit(), county));
    EXPECT_TRUE(chain.ok())
        << county << ": broken at " << chain.first_broken_sequence() << ": "
        << chain.problem();
    // One event per county creation, school and teacher row.
    ASSERT_OK_AND_ASSIGN(auto teachers, ListAllTeachers(reg(), county));
    EXPECT_EQ(chain.events(),
              1 + kSchools + static_cast<int64_t>(teachers.size()))
        << county;
  }
  std::printf(
      "acknowledged %zu rows before SIGKILL, %zu streams interrupted; all "
      "acknowledged rows present after restart\n",
      acknowledged, interrupted_streams);
}

// The directory that holds RocksDB's CURRENT file under `data_dir`.
std::string FindRocksDbDir(const std::string& data_dir) {
  if (std::filesystem::exists(std::filesystem::path(data_dir) / "CURRENT"))
    return data_dir;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(data_dir)) {
    if (entry.path().filename() == "CURRENT")
      return entry.path().parent_path().string();
  }
  return "";
}

TEST_F(CrashE2eTest, AlteredEventIsReportedWithItsSequence) {
  ASSERT_OK(CreateSchool(reg(), kCounty, "s0", MakeSchool(0)));
  for (int i = 0; i < 6; ++i) {
    ASSERT_OK(CreateTeacher(reg(), kCounty, absl::StrCat("t", i),
                            MakeTeacher(kCounty, "s0", i)));
  }
  ASSERT_OK_AND_ASSIGN(auto chain, VerifyChain(audit(), kCounty));
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain.events(), 8);
  ASSERT_OK(rotad_->Stop());

  constexpr uint64_t kVictim = 5;
  const std::string db_dir = FindRocksDbDir(rotad_->data_dir());
  ASSERT_FALSE(db_dir.empty())
      << "no RocksDB CURRENT file under " << rotad_->data_dir();
  {
    namespace keys = rota::storage::rocksdb_keys;
    rocksdb::DBOptions options;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const std::string& name : keys::ColumnFamilyNames()) {
      cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options, db_dir, cfs, &handles, &raw);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string record;
    s = db->Get(rocksdb::ReadOptions(), handles[keys::kEventsIndex],
                keys::EventKey(kCounty, kVictim), &record);
    ASSERT_TRUE(s.ok()) << s.ToString();
    absl::StatusOr<rota::storage::Event> event =
        rota::storage::DecodeEventRecord(record);
    ASSERT_OK(event);
    ASSERT_EQ(event->sequence, kVictim);
    rota::v1::Teacher payload;
    ASSERT_TRUE(payload.ParseFromString(event->payload)) << event->type;
    // The forger raises a grade and rewrites the record, keeping the hash.
    payload.set_title(rota::v1::SENIOR_TITLE);
    payload.set_backbone_level(rota::v1::PROVINCE_BACKBONE);
    event->payload = payload.SerializeAsString();
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = db->Put(sync, handles[keys::kEventsIndex],
                keys::EventKey(kCounty, kVictim),
                rota::storage::EncodeEventRecord(*event));
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    s = db->Close();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  ASSERT_OK(rotad_->Restart());
  ASSERT_OK_AND_ASSIGN(chain, VerifyChain(audit(), kCounty));
  EXPECT_FALSE(chain.ok());
  EXPECT_EQ(chain.first_broken_sequence(), static_cast<int64_t>(kVictim))
      << chain.problem();
  EXPECT_FALSE(chain.problem().empty());
}

}  // namespace
}  // namespace rota::testing
