#include "service/filter.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "service/grpc_status.h"
#include "service/validation.h"

namespace rota::service {
namespace {

enum class TokenKind {
  kIdent,
  kString,
  kInt,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kContains,
  kEnd
};

struct Token {
  TokenKind kind;
  std::string text;
  size_t position;  // 1-based character offset of the token's start
};

absl::Status FilterError(size_t position, absl::string_view what) {
  return InvalidField("filter",
                      absl::StrCat("at position ", position, ": ", what),
                      kReasonInvalidFilter);
}

absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    size_t pos = i + 1;
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '=') {
      out.push_back({TokenKind::kEq, "=", pos});
      ++i;
    } else if (c == '!') {
      if (i + 1 >= s.size() || s[i + 1] != '=')
        return FilterError(pos, "expected \"!=\"");
      out.push_back({TokenKind::kNe, "!=", pos});
      i += 2;
    } else if (c == '<' || c == '>') {
      const bool eq = i + 1 < s.size() && s[i + 1] == '=';
      if (c == '<') {
        out.push_back(
            {eq ? TokenKind::kLe : TokenKind::kLt, eq ? "<=" : "<", pos});
      } else {
        out.push_back(
            {eq ? TokenKind::kGe : TokenKind::kGt, eq ? ">=" : ">", pos});
      }
      i += eq ? 2 : 1;
    } else if (c == '~') {
      out.push_back({TokenKind::kContains, "~", pos});
      ++i;
    } else if (c == '"') {
      std::string text;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          text.push_back(s[i + 1]);
          i += 2;
        } else if (s[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          text.push_back(s[i++]);
        }
      }
      if (!closed) return FilterError(pos, "unterminated quoted string");
      out.push_back({TokenKind::kString, std::move(text), pos});
    } else if (absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-') {
      // An integer, or a bare date (2024-09-01) when it starts with a digit.
      const bool digit_first =
          absl::ascii_isdigit(static_cast<unsigned char>(c));
      size_t j = i + 1;
      while (j < s.size() &&
             (absl::ascii_isdigit(static_cast<unsigned char>(s[j])) ||
              (digit_first && s[j] == '-')))
        ++j;
      out.push_back({TokenKind::kInt, std::string(s.substr(i, j - i)), pos});
      i = j;
    } else if (absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i + 1;
      while (j < s.size() &&
             (absl::ascii_isalnum(static_cast<unsigned char>(s[j])) ||
              s[j] == '_' || s[j] == '.')) {
        ++j;
      }
      out.push_back({TokenKind::kIdent, std::string(s.substr(i, j - i)), pos});
      i = j;
    } else {
      return FilterError(
          pos, absl::StrCat("unexpected character '", std::string(1, c), "'"));
    }
  }
  out.push_back({TokenKind::kEnd, "", s.size() + 1});
  return out;
}

// kSchoolRef / kTeacherRef: a bare id or a resource name of the county.
// kText: free text (a display name), also compared with "~" (contains).
// kDate: YYYY-MM-DD, also compared with <, <=, >, >=.
enum class FieldType {
  kString,
  kBool,
  kEnum,
  kSchoolRef,
  kTeacherRef,
  kText,
  kDate
};

struct FieldSpec {
  const char* name;
  FieldType type;
  const google::protobuf::EnumDescriptor* enum_type;
};

