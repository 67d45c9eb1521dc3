// rotactl school create|get|list|update|delete.
#include "absl/strings/str_join.h"
#include "tools/csv/csv_words.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/resource_commands.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
using rota::tools::CsvEnum;
using rota::tools::CsvTable;
using rota::tools::EnumChineseWord;

struct SchoolTraits {
  using Resource = v1::School;
  static constexpr const char* kNoun = "school";
  static constexpr const char* kPlural = "schools";
  static constexpr const char* kHelp = "Schools of the county (--county)";
  static constexpr CsvTable kTable = CsvTable::kSchools;
  static constexpr const char* kFilterHelp =
      "e.g. 'locality = RURAL AND weak = true'; fields: locality, weak, zone, "
      "stage";

  static std::vector<FieldFlag> Flags() {
    return {{"name", "display_name", "display_name",
             "Display name, e.g. 青山镇中心小学"},
            {"stages", "stages", "stages",
             "Stages, ';'-separated: primary;junior (nine_year)"},
            {"locality", "locality", "locality",
             "urban, town, rural or teaching_point"},
            {"weak", "weak", "weak", "Weak school (薄弱学校): true or false"},
            {"zone", "zone", "zone", "Zone (学区) id"},
            {"latitude", "latitude", "location", "Latitude (WGS84 degrees)"},
            {"longitude", "longitude", "location", "Longitude (WGS84 degrees)"},
            {"headcount", "headcount", "headcount",
             "Established headcount (编制数)"}};
  }
  static std::vector<std::string> TableHeaders(Lang lang) {
    if (lang == Lang::kZh)
      return {"编号", "校名", "学段", "城乡", "薄弱学校", "学区", "编制数"};
    return {"ID", "NAME", "STAGES", "LOCALITY", "WEAK", "ZONE", "HEADCOUNT"};
  }
  static std::vector<std::string> TableRow(const v1::School& s, Lang lang) {
    std::vector<std::string> c = rota::tools::SchoolToCsv(s);
    if (lang == Lang::kZh) {
      std::vector<std::string> stages;
      for (int st : s.stages())
        stages.push_back(EnumChineseWord(CsvEnum::kStage, st));
      return {c[0],
              c[1],
              absl::StrJoin(stages, "、"),
              EnumChineseWord(CsvEnum::kLocality, s.locality()),
              s.weak() ? "薄弱" : "",
              c[5],
              c[8]};
    }
    return {c[0], c[1], c[2], c[3], s.weak() ? "weak" : "", c[5], c[8]};
  }
  static std::string Name(const std::string& parent, const std::string& id) {
    return parent + "/schools/" + id;
  }
  static absl::Status FromCsv(const rota::tools::CsvHeader& h,
                              const std::vector<std::string>& r,
                              const std::string& county, v1::School* out,
                              std::string* field) {
    return rota::tools::SchoolFromCsv(
        h, r, std::string(rota::tools::IdOf(county)), out, field);
  }
  static std::vector<std::string> ToCsv(const v1::School& s) {
    return rota::tools::SchoolToCsv(s);
  }
  static grpc::Status Create(Context* ctx, grpc::ClientContext* call,
                             const std::string& parent, const std::string& id,
                             const v1::School& r, const std::string& request_id,
                             v1::School* out) {
    v1::CreateSchoolRequest req;
    req.set_parent(parent);
    req.set_school_id(id);
    *req.mutable_school() = r;
    req.set_request_id(request_id);
    return ctx->Registry().CreateSchool(call, req, out);
  }
  static grpc::Status Get(Context* ctx, grpc::ClientContext* call,
                          const std::string& name, v1::School* out) {
    v1::GetSchoolRequest req;
    req.set_name(name);
    return ctx->Registry().GetSchool(call, req, out);
  }
  static grpc::Status Update(Context* ctx, grpc::ClientContext* call,
                             const v1::School& r,
                             const google::protobuf::FieldMask& mask,
                             const std::string& request_id, v1::School* out) {
    v1::UpdateSchoolRequest req;
    *req.mutable_school() = r;
    *req.mutable_update_mask() = mask;
    req.set_request_id(request_id);
    return ctx->Registry().UpdateSchool(call, req, out);
  }
  static grpc::Status Delete(Context* ctx, grpc::ClientContext* call,
                             const std::string& name, const std::string& etag,
                             const std::string& request_id,
                             v1::DeleteResponse* out) {
    v1::DeleteSchoolRequest req;
    req.set_name(name);
    req.set_etag(etag);
    req.set_request_id(request_id);
    return ctx->Registry().DeleteSchool(call, req, out);
  }
  static grpc::Status List(Context* ctx, grpc::ClientContext* call,
                           const std::string& parent, int page_size,
                           const std::string& token, const std::string& filter,
                           std::vector<v1::School>* items, std::string* next) {
    v1::ListSchoolsRequest req;
    req.set_parent(parent);
    req.set_page_size(page_size);
    req.set_page_token(token);
    req.set_filter(filter);
    v1::ListSchoolsResponse resp;
    grpc::Status s = ctx->Registry().ListSchools(call, req, &resp);
    items->assign(resp.schools().begin(), resp.schools().end());
    *next = resp.next_page_token();
    return s;
  }
};

}  // namespace

void AddSchoolCommands(CLI::App* app, Context* ctx) {
  AddResourceCommands<SchoolTraits>(app, ctx);
}

}  // namespace rota::rotactl
