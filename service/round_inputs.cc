#include "service/round_inputs.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/round_projection.h"
#include "service/validation.h"

namespace rota::service {
namespace {

namespace rules = ::rota::engine::rules;

absl::StatusOr<int32_t> Day(const std::string& text, absl::string_view what) {
  absl::StatusOr<int32_t> d = rules::ParseDate(text);
  if (!d.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": \"", text, "\" is not a date YYYY-MM-DD"));
  }
  return *d;
}

absl::StatusOr<std::optional<int32_t>> OptionalDay(const std::string& text,
                                                   absl::string_view what) {
  if (text.empty()) return std::optional<int32_t>();
  ROTA_ASSIGN_OR_RETURN(int32_t d, Day(text, what));
  return std::optional<int32_t>(d);
}

template <typename To, typename From>
std::vector<To> Enums(const From& values) {
  std::vector<To> out;
  out.reserve(values.size());
  for (int v : values) out.push_back(static_cast<To>(v));
  return out;
}

absl::StatusOr<rules::Teacher> ToTeacher(const rota::v1::Teacher& t) {
  rules::Teacher o;
  o.id = IdOfName(t.name());
  const std::string what = absl::StrCat("teacher ", o.id);
  o.display_name = t.display_name();
  o.gender = static_cast<rules::Gender>(t.gender());
  ROTA_ASSIGN_OR_RETURN(o.birth_day, Day(t.birth_date(), what));
  ROTA_ASSIGN_OR_RETURN(o.career_start_day, Day(t.career_start_date(), what));
  o.school = IdOfName(t.school());
  ROTA_ASSIGN_OR_RETURN(o.school_join_day, Day(t.school_join_date(), what));
  o.post = t.post().empty() ? "" : IdOfName(t.post());
  o.subjects.assign(t.subjects().begin(), t.subjects().end());
  o.certificate_stages = Enums<rules::Stage>(t.certificate_stages());
  o.title = static_cast<rules::Title>(t.title());
  o.role = static_cast<rules::Role>(t.role());
  if (!t.role_start_date().empty()) {
    ROTA_ASSIGN_OR_RETURN(o.role_start_day, Day(t.role_start_date(), what));
  }
  o.backbone = static_cast<rules::BackboneLevel>(t.backbone_level());
  o.employment = static_cast<rules::Employment>(t.employment());
  for (const auto& e : t.evaluations()) {
    o.evaluations.push_back(
        {e.year(), static_cast<rules::EvaluationGrade>(e.grade())});
  }
  for (const auto& s : t.service_history()) {
    rules::ServiceSpell spell;
    spell.school = IdOfName(s.school());
    ROTA_ASSIGN_OR_RETURN(spell.start_day, Day(s.start_date(), what));
    ROTA_ASSIGN_OR_RETURN(spell.end_day, OptionalDay(s.end_date(), what));
    spell.locality = static_cast<rules::Locality>(s.locality());
    spell.weak = s.weak();
    spell.term_exchange = s.term_exchange();
    o.service_history.push_back(std::move(spell));
  }
  for (const auto& e : t.exemptions()) {
    rules::Exemption x;
    x.kind = static_cast<rules::ExemptionKind>(e.kind());
    x.note = e.note();
    if (!e.start_date().empty()) {
      ROTA_ASSIGN_OR_RETURN(x.start_day, Day(e.start_date(), what));
    } else {
      x.start_day = INT32_MIN;  // in force since always
    }
    ROTA_ASSIGN_OR_RETURN(x.end_day, OptionalDay(e.end_date(), what));
    o.exemptions.push_back(std::move(x));
  }
  for (const auto& h : t.hardships()) {
    o.hardships.push_back(
        {static_cast<rules::HardshipKind>(h.kind()), h.note()});
  }
  for (const auto& ob : t.obligations()) {
    rules::ServiceObligation x;
    x.kind = static_cast<rules::ObligationKind>(ob.kind());
    x.required_rural_years = ob.required_rural_years();
    if (!ob.start_date().empty()) {
      ROTA_ASSIGN_OR_RETURN(x.start_day, Day(ob.start_date(), what));
    }
    o.obligations.push_back(std::move(x));
  }
  if (!t.home_school().empty()) o.home_school = IdOfName(t.home_school());
  ROTA_ASSIGN_OR_RETURN(o.term_end_day, OptionalDay(t.term_end_date(), what));
  o.weekly_load = t.weekly_load();
  for (const auto& h : t.free_half_days()) {
    std::optional<int> bit = ParseHalfDay(h);
    if (!bit.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": free half-day \"",
                                                     h, "\" is not one of ",
                                                     "mon-am .. fri-pm"));
    }
    o.free_half_days |= static_cast<uint16_t>(1u << *bit);
  }
  o.itinerant_volunteer = t.itinerant_volunteer();
  for (const auto& y : t.itinerant_service()) {
    rules::ItinerantServiceYear x;
    x.school_year = y.school_year();
    ROTA_ASSIGN_OR_RETURN(x.start_day, Day(y.start_date(), what));
    x.weekly_periods = y.weekly_periods();
    o.itinerant_service.push_back(x);
  }
  return o;
}

}  // namespace

