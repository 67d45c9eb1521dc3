// rotactl import schools|posts|teachers|periods|roads|applicants|
//   recruitment-posts FILE.csv
//
// The file goes through the one CSV upload path (csv_upload.h: the whole
// file checked first, rows sharing an id, chunks with request ids that make
// a retry safe and a deliberate re-run applied) to BulkImport. Every
// rejected row is printed with its row number, field and reason (every
// problem of every row, found in one pass), and the exit code is 1 if any
// row was rejected; `--errors FILE` also writes them as a CSV to fix in
// Excel and import again (import_errors.h).
//
// `--dry-run` converts and sends every row the same way with
// BulkImportRequest.dry_run set and no request id: the server validates
// each row as an import would and writes nothing; rotactl prints what would
// be created, updated and rejected.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/csv_upload.h"
#include "tools/rotactl/import_errors.h"
#include "tools/rotactl/output.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
using rota::tools::CsvTable;

const char* TableName(CsvTable table) {
  switch (table) {
    case CsvTable::kSchools:
      return "schools";
    case CsvTable::kPosts:
      return "posts";
    case CsvTable::kTeachers:
      return "teachers";
    case CsvTable::kPeriodRequirements:
      return "periods";
    case CsvTable::kRoadDistances:
      return "roads";
    case CsvTable::kApplicants:
      return "applicants";
    case CsvTable::kRecruitmentPosts:
      return "recruitment-posts";
    default:
      return "applications";
  }
}

// Appends `fields` as a row of `table` to `chunk`; on a cell that cannot be
// represented returns the error (field and reason) and leaves `chunk` as is.
absl::Status AddRow(const rota::tools::CsvHeader& header, CsvTable table,
                    const std::vector<std::string>& fields,
                    const std::string& county_id, int64_t row,
                    v1::BulkImportRequest* chunk, std::string* field,
                    std::vector<rota::tools::CsvFieldError>* all) {
  absl::Status s;
  switch (table) {
    case CsvTable::kSchools: {
      auto* r = chunk->add_schools();
      r->set_row(row);
      s = rota::tools::SchoolFromCsv(header, fields, county_id,
                                     r->mutable_school(), field, all);
      if (!s.ok()) chunk->mutable_schools()->RemoveLast();
      break;
    }
    case CsvTable::kPosts: {
      auto* r = chunk->add_posts();
      r->set_row(row);
      s = rota::tools::PostFromCsv(header, fields, county_id, r->mutable_post(),
                                   field, all);
      if (!s.ok()) chunk->mutable_posts()->RemoveLast();
      break;
    }
    case CsvTable::kPeriodRequirements: {
      auto* r = chunk->add_period_requirements();
      r->set_row(row);
      s = rota::tools::PeriodRequirementFromCsv(header, fields, county_id,
                                                r->mutable_period_requirement(),
                                                field, all);
      if (!s.ok()) chunk->mutable_period_requirements()->RemoveLast();
      break;
    }
    case CsvTable::kRoadDistances: {
      auto* r = chunk->add_road_distances();
      r->set_row(row);
      s = rota::tools::RoadDistanceFromCsv(
          header, fields, county_id, r->mutable_road_distance(), field, all);
      if (!s.ok()) chunk->mutable_road_distances()->RemoveLast();
      break;
    }
    case CsvTable::kApplicants: {
      auto* r = chunk->add_applicants();
      r->set_row(row);
      s = rota::tools::ApplicantFromCsv(header, fields, county_id,
                                        r->mutable_applicant(), field, all);
      if (!s.ok()) chunk->mutable_applicants()->RemoveLast();
      break;
    }
    case CsvTable::kRecruitmentPosts: {
      auto* r = chunk->add_recruitment_posts();
      r->set_row(row);
      s = rota::tools::RecruitmentPostFromCsv(
          header, fields, county_id, r->mutable_recruitment_post(), field, all);
      if (!s.ok()) chunk->mutable_recruitment_posts()->RemoveLast();
      break;
    }
    default: {
      auto* r = chunk->add_teachers();
      r->set_row(row);
      s = rota::tools::TeacherFromCsv(header, fields, county_id,
                                      r->mutable_teacher(), field, all);
      if (!s.ok()) chunk->mutable_teachers()->RemoveLast();
      break;
    }
  }
  return s;
}

