#include "service/audit_service.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

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

absl::StatusOr<std::string> CountyOf(const std::string& name) {
  std::optional<std::string> county = ParseCountyName(name);
  if (!county.has_value())
    return InvalidField("county", "must be counties/{county}");
  return *county;
}

std::string EventTime(const storage::Event& e) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ",
                          absl::FromUnixMicros(e.time_micros),
                          absl::UTCTimeZone());
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
  size_t limit = PageLimit(req.page_size());
  ROTA_ASSIGN_OR_RETURN(uint64_t head, store_->HeadSequence(*county));
  if (head == 0) {
    return WithReason(
        absl::NotFoundError(absl::StrCat(req.county(), " has no events")),
        kReasonNotFound);
  }
  rota::v1::ListEventsResponse out;
  if (from > head) return out;
  // Read in small batches: the page may end at the byte budget long before
  // `limit` events.
  constexpr size_t kReadBatch = 64;
  size_t page_bytes = 0;
  uint64_t last_returned = 0;
  bool full = false;
  while (!full && out.events_size() < static_cast<int>(limit) && from <= head) {
    const size_t want =
        std::min(kReadBatch, limit - static_cast<size_t>(out.events_size()));
    ROTA_ASSIGN_OR_RETURN(std::vector<storage::Event> events,
                          store_->ReadRange(*county, from, want));
    if (events.empty()) break;
    for (auto& e : events) {
      rota::v1::Event p;
      p.set_sequence(static_cast<int64_t>(e.sequence));
      p.set_time(EventTime(e));
      p.set_actor(std::move(e.actor));
      p.set_request_id(std::move(e.request_id));
      p.set_type(std::move(e.type));
      p.set_payload(std::move(e.payload));
      p.set_previous_hash(ToHex(e.previous_hash));
      p.set_hash(ToHex(e.hash));
      // Field tag, length prefix and the event itself.
      const size_t bytes = p.ByteSizeLong() + 8;
      if (out.events_size() > 0 && page_bytes + bytes > kMaxEventsPageBytes) {
        full = true;
        break;
      }
      page_bytes += bytes;
      last_returned = e.sequence;
      *out.add_events() = std::move(p);
    }
    from = last_returned + 1;
  }
  if (last_returned != 0 && last_returned < head) {
    out.set_next_page_token(
        EncodePageToken(scope, "", absl::StrCat(last_returned)));
  }
  return out;
}

namespace {

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

namespace {

// One version of a teacher's record and the day it took effect: a committed
// round's change on the round's effective date, a registry edit on the day
// it was made (UTC); her first record has no day (in force before any later
// change).
struct Version {
  std::string effective;
  int64_t sequence = 0;
  rota::v1::Teacher record;
};

// Tracks the commit batch being read: a RoundCommitted event is followed in
// the same batch (same append time and request id) by the teacher events it
// writes.
class CommitBatch {
 public:
  // Call for every event, before reading it as a teacher change.
  absl::Status Observe(const storage::Event& e) {
    if (e.type == kRoundCommittedEvent) {
      rota::v1::RoundCommitted c;
      if (!c.ParseFromString(e.payload))
        return absl::DataLossError(
            absl::StrCat("event ", e.sequence, ": commit does not parse"));
      Open(e, /*reversal=*/false, std::move(*c.mutable_round()),
           std::move(*c.mutable_teachers()), std::move(*c.mutable_placements()),
           {});
    } else if (e.type == kRoundReversedEvent) {
      rota::v1::RoundReversed r;
      if (!r.ParseFromString(e.payload))
        return absl::DataLossError(
            absl::StrCat("event ", e.sequence, ": reversal does not parse"));
      Open(e, /*reversal=*/true, std::move(*r.mutable_round()),
           std::move(*r.mutable_teachers()), std::move(*r.mutable_placements()),
           std::move(*r.mutable_deleted()));
    } else if (e.type != kTeacherEvent || e.time_micros != time_micros_ ||
               e.request_id != request_id_) {
      // Not of the batch: the events of one batch share time and request.
      open_ = false;
    }
    return absl::OkStatus();
  }
  // The round whose commit (or reversal) batch `teacher`'s event belongs to,
  // or null. A reversal takes the round's effective date too: it undoes the
  // commit as if it had never been.
  const rota::v1::Round* RoundOf(const std::string& teacher) const {
    if (!open_) return nullptr;
    for (const auto& t : teachers_)
      if (t == teacher) return &round_;
    for (const auto& t : deleted_)
      if (t == teacher) return &round_;
    return nullptr;
  }
  // Her placement in the open batch (the way back, for a reversal), or null.
  const rota::v1::Placement* PlacementOf(const std::string& teacher) const {
    if (!open_) return nullptr;
    for (const auto& p : placements_)
      if (p.teacher() == teacher) return &p;
    return nullptr;
  }
  // Whether the open batch is a reversal of its round's commit.
  bool reversal() const { return open_ && reversal_; }

