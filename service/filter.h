// The List filter language of registry.proto:
//
//   filter := term { "AND" term }
//   term   := field op value
//   op     := "=" | "!=" | "<" | "<=" | ">" | ">=" | "~"
//   value  := "quoted string" | integer | date | true | false | ENUM_NAME
//
// Filterable fields: schools: locality, weak, zone, stage, display_name;
// posts: school,
// subject, title_band; teachers: school, subject, gender, title, role,
// backbone_level, employment, display_name (text: "=" exact, "~" contains,
// ASCII letters case-insensitively), birth_date, career_start_date (hire
// date), school_join_date (dates YYYY-MM-DD, quoted or bare, compared with
// = != < <= > >=); applicants: gender, channel, interview_passed,
// subject; recruitment posts: school, subject, stage; a round's placements
// (rounds.proto): school (the school she leaves or the one she goes to),
// from_school, to_school, teacher, outcome, mandatory, locked, overridden;
// its eligibility list: school, teacher, eligible, mandatory, voluntary,
// exempt. For repeated fields (a school's stages, a teacher's subjects) `=`
// means "contains" and `!=` "does not contain". `school` and `teacher` take
// a bare id ("s12") or a full resource name of the same county. Other
// fields take only = and !=. String
// values are quoted or, when they are plain identifiers (s12, music), bare.
// Enum values are their proto names (URBAN, FEMALE, SENIOR_TITLE, MOVED),
// bare or quoted, or their numbers.
//
// A filter is at most kMaxFilterBytes bytes and kMaxFilterTerms terms (a
// real query has a handful; the bounds keep one request from burning CPU).
//
// ParseFilter type-checks every term against the resource kind, so evaluation
// cannot fail. Errors are INVALID_ARGUMENT on field `filter` (reason
// INVALID_FILTER) and say at which character the problem starts.
//
// Thread-safety: a parsed Filter is immutable; share it freely.
//
// Example:
//   ROTA_ASSIGN_OR_RETURN(Filter f, ParseFilter("school = \"s12\" AND subject =
//   \"music\"",
//                                               FilterKind::kTeacher,
//                                               "yongan"));
//   if (f.Matches(teacher)) ...
//   std::optional<std::string> school = f.EqualityValue("school");  // "s12":
//   use the index
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rota/v1/resources.pb.h"
#include "rota/v1/rounds.pb.h"

namespace rota::service {

// Longest filter text accepted, in bytes.
inline constexpr size_t kMaxFilterBytes = 4096;
// Most terms ("field = value", joined by AND) in one filter.
inline constexpr size_t kMaxFilterTerms = 32;

enum class FilterKind {
  kSchool,
  kPost,
  kTeacher,
  kPeriodRequirement,
  kRoadDistance,
  kApplicant,
  kRecruitmentPost,
  kPlacement,
  kEligibility
};

class Filter {
 public:
  // = != < <= > >= ~ (contains).
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kContains };

  struct Term {
    std::string field;
    Op op = Op::kEq;
    std::string
        text;  // string-valued fields (school/teacher id, subject, zone)
    int64_t number = 0;  // enum and bool fields (bool: 0/1)
  };

  // True if every term holds (an empty filter matches everything).
  bool Matches(const rota::v1::School& school) const;
  bool Matches(const rota::v1::Post& post) const;
  bool Matches(const rota::v1::Teacher& teacher) const;
  bool Matches(const rota::v1::PeriodRequirement& r) const;
  bool Matches(const rota::v1::RoadDistance& r) const;
  bool Matches(const rota::v1::Applicant& applicant) const;
  bool Matches(const rota::v1::RecruitmentPost& post) const;
  bool Matches(const rota::v1::Placement& placement) const;
  bool Matches(const rota::v1::EligibilityEntry& entry) const;

  // The value of a positive equality term on a string field, if any (for
  // choosing a secondary index).
  std::optional<std::string> EqualityValue(absl::string_view field) const;

  const std::vector<Term>& terms() const { return terms_; }

 private:
  friend absl::StatusOr<Filter> ParseFilter(absl::string_view, FilterKind,
                                            absl::string_view);
  std::vector<Term> terms_;
};

// Parses and type-checks `text` for resources of `kind` in `county`.
absl::StatusOr<Filter> ParseFilter(absl::string_view text, FilterKind kind,
                                   absl::string_view county);

}  // namespace rota::service
