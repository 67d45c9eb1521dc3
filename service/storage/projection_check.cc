#include "service/storage/projection_check.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace rota::storage {
namespace {

bool IsExcluded(std::string_view key, const ProjectionCheckOptions& options) {
  for (const std::string& prefix : options.excluded_prefixes) {
    if (key.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

// The projections rebuilt so far, as the Projector's `state_before`.
class MemorySnapshot final : public Snapshot {
 public:
  MemorySnapshot(const std::map<std::string, std::string>& state,
                 const uint64_t& head)
      : state_(state), head_(head) {}

  uint64_t head_sequence() const override { return head_; }

  absl::StatusOr<std::optional<std::string>> Get(
      const std::string& key) const override {
    auto it = state_.find(key);
    if (it == state_.end()) return std::nullopt;
    return it->second;
  }

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Scan(
      const std::string& prefix, const std::string& start_after,
      size_t limit) const override {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto it = state_.lower_bound(std::max(prefix, start_after));
         it != state_.end() && out.size() < limit; ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      if (!start_after.empty() && it->first <= start_after) continue;
      out.emplace_back(it->first, it->second);
    }
    return out;
  }

 private:
  const std::map<std::string, std::string>& state_;
  const uint64_t& head_;
};

}  // namespace

std::string ProjectionDifference::ToString() const {
  switch (kind) {
    case Kind::kMissing:
      return absl::StrCat("projection \"", key, "\" is missing from the store");
    case Kind::kExtra:
      return absl::StrCat("stored projection \"", key,
                          "\" is not produced by the log");
    case Kind::kDifferent:
      break;
  }
  return absl::StrCat("stored projection \"", key,
                      "\" differs from the value rebuilt from the log");
}

absl::StatusOr<std::map<std::string, std::string>> RebuildProjections(
    const EventStore& store, const std::string& county,
    const Projector& projector, uint64_t up_to_sequence,
    const ProjectionCheckOptions& options) {
  std::map<std::string, std::string> state;
  uint64_t applied = 0;
  MemorySnapshot before(state, applied);
  const size_t batch = std::max<size_t>(options.read_batch, 1);
  while (applied < up_to_sequence) {
    size_t want = static_cast<size_t>(
        std::min<uint64_t>(batch, up_to_sequence - applied));
    ROTA_ASSIGN_OR_RETURN(std::vector<Event> events,
                          store.ReadRange(county, applied + 1, want));
    if (events.empty()) {
      return absl::DataLossError(
          absl::StrCat("county \"", county, "\" has no event ", applied + 1,
                       " (expected up to ", up_to_sequence, ")"));
    }
    for (const Event& event : events) {
      absl::StatusOr<std::vector<ProjectionWrite>> writes =
          projector(event, before);
      if (!writes.ok()) {
        return absl::Status(
            writes.status().code(),
            absl::StrCat("projecting event ", event.sequence, " of county \"",
                         county, "\": ", writes.status().message()));
      }
      for (ProjectionWrite& w : *writes) {
        if (IsExcluded(w.key, options)) {
          return absl::FailedPreconditionError(absl::StrCat(
              "projecting event ", event.sequence, " wrote key \"", w.key,
              "\", whose prefix is excluded from projection checks"));
        }
        if (w.value) {
          state[std::move(w.key)] = *std::move(w.value);
        } else {
          state.erase(w.key);
        }
      }
      applied = event.sequence;
    }
  }
  return state;
}

absl::StatusOr<ProjectionCheckReport> CheckProjections(
    const EventStore& store, const std::string& county,
    const Projector& projector, const ProjectionCheckOptions& options) {
  ROTA_ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snapshot,
                        store.GetSnapshot(county));
  ProjectionCheckReport report;
  report.events_replayed = snapshot->head_sequence();
  ROTA_ASSIGN_OR_RETURN(auto rebuilt,
                        RebuildProjections(store, county, projector,
                                           snapshot->head_sequence(), options));

  auto add = [&](ProjectionDifference d) {
    if (report.differences.size() >= options.max_differences) {
      report.truncated = true;
      return;
    }
    report.differences.push_back(std::move(d));
  };

  // Merge the rebuilt map with the stored keys, both in byte order.
  auto rebuilt_it = rebuilt.begin();
  const size_t batch = std::max<size_t>(options.read_batch, 1);
  std::string start_after;
  while (true) {
    ROTA_ASSIGN_OR_RETURN(auto page, snapshot->Scan("", start_after, batch));
    for (auto& [key, value] : page) {
      if (IsExcluded(key, options)) continue;
      while (rebuilt_it != rebuilt.end() && rebuilt_it->first < key) {
        ++report.keys_compared;
        add({ProjectionDifference::Kind::kMissing, rebuilt_it->first,
             rebuilt_it->second, std::nullopt});
        ++rebuilt_it;
      }
      ++report.keys_compared;
      if (rebuilt_it != rebuilt.end() && rebuilt_it->first == key) {
        if (rebuilt_it->second != value) {
          add({ProjectionDifference::Kind::kDifferent, key, rebuilt_it->second,
               value});
        }
        ++rebuilt_it;
      } else {
        add({ProjectionDifference::Kind::kExtra, key, std::nullopt, value});
      }
    }
    if (page.size() < batch) break;
    start_after = page.back().first;
  }
  for (; rebuilt_it != rebuilt.end(); ++rebuilt_it) {
    ++report.keys_compared;
    add({ProjectionDifference::Kind::kMissing, rebuilt_it->first,
         rebuilt_it->second, std::nullopt});
  }
  return report;
}

}  // namespace rota::storage
