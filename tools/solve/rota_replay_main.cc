// rota-replay: replays a round offline from a directory written by
// `rotactl audit export ROUND DIR` (format: docs/replay-format.md), without
// the server.
//
//   rota-replay DIR
//
// It checks the chain segment (every event's SHA-256 recomputed from its
// contents, and the previous-hash links between consecutive events), that
// frozen.binpb and run.binpb are byte for byte the payloads of the chain's
// RoundFrozen and RoundRun events, then re-runs the round's engine on the
// frozen inputs with the run's parameters, locks and overrides (the same
// conversion and engine rotad's ReplayRound uses, service/round_engine.h) and
// compares the result hash with the recorded one. Prints "MATCH <sha256>" or
// every difference and "MISMATCH".
//
// Exit codes: 0 match; 1 a difference; 2 usage error; 3 a file cannot be
// read or does not parse.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/sha256.h"
#include "rota/v1/audit.pb.h"
#include "rota/v1/round_events.pb.h"
#include "service/round_engine.h"
#include "service/round_projection.h"
#include "service/storage/event.h"

namespace {

constexpr int kExitMismatch = 1;
constexpr int kExitUsage = 2;
constexpr int kExitIo = 3;

namespace v1 = ::rota::v1;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return static_cast<bool>(in) || in.eof();
}

// 64 hex digits -> digest; false if malformed.
bool DigestOf(const std::string& hex, rota::Sha256Digest* out) {
  if (hex.size() != 2 * out->size()) return false;
  for (char c : hex)
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  const std::string bytes = absl::HexStringToBytes(hex);
  for (size_t i = 0; i < out->size(); ++i)
    (*out)[i] = static_cast<uint8_t>(bytes[i]);
  return true;
}

// The stored event behind a listed one; false (with `why`) if a field does
// not parse.
bool ToStoredEvent(const v1::Event& e, rota::storage::Event* out,
                   std::string* why) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, e.time(), &t, &err)) {
    *why = "time \"" + e.time() + "\" does not parse";
    return false;
  }
  out->sequence = static_cast<uint64_t>(e.sequence());
  out->time_micros = absl::ToUnixMicros(t);
  out->actor = e.actor();
  out->request_id = e.request_id();
  out->type = e.type();
  out->payload = e.payload();
  if (!DigestOf(e.previous_hash(), &out->previous_hash) ||
      !DigestOf(e.hash(), &out->hash)) {
    *why = "a hash is not 64 hex digits";
    return false;
  }
  return true;
}

// Checks the segment; appends one line per problem to `problems`.
void CheckChain(const v1::ListEventsResponse& chain,
                std::vector<std::string>* problems) {
  const v1::Event* previous = nullptr;
  for (const v1::Event& e : chain.events()) {
    rota::storage::Event stored;
    std::string why;
    if (!ToStoredEvent(e, &stored, &why)) {
      problems->push_back(
          absl::StrCat("chain: event ", e.sequence(), ": ", why));
    } else if (rota::ToHex(rota::storage::ComputeEventHash(stored)) !=
               e.hash()) {
      problems->push_back(absl::StrCat("chain: event ", e.sequence(), " (",
                                       e.type(),
                                       "): its hash does not match its "
                                       "contents"));
    }
    if (previous != nullptr) {
      if (e.sequence() <= previous->sequence()) {
        problems->push_back(
            absl::StrCat("chain: event ", e.sequence(), " is out of order"));
      } else if (e.sequence() == previous->sequence() + 1 &&
                 e.previous_hash() != previous->hash()) {
        problems->push_back(absl::StrCat("chain: event ", e.sequence(),
                                         " does not link to event ",
                                         previous->sequence()));
      }
    }
    previous = &e;
  }
}

