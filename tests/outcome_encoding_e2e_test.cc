// End-to-end tests of the recorded outcome encoding against the real rotad
// and rotactl: a run records the canonical encoding its result hash was
// computed with (RunSummary.outcome_encoding) and the engine version; replay
// and explain re-encode with the RECORDED version, so a run stored by a build
// before version 2 (no outcome_encoding field, a version-1 hash; written here
// through the store as that build wrote it, rotad stopped) still replays to
// MATCH and explains, and so does a version-2 run. rotactl shows each
// placement's route and reason in plain words, never enum names.
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "rota/v1/round_events.pb.h"
#include "service/projection.h"
#include "service/round_engine.h"
#include "service/round_projection.h"
#include "service/storage/rocksdb_event_store.h"
#include "tests/cli_runner.h"
#include "tests/rotad_fixture.h"
#include "tests/rounds_e2e_support.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

constexpr char kCounty[] = "yongan";
constexpr char kEffective[] = "2026-09-01";

class OutcomeEncodingE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/outcome_encoding_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
    rota::tools::CountyGenOptions gen;
    gen.seed = 23;
    gen.schools = 10;
    gen.teachers = 200;
    gen.as_of = "2026-08-15";
    ASSERT_OK_AND_ASSIGN(data_, GenerateAndImport(*rotad_, kCounty, gen));
    client_ = std::make_unique<RoundClient>(rotad_->channel());
    // An exchange rotation round, frozen and run once.
    ASSERT_OK_AND_ASSIGN(
        rota::v1::Round round,
        rc().Create(kCounty, rota::v1::EXCHANGE_ROTATION, kEffective));
    round_ = round.name();
    ASSERT_OK(rc().Submit(round_, ExchangeApplications(data_)).status());
    ASSERT_OK(rc().Freeze(round_, 5).status());
    ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::RunRoundProgress> progress,
                         rc().Run(round_));
    ASSERT_FALSE(progress.empty());
    ASSERT_TRUE(progress.back().has_run());
    run_ = progress.back().run();
  }

  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    std::filesystem::remove_all(dir_);
  }

  RoundClient& rc() { return *client_; }

  CliResult Rotactl(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--county", kCounty};
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(ROTA_ROTACTL_PATH, all, dir_,
                  {"ROTA_SERVER=" + rotad_->address()});
  }

  std::string Ok(const std::vector<std::string>& args) {
    const CliResult r = Rotactl(args);
    EXPECT_EQ(r.exit_code, 0)
        << absl::StrJoin(args, " ") << ": " << r.out << r.err;
    return r.out;
  }

  // A teacher the run moved (a route and a reason code to show).
  std::string MovedTeacher() {
    absl::StatusOr<std::vector<rota::v1::Placement>> placements =
        rc().Placements(round_);
    EXPECT_OK(placements);
    if (!placements.ok()) return "";
    for (const rota::v1::Placement& p : *placements) {
      if (p.outcome() == rota::v1::MOVED) return Id(p.teacher());
    }
    ADD_FAILURE() << "nobody moved";
    return "";
  }

  // With rotad stopped: the run's result hash in outcome encoding `version`,
  // recomputed from the round's frozen inputs by the engine, and the run's
  // record rewritten by `forge` and appended as a new RoundRun event (as a
  // build that wrote such records would have). Restarts rotad.
  std::string RecordRunAs(
      int32_t hash_version,
      const std::function<void(const std::string& hash, rota::v1::RoundRun*)>&
          forge) {
    absl::StatusOr<rota::v1::Round> round = rc().Get(round_);
    EXPECT_OK(round);
    if (!round.ok()) return "";
    EXPECT_OK(rotad_->Stop());
    std::string hash;
    {
      auto store =
          storage::RocksDbEventStore::Open({.path = rotad_->data_dir()});
      EXPECT_OK(store);
      if (!store.ok()) return "";
      auto frozen_event = (*store)->ReadRange(
          kCounty, static_cast<uint64_t>(round->frozen_sequence()) + 1, 1);
      EXPECT_OK(frozen_event);
      EXPECT_EQ(frozen_event->size(), 1u);
      rota::v1::RoundFrozen frozen;
      EXPECT_TRUE(frozen.ParseFromString(frozen_event->front().payload));
      auto record_bytes = (*store)->ReadProjection(
          kCounty, service::keys::Report(Id(round_), run_.run()));
      EXPECT_TRUE(record_bytes.ok() && record_bytes->has_value());
      if (!record_bytes.ok() || !record_bytes->has_value()) return "";
      rota::v1::RoundRun record;
      EXPECT_TRUE(record.ParseFromString(**record_bytes));
      std::vector<rota::v1::PlacementAdjusted> adjustments(
          record.adjustments().begin(), record.adjustments().end());
      absl::StatusOr<service::EngineResult> result = service::RunEngine(
          frozen, adjustments, record.summary().parameters(), nullptr,
          service::EngineOutput::kHashOnly, hash_version);
      EXPECT_OK(result);
      if (!result.ok()) return "";
      hash = result->result_hash;
      // The placements are stored under their own keys (rp/...); the event
      // carries them all.
      {
        auto snapshot = (*store)->GetSnapshot(kCounty);
        EXPECT_OK(snapshot);
        std::string after;
        while (true) {
          auto batch = (*snapshot)->Scan(
              service::keys::PlacementPrefix(Id(round_), run_.run()), after,
              1000);
          EXPECT_OK(batch);
          if (!batch.ok() || batch->empty()) break;
          for (const auto& [k, v] : *batch) {
            EXPECT_TRUE(record.add_placements()->ParseFromString(v)) << k;
          }
          after = batch->back().first;
          if (batch->size() < 1000) break;
        }
      }
      forge(hash, &record);
      storage::Event e;
      e.sequence = *(*store)->HeadSequence(kCounty) + 1;
      e.type = service::kRoundRunEvent;
      e.payload = record.SerializeAsString();
      auto snapshot = (*store)->GetSnapshot(kCounty);
      EXPECT_OK(snapshot);
      auto writes = service::ProjectEvent(e, **snapshot);
      EXPECT_OK(writes);
      snapshot->reset();
      EXPECT_OK((*store)
                    ->Append(kCounty, e.sequence - 1,
                             {storage::EventDraft{"older-rotad", "", e.type,
                                                  e.payload}},
                             std::move(*writes))
                    .status());
    }
    EXPECT_OK(rotad_->Restart());
    client_ = std::make_unique<RoundClient>(rotad_->channel());
    return hash;
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
  GeneratedCounty data_;
  std::unique_ptr<RoundClient> client_;
  std::string round_;
  rota::v1::RunSummary run_;
};

