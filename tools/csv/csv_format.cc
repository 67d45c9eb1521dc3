#include "tools/csv/csv_format.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <iterator>
#include <optional>
#include <span>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/csv/csv_words.h"

namespace rota::tools {
namespace {

namespace v1 = ::rota::v1;

// std::string_view helpers: Debian's Abseil has its own string_view type, so
// Trim and friends do not take std::string_view.
std::string_view Trim(std::string_view s) { return TrimCell(s); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s.data(), s.size());
  out.push_back('"');
  return out;
}

absl::StatusOr<bool> ParseBool(std::string_view text) {
  absl::StatusOr<int> v = ParseEnumWord(CsvEnum::kBoolean, text);
  if (!v.ok()) return v.status();
  return *v != 0;
}

// A date cell as YYYY-MM-DD (spreadsheet forms accepted, csv_words.h).
absl::StatusOr<std::string> ParseDateCell(std::string_view text) {
  return NormalizeCsvDate(text);
}

absl::StatusOr<int32_t> ParseInt(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return 0;
  int32_t v = 0;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " is not a whole number"));
  }
  return v;
}

absl::StatusOr<double> ParseDouble(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return 0.0;
  double v = 0;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(v)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " is not a number"));
  }
  return v;
}

// Points with at most two decimals -> centipoints ("72.5" -> 7250).
absl::StatusOr<int32_t> ParseScore(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return 0;
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac =
      dot == std::string_view::npos ? "" : text.substr(dot + 1);
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text),
                     " is not a score in points with at most two decimals "
                     "(e.g. 72.5)"));
  };
  if (whole.empty() || whole.size() > 6 || frac.size() > 2) return bad();
  int32_t value = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return bad();
    value = value * 10 + (c - '0');
  }
  int32_t cents = 0;
  for (size_t i = 0; i < 2; ++i) {
    const char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return bad();
    cents = cents * 10 + (c - '0');
  }
  return value * 100 + cents;
}

// The items of a list cell split on unescaped `sep`, walked in place (a
// list costs no allocation): trimmed views of `text` that keep their escapes
// for a later Unescape. Empty items are skipped only at the list level
// (drop_empty).
//
//   for (std::string_view item : SplitEscaped(cell, ';', true)) ...
class SplitEscaped {
 public:
  SplitEscaped(std::string_view text, char sep, bool drop_empty)
      : text_(text), sep_(sep), drop_empty_(drop_empty) {}

  class Iterator {
   public:
    explicit Iterator(const SplitEscaped* list) : list_(list) { Advance(); }
    std::string_view operator*() const { return item_; }
    Iterator& operator++() {
      Advance();
      return *this;
    }
    bool operator!=(std::default_sentinel_t) const { return !done_; }

   private:
    void Advance() {
      const std::string_view text = list_->text_;
      while (true) {
        // Past the last item (text.size() + 1 after it).
        if (next_ > text.size()) {
          done_ = true;
          return;
        }
        size_t end = next_;
        while (end < text.size() && text[end] != list_->sep_) {
          if (text[end] == '\\' && end + 1 < text.size()) ++end;
          ++end;
        }
        item_ = Trim(text.substr(next_, end - next_));
        next_ = end + 1;
        if (!item_.empty() || !list_->drop_empty_) return;
      }
    }

    const SplitEscaped* list_;
    size_t next_ = 0;  // where the next item starts
    std::string_view item_;
    bool done_ = false;
  };

  Iterator begin() const { return Iterator(this); }
  std::default_sentinel_t end() const { return {}; }

 private:
  std::string_view text_;
  char sep_;
  bool drop_empty_;
};

// The parts of a list item ("s1|2019-09-01|..."), split as SplitEscaped does
// without dropping empty ones: the first kMax, then "" for missing ones;
// size() counts up to kMax + 1, so that too many parts show.
template <size_t kMax>
class Parts {
 public:
  Parts(std::string_view item, char sep) {
    for (std::string_view part : SplitEscaped(item, sep, false)) {
      parts_[size_++] = part;
      if (size_ == parts_.size()) break;
    }
  }
  size_t size() const { return size_; }
  std::string_view operator[](size_t i) const { return parts_[i]; }

