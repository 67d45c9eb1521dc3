// Rounds::ReverseRound: undoing a mistaken commit (rounds.proto documents
// the RPC). The commit's batch is read back from the log: the
// RoundCommitted event (its `previous` records: each teacher as the
// registry had her just before the commit) and the teacher events after it
// (each teacher as the commit left her). A teacher whose placement fields
// (school, post, service history, term-exchange fields, 走教 service) are
// still as the commit left them gets those fields back from her previous
// record; her other fields keep any later edits. A recruitment round's
// hires, unchanged since, are deleted. Any teacher changed since refuses
// the whole reversal, naming her and what changed.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/rpc/error_details.pb.h"
#include "rota/v1/registry.pb.h"
#include "rota/v1/round_events.pb.h"
#include "service/county_write.h"
#include "service/grpc_status.h"
#include "service/internal/round_support.h"
#include "service/projection.h"
#include "service/round_projection.h"
#include "service/round_service.h"
#include "service/validation.h"

namespace rota::service {

using round_internal::CheckRoundWrite;
using round_internal::LoadRound;
using round_internal::Round;
using round_internal::ValidateReason;
using round_internal::WrongState;

namespace {

using google::protobuf::util::MessageDifferencer;

// What changed in `now` since the commit left her as `after`, in words
// (empty: her placement fields are as the commit wrote them).
std::vector<std::string> PlacementChanges(const rota::v1::Teacher& after,
                                          const rota::v1::Teacher& now) {
  std::vector<std::string> out;
  auto id = [](const std::string& name) {
    return name.empty() ? std::string("none") : IdOfName(name);
  };
  if (after.school() != now.school())
    out.push_back(
        absl::StrCat("school ", id(after.school()), " -> ", id(now.school())));
  if (after.post() != now.post())
    out.push_back(
        absl::StrCat("post ", id(after.post()), " -> ", id(now.post())));
  if (after.school_join_date() != now.school_join_date() ||
      after.service_history_size() != now.service_history_size() ||
      !std::equal(after.service_history().begin(),
                  after.service_history().end(), now.service_history().begin(),
                  [](const auto& a, const auto& b) {
                    return MessageDifferencer::Equals(a, b);
                  }))
    out.push_back("service history");
  if (after.home_school() != now.home_school() ||
      after.term_end_date() != now.term_end_date())
    out.push_back("term exchange (home school, return date)");
  if (after.itinerant_service_size() != now.itinerant_service_size() ||
      !std::equal(
          after.itinerant_service().begin(), after.itinerant_service().end(),
          now.itinerant_service().begin(), [](const auto& a, const auto& b) {
            return MessageDifferencer::Equals(a, b);
          }))
    out.push_back("走教 service");
  return out;
}

// `t` with the placement fields of `before` (the rest of `t` kept).
void RestorePlacementFields(const rota::v1::Teacher& before,
                            rota::v1::Teacher* t) {
  t->set_school(before.school());
  t->set_school_join_date(before.school_join_date());
  t->set_post(before.post());
  *t->mutable_service_history() = before.service_history();
  t->set_home_school(before.home_school());
  t->set_term_end_date(before.term_end_date());
  *t->mutable_itinerant_service() = before.itinerant_service();
}

}  // namespace

absl::StatusOr<Round> Rounds::ReverseRound(
    const CallContext& call, const rota::v1::ReverseRoundRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ChildName n, round_internal::CheckRoundWrite(
                                         call, req.name(), req.request_id()));
  Violations v;
  ValidateReason(req.reason(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  return WriteToCounty<Round>(
      *store_, *county_mutex_(n.county), call, n.county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<Round> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), n));
        if (!req.etag().empty() && req.etag() != round.etag()) {
          return EtagMismatch(round.name(), req.etag(), round.etag());
        }
        if (round.state() != rota::v1::COMMITTED)
          return WrongState(round, "COMMITTED (only a commit can be reversed)");
        // A committed round never changes again, so its etag is the
        // sequence of its RoundCommitted event; the teacher events of the
        // same batch follow it.
        uint64_t commit_sequence = 0;
        if (!absl::SimpleAtoi(round.etag(), &commit_sequence) ||
            commit_sequence == 0)
          return absl::DataLossError(
              absl::StrCat(round.name(), ": etag \"", round.etag(),
                           "\" is not the sequence of its commit"));
        ROTA_ASSIGN_OR_RETURN(std::vector<storage::Event> head,
                              store_->ReadRange(n.county, commit_sequence, 1));
        rota::v1::RoundCommitted c;
        if (head.size() != 1 || head[0].type != kRoundCommittedEvent ||
            !c.ParseFromString(head[0].payload) ||
            c.round().name() != round.name())
          return absl::DataLossError(absl::StrCat("event ", commit_sequence,
                                                  " is not the commit of ",
                                                  round.name()));
        const bool hires = round.kind() == rota::v1::RECRUITMENT;
        if (!hires && c.previous_size() != c.teachers_size()) {
          return PreconditionFailed(
              "NOT_REVERSIBLE", round.name(),
              "the commit was recorded without the teachers' records before "
              "it (an older server): it cannot be reversed automatically");
        }
        ROTA_ASSIGN_OR_RETURN(
            std::vector<storage::Event> batch,
            store_->ReadRange(n.county, commit_sequence + 1,
                              static_cast<size_t>(c.teachers_size())));
        if (batch.size() != static_cast<size_t>(c.teachers_size()))
          return absl::DataLossError(absl::StrCat(
              "the commit of ", round.name(), " lost teacher events"));