 private:
  void Open(const storage::Event& e, bool reversal, rota::v1::Round round,
            google::protobuf::RepeatedPtrField<std::string> teachers,
            google::protobuf::RepeatedPtrField<rota::v1::Placement> placements,
            google::protobuf::RepeatedPtrField<std::string> deleted) {
    open_ = true;
    reversal_ = reversal;
    time_micros_ = e.time_micros;
    request_id_ = e.request_id;
    round_ = std::move(round);
    teachers_ = std::move(teachers);
    placements_ = std::move(placements);
    deleted_ = std::move(deleted);
  }

  bool open_ = false;
  bool reversal_ = false;
  int64_t time_micros_ = 0;
  std::string request_id_;
  rota::v1::Round round_;
  google::protobuf::RepeatedPtrField<std::string> teachers_;
  google::protobuf::RepeatedPtrField<rota::v1::Placement> placements_;
  google::protobuf::RepeatedPtrField<std::string> deleted_;
};

// Where a term exchange (or a bundled rural term) sends her home: by the
// spell (school, start date) it covers.
struct TermOfSpell {
  std::string home;
  std::string return_date;
};

std::map<std::pair<std::string, std::string>, TermOfSpell> TermsOf(
    const std::vector<Version>& versions) {
  std::map<std::pair<std::string, std::string>, TermOfSpell> out;
  for (const Version& v : versions) {
    const rota::v1::Teacher& t = v.record;
    if (t.home_school().empty() || t.term_end_date().empty()) continue;
    for (const auto& s : SpellsOf(t)) {
      if (s.end_date().empty() && s.school() == t.school())
        out[{s.school(), s.start_date()}] = {t.home_school(),
                                             t.term_end_date()};
    }
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
  // Every version of her record up to the event (by sequence) or the head
  // (by date; a deletion does not end the history).
  std::vector<Version> versions;
  bool deleted = false;
  CommitBatch batch;
  ROTA_RETURN_IF_ERROR(WalkLog(
      *store_, name->county, day.has_value() ? 0 : req.sequence(),
      [&](const storage::Event& e) -> absl::Status {
        if (absl::Status observed = batch.Observe(e); !observed.ok())
          return observed;
        ROTA_ASSIGN_OR_RETURN(TeacherChange c, ChangeOf(e, req.teacher()));
        if (!c.concerns) return absl::OkStatus();
        deleted = c.deleted;
        if (c.deleted) return absl::OkStatus();
        Version version;
        version.sequence = static_cast<int64_t>(e.sequence);
        if (!versions.empty()) {
          const rota::v1::Round* round = batch.RoundOf(req.teacher());
          version.effective =
              round != nullptr && !round->effective_date().empty()
                  ? round->effective_date()
                  : absl::FormatTime("%Y-%m-%d",
                                     absl::FromUnixMicros(e.time_micros),
                                     absl::UTCTimeZone());
        }
        version.record = std::move(c.record);
        versions.push_back(std::move(version));
        return absl::OkStatus();
      }));
  if (versions.empty() || (!day.has_value() && deleted)) {
    return WithReason(
        absl::NotFoundError(day.has_value()
                                ? absl::StrCat(req.teacher(), " never existed")
                                : absl::StrCat(req.teacher(),
                                               " did not exist as of event ",
                                               req.sequence())),
        kReasonNotFound);
  }
  rota::v1::TeacherAsOf out;
  if (!day.has_value()) {
    Version& last = versions.back();
    out.set_sequence(last.sequence);
    out.set_school(last.record.school());
    out.set_post(last.record.post());
    for (const auto& s : SpellsOf(last.record))
      if (s.end_date().empty()) *out.mutable_spell() = s;
    *out.mutable_teacher() = std::move(last.record);
    return out;
  }
  const std::string date = absl::FormatCivilTime(*day);
  // The school: from her latest service history. Spells are in order; the
  // latest spell that covers the date wins.
  const std::vector<rota::v1::ServiceSpell> spells =
      SpellsOf(versions.back().record);
  std::optional<rota::v1::ServiceSpell> found;
  for (const auto& s : spells) {
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
  // A term whose return date has come: she is back at her home school from
  // that day, whether or not a later round has recorded her return yet.
  const auto terms = TermsOf(versions);
  auto term = terms.find({found->school(), found->start_date()});
  if (term != terms.end() && date >= term->second.return_date) {
    rota::v1::ServiceSpell home;
    home.set_school(term->second.home);
    home.set_start_date(term->second.return_date);
    home.set_end_date(found->end_date());
    for (const auto& s : spells) {
      if (s.school() == home.school() && s.start_date() < found->start_date()) {
        home.set_locality(s.locality());
        home.set_weak(s.weak());
      }
    }
    out.set_returned_from(found->school());
    out.set_return_date(term->second.return_date);
    found = std::move(home);
  }
  // The record in force on the date: the latest change effective by then.
  const Version* in_force = &versions.front();
  for (const Version& version : versions) {
    if (version.effective <= date &&
        std::tie(version.effective, version.sequence) >=
            std::tie(in_force->effective, in_force->sequence))
      in_force = &version;
  }
  out.set_sequence(in_force->sequence);
  out.set_school(found->school());
  // A post belongs to its school: the record's post counts only while the
  // record places her at the school she was at.
  if (in_force->record.school() == found->school())
    out.set_post(in_force->record.post());
  *out.mutable_spell() = *found;
  *out.mutable_teacher() = in_force->record;
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
  CommitBatch batch;
  // Each school's display name as last recorded (names beside ids).
  std::map<std::string, std::string> school_names;
  ROTA_RETURN_IF_ERROR(WalkLog(
      *store_, name->county, 0, [&](const storage::Event& e) -> absl::Status {
        if (absl::Status observed = batch.Observe(e); !observed.ok())
          return observed;
        if (e.type == kSchoolEvent) {
          rota::v1::School school;
          if (school.ParseFromString(e.payload) &&
              !school.display_name().empty())
            school_names[school.name()] = school.display_name();
          return absl::OkStatus();
        }
        if (e.type == kPlacementAdjustedEvent) {
          rota::v1::PlacementAdjusted a;
          if (!a.ParseFromString(e.payload))
            return absl::DataLossError(absl::StrCat(
                "event ", e.sequence, ": adjustment does not parse"));
          if (a.teacher() != req.teacher()) return absl::OkStatus();
          auto* entry = out.add_entries();
          entry->set_sequence(static_cast<int64_t>(e.sequence));
          entry->set_time(EventTime(e));
          entry->set_actor(e.actor);
          entry->set_type(e.type);
          entry->set_round(a.round().name());
          entry->set_reason(a.reason());
          entry->set_change(a.override() ? "overridden" : "locked");
          if (a.override()) entry->set_to_school(a.to());
          entry->set_summary(
              a.override()
                  ? absl::StrCat("override to ",
                                 a.to().empty() ? "no move" : IdOfName(a.to()),
                                 " in round ", a.round().name(), " (run ",
                                 a.run(), ")")
                  : absl::StrCat("locked in round ", a.round().name(), " (run ",
                                 a.run(), ")"));
          return absl::OkStatus();
        }
        ROTA_ASSIGN_OR_RETURN(TeacherChange c, ChangeOf(e, req.teacher()));
        if (!c.concerns) return absl::OkStatus();
        const rota::v1::Round* round = batch.RoundOf(req.teacher());
        const rota::v1::Placement* commit_placement =
            batch.PlacementOf(req.teacher());
        auto* entry = out.add_entries();
        entry->set_sequence(static_cast<int64_t>(e.sequence));
        entry->set_time(EventTime(e));
        entry->set_actor(e.actor);
        entry->set_type(e.type);
        if (round != nullptr) {
          entry->set_round(round->name());
          entry->set_reversal(batch.reversal());
        }
        if (c.deleted) {
          entry->set_summary(
              round != nullptr && batch.reversal()
                  ? absl::StrCat("deleted by the reversal of round ",
                                 round->name())
                  : std::string("deleted"));
          entry->set_change("deleted");
        } else if (!last.has_value()) {
          entry->set_summary(
              absl::StrCat("created at ", IdOfName(c.record.school())));
          entry->set_change("created");
          entry->set_to_school(c.record.school());
          entry->set_to_post(c.record.post());
        } else {
          std::string summary;
          if (last->school() != c.record.school()) {
            summary = absl::StrCat("moved ", IdOfName(last->school()), " -> ",
                                   IdOfName(c.record.school()));
            entry->set_change("moved");
          } else if (last->post() != c.record.post()) {
            summary = absl::StrCat(
                "post ", last->post().empty() ? "none" : IdOfName(last->post()),
                " -> ",
                c.record.post().empty() ? "none" : IdOfName(c.record.post()));
            entry->set_change("post");
          } else {
            summary = "updated";
            entry->set_change("updated");
          }
          entry->set_from_school(last->school());
          entry->set_to_school(c.record.school());
          entry->set_from_post(last->post());
          entry->set_to_post(c.record.post());
          if (round != nullptr) {
            absl::StrAppend(
                &summary,
                batch.reversal() ? " by the reversal of round " : " by round ",
                round->name());
          }
          if (commit_placement != nullptr && !batch.reversal() &&
              !commit_placement->return_date().empty()) {
            absl::StrAppend(&summary, " (term exchange until ",
                            commit_placement->return_date(), ")");
            entry->set_return_date(commit_placement->return_date());
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
  if (last.has_value()) {
    for (const auto& s : SpellsOf(*last)) *out.add_service_history() = s;
    out.set_teacher_name(last->display_name());
    out.set_teacher_gender(last->gender());
  }
  auto add_name = [&](const std::string& school) {
    auto it = school_names.find(school);
    if (it != school_names.end())
      (*out.mutable_school_names())[school] = it->second;
  };
  for (const auto& s : out.service_history()) add_name(s.school());
  for (const auto& e : out.entries()) {
    add_name(e.from_school());
    add_name(e.to_school());
  }
  return out;
}

}  // namespace rota::service