 private:
  std::array<std::string_view, kMax + 1> parts_{};
  size_t size_ = 0;
};

std::string Unescape(std::string_view text) {
  if (text.find('\\') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    out.push_back(text[i]);
  }
  return out;
}

std::string ResourceName(std::string_view county, std::string_view collection,
                         std::string_view id) {
  id = Trim(id);
  if (id.empty()) return "";
  if (id.substr(0, 9) == "counties/") return std::string(id);
  constexpr std::string_view kPrefix = "counties/";
  std::string name;
  name.reserve(kPrefix.size() + county.size() + collection.size() + id.size() +
               2);
  name.append(kPrefix).append(county).append("/");
  name.append(collection).append("/").append(id);
  return name;
}

// Parses a stage list; "nine_year" stands for primary;junior.
absl::Status ParseStages(std::string_view text,
                         google::protobuf::RepeatedField<int>* out) {
  for (std::string_view item : SplitEscaped(text, ';', true)) {
    if (IEquals(item, "nine_year") || item == "九年一贯制") {
      out->Add(v1::PRIMARY);
      out->Add(v1::JUNIOR);
      continue;
    }
    absl::StatusOr<int> v = ParseEnumWord(CsvEnum::kStage, item);
    if (!v.ok()) return v.status();
    out->Add(*v);
  }
  return absl::OkStatus();
}

// The problems of one record: the first sets *field and is the result;
// every one is appended to *all when given.
class RowErrors {
 public:
  RowErrors(std::string* field, std::vector<CsvFieldError>* all)
      : field_(field), all_(all) {}
  void Add(const std::string& path, const absl::Status& s) {
    if (first_.ok()) {
      first_ = s;
      if (field_ != nullptr) *field_ = path;
    }
    if (all_ != nullptr) {
      all_->push_back({path, ColumnOfField(path), std::string(s.message())});
    }
  }
  absl::Status Result() const { return first_; }

 private:
  std::string* field_;
  std::vector<CsvFieldError>* all_;
  absl::Status first_;
};

// lhs = expr, or the error is recorded in `errs` and lhs keeps its value.
#define ROTA_CSV_ASSIGN(lhs, expr, path)    \
  do {                                      \
    auto rota_csv_v_ = (expr);              \
    if (rota_csv_v_.ok()) {                 \
      lhs = *rota_csv_v_;                   \
    } else {                                \
      errs.Add(path, rota_csv_v_.status()); \
    }                                       \
  } while (false)

#define ROTA_CSV_SKIP(path, status) \
  {                                 \
    errs.Add(path, status);         \
    continue;                       \
  }

// A date cell: set through `setter` as YYYY-MM-DD, or the error recorded.
#define ROTA_CSV_DATE(setter, text, path)   \
  do {                                      \
    auto rota_csv_d_ = ParseDateCell(text); \
    if (rota_csv_d_.ok()) {                 \
      setter(*rota_csv_d_);                 \
    } else {                                \
      errs.Add(path, rota_csv_d_.status()); \
      setter(std::string(Trim(text)));      \
    }                                       \
  } while (false)

// The canonical columns of each table, in the order rota-gen and `rotactl -o
// csv` write them; constexpr so that a converter finds a column's position at
// compile time (Cells below).
constexpr std::string_view kSchoolCols[] = {
    "id",   "display_name", "stages",    "locality", "weak",
    "zone", "latitude",     "longitude", "headcount"};
constexpr std::string_view kPostCols[] = {
    "id",    "school", "subject",        "title_band",
    "count", "stage",  "non_established"};
