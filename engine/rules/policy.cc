#include "engine/rules/policy.h"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "engine/rules/internal/strings.h"

namespace rota::engine::rules {
namespace {

constexpr int64_t kMaxMagnitude = 1000000000;  // 10^7 points

absl::Status Bad(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("policy.", internal::Sv(field), ": ", internal::Sv(what)));
}

absl::Status Range(std::string_view field, int64_t value, int64_t lo,
                   int64_t hi) {
  if (value < lo || value > hi) {
    return Bad(field, absl::StrCat("must be between ", lo, " and ", hi,
                                   ", got ", value));
  }
  return absl::OkStatus();
}

template <typename E>
absl::Status EnumList(std::string_view field, const std::vector<E>& values,
                      int lo, int hi) {
  uint64_t seen = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    int v = static_cast<int>(values[i]);
    std::string item = absl::StrCat(internal::Sv(field), "[", i, "]");
    if (v < lo || v > hi) {
      return Bad(item, absl::StrCat("unknown value ", v));
    }
    if ((seen >> v) & 1) return Bad(item, absl::StrCat("duplicate value ", v));
    seen |= uint64_t{1} << v;
  }
  return absl::OkStatus();
}

absl::Status ValidateItinerantPolicy(const ItinerantTeachingPolicy& it) {
  std::set<std::string_view> subjects;
  for (size_t i = 0; i < it.shortage_subjects.size(); ++i) {
    std::string f =
        absl::StrCat("itinerant_teaching.shortage_subjects[", i, "]");
    if (it.shortage_subjects[i].empty()) return Bad(f, "must not be empty");
    if (!subjects.insert(it.shortage_subjects[i]).second) {
      return Bad(f, absl::StrCat("duplicate subject \"",
                                 it.shortage_subjects[i], "\""));
    }
  }
  ROTA_RETURN_IF_ERROR(Range("itinerant_teaching.max_schools_per_teacher",
                             it.max_schools_per_teacher, 1, 10));
  ROTA_RETURN_IF_ERROR(Range("itinerant_teaching.max_weekly_periods",
                             it.max_weekly_periods, 0, 60));
  ROTA_RETURN_IF_ERROR(Range("itinerant_teaching.max_trip_minutes",
                             it.max_trip_minutes, 0, 600));
  ROTA_RETURN_IF_ERROR(Range("itinerant_teaching.periods_per_half_day",
                             it.periods_per_half_day, 1, 10));
  uint32_t days = 0;
  for (size_t i = 0; i < it.visit_days.size(); ++i) {
    std::string f = absl::StrCat("itinerant_teaching.visit_days[", i, "]");
    ROTA_RETURN_IF_ERROR(Range(f, it.visit_days[i], 0, 4));
    if ((days >> it.visit_days[i]) & 1) {
      return Bad(f, absl::StrCat("duplicate day ", it.visit_days[i]));
    }
    days |= 1u << it.visit_days[i];
  }
  ROTA_RETURN_IF_ERROR(Range("itinerant_teaching.straight_line_factor_percent",
                             it.straight_line_factor_percent, 100, 1000));
  ROTA_RETURN_IF_ERROR(
      Range("itinerant_teaching.speed_kmh", it.speed_kmh, 1, 200));
  for (size_t i = 0; i < it.subsidy_tiers.size(); ++i) {
    std::string f = absl::StrCat("itinerant_teaching.subsidy_tiers[", i, "]");
    const SubsidyTier& t = it.subsidy_tiers[i];
    ROTA_RETURN_IF_ERROR(
        Range(f + ".up_to_metres", t.up_to_metres, 1, 10000000));
    ROTA_RETURN_IF_ERROR(
        Range(f + ".yuan_per_month", t.yuan_per_month, 0, 1000000));
    if (i > 0 && t.up_to_metres <= it.subsidy_tiers[i - 1].up_to_metres) {
      return Bad(f + ".up_to_metres", "tiers must increase strictly");
    }
  }
  return Range("itinerant_teaching.points_per_year", it.points_per_year,
               -kMaxMagnitude, kMaxMagnitude);
}

}  // namespace

