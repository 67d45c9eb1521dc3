// rotactl audit export ROUND DIR: writes what anyone needs to replay the
// round offline with rota-replay (docs/replay-format.md): the frozen inputs
// (frozen.binpb), the run (run.binpb: its parameters, locks and overrides,
// placements and result hash), the round's chain segment (chain.binpb: every
// event of the round, with the commit's teacher records, as ListEvents
// returns them with their hashes) and a manifest.txt for people.
#include "tools/rotactl/audit_export.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "rota/v1/round_events.pb.h"
#include "tools/rotactl/output.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;

constexpr char kRoundPrefix[] = "rota.v1.Round";
constexpr char kApplicationsType[] = "rota.v1.ApplicationsSubmitted";
constexpr char kAdjustedType[] = "rota.v1.PlacementAdjusted";
constexpr char kFrozenType[] = "rota.v1.RoundFrozen";
constexpr char kRunType[] = "rota.v1.RoundRun";
constexpr char kCommittedType[] = "rota.v1.RoundCommitted";
constexpr char kTeacherType[] = "rota.v1.Teacher";

// Every round event carries the round as field 1 (round_events.proto):
// RoundCreated, which has only that field, reads it from any of them.
bool IsRoundEvent(const std::string& type) {
  return type.rfind(kRoundPrefix, 0) == 0 || type == kApplicationsType ||
         type == kAdjustedType;
}

bool WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

}  // namespace

int ExportRound(Context* ctx, const std::string& round, const std::string& dir,
                int run) {
  const std::string county = round.substr(0, round.find("/rounds/"));
  v1::ListEventsRequest req;
  req.set_county(county);
  req.set_page_size(1000);
  v1::ListEventsResponse segment;
  std::string frozen, committed_time, committed_request;
  int committed_run = 0;
  std::map<int, std::string> runs;  // run number -> RoundRun payload
  while (true) {
    v1::ListEventsResponse page;
    auto call = ctx->NewCall(10.0);
    const grpc::Status s = ctx->Audit().ListEvents(call.get(), req, &page);
    if (!s.ok()) return ReportRpcError(s, "audit export");
    for (v1::Event& e : *page.mutable_events()) {
      bool ours = false;
      if (IsRoundEvent(e.type())) {
        v1::RoundCreated r;
        ours = r.ParseFromString(e.payload()) && r.round().name() == round;
      } else if (e.type() == kTeacherType && !committed_time.empty()) {
        // The commit's teacher records: same batch (time and request id).
        ours =
            e.time() == committed_time && e.request_id() == committed_request;
      }
      if (e.type() != kTeacherType) committed_time.clear();
      if (!ours) continue;
      if (e.type() == kFrozenType) frozen = e.payload();
      if (e.type() == kRunType) {
        v1::RoundRun r;
        if (r.ParseFromString(e.payload()))
          runs[r.summary().run()] = e.payload();
      }
      if (e.type() == kCommittedType) {
        v1::RoundCommitted c;
        if (c.ParseFromString(e.payload())) committed_run = c.run();
        committed_time = e.time();
        committed_request = e.request_id();
      }
      *segment.add_events() = std::move(e);
    }
    if (page.next_page_token().empty()) break;
    req.set_page_token(page.next_page_token());
  }
  if (segment.events_size() == 0) {
    std::fprintf(stderr, "rotactl: audit export: no events of %s\n",
                 round.c_str());
    return kExitFailed;
  }
  if (frozen.empty()) {
    std::fprintf(stderr,
                 "rotactl: audit export: %s was never frozen: nothing to "
                 "replay\n",
                 round.c_str());
    return kExitFailed;
  }
  if (run == 0) {
    // The committed run (a commit takes the latest run), else the latest.
    run = committed_run != 0 ? committed_run
          : runs.empty()     ? 0
                             : runs.rbegin()->first;
  }
  auto found = runs.find(run);
  if (found == runs.end()) {
    if (run == 0) {
      std::fprintf(stderr, "rotactl: audit export: %s has no run\n",
                   round.c_str());
    } else {
      std::fprintf(stderr, "rotactl: audit export: %s has no run %d\n",
                   round.c_str(), run);
    }
    return kExitFailed;
  }
  const std::string& run_payload = found->second;
  v1::RoundRun recorded;
  recorded.ParseFromString(run_payload);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string manifest = absl::StrCat(
      "format: rota-replay 1\n", "round: ", round, "\n", "run: ", run, "\n",
      "result_hash: ", recorded.summary().result_hash(), "\n",
      "outcome_encoding: ", recorded.summary().outcome_encoding(), "\n",
      "events: ", segment.events_size(), "\n",
      "first_sequence: ", segment.events(0).sequence(), "\n",
      "last_sequence: ", segment.events(segment.events_size() - 1).sequence(),
      "\n", "last_hash: ", segment.events(segment.events_size() - 1).hash(),
      "\n");
  if (ec || !WriteFile(dir + "/frozen.binpb", frozen) ||
      !WriteFile(dir + "/run.binpb", run_payload) ||
      !WriteFile(dir + "/chain.binpb", segment.SerializeAsString()) ||
      !WriteFile(dir + "/manifest.txt", manifest)) {
    std::fprintf(stderr, "rotactl: audit export: cannot write to %s\n",
                 dir.c_str());
    return kExitFailed;
  }
  std::printf(
      "exported %s run %d to %s: %d events (sequences %lld..%lld), result "
      "%s\n",
      round.c_str(), run, dir.c_str(), segment.events_size(),
      static_cast<long long>(segment.events(0).sequence()),
      static_cast<long long>(
          segment.events(segment.events_size() - 1).sequence()),
      recorded.summary().result_hash().c_str());
  std::printf("replay offline: rota-replay %s\n", dir.c_str());
  return kExitOk;
}

}  // namespace rota::rotactl
