// rotactl county create|get|list|update|delete. Counties are the tenants;
// `county create ID --name NAME` is the first thing an administrator runs.
#include <cstdio>
#include <memory>

#include "google/protobuf/field_mask.pb.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/output.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;

std::string CountyNameOf(const std::string& id) {
  return id.rfind("counties/", 0) == 0 ? id : "counties/" + id;
}

std::vector<std::string> Row(const v1::County& c) {
  const size_t slash = c.name().rfind('/');
  return {slash == std::string::npos ? c.name() : c.name().substr(slash + 1),
          c.display_name(), c.region(), c.etag(), c.update_time()};
}
const std::vector<std::string>& Headers() {
  static const auto* h =
      new std::vector<std::string>{"ID", "NAME", "REGION", "ETAG", "UPDATED"};
  return *h;
}
const std::vector<std::string>& CsvHeaders() {
  static const auto* h = new std::vector<std::string>{
      "id", "display_name", "region", "etag", "update_time"};
  return *h;
}

void PrintCounty(Context* ctx, const v1::County& c) {
  PrintResource(ctx->format(), c, CsvHeaders(), Row(c));
}

// The county id: the positional ID, else --county.
std::string IdOrGlobal(Context* ctx, const std::string& id) {
  if (!id.empty()) return id;
  if (ctx->county.empty()) {
    std::fprintf(stderr, "rotactl: give the county ID (or --county)\n");
    ctx->exit_code = kExitUsage;
  }
  return ctx->county;
}

}  // namespace

void AddCountyCommands(CLI::App* app, Context* ctx) {
  CLI::App* noun = app->add_subcommand("county", "Counties (the tenants)");
  noun->require_subcommand(1);
  noun->fallthrough();

  struct Opts {
    std::string id, name, region, etag, request_id;
    int page_size = 0;
    bool all = false;
    CLI::Option* name_opt = nullptr;
    CLI::Option* region_opt = nullptr;
  };
  {
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = noun->add_subcommand("create", "Create a county");
    cmd->fallthrough();
    cmd->add_option("ID", o->id, "County id, e.g. yongan")->required();
    cmd->add_option("--name", o->name, "Display name, e.g. 永安市")->required();
    cmd->add_option("--region", o->region,
                    "Province or prefecture (free text)");
    cmd->add_option("--request-id", o->request_id, "Idempotency key (AIP-155)");
    cmd->callback([ctx, o] {
      v1::CreateCountyRequest req;
      req.set_county_id(o->id);
      req.mutable_county()->set_display_name(o->name);
      req.mutable_county()->set_region(o->region);
      req.set_request_id(o->request_id);
      v1::County out;
      auto call = ctx->NewCall();
      grpc::Status s = ctx->Registry().CreateCounty(call.get(), req, &out);
      if (!s.ok()) {
        ctx->exit_code = ReportRpcError(s, "create county");
        return;
      }
      PrintCounty(ctx, out);
    });
  }
  {
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = noun->add_subcommand("get", "Show a county");
    cmd->fallthrough();
    cmd->add_option("ID", o->id, "County id (default: --county)");
    cmd->callback([ctx, o] {
      const std::string id = IdOrGlobal(ctx, o->id);
      if (id.empty()) return;
      v1::GetCountyRequest req;
      req.set_name(CountyNameOf(id));
      v1::County out;
      auto call = ctx->NewCall();
      grpc::Status s = ctx->Registry().GetCounty(call.get(), req, &out);
      if (!s.ok()) {
        ctx->exit_code = ReportRpcError(s, "get county");
        return;
      }
      PrintCounty(ctx, out);
    });
  }
  {
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = noun->add_subcommand("list", "List counties");
    cmd->fallthrough();
    cmd->add_option("--page-size", o->page_size, "Rows per page");
    cmd->add_flag("--all", o->all, "Follow every page");
    cmd->callback([ctx, o] {
      ListPrinter printer(ctx->format(), Headers(), CsvHeaders());
      std::string token;
      while (true) {
        v1::ListCountiesRequest req;
        req.set_page_size(o->all && o->page_size == 0 ? 1000 : o->page_size);
        req.set_page_token(token);
        v1::ListCountiesResponse resp;
        auto call = ctx->NewCall();
        grpc::Status s = ctx->Registry().ListCounties(call.get(), req, &resp);
        if (!s.ok()) {
          printer.Abort();
          ctx->exit_code = ReportRpcError(s, "list counties");
          return;
        }
        for (const v1::County& c : resp.counties())
          printer.Add(c, Row(c), Row(c));
        if (resp.next_page_token().empty()) break;
        if (!o->all) {
          printer.Finish();
          std::fprintf(stderr, "(more: use --all)\n");
          return;
        }
        token = resp.next_page_token();
      }
      printer.Finish();
    });
  }
  {
    auto o = std::make_shared<Opts>();
    CLI::App* cmd =
        noun->add_subcommand("update", "Change a county's name or region");
    cmd->fallthrough();
    cmd->add_option("ID", o->id, "County id")->required();
    o->name_opt = cmd->add_option("--name", o->name, "Display name");
    o->region_opt = cmd->add_option("--region", o->region, "Region");
    cmd->add_option("--etag", o->etag,
                    "Fail with ABORTED unless this is the current etag");
    cmd->add_option("--request-id", o->request_id, "Idempotency key (AIP-155)");
    cmd->callback([ctx, o] {
      v1::UpdateCountyRequest req;
      req.mutable_county()->set_name(CountyNameOf(o->id));
      req.mutable_county()->set_etag(o->etag);
      if (o->name_opt->count() > 0) {
        req.mutable_county()->set_display_name(o->name);
        req.mutable_update_mask()->add_paths("display_name");
      }
      if (o->region_opt->count() > 0) {
        req.mutable_county()->set_region(o->region);
        req.mutable_update_mask()->add_paths("region");
      }
      if (req.update_mask().paths_size() == 0) {
        std::fprintf(
            stderr,
            "rotactl: nothing to update: give --name and/or --region\n");
        ctx->exit_code = kExitUsage;
        return;
      }
      req.set_request_id(o->request_id);
      v1::County out;
      auto call = ctx->NewCall();
      grpc::Status s = ctx->Registry().UpdateCounty(call.get(), req, &out);
      if (!s.ok()) {
        ctx->exit_code = ReportRpcError(s, "update county");
        return;
      }
      PrintCounty(ctx, out);
    });
  }
  {
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = noun->add_subcommand("delete", "Delete a county");
    cmd->fallthrough();
    cmd->add_option("ID", o->id, "County id")->required();
    cmd->add_option("--etag", o->etag,
                    "Fail with ABORTED unless this is the current etag");
    cmd->add_option("--request-id", o->request_id, "Idempotency key (AIP-155)");
    cmd->callback([ctx, o] {
      v1::DeleteCountyRequest req;
      req.set_name(CountyNameOf(o->id));
      req.set_etag(o->etag);
      req.set_request_id(o->request_id);
      v1::DeleteResponse out;
      auto call = ctx->NewCall();
      grpc::Status s = ctx->Registry().DeleteCounty(call.get(), req, &out);
      if (!s.ok()) {
        ctx->exit_code = ReportRpcError(s, "delete county");
        return;
      }
      std::printf("deleted %s\n", out.name().c_str());
    });
  }
}

}  // namespace rota::rotactl
