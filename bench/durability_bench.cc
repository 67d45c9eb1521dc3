// durability_bench: does an acknowledged write survive a crash? Two drivers,
// each keeping a ledger of every acknowledged write and checking it after
// every crash; the report's `lost` must be 0.
//
//   --mode power-cut: RocksDbEventStore in process on a FaultyFileSystem
//     (service/storage/faulty_file_system.h). Writer threads append to four
//     counties; after a random number of acknowledgements the power is cut
//     (every later write and sync fails), the database is closed, and every
//     file is truncated to its last synced length: what a power loss leaves.
//     The store is reopened; every acknowledged event must be there and every
//     chain must verify.
//   --mode kill9: the real rotad (tests/rotad_fixture.h) under writer threads
//     creating schools with request ids; SIGKILL after a random number of
//     acknowledgements, restart on the same directory, and Get every
//     acknowledged school.
//
// Usage: durability_bench --mode kill9 --cycles 1000 [--threads 4] [--seed 1]
// Prints one line per 10 cycles and a final `cycles=N acknowledged=A lost=L`.
// Never run by ctest (bench/run_durability_bench.sh).
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rota/v1/registry.grpc.pb.h"
#include "service/storage/faulty_file_system.h"
#include "service/storage/rocksdb_event_store.h"
#include "tests/rotad_fixture.h"

