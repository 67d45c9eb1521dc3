// rotactl teacher find, round eligibility, and school references by name.
#include "tools/rotactl/find_commands.h"

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/output.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
using rota::tools::IdOf;

// A filter's quoted string.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// Every school of the county matching `filter` (all pages).
bool ListSchools(Context* ctx, const std::string& county,
                 const std::string& filter, std::vector<v1::School>* out,
                 const char* what) {
  v1::ListSchoolsRequest req;
  req.set_parent(county);
  req.set_page_size(1000);
  req.set_filter(filter);
  while (true) {
    v1::ListSchoolsResponse page;
    auto call = ctx->NewCall();
    const grpc::Status s = ctx->Registry().ListSchools(call.get(), req, &page);
    if (!s.ok()) {
      ctx->exit_code = ReportRpcError(s, what);
      return false;
    }
    out->insert(out->end(), page.schools().begin(), page.schools().end());
    if (page.next_page_token().empty()) return true;
    req.set_page_token(page.next_page_token());
  }
}

// Display names of the county's schools by full name, read once.
class SchoolNames {
 public:
  SchoolNames(Context* ctx, std::string county)
      : ctx_(ctx), county_(std::move(county)) {}
  // "城关小学" ("" if the school cannot be read).
  std::string Name(const std::string& school) {
    if (!loaded_) {
      loaded_ = true;
      std::vector<v1::School> all;
      const int saved = ctx_->exit_code;
      if (ListSchools(ctx_, county_, "", &all, "list schools"))
        for (const auto& s : all) names_[s.name()] = s.display_name();
      ctx_->exit_code = saved;
    }
    auto it = names_.find(school);
    return it == names_.end() ? "" : it->second;
  }

 private:
  Context* ctx_;
  std::string county_;
  bool loaded_ = false;
  std::map<std::string, std::string> names_;
};

struct FindOpts {
  std::string name;
  bool exact = false;
  std::string filter;
  // eligibility
  std::string round;
  std::string school;
  bool all = false;
  int page_size = 0;
};

int FindTeachers(Context* ctx, const FindOpts& o) {
  const std::string county = ctx->CountyName();
  if (county.empty()) return ctx->exit_code;
  v1::ListTeachersRequest req;
  req.set_parent(county);
  req.set_page_size(1000);
  std::string filter =
      absl::StrCat("display_name ", o.exact ? "= " : "~ ", Quoted(o.name));
  if (!o.filter.empty()) absl::StrAppend(&filter, " AND ", o.filter);
  req.set_filter(filter);
  SchoolNames schools(ctx, county);
  ListPrinter out(
      ctx->format(),
      Headers({"id", "display_name", "school", "subjects", "birth_date"},
              ctx->lang, HeaderStyle::kTable),
      Headers({"id", "display_name", "school", "school_name", "subjects",
               "birth_date"},
              ctx->lang, HeaderStyle::kCsv));
  while (true) {
    v1::ListTeachersResponse page;
    auto call = ctx->NewCall();
    const grpc::Status s = ctx->Registry().ListTeachers(call.get(), req, &page);
    if (!s.ok()) {
      out.Abort();
      return ReportRpcError(s, "teacher find");
    }
    for (const v1::Teacher& t : page.teachers()) {
      const std::string school_name = schools.Name(t.school());
      std::vector<std::string> subject_words;
      for (const std::string& code : t.subjects())
        subject_words.push_back(SubjectWords(code, ctx->lang));
      const std::string subjects = absl::StrJoin(subject_words, ";");
      out.Add(t,
              {std::string(IdOf(t.name())), t.display_name(),
               Labeled(school_name, t.school()), subjects, t.birth_date()},
              {std::string(IdOf(t.name())), t.display_name(),
               std::string(IdOf(t.school())), school_name, subjects,
               t.birth_date()});
    }
    if (page.next_page_token().empty()) break;
    req.set_page_token(page.next_page_token());
  }
  const int64_t found = out.count();
  out.Finish();
  if (found == 0) {
    std::fprintf(stderr, "rotactl: teacher find: no teacher named %s%s\n",
                 o.exact ? "" : "anything like ", Quoted(o.name).c_str());
    return kExitFailed;
  }
  return kExitOk;
}