        google::rpc::PreconditionFailure refusal;
        std::vector<rota::v1::Teacher> restored;
        rota::v1::RoundReversed e;
        for (int i = 0; i < c.teachers_size(); ++i) {
          const std::string& name = c.teachers(i);
          rota::v1::Teacher after;
          if (batch[i].type != kTeacherEvent ||
              !after.ParseFromString(batch[i].payload) || after.name() != name)
            return absl::DataLossError(absl::StrCat(
                "event ", batch[i].sequence, " is not ", name,
                "'s record written by the commit of ", round.name()));
          ROTA_ASSIGN_OR_RETURN(auto now,
                                LoadProto<rota::v1::Teacher>(
                                    w.state(), keys::Teacher(IdOfName(name))));
          std::vector<std::string> changes;
          if (!now.has_value()) {
            changes.push_back("was deleted");
          } else if (now->etag() != after.etag()) {
            changes = PlacementChanges(after, *now);
            // A recruitment hire is deleted whole: any edit is a change.
            if (hires && changes.empty())
              changes.push_back(
                  absl::StrCat("record edited (now etag ", now->etag(), ")"));
          }
          if (!changes.empty()) {
            auto* f = refusal.add_violations();
            f->set_type("CHANGED_SINCE_COMMIT");
            f->set_subject(name);
            f->set_description(absl::StrCat(
                after.display_name().empty() ? IdOfName(name)
                                             : after.display_name(),
                " changed after the commit: ", absl::StrJoin(changes, ", "),
                "; reversing would overwrite that"));
            continue;
          }
          if (hires) {
            e.add_deleted(name);
            continue;
          }
          const rota::v1::Teacher& before = c.previous(i);
          rota::v1::Teacher t = *now;
          RestorePlacementFields(before, &t);
          auto* back = e.add_placements();
          back->set_teacher(name);
          back->set_from_school(after.school());
          back->set_from_post(after.post());
          back->set_to_school(before.school());
          back->set_to_post(before.post());
          back->set_outcome(after.school() != before.school() ||
                                    after.post() != before.post()
                                ? rota::v1::MOVED
                                : rota::v1::STAYED);
          e.add_teachers(name);
          restored.push_back(std::move(t));
        }
        if (refusal.violations_size() > 0) {
          std::vector<std::string> who;
          for (const auto& f : refusal.violations())
            if (who.size() < 5) who.push_back(f.description());
          absl::Status status = PreconditionFailed(
              refusal, absl::StrCat(round.name(), " cannot be reversed: ",
                                    refusal.violations_size(),
                                    " teacher(s) changed after the commit: ",
                                    absl::StrJoin(who, "; ")));
          return status;
        }
        round.set_state(rota::v1::REVERSED);
        round.set_reversal_reason(req.reason());
        round.set_reverse_time(w.now());
        round.set_etag(absl::StrCat(w.next_sequence()));
        round.set_update_time(w.now());
        *e.mutable_round() = round;
        e.set_reason(req.reason());
        e.set_run(c.run());
        ROTA_RETURN_IF_ERROR(
            w.AddEvent(kRoundReversedEvent, SerializeDeterministic(e)));
        for (auto& t : restored) {
          t.set_etag(absl::StrCat(w.next_sequence()));
          t.set_update_time(w.now());
          ROTA_RETURN_IF_ERROR(
              w.AddEvent(kTeacherEvent, SerializeDeterministic(t)));
        }
        for (const std::string& name : e.deleted()) {
          rota::v1::DeleteResponse d;
          d.set_name(name);
          ROTA_RETURN_IF_ERROR(
              w.AddEvent(kDeleteEvent, SerializeDeterministic(d)));
        }
        return round;
      });
}

}  // namespace rota::service