constexpr std::string_view kTeacherCols[] = {"id",
                                             "display_name",
                                             "gender",
                                             "birth_date",
                                             "career_start_date",
                                             "school",
                                             "school_join_date",
                                             "post",
                                             "subjects",
                                             "certificate_stages",
                                             "title",
                                             "role",
                                             "role_start_date",
                                             "backbone_level",
                                             "employment",
                                             "evaluations",
                                             "service_history",
                                             "exemptions",
                                             "hardships",
                                             "obligations",
                                             "home_school",
                                             "term_end_date",
                                             "weekly_load",
                                             "free_half_days",
                                             "itinerant_volunteer"};
constexpr std::string_view kApplicationCols[] = {"teacher", "preferences",
                                                 "voluntary"};
constexpr std::string_view kPeriodCols[] = {"school", "subject", "stage",
                                            "periods", "id"};
constexpr std::string_view kRoadCols[] = {"school_a", "school_b", "metres",
                                          "minutes", "id"};
constexpr std::string_view kApplicantCols[] = {
    "id",         "display_name",     "gender",
    "birth_date", "subjects",         "certificate_stages",
    "channel",    "interview_passed", "written_score",
    "preferences"};
constexpr std::string_view kRecruitmentPostCols[] = {"id",
                                                     "school",
                                                     "subject",
                                                     "stage",
                                                     "seats",
                                                     "bundled_rural_school",
                                                     "bundled_term_years"};

constexpr std::span<const std::string_view> ColumnsOf(CsvTable table) {
  switch (table) {
    case CsvTable::kSchools:
      return kSchoolCols;
    case CsvTable::kPosts:
      return kPostCols;
    case CsvTable::kTeachers:
      return kTeacherCols;
    case CsvTable::kApplications:
      return kApplicationCols;
    case CsvTable::kPeriodRequirements:
      return kPeriodCols;
    case CsvTable::kRoadDistances:
      return kRoadCols;
    case CsvTable::kApplicants:
      return kApplicantCols;
    case CsvTable::kRecruitmentPosts:
      return kRecruitmentPostCols;
  }
  return kSchoolCols;
}

// One record's cells by canonical column name: cells["gender"]. The name's
// position is found at compile time (a misspelt name does not compile), so
// a row costs no name comparisons.
template <CsvTable kTable>
class Cells {
 public:
  struct Column {
    // Implicit and consteval: a string literal becomes a position.
    consteval Column(const char* name) : index(IndexOf(name)) {}  // NOLINT
    size_t index;

   private:
    static consteval size_t IndexOf(std::string_view name) {
      const std::span<const std::string_view> columns = ColumnsOf(kTable);
      for (size_t i = 0; i < columns.size(); ++i) {
        if (columns[i] == name) return i;
      }
      throw "not a column of this table";
    }
  };

  Cells(const CsvHeader& header, const std::vector<std::string>& record)
      : header_(header), record_(record) {}
  std::string_view operator[](Column column) const {
    return header_.Cell(record_, column.index);
  }

 private:
  const CsvHeader& header_;
  const std::vector<std::string>& record_;
};

}  // namespace

const std::vector<std::string>& CsvColumns(CsvTable table) {
  static const auto* kColumns = [] {
    auto* columns = new std::vector<std::vector<std::string>>;
    for (int t = 0; t <= static_cast<int>(CsvTable::kRecruitmentPosts); ++t) {
      std::vector<std::string>& names = columns->emplace_back();
      for (std::string_view name : ColumnsOf(static_cast<CsvTable>(t)))
        names.emplace_back(name);
    }
    return columns;
  }();
  return (*kColumns)[static_cast<size_t>(table)];
}