std::vector<FieldSpec> FieldsOf(FilterKind kind) {
  switch (kind) {
    case FilterKind::kSchool:
      return {{"locality", FieldType::kEnum, rota::v1::Locality_descriptor()},
              {"weak", FieldType::kBool, nullptr},
              {"zone", FieldType::kString, nullptr},
              {"stage", FieldType::kEnum, rota::v1::Stage_descriptor()},
              {"display_name", FieldType::kText, nullptr}};
    case FilterKind::kPost:
      return {{"school", FieldType::kSchoolRef, nullptr},
              {"subject", FieldType::kString, nullptr},
              {"title_band", FieldType::kEnum, rota::v1::Title_descriptor()}};
    case FilterKind::kTeacher:
      return {
          {"school", FieldType::kSchoolRef, nullptr},
          {"subject", FieldType::kString, nullptr},
          {"gender", FieldType::kEnum, rota::v1::Gender_descriptor()},
          {"title", FieldType::kEnum, rota::v1::Title_descriptor()},
          {"role", FieldType::kEnum, rota::v1::Role_descriptor()},
          {"backbone_level", FieldType::kEnum,
           rota::v1::BackboneLevel_descriptor()},
          {"employment", FieldType::kEnum, rota::v1::Employment_descriptor()},
          {"display_name", FieldType::kText, nullptr},
          {"birth_date", FieldType::kDate, nullptr},
          {"career_start_date", FieldType::kDate, nullptr},
          {"school_join_date", FieldType::kDate, nullptr}};
    case FilterKind::kPeriodRequirement:
      return {{"school", FieldType::kSchoolRef, nullptr},
              {"subject", FieldType::kString, nullptr},
              {"stage", FieldType::kEnum, rota::v1::Stage_descriptor()}};
    case FilterKind::kRoadDistance:
      return {{"school_a", FieldType::kSchoolRef, nullptr},
              {"school_b", FieldType::kSchoolRef, nullptr}};
    case FilterKind::kApplicant:
      return {{"gender", FieldType::kEnum, rota::v1::Gender_descriptor()},
              {"channel", FieldType::kEnum,
               rota::v1::RecruitmentChannel_descriptor()},
              {"interview_passed", FieldType::kBool, nullptr},
              {"subject", FieldType::kString, nullptr}};
    case FilterKind::kRecruitmentPost:
      return {{"school", FieldType::kSchoolRef, nullptr},
              {"subject", FieldType::kString, nullptr},
              {"stage", FieldType::kEnum, rota::v1::Stage_descriptor()}};
    case FilterKind::kPlacement:
      return {{"school", FieldType::kSchoolRef, nullptr},
              {"from_school", FieldType::kSchoolRef, nullptr},
              {"to_school", FieldType::kSchoolRef, nullptr},
              {"teacher", FieldType::kTeacherRef, nullptr},
              {"outcome", FieldType::kEnum, rota::v1::Outcome_descriptor()},
              {"mandatory", FieldType::kBool, nullptr},
              {"locked", FieldType::kBool, nullptr},
              {"overridden", FieldType::kBool, nullptr}};
    case FilterKind::kEligibility:
      return {{"school", FieldType::kSchoolRef, nullptr},
              {"teacher", FieldType::kTeacherRef, nullptr},
              {"eligible", FieldType::kBool, nullptr},
              {"mandatory", FieldType::kBool, nullptr},
              {"voluntary", FieldType::kBool, nullptr},
              {"exempt", FieldType::kBool, nullptr}};
  }
  return {};
}

std::string FieldNames(const std::vector<FieldSpec>& fields) {
  std::string out;
  for (const auto& f : fields)
    absl::StrAppend(&out, out.empty() ? "" : ", ", f.name);
  return out;
}

bool Check(const Filter::Term& t, bool holds) {
  return t.op == Filter::Op::kNe ? !holds : holds;
}

// A string (or date) field compared with the term's operator.
bool Compare(const Filter::Term& t, absl::string_view value) {
  switch (t.op) {
    case Filter::Op::kEq:
      return value == t.text;
    case Filter::Op::kNe:
      return value != t.text;
    case Filter::Op::kLt:
      return value < t.text;
    case Filter::Op::kLe:
      return value <= t.text;
    case Filter::Op::kGt:
      return value > t.text;
    case Filter::Op::kGe:
      return value >= t.text;
    case Filter::Op::kContains:
      return absl::StrContains(absl::AsciiStrToLower(value),
                               absl::AsciiStrToLower(t.text));
  }
  return false;
}

std::optional<Filter::Op> OpOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEq:
      return Filter::Op::kEq;
    case TokenKind::kNe:
      return Filter::Op::kNe;
    case TokenKind::kLt:
      return Filter::Op::kLt;
    case TokenKind::kLe:
      return Filter::Op::kLe;
    case TokenKind::kGt:
      return Filter::Op::kGt;
    case TokenKind::kGe:
      return Filter::Op::kGe;
    case TokenKind::kContains:
      return Filter::Op::kContains;
    default:
      return std::nullopt;
  }
}