std::string_view DirectionName(Direction d) {
  switch (d) {
    case Direction::kUrbanToRural:
      return "urban-to-rural";
    case Direction::kStrongToWeak:
      return "strong-to-weak";
    case Direction::kRuralToUrbanTraining:
      return "rural-to-urban-training";
  }
  return "unknown";
}

std::string_view LeaderDirectionName(LeaderDirection d) {
  switch (d) {
    case LeaderDirection::kUrbanRuralExchange:
      return "urban-rural exchange";
    case LeaderDirection::kStrongWeakExchange:
      return "strong-weak exchange";
    case LeaderDirection::kAnySchool:
      return "any school";
  }
  return "unknown";
}

std::string_view VoluntaryMechanismName(VoluntaryMechanism m) {
  switch (m) {
    case VoluntaryMechanism::kTeacherOptimalBlockExchange:
      return "to-be";
    case VoluntaryMechanism::kTenureDeferredAcceptance:
      return "da-star";
  }
  return "unknown";
}

std::string_view StageModeName(StageMode m) {
  switch (m) {
    case StageMode::kSimultaneous:
      return "simultaneous";
    case StageMode::kSequential:
      return "sequential";
  }
  return "unknown";
}

std::string_view GenderModeName(GenderMode m) {
  switch (m) {
    case GenderMode::kOff:
      return "off";
    case GenderMode::kSameRate:
      return "same admission rate";
    case GenderMode::kEqualNumbers:
      return "equal numbers";
    case GenderMode::kFloorPerPost:
      return "floor per post";
    case GenderMode::kCountyBalance:
      return "county balance";
  }
  return "unknown";
}

