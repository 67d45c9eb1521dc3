// CountyInputs: the frozen inputs of one round as plain structs (schools,
// posts, teachers, applications, locks, overrides, effective date, seed).
//
// The service snapshots the registry at freeze time and converts it into a
// CountyInputs; the rules (exchange_rotation.h, competitive_hiring.h) read
// only this, never a clock: "today" is `effective_day`. Enum values carry
// the numbers of their proto counterparts (proto/rota/v1/resources.proto),
// so conversion is a static_cast; 0 is always "unspecified". Dates are day
// numbers: days since 1970-01-01 (see DaysFromCivil / ParseDate).
// Ids are bare ids ("s12", "T0007"), not resource names.
//
// The order of every vector is irrelevant: the rules sort by id, so any
// permutation of the same inputs gives the same outcome and hash.
//
//   CountyInputs in;
//   in.effective_day = *ParseDate("2026-09-01");
//   in.seed = 20260901;
//   School s; s.id = "s1"; s.locality = Locality::kUrban; s.headcount = 40;
//   s.stages = {Stage::kPrimary}; in.schools.push_back(s);
//   ...
//   ROTA_RETURN_IF_ERROR(ValidateCountyInputs(in,
//   RoundKind::kExchangeRotation));
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace rota::engine::rules {

// ---------------------------------------------------------------- dates
// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// algorithm). REQUIRES: 1 <= month <= 12, 1 <= day <= days in that month.
int32_t DaysFromCivil(int32_t year, int32_t month, int32_t day);
struct CivilDate {
  int32_t year = 1970;
  int32_t month = 1;
  int32_t day = 1;
};
CivilDate CivilFromDays(int32_t days);
// "YYYY-MM-DD" -> day number; InvalidArgument (naming the text) otherwise.
absl::StatusOr<int32_t> ParseDate(std::string_view text);
// ParseDate, plus the forms a spreadsheet writes: a one- or two-digit month
// and day, '/' or '.' between the parts ("2019/9/1", "2019-9-1") or
// "2019年9月1日". Same calendar checks as ParseDate.
absl::StatusOr<int32_t> ParseDateLenient(std::string_view text);
// Day number -> "YYYY-MM-DD".
std::string FormatDate(int32_t days);
// The same calendar day `years` later (29 Feb -> 28 Feb in common years).
int32_t AddYears(int32_t days, int32_t years);
// The same day `months` calendar months later, clamped to the last day of
// the month (2025-01-31 + 1 month -> 2025-02-28).
int32_t AddMonths(int32_t days, int32_t months);
// Completed years from `from` to `to` (0 if to < from): the anniversary
// counts, so 2020-09-01 -> 2026-09-01 is 6.
int32_t FullYearsBetween(int32_t from, int32_t to);

// ---------------------------------------------------------------- enums
enum class RoundKind : uint8_t {
  kExchangeRotation = 1,
  kCompetitiveHiring = 2,
  kItinerantTeaching = 3,  // 走教 (itinerant_teaching.h)
  kRecruitment = 4,        // 新教师招聘 (recruitment.h)
};
enum class Stage : uint8_t {
  kUnspecified = 0,
  kKindergarten = 1,
  kPrimary = 2,
  kJunior = 3,
  kSenior = 4,
  kVocational = 5,
};
// Ordered URBAN > TOWN > RURAL > TEACHING_POINT (numerically reversed).
enum class Locality : uint8_t {
  kUnspecified = 0,
  kUrban = 1,
  kTown = 2,
  kRural = 3,
  kTeachingPoint = 4,
};
enum class Gender : uint8_t { kUnspecified = 0, kFemale = 1, kMale = 2 };
enum class Title : uint8_t {
  kUnspecified = 0,
  kNone = 1,          // 未定级
  kJunior = 2,        // 初级
  kIntermediate = 3,  // 中级
  kSenior = 4,        // 高级
};
enum class Role : uint8_t {
  kUnspecified = 0,
  kTeacher = 1,
  kPrincipal = 2,
  kVicePrincipal = 3,
};
enum class BackboneLevel : uint8_t {
  kUnspecified = 0,
  kNone = 1,
  kCounty = 2,
  kCity = 3,
  kProvince = 4,
};
enum class Employment : uint8_t {
  kUnspecified = 0,
  kEstablished = 1,
  kNonEstablished = 2,
};
enum class EvaluationGrade : uint8_t {
  kUnspecified = 0,
  kExcellent = 1,
  kCompetent = 2,
  kBasicCompetent = 3,
  kIncompetent = 4,
};
enum class ExemptionKind : uint8_t {
  kUnspecified = 0,
  kPregnancyOrNursing = 1,
  kSeriousIllness = 2,
  kNearRetirement = 3,
  kCountyDefined = 4,
};
enum class HardshipKind : uint8_t {
  kUnspecified = 0,
  kSpouseSeparation = 1,
  kCaringForParents = 2,
  kDisability = 3,
  kOther = 4,
};
enum class ObligationKind : uint8_t {
  kUnspecified = 0,
  kPublicFundedGraduate = 1,
  kSpecialPostPlan = 2,
  kBundledRuralTerm = 3,  // 捆绑聘用: the first terms at a rural school
};

// How an applicant entered the recruitment (招聘渠道). Each applicant has
// exactly one channel.
enum class Channel : uint8_t {
  kUnspecified = 0,
  kOpen = 1,          // open recruitment (公开招聘)
  kSpecialPost = 2,   // 特岗计划
  kPublicFunded = 3,  // 公费师范生
  kTalent = 4,        // 人才引进
};

std::string_view StageName(Stage s);            // "primary", ...
std::string_view LocalityName(Locality l);      // "urban", "town", ...
std::string_view TitleName(Title t);            // "senior", ...
std::string_view GradeName(EvaluationGrade g);  // "excellent", ...
std::string_view ChannelName(Channel c);        // "open", "special post"...
// True if locality a is strictly lower than b (e.g. kRural below kUrban).
inline bool LowerLocality(Locality a, Locality b) {
  return static_cast<int>(a) > static_cast<int>(b);
}
inline bool IsBackbone(BackboneLevel b) {
  return b == BackboneLevel::kCounty || b == BackboneLevel::kCity ||
         b == BackboneLevel::kProvince;
}

// ---------------------------------------------------------------- records
struct School {
  std::string id;
  std::string display_name;
  std::vector<Stage> stages;  // at least one
  Locality locality = Locality::kUnspecified;
  bool weak = false;          // 薄弱学校
  std::string zone;           // 学区
  bool has_location = false;  // false: distance unknown (cost 0 per km)
  double latitude = 0;
  double longitude = 0;
  int32_t headcount = 0;  // 编制数: counts established (编内) staff only
};

// Distance in metres between two schools; 0 if either has no coordinates.
// The one distance of every round kind (county allocation costs, reasons):
// an equirectangular approximation at the mean latitude (within 0.1% of the
// great circle over a county's few tens of kilometres) whose cosine is a
// fixed polynomial, so it uses only +, -, *, / and sqrt (all correctly
// rounded by IEEE 754) and no libm function: every machine computes the
// same bits, and so the same costs and result hashes. Exactly symmetric.
// Longitudes wrap at +-180; capped at 40,000 km.
int64_t SchoolDistanceMetres(const School& a, const School& b);

struct Post {
  std::string id;
  std::string school;  // school id
  std::string subject;
  Title title_band = Title::kUnspecified;  // kJunior..kSenior
  int32_t count = 0;                       // 岗位职数
  Stage stage = Stage::kUnspecified;  // kUnspecified = school's first stage
  // false (default): a 编制 post, for established (编内) staff first; 编外
  // teachers hold one only when no established teacher who qualifies for it
  // is left without a post (competitive_hiring.h). true: a seat outside the
  // establishment (e.g. a contract seat) that every teacher competes for on
  // equal terms.
  bool non_established = false;
};

struct Evaluation {
  int32_t year = 0;
  EvaluationGrade grade = EvaluationGrade::kUnspecified;
};

// One school year of 走教 service, committed by an itinerant teaching round.
struct ItinerantServiceYear {
  int32_t school_year = 0;
  int32_t start_day = 0;       // the round's effective date
  int32_t weekly_periods = 0;  // periods taught at other schools each week
};

// One spell at one school; the current spell has no end.
struct ServiceSpell {
  std::string school;
  int32_t start_day = 0;
  std::optional<int32_t> end_day;
  Locality locality = Locality::kUnspecified;  // during the spell
  bool weak = false;                           // during the spell
  bool term_exchange = false;
};

struct Exemption {
  ExemptionKind kind = ExemptionKind::kUnspecified;
  std::string note;
  int32_t start_day = 0;
  std::optional<int32_t> end_day;  // none: open-ended
  // In force on `day` (start <= day and, if set, day <= end).
  bool ActiveOn(int32_t day) const {
    return start_day <= day && (!end_day.has_value() || day <= *end_day);
  }
};

struct Hardship {
  HardshipKind kind = HardshipKind::kUnspecified;
  std::string note;
};

// Binds until required_rural_years are served at rural schools or teaching
// points since start_day (engine/rules/obligations.h).
struct ServiceObligation {
  ObligationKind kind = ObligationKind::kUnspecified;
  int32_t required_rural_years = 0;
  int32_t start_day = 0;
};

struct Teacher {
  std::string id;  // staff id
  std::string display_name;
  Gender gender = Gender::kUnspecified;
  int32_t birth_day = 0;
  int32_t career_start_day = 0;
  std::string school;  // current school id
  int32_t school_join_day = 0;
  std::string post;                   // post id held now; "" = none
  std::vector<std::string> subjects;  // first = primary subject
  std::vector<Stage> certificate_stages;
  Title title = Title::kUnspecified;
  Role role = Role::kUnspecified;
  // When she took up her present role (principal, vice-principal): years in
  // office at her school count from the later of this and school_join_day.
  // Unset: from school_join_day. Not before career_start_day.
  std::optional<int32_t> role_start_day;
  BackboneLevel backbone = BackboneLevel::kUnspecified;
  Employment employment = Employment::kUnspecified;
  std::vector<Evaluation> evaluations;
  // Every school with dates. Empty: derived as one spell at `school` from
  // `school_join_day` with that school's locality and weak flag.
  std::vector<ServiceSpell> service_history;
  std::vector<Exemption> exemptions;
  std::vector<Hardship> hardships;
  std::vector<ServiceObligation> obligations;
  // A term exchange (exchange rotation, mode kTermExchange) keeps her
  // personnel relation at `home_school` while she serves at `school`, until
  // `term_end_day`. Both set or both unset. An exchange rotation whose
  // effective date is on or after term_end_day sends her home
  // (exchange_rotation.h, "returns").
  std::string home_school;  // school id; "" = not on a term exchange
  std::optional<int32_t> term_end_day;
  // Itinerant teaching (走教, itinerant_teaching.h):
  // Weekly periods she teaches at her own school, in [0, 60].
  int32_t weekly_load = 0;
  // Half-days she is free to travel: bit 2*d+h, d = 0 Monday .. 4 Friday,
  // h = 0 morning, 1 afternoon (bits 0..9; 0 = never free).
  uint16_t free_half_days = 0;
  bool itinerant_volunteer = false;  // she volunteers for 走教
  // Her committed 走教 service, one entry per school year (points.h counts
  // the years begun before the effective date).
  std::vector<ItinerantServiceYear> itinerant_service;
};

// Half-day helpers for Teacher::free_half_days (d = 0 Monday .. 4 Friday,
// h = 0 morning, 1 afternoon).
inline constexpr int kHalfDaysPerWeek = 10;
inline constexpr uint16_t kAllHalfDays = (1u << kHalfDaysPerWeek) - 1;
inline constexpr int HalfDayBit(int day, int half) { return 2 * day + half; }

// A teacher's preference list (志愿) for the round.
struct Application {
  std::string teacher;
  // School ids (exchange rotation) or post ids (competitive hiring), best
  // first. No duplicates.
  std::vector<std::string> preferences;
  // Exchange rotation: she applies to move voluntarily. false: the list is
  // only used if she is selected as a mandatory mover.
  bool voluntary = false;
};

// Itinerant teaching: periods a lock keeps as they were in the run it was
// taken on (one school x subject x stage).
struct LockedPeriods {
  std::string school;
  std::string subject;
  Stage stage = Stage::kUnspecified;
  int32_t periods = 0;
};

// Keeps a placement of an earlier run (the service passes that placement's
// target). A re-run honours it.
struct Lock {
  std::string teacher;
  // School id (exchange rotation) or post id (competitive hiring) she is
  // placed at; "" = she stays (exchange) / stays unplaced (hiring).
  std::string to;
  std::string reason;
  // Itinerant teaching: her whole assignment in the locked run, kept as it
  // is (every school she visits and the periods at each). Empty: `to` pins
  // her to that one school (locks recorded without it).
  std::vector<LockedPeriods> itinerant = {};
};

// An administrator's placement. Breaking a hard rule (capacity,
// qualification, exemption, service obligation) makes the run fail with
// FailedPrecondition naming the rule (see exchange_rotation.h).
struct Override {
  std::string teacher;
  std::string to;  // as Lock::to
  std::string reason;
};

// Itinerant teaching demand: the weekly periods of `subject` at `stage` the
// school must teach (开齐开足), whoever teaches them.
struct PeriodRequirement {
  std::string school;  // school id
  std::string subject;
  Stage stage = Stage::kUnspecified;
  int32_t periods = 0;  // weekly periods, in [0, 60]
};

// Road distance and travel time between two schools, imported by a county;
// symmetric (one row serves both directions). A pair without a row falls
// back to SchoolDistanceMetres x the policy's straight-line factor, with the
// time from the policy's speed (ItinerantTeachingPolicy).
struct RoadDistance {
  std::string school_a;
  std::string school_b;
  int64_t metres = 0;
  int32_t minutes = 0;
};

// A new-teacher applicant of a recruitment round (not a teacher yet; a
// committed hire becomes one). Her preference list is part of the record.
struct Applicant {
  std::string id;  // county-unique, distinct from staff ids
  std::string display_name;
  Gender gender = Gender::kUnspecified;
  int32_t birth_day = 0;
  std::vector<std::string> subjects;  // subjects she may teach, first = main
  std::vector<Stage> certificate_stages;  // 教师资格 stages
  Channel channel = Channel::kUnspecified;
  // Xining's "先面试、后笔试": the interview is a pass/fail gate
  // (RecruitmentPolicy::interview_gate); the written score ranks.
  bool interview_passed = false;
  // Written exam score in centipoints: 0..10000 = 0.00..100.00.
  int64_t written_score = 0;
  std::vector<std::string> preferences;  // recruitment post ids, best first
};

// Seats a school recruits for in one subject and stage. A bundled post
// (捆绑聘用, Gaotang) places the new teacher at `school` with her first
// `bundled_term_years` served at `bundled_rural_school`.
struct RecruitmentPost {
  std::string id;      // county-unique among recruitment posts
  std::string school;  // school id
  std::string subject;
  Stage stage = Stage::kUnspecified;  // kUnspecified = school's first stage
  int32_t seats = 0;
  std::string bundled_rural_school;  // school id; "" = not bundled
  // Years at the rural school; 0 = the policy default
  // (RecruitmentPolicy::default_bundled_term_years) when bundled.
  int32_t bundled_term_years = 0;
};

struct CountyInputs {
  std::string county;         // county id, informational
  int32_t effective_day = 0;  // the round's effective date = "today"
  uint64_t seed = 0;          // lottery seed recorded on the round
  std::vector<School> schools;
  std::vector<Post> posts;
  std::vector<Teacher> teachers;
  std::vector<Application> applications;
  std::vector<Lock> locks;  // recruitment: teacher = applicant id
  std::vector<Override> overrides;
  // Itinerant teaching only (other kinds ignore them).
  std::vector<PeriodRequirement> period_requirements;
  std::vector<RoadDistance> road_distances;
  // Recruitment rounds only (empty otherwise).
  std::vector<Applicant> applicants;
  std::vector<RecruitmentPost> recruitment_posts;
};

// Sanity bounds of the inputs (the API rejects larger values first): the
// rules allocate per seat, so a post count or headcount near 2^31 must be
// refused, not attempted.
inline constexpr int kMaxPostCount = 10000;
inline constexpr int kMaxSchoolHeadcount = 100000;
// Weekly periods of a requirement or a teacher's own load.
inline constexpr int kMaxWeeklyPeriods = 60;
// A road distance (10,000 km) and travel time (one week).
inline constexpr int64_t kMaxRoadMetres = 10000000;
inline constexpr int32_t kMaxRoadMinutes = 10080;

// Structural validation shared by all round kinds. InvalidArgument naming
// the field, e.g. `teachers["T7"].school: unknown school "s9"`. Checks:
// non-empty unique ids (schools, posts, teachers); posts name known schools;
// headcount in [0, kMaxSchoolHeadcount], post counts in [0, kMaxPostCount];
// schools have at least one stage and a
// locality; teachers have a gender, a known school, at least one subject,
// birth < career start <= join date (a join date after the
// effective date counts as 0 years at the school), career start <= role
// start (a role start after the effective date counts as 0 years in office); a
// known post of their school if any; home_school and term_end_day both set or
// both unset, home_school a known school other than her school; spells start
// <= end; applications name known teachers, at most one per teacher,
// preferences known schools (kExchangeRotation) or posts (kCompetitiveHiring)
// without duplicates;
// locks and overrides name known teachers and targets, at most one lock or
// override per teacher. Itinerant teaching: teachers' weekly_load in
// [0, kMaxWeeklyPeriods] and free_half_days within kAllHalfDays (checked for
// every kind); period requirements name known schools, a subject and a
// stage, periods in [0, kMaxWeeklyPeriods], at most one per school x subject
// x stage; road distances name two different known schools, metres in
// [0, kMaxRoadMetres], minutes in [0, kMaxRoadMinutes], at most one row per
// unordered pair. For kItinerantTeaching, preferences, locks and overrides
// name schools (as for kExchangeRotation).
// kRecruitment also checks: applicants have a non-empty unique id, a gender,
// at least one subject, known certificate stages, a channel, a written
// score in [0, 10000], preferences naming known recruitment posts without
// duplicates; recruitment posts have a non-empty unique id, a known school,
// a subject, a known stage, seats in [0, kMaxPostCount], a bundled rural
// school (if any) that is known, is not the post's school and is rural or a
// teaching point, bundled_term_years in [0, 20] and 0 when not bundled;
// locks and overrides name applicants and recruitment posts.
absl::Status ValidateCountyInputs(const CountyInputs& inputs, RoundKind kind);

}  // namespace rota::engine::rules