template <typename Repeated>
bool Contains(const Repeated& values, int64_t v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

// The id at the end of a resource name ("counties/c/schools/s1" -> "s1").
std::string IdOf(absl::string_view name) {
  size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name
                                                      : name.substr(slash + 1));
}

}  // namespace

absl::StatusOr<Filter> ParseFilter(absl::string_view text, FilterKind kind,
                                   absl::string_view county) {
  Filter filter;
  if (text.size() > kMaxFilterBytes) {
    return InvalidField("filter",
                        absl::StrCat("is ", text.size(), " bytes; at most ",
                                     kMaxFilterBytes, " are allowed"),
                        kReasonInvalidFilter);
  }
  ROTA_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  const std::vector<FieldSpec> fields = FieldsOf(kind);
  size_t i = 0;
  if (tokens[0].kind == TokenKind::kEnd) return filter;
  while (true) {
    const Token& field = tokens[i];
    if (field.kind != TokenKind::kIdent) {
      return FilterError(field.position, "expected a field name");
    }
    auto spec =
        std::find_if(fields.begin(), fields.end(),
                     [&](const FieldSpec& f) { return field.text == f.name; });
    if (spec == fields.end()) {
      return FilterError(field.position,
                         absl::StrCat("unknown field \"", field.text,
                                      "\"; filterable: ", FieldNames(fields)));
    }
    const Token& op = tokens[i + 1];
    std::optional<Filter::Op> term_op = OpOf(op.kind);
    if (!term_op.has_value()) {
      return FilterError(op.position,
                         "expected \"=\", \"!=\", \"<\", \"<=\", \">\", "
                         "\">=\" or \"~\"");
    }
    const bool ordered = *term_op != Filter::Op::kEq &&
                         *term_op != Filter::Op::kNe &&
                         *term_op != Filter::Op::kContains;
    if ((ordered && spec->type != FieldType::kDate) ||
        (*term_op == Filter::Op::kContains && spec->type != FieldType::kText)) {
      return FilterError(
          op.position,
          absl::StrCat("field \"", spec->name, "\" cannot be compared with \"",
                       op.text, "\"",
                       spec->type == FieldType::kText
                           ? " (use =, != or ~)"
                           : (spec->type == FieldType::kDate
                                  ? " (use =, !=, <, <=, > or >=)"
                                  : " (use = or !=)")));
    }
    const Token& value = tokens[i + 2];
    Filter::Term term;
    term.field = spec->name;
    term.op = *term_op;
    switch (spec->type) {
      case FieldType::kText:
        if (value.kind != TokenKind::kString &&
            value.kind != TokenKind::kIdent) {
          return FilterError(
              value.position,
              absl::StrCat("field \"", spec->name, "\" needs a quoted string"));
        }
        term.text = value.text;
        break;
      case FieldType::kDate:
        if ((value.kind != TokenKind::kString &&
             value.kind != TokenKind::kInt) ||
            !ParseDate(value.text).has_value()) {
          return FilterError(value.position,
                             absl::StrCat("field \"", spec->name,
                                          "\" needs a date YYYY-MM-DD"));
        }
        term.text = value.text;
        break;
      case FieldType::kString:
      case FieldType::kSchoolRef:
      case FieldType::kTeacherRef: {
        if (value.kind != TokenKind::kString &&
            value.kind != TokenKind::kIdent) {
          return FilterError(
              value.position,
              absl::StrCat("field \"", spec->name, "\" needs a quoted string"));
        }
        term.text = value.text;
        const bool school = spec->type == FieldType::kSchoolRef;
        if (spec->type != FieldType::kString &&
            value.text.find('/') != std::string::npos) {
          std::optional<ChildName> ref =
              ParseChildName(value.text, school ? kSchools : kTeachers);
          if (!ref.has_value()) {
            return FilterError(
                value.position,
                school
                    ? "school must be an id or counties/{county}/schools/{id}"
                    : "teacher must be an id or "
                      "counties/{county}/teachers/{id}");
          }
          if (ref->county != county) {
            return FilterError(
                value.position,
                absl::StrCat(spec->name, " belongs to another county"));
          }
          term.text = ref->id;
        }
        break;
      }
      case FieldType::kBool:
        if (value.kind == TokenKind::kIdent &&
            (value.text == "true" || value.text == "false")) {
          term.number = value.text == "true" ? 1 : 0;
        } else {
          return FilterError(
              value.position,
              absl::StrCat("field \"", spec->name, "\" needs true or false"));
        }
        break;
      case FieldType::kEnum: {
        const google::protobuf::EnumValueDescriptor* ev = nullptr;
        if (value.kind == TokenKind::kIdent ||
            value.kind == TokenKind::kString) {
          ev = spec->enum_type->FindValueByName(
              absl::AsciiStrToUpper(value.text));
        } else if (value.kind == TokenKind::kInt) {
          int n = 0;
          if (absl::SimpleAtoi(value.text, &n))
            ev = spec->enum_type->FindValueByNumber(n);
        }
        if (ev == nullptr) {
          return FilterError(
              value.position,
              absl::StrCat("\"", value.text, "\" is not a value of ",
                           spec->enum_type->name()));
        }
        term.number = ev->number();
        break;
      }
    }
    filter.terms_.push_back(std::move(term));
    if (filter.terms_.size() > kMaxFilterTerms) {
      return FilterError(
          field.position,
          absl::StrCat("a filter has at most ", kMaxFilterTerms, " terms"));
    }
    const Token& next = tokens[i + 3];
    if (next.kind == TokenKind::kEnd) break;
    if (next.kind != TokenKind::kIdent ||
        absl::AsciiStrToUpper(next.text) != "AND") {
      return FilterError(next.position,
                         "expected AND or the end of the filter");
    }
    if (tokens[i + 4].kind == TokenKind::kEnd) {
      return FilterError(tokens[i + 4].position, "expected a term after AND");
    }
    i += 4;
  }
  return filter;
}

