// rotactl post create|get|list|update|delete.
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

struct PostTraits {
  using Resource = v1::Post;
  static constexpr const char* kNoun = "post";
  static constexpr const char* kPlural = "posts";
  static constexpr const char* kHelp =
      "Posts (岗位): school x subject x title band, with a count";
  static constexpr CsvTable kTable = CsvTable::kPosts;
  static constexpr const char* kFilterHelp =
      "e.g. 'school = \"s0012\" AND subject = \"music\"'; fields: school, "
      "subject, title_band";

  static std::vector<FieldFlag> Flags() {
    return {{"school", "school", "school", "School id"},
            {"subject", "subject", "subject", "Subject code, e.g. math, music"},
            {"title-band", "title_band", "title_band",
             "junior, intermediate or senior"},
            {"count", "count", "count", "Number of seats (岗位职数)"},
            {"stage", "stage", "stage",
             "Stage taught (default: the school's first)"}};
  }
  static std::vector<std::string> TableHeaders(Lang lang) {
    if (lang == Lang::kZh)
      return {"编号", "学校", "学科", "岗位等级", "名额", "学段", "编外"};
    return {"ID", "SCHOOL", "SUBJECT", "BAND", "COUNT", "STAGE"};
  }
  static std::vector<std::string> TableRow(const v1::Post& p, Lang lang) {
    std::vector<std::string> c = rota::tools::PostToCsv(p);
    if (lang == Lang::kZh) {
      return {c[0],
              c[1],
              SubjectWords(p.subject(), lang),
              EnumChineseWord(CsvEnum::kTitle, p.title_band()),
              c[4],
              EnumChineseWord(CsvEnum::kStage, p.stage()),
              p.non_established() ? "是" : ""};
    }
    return c;
  }
  static std::string Name(const std::string& parent, const std::string& id) {
    return parent + "/posts/" + id;
  }
  static absl::Status FromCsv(const rota::tools::CsvHeader& h,
                              const std::vector<std::string>& r,
                              const std::string& county, v1::Post* out,
                              std::string* field) {
    return rota::tools::PostFromCsv(
        h, r, std::string(rota::tools::IdOf(county)), out, field);
  }
  static std::vector<std::string> ToCsv(const v1::Post& p) {
    return rota::tools::PostToCsv(p);
  }
  static grpc::Status Create(Context* ctx, grpc::ClientContext* call,
                             const std::string& parent, const std::string& id,
                             const v1::Post& r, const std::string& request_id,
                             v1::Post* out) {
    v1::CreatePostRequest req;
    req.set_parent(parent);
    req.set_post_id(id);
    *req.mutable_post() = r;
    req.set_request_id(request_id);
    return ctx->Registry().CreatePost(call, req, out);
  }
  static grpc::Status Get(Context* ctx, grpc::ClientContext* call,
                          const std::string& name, v1::Post* out) {
    v1::GetPostRequest req;
    req.set_name(name);
    return ctx->Registry().GetPost(call, req, out);
  }
  static grpc::Status Update(Context* ctx, grpc::ClientContext* call,
                             const v1::Post& r,
                             const google::protobuf::FieldMask& mask,
                             const std::string& request_id, v1::Post* out) {
    v1::UpdatePostRequest req;
    *req.mutable_post() = r;
    *req.mutable_update_mask() = mask;
    req.set_request_id(request_id);
    return ctx->Registry().UpdatePost(call, req, out);
  }
  static grpc::Status Delete(Context* ctx, grpc::ClientContext* call,
                             const std::string& name, const std::string& etag,
                             const std::string& request_id,
                             v1::DeleteResponse* out) {
    v1::DeletePostRequest req;
    req.set_name(name);
    req.set_etag(etag);
    req.set_request_id(request_id);
    return ctx->Registry().DeletePost(call, req, out);
  }
  static grpc::Status List(Context* ctx, grpc::ClientContext* call,
                           const std::string& parent, int page_size,
                           const std::string& token, const std::string& filter,
                           std::vector<v1::Post>* items, std::string* next) {
    v1::ListPostsRequest req;
    req.set_parent(parent);
    req.set_page_size(page_size);
    req.set_page_token(token);
    req.set_filter(filter);
    v1::ListPostsResponse resp;
    grpc::Status s = ctx->Registry().ListPosts(call, req, &resp);
    items->assign(resp.posts().begin(), resp.posts().end());
    *next = resp.next_page_token();
    return s;
  }
};

}  // namespace

void AddPostCommands(CLI::App* app, Context* ctx) {
  AddResourceCommands<PostTraits>(app, ctx);
}

}  // namespace rota::rotactl
