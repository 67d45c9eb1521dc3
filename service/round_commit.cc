#include "service/round_commit.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "engine/rules/county.h"
#include "service/validation.h"

namespace rota::service {

void ApplyCommittedPlacement(const rota::v1::Placement& p,
                             const CommitContext& context,
                             rota::v1::Teacher* t) {
  const bool school_change =
      !p.to_school().empty() && p.to_school() != p.from_school();
  if (school_change) {
    const std::string& effective = context.effective_date;
    std::optional<absl::CivilDay> day = ParseDate(effective);
    const std::string day_before = absl::FormatCivilTime(*day - 1);
    const rota::v1::School* to = nullptr;
    if (context.schools != nullptr) {
      auto it = context.schools->find(p.to_school());
      if (it != context.schools->end()) to = it->second;
    }
    if (t->service_history_size() == 0) {
      auto* first = t->add_service_history();
      first->set_school(t->school());
      first->set_start_date(t->school_join_date());
      if (context.schools != nullptr) {
        auto it = context.schools->find(t->school());
        if (it != context.schools->end()) {
          first->set_locality(it->second->locality());
          first->set_weak(it->second->weak());
        }
      }
    }
    auto* history = t->mutable_service_history();
    history->erase(std::remove_if(history->begin(), history->end(),
                                  [&](const rota::v1::ServiceSpell& spell) {
                                    return spell.end_date().empty() &&
                                           spell.start_date() >= effective;
                                  }),
                   history->end());
    for (auto& spell : *history)
      if (spell.end_date().empty()) spell.set_end_date(day_before);
    // A term exchange goes on (or starts) unless she goes home or the round
    // transfers her personnel relation.
    const bool home = p.to_school() == t->home_school();
    const bool term = context.term_exchange && !home;
    auto* spell = t->add_service_history();
    spell->set_school(p.to_school());
    spell->set_start_date(effective);
    if (to != nullptr) {
      spell->set_locality(to->locality());
      spell->set_weak(to->weak());
    }
    spell->set_term_exchange(term);
    if (term) {
      if (t->home_school().empty()) t->set_home_school(p.from_school());
      t->set_term_end_date(p.return_date());
    } else {
      t->clear_home_school();
      t->clear_term_end_date();
    }
    t->set_school(p.to_school());
    t->set_school_join_date(effective);
    // A post belongs to its school: a mover of an exchange rotation leaves
    // hers behind (hiring sets the new one below).
    if (!context.hiring) t->clear_post();
  }
  if (context.hiring) t->set_post(p.to_post());
}

rota::v1::Teacher NewTeacherOfHire(const rota::v1::Placement& p,
                                   const rota::v1::Applicant& applicant,
                                   const CommitContext& context) {
  const std::string& effective = context.effective_date;
  const std::string county =
      p.to_school().substr(0, p.to_school().find("/schools/"));
  const std::string id =
      applicant.name().substr(applicant.name().rfind('/') + 1);
  const bool bundled = !p.bundled_rural_school().empty();
  const std::string& school =
      bundled ? p.bundled_rural_school() : p.to_school();
  rota::v1::Teacher t;
  t.set_name(absl::StrCat(county, "/teachers/", id));
  t.set_display_name(applicant.display_name());
  t.set_gender(applicant.gender());
  t.set_birth_date(applicant.birth_date());
  t.set_career_start_date(effective);
  t.set_school(school);
  t.set_school_join_date(effective);
  *t.mutable_subjects() = applicant.subjects();
  *t.mutable_certificate_stages() = applicant.certificate_stages();
  t.set_title(rota::v1::NO_TITLE);
  t.set_role(rota::v1::TEACHER);
  t.set_backbone_level(rota::v1::NOT_BACKBONE);
  t.set_employment(rota::v1::ESTABLISHED);
  auto* spell = t.add_service_history();
  spell->set_school(school);
  spell->set_start_date(effective);
  if (context.schools != nullptr) {
    auto it = context.schools->find(school);
    if (it != context.schools->end()) {
      spell->set_locality(it->second->locality());
      spell->set_weak(it->second->weak());
    }
  }
  if (bundled) {
    namespace rules = ::rota::engine::rules;
    const int32_t start = *rules::ParseDate(effective);
    t.set_home_school(p.to_school());
    t.set_term_end_date(
        rules::FormatDate(rules::AddYears(start, p.bundled_term_years())));
    auto* o = t.add_obligations();
    o->set_kind(rota::v1::BUNDLED_RURAL_TERM);
    o->set_required_rural_years(p.bundled_term_years());
    o->set_start_date(effective);
  }
  return t;
}

void RecordItinerantService(const rota::v1::Placement& p,
                            const rota::v1::Round& round,
                            rota::v1::Teacher* t) {
  auto* service = t->mutable_itinerant_service();
  service->erase(std::remove_if(service->begin(), service->end(),
                                [&](const rota::v1::ItinerantServiceYear& y) {
                                  return y.school_year() == round.school_year();
                                }),
                 service->end());
  std::set<std::string> schools;
  int32_t periods = 0;
  for (const auto& a : p.itinerant_assignments()) {
    if (a.own_school()) continue;
    schools.insert(a.school());
    periods += a.periods();
  }
  auto* y = t->add_itinerant_service();
  y->set_school_year(round.school_year());
  y->set_start_date(round.effective_date());
  y->set_round(round.name());
  y->set_weekly_periods(periods);
  for (const std::string& s : schools) y->add_schools(s);
  std::sort(service->begin(), service->end(),
            [](const rota::v1::ItinerantServiceYear& a,
               const rota::v1::ItinerantServiceYear& b) {
              return a.school_year() < b.school_year();
            });
}

}  // namespace rota::service