// As a build before version 2 wrote a run: no encoding, no engine version,
// no routes or reason codes, and `hash` as its result hash.
void AsRecordedBeforeVersion2(const std::string& hash,
                              rota::v1::RoundRun* record) {
  for (rota::v1::RunSummary* s :
       {record->mutable_summary(), record->mutable_round()->mutable_runs(
                                       record->round().runs_size() - 1)}) {
    s->clear_outcome_encoding();
    s->clear_engine_version();
    s->set_result_hash(hash);
  }
  record->mutable_report()->set_result_hash(hash);
  for (rota::v1::Placement& p : *record->mutable_placements()) {
    p.clear_route();
    p.clear_reason_code();
  }
}

TEST_F(OutcomeEncodingE2eTest, Version2RunRecordsItsEncodingAndReplays) {
  EXPECT_EQ(run_.outcome_encoding(), 2);
  EXPECT_TRUE(absl::StartsWith(run_.engine_version(), "rota-engine "))
      << run_.engine_version();
  ASSERT_OK_AND_ASSIGN(rota::v1::Round round, rc().Get(round_));
  ASSERT_EQ(round.runs_size(), 1);
  EXPECT_EQ(round.runs(0).outcome_encoding(), 2);
  ASSERT_OK_AND_ASSIGN(rota::v1::ReplayRoundResponse replay,
                       rc().Replay(round_));
  EXPECT_TRUE(replay.match()) << replay.first_difference();
  EXPECT_EQ(replay.replay_hash(), run_.result_hash());
  const std::string moved = MovedTeacher();
  ASSERT_OK_AND_ASSIGN(rota::v1::Explanation why, rc().Explain(round_, moved));
  EXPECT_NE(why.placement().route(), rota::v1::ROUTE_NONE);
  EXPECT_NE(why.placement().reason_code(), rota::v1::REASON_UNSPECIFIED);
  EXPECT_EQ(Ok({"audit", "replay", Id(round_)}),
            absl::StrCat("replay MATCH ", run_.result_hash(), "\n"));

  // rotactl: routes and reasons in plain words (English here; Chinese with
  // --lang zh or a Chinese locale, tests/output_zh_e2e_test.cc).
  const std::string table = Ok({"round", "results", Id(round_), "--all"});
  EXPECT_NE(table.find("no move"), std::string::npos) << table;
  const std::string csv =
      Ok({"-o", "csv", "round", "results", Id(round_), "--all"});
  const std::string explained = Ok({"round", "explain", Id(round_), moved});
  EXPECT_NE(explained.find(" by "), std::string::npos) << explained;
  EXPECT_NE(explained.find("; why: "), std::string::npos) << explained;
  for (const std::string& out : {table, csv, explained}) {
    EXPECT_EQ(out.find("ROUTE_"), std::string::npos) << out;
    EXPECT_EQ(out.find("REASON_"), std::string::npos) << out;
  }
}