namespace {

absl::Status ValidateRecruitmentPolicy(const RecruitmentPolicy& r) {
  int gm = static_cast<int>(r.gender_mode);
  if (gm < 1 || gm > 5) {
    return Bad("recruitment.gender_mode", absl::StrCat("unknown value ", gm));
  }
  ROTA_RETURN_IF_ERROR(
      Range("recruitment.gender_floor_percent", r.gender_floor_percent, 0, 50));
  ROTA_RETURN_IF_ERROR(Range("recruitment.county_target_percent",
                             r.county_target_percent, 0, 50));
  ROTA_RETURN_IF_ERROR(Range("recruitment.min_score", r.min_score, 0, 10000));
  ROTA_RETURN_IF_ERROR(Range("recruitment.min_score_within_of_open_cutoff",
                             r.min_score_within_of_open_cutoff, 0, 10000));
  int pr = static_cast<int>(r.precedence);
  if (pr < 1 || pr > 2) {
    return Bad("recruitment.precedence", absl::StrCat("unknown value ", pr));
  }
  uint32_t seen = 0;
  int64_t sum = 0;
  for (size_t i = 0; i < r.channel_targets.size(); ++i) {
    const ChannelTarget& t = r.channel_targets[i];
    std::string f = absl::StrCat("recruitment.channel_targets[", i, "]");
    int c = static_cast<int>(t.channel);
    if (c < 1 || c > 4) {
      return Bad(f + ".channel", absl::StrCat("unknown value ", c));
    }
    if ((seen >> c) & 1) {
      return Bad(f + ".channel", absl::StrCat("duplicate value ", c));
    }
    seen |= uint32_t{1} << c;
    ROTA_RETURN_IF_ERROR(Range(f + ".percent", t.percent, 0, 100));
    sum += t.percent;
  }
  if (sum > 100) {
    return Bad("recruitment.channel_targets",
               absl::StrCat("percents sum to ", sum, ", more than 100"));
  }
  ROTA_RETURN_IF_ERROR(Range("recruitment.default_bundled_term_years",
                             r.default_bundled_term_years, 1, 20));
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidatePolicy(const RoundPolicy& p) {
  const auto& r = p.retirement;
  ROTA_RETURN_IF_ERROR(Range("retirement.male_age", r.male_age, 16, 80));
  ROTA_RETURN_IF_ERROR(Range("retirement.female_age", r.female_age, 16, 80));
  ROTA_RETURN_IF_ERROR(Range("retirement.female_senior_title_age",
                             r.female_senior_title_age, 16, 80));
  ROTA_RETURN_IF_ERROR(
      Range("retirement.delay_start_year", r.delay_start_year, 1900, 2200));
  ROTA_RETURN_IF_ERROR(
      Range("retirement.delay_start_month", r.delay_start_month, 1, 12));
  const std::pair<const char*, int32_t> delays[] = {
      {"retirement.male_max_delay_months", r.male_max_delay_months},
      {"retirement.female_max_delay_months", r.female_max_delay_months},
      {"retirement.female_senior_title_max_delay_months",
       r.female_senior_title_max_delay_months},
  };
  for (const auto& [name, value] : delays) {
    ROTA_RETURN_IF_ERROR(Range(name, value, 0, 120));
  }
  const std::pair<const char*, int32_t> steps[] = {
      {"retirement.male_birth_months_per_delay_month",
       r.male_birth_months_per_delay_month},
      {"retirement.female_birth_months_per_delay_month",
       r.female_birth_months_per_delay_month},
      {"retirement.female_senior_title_birth_months_per_delay_month",
       r.female_senior_title_birth_months_per_delay_month},
  };
  for (const auto& [name, value] : steps) {
    ROTA_RETURN_IF_ERROR(Range(name, value, 1, 120));
  }
  const auto& e = p.exchange_rotation;
  ROTA_RETURN_IF_ERROR(Range("exchange_rotation.min_years_at_school",
                             e.min_years_at_school, 0, 60));
  ROTA_RETURN_IF_ERROR(Range("exchange_rotation.min_years_to_retirement",
                             e.min_years_to_retirement, 0, 60));
  ROTA_RETURN_IF_ERROR(Range("exchange_rotation.rotation_share_percent",
                             e.rotation_share_percent, 0, 100));
  ROTA_RETURN_IF_ERROR(Range("exchange_rotation.backbone_share_percent",
                             e.backbone_share_percent, 0, 100));
  int scope = static_cast<int>(e.share_scope);
  if (scope < 1 || scope > 2) {
    return Bad("exchange_rotation.share_scope",
               absl::StrCat("unknown value ", scope));
  }
  ROTA_RETURN_IF_ERROR(EnumList("exchange_rotation.mandatory_directions",
                                e.mandatory_directions, 1, 3));
  for (size_t i = 0; i < e.mandatory_directions.size(); ++i) {
    if (e.mandatory_directions[i] == Direction::kRuralToUrbanTraining) {
      return Bad(
          absl::StrCat("exchange_rotation.mandatory_directions[", i, "]"),
          "RURAL_TO_URBAN_TRAINING is voluntary only; use "
          "allow_rural_to_urban_training");
    }
  }
  ROTA_RETURN_IF_ERROR(EnumList("exchange_rotation.leader_directions",
                                e.leader_directions, 1, 3));
  ROTA_RETURN_IF_ERROR(Range("exchange_rotation.leader_rotation_cap_percent",
                             e.leader_rotation_cap_percent, 0, 100));
  int mode = static_cast<int>(e.mode);
  if (mode < 1 || mode > 2) {
    return Bad("exchange_rotation.mode", absl::StrCat("unknown value ", mode));
  }
  ROTA_RETURN_IF_ERROR(
      Range("exchange_rotation.term_years", e.term_years, 1, 20));
  ROTA_RETURN_IF_ERROR(Range("exchange_rotation.principal_min_years",
                             e.principal_min_years, 0, 60));
  ROTA_RETURN_IF_ERROR(
      Range("exchange_rotation.principal_min_years_to_retirement",
            e.principal_min_years_to_retirement, 0, 60));
  int vm = static_cast<int>(e.voluntary_mechanism);
  if (vm < 1 || vm > 2) {
    return Bad("exchange_rotation.voluntary_mechanism",
               absl::StrCat("unknown value ", vm));
  }
  ROTA_RETURN_IF_ERROR(
      EnumList("exchange_rotation.selection_order", e.selection_order, 1, 3));
  ROTA_RETURN_IF_ERROR(Range("exchange_rotation.allocation_cost_per_km",
                             e.allocation_cost_per_km, 0, 1000000));
  ROTA_RETURN_IF_ERROR(
      EnumList("exchange_rotation.stage_scope", e.stage_scope, 1, 5));
  ROTA_RETURN_IF_ERROR(
      EnumList("exchange_rotation.share_localities", e.share_localities, 1, 4));
  int rounding = static_cast<int>(e.share_rounding);
  if (rounding < 1 || rounding > 3) {
    return Bad("exchange_rotation.share_rounding",
               absl::StrCat("unknown value ", rounding));
  }
  const auto& h = p.competitive_hiring;
  int sm = static_cast<int>(h.stage_mode);
  if (sm < 1 || sm > 2) {
    return Bad("competitive_hiring.stage_mode",
               absl::StrCat("unknown value ", sm));
  }
  ROTA_RETURN_IF_ERROR(
      Range("competitive_hiring.max_bands_down", h.max_bands_down, 0, 2));
  ROTA_RETURN_IF_ERROR(
      Range("competitive_hiring.max_bands_up", h.max_bands_up, 0, 2));
  if (h.up_hiring_highest_band != Title::kJunior &&
      h.up_hiring_highest_band != Title::kIntermediate &&
      h.up_hiring_highest_band != Title::kSenior) {
    return Bad("competitive_hiring.up_hiring_highest_band",
               "must be a post band: junior, intermediate or senior");
  }
  ROTA_RETURN_IF_ERROR(Range("competitive_hiring.up_hiring_competent_years",
                             h.up_hiring_competent_years, 0, 30));
  ROTA_RETURN_IF_ERROR(Range("competitive_hiring.allocation_cost_per_km",
                             h.allocation_cost_per_km, 0, 1000000));
  ROTA_RETURN_IF_ERROR(
      Range("competitive_hiring.allocation_secondary_subject_cost",
            h.allocation_secondary_subject_cost, 0, 1000000));
  const auto& pt = p.points;
  const std::pair<const char*, int64_t> points[] = {
      {"points.per_service_year", pt.per_service_year},
      {"points.per_rural_year", pt.per_rural_year},
      {"points.per_weak_school_year", pt.per_weak_school_year},
      {"points.evaluation_excellent", pt.evaluation_excellent},
      {"points.evaluation_competent", pt.evaluation_competent},
      {"points.evaluation_basic_competent", pt.evaluation_basic_competent},
      {"points.evaluation_incompetent", pt.evaluation_incompetent},
      {"points.backbone_county", pt.backbone_county},
      {"points.backbone_city", pt.backbone_city},
      {"points.backbone_province", pt.backbone_province},
      {"points.title_junior", pt.title_junior},
      {"points.title_intermediate", pt.title_intermediate},
      {"points.title_senior", pt.title_senior},
      {"points.hardship_spouse_separation", pt.hardship_spouse_separation},
      {"points.hardship_caring_for_parents", pt.hardship_caring_for_parents},
      {"points.hardship_disability", pt.hardship_disability},
      {"points.hardship_other", pt.hardship_other},
  };
  for (const auto& [name, value] : points) {
    ROTA_RETURN_IF_ERROR(Range(name, value, -kMaxMagnitude, kMaxMagnitude));
  }
  ROTA_RETURN_IF_ERROR(
      Range("points.evaluation_years", pt.evaluation_years, 0, 50));
  ROTA_RETURN_IF_ERROR(EnumList("tie_chain", p.tie_chain, 1, 5));
  ROTA_RETURN_IF_ERROR(ValidateItinerantPolicy(p.itinerant_teaching));
  ROTA_RETURN_IF_ERROR(ValidateRecruitmentPolicy(p.recruitment));
  return absl::OkStatus();
}

}  // namespace rota::engine::rules