absl::StatusOr<rules::CountyInputs> ToCountyInputs(
    const rota::v1::RoundFrozen& frozen,
    const std::vector<rota::v1::PlacementAdjusted>& adjustments) {
  rules::CountyInputs in;
  const rota::v1::Round& round = frozen.round();
  in.county = IdOfName(round.name().substr(0, round.name().find("/rounds/")));
  ROTA_ASSIGN_OR_RETURN(in.effective_day,
                        Day(round.effective_date(), "round.effective_date"));
  in.seed = round.seed();
  in.schools.reserve(frozen.schools_size());
  for (const auto& s : frozen.schools()) {
    rules::School o;
    o.id = IdOfName(s.name());
    o.display_name = s.display_name();
    o.stages = Enums<rules::Stage>(s.stages());
    o.locality = static_cast<rules::Locality>(s.locality());
    o.weak = s.weak();
    o.zone = s.zone();
    o.has_location = s.has_location();
    o.latitude = s.location().latitude();
    o.longitude = s.location().longitude();
    o.headcount = s.headcount();
    in.schools.push_back(std::move(o));
  }
  for (const auto& r : frozen.period_requirements()) {
    rules::PeriodRequirement o;
    o.school = IdOfName(r.school());
    o.subject = r.subject();
    o.stage = static_cast<rules::Stage>(r.stage());
    o.periods = r.periods();
    in.period_requirements.push_back(std::move(o));
  }
  for (const auto& r : frozen.road_distances()) {
    in.road_distances.push_back({IdOfName(r.school_a()), IdOfName(r.school_b()),
                                 r.metres(), r.minutes()});
  }
  in.posts.reserve(frozen.posts_size());
  for (const auto& p : frozen.posts()) {
    rules::Post o;
    o.id = IdOfName(p.name());
    o.school = IdOfName(p.school());
    o.subject = p.subject();
    o.title_band = static_cast<rules::Title>(p.title_band());
    o.count = p.count();
    o.non_established = p.non_established();
    o.stage = static_cast<rules::Stage>(p.stage());
    in.posts.push_back(std::move(o));
  }
  in.teachers.reserve(frozen.teachers_size());
  for (const auto& t : frozen.teachers()) {
    ROTA_ASSIGN_OR_RETURN(rules::Teacher o, ToTeacher(t));
    in.teachers.push_back(std::move(o));
  }
  in.applications.reserve(frozen.applications_size());
  for (const auto& a : frozen.applications()) {
    rules::Application o;
    o.teacher = IdOfName(a.teacher());
    for (const auto& p : a.preferences()) o.preferences.push_back(IdOfName(p));
    o.voluntary = a.voluntary();
    in.applications.push_back(std::move(o));
  }
  in.applicants.reserve(frozen.applicants_size());
  for (const auto& a : frozen.applicants()) {
    rules::Applicant o;
    o.id = IdOfName(a.name());
    o.display_name = a.display_name();
    o.gender = static_cast<rules::Gender>(a.gender());
    ROTA_ASSIGN_OR_RETURN(
        o.birth_day, Day(a.birth_date(), absl::StrCat("applicant ", o.id)));
    o.subjects.assign(a.subjects().begin(), a.subjects().end());
    o.certificate_stages = Enums<rules::Stage>(a.certificate_stages());
    o.channel = static_cast<rules::Channel>(a.channel());
    o.interview_passed = a.interview_passed();
    o.written_score = a.written_score();
    o.preferences.reserve(a.preferences_size());
    for (const auto& p : a.preferences()) o.preferences.push_back(IdOfName(p));
    in.applicants.push_back(std::move(o));
  }
  in.recruitment_posts.reserve(frozen.recruitment_posts_size());
  for (const auto& p : frozen.recruitment_posts()) {
    rules::RecruitmentPost o;
    o.id = IdOfName(p.name());
    o.school = IdOfName(p.school());
    o.subject = p.subject();
    o.stage = static_cast<rules::Stage>(p.stage());
    o.seats = p.seats();
    if (!p.bundled_rural_school().empty())
      o.bundled_rural_school = IdOfName(p.bundled_rural_school());
    o.bundled_term_years = p.bundled_term_years();
    in.recruitment_posts.push_back(std::move(o));
  }
  AddAdjustments(adjustments, &in);
  return in;
}

void AddAdjustments(const std::vector<rota::v1::PlacementAdjusted>& adjustments,
                    rules::CountyInputs* in) {
  for (const auto& adj : adjustments) {
    std::string teacher = IdOfName(adj.teacher());
    std::string to = adj.to().empty() ? "" : IdOfName(adj.to());
    if (adj.override()) {
      in->overrides.push_back({teacher, to, adj.reason()});
    } else {
      rules::Lock lock{teacher, to, adj.reason()};
      // 走教: the lock keeps her whole assignment of the locked run.
      for (const auto& a : adj.placement().itinerant_assignments()) {
        lock.itinerant.push_back({IdOfName(a.school()), a.subject(),
                                  static_cast<rules::Stage>(a.stage()),
                                  a.periods()});
      }
      in->locks.push_back(std::move(lock));
    }
  }
}

}  // namespace rota::service