// The chain's event of `type` whose payload is `payload`, or null.
const v1::Event* FindPayload(const v1::ListEventsResponse& chain,
                             const std::string& type,
                             const std::string& payload) {
  for (const v1::Event& e : chain.events())
    if (e.type() == type && e.payload() == payload) return &e;
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "rota-replay: check a round exported by `rotactl audit export ROUND "
      "DIR` (docs/replay-format.md) and re-run its engine offline: prints "
      "MATCH <sha256> or what differs.\n"
      "Exit codes: 0 match, 1 a difference, 2 usage error, 3 file error."};
  std::string dir;
  app.add_option("DIR", dir, "the exported directory")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  std::string chain_bytes, frozen_bytes, run_bytes;
  for (const auto& [file, bytes] : {std::pair{"chain.binpb", &chain_bytes},
                                    std::pair{"frozen.binpb", &frozen_bytes},
                                    std::pair{"run.binpb", &run_bytes}}) {
    if (!ReadFile(dir + "/" + file, bytes)) {
      std::cerr << "rota-replay: cannot read " << dir << "/" << file << "\n";
      return kExitIo;
    }
  }
  v1::ListEventsResponse chain;
  v1::RoundFrozen frozen;
  v1::RoundRun run;
  if (!chain.ParseFromString(chain_bytes)) {
    std::cerr << "rota-replay: chain.binpb does not parse\n";
    return kExitIo;
  }
  if (!frozen.ParseFromString(frozen_bytes)) {
    std::cerr << "rota-replay: frozen.binpb does not parse\n";
    return kExitIo;
  }
  if (!run.ParseFromString(run_bytes)) {
    std::cerr << "rota-replay: run.binpb does not parse\n";
    return kExitIo;
  }

  std::vector<std::string> problems;
  CheckChain(chain, &problems);
  if (FindPayload(chain, rota::service::kRoundFrozenEvent, frozen_bytes) ==
      nullptr) {
    problems.push_back(
        "frozen.binpb is not the payload of the chain's RoundFrozen event");
  }
  if (FindPayload(chain, rota::service::kRoundRunEvent, run_bytes) == nullptr) {
    problems.push_back(
        "run.binpb is not the payload of a RoundRun event of the chain");
  }
  if (problems.empty() && chain.events_size() > 0) {
    std::printf("chain OK: %d events, sequences %lld..%lld\n",
                chain.events_size(),
                static_cast<long long>(chain.events(0).sequence()),
                static_cast<long long>(
                    chain.events(chain.events_size() - 1).sequence()));
  }

  const std::vector<v1::PlacementAdjusted> adjustments(
      run.adjustments().begin(), run.adjustments().end());
  auto replay = [&](rota::service::EngineOutput output) {
    return rota::service::RunEngine(frozen, adjustments,
                                    run.summary().parameters(), nullptr, output,
                                    run.summary().outcome_encoding());
  };
  absl::StatusOr<rota::service::EngineResult> r =
      replay(rota::service::EngineOutput::kHashOnly);
  const std::string& recorded = run.summary().result_hash();
  if (!r.ok()) {
    problems.push_back(
        absl::StrCat("the engine refused the inputs: ", r.status().message()));
  } else if (r->result_hash != recorded) {
    problems.push_back(absl::StrCat("result: recorded ", recorded,
                                    ", replayed ", r->result_hash));
    absl::StatusOr<rota::service::EngineResult> full =
        replay(rota::service::EngineOutput::kFull);
    if (full.ok()) {
      const std::vector<v1::Placement> stored(run.placements().begin(),
                                              run.placements().end());
      problems.push_back(
          "first difference: " +
          rota::service::FirstPlacementDifference(stored, full->placements));
    }
  } else {
    std::printf("round %s run %d: replayed result %s\n",
                run.round().name().c_str(), run.summary().run(),
                r->result_hash.c_str());
  }
  if (problems.empty()) {
    std::printf("MATCH %s\n", recorded.c_str());
    return 0;
  }
  for (const std::string& p : problems) std::printf("%s\n", p.c_str());
  std::printf("MISMATCH (%zu difference%s)\n", problems.size(),
              problems.size() == 1 ? "" : "s");
  return kExitMismatch;
}
