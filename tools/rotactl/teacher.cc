// rotactl teacher create|get|list|update|delete.
#include "absl/strings/str_join.h"
#include "tools/csv/csv_words.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/find_commands.h"
#include "tools/rotactl/resource_commands.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
using rota::tools::CsvEnum;
using rota::tools::CsvTable;
using rota::tools::EnumChineseWord;

struct TeacherTraits {
  using Resource = v1::Teacher;
  static constexpr const char* kNoun = "teacher";
  static constexpr const char* kPlural = "teachers";
  static constexpr const char* kHelp =
      "Teachers of the county (id = the county staff id)";
  static constexpr CsvTable kTable = CsvTable::kTeachers;
  static constexpr const char* kFilterHelp =
      "e.g. 'subject = \"music\" AND gender = FEMALE'; fields: school, "
      "subject, gender, title, "
      "role, backbone_level, employment, display_name (= or ~ contains), "
      "birth_date, career_start_date, school_join_date (= != < <= > >=)";

  static std::vector<FieldFlag> Flags() {
    return {
        {"name", "display_name", "display_name", "Display name, e.g. 王芳"},
        {"gender", "gender", "gender", "female or male"},
        {"birth-date", "birth_date", "birth_date", "YYYY-MM-DD"},
        {"career-start", "career_start_date", "career_start_date",
         "YYYY-MM-DD"},
        {"school", "school", "school", "Current school id"},
        {"join-date", "school_join_date", "school_join_date",
         "Date joined the school"},
        {"post", "post", "post", "Post id held"},
        {"subjects", "subjects", "subjects",
         "Subjects, ';'-separated, primary first"},
        {"certificate-stages", "certificate_stages", "certificate_stages",
         "Certificate (教师资格) stages, ';'-separated"},
        {"title", "title", "title", "none, junior, intermediate or senior"},
        {"role", "role", "role", "teacher, principal or vice_principal"},
        {"role-start", "role_start_date", "role_start_date",
         "Date she took up her role (principal, vice-principal)"},
        {"backbone", "backbone_level", "backbone_level",
         "none, county, city or province"},
        {"employment", "employment", "employment",
         "established (编内) or non_established"},
        {"evaluations", "evaluations", "evaluations",
         "e.g. '2024:excellent;2025:competent'"},
        {"service-history", "service_history", "service_history",
         "'school|start|end|locality|weak|term;...' (docs/csv-format.md)"},
        {"exemptions", "exemptions", "exemptions", "'kind|start|end|note;...'"},
        {"hardships", "hardships", "hardships", "'kind|note;...'"},
        {"obligations", "obligations", "obligations",
         "'kind|required_rural_years|start;...'"},
        {"home-school", "home_school", "home_school",
         "Term exchange: school id her personnel relation stays at"},
        {"term-end", "term_end_date", "term_end_date",
         "Term exchange: YYYY-MM-DD her term ends"}};
  }
  static std::vector<std::string> TableHeaders(Lang lang) {
    if (lang == Lang::kZh)
      return {"工号", "姓名", "性别", "出生日期", "学校", "调入本校",
              "学科", "职称", "职务", "骨干等级", "编制"};
    return {"ID",       "NAME",  "GENDER", "BORN",     "SCHOOL",    "SINCE",
            "SUBJECTS", "TITLE", "ROLE",   "BACKBONE", "EMPLOYMENT"};
  }
  static std::vector<std::string> TableRow(const v1::Teacher& t, Lang lang) {
    const std::vector<std::string> c = rota::tools::TeacherToCsv(t);
    if (lang == Lang::kZh) {
      std::vector<std::string> subjects;
      for (const std::string& code : t.subjects())
        subjects.push_back(SubjectWords(code, lang));
      return {c[0],
              c[1],
              EnumChineseWord(CsvEnum::kGender, t.gender()),
              c[3],
              c[5],
              c[6],
              absl::StrJoin(subjects, "、"),
              EnumChineseWord(CsvEnum::kTitle, t.title()),
              EnumChineseWord(CsvEnum::kRole, t.role()),
              EnumChineseWord(CsvEnum::kBackbone, t.backbone_level()),
              EnumChineseWord(CsvEnum::kEmployment, t.employment())};
    }
    return {c[0], c[1],  c[2],  c[3],  c[5], c[6],
            c[8], c[10], c[11], c[13], c[14]};
  }
  static std::string Name(const std::string& parent, const std::string& id) {
    return parent + "/teachers/" + id;
  }
  static absl::Status FromCsv(const rota::tools::CsvHeader& h,
                              const std::vector<std::string>& r,
                              const std::string& county, v1::Teacher* out,
                              std::string* field) {
    return rota::tools::TeacherFromCsv(
        h, r, std::string(rota::tools::IdOf(county)), out, field);
  }
  static std::vector<std::string> ToCsv(const v1::Teacher& t) {
    return rota::tools::TeacherToCsv(t);
  }
  static grpc::Status Create(Context* ctx, grpc::ClientContext* call,
                             const std::string& parent, const std::string& id,
                             const v1::Teacher& r,
                             const std::string& request_id, v1::Teacher* out) {
    v1::CreateTeacherRequest req;
    req.set_parent(parent);
    req.set_teacher_id(id);
    *req.mutable_teacher() = r;
    req.set_request_id(request_id);
    return ctx->Registry().CreateTeacher(call, req, out);
  }
  static grpc::Status Get(Context* ctx, grpc::ClientContext* call,
                          const std::string& name, v1::Teacher* out) {
    v1::GetTeacherRequest req;
    req.set_name(name);
    return ctx->Registry().GetTeacher(call, req, out);
  }
  static grpc::Status Update(Context* ctx, grpc::ClientContext* call,
                             const v1::Teacher& r,
                             const google::protobuf::FieldMask& mask,
                             const std::string& request_id, v1::Teacher* out) {
    v1::UpdateTeacherRequest req;
    *req.mutable_teacher() = r;
    *req.mutable_update_mask() = mask;
    req.set_request_id(request_id);
    return ctx->Registry().UpdateTeacher(call, req, out);
  }
  static grpc::Status Delete(Context* ctx, grpc::ClientContext* call,
                             const std::string& name, const std::string& etag,
                             const std::string& request_id,
                             v1::DeleteResponse* out) {
    v1::DeleteTeacherRequest req;
    req.set_name(name);
    req.set_etag(etag);
    req.set_request_id(request_id);
    return ctx->Registry().DeleteTeacher(call, req, out);
  }
  static grpc::Status List(Context* ctx, grpc::ClientContext* call,
                           const std::string& parent, int page_size,
                           const std::string& token, const std::string& filter,
                           std::vector<v1::Teacher>* items, std::string* next) {
    v1::ListTeachersRequest req;
    req.set_parent(parent);
    req.set_page_size(page_size);
    req.set_page_token(token);
    req.set_filter(filter);
    v1::ListTeachersResponse resp;
    grpc::Status s = ctx->Registry().ListTeachers(call, req, &resp);
    items->assign(resp.teachers().begin(), resp.teachers().end());
    *next = resp.next_page_token();
    return s;
  }
};

}  // namespace

void AddTeacherCommands(CLI::App* app, Context* ctx) {
  AddResourceCommands<TeacherTraits>(app, ctx);
  AddTeacherFindCommand(app->get_subcommand("teacher"), ctx);
}

}  // namespace rota::rotactl
