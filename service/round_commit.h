// What committing a round does to one teacher's registry record: the
// change of school (closing her open service spell, opening the new one)
// or post, and the term-exchange bookkeeping (Teacher.home_school,
// Teacher.term_end_date). Rounds::CommitRound (round_service.h) calls it
// for every placement that changes a school or post, and
// RecordItinerantService for every 走教 placement, and writes the records
// they return as teacher events; a recruitment round's hires become new
// teachers (NewTeacherOfHire).
//
// Thread-safety: pure function.
//
// Example:
//   rota::v1::Teacher updated = current;
//   ApplyCommittedPlacement(placement, context, &updated);
#pragma once

#include <map>
#include <string>

#include "rota/v1/registry.pb.h"
#include "rota/v1/resources.pb.h"
#include "rota/v1/rounds.pb.h"

namespace rota::service {

// What a commit knows about its round.
struct CommitContext {
  bool hiring = false;         // a competitive hiring round
  bool term_exchange = false;  // an exchange rotation in mode TERM_EXCHANGE
  std::string effective_date;  // YYYY-MM-DD, a valid date
  // Frozen schools by resource name (for a new spell's locality and weak
  // flag); a missing school leaves them unset.
  const std::map<std::string, const rota::v1::School*>* schools = nullptr;
};

// Applies `p` to `t` (REQUIRES: t->school() == p.from_school()).
// A school change closes her open spell the day before the effective date
// and opens one at the new school from it (an open spell starting on or
// after the effective date, left by an earlier round for the same date, is
// dropped: this move supersedes it). An exchange rotation clears her post
// (a post belongs to its school); hiring sets the new one.
// Term exchange: a move in a TERM_EXCHANGE round keeps her personnel
// relation at home: home_school = the home already recorded, else the
// school she leaves; term_end_date = the placement's return date; the new
// spell is marked term_exchange. A move to her home_school (her return, or
// any move home) or any other move (TRANSFER mode, competitive hiring)
// ends the term exchange: both fields are cleared and the spell is not a
// term exchange.
void ApplyCommittedPlacement(const rota::v1::Placement& p,
                             const CommitContext& context,
                             rota::v1::Teacher* t);

// The teacher a hire of a recruitment round (outcome RECRUITED) becomes:
// staff id = the applicant's id, her name, sex, birth date, subjects and
// certificate stages; an established (编内) teacher without a title or a
// post, whose career starts on the effective date. She starts at the post's
// school (p.to_school); a bundled post (p.bundled_rural_school) places her
// at the rural school first, her personnel relation staying at the post's
// school (home_school = p.to_school, term_end_date = the effective date +
// p.bundled_term_years: the first exchange rotation on or after it brings
// her there), with a BUNDLED_RURAL_TERM obligation of those years from the
// effective date, which keeps every round from moving her to a school that
// is not rural before they are served (engine/rules/obligations.h).
// REQUIRES: context.effective_date a valid date.
rota::v1::Teacher NewTeacherOfHire(const rota::v1::Placement& p,
                                   const rota::v1::Applicant& applicant,
                                   const CommitContext& context);

// Itinerant teaching (outcome ITINERANT): records her 走教 as service
// history, one Teacher.itinerant_service entry for `round`'s school year
// (replacing an entry of the same school year, which an earlier round of
// that year wrote): the effective date, the round, her weekly periods at
// other schools and those schools. Her school and post do not change.
void RecordItinerantService(const rota::v1::Placement& p,
                            const rota::v1::Round& round, rota::v1::Teacher* t);

}  // namespace rota::service
