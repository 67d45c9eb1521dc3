// The CSV columns of schools.csv, posts.csv, teachers.csv, applications.csv,
// periods.csv and roads.csv (itinerant teaching), applicants.csv and
// recruitment_posts.csv, and their conversion to and from rota.v1 resources.
// docs/csv-format.md is the user-facing description of the same format.
//
// Columns are found by header name (any order), English or Chinese
// (csv_words.h); unknown names are reported (CsvHeader::unknown_columns) for
// the caller to warn about, and columns with a blank header are ignored.
// Multi-valued cells separate items with
// ';' and the parts of one item with '|' (evaluations use "YEAR:grade");
// a backslash escapes ';', '|', ':' and '\' inside free text. Enum cells take
// the short lower-case names (e.g. "teaching_point"), the proto enum names
// (e.g. "TEACHING_POINT"), case-insensitively, or the Chinese words ("教学点");
// dates take YYYY-MM-DD, YYYY/M/D or YYYY年M月D日 and are stored as
// YYYY-MM-DD (csv_words.h has the tables).
//
//   ROTA_ASSIGN_OR_RETURN(CsvHeader header,
//                         CsvHeader::Parse(CsvTable::kTeachers, first_record));
//   rota::v1::Teacher t;
//   std::string field;
//   absl::Status s = TeacherFromCsv(header, record, "yongan", &t, &field);
//   // !s.ok(): `field` is e.g. "teacher.gender", s.message() the reason.
//
// Only what a proto cannot hold is checked here (enum spelling, numbers,
// date syntax, list syntax); date ranges, references and required fields are
// the server's job. Every problem of a record can be collected at once
// (the optional `all` argument).
//
// Thread-safety: everything here is stateless or immutable after creation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rota/v1/resources.pb.h"

namespace rota::tools {

enum class CsvTable {
  kSchools,
  kPosts,
  kTeachers,
  kApplications,
  kPeriodRequirements,  // periods.csv
  kRoadDistances,       // roads.csv
  kApplicants,          // recruitment applicants
  kRecruitmentPosts,    // recruitment posts
};

// The canonical columns of `table`, in the order rota-gen and `rotactl -o csv`
// write them.
const std::vector<std::string>& CsvColumns(CsvTable table);

// Column positions of one file's header.
class CsvHeader {
 public:
  // INVALID_ARGUMENT if two names name the same column or the first
  // canonical column ("id"; "teacher" for applications, "school" for
  // periods.csv, "school_a" for roads.csv) is missing. Output-only columns
  // (etag, create_time, update_time) and blank names are ignored; other
  // unknown names are ignored and listed in unknown_columns().
  static absl::StatusOr<CsvHeader> Parse(CsvTable table,
                                         const std::vector<std::string>& names);

  // The cell of `column` in `record`, or "" when the file has no such column.
  std::string_view Get(const std::vector<std::string>& record,
                       std::string_view column) const;

  // The cell of the `column`th entry of CsvColumns(table()) in `record`, or
  // "" when the file has no such column: Get without the name lookup.
  std::string_view Cell(const std::vector<std::string>& record,
                        size_t column) const {
    const int i = index_[column];
    if (i < 0 || static_cast<size_t>(i) >= record.size()) return {};
    return record[static_cast<size_t>(i)];
  }

  // True if the file has `column` (a canonical name).
  bool Has(std::string_view column) const;

  CsvTable table() const { return table_; }
  // Header names that name no column, in file order (their cells are not
  // imported).
  const std::vector<std::string>& unknown_columns() const { return unknown_; }