absl::StatusOr<CsvHeader> CsvHeader::Parse(
    CsvTable table, const std::vector<std::string>& names) {
  CsvHeader header;
  header.table_ = table;
  const std::vector<std::string>& cols = CsvColumns(table);
  header.index_.assign(cols.size(), -1);
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string name = Lower(Trim(names[i]));
    if (name.empty()) continue;  // a blank header cell: a column to ignore
    if (name == "etag" || name == "create_time" || name == "update_time")
      continue;
    if (std::find(ErrorFileColumns().begin(), ErrorFileColumns().end(),
                  std::string(Trim(names[i]))) != ErrorFileColumns().end())
      continue;
    std::optional<std::string> column = CanonicalColumn(table, name);
    if (!column.has_value()) {
      header.unknown_.push_back(std::string(Trim(names[i])));
      continue;
    }
    for (size_t c = 0; c < cols.size(); ++c) {
      if (cols[c] != *column) continue;
      if (header.index_[c] >= 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "header, column ", i + 1, ": column \"", names[i], "\" names ",
            cols[c], " like column ", header.index_[c] + 1,
            "; each column may appear once"));
      }
      header.index_[c] = static_cast<int>(i);
    }
  }
  if (header.index_[0] < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("header: the required column \"", cols[0], "\" (",
                     ColumnChineseName(table, cols[0]), ") is missing"));
  }
  return header;
}

std::string_view CsvHeader::Get(const std::vector<std::string>& record,
                                std::string_view column) const {
  const std::span<const std::string_view> cols = ColumnsOf(table_);
  for (size_t c = 0; c < cols.size(); ++c) {
    if (cols[c] == column) return Cell(record, c);
  }
  return "";
}

bool CsvHeader::Has(std::string_view column) const {
  const std::vector<std::string>& cols = CsvColumns(table_);
  for (size_t c = 0; c < cols.size(); ++c) {
    if (cols[c] == column) return index_[c] >= 0;
  }
  return false;
}

std::string ColumnOfField(std::string_view field) {
  const size_t dot = field.find('.');
  std::string_view rest =
      dot == std::string_view::npos ? field : field.substr(dot + 1);
  if (rest.substr(0, 9) == "location.") rest.remove_prefix(9);
  rest = rest.substr(0, rest.find_first_of(".["));
  if (rest == "name") return "id";
  return std::string(rest);
}

absl::Status SchoolFromCsv(const CsvHeader& h,
                           const std::vector<std::string>& r,
                           std::string_view county, v1::School* out,
                           std::string* field,
                           std::vector<CsvFieldError>* all) {
  RowErrors errs(field, all);
  const Cells<CsvTable::kSchools> cells(h, r);
  out->Clear();
  out->set_name(ResourceName(county, "schools", cells["id"]));
  out->set_display_name(std::string(cells["display_name"]));
  if (absl::Status s = ParseStages(cells["stages"], out->mutable_stages());
      !s.ok()) {
    errs.Add("school.stages", s);
  }
  int locality = 0;
  ROTA_CSV_ASSIGN(locality,
                  ParseEnumWord(CsvEnum::kLocality, cells["locality"]),
                  "school.locality");
  out->set_locality(static_cast<v1::Locality>(locality));
  bool weak = false;
  ROTA_CSV_ASSIGN(weak, ParseBool(cells["weak"]), "school.weak");
  out->set_weak(weak);
  out->set_zone(std::string(Trim(cells["zone"])));
  const std::string_view lat = cells["latitude"];
  const std::string_view lon = cells["longitude"];
  if (!Trim(lat).empty() || !Trim(lon).empty()) {
    double v = 0;
    ROTA_CSV_ASSIGN(v, ParseDouble(lat), "school.location.latitude");
    out->mutable_location()->set_latitude(v);
    ROTA_CSV_ASSIGN(v, ParseDouble(lon), "school.location.longitude");
    out->mutable_location()->set_longitude(v);
  }
  int32_t headcount = 0;
  ROTA_CSV_ASSIGN(headcount, ParseInt(cells["headcount"]), "school.headcount");
  out->set_headcount(headcount);
  return errs.Result();
}

