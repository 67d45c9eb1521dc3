#include "service/round_projection.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "rota/v1/policy.pb.h"
#include "rota/v1/round_events.pb.h"

namespace rota::service {

using storage::ProjectionWrite;

namespace keys {
std::string PolicyPrefix(int32_t year) {
  return absl::StrCat("pol/", year, "/");
}
std::string Policy(int32_t year, int64_t version) {
  return absl::StrFormat("pol/%d/%010d", year, version);
}
std::string Round(absl::string_view round) {
  return absl::StrCat(kRoundPrefix, round);
}
std::string ApplicationPrefix(absl::string_view round) {
  return absl::StrCat("ra/", round, "/");
}
std::string Application(absl::string_view round, absl::string_view teacher) {
  return absl::StrCat("ra/", round, "/", teacher);
}
std::string EligibilityPrefix(absl::string_view round) {
  return absl::StrCat("re/", round, "/");
}
std::string Eligibility(absl::string_view round, absl::string_view teacher) {
  return absl::StrCat("re/", round, "/", teacher);
}
std::string PlacementPrefix(absl::string_view round, int32_t run) {
  return absl::StrFormat("rp/%s/%06d/", round, run);
}
std::string Placement(absl::string_view round, int32_t run,
                      absl::string_view teacher) {
  return absl::StrFormat("rp/%s/%06d/%s", round, run, teacher);
}
std::string Explanation(absl::string_view round, int32_t run,
                        absl::string_view teacher) {
  return absl::StrFormat("rx/%s/%06d/%s", round, run, teacher);
}
std::string Report(absl::string_view round, int32_t run) {
  return absl::StrFormat("rr/%s/%06d", round, run);
}
std::string AdjustmentPrefix(absl::string_view round) {
  return absl::StrCat("rl/", round, "/");
}
std::string Adjustment(absl::string_view round, absl::string_view teacher) {
  return absl::StrCat("rl/", round, "/", teacher);
}
}  // namespace keys

std::string IdOfName(absl::string_view name) {
  size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name
                                                      : name.substr(slash + 1));
}

namespace {

absl::Status Corrupt(const storage::Event& e) {
  return absl::DataLossError(absl::StrCat("event ", e.sequence, " (", e.type,
                                          "): payload does not parse"));
}

template <typename Payload>
absl::StatusOr<Payload> Parse(const storage::Event& e) {
  Payload p;
  if (!p.ParseFromString(e.payload)) return Corrupt(e);
  return p;
}

void PutRound(const rota::v1::Round& round, std::vector<ProjectionWrite>& out) {
  out.push_back(ProjectionWrite::Put(keys::Round(IdOfName(round.name())),
                                     round.SerializeAsString()));
}

}  // namespace

absl::StatusOr<std::vector<ProjectionWrite>> ProjectRoundEvent(
    const storage::Event& e, const storage::Snapshot& /*before*/) {
  std::vector<ProjectionWrite> out;
  if (e.type == kPolicyEvent) {
    ROTA_ASSIGN_OR_RETURN(auto p, Parse<rota::v1::Policy>(e));
    out.push_back(ProjectionWrite::Put(
        keys::Policy(p.school_year(), p.version()), e.payload));
  } else if (e.type == kRoundCreatedEvent) {
    ROTA_ASSIGN_OR_RETURN(auto p, Parse<rota::v1::RoundCreated>(e));
    PutRound(p.round(), out);
  } else if (e.type == kApplicationsEvent) {
    ROTA_ASSIGN_OR_RETURN(auto p, Parse<rota::v1::ApplicationsSubmitted>(e));
    std::string round = IdOfName(p.round().name());
    for (const auto& a : p.applications()) {
      out.push_back(
          ProjectionWrite::Put(keys::Application(round, IdOfName(a.teacher())),
                               a.SerializeAsString()));
    }
    PutRound(p.round(), out);
  } else if (e.type == kRoundFrozenEvent) {
    ROTA_ASSIGN_OR_RETURN(auto p, Parse<rota::v1::RoundFrozen>(e));
    return ProjectRoundFrozen(p);
  } else if (e.type == kRoundRunEvent) {
    ROTA_ASSIGN_OR_RETURN(auto p, Parse<rota::v1::RoundRun>(e));
    return ProjectRoundRun(p);
  } else if (e.type == kPlacementAdjustedEvent) {
    ROTA_ASSIGN_OR_RETURN(auto p, Parse<rota::v1::PlacementAdjusted>(e));
    std::string round = IdOfName(p.round().name());
    std::string teacher = IdOfName(p.teacher());
    out.push_back(
        ProjectionWrite::Put(keys::Adjustment(round, teacher), e.payload));
    if (p.run() > 0) {
      out.push_back(
          ProjectionWrite::Put(keys::Placement(round, p.run(), teacher),
                               p.placement().SerializeAsString()));
    }
    PutRound(p.round(), out);
  } else if (e.type == kRoundCommittedEvent) {
    ROTA_ASSIGN_OR_RETURN(auto p, Parse<rota::v1::RoundCommitted>(e));
    PutRound(p.round(), out);
  } else if (e.type == kRoundCancelledEvent) {
    ROTA_ASSIGN_OR_RETURN(auto p, Parse<rota::v1::RoundCancelled>(e));
    PutRound(p.round(), out);
  } else if (e.type == kRoundReversedEvent) {
    ROTA_ASSIGN_OR_RETURN(auto p, Parse<rota::v1::RoundReversed>(e));
    PutRound(p.round(), out);
  }
  return out;
}

std::vector<ProjectionWrite> ProjectRoundFrozen(
    const rota::v1::RoundFrozen& frozen) {
  std::vector<ProjectionWrite> out;
  std::string round = IdOfName(frozen.round().name());
  out.reserve(frozen.eligibility_size() + 1);
  for (const auto& entry : frozen.eligibility()) {
    out.push_back(ProjectionWrite::Put(
        keys::Eligibility(round, IdOfName(entry.teacher())),
        entry.SerializeAsString()));
  }
  PutRound(frozen.round(), out);
  return out;
}

std::vector<ProjectionWrite> ProjectRoundRun(const rota::v1::RoundRun& run) {
  std::vector<ProjectionWrite> out;
  std::string round = IdOfName(run.round().name());
  const int32_t n = run.summary().run();
  out.reserve(run.placements_size() + run.explanations_size() + 2);
  for (const auto& pl : run.placements()) {
    out.push_back(
        ProjectionWrite::Put(keys::Placement(round, n, IdOfName(pl.teacher())),
                             pl.SerializeAsString()));
  }
  for (const auto& x : run.explanations()) {
    out.push_back(ProjectionWrite::Put(
        keys::Explanation(round, n, IdOfName(x.placement().teacher())),
        x.SerializeAsString()));
  }
  // The run record without its bulk: summary, report, adjustments used.
  rota::v1::RoundRun record;
  *record.mutable_round() = run.round();
  *record.mutable_summary() = run.summary();
  *record.mutable_report() = run.report();
  *record.mutable_adjustments() = run.adjustments();
  out.push_back(
      ProjectionWrite::Put(keys::Report(round, n), record.SerializeAsString()));
  PutRound(run.round(), out);
  return out;
}

}  // namespace rota::service