int ChunkRows(const v1::BulkImportRequest& chunk) {
  return chunk.schools_size() + chunk.posts_size() + chunk.teachers_size() +
         chunk.period_requirements_size() + chunk.road_distances_size() +
         chunk.applicants_size() + chunk.recruitment_posts_size();
}

// Encoded size of the row AddRow appended last (plus its tag and length).
size_t LastRowBytes(const v1::BulkImportRequest& chunk, CsvTable table) {
  switch (table) {
    case CsvTable::kSchools:
      return chunk.schools(chunk.schools_size() - 1).ByteSizeLong() + 6;
    case CsvTable::kPosts:
      return chunk.posts(chunk.posts_size() - 1).ByteSizeLong() + 6;
    case CsvTable::kPeriodRequirements:
      return chunk.period_requirements(chunk.period_requirements_size() - 1)
                 .ByteSizeLong() +
             6;
    case CsvTable::kRoadDistances:
      return chunk.road_distances(chunk.road_distances_size() - 1)
                 .ByteSizeLong() +
             6;
    case CsvTable::kApplicants:
      return chunk.applicants(chunk.applicants_size() - 1).ByteSizeLong() + 6;
    case CsvTable::kRecruitmentPosts:
      return chunk.recruitment_posts(chunk.recruitment_posts_size() - 1)
                 .ByteSizeLong() +
             6;
    default:
      return chunk.teachers(chunk.teachers_size() - 1).ByteSizeLong() + 6;
  }
}

int RunImport(Context* ctx, CsvTable table, const UploadOptions& o) {
  const std::string parent = ctx->CountyName();
  if (parent.empty()) return ctx->exit_code;
  const std::string county_id = parent.substr(parent.rfind('/') + 1);
  UploadStream<v1::BulkImportRequest, v1::BulkImportResponse> stream;
  stream.what = absl::StrCat("import ", TableName(table));
  stream.request_kind = absl::StrCat("import-", TableName(table));
  stream.nothing_done = "nothing was imported";
  stream.open = [ctx](grpc::ClientContext* call, v1::BulkImportResponse* r) {
    return ctx->Registry().BulkImport(call, r);
  };
  stream.add_row = [&](const rota::tools::CsvHeader& header,
                       const std::vector<std::string>& fields, int64_t row,
                       v1::BulkImportRequest* chunk,
                       std::vector<rota::tools::CsvFieldError>* problems) {
    std::string field;
    return AddRow(header, table, fields, county_id, row, chunk, &field,
                  problems)
        .ok();
  };
  stream.rows = ChunkRows;
  stream.last_row_bytes = [table](const v1::BulkImportRequest& chunk) {
    return LastRowBytes(chunk, table);
  };
  stream.address = [&](v1::BulkImportRequest* chunk,
                       const std::string& request_id) {
    chunk->set_parent(parent);
    chunk->set_dry_run(o.dry_run);
    chunk->set_request_id(request_id);
  };
  UploadResult<v1::BulkImportResponse> result;
  if (int rc = UploadCsv(ctx, o, table, parent, stream, &result); rc != kExitOk)
    return rc;
  const v1::BulkImportResponse& response = result.response;
  const int64_t rejected = result.rejected;
  const int64_t updated = response.rows_applied() - response.rows_created();
  if (ctx->format() == OutputFormat::kJson) {
    v1::BulkImportResponse report = response;
    report.set_rows_received(result.rows);
    report.set_rows_rejected(rejected);
    report.clear_errors();
    for (const v1::RowError& e : result.errors) *report.add_errors() = e;
    std::printf("%s\n", ToJson(report).c_str());
    if (!o.dry_run)
      std::fprintf(stderr, "rotactl: import id %s\n", result.upload_id.c_str());
  } else {
    for (const v1::RowError& e : result.errors) {
      std::printf("rejected row %lld, field %s: %s / %s\n",
                  static_cast<long long>(e.row()),
                  e.field().empty() ? "(row)" : e.field().c_str(),
                  e.reason().c_str(), ProblemZh(table, e).c_str());
    }
    if (o.dry_run) {
      std::printf(
          "试导入（dry run）%s into %s: %lld rows; would create %lld, update "
          "%lld, reject %lld; nothing was changed (未做任何修改)\n",
          o.file.c_str(), parent.c_str(), static_cast<long long>(result.rows),
          static_cast<long long>(response.rows_created()),
          static_cast<long long>(updated), static_cast<long long>(rejected));
    } else {
      // The same numbers in the same order in both languages.
      std::printf(
          ctx->lang == Lang::kZh
              ? "已导入 %s 到 %s：共 %lld 行，成功 %lld 行，拒绝 %lld 行（新建 "
                "%lld，更新 %lld；%lld 批，%.1f 秒，导入编号 %s）\n"
              : "imported %s into %s: %lld rows, %lld applied, %lld rejected "
                "(%lld created, %lld updated; %lld chunks, %.1f s, import id "
                "%s)\n",
          o.file.c_str(), parent.c_str(), static_cast<long long>(result.rows),
          static_cast<long long>(response.rows_applied()),
          static_cast<long long>(rejected),
          static_cast<long long>(response.rows_created()),
          static_cast<long long>(updated),
          static_cast<long long>(result.chunks), result.seconds,
          result.upload_id.c_str());
    }
    if (!o.errors_file.empty() && rejected > 0) {
      std::printf(
          "wrote the %lld rejected rows to %s (错误行已写入该文件，改正后可直接"
          "再次导入)\n",
          static_cast<long long>(rejected), o.errors_file.c_str());
    }
  }
  std::fflush(stdout);
  return rejected > 0 ? kExitFailed : kExitOk;
}

}  // namespace