bool Filter::Matches(const rota::v1::School& s) const {
  for (const Term& t : terms_) {
    bool holds = false;
    if (t.field == "locality") {
      holds = s.locality() == t.number;
    } else if (t.field == "weak") {
      holds = s.weak() == (t.number != 0);
    } else if (t.field == "zone") {
      holds = s.zone() == t.text;
    } else if (t.field == "stage") {
      holds = Contains(s.stages(), t.number);
    } else if (t.field == "display_name") {
      if (!Compare(t, s.display_name())) return false;
      continue;
    }
    if (!Check(t, holds)) return false;
  }
  return true;
}

bool Filter::Matches(const rota::v1::Post& p) const {
  for (const Term& t : terms_) {
    bool holds = false;
    if (t.field == "school") {
      holds = IdOf(p.school()) == t.text;
    } else if (t.field == "subject") {
      holds = p.subject() == t.text;
    } else if (t.field == "title_band") {
      holds = p.title_band() == t.number;
    }
    if (!Check(t, holds)) return false;
  }
  return true;
}

bool Filter::Matches(const rota::v1::Teacher& x) const {
  for (const Term& t : terms_) {
    bool holds = false;
    if (t.field == "school") {
      holds = IdOf(x.school()) == t.text;
    } else if (t.field == "subject") {
      holds = std::find(x.subjects().begin(), x.subjects().end(), t.text) !=
              x.subjects().end();
    } else if (t.field == "gender") {
      holds = x.gender() == t.number;
    } else if (t.field == "title") {
      holds = x.title() == t.number;
    } else if (t.field == "role") {
      holds = x.role() == t.number;
    } else if (t.field == "backbone_level") {
      holds = x.backbone_level() == t.number;
    } else if (t.field == "employment") {
      holds = x.employment() == t.number;
    } else if (t.field == "display_name") {
      if (!Compare(t, x.display_name())) return false;
      continue;
    } else if (t.field == "birth_date" || t.field == "career_start_date" ||
               t.field == "school_join_date") {
      const std::string& date = t.field == "birth_date" ? x.birth_date()
                                : t.field == "career_start_date"
                                    ? x.career_start_date()
                                    : x.school_join_date();
      if (!Compare(t, date)) return false;
      continue;
    }
    if (!Check(t, holds)) return false;
  }
  return true;
}