TEST_F(OutcomeEncodingE2eTest, RunRecordedWithVersion1ReplaysAndExplains) {
  const std::string moved = MovedTeacher();
  const std::string v1_hash = RecordRunAs(1, AsRecordedBeforeVersion2);
  ASSERT_EQ(v1_hash.size(), 64u);
  EXPECT_NE(v1_hash, run_.result_hash());  // the encodings differ
  ASSERT_OK_AND_ASSIGN(rota::v1::Round round, rc().Get(round_));
  EXPECT_EQ(round.runs(0).outcome_encoding(), 0);  // absent: version 1
  EXPECT_EQ(round.runs(0).result_hash(), v1_hash);

  ASSERT_OK_AND_ASSIGN(rota::v1::ReplayRoundResponse replay,
                       rc().Replay(round_));
  EXPECT_TRUE(replay.match()) << replay.first_difference();
  EXPECT_EQ(replay.recorded_hash(), v1_hash);
  EXPECT_EQ(replay.replay_hash(), v1_hash);
  EXPECT_EQ(Ok({"audit", "replay", Id(round_)}),
            absl::StrCat("replay MATCH ", v1_hash, "\n"));
  // Explain recomputes the run and checks it against the recorded hash.
  ASSERT_OK_AND_ASSIGN(rota::v1::Explanation why, rc().Explain(round_, moved));
  EXPECT_EQ(why.placement().outcome(), rota::v1::MOVED);
  EXPECT_FALSE(why.placement().reason().empty());
  const std::string explained = Ok({"round", "explain", Id(round_), moved});
  EXPECT_EQ(explained.find("ROUTE_"), std::string::npos) << explained;
  // The stored placements have no route: rotactl shows their sentence.
  const std::string table = Ok({"round", "results", Id(round_), "--all"});
  EXPECT_EQ(table.find("ROUTE_"), std::string::npos) << table;
  EXPECT_EQ(table.find("REASON_"), std::string::npos) << table;
}

// The version recorded decides, not the server's current one: a run whose
// record names no version but holds a version-2 hash does not match, and
// one naming a version this rotad does not know is refused in words.
TEST_F(OutcomeEncodingE2eTest, TheRecordedVersionDecides) {
  const std::string v2_hash = run_.result_hash();
  const std::string v1_hash =
      RecordRunAs(1, [&](const std::string&, rota::v1::RoundRun* record) {
        AsRecordedBeforeVersion2(v2_hash, record);
      });
  ASSERT_OK_AND_ASSIGN(rota::v1::ReplayRoundResponse replay,
                       rc().Replay(round_));
  EXPECT_FALSE(replay.match());
  EXPECT_EQ(replay.recorded_hash(), v2_hash);
  EXPECT_EQ(replay.replay_hash(), v1_hash);
  EXPECT_FALSE(rc().Explain(round_, MovedTeacher()).ok());

  RecordRunAs(2, [](const std::string& hash, rota::v1::RoundRun* record) {
    record->mutable_summary()->set_outcome_encoding(9);
    record->mutable_summary()->set_result_hash(hash);
  });
  absl::StatusOr<rota::v1::ReplayRoundResponse> unknown = rc().Replay(round_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(unknown.status().message().find("outcome encoding 9"),
            std::string::npos)
      << unknown.status();
}

}  // namespace
}  // namespace rota::testing
