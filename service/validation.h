// Request validation for rota.v1: resource names, ids, request ids, dates,
// enums, sizes, UTF-8, and the per-resource rules of API-CONVENTIONS.md.
//
// Validators never stop at the first problem: each adds every violation it
// finds to a `Violations` (field paths relative to the request message, e.g.
// "teacher.birth_date"), so a client learns everything wrong at once.
// References to other resources (a teacher's school, a post's school) are
// checked through an `ExistsFn` that the caller backs with a snapshot of the
// county, so validation itself never touches storage.
//
// Thread-safety: all functions are pure (given a thread-safe ExistsFn).
//
// Example:
//   Violations v;
//   ROTA_RETURN_IF_ERROR(ValidateTeacher(req.teacher(), "yongan", "teacher.",
//                                        ctx.today(), exists, v));
//   ROTA_RETURN_IF_ERROR(v.ToStatus());
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/utf8.h"
#include "engine/rules/county.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "rota/v1/resources.pb.h"
#include "service/grpc_status.h"

namespace rota::service {

// Limits of the API (each is stated in the comment of its proto field).
// Lists and texts are bounded so that one record stays small (a teacher at
// every limit is a few hundred KB, far below the server's receive limit);
// counts are bounded so that the engine's per-seat work stays sane.
inline constexpr size_t kMaxDisplayNameChars = 200;
inline constexpr size_t kMaxNoteChars = 2000;
inline constexpr size_t kMaxRequestIdChars = 128;
inline constexpr int kMinCareerStartAge = 16;
inline constexpr int kMaxStages = 10;  // school stages, certificate stages
inline constexpr int kMaxSubjects = 20;
inline constexpr int kMaxEvaluations = 60;  // one a year of a career
inline constexpr int kMaxServiceSpells = 100;
inline constexpr int kMaxExemptions = 20;
inline constexpr int kMaxHardships = 20;
inline constexpr int kMaxObligations = 10;
inline constexpr int kMaxRequiredRuralYears = 50;
// Post count (岗位职数) and school headcount (编制数): the engine's bounds.
inline constexpr int kMaxPostCount = engine::rules::kMaxPostCount;
inline constexpr int kMaxSchoolHeadcount = engine::rules::kMaxSchoolHeadcount;
// Weekly periods of a teacher's own load or of a period requirement.
inline constexpr int kMaxWeeklyPeriods = engine::rules::kMaxWeeklyPeriods;
inline constexpr int kMaxItinerantServiceYears = 60;

// Collections of a county.
inline constexpr char kSchools[] = "schools";
inline constexpr char kPosts[] = "posts";
inline constexpr char kTeachers[] = "teachers";
inline constexpr char kPeriodRequirements[] = "periodRequirements";
inline constexpr char kRoadDistances[] = "roadDistances";

// Half-days of Teacher.free_half_days: "mon-am" .. "fri-pm" <-> the engine's
// bit 2*d+h (engine/rules/county.h). ParseHalfDay: nullopt for other text;
// HalfDayName: "" for a bit outside 0..9.
std::optional<int> ParseHalfDay(absl::string_view text);
absl::string_view HalfDayName(int bit);
inline constexpr char kApplicants[] = "applicants";
inline constexpr char kRecruitmentPosts[] = "recruitment-posts";
// Not a collection: ExistsFn("rural-schools", id) asks whether school `id`
// exists and is rural or a teaching point (a bundled rural term's school).
inline constexpr char kRuralSchools[] = "rural-schools";

// Recruitment: an applicant's preference list, a recruitment post's seats,
// a bundled rural term, a written score (centipoints, 100.00 points).
inline constexpr int kMaxApplicantPreferences = 20;
inline constexpr int kMaxRecruitmentSeats = kMaxPostCount;
inline constexpr int kMaxBundledTermYears = 20;
inline constexpr int kMaxWrittenScore = 10000;

// True for `[a-z0-9][a-z0-9_-]{0,62}`.
bool IsValidId(absl::string_view id);

// Number of code points if `s` is valid UTF-8 (no surrogates, no overlongs),
// else nullopt.
std::optional<size_t> Utf8Length(absl::string_view s);

// "counties/{county}" -> county id, or nullopt.
std::optional<std::string> ParseCountyName(absl::string_view name);

struct ChildName {
  std::string county;
  std::string id;
};
// "counties/{county}/{collection}/{id}" -> parts, or nullopt if malformed.
std::optional<ChildName> ParseChildName(absl::string_view name,
                                        absl::string_view collection);

std::string CountyName(absl::string_view county);
std::string ChildResourceName(absl::string_view county,
                              absl::string_view collection,
                              absl::string_view id);

// Parses a real calendar date "YYYY-MM-DD".
std::optional<absl::CivilDay> ParseDate(absl::string_view s);

// Request id: empty, or 1-128 printable ASCII characters.
void ValidateRequestId(absl::string_view request_id, Violations& v);

// Adds a violation on `field` if `value` holds a control character that
// `policy` does not allow (names the code point and its position).
void ValidateNoControlCharacters(absl::string_view field,
                                 absl::string_view value, ControlPolicy policy,
                                 Violations& v);

// Adds a violation for every string field of `request` (at any depth, e.g.
// "teacher.display_name", "preferences[2]") that holds a control character.
// Fields named "note", "filter" or "*reason" are free text: line breaks and
// tabs are allowed there. "page_token" is left to its decoder.
void FindControlCharacters(const google::protobuf::Message& request,
                           absl::string_view prefix, Violations& v);

// page_size >= 0.
void ValidatePageSize(int32_t page_size, Violations& v);

// A display name: required, valid UTF-8, at most 200 characters, no control
// characters.
void ValidateDisplayName(absl::string_view field, absl::string_view value,
                         Violations& v);

// Does `collection`/`id` exist in the county being written? Backed by a
// snapshot (plus the rows earlier in the same import chunk).
using ExistsFn = std::function<absl::StatusOr<bool>(
    absl::string_view collection, absl::string_view id)>;

// Per-resource rules. `prefix` is the field path of the resource in the
// request ("teacher." or "teachers[3].teacher."). Output-only fields (name,
// etag, times) are not checked. Returns non-OK only if `exists` fails.
void ValidateCounty(const rota::v1::County& county, absl::string_view prefix,
                    Violations& v);
void ValidateSchool(const rota::v1::School& school, absl::string_view prefix,
                    Violations& v);
absl::Status ValidatePost(const rota::v1::Post& post, absl::string_view county,
                          absl::string_view prefix, const ExistsFn& exists,
                          Violations& v);
absl::Status ValidateTeacher(const rota::v1::Teacher& teacher,
                             absl::string_view county, absl::string_view prefix,
                             absl::CivilDay today, const ExistsFn& exists,
                             Violations& v);

// Itinerant teaching (走教) resources: a known school, a subject code, a
// stage, periods 0..60 / two different known schools, metres and minutes in
// the engine's bounds.
absl::Status ValidatePeriodRequirement(const rota::v1::PeriodRequirement& r,
                                       absl::string_view county,
                                       absl::string_view prefix,
                                       const ExistsFn& exists, Violations& v);
absl::Status ValidateRoadDistance(const rota::v1::RoadDistance& r,
                                  absl::string_view county,
                                  absl::string_view prefix,
                                  const ExistsFn& exists, Violations& v);
// Recruitment resources. An applicant is personal data held to a teacher's
// bounds (name, gender, birth date at least 16 years ago, subjects,
// certificate stages); her preferences name existing recruitment posts
// without repeats. A recruitment post names an existing school; a bundled
// rural school, if any, must exist and be rural or a teaching point;
// bundled_term_years (0 = the policy default) only with it.
absl::Status ValidateApplicant(const rota::v1::Applicant& applicant,
                               absl::string_view county,
                               absl::string_view prefix, absl::CivilDay today,
                               const ExistsFn& exists, Violations& v);
absl::Status ValidateRecruitmentPost(const rota::v1::RecruitmentPost& post,
                                     absl::string_view county,
                                     absl::string_view prefix,
                                     const ExistsFn& exists, Violations& v);

// Walks the protobuf wire encoding `bytes` of a `descriptor` message and adds
// a violation for every string field (at any depth) that is not valid UTF-8,
// e.g. "teacher.subjects[1]". Used when the generated parser rejects a
// request, so that bad text becomes INVALID_ARGUMENT naming the field rather
// than an opaque parse failure. Adds a generic violation on field "request"
// if the bytes are not a well-formed message at all.
void FindInvalidUtf8(const google::protobuf::Descriptor* descriptor,
                     absl::string_view bytes, absl::string_view prefix,
                     Violations& v);

// The county a request names, read from the wire encoding `bytes` of a
// `descriptor` request (so it is known even when another field holds text
// that is not UTF-8 or the generated parser rejects the request): the
// county of the first of its top-level fields name, parent, county, round
// and teacher that holds "counties/{county}[/...]", else its county_id if
// well-formed, else the county in the name of the resource it carries (the
// `name` of a top-level message field, e.g. UpdateSchoolRequest.school).
// nullopt if it names none. The request parser checks the caller's access
// to this county before it reports bad text (access.h).
std::optional<std::string> CountyOfRequest(
    const google::protobuf::Descriptor* descriptor, absl::string_view bytes);

}  // namespace rota::service
