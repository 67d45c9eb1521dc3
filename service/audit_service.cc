#include "service/audit_service.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cancellation.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "rota/v1/registry.pb.h"
#include "rota/v1/round_events.pb.h"
#include "service/grpc_status.h"
#include "service/page_token.h"
#include "service/projection.h"
#include "service/round_projection.h"
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
  ROTA_RETURN_IF_ERROR(CheckCountyAccessIfNamed(call, county));
  if (!county.has_value()) v.Add("county", "must be counties/{county}");
  ValidatePageSize(req.page_size(), v);
  if (req.start_sequence() < 0) v.Add("start_sequence", "must not be negative");
  ROTA_RETURN_IF_ERROR(v.ToStatus());
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

namespace {

std::string EventTime(const storage::Event& e) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ",
                          absl::FromUnixMicros(e.time_micros),
                          absl::UTCTimeZone());
}

// Calls fn(event) for events 1..up_to (0 = head) of `county`, in order.
template <typename Fn>
absl::Status WalkLog(const storage::EventStore& store,
                     const std::string& county, uint64_t up_to, Fn fn) {
  ROTA_ASSIGN_OR_RETURN(uint64_t head, store.HeadSequence(county));
  if (up_to == 0 || up_to > head) up_to = head;
  uint64_t from = 1;
  constexpr size_t kBatch = 1000;
  while (from <= up_to) {
    ROTA_RETURN_IF_ERROR(CheckNotCancelled("a walk of the log"));
    size_t n =
        static_cast<size_t>(std::min<uint64_t>(kBatch, up_to - from + 1));
    ROTA_ASSIGN_OR_RETURN(std::vector<storage::Event> events,
                          store.ReadRange(county, from, n));
    if (events.empty()) break;
    for (const auto& e : events) ROTA_RETURN_IF_ERROR(fn(e));
    from = events.back().sequence + 1;
  }
  return absl::OkStatus();
}

// What an event says about `teacher` (full name): her record after it, or
// deletion. Returns false if the event does not concern her.
struct TeacherChange {
  bool concerns = false;
  bool deleted = false;
  rota::v1::Teacher record;
};

absl::StatusOr<TeacherChange> ChangeOf(const storage::Event& e,
                                       const std::string& teacher) {
  TeacherChange c;
  if (e.type == kTeacherEvent) {
    if (!c.record.ParseFromString(e.payload))
      return absl::DataLossError(
          absl::StrCat("event ", e.sequence, ": teacher does not parse"));
    c.concerns = c.record.name() == teacher;
  } else if (e.type == kDeleteEvent) {
    rota::v1::DeleteResponse d;
    if (!d.ParseFromString(e.payload))
      return absl::DataLossError(
          absl::StrCat("event ", e.sequence, ": delete does not parse"));
    c.concerns = d.name() == teacher;
    c.deleted = true;
  }
  return c;
}

std::vector<rota::v1::ServiceSpell> SpellsOf(const rota::v1::Teacher& t) {
  std::vector<rota::v1::ServiceSpell> out(t.service_history().begin(),
                                          t.service_history().end());
  if (out.empty() && !t.school().empty()) {
    rota::v1::ServiceSpell s;
    s.set_school(t.school());
    s.set_start_date(t.school_join_date());
    out.push_back(s);
  }
  return out;
}

}  // namespace