void AddImportCommands(CLI::App* app, Context* ctx) {
  CLI::App* noun = app->add_subcommand("import",
                                       "Import a CSV file (docs/csv-format.md) "
                                       "into the county: schools, then posts, "
                                       "then teachers; for itinerant "
                                       "teaching, periods and roads; "
                                       "recruitment-posts, then applicants");
  noun->require_subcommand(1);
  noun->fallthrough();
  for (CsvTable table :
       {CsvTable::kSchools, CsvTable::kPosts, CsvTable::kTeachers,
        CsvTable::kPeriodRequirements, CsvTable::kRoadDistances,
        CsvTable::kRecruitmentPosts, CsvTable::kApplicants}) {
    auto o = std::make_shared<UploadOptions>();
    CLI::App* cmd = noun->add_subcommand(
        TableName(table),
        std::string("Import ") +
            (table == CsvTable::kRecruitmentPosts ? "recruitment_posts"
                                                  : TableName(table)) +
            ".csv (upsert by id)");
    cmd->fallthrough();
    cmd->add_option("FILE", o->file,
                    "CSV file, UTF-8 or GBK (Excel's CSV on Chinese "
                    "Windows); BOM and CRLF accepted")
        ->required();
    cmd->add_option("--chunk-size", o->chunk_size,
                    "Rows per chunk (each applied atomically)")
        ->capture_default_str();
    cmd->add_flag("--no-progress", o->no_progress,
                  "No progress bar even on a terminal");
    cmd->add_flag("--dry-run", o->dry_run,
                  "Validate every row (here and on the server) and print "
                  "what would be created, updated and rejected; change "
                  "nothing");
    cmd->add_option("--errors", o->errors_file,
                    "Write the rejected rows with their problems (Chinese "
                    "and English) to this CSV (UTF-8 with BOM, for Excel); "
                    "fix them there and import that file");
    cmd->add_option("--request-id", o->upload_id,
                    "Retry an earlier attempt: the import id it printed "
                    "(chunks it applied are replayed, not applied twice)");
    cmd->callback(
        [ctx, o, table] { ctx->exit_code = RunImport(ctx, table, *o); });
  }
}

}  // namespace rota::rotactl
