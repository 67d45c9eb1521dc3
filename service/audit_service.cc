#include "service/audit_service.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "service/grpc_status.h"
#include "service/page_token.h"
#include "service/validation.h"

namespace rota::service {
namespace {

constexpr int32_t kDefaultPageSize = 50;
constexpr int32_t kMaxPageSize = 1000;

absl::StatusOr<std::string> CountyOf(const std::string& name) {
  std::optional<std::string> county = ParseCountyName(name);
  if (!county.has_value())
    return InvalidField("county", "must be counties/{county}");
  return *county;
}

}  // namespace

absl::StatusOr<rota::v1::VerifyChainResponse> Audit::VerifyChain(
    const CallContext& call, const rota::v1::VerifyChainRequest& req) {
  ROTA_ASSIGN_OR_RETURN(std::string county, CountyOf(req.county()));
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, county));
  ROTA_ASSIGN_OR_RETURN(uint64_t head, store_->HeadSequence(county));
  if (head == 0) {
    return WithReason(
        absl::NotFoundError(absl::StrCat(req.county(), " has no events")),
        kReasonNotFound);
  }
  ROTA_ASSIGN_OR_RETURN(storage::ChainReport report,
                        store_->VerifyChain(county));
  rota::v1::VerifyChainResponse out;
  out.set_ok(report.ok);
  out.set_events(static_cast<int64_t>(report.events));
  out.set_head_hash(ToHex(report.head_hash));
  out.set_first_broken_sequence(
      static_cast<int64_t>(report.first_broken_sequence));
  out.set_problem(report.problem);
  return out;
}

absl::StatusOr<rota::v1::ListEventsResponse> Audit::ListEvents(
    const CallContext& call, const rota::v1::ListEventsRequest& req) {
  Violations v;
  std::optional<std::string> county = ParseCountyName(req.county());
  if (!county.has_value()) v.Add("county", "must be counties/{county}");
  ValidatePageSize(req.page_size(), v);
  if (req.start_sequence() < 0) v.Add("start_sequence", "must not be negative");
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *county));
  std::string scope = absl::StrCat(req.county(), "#", req.start_sequence());
  ROTA_ASSIGN_OR_RETURN(std::string last,
                        DecodePageToken(req.page_token(), scope, ""));
  uint64_t from = std::max<int64_t>(req.start_sequence(), 1);
  if (!last.empty()) {
    uint64_t last_seq = 0;
    if (!absl::SimpleAtoi(last, &last_seq)) {
      return InvalidField("page_token", "is malformed",
                          kReasonInvalidPageToken);
    }
    from = last_seq + 1;
  }
  size_t limit = req.page_size() == 0 ? kDefaultPageSize
                                      : std::min(req.page_size(), kMaxPageSize);
  ROTA_ASSIGN_OR_RETURN(uint64_t head, store_->HeadSequence(*county));
  if (head == 0) {
    return WithReason(
        absl::NotFoundError(absl::StrCat(req.county(), " has no events")),
        kReasonNotFound);
  }
  rota::v1::ListEventsResponse out;
  if (from > head) return out;
  ROTA_ASSIGN_OR_RETURN(std::vector<storage::Event> events,
                        store_->ReadRange(*county, from, limit));
  for (const auto& e : events) {
    auto* p = out.add_events();
    p->set_sequence(static_cast<int64_t>(e.sequence));
    p->set_time(absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ",
                                 absl::FromUnixMicros(e.time_micros),
                                 absl::UTCTimeZone()));
    p->set_actor(e.actor);
    p->set_request_id(e.request_id);
    p->set_type(e.type);
    p->set_payload(e.payload);
    p->set_previous_hash(ToHex(e.previous_hash));
    p->set_hash(ToHex(e.hash));
  }
  if (!events.empty() && events.back().sequence < head) {
    out.set_next_page_token(
        EncodePageToken(scope, "", absl::StrCat(events.back().sequence)));
  }
  return out;
}

}  // namespace rota::service