bool Filter::Matches(const rota::v1::PeriodRequirement& r) const {
  for (const Term& t : terms_) {
    bool holds = false;
    if (t.field == "school") {
      holds = IdOf(r.school()) == t.text;
    } else if (t.field == "subject") {
      holds = r.subject() == t.text;
    } else if (t.field == "stage") {
      holds = r.stage() == t.number;
    }
    if (!Check(t, holds)) return false;
  }
  return true;
}

bool Filter::Matches(const rota::v1::Applicant& a) const {
  for (const Term& t : terms_) {
    bool holds = false;
    if (t.field == "gender") {
      holds = a.gender() == t.number;
    } else if (t.field == "channel") {
      holds = a.channel() == t.number;
    } else if (t.field == "interview_passed") {
      holds = a.interview_passed() == (t.number != 0);
    } else if (t.field == "subject") {
      holds = std::find(a.subjects().begin(), a.subjects().end(), t.text) !=
              a.subjects().end();
    }
    if (!Check(t, holds)) return false;
  }
  return true;
}

bool Filter::Matches(const rota::v1::RecruitmentPost& p) const {
  for (const Term& t : terms_) {
    bool holds = false;
    if (t.field == "school") {
      holds = IdOf(p.school()) == t.text;
    } else if (t.field == "subject") {
      holds = p.subject() == t.text;
    } else if (t.field == "stage") {
      holds = p.stage() == t.number;
    }
    if (!Check(t, holds)) return false;
  }
  return true;
}

bool Filter::Matches(const rota::v1::RoadDistance& r) const {
  for (const Term& t : terms_) {
    bool holds = false;
    if (t.field == "school_a") {
      holds = IdOf(r.school_a()) == t.text;
    } else if (t.field == "school_b") {
      holds = IdOf(r.school_b()) == t.text;
    }
    if (!Check(t, holds)) return false;
  }
  return true;
}

bool Filter::Matches(const rota::v1::Placement& p) const {
  for (const Term& t : terms_) {
    bool holds = false;
    if (t.field == "school") {
      holds = IdOf(p.from_school()) == t.text ||
              (!p.to_school().empty() && IdOf(p.to_school()) == t.text);
    } else if (t.field == "from_school") {
      holds = IdOf(p.from_school()) == t.text;
    } else if (t.field == "to_school") {
      holds = IdOf(p.to_school()) == t.text;
    } else if (t.field == "teacher") {
      holds = IdOf(p.teacher()) == t.text;
    } else if (t.field == "outcome") {
      holds = p.outcome() == t.number;
    } else if (t.field == "mandatory") {
      holds = p.mandatory() == (t.number != 0);
    } else if (t.field == "locked") {
      holds = p.locked() == (t.number != 0);
    } else if (t.field == "overridden") {
      holds = p.overridden() == (t.number != 0);
    }
    if (!Check(t, holds)) return false;
  }
  return true;
}

bool Filter::Matches(const rota::v1::EligibilityEntry& e) const {
  for (const Term& t : terms_) {
    bool holds = false;
    if (t.field == "school") {
      holds = IdOf(e.school()) == t.text;
    } else if (t.field == "teacher") {
      holds = IdOf(e.teacher()) == t.text;
    } else if (t.field == "eligible") {
      holds = e.eligible() == (t.number != 0);
    } else if (t.field == "mandatory") {
      holds = e.mandatory() == (t.number != 0);
    } else if (t.field == "voluntary") {
      holds = e.voluntary() == (t.number != 0);
    } else if (t.field == "exempt") {
      holds = e.exempt() == (t.number != 0);
    }
    if (!Check(t, holds)) return false;
  }
  return true;
}

std::optional<std::string> Filter::EqualityValue(
    absl::string_view field) const {
  for (const Term& t : terms_) {
    if (t.field == field && t.op == Op::kEq) return t.text;
  }
  return std::nullopt;
}

}  // namespace rota::service
