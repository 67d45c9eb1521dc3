// The create|get|list|update|delete verbs shared by the school, post and
// teacher nouns, written once over a Traits type (see school.cc for one).
//
// Field flags reuse the CSV cell syntax of docs/csv-format.md: a flag's
// value is put into the matching CSV column and converted with the same code
// as `rotactl import`, so `--service-history 's1|2010-09-01||rural|1|0'`
// means exactly what the teachers.csv cell means. `update` sends a FieldMask
// of the flags given.
//
// Thread-safety: single-threaded (CLI callbacks).
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "google/protobuf/field_mask.pb.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/context.h"
#include "tools/rotactl/output.h"

namespace rota::rotactl {

// One settable field: its flag, CSV column and FieldMask path.
struct FieldFlag {
  std::string flag;    // without dashes, e.g. "birth-date"
  std::string column;  // CSV column, e.g. "birth_date"
  std::string path;    // FieldMask path, e.g. "birth_date"
  std::string help;
};

namespace internal {

// Builds a resource from the flags that were given (column order of the CSV
// table); returns false after printing the problem.
template <typename Traits>
bool ResourceFromFlags(Context* ctx, const std::string& id,
                       const std::vector<FieldFlag>& flags,
                       const std::vector<std::string>& values,
                       const std::vector<bool>& given,
                       typename Traits::Resource* out) {
  const std::vector<std::string>& cols =
      rota::tools::CsvColumns(Traits::kTable);
  std::vector<std::string> record(cols.size());
  for (size_t c = 0; c < cols.size(); ++c) {
    if (cols[c] == "id") record[c] = id;
    for (size_t f = 0; f < flags.size(); ++f) {
      if (given[f] && flags[f].column == cols[c]) record[c] = values[f];
    }
  }
  absl::StatusOr<rota::tools::CsvHeader> header =
      rota::tools::CsvHeader::Parse(Traits::kTable, cols);
  std::string field;
  absl::Status s = Traits::FromCsv(*header, record, ctx->county, out, &field);
  if (!s.ok()) {
    std::fprintf(stderr, "rotactl: %s: %s\n", field.c_str(),
                 std::string(s.message()).c_str());
    ctx->exit_code = kExitUsage;
    return false;
  }
  return true;
}

template <typename Traits>
void PrintOne(Context* ctx, const typename Traits::Resource& r) {
  std::vector<std::string> fields = rota::tools::CsvColumns(Traits::kTable);
  std::vector<std::string> values = Traits::ToCsv(r);
  if (ctx->format() == OutputFormat::kTable) {
    fields.push_back("etag");
    values.push_back(r.etag());
    fields.push_back("update_time");
    values.push_back(r.update_time());
  }
  PrintResource(ctx->format(), r, fields, values);
}

}  // namespace internal

template <typename Traits>
void AddResourceCommands(CLI::App* app, Context* ctx) {
  using Resource = typename Traits::Resource;
  CLI::App* noun = app->add_subcommand(Traits::kNoun, Traits::kHelp);
  noun->require_subcommand(1);
  noun->fallthrough();

  struct Opts {
    std::string id, filter, page_token, etag, request_id;
    int page_size = 0;
    bool all = false;
    std::vector<FieldFlag> flags = Traits::Flags();
    std::vector<std::string> values = std::vector<std::string>(flags.size());
    std::vector<CLI::Option*> options = std::vector<CLI::Option*>(flags.size());
    std::vector<bool> Given() const {
      std::vector<bool> g(options.size());
      for (size_t i = 0; i < options.size(); ++i)
        g[i] = options[i] && options[i]->count() > 0;
      return g;
    }
  };
  auto add_field_flags = [](CLI::App* cmd, Opts* o) {
    for (size_t i = 0; i < o->flags.size(); ++i) {
      o->options[i] = cmd->add_option("--" + o->flags[i].flag, o->values[i],
                                      o->flags[i].help);
    }
  };
  const std::string noun_name = Traits::kNoun;

  {  // create
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = noun->add_subcommand("create", "Create a " + noun_name);
    cmd->fallthrough();
    cmd->add_option("ID", o->id, "The new " + noun_name + "'s id")->required();
    add_field_flags(cmd, o.get());
    cmd->add_option("--request-id", o->request_id, "Idempotency key (AIP-155)");
    cmd->callback([ctx, o] {
      const std::string parent = ctx->CountyName();
      if (parent.empty()) return;
      Resource r;
      if (!internal::ResourceFromFlags<Traits>(ctx, o->id, o->flags, o->values,
                                               o->Given(), &r)) {
        return;
      }
      Resource out;
      auto call = ctx->NewCall();
      grpc::Status s = Traits::Create(ctx, call.get(), parent, o->id, r,
                                      o->request_id, &out);
      if (!s.ok()) {
        ctx->exit_code =
            ReportRpcError(s, "create " + std::string(Traits::kNoun));
        return;
      }
      internal::PrintOne<Traits>(ctx, out);
    });
  }
  {  // get
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = noun->add_subcommand("get", "Show one " + noun_name);
    cmd->fallthrough();
    cmd->add_option("ID", o->id, "The " + noun_name + "'s id")->required();
    cmd->callback([ctx, o] {
      const std::string parent = ctx->CountyName();
      if (parent.empty()) return;
      Resource out;
      auto call = ctx->NewCall();
      grpc::Status s =
          Traits::Get(ctx, call.get(), Traits::Name(parent, o->id), &out);
      if (!s.ok()) {
        ctx->exit_code = ReportRpcError(s, "get " + std::string(Traits::kNoun));
        return;
      }
      internal::PrintOne<Traits>(ctx, out);
    });
  }
  {  // list
    auto o = std::make_shared<Opts>();
    CLI::App* cmd =
        noun->add_subcommand("list", std::string("List ") + Traits::kPlural);
    cmd->fallthrough();
    cmd->add_option("--filter", o->filter, Traits::kFilterHelp);
    cmd->add_option("--page-size", o->page_size,
                    "Rows per page (server default 50, at most 1000)");
    cmd->add_option("--page-token", o->page_token,
                    "Continue from a previous page");
    cmd->add_flag("--all", o->all,
                  "Follow every page (with --page-size as the page size)");
    cmd->callback([ctx, o] {
      const std::string parent = ctx->CountyName();
      if (parent.empty()) return;
      ListPrinter printer(ctx->format(), Traits::TableHeaders(ctx->lang),
                          rota::tools::CsvColumns(Traits::kTable));
      std::string token = o->page_token;
      const int page_size = o->all && o->page_size == 0 ? 1000 : o->page_size;
      while (true) {
        std::vector<Resource> items;
        std::string next;
        auto call = ctx->NewCall();
        grpc::Status s = Traits::List(ctx, call.get(), parent, page_size, token,
                                      o->filter, &items, &next);
        if (!s.ok()) {
          printer.Abort();
          ctx->exit_code =
              ReportRpcError(s, std::string("list ") + Traits::kPlural);
          return;
        }
        for (const Resource& r : items)
          printer.Add(r, Traits::TableRow(r, ctx->lang), Traits::ToCsv(r));
        if (next.empty()) break;
        if (!o->all) {
          printer.Finish();
          std::fprintf(stderr, "(more: --page-token %s, or --all)\n",
                       next.c_str());
          return;
        }
        token = next;
      }
      printer.Finish();
      if (ctx->format() == OutputFormat::kTable) {
        std::fprintf(stderr, "(%lld %s)\n",
                     static_cast<long long>(printer.count()), Traits::kPlural);
      }
    });
  }
  {  // update
    auto o = std::make_shared<Opts>();
    CLI::App* cmd =
        noun->add_subcommand("update", "Change the given fields of a " +
                                           noun_name + " (others stay)");
    cmd->fallthrough();
    cmd->add_option("ID", o->id, "The " + noun_name + "'s id")->required();
    add_field_flags(cmd, o.get());
    cmd->add_option("--etag", o->etag,
                    "Fail with ABORTED unless this is the current etag");
    cmd->add_option("--request-id", o->request_id, "Idempotency key (AIP-155)");
    cmd->callback([ctx, o] {
      const std::string parent = ctx->CountyName();
      if (parent.empty()) return;
      const std::vector<bool> given = o->Given();
      google::protobuf::FieldMask mask;
      for (size_t i = 0; i < given.size(); ++i) {
        if (!given[i]) continue;
        bool dup = false;
        for (const std::string& p : mask.paths()) dup |= p == o->flags[i].path;
        if (!dup) mask.add_paths(o->flags[i].path);
      }
      if (mask.paths_size() == 0) {
        std::fprintf(
            stderr,
            "rotactl: nothing to update: give at least one field flag\n");
        ctx->exit_code = kExitUsage;
        return;
      }
      Resource r;
      if (!internal::ResourceFromFlags<Traits>(ctx, o->id, o->flags, o->values,
                                               given, &r)) {
        return;
      }
      r.set_etag(o->etag);
      Resource out;
      auto call = ctx->NewCall();
      grpc::Status s =
          Traits::Update(ctx, call.get(), r, mask, o->request_id, &out);
      if (!s.ok()) {
        ctx->exit_code =
            ReportRpcError(s, "update " + std::string(Traits::kNoun));
        return;
      }
      internal::PrintOne<Traits>(ctx, out);
    });
  }
  {  // delete
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = noun->add_subcommand("delete", "Delete a " + noun_name);
    cmd->fallthrough();
    cmd->add_option("ID", o->id, "The " + noun_name + "'s id")->required();
    cmd->add_option("--etag", o->etag,
                    "Fail with ABORTED unless this is the current etag");
    cmd->add_option("--request-id", o->request_id, "Idempotency key (AIP-155)");
    cmd->callback([ctx, o] {
      const std::string parent = ctx->CountyName();
      if (parent.empty()) return;
      rota::v1::DeleteResponse out;
      auto call = ctx->NewCall();
      grpc::Status s =
          Traits::Delete(ctx, call.get(), Traits::Name(parent, o->id), o->etag,
                         o->request_id, &out);
      if (!s.ok()) {
        ctx->exit_code =
            ReportRpcError(s, "delete " + std::string(Traits::kNoun));
        return;
      }
      if (ctx->format() == OutputFormat::kJson) {
        std::printf("%s\n", ToJson(out).c_str());
      } else {
        std::printf("deleted %s\n", out.name().c_str());
      }
    });
  }
}

}  // namespace rota::rotactl