absl::Status PostFromCsv(const CsvHeader& h, const std::vector<std::string>& r,
                         std::string_view county, v1::Post* out,
                         std::string* field, std::vector<CsvFieldError>* all) {
  RowErrors errs(field, all);
  const Cells<CsvTable::kPosts> cells(h, r);
  out->Clear();
  out->set_name(ResourceName(county, "posts", cells["id"]));
  out->set_school(ResourceName(county, "schools", cells["school"]));
  out->set_subject(CanonicalSubject(cells["subject"]));
  int band = 0;
  ROTA_CSV_ASSIGN(band, ParseEnumWord(CsvEnum::kTitle, cells["title_band"]),
                  "post.title_band");
  out->set_title_band(static_cast<v1::Title>(band));
  int32_t count = 0;
  ROTA_CSV_ASSIGN(count, ParseInt(cells["count"]), "post.count");
  out->set_count(count);
  int stage = 0;
  ROTA_CSV_ASSIGN(stage, ParseEnumWord(CsvEnum::kStage, cells["stage"]),
                  "post.stage");
  out->set_stage(static_cast<v1::Stage>(stage));
  bool non_established = false;
  ROTA_CSV_ASSIGN(non_established, ParseBool(cells["non_established"]),
                  "post.non_established");
  out->set_non_established(non_established);
  return errs.Result();
}