 private:
  CsvTable table_ = CsvTable::kSchools;
  std::vector<int> index_;  // per CsvColumns(table) entry; -1 = absent
  std::vector<std::string> unknown_;
};

// One problem of one record.
struct CsvFieldError {
  std::string field;   // proto field path, "teacher.service_history[1]"
  std::string column;  // the CSV column, "service_history"
  std::string reason;  // English sentence
};

// The CSV column a proto field path comes from: "teacher.birth_date" ->
// "birth_date", "teacher.evaluations[0].grade" -> "evaluations",
// "school.name" -> "id", "school.location.latitude" -> "latitude"; "" when
// the path names no field.
std::string ColumnOfField(std::string_view field);

// One applications.csv row: a teacher's round-independent preference list.
struct Application {
  std::string teacher_id;
  std::vector<std::string> school_ids;  // most preferred first
  bool voluntary = false;
};

// Record -> resource. `county` is the county id used to build resource names
// (the "id" column becomes counties/{county}/<kind>/{id}; a school or post
// reference may be a bare id or a full resource name). On error returns
// INVALID_ARGUMENT and sets *field to the proto field path
// ("teacher.service_history[1]") of the first problem; when `all` is given,
// appends every problem of the record to it (so one pass finds them all).
absl::Status SchoolFromCsv(const CsvHeader& header,
                           const std::vector<std::string>& record,
                           std::string_view county, rota::v1::School* out,
                           std::string* field,
                           std::vector<CsvFieldError>* all = nullptr);
absl::Status PostFromCsv(const CsvHeader& header,
                         const std::vector<std::string>& record,
                         std::string_view county, rota::v1::Post* out,
                         std::string* field,
                         std::vector<CsvFieldError>* all = nullptr);
absl::Status TeacherFromCsv(const CsvHeader& header,
                            const std::vector<std::string>& record,
                            std::string_view county, rota::v1::Teacher* out,
                            std::string* field,
                            std::vector<CsvFieldError>* all = nullptr);
// periods.csv: school, subject, stage, periods, optional id (default
// "{school}-{subject}-{stage}").
absl::Status PeriodRequirementFromCsv(
    const CsvHeader& header, const std::vector<std::string>& record,
    std::string_view county, rota::v1::PeriodRequirement* out,
    std::string* field, std::vector<CsvFieldError>* all = nullptr);
// roads.csv: school_a, school_b, metres, minutes, optional id (default the
// two school ids in order, joined by "-").
absl::Status RoadDistanceFromCsv(const CsvHeader& header,
                                 const std::vector<std::string>& record,
                                 std::string_view county,
                                 rota::v1::RoadDistance* out,
                                 std::string* field,
                                 std::vector<CsvFieldError>* all = nullptr);
// A written score is points with at most two decimals ("72.5", "72.50");
// stored as centipoints (7250).
absl::Status ApplicantFromCsv(const CsvHeader& header,
                              const std::vector<std::string>& record,
                              std::string_view county, rota::v1::Applicant* out,
                              std::string* field,
                              std::vector<CsvFieldError>* all = nullptr);
absl::Status RecruitmentPostFromCsv(const CsvHeader& header,
                                    const std::vector<std::string>& record,
                                    std::string_view county,
                                    rota::v1::RecruitmentPost* out,
                                    std::string* field,
                                    std::vector<CsvFieldError>* all = nullptr);
absl::Status ApplicationFromCsv(const CsvHeader& header,
                                const std::vector<std::string>& record,
                                Application* out, std::string* field,
                                std::vector<CsvFieldError>* all = nullptr);

// Resource -> record in CsvColumns() order; references are written as bare ids.
std::vector<std::string> SchoolToCsv(const rota::v1::School& school);
std::vector<std::string> PostToCsv(const rota::v1::Post& post);
std::vector<std::string> TeacherToCsv(const rota::v1::Teacher& teacher);
std::vector<std::string> PeriodRequirementToCsv(
    const rota::v1::PeriodRequirement& requirement);
std::vector<std::string> RoadDistanceToCsv(const rota::v1::RoadDistance& road);
std::vector<std::string> ApplicantToCsv(const rota::v1::Applicant& applicant);
std::vector<std::string> RecruitmentPostToCsv(
    const rota::v1::RecruitmentPost& post);

// The last segment of a resource name ("counties/a/schools/s1" -> "s1").
std::string_view IdOf(std::string_view name);

// Short CSV spellings of enum values ("urban", "teaching_point", ...), used by
// the CSV writer and by rotactl's table output. Unknown values print as the
// decimal number.
std::string StageName(rota::v1::Stage v);
std::string LocalityName(rota::v1::Locality v);
std::string GenderName(rota::v1::Gender v);
std::string TitleName(rota::v1::Title v);
std::string RoleName(rota::v1::Role v);
std::string BackboneName(rota::v1::BackboneLevel v);
std::string EmploymentName(rota::v1::Employment v);
std::string ChannelName(rota::v1::RecruitmentChannel v);
// Centipoints as points with two decimals: 7250 -> "72.50".
std::string ScoreText(int64_t centipoints);

// Escapes ';', '|', ':' and '\' with a backslash, for free text inside a
// multi-valued cell.
std::string EscapeListText(std::string_view text);

}  // namespace rota::tools
