// EffectivePolicy and ToRoundPolicy: the proto <-> engine/rules/policy.h
// mapping. Defaults come only from a default-constructed RoundPolicy.
#include "engine/rules/policy.h"
#include "service/policy_service.h"
#include "service/round_inputs.h"

namespace rota::service {

namespace rules = ::rota::engine::rules;

#define ROTA_FILL(msg, defaults, field) \
  if (!(msg)->has_##field()) (msg)->set_##field((defaults).field)

rota::v1::Policy EffectivePolicy(const rota::v1::Policy& policy) {
  const rules::RoundPolicy d;
  rota::v1::Policy p = policy;
  auto* rt = p.mutable_retirement();
  ROTA_FILL(rt, d.retirement, male_age);
  ROTA_FILL(rt, d.retirement, female_age);
  ROTA_FILL(rt, d.retirement, female_senior_title_age);
  ROTA_FILL(rt, d.retirement, delay_start_year);
  ROTA_FILL(rt, d.retirement, delay_start_month);
  ROTA_FILL(rt, d.retirement, male_max_delay_months);
  ROTA_FILL(rt, d.retirement, male_birth_months_per_delay_month);
  ROTA_FILL(rt, d.retirement, female_max_delay_months);
  ROTA_FILL(rt, d.retirement, female_birth_months_per_delay_month);
  ROTA_FILL(rt, d.retirement, female_senior_title_max_delay_months);
  ROTA_FILL(rt, d.retirement, female_senior_title_birth_months_per_delay_month);

  auto* er = p.mutable_exchange_rotation();
  const auto& de = d.exchange_rotation;
  ROTA_FILL(er, de, min_years_at_school);
  ROTA_FILL(er, de, min_years_to_retirement);
  ROTA_FILL(er, de, rotation_share_percent);
  ROTA_FILL(er, de, backbone_share_percent);
  if (er->share_scope() == rota::v1::SHARE_SCOPE_UNSPECIFIED)
    er->set_share_scope(static_cast<rota::v1::ShareScope>(de.share_scope));
  if (er->mandatory_directions_size() == 0) {
    for (auto dir : de.mandatory_directions)
      er->add_mandatory_directions(static_cast<rota::v1::Direction>(dir));
  }
  ROTA_FILL(er, de, allow_rural_to_urban_training);
  if (er->mode() == rota::v1::EXCHANGE_MODE_UNSPECIFIED)
    er->set_mode(static_cast<rota::v1::ExchangeMode>(de.mode));
  ROTA_FILL(er, de, term_years);
  ROTA_FILL(er, de, principal_min_years);
  ROTA_FILL(er, de, principal_min_years_to_retirement);
  if (er->voluntary_mechanism() == rota::v1::VOLUNTARY_MECHANISM_UNSPECIFIED)
    er->set_voluntary_mechanism(
        static_cast<rota::v1::VoluntaryMechanism>(de.voluntary_mechanism));
  if (er->selection_order_size() == 0) {
    for (auto c : de.selection_order)
      er->add_selection_order(static_cast<rota::v1::SelectionCriterion>(c));
  }
  ROTA_FILL(er, de, allocation_cost_per_km);
  ROTA_FILL(er, de, rotate_non_established);
  if (er->stage_scope_size() == 0) {
    for (auto st : de.stage_scope)
      er->add_stage_scope(static_cast<rota::v1::Stage>(st));
  }
  if (er->share_localities_size() == 0) {
    for (auto l : de.share_localities)
      er->add_share_localities(static_cast<rota::v1::Locality>(l));
  }
  ROTA_FILL(er, de, weak_schools_carry_share);
  if (er->share_rounding() == rota::v1::SHARE_ROUNDING_UNSPECIFIED)
    er->set_share_rounding(
        static_cast<rota::v1::ShareRounding>(de.share_rounding));
  if (er->leader_directions_size() == 0) {
    for (auto dir : de.leader_directions)
      er->add_leader_directions(static_cast<rota::v1::LeaderDirection>(dir));
  }
  ROTA_FILL(er, de, leader_rotation_cap_percent);

  auto* ch = p.mutable_competitive_hiring();
  const auto& dc = d.competitive_hiring;
  if (ch->stage_mode() == rota::v1::STAGE_MODE_UNSPECIFIED)
    ch->set_stage_mode(static_cast<rota::v1::StageMode>(dc.stage_mode));
  ROTA_FILL(ch, dc, allow_down_hiring);
  ROTA_FILL(ch, dc, max_bands_down);
  ROTA_FILL(ch, dc, allocation_cost_per_km);
  ROTA_FILL(ch, dc, allocation_secondary_subject_cost);
  ROTA_FILL(ch, dc, allow_up_hiring);
  ROTA_FILL(ch, dc, max_bands_up);
  if (!ch->has_up_hiring_highest_band())
    ch->set_up_hiring_highest_band(
        static_cast<rota::v1::Title>(dc.up_hiring_highest_band));
  ROTA_FILL(ch, dc, up_hiring_requires_latest_excellent);
  ROTA_FILL(ch, dc, up_hiring_competent_years);

  auto* pt = p.mutable_points();
  const auto& dp = d.points;
  ROTA_FILL(pt, dp, per_service_year);
  ROTA_FILL(pt, dp, per_rural_year);
  ROTA_FILL(pt, dp, per_weak_school_year);
  ROTA_FILL(pt, dp, evaluation_excellent);
  ROTA_FILL(pt, dp, evaluation_competent);
  ROTA_FILL(pt, dp, evaluation_basic_competent);
  ROTA_FILL(pt, dp, evaluation_incompetent);
  ROTA_FILL(pt, dp, evaluation_years);
  ROTA_FILL(pt, dp, backbone_county);
  ROTA_FILL(pt, dp, backbone_city);
  ROTA_FILL(pt, dp, backbone_province);
  ROTA_FILL(pt, dp, title_junior);
  ROTA_FILL(pt, dp, title_intermediate);
  ROTA_FILL(pt, dp, title_senior);
  ROTA_FILL(pt, dp, hardship_spouse_separation);
  ROTA_FILL(pt, dp, hardship_caring_for_parents);
  ROTA_FILL(pt, dp, hardship_disability);
  ROTA_FILL(pt, dp, hardship_other);

  auto* rc = p.mutable_recruitment();
  const auto& dr = d.recruitment;
  if (rc->gender_mode() == rota::v1::RECRUITMENT_GENDER_MODE_UNSPECIFIED)
    rc->set_gender_mode(
        static_cast<rota::v1::RecruitmentGenderMode>(dr.gender_mode));
  ROTA_FILL(rc, dr, gender_floor_percent);
  ROTA_FILL(rc, dr, county_target_percent);
  ROTA_FILL(rc, dr, min_score);
  ROTA_FILL(rc, dr, min_score_within_of_open_cutoff);
  if (rc->precedence() == rota::v1::RECRUITMENT_PRECEDENCE_UNSPECIFIED)
    rc->set_precedence(
        static_cast<rota::v1::RecruitmentPrecedence>(dr.precedence));
  if (rc->channel_targets_size() == 0) {
    for (const auto& t : dr.channel_targets) {
      auto* out = rc->add_channel_targets();
      out->set_channel(static_cast<rota::v1::RecruitmentChannel>(t.channel));
      out->set_percent(t.percent);
    }
  }
  ROTA_FILL(rc, dr, interview_gate);
  ROTA_FILL(rc, dr, default_bundled_term_years);

  if (p.tie_chain_size() == 0) {
    for (auto t : d.tie_chain)
      p.add_tie_chain(static_cast<rota::v1::TieBreaker>(t));
  }

  auto* it = p.mutable_itinerant_teaching();
  const auto& di = d.itinerant_teaching;
  if (it->shortage_subjects_size() == 0) {
    for (const auto& s : di.shortage_subjects) it->add_shortage_subjects(s);
  }
  ROTA_FILL(it, di, same_zone_only);
  ROTA_FILL(it, di, max_schools_per_teacher);
  ROTA_FILL(it, di, max_weekly_periods);
  ROTA_FILL(it, di, max_trip_minutes);
  ROTA_FILL(it, di, periods_per_half_day);
  if (it->visit_days_size() == 0) {
    // Weekday numbers are 1 = MONDAY in the proto, 0 = Monday in the engine.
    for (int32_t day : di.visit_days)
      it->add_visit_days(static_cast<rota::v1::Weekday>(day + 1));
  }
  ROTA_FILL(it, di, straight_line_factor_percent);
  ROTA_FILL(it, di, speed_kmh);
  if (it->subsidy_tiers_size() == 0) {
    for (const auto& t : di.subsidy_tiers) {
      auto* tier = it->add_subsidy_tiers();
      tier->set_up_to_metres(t.up_to_metres);
      tier->set_yuan_per_month(t.yuan_per_month);
    }
  }
  ROTA_FILL(it, di, volunteers_first);
  ROTA_FILL(it, di, points_per_year);
  return p;
}

#undef ROTA_FILL

rules::RoundPolicy ToRoundPolicy(const rota::v1::Policy& effective) {
  const rota::v1::Policy p = EffectivePolicy(effective);
  rules::RoundPolicy r;
  r.school_year = p.school_year();
  r.version = p.version();
  r.retirement.male_age = p.retirement().male_age();
  r.retirement.female_age = p.retirement().female_age();
  r.retirement.female_senior_title_age =
      p.retirement().female_senior_title_age();
  const auto& rt = p.retirement();
  r.retirement.delay_start_year = rt.delay_start_year();
  r.retirement.delay_start_month = rt.delay_start_month();
  r.retirement.male_max_delay_months = rt.male_max_delay_months();
  r.retirement.male_birth_months_per_delay_month =
      rt.male_birth_months_per_delay_month();
  r.retirement.female_max_delay_months = rt.female_max_delay_months();
  r.retirement.female_birth_months_per_delay_month =
      rt.female_birth_months_per_delay_month();
  r.retirement.female_senior_title_max_delay_months =
      rt.female_senior_title_max_delay_months();
  r.retirement.female_senior_title_birth_months_per_delay_month =
      rt.female_senior_title_birth_months_per_delay_month();
  const auto& er = p.exchange_rotation();
  auto& e = r.exchange_rotation;
  e.min_years_at_school = er.min_years_at_school();
  e.min_years_to_retirement = er.min_years_to_retirement();
  e.rotation_share_percent = er.rotation_share_percent();
  e.backbone_share_percent = er.backbone_share_percent();
  e.share_scope = static_cast<rules::ShareScope>(er.share_scope());
  e.mandatory_directions.clear();
  for (int d : er.mandatory_directions())
    e.mandatory_directions.push_back(static_cast<rules::Direction>(d));
  e.allow_rural_to_urban_training = er.allow_rural_to_urban_training();
  e.mode = static_cast<rules::ExchangeMode>(er.mode());
  e.term_years = er.term_years();
  e.principal_min_years = er.principal_min_years();
  e.principal_min_years_to_retirement = er.principal_min_years_to_retirement();
  e.voluntary_mechanism =
      static_cast<rules::VoluntaryMechanism>(er.voluntary_mechanism());
  e.selection_order.clear();
  for (int c : er.selection_order())
    e.selection_order.push_back(static_cast<rules::SelectionCriterion>(c));
  e.allocation_cost_per_km = er.allocation_cost_per_km();
  e.rotate_non_established = er.rotate_non_established();
  e.stage_scope.clear();
  for (int st : er.stage_scope())
    e.stage_scope.push_back(static_cast<rules::Stage>(st));
  e.share_localities.clear();
  for (int l : er.share_localities())
    e.share_localities.push_back(static_cast<rules::Locality>(l));
  e.weak_schools_carry_share = er.weak_schools_carry_share();
  e.share_rounding = static_cast<rules::ShareRounding>(er.share_rounding());
  e.leader_directions.clear();
  for (int d : er.leader_directions())
    e.leader_directions.push_back(static_cast<rules::LeaderDirection>(d));
  e.leader_rotation_cap_percent = er.leader_rotation_cap_percent();
  const auto& ch = p.competitive_hiring();
  auto& c = r.competitive_hiring;
  c.stage_mode = static_cast<rules::StageMode>(ch.stage_mode());
  c.allow_down_hiring = ch.allow_down_hiring();
  c.max_bands_down = ch.max_bands_down();
  c.allocation_cost_per_km = ch.allocation_cost_per_km();
  c.allocation_secondary_subject_cost = ch.allocation_secondary_subject_cost();
  c.allow_up_hiring = ch.allow_up_hiring();
  c.max_bands_up = ch.max_bands_up();
  c.up_hiring_highest_band =
      static_cast<rules::Title>(ch.up_hiring_highest_band());
  c.up_hiring_requires_latest_excellent =
      ch.up_hiring_requires_latest_excellent();
  c.up_hiring_competent_years = ch.up_hiring_competent_years();
  const auto& pp = p.points();
  auto& q = r.points;
  q.per_service_year = pp.per_service_year();
  q.per_rural_year = pp.per_rural_year();
  q.per_weak_school_year = pp.per_weak_school_year();
  q.evaluation_excellent = pp.evaluation_excellent();
  q.evaluation_competent = pp.evaluation_competent();
  q.evaluation_basic_competent = pp.evaluation_basic_competent();
  q.evaluation_incompetent = pp.evaluation_incompetent();
  q.evaluation_years = pp.evaluation_years();
  q.backbone_county = pp.backbone_county();
  q.backbone_city = pp.backbone_city();
  q.backbone_province = pp.backbone_province();
  q.title_junior = pp.title_junior();
  q.title_intermediate = pp.title_intermediate();
  q.title_senior = pp.title_senior();
  q.hardship_spouse_separation = pp.hardship_spouse_separation();
  q.hardship_caring_for_parents = pp.hardship_caring_for_parents();
  q.hardship_disability = pp.hardship_disability();
  q.hardship_other = pp.hardship_other();
  const auto& rc = p.recruitment();
  auto& rr = r.recruitment;
  rr.gender_mode = static_cast<rules::GenderMode>(rc.gender_mode());
  rr.gender_floor_percent = rc.gender_floor_percent();
  rr.county_target_percent = rc.county_target_percent();
  rr.min_score = rc.min_score();
  rr.min_score_within_of_open_cutoff = rc.min_score_within_of_open_cutoff();
  rr.precedence = static_cast<rules::RecruitmentPrecedence>(rc.precedence());
  rr.channel_targets.clear();
  for (const auto& t : rc.channel_targets()) {
    rr.channel_targets.push_back(
        {static_cast<rules::Channel>(t.channel()), t.percent()});
  }
  rr.interview_gate = rc.interview_gate();
  rr.default_bundled_term_years = rc.default_bundled_term_years();
  r.tie_chain.clear();
  for (int t : p.tie_chain())
    r.tie_chain.push_back(static_cast<rules::TieBreaker>(t));
  const auto& pi = p.itinerant_teaching();
  auto& i = r.itinerant_teaching;
  i.shortage_subjects.assign(pi.shortage_subjects().begin(),
                             pi.shortage_subjects().end());
  i.same_zone_only = pi.same_zone_only();
  i.max_schools_per_teacher = pi.max_schools_per_teacher();
  i.max_weekly_periods = pi.max_weekly_periods();
  i.max_trip_minutes = pi.max_trip_minutes();
  i.periods_per_half_day = pi.periods_per_half_day();
  i.visit_days.clear();
  for (int day : pi.visit_days()) i.visit_days.push_back(day - 1);
  i.straight_line_factor_percent = pi.straight_line_factor_percent();
  i.speed_kmh = pi.speed_kmh();
  i.subsidy_tiers.clear();
  for (const auto& t : pi.subsidy_tiers())
    i.subsidy_tiers.push_back({t.up_to_metres(), t.yuan_per_month()});
  i.volunteers_first = pi.volunteers_first();
  i.points_per_year = pi.points_per_year();
  return r;
}

}  // namespace rota::service