absl::Status TeacherFromCsv(const CsvHeader& h,
                            const std::vector<std::string>& r,
                            std::string_view county, v1::Teacher* out,
                            std::string* field,
                            std::vector<CsvFieldError>* all) {
  RowErrors errs(field, all);
  const Cells<CsvTable::kTeachers> cells(h, r);
  out->Clear();
  out->set_name(ResourceName(county, "teachers", cells["id"]));
  out->set_display_name(std::string(cells["display_name"]));
  int e = 0;
  ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kGender, cells["gender"]),
                  "teacher.gender");
  out->set_gender(static_cast<v1::Gender>(e));
  ROTA_CSV_DATE(out->set_birth_date, cells["birth_date"], "teacher.birth_date");
  ROTA_CSV_DATE(out->set_career_start_date, cells["career_start_date"],
                "teacher.career_start_date");
  out->set_school(ResourceName(county, "schools", cells["school"]));
  ROTA_CSV_DATE(out->set_school_join_date, cells["school_join_date"],
                "teacher.school_join_date");
  out->set_post(ResourceName(county, "posts", cells["post"]));
  for (std::string_view s : SplitEscaped(cells["subjects"], ';', true)) {
    out->add_subjects(CanonicalSubject(Unescape(s)));
  }
  if (absl::Status s = ParseStages(cells["certificate_stages"],
                                   out->mutable_certificate_stages());
      !s.ok()) {
    errs.Add("teacher.certificate_stages", s);
  }
  ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kTitle, cells["title"]),
                  "teacher.title");
  out->set_title(static_cast<v1::Title>(e));
  ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kRole, cells["role"]),
                  "teacher.role");
  out->set_role(static_cast<v1::Role>(e));
  ROTA_CSV_DATE(out->set_role_start_date, cells["role_start_date"],
                "teacher.role_start_date");
  ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kBackbone, cells["backbone_level"]),
                  "teacher.backbone_level");
  out->set_backbone_level(static_cast<v1::BackboneLevel>(e));
  ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kEmployment, cells["employment"]),
                  "teacher.employment");
  out->set_employment(static_cast<v1::Employment>(e));

  int i = 0;
  for (std::string_view item : SplitEscaped(cells["evaluations"], ';', true)) {
    // Built only for a message: most rows have no problem.
    auto path = [n = i++](const char* leaf = "") {
      return absl::StrCat("teacher.evaluations[", n, "]", leaf);
    };
    const Parts<2> parts(item, ':');
    if (parts.size() != 2) {
      ROTA_CSV_SKIP(path(), absl::InvalidArgumentError(absl::StrCat(
                                "\"", std::string(item),
                                "\" is not YEAR:grade (e.g. 2024:excellent)")));
    }
    v1::Evaluation* ev = out->add_evaluations();
    int32_t year = 0;
    ROTA_CSV_ASSIGN(year, ParseInt(parts[0]), path(".year"));
    ev->set_year(year);
    ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kGrade, parts[1]),
                    path(".grade"));
    ev->set_grade(static_cast<v1::EvaluationGrade>(e));
  }

  i = 0;
  for (std::string_view item :
       SplitEscaped(cells["service_history"], ';', true)) {
    auto path = [n = i++](const char* leaf = "") {
      return absl::StrCat("teacher.service_history[", n, "]", leaf);
    };
    const Parts<6> p(item, '|');
    if (p.size() < 2 || p.size() > 6) {
      ROTA_CSV_SKIP(path(),
                    absl::InvalidArgumentError(absl::StrCat(
                        "\"", std::string(item),
                        "\" is not school|start|end|locality|weak|term")));
    }
    v1::ServiceSpell* spell = out->add_service_history();
    spell->set_school(ResourceName(county, "schools", Unescape(p[0])));
    ROTA_CSV_DATE(spell->set_start_date, p[1], path(".start_date"));
    ROTA_CSV_DATE(spell->set_end_date, p[2], path(".end_date"));
    ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kLocality, p[3]),
                    path(".locality"));
    spell->set_locality(static_cast<v1::Locality>(e));
    bool b = false;
    ROTA_CSV_ASSIGN(b, ParseBool(IEquals(p[4], "weak") ? "1" : p[4]),
                    path(".weak"));
    spell->set_weak(b);
    ROTA_CSV_ASSIGN(b, ParseBool(IEquals(p[5], "term") ? "1" : p[5]),
                    path(".term_exchange"));
    spell->set_term_exchange(b);
  }

  i = 0;
  for (std::string_view item : SplitEscaped(cells["exemptions"], ';', true)) {
    auto path = [n = i++](const char* leaf = "") {
      return absl::StrCat("teacher.exemptions[", n, "]", leaf);
    };
    const Parts<4> p(item, '|');
    if (p.size() > 4) {
      ROTA_CSV_SKIP(path(), absl::InvalidArgumentError(
                                absl::StrCat("\"", std::string(item),
                                             "\" is not kind|start|end|note")));
    }
    v1::Exemption* ex = out->add_exemptions();
    ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kExemption, p[0]), path(".kind"));
    ex->set_kind(static_cast<v1::ExemptionKind>(e));
    ROTA_CSV_DATE(ex->set_start_date, p[1], path(".start_date"));
    ROTA_CSV_DATE(ex->set_end_date, p[2], path(".end_date"));
    ex->set_note(Unescape(p[3]));
  }

  i = 0;
  for (std::string_view item : SplitEscaped(cells["hardships"], ';', true)) {
    auto path = [n = i++](const char* leaf = "") {
      return absl::StrCat("teacher.hardships[", n, "]", leaf);
    };
    const Parts<2> p(item, '|');
    if (p.size() > 2) {
      ROTA_CSV_SKIP(path(),
                    absl::InvalidArgumentError(absl::StrCat(
                        "\"", std::string(item), "\" is not kind|note")));
    }
    v1::Hardship* hs = out->add_hardships();
    ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kHardship, p[0]), path(".kind"));
    hs->set_kind(static_cast<v1::HardshipKind>(e));
    hs->set_note(Unescape(p[1]));
  }

  i = 0;
  for (std::string_view item : SplitEscaped(cells["obligations"], ';', true)) {
    auto path = [n = i++](const char* leaf = "") {
      return absl::StrCat("teacher.obligations[", n, "]", leaf);
    };
    const Parts<3> p(item, '|');
    if (p.size() > 3) {
      ROTA_CSV_SKIP(path(), absl::InvalidArgumentError(absl::StrCat(
                                "\"", std::string(item),
                                "\" is not kind|required_rural_years|start")));
    }
    v1::ServiceObligation* ob = out->add_obligations();
    ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kObligation, p[0]),
                    path(".kind"));
    ob->set_kind(static_cast<v1::ObligationKind>(e));
    int32_t years = 0;
    ROTA_CSV_ASSIGN(years, ParseInt(p[1]), path(".required_rural_years"));
    ob->set_required_rural_years(years);
    ROTA_CSV_DATE(ob->set_start_date, p[2], path(".start_date"));
  }
  out->set_home_school(ResourceName(county, "schools", cells["home_school"]));
  ROTA_CSV_DATE(out->set_term_end_date, cells["term_end_date"],
                "teacher.term_end_date");
  int32_t load = 0;
  ROTA_CSV_ASSIGN(load, ParseInt(cells["weekly_load"]), "teacher.weekly_load");
  out->set_weekly_load(load);
  const std::string_view free = Trim(cells["free_half_days"]);
  if (IEquals(free, "all")) {
    for (const char* d : {"mon", "tue", "wed", "thu", "fri"}) {
      for (const char* half : {"am", "pm"})
        out->add_free_half_days(absl::StrCat(d, "-", half));
    }
  } else {
    for (std::string_view item : SplitEscaped(free, ';', true))
      out->add_free_half_days(Lower(Trim(Unescape(item))));
  }
  bool volunteer = false;
  ROTA_CSV_ASSIGN(volunteer, ParseBool(cells["itinerant_volunteer"]),
                  "teacher.itinerant_volunteer");
  out->set_itinerant_volunteer(volunteer);
  return errs.Result();
}

