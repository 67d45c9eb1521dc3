// RoundPolicy: the county policy for exchange rotation and competitive hiring
// as a plain struct, mirroring proto/rota/v1/policy.proto field by field.
//
// This file is the single home of the policy defaults: every field's
// initializer is the default documented in policy.proto and SPEC.md, and the
// service fills each unset proto field from a default-constructed
// RoundPolicy. Enum values have the same numbers as their proto
// counterparts, so conversion is a static_cast of a validated value.
// Points are in centipoints (100 = 1 point).
//
//   RoundPolicy policy;                                  // all defaults
//   policy.exchange_rotation.rotation_share_percent = 15;
//   ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));        // InvalidArgument
//
// Thread-safety: plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/rules/county.h"

namespace rota::engine::rules {

// Where the rotation and backbone shares must hold (proto ShareScope).
enum class ShareScope { kPerSchool = 1, kCountyWide = 2 };

// Allowed directions of a mandatory move (proto Direction). Localities are
// ordered URBAN > TOWN > RURAL > TEACHING_POINT.
enum class Direction {
  kUrbanToRural = 1,          // to a school of lower locality
  kStrongToWeak = 2,          // from a non-weak to a weak school
  kRuralToUrbanTraining = 3,  // rural/teaching point -> urban/town, voluntary
};

// Where a principal or vice-principal may be rotated to (proto
// LeaderDirection). Leaders move only into leadership seats vacated in the
// same run (swaps and cycles), so a one-way direction such as "to a lower
// locality" could never close a cycle: leader directions are exchanges
// between two kinds of school, either way.
enum class LeaderDirection {
  kUrbanRuralExchange = 1,  // urban/town <-> rural/teaching point (城乡交流)
  kStrongWeakExchange = 2,  // non-weak <-> weak school
  kAnySchool = 3,           // any other school
};

// proto ExchangeMode.
enum class ExchangeMode { kTermExchange = 1, kTransfer = 2 };

// proto VoluntaryMechanism.
enum class VoluntaryMechanism {
  kTeacherOptimalBlockExchange = 1,  // "to-be"
  kTenureDeferredAcceptance = 2,     // "da-star"
};

// proto SelectionCriterion: how mandatory movers are picked before the
// lottery.
enum class SelectionCriterion {
  kLongestAtSchool = 1,  // earliest join date at the current school first
  kYoungest = 2,         // furthest from retirement first
  kLowestPoints = 3,     // lowest points first
};

// proto StageMode (competitive hiring).
enum class StageMode { kSimultaneous = 1, kSequential = 2 };

// proto TieBreaker: criteria after points, first first; then the lottery.
enum class TieBreaker {
  kLongerService = 1,         // earlier career start first
  kLongerAtSchool = 2,        // earlier join date at the current school first
  kOlder = 3,                 // earlier birth date first
  kHigherTitle = 4,           // higher title first
  kBetterLastEvaluation = 5,  // better most recent evaluation first
};

std::string_view DirectionName(Direction d);  // "urban-to-rural", ...
// "urban-rural exchange", "strong-weak exchange", "any school".
std::string_view LeaderDirectionName(LeaderDirection d);
std::string_view VoluntaryMechanismName(VoluntaryMechanism m);  // "to-be"
std::string_view StageModeName(StageMode m);  // "simultaneous"/"sequential"

// proto ShareRounding: how a share of a pool becomes a whole number.
enum class ShareRounding {
  kUp = 1,       // ceil: any pool of 1+ owes at least one
  kDown = 2,     // floor
  kNearest = 3,  // half up: 10% of 1..4 -> 0, of 5..14 -> 1
};

// Retirement ages as a schedule by birth date and sex (points.h
// RetirementDay). Each base age is delayed, for those who reach it on or
// after the first day of delay_start_year-delay_start_month, by one month
// per `*_birth_months_per_delay_month` months of birth (the first such
// birth month already one month), up to `*_max_delay_months`: the 2024
// decision of the NPC Standing Committee (渐进式延迟法定退休年龄, from
// 2025-01-01): men 60 -> 63 and women 55 -> 58 by one month per 4 months of
// birth. A max delay of 0 keeps the base age.
struct RetirementPolicy {
  int32_t male_age = 60;                 // statutory retirement age of men
  int32_t female_age = 55;               // of women
  int32_t female_senior_title_age = 60;  // of women with a senior title
  // First month of the delay schedule.
  int32_t delay_start_year = 2025;
  int32_t delay_start_month = 1;
  int32_t male_max_delay_months = 36;               // 60 -> 63
  int32_t male_birth_months_per_delay_month = 4;    // one month per 4
  int32_t female_max_delay_months = 36;             // 55 -> 58
  int32_t female_birth_months_per_delay_month = 4;  // one month per 4
  // Senior-title women keep 60 (the reform delays the statutory ages, not
  // this extension; 60 already lies beyond the women's 58).
  int32_t female_senior_title_max_delay_months = 0;
  int32_t female_senior_title_birth_months_per_delay_month = 4;
};

struct ExchangeRotationPolicy {
  // Years at the same school before a teacher is eligible (>=).
  int32_t min_years_at_school = 6;
  // Eligible only if strictly more than this many years from retirement.
  int32_t min_years_to_retirement = 5;
  // At least ceil(this % x eligible) must rotate each year.
  int32_t rotation_share_percent = 10;
  // Backbone teachers make up at least ceil(this % x movers).
  int32_t backbone_share_percent = 20;
  ShareScope share_scope = ShareScope::kPerSchool;
  // Directions a mandatory move may take (any one of them suffices).
  std::vector<Direction> mandatory_directions = {Direction::kUrbanToRural,
                                                 Direction::kStrongToWeak};
  // Rural/teaching-point teachers may volunteer for urban/town schools.
  bool allow_rural_to_urban_training = true;
  ExchangeMode mode = ExchangeMode::kTermExchange;
  // Length of a term exchange in years (return date = effective + term).
  int32_t term_years = 3;
  // Principals/vice-principals must rotate after this many years at a school
  int32_t principal_min_years = 6;
  // ... unless within this many years of retirement: then INSPECTOR (专职督学).
  int32_t principal_min_years_to_retirement = 5;
  VoluntaryMechanism voluntary_mechanism =
      VoluntaryMechanism::kTeacherOptimalBlockExchange;
  // Order in which mandatory movers are picked; then the seeded lottery.
  std::vector<SelectionCriterion> selection_order = {
      SelectionCriterion::kLongestAtSchool};
  // County allocation (min-cost) cost per kilometre of distance.
  int64_t allocation_cost_per_km = 10;
  // Non-established (编外) teachers are rotation movers (eligible, counted
  // in the share, selected, may apply voluntarily) and count against the
  // headcount. false: they take no part and hold their seats outside it.
  bool rotate_non_established = false;
  // Stages in rotation scope: a school is in scope if one of its stages is
  // listed (a nine-year school, primary + junior, is). Teachers at other
  // schools are not eligible and do not move; other schools receive nobody.
  std::vector<Stage> stage_scope = {Stage::kPrimary, Stage::kJunior};
  // Schools that carry the rotation share (2014 national opinion: 城镇学校、
  // 优质学校): localities listed here, and weak schools only if
  // weak_schools_carry_share. Eligible teachers elsewhere may volunteer but
  // are never selected, and their schools get no quota lines.
  std::vector<Locality> share_localities = {Locality::kUrban, Locality::kTown};
  bool weak_schools_carry_share = false;
  // Rounding of rotation_share_percent x pool (per school or county-wide,
  // as share_scope). kNearest never asks one of a pool of 1-4.
  ShareRounding share_rounding = ShareRounding::kNearest;
  // Where a principal or vice-principal who must rotate may go (any one
  // suffices): by default an urban-rural or a strong-weak exchange.
  std::vector<LeaderDirection> leader_directions = {
      LeaderDirection::kUrbanRuralExchange,
      LeaderDirection::kStrongWeakExchange};
  // At most floor(this % x the county's principals) principals, and as many
  // of its vice-principals, change school in one round (locks and overrides
  // included). 20: the six-year rule alone brings about one leader in six
  // to rotation each year, and four in five schools keep their leadership.
  int32_t leader_rotation_cap_percent = 20;
};

struct CompetitiveHiringPolicy {
  StageMode stage_mode = StageMode::kSimultaneous;
  bool allow_down_hiring = true;        // 低聘 allowed
  int32_t max_bands_down = 1;           // at most this many title bands down
  int64_t allocation_cost_per_km = 10;  // 调剂 cost per kilometre
  // Extra allocation cost for teaching a secondary (not primary) subject.
  // Exchange rotation's county allocation uses it too.
  int64_t allocation_secondary_subject_cost = 500;
  // Up-hiring (低职高聘): a teacher placed in a higher title band than her
  // title, only in the county allocation, into a seat that no teacher of
  // that band who qualifies for it needs. Off by default: the county texts
  // name 低聘 and "能上能下" but no rule for hiring upward.
  bool allow_up_hiring = false;
  int32_t max_bands_up = 1;  // at most this many title bands up
  // The highest post band an up-hire may take (senior posts need a senior
  // title unless this is kSenior).
  Title up_hiring_highest_band = Title::kIntermediate;
  // Up-hiring needs her latest evaluation (the most recent school year
  // before the effective date's year) to be excellent (优秀).
  bool up_hiring_requires_latest_excellent = true;
  // ... and an evaluation of at least competent (合格) in each of the last
  // this many school years before the effective date's year; 0 = no such
  // condition.
  int32_t up_hiring_competent_years = 3;
};

// One travel subsidy tier of itinerant teaching: a trip (one way) of at
// most up_to_metres earns yuan_per_month (the first tier, in up_to_metres
// order, that holds; beyond the last tier, the last tier's amount).
struct SubsidyTier {
  int64_t up_to_metres = 0;
  int64_t yuan_per_month = 0;
};

// Itinerant teaching (走教, itinerant_teaching.h): teachers of shortage
// subjects teach periods at other schools of their zone (学区) so that every
// school teaches the full curriculum (开齐开足). One school per half-day is
// structural (no field).
struct ItinerantTeachingPolicy {
  // Subject codes whose required periods other schools' teachers may cover
  // (音体美, 劳动, 信息科技, 心理健康, 道德与法治); other subjects' periods
  // are left to the schools' own staff and are not part of the round.
  std::vector<std::string> shortage_subjects = {
      "music", "pe", "art", "labour", "it", "mental_health", "morality"};
  // A teacher visits only schools of her own school's zone (学区); schools
  // without a zone form no zone with anyone. false: any school of the county
  // within the trip cap.
  bool same_zone_only = true;
  // At most this many schools per itinerant teacher, her own school
  // included (so 3 = her own + two visited).
  int32_t max_schools_per_teacher = 3;
  // At most this many weekly periods in total: her own school's load plus
  // every itinerant period.
  int32_t max_weekly_periods = 18;
  // A trip from her school to a visited school takes at most this many
  // minutes (road time, or the fallback below).
  int32_t max_trip_minutes = 40;
  // Periods one half-day visit can hold.
  int32_t periods_per_half_day = 4;
  // Weekdays on which visits may take place, 0 = Monday .. 4 = Friday (e.g.
  // {1, 3}: Tuesdays and Thursdays); empty = any weekday.
  std::vector<int32_t> visit_days;
  // Fallback when the county imports no road distance for a pair: road
  // metres = straight-line metres x this / 100, minutes at speed_kmh.
  int32_t straight_line_factor_percent = 140;
  int32_t speed_kmh = 30;
  // Monthly travel subsidy by the distance of her longest trip, tiers in
  // increasing up_to_metres. Empty: no subsidy. Defaults: a county's
  // illustrative schedule (the texts leave the amounts to counties).
  std::vector<SubsidyTier> subsidy_tiers = {
      {5000, 100}, {15000, 200}, {30000, 300}};
  // Volunteers (Teacher::itinerant_volunteer) are assigned before
  // non-volunteers: among optimal assignments, the one with the fewest
  // non-volunteer periods (after coverage, before travel).
  bool volunteers_first = true;
  // Points (centipoints) per school year of 走教 service, for the points
  // item that credits it; 0 (the texts say 倾斜 but give no number).
  int64_t points_per_year = 0;
};

// All in centipoints.
struct PointsPolicy {
  int64_t per_service_year = 100;      // per full year since career start
  int64_t per_rural_year = 200;        // extra per year at rural/teaching pt
  int64_t per_weak_school_year = 100;  // extra per year at weak schools
  // Per evaluation of the last `evaluation_years` years, by grade.
  int64_t evaluation_excellent = 300;
  int64_t evaluation_competent = 100;
  int64_t evaluation_basic_competent = 0;
  int64_t evaluation_incompetent = -500;
  int32_t evaluation_years = 5;
  int64_t backbone_county = 300;
  int64_t backbone_city = 500;
  int64_t backbone_province = 800;
  int64_t title_junior = 100;
  int64_t title_intermediate = 300;
  int64_t title_senior = 500;
  int64_t hardship_spouse_separation = 300;
  int64_t hardship_caring_for_parents = 200;
  int64_t hardship_disability = 300;
  int64_t hardship_other = 100;
};

// proto RecruitmentGenderMode: how a recruitment round balances the sexes.
// Every mode works through horizontal reserves with the score floor
// (recruitment.h): never a sex-only post, never separate lists.
enum class GenderMode {
  kOff = 1,  // no gender rule
  // Same admission rate: each sex's share of a post's seats is its share of
  // the post's eligible applicant pool (those who list the post, qualify,
  // passed the interview and reach the floor); both sexes get
  // floor(seats x share) reserved seats.
  kSameRate = 2,
  // Equal numbers: floor(seats / 2) seats reserved for each sex, as far as
  // qualified applicants allow.
  kEqualNumbers = 3,
  // At least gender_floor_percent of a post's seats to each sex when
  // qualified applicants exist: min(ceil(seats x percent / 100),
  // floor(seats / 2)) reserved for each sex.
  kFloorPerPost = 4,
  // Toward a county-wide share: the sex below county_target_percent of the
  // county's staff (the round's teachers) gets reserved seats, spread over
  // the posts by seats, to close the gap as far as this round's seats can.
  kCountyBalance = 5,
};

// proto RecruitmentPrecedence: which seats of a post are filled first.
enum class RecruitmentPrecedence {
  // Reserved seats first: the reserve is a minimum guarantee (a woman hired
  // on her score counts toward the women's reserve), the horizontal
  // reservation of Sönmez and Yenmez (2022).
  kReserveFirst = 1,
  // Open seats first: the reserve comes over and above those hired on their
  // score (the vertical reading; most seats for the reserved group, Dur,
  // Kominers, Pathak and Sönmez 2018).
  kOpenFirst = 2,
};

std::string_view GenderModeName(GenderMode m);  // "off", "same rate", ...

// A channel's target share of each post's seats (reserved, soft).
struct ChannelTarget {
  Channel channel = Channel::kUnspecified;
  int32_t percent = 0;  // floor(seats x percent / 100) reserved seats
};

struct RecruitmentPolicy {
  GenderMode gender_mode = GenderMode::kOff;
  // kFloorPerPost: each sex's share of a post's seats, 0..50.
  int32_t gender_floor_percent = 40;
  // kCountyBalance: target share of each sex in the county's staff, 0..50.
  int32_t county_target_percent = 40;
  // No seat to an applicant below this written score (centipoints; 6000 =
  // 60.00 of 100), open or reserved.
  int64_t min_score = 6000;
  // A reserved seat of a post needs a written score of at least (lowest
  // score on an open seat of that post) - this (centipoints, 1000 = 10.00
  // points): Xiamen's 20.13 vs 56 gap cannot happen. 0 = not used.
  int64_t min_score_within_of_open_cutoff = 1000;
  RecruitmentPrecedence precedence = RecruitmentPrecedence::kReserveFirst;
  // Channel targets (特岗, 公费师范生, 人才引进, ...); empty = none. Sum of
  // percents <= 100, at most one per channel.
  std::vector<ChannelTarget> channel_targets;
  // An applicant who failed the interview takes no seat (Xining).
  bool interview_gate = true;
  // Years a bundled post's new teacher serves first at its rural school
  // when the post names none (Gaotang: the first two 聘期 bundled).
  int32_t default_bundled_term_years = 3;
};

struct RoundPolicy {
  int32_t school_year = 0;  // informational
  int64_t version = 0;      // informational: the stored policy version
  RetirementPolicy retirement;
  ExchangeRotationPolicy exchange_rotation;
  CompetitiveHiringPolicy competitive_hiring;
  PointsPolicy points;
  ItinerantTeachingPolicy itinerant_teaching;
  RecruitmentPolicy recruitment;
  // Tie chain after points, first criterion first; then the seeded lottery.
  std::vector<TieBreaker> tie_chain = {TieBreaker::kLongerService,
                                       TieBreaker::kLongerAtSchool,
                                       TieBreaker::kOlder};
};

// Semantic checks. InvalidArgument naming the field by its proto path, e.g.
// "policy.exchange_rotation.rotation_share_percent: must be between 0 and
// 100, got 120". Checks: ages 16..80, retirement delays 0..120 months at
// one month per 1..120 months of birth from a month of 1900..2200,
// years >= 0 (term_years >= 1),
// percentages 0..100, enum values in range, no duplicates in
// mandatory_directions / leader_directions / selection_order / tie_chain /
// stage_scope / share_localities, evaluation_years
// 0..50, costs and points within +-10^9, max_bands_down 0..2;
// itinerant_teaching: shortage subjects non-empty codes without duplicates,
// max_schools_per_teacher 1..10, max_weekly_periods 0..60, max_trip_minutes
// 0..600, periods_per_half_day 1..10, visit_days 0..4 without duplicates,
// straight_line_factor_percent 100..1000, speed_kmh 1..200, subsidy tiers
// with strictly increasing up_to_metres in 1..10^7 and yuan 0..10^6,
// points_per_year within +-10^9; recruitment:
// gender_mode 1..5, gender_floor_percent and county_target_percent 0..50,
// min_score 0..10000, min_score_within_of_open_cutoff 0..10000, precedence
// 1..2, channel targets with a known channel, percent 0..100, no channel
// twice, percents summing to at most 100, default_bundled_term_years 1..20.
absl::Status ValidatePolicy(const RoundPolicy& policy);

}  // namespace rota::engine::rules