absl::StatusOr<rota::v1::TeacherAsOf> Audit::GetTeacherAsOf(
    const CallContext& call, const rota::v1::GetTeacherAsOfRequest& req) {
  Violations v;
  std::optional<ChildName> name = ParseChildName(req.teacher(), kTeachers);
  if (name.has_value()) {
    ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, name->county));
  } else {
    v.Add("teacher", "must be counties/{county}/teachers/{teacher}");
  }
  std::optional<absl::CivilDay> day;
  if (req.date().empty() == (req.sequence() == 0)) {
    v.Add("date", "give exactly one of date and sequence");
  } else if (!req.date().empty()) {
    day = ParseDate(req.date());
    if (!day.has_value()) v.Add("date", "must be a real date YYYY-MM-DD");
  } else if (req.sequence() < 0) {
    v.Add("sequence", "must be positive");
  }
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_ASSIGN_OR_RETURN(uint64_t head, store_->HeadSequence(name->county));
  if (head == 0) {
    return WithReason(absl::NotFoundError(absl::StrCat(CountyName(name->county),
                                                       " has no events")),
                      kReasonNotFound);
  }
  if (!day.has_value() && static_cast<uint64_t>(req.sequence()) > head) {
    return InvalidField(
        "sequence",
        absl::StrCat("is beyond the county's last event (", head, ")"));
  }
  // Her record as of the event (by sequence) or her last record (by date).
  std::optional<rota::v1::Teacher> record;
  int64_t record_sequence = 0;
  ROTA_RETURN_IF_ERROR(WalkLog(
      *store_, name->county, day.has_value() ? 0 : req.sequence(),
      [&](const storage::Event& e) -> absl::Status {
        ROTA_ASSIGN_OR_RETURN(TeacherChange c, ChangeOf(e, req.teacher()));
        if (!c.concerns) return absl::OkStatus();
        if (c.deleted) {
          // By date, keep her last record: the history outlives deletion.
          if (!day.has_value()) record.reset();
        } else {
          record = std::move(c.record);
          record_sequence = static_cast<int64_t>(e.sequence);
        }
        return absl::OkStatus();
      }));
  if (!record.has_value()) {
    return WithReason(
        absl::NotFoundError(day.has_value()
                                ? absl::StrCat(req.teacher(), " never existed")
                                : absl::StrCat(req.teacher(),
                                               " did not exist as of event ",
                                               req.sequence())),
        kReasonNotFound);
  }
  rota::v1::TeacherAsOf out;
  out.set_sequence(record_sequence);
  if (!day.has_value()) {
    out.set_school(record->school());
    for (const auto& s : SpellsOf(*record))
      if (s.end_date().empty()) *out.mutable_spell() = s;
    *out.mutable_teacher() = std::move(*record);
    return out;
  }
  const std::string date = absl::FormatCivilTime(*day);
  // Spells are in order; the latest spell that covers the date wins.
  std::optional<rota::v1::ServiceSpell> found;
  for (const auto& s : SpellsOf(*record)) {
    if (s.start_date() <= date &&
        (s.end_date().empty() || date <= s.end_date()))
      found = s;
  }
  if (!found.has_value()) {
    return WithReason(absl::NotFoundError(absl::StrCat(
                          req.teacher(), " was at no school on ", date,
                          " according to her service history")),
                      kReasonNotFound);
  }
  out.set_school(found->school());
  *out.mutable_spell() = *found;
  *out.mutable_teacher() = std::move(*record);
  return out;
}

absl::StatusOr<rota::v1::TeacherHistory> Audit::ListTeacherHistory(
    const CallContext& call, const rota::v1::ListTeacherHistoryRequest& req) {
  std::optional<ChildName> name = ParseChildName(req.teacher(), kTeachers);
  if (!name.has_value())
    return InvalidField("teacher",
                        "must be counties/{county}/teachers/{teacher}");
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, name->county));
  rota::v1::TeacherHistory out;
  out.set_teacher(req.teacher());
  std::optional<rota::v1::Teacher> last;
  // The commit whose batch is being read and its placement of this teacher.
  std::string commit_round;
  std::optional<rota::v1::Placement> commit_placement;
  ROTA_RETURN_IF_ERROR(WalkLog(
      *store_, name->county, 0, [&](const storage::Event& e) -> absl::Status {
        if (e.type == kRoundCommittedEvent) {
          rota::v1::RoundCommitted c;
          if (!c.ParseFromString(e.payload))
            return absl::DataLossError(
                absl::StrCat("event ", e.sequence, ": commit does not parse"));
          commit_round = c.round().name();
          commit_placement.reset();
          for (const auto& p : c.placements())
            if (p.teacher() == req.teacher()) commit_placement = p;
          return absl::OkStatus();
        }
        ROTA_ASSIGN_OR_RETURN(TeacherChange c, ChangeOf(e, req.teacher()));
        if (e.type != kTeacherEvent) {
          commit_round.clear();
          commit_placement.reset();
        }
        if (!c.concerns) return absl::OkStatus();
        auto* entry = out.add_entries();
        entry->set_sequence(static_cast<int64_t>(e.sequence));
        entry->set_time(EventTime(e));
        entry->set_actor(e.actor);
        entry->set_type(e.type);
        if (c.deleted) {
          entry->set_summary("deleted");
        } else if (!last.has_value()) {
          entry->set_summary(
              absl::StrCat("created at ", IdOfName(c.record.school())));
        } else {
          std::string summary;
          if (last->school() != c.record.school()) {
            summary = absl::StrCat("moved ", IdOfName(last->school()), " -> ",
                                   IdOfName(c.record.school()));
          } else if (last->post() != c.record.post()) {
            summary = absl::StrCat(
                "post ", last->post().empty() ? "none" : IdOfName(last->post()),
                " -> ",
                c.record.post().empty() ? "none" : IdOfName(c.record.post()));
          } else {
            summary = "updated";
          }
          if (commit_placement.has_value()) {
            absl::StrAppend(&summary, " by round ", commit_round);
            if (!commit_placement->return_date().empty())
              absl::StrAppend(&summary, " (term exchange until ",
                              commit_placement->return_date(), ")");
          }
          entry->set_summary(summary);
        }
        if (!c.deleted) last = std::move(c.record);
        return absl::OkStatus();
      }));
  if (out.entries_size() == 0) {
    return WithReason(
        absl::NotFoundError(absl::StrCat(req.teacher(), " not found")),
        kReasonNotFound);
  }
  if (last.has_value())
    for (const auto& s : SpellsOf(*last)) *out.add_service_history() = s;
  return out;
}

}  // namespace rota::service