namespace {

struct Flags {
  std::string mode = "kill9";
  int cycles = 1000;
  int threads = 4;
  uint32_t seed = 1;
};

struct Totals {
  int64_t acknowledged = 0;
  int64_t lost = 0;
};

// Power cut: returns lost events of this cycle; adds acknowledgements.
int64_t PowerCutCycle(const std::string& dir, int threads, std::mt19937& rng,
                      Totals& totals) {
  using rota::storage::RocksDbEventStore;
  auto fs = std::make_shared<rota::storage::FaultyFileSystem>();
  std::map<std::string, uint64_t> acked;  // county -> highest acked sequence
  std::map<std::string, uint64_t> start;  // county -> head before the cycle
  std::mutex mu;
  {
    auto store = RocksDbEventStore::Open({.path = dir, .file_system = fs});
    if (!store.ok()) {
      std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
      std::exit(1);
    }
    const int cut_after = 1 + static_cast<int>(rng() % 200);
    std::atomic<int> count{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t) {
      writers.emplace_back([&, t] {
        const std::string county = absl::StrCat("c", t);
        while (true) {
          auto head = (*store)->HeadSequence(county);
          if (!head.ok()) return;
          {
            std::lock_guard lock(mu);
            start.emplace(county, *head);
          }
          auto r = (*store)->Append(county, *head,
                                    {{.actor = "bench",
                                      .request_id = "",
                                      .type = "t",
                                      .payload = std::string(200, 'x')}},
                                    {rota::storage::ProjectionWrite::Put(
                                        absl::StrCat("k", *head), "v")});
          if (!r.ok()) return;  // the power is off
          {
            std::lock_guard lock(mu);
            acked[county] = r->back().sequence;
          }
          if (count.fetch_add(1) + 1 == cut_after) fs->PowerCut();
        }
      });
    }
    for (auto& w : writers) w.join();
  }
  fs->DropUnsyncedData();
  auto store = RocksDbEventStore::Open({.path = dir});
  if (!store.ok()) {
    std::fprintf(stderr, "reopen after power cut: %s\n",
                 store.status().ToString().c_str());
    std::exit(1);
  }
  int64_t lost = 0;
  for (const auto& [county, seq] : acked) {
    auto chain = (*store)->VerifyChain(county);
    if (!chain.ok() || !chain->ok) {
      std::fprintf(stderr, "county %s: chain broken\n", county.c_str());
      ++lost;
    }
    auto head = (*store)->HeadSequence(county);
    if (head.ok() && *head < seq) lost += static_cast<int64_t>(seq - *head);
  }
  totals.acknowledged += [&] {
    int64_t n = 0;
    for (const auto& [c, s] : acked) n += static_cast<int64_t>(s - start[c]);
    return n;
  }();
  return lost;
}

int64_t Kill9Cycle(rota::testing::RotadProcess& rotad, int cycle, int threads,
                   std::mt19937& rng, std::vector<std::string>& ledger) {
  const int kill_after = 1 + static_cast<int>(rng() % 100);
  const size_t first_new = ledger.size();
  std::atomic<int> count{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&, t] {
      auto stub = rota::v1::RegistryService::NewStub(rotad.NewChannel());
      for (int i = 0; !stop; ++i) {
        const std::string id = absl::StrCat("s", cycle, "-", t, "-", i);
        rota::v1::CreateSchoolRequest req;
        req.set_parent("counties/bench");
        req.set_school_id(id);
        req.set_request_id(id);
        auto& s = *req.mutable_school();
        s.set_display_name(id);
        s.add_stages(rota::v1::PRIMARY);
        s.set_locality(rota::v1::URBAN);
        s.set_headcount(10);
        s.mutable_location()->set_latitude(25.9);
        s.mutable_location()->set_longitude(117.3);
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
        rota::v1::School out;
        if (!stub->CreateSchool(&ctx, req, &out).ok()) return;
        {
          std::lock_guard lock(mu);
          ledger.push_back(id);
        }
        count.fetch_add(1);
      }
    });
  }
  while (count.load() < kill_after) std::this_thread::yield();
  if (!rotad.Kill9().ok()) std::exit(1);
  stop = true;
  for (auto& w : writers) w.join();
  if (!rotad.Restart().ok()) {
    std::fprintf(stderr, "rotad did not restart\n");
    std::exit(1);
  }
  int64_t lost = 0;
  auto stub = rota::v1::RegistryService::NewStub(rotad.NewChannel());
  // This cycle's acknowledgements (earlier ones were checked after their
  // own crash; main checks the whole ledger at the end).
  for (size_t i = first_new; i < ledger.size(); ++i) {
    const std::string& id = ledger[i];
    rota::v1::GetSchoolRequest req;
    req.set_name("counties/bench/schools/" + id);
    grpc::ClientContext ctx;
    rota::v1::School out;
    if (!stub->GetSchool(&ctx, req, &out).ok()) {
      std::fprintf(stderr, "acknowledged school %s lost\n", id.c_str());
      ++lost;
    }
  }
  return lost;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--mode") flags.mode = v;
    if (k == "--cycles") flags.cycles = std::atoi(v.c_str());
    if (k == "--threads") flags.threads = std::atoi(v.c_str());
    if (k == "--seed") flags.seed = static_cast<uint32_t>(std::atoi(v.c_str()));
  }
  std::mt19937 rng(flags.seed);
  Totals totals;
  if (flags.mode == "power-cut") {
    std::string dir =
        absl::StrCat(std::filesystem::temp_directory_path().string(),
                     "/rota_power_cut_", getpid());
    std::filesystem::remove_all(dir);
    for (int c = 1; c <= flags.cycles; ++c) {
      totals.lost += PowerCutCycle(dir, flags.threads, rng, totals);
      if (c % 10 == 0) {
        std::printf("cycle %d acknowledged=%lld lost=%lld\n", c,
                    static_cast<long long>(totals.acknowledged),
                    static_cast<long long>(totals.lost));
        std::fflush(stdout);
      }
    }
    std::filesystem::remove_all(dir);
  } else {
    rota::testing::RotadOptions options;
    options.forward_stderr = false;
    auto rotad = rota::testing::RotadProcess::Start(options);
    if (!rotad.ok()) {
      std::fprintf(stderr, "%s\n", rotad.status().ToString().c_str());
      return 1;
    }
    {
      auto stub = rota::v1::RegistryService::NewStub((*rotad)->NewChannel());
      rota::v1::CreateCountyRequest req;
      req.set_county_id("bench");
      req.mutable_county()->set_display_name("bench");
      grpc::ClientContext ctx;
      rota::v1::County out;
      if (!stub->CreateCounty(&ctx, req, &out).ok()) return 1;
    }
    std::vector<std::string> ledger;
    for (int c = 1; c <= flags.cycles; ++c) {
      totals.lost += Kill9Cycle(**rotad, c, flags.threads, rng, ledger);
      if (c % 10 == 0) {
        std::printf("cycle %d acknowledged=%zu lost=%lld\n", c, ledger.size(),
                    static_cast<long long>(totals.lost));
        std::fflush(stdout);
      }
      if (totals.lost > 0) break;
    }
    totals.acknowledged = static_cast<int64_t>(ledger.size());
    // The whole ledger after the last crash.
    auto stub = rota::v1::RegistryService::NewStub((*rotad)->NewChannel());
    for (const std::string& id : ledger) {
      rota::v1::GetSchoolRequest req;
      req.set_name("counties/bench/schools/" + id);
      grpc::ClientContext ctx;
      rota::v1::School out;
      if (!stub->GetSchool(&ctx, req, &out).ok()) ++totals.lost;
    }
  }
  std::printf("mode=%s cycles=%d acknowledged=%lld lost=%lld\n",
              flags.mode.c_str(), flags.cycles,
              static_cast<long long>(totals.acknowledged),
              static_cast<long long>(totals.lost));
  return totals.lost == 0 ? 0 : 1;
}