absl::Status PeriodRequirementFromCsv(const CsvHeader& h,
                                      const std::vector<std::string>& r,
                                      std::string_view county,
                                      v1::PeriodRequirement* out,
                                      std::string* field,
                                      std::vector<CsvFieldError>* all) {
  RowErrors errs(field, all);
  const Cells<CsvTable::kPeriodRequirements> cells(h, r);
  out->Clear();
  const std::string school(IdOf(Trim(cells["school"])));
  out->set_school(ResourceName(county, "schools", school));
  out->set_subject(CanonicalSubject(cells["subject"]));
  int stage = 0;
  ROTA_CSV_ASSIGN(stage, ParseEnumWord(CsvEnum::kStage, cells["stage"]),
                  "period_requirement.stage");
  out->set_stage(static_cast<v1::Stage>(stage));
  int32_t periods = 0;
  ROTA_CSV_ASSIGN(periods, ParseInt(cells["periods"]),
                  "period_requirement.periods");
  out->set_periods(periods);
  std::string id(Trim(cells["id"]));
  if (id.empty()) {
    id = absl::StrCat(school, "-", out->subject(), "-",
                      EnumWordOf(CsvEnum::kStage, stage));
  }
  out->set_name(ResourceName(county, "periodRequirements", id));
  return errs.Result();
}

absl::Status RoadDistanceFromCsv(const CsvHeader& h,
                                 const std::vector<std::string>& r,
                                 std::string_view county, v1::RoadDistance* out,
                                 std::string* field,
                                 std::vector<CsvFieldError>* all) {
  RowErrors errs(field, all);
  const Cells<CsvTable::kRoadDistances> cells(h, r);
  out->Clear();
  std::string a(IdOf(Trim(cells["school_a"])));
  std::string b(IdOf(Trim(cells["school_b"])));
  out->set_school_a(ResourceName(county, "schools", a));
  out->set_school_b(ResourceName(county, "schools", b));
  int32_t metres = 0;
  ROTA_CSV_ASSIGN(metres, ParseInt(cells["metres"]), "road_distance.metres");
  out->set_metres(metres);
  int32_t minutes = 0;
  ROTA_CSV_ASSIGN(minutes, ParseInt(cells["minutes"]), "road_distance.minutes");
  out->set_minutes(minutes);
  std::string id(Trim(cells["id"]));
  if (id.empty())
    id = a < b ? absl::StrCat(a, "-", b) : absl::StrCat(b, "-", a);
  out->set_name(ResourceName(county, "roadDistances", id));
  return errs.Result();
}