int Eligibility(Context* ctx, const FindOpts& o) {
  v1::ListEligibilityRequest req;
  req.set_name(ResourceName(ctx, o.round, "rounds"));
  if (req.name().empty()) return ctx->exit_code;
  std::vector<std::string> filter;
  if (!o.school.empty()) {
    std::optional<std::string> id =
        ResolveSchool(ctx, o.school, "round eligibility");
    if (!id.has_value()) return ctx->exit_code;
    filter.push_back(absl::StrCat("school = ", Quoted(*id)));
  }
  if (!o.filter.empty()) filter.push_back(o.filter);
  req.set_filter(absl::StrJoin(filter, " AND "));
  req.set_page_size(o.page_size > 0 ? o.page_size : (o.all ? 1000 : 50));
  const std::string county = req.name().substr(0, req.name().find("/rounds/"));
  SchoolNames schools(ctx, county);
  const Lang lang = ctx->lang;
  // CSV: ids and names in their own columns; the table: "王芳 (t1)".
  ListPrinter out(
      ctx->format(),
      Headers({"teacher", "school", "eligible", "mandatory", "voluntary",
               "exempt", "points", "reason"},
              lang, HeaderStyle::kTable),
      Headers({"teacher", "teacher_name", "school", "school_name", "eligible",
               "mandatory", "voluntary", "exempt", "points", "reason"},
              lang, HeaderStyle::kCsv));
  auto yes = [lang](bool b) { return b ? Say("yes", lang) : std::string("-"); };
  auto tf = [](bool b) { return std::string(b ? "true" : "false"); };
  std::string next;
  while (true) {
    v1::ListEligibilityResponse page;
    auto call = ctx->NewCall();
    const grpc::Status s =
        ctx->Rounds().ListEligibility(call.get(), req, &page);
    if (!s.ok()) {
      out.Abort();
      return ReportRpcError(s, "round eligibility");
    }
    for (const v1::EligibilityEntry& e : page.entries()) {
      const std::string teacher(IdOf(e.teacher()));
      // Rounds frozen before names were kept: the school's current name.
      const std::string school_name =
          e.school_name().empty() ? schools.Name(e.school()) : e.school_name();
      char points[32];
      std::snprintf(points, sizeof(points), "%.2f",
                    static_cast<double>(e.points()) / 100.0);
      out.Add(e,
              {Labeled(e.teacher_name(), e.teacher()),
               Labeled(school_name, e.school()), yes(e.eligible()),
               yes(e.mandatory()), yes(e.voluntary()), yes(e.exempt()), points,
               Pick(e.reason(), e.reason_zh(), lang)},
              {teacher, e.teacher_name(), std::string(IdOf(e.school())),
               school_name, tf(e.eligible()), tf(e.mandatory()),
               tf(e.voluntary()), tf(e.exempt()), std::to_string(e.points()),
               Pick(e.reason(), e.reason_zh(), lang)});
    }
    next = page.next_page_token();
    if (next.empty() || !o.all) break;
    req.set_page_token(next);
  }
  out.Finish();
  if (!next.empty() && ctx->format() == OutputFormat::kTable)
    std::fprintf(stderr, "%s\n",
                 Say("(more teachers: add --all)", lang).c_str());
  return kExitOk;
}

}  // namespace

std::string ResourceName(Context* ctx, const std::string& ref,
                         const char* collection) {
  if (ref.rfind("counties/", 0) == 0) return ref;
  const std::string county = ctx->CountyName();
  if (county.empty()) return "";
  return county + "/" + collection + "/" + ref;
}

std::optional<std::string> ResolveSchool(Context* ctx, const std::string& ref,
                                         const char* what) {
  const std::string county = ctx->CountyName();
  if (county.empty()) return std::nullopt;
  if (ref.rfind("counties/", 0) == 0) return std::string(IdOf(ref));
  // An id first.
  {
    v1::GetSchoolRequest req;
    req.set_name(county + "/schools/" + ref);
    v1::School school;
    auto call = ctx->NewCall();
    const grpc::Status s = ctx->Registry().GetSchool(call.get(), req, &school);
    if (s.ok()) return ref;
    if (s.error_code() != grpc::StatusCode::NOT_FOUND &&
        s.error_code() != grpc::StatusCode::INVALID_ARGUMENT) {
      ctx->exit_code = ReportRpcError(s, what);
      return std::nullopt;
    }
  }
  // Then a display name: exact, else containing it.
  std::vector<v1::School> found;
  for (const char* op : {"= ", "~ "}) {
    if (!ListSchools(ctx, county,
                     absl::StrCat("display_name ", op, Quoted(ref)), &found,
                     what))
      return std::nullopt;
    if (!found.empty()) break;
  }
  if (found.size() == 1) return std::string(IdOf(found[0].name()));
  if (found.empty()) {
    std::fprintf(stderr, "rotactl: %s: no school has the id or name %s\n", what,
                 Quoted(ref).c_str());
  } else {
    std::fprintf(stderr,
                 "rotactl: %s: %zu schools match %s; give one of their ids:\n",
                 what, found.size(), Quoted(ref).c_str());
    for (const auto& s : found)
      std::fprintf(stderr, "  %s  %s\n", std::string(IdOf(s.name())).c_str(),
                   s.display_name().c_str());
  }
  ctx->exit_code = kExitUsage;
  return std::nullopt;
}

void AddTeacherFindCommand(CLI::App* teacher, Context* ctx) {
  auto o = std::make_shared<FindOpts>();
  CLI::App* find = teacher->add_subcommand(
      "find",
      "Find teachers by name (display name containing NAME; --exact for the "
      "whole name): prints id, name and school");
  find->fallthrough();
  find->add_option("NAME", o->name, "Name or part of it, e.g. 王")->required();
  find->add_flag("--exact", o->exact, "The whole display name");
  find->add_option("--filter", o->filter,
                   "More terms, e.g. 'birth_date < 1970-01-01 AND "
                   "career_start_date >= 2000-09-01'");
  find->callback([ctx, o] { ctx->exit_code = FindTeachers(ctx, *o); });
}

void AddEligibilityCommand(CLI::App* round, Context* ctx) {
  auto o = std::make_shared<FindOpts>();
  CLI::App* elig = round->add_subcommand(
      "eligibility",
      "Who takes part in ROUND (computed at freeze), with why: exchange "
      "rotation: who may be made to rotate (eligible, mandatory, voluntary, "
      "exempt, points); 走教: the teachers of shortage subjects and whether "
      "they can teach at other schools");
  elig->fallthrough();
  elig->add_option("ROUND", o->round, "Round id or full name")->required();
  elig->add_option("--school", o->school,
                   "Only teachers of this school (id or name)");
  elig->add_option("--filter", o->filter,
                   "e.g. 'mandatory = true'; fields: school, teacher, "
                   "eligible, mandatory, voluntary, exempt");
  elig->add_flag("--all", o->all, "Fetch every page");
  elig->add_option("--page-size", o->page_size, "Teachers per page");
  elig->callback([ctx, o] { ctx->exit_code = Eligibility(ctx, *o); });
}

}  // namespace rota::rotactl