absl::Status ApplicantFromCsv(const CsvHeader& h,
                              const std::vector<std::string>& r,
                              std::string_view county, v1::Applicant* out,
                              std::string* field,
                              std::vector<CsvFieldError>* all) {
  RowErrors errs(field, all);
  const Cells<CsvTable::kApplicants> cells(h, r);
  out->Clear();
  out->set_name(ResourceName(county, "applicants", cells["id"]));
  out->set_display_name(std::string(cells["display_name"]));
  int e = 0;
  ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kGender, cells["gender"]),
                  "applicant.gender");
  out->set_gender(static_cast<v1::Gender>(e));
  ROTA_CSV_DATE(out->set_birth_date, cells["birth_date"],
                "applicant.birth_date");
  for (std::string_view s : SplitEscaped(cells["subjects"], ';', true)) {
    out->add_subjects(CanonicalSubject(Unescape(s)));
  }
  if (absl::Status s = ParseStages(cells["certificate_stages"],
                                   out->mutable_certificate_stages());
      !s.ok()) {
    errs.Add("applicant.certificate_stages", s);
  }
  ROTA_CSV_ASSIGN(e, ParseEnumWord(CsvEnum::kChannel, cells["channel"]),
                  "applicant.channel");
  out->set_channel(static_cast<v1::RecruitmentChannel>(e));
  bool passed = false;
  ROTA_CSV_ASSIGN(passed, ParseBool(cells["interview_passed"]),
                  "applicant.interview_passed");
  out->set_interview_passed(passed);
  int32_t score = 0;
  ROTA_CSV_ASSIGN(score, ParseScore(cells["written_score"]),
                  "applicant.written_score");
  out->set_written_score(score);
  for (std::string_view s : SplitEscaped(cells["preferences"], ';', true)) {
    out->add_preferences(
        ResourceName(county, "recruitment-posts", Unescape(s)));
  }
  return errs.Result();
}

absl::Status RecruitmentPostFromCsv(const CsvHeader& h,
                                    const std::vector<std::string>& r,
                                    std::string_view county,
                                    v1::RecruitmentPost* out,
                                    std::string* field,
                                    std::vector<CsvFieldError>* all) {
  RowErrors errs(field, all);
  const Cells<CsvTable::kRecruitmentPosts> cells(h, r);
  out->Clear();
  out->set_name(ResourceName(county, "recruitment-posts", cells["id"]));
  out->set_school(ResourceName(county, "schools", cells["school"]));
  out->set_subject(CanonicalSubject(cells["subject"]));
  int stage = 0;
  ROTA_CSV_ASSIGN(stage, ParseEnumWord(CsvEnum::kStage, cells["stage"]),
                  "recruitment_post.stage");
  out->set_stage(static_cast<v1::Stage>(stage));
  int32_t n = 0;
  ROTA_CSV_ASSIGN(n, ParseInt(cells["seats"]), "recruitment_post.seats");
  out->set_seats(n);
  out->set_bundled_rural_school(
      ResourceName(county, "schools", cells["bundled_rural_school"]));
  ROTA_CSV_ASSIGN(n, ParseInt(cells["bundled_term_years"]),
                  "recruitment_post.bundled_term_years");
  out->set_bundled_term_years(n);
  return errs.Result();
}

absl::Status ApplicationFromCsv(const CsvHeader& h,
                                const std::vector<std::string>& r,
                                Application* out, std::string* field,
                                std::vector<CsvFieldError>* all) {
  RowErrors errs(field, all);
  const Cells<CsvTable::kApplications> cells(h, r);
  *out = Application();
  out->teacher_id = std::string(IdOf(Trim(cells["teacher"])));
  for (std::string_view s : SplitEscaped(cells["preferences"], ';', true)) {
    out->school_ids.push_back(std::string(IdOf(Unescape(s))));
  }
  ROTA_CSV_ASSIGN(out->voluntary, ParseBool(cells["voluntary"]), "voluntary");
  return errs.Result();
}

}  // namespace rota::tools
