// rotactl round create|list|get|apply|freeze|run|results|explain|lock|
// override|report|cancel: a round's lifecycle (DRAFT -> FROZEN ->
// PROPOSED -> COMMITTED, or CANCELLED) over rotad's RoundService; commit,
// diff and reverse are in round_safety.cc.
//
// ROUND arguments take a bare id ("2026-exchange-rotation-1") or a full name
// ("counties/yongan/rounds/2026-exchange-rotation-1"); TEACHER and --to take
// bare ids or full names. A call in the wrong state fails with the server's
// PreconditionFailure printed in words (exit 3).
//
// `round apply` streams applications.csv (docs/csv-format.md) in chunks like
// `rotactl import`: request ids come from the file's digest, so a re-run
// applies no chunk twice; every rejected row is printed, exit 1 if any.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/csv_upload.h"
#include "tools/rotactl/find_commands.h"
#include "tools/rotactl/import_errors.h"
#include "tools/rotactl/output.h"
#include "tools/rotactl/report_html.h"
#include "tools/rotactl/round_recruitment.h"
#include "tools/rotactl/round_report.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
using rota::tools::IdOf;

struct RoundOpts {
  std::string round;
  std::string teacher;
  // create
  std::string kind;
  int year = 0;
  std::string effective;
  std::string id;
  int64_t policy_version = 0;
  std::string display_name;
  // apply
  UploadOptions upload;
  // freeze
  uint64_t seed = 0;
  // run
  std::string mechanism;
  std::string stage_mode;
  // results
  std::string school;
  std::string outcome;
  bool all = false;
  int page_size = 0;
  int run = 0;
  // lock / override / cancel
  std::string to;
  std::string reason;
  std::string request_id;
  // report
  std::string html;
  std::string pdf;
};

// "counties/{c}/rounds/{id}" for a bare id; "" (usage error printed) if no
// county is set.
std::string RoundName(Context* ctx, const std::string& round) {
  if (round.rfind("counties/", 0) == 0) return round;
  const std::string county = ctx->CountyName();
  if (county.empty()) return "";
  return county + "/rounds/" + round;
}

const char* KindName(v1::RoundKind kind) {
  switch (kind) {
    case v1::EXCHANGE_ROTATION:
      return "exchange-rotation";
    case v1::COMPETITIVE_HIRING:
      return "competitive-hiring";
    case v1::ITINERANT_TEACHING:
      return "itinerant-teaching";
    case v1::RECRUITMENT:
      return "recruitment";
    default:
      return "unspecified";
  }
}

void PrintRound(Context* ctx, const v1::Round& r) {
  std::vector<std::string> runs;
  for (const v1::RunSummary& s : r.runs())
    runs.push_back(absl::StrCat(s.run(), ":", s.result_hash().substr(0, 12)));
  std::vector<std::string> fields = {"name",
                                     "display_name",
                                     "kind",
                                     "school_year",
                                     "state",
                                     "effective_date",
                                     "policy_version",
                                     "frozen_sequence",
                                     "seed",
                                     "applications",
                                     "eligible_teachers",
                                     "runs",
                                     "committed_result_hash"};
  std::vector<std::string> values = {
      r.name(),
      r.display_name(),
      KindName(r.kind()),
      std::to_string(r.school_year()),
      RoundStateWords(r.state(), ctx->lang),
      r.effective_date(),
      std::to_string(r.policy_version()),
      std::to_string(r.frozen_sequence()),
      r.state() == v1::DRAFT
          ? "-"
          : absl::StrCat(r.seed(), r.seed_drawn() ? " (drawn)" : " (given)"),
      std::to_string(r.applications()),
      std::to_string(r.eligible_teachers()),
      absl::StrJoin(runs, " "),
      r.committed_result_hash()};
  // A reversed round: when and why, as the reversal recorded them.
  if (r.state() == v1::REVERSED) {
    fields.insert(fields.end(), {"reversal_reason", "reverse_time"});
    values.insert(values.end(), {r.reversal_reason(), r.reverse_time()});
  }
  fields.push_back("etag");
  values.push_back(r.etag());
  PrintResource(ctx->format(), r, fields, values);
}

void PrintRunSummary(const v1::RunSummary& s, Lang lang) {
  const bool zh = lang == Lang::kZh;
  const auto n = [](int64_t v) { return static_cast<long long>(v); };
  if (s.recruited() > 0 || s.seats_unfilled() > 0) {
    std::printf(
        zh ? "第 %d 次运行：考生 %lld 人，录用 %lld 人，未录用 %lld "
             "人，空缺名额 "
             "%lld 个，%lld 个岗位不符合性别比例规则\n"
           : "run %d: %lld applicants, %lld recruited, %lld not recruited, "
             "%lld seats unfilled, %lld posts where the gender rule does not "
             "hold\n",
        s.run(), n(s.teachers()), n(s.recruited()), n(s.unplaced()),
        n(s.seats_unfilled()), n(s.quota_violations()));
  } else if (s.itinerant_teachers() > 0 || s.uncovered_periods() > 0) {
    std::printf(zh ? "第 %d 次运行：走教教师 %lld 人，每周未覆盖 %lld 节\n"
                   : "run %d: %lld itinerant teachers, %lld periods a week "
                     "uncovered\n",
                s.run(), n(s.itinerant_teachers()), n(s.uncovered_periods()));
  } else {
    std::string how = s.parameters().voluntary_mechanism();
    if (how.empty()) how = zh ? "政策规定的机制" : "policy mechanism";
    if (!s.parameters().stage_mode().empty())
      absl::StrAppend(&how, zh ? "，" : ", ", s.parameters().stage_mode());
    std::printf(
        zh ? "第 %d 次运行（%s）：教师 %lld 人，调动 %lld 人，留任 %lld "
             "人，待岗 "
             "%lld 人，%lld 项比例要求未达到\n"
           : "run %d (%s): %lld teachers, %lld moved, %lld stayed, %lld "
             "unplaced, %lld quota violations\n",
        s.run(), how.c_str(), n(s.teachers()), n(s.moved()), n(s.stayed()),
        n(s.unplaced()), n(s.quota_violations()));
  }
  std::printf("%s %s\n", Say("result hash", lang).c_str(),
              s.result_hash().c_str());
  // Every kind: the encoding and the etag `round commit --run-etag` takes.
  if (!s.engine_version().empty()) {
    std::printf(zh ? "结果编码 %d，%s\n" : "outcome encoding %d, %s\n",
                s.outcome_encoding(), s.engine_version().c_str());
  }
  if (!s.etag().empty())
    std::printf("%s %s\n", Say("run etag", lang).c_str(), s.etag().c_str());
}

// The summary of run `run` (0 = the latest) of the round `name`; nullopt
// (error printed, exit code set) when the round cannot be read or has no
// such run.
std::optional<v1::RunSummary> FindRun(Context* ctx, const std::string& name,
                                      int run, const char* what) {
  v1::GetRoundRequest req;
  req.set_name(name);
  v1::Round round;
  auto call = ctx->NewCall();
  const grpc::Status s = ctx->Rounds().GetRound(call.get(), req, &round);
  if (!s.ok()) {
    ctx->exit_code = ReportRpcError(s, what);
    return std::nullopt;
  }
  for (const v1::RunSummary& r : round.runs()) {
    if (r.run() == run ||
        (run == 0 && r.run() == round.runs(round.runs_size() - 1).run()))
      return r;
  }
  std::fprintf(stderr, "rotactl: %s: %s has no run %d\n", what, name.c_str(),
               run);
  ctx->exit_code = kExitServerError;
  return std::nullopt;
}

// One line per placement: the sentence in the chosen language (names beside
// ids, the teacher's own pronoun). Runs recorded before routes existed have
// only the via sentence.
void PrintPlacementLine(const v1::Placement& p, Lang lang) {
  std::printf("%s", PlacementSentence(p, lang).c_str());
  if (p.route() == v1::ROUTE_NONE && !p.via().empty())
    std::printf(" (via %s)", p.via().c_str());
  std::printf("\n");
}

// ---- verbs ----

int Create(Context* ctx, const RoundOpts& o) {
  const std::string county = ctx->CountyName();
  if (county.empty()) return ctx->exit_code;
  v1::CreateRoundRequest req;
  req.set_parent(county);
  req.set_round_id(o.id);
  req.set_request_id(o.request_id);
  v1::Round* r = req.mutable_round();
  r->set_kind(o.kind == "exchange-rotation"    ? v1::EXCHANGE_ROTATION
              : o.kind == "itinerant-teaching" ? v1::ITINERANT_TEACHING
              : o.kind == "recruitment"        ? v1::RECRUITMENT
                                               : v1::COMPETITIVE_HIRING);
  r->set_school_year(o.year);
  r->set_effective_date(o.effective);
  r->set_policy_version(o.policy_version);
  r->set_display_name(o.display_name);
  v1::Round out;
  auto call = ctx->NewCall();
  const grpc::Status s = ctx->Rounds().CreateRound(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "round create");
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(out).c_str());
  } else {
    std::printf("%s\n", std::string(IdOf(out.name())).c_str());
  }
  return kExitOk;
}

int List(Context* ctx) {
  const std::string county = ctx->CountyName();
  if (county.empty()) return ctx->exit_code;
  ListPrinter out(ctx->format(),
                  {"ID", "KIND", "YEAR", "STATE", "EFFECTIVE", "APPLICATIONS",
                   "RUNS", "COMMITTED HASH"},
                  {"id", "kind", "school_year", "state", "effective_date",
                   "applications", "runs", "committed_result_hash"});
  v1::ListRoundsRequest req;
  req.set_parent(county);
  req.set_page_size(1000);
  while (true) {
    v1::ListRoundsResponse page;
    auto call = ctx->NewCall();
    const grpc::Status s = ctx->Rounds().ListRounds(call.get(), req, &page);
    if (!s.ok()) {
      out.Abort();
      return ReportRpcError(s, "round list");
    }
    for (const v1::Round& r : page.rounds()) {
      std::vector<std::string> row = {std::string(IdOf(r.name())),
                                      KindName(r.kind()),
                                      std::to_string(r.school_year()),
                                      RoundStateWords(r.state(), ctx->lang),
                                      r.effective_date(),
                                      std::to_string(r.applications()),
                                      std::to_string(r.runs_size()),
                                      r.committed_result_hash()};
      out.Add(r, row, row);
    }
    if (page.next_page_token().empty()) break;
    req.set_page_token(page.next_page_token());
  }
  out.Finish();
  return kExitOk;
}

int Get(Context* ctx, const RoundOpts& o) {
  v1::GetRoundRequest req;
  req.set_name(RoundName(ctx, o.round));
  if (req.name().empty()) return ctx->exit_code;
  v1::Round out;
  auto call = ctx->NewCall();
  const grpc::Status s = ctx->Rounds().GetRound(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "round get");
  PrintRound(ctx, out);
  return kExitOk;
}

int Apply(Context* ctx, const RoundOpts& o) {
  const std::string round = RoundName(ctx, o.round);
  if (round.empty()) return ctx->exit_code;
  UploadStream<v1::SubmitApplicationsRequest, v1::SubmitApplicationsResponse>
      stream;
  stream.what = "round apply";
  stream.request_kind = "apply";
  stream.nothing_done = "nothing was sent";
  stream.open = [ctx](grpc::ClientContext* call,
                      v1::SubmitApplicationsResponse* r) {
    return ctx->Rounds().SubmitApplications(call, r);
  };
  stream.add_row = [](const rota::tools::CsvHeader& header,
                      const std::vector<std::string>& fields, int64_t row,
                      v1::SubmitApplicationsRequest* chunk,
                      std::vector<rota::tools::CsvFieldError>* problems) {
    rota::tools::Application a;
    std::string field;
    const absl::Status s =
        rota::tools::ApplicationFromCsv(header, fields, &a, &field);
    if (!s.ok()) {
      problems->push_back({field, "", std::string(s.message())});
      return false;
    }
    auto* r = chunk->add_rows();
    r->set_row(row);
    r->mutable_application()->set_teacher(a.teacher_id);
    for (const std::string& p : a.school_ids)
      r->mutable_application()->add_preferences(p);
    r->mutable_application()->set_voluntary(a.voluntary);
    return true;
  };
  stream.rows = [](const v1::SubmitApplicationsRequest& chunk) {
    return chunk.rows_size();
  };
  stream.last_row_bytes = [](const v1::SubmitApplicationsRequest& chunk) {
    return chunk.rows(chunk.rows_size() - 1).ByteSizeLong() + 6;
  };
  stream.address = [&round](v1::SubmitApplicationsRequest* chunk,
                            const std::string& request_id) {
    chunk->set_round(round);
    chunk->set_request_id(request_id);
  };
  UploadResult<v1::SubmitApplicationsResponse> result;
  if (int rc = UploadCsv(ctx, o.upload, rota::tools::CsvTable::kApplications,
                         round, stream, &result);
      rc != kExitOk)
    return rc;
  if (ctx->format() == OutputFormat::kJson) {
    v1::SubmitApplicationsResponse report = result.response;
    report.set_rows_received(result.rows);
    report.set_rows_rejected(result.rejected);
    report.clear_errors();
    for (const v1::RowError& e : result.errors) *report.add_errors() = e;
    std::printf("%s\n", ToJson(report).c_str());
    std::fprintf(stderr, "rotactl: apply id %s\n", result.upload_id.c_str());
  } else {
    for (const v1::RowError& e : result.errors)
      std::printf("rejected row %lld, field %s: %s / %s\n",
                  static_cast<long long>(e.row()),
                  e.field().empty() ? "(row)" : e.field().c_str(),
                  e.reason().c_str(),
                  ProblemZh(rota::tools::CsvTable::kApplications, e).c_str());
    std::printf(
        ctx->lang == Lang::kZh
            ? "已提交志愿 %s 到 %s：共 %lld 行，成功 %lld 行，拒绝 %lld "
              "行（%lld "
              "批，提交编号 %s）\n"
            : "applied %s to %s: %lld rows, %lld applied, %lld rejected (%lld "
              "chunks, apply id %s)\n",
        o.upload.file.c_str(), round.c_str(),
        static_cast<long long>(result.rows),
        static_cast<long long>(result.response.rows_applied()),
        static_cast<long long>(result.rejected),
        static_cast<long long>(result.chunks), result.upload_id.c_str());
    if (!o.upload.errors_file.empty() && result.rejected > 0)
      std::printf(
          "wrote the %lld rejected rows to %s (错误行已写入该文件，改正后可直接"
          "再次提交)\n",
          static_cast<long long>(result.rejected),
          o.upload.errors_file.c_str());
  }
  return result.rejected > 0 ? kExitFailed : kExitOk;
}

int Freeze(Context* ctx, const RoundOpts& o, bool seed_given) {
  v1::FreezeRoundRequest req;
  req.set_name(RoundName(ctx, o.round));
  if (req.name().empty()) return ctx->exit_code;
  if (seed_given) req.set_seed(o.seed);
  req.set_request_id(o.request_id);
  v1::Round out;
  auto call = ctx->NewCall(10.0);
  const grpc::Status s = ctx->Rounds().FreezeRound(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "round freeze");
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(out).c_str());
  } else {
    const bool recruitment = out.kind() == v1::RECRUITMENT;
    const long long sequence = out.frozen_sequence();
    const unsigned long long seed = out.seed();
    const long long policy = out.policy_version();
    const long long eligible = out.eligible_teachers();
    const long long applications = out.applications();
    if (ctx->lang == Lang::kZh) {
      std::printf(
          "已冻结 %s（事件 %lld）：随机种子 %llu（%s），政策版本 %lld，符合条件"
          "的%s %lld 人，志愿 %lld 份\n",
          out.name().c_str(), sequence, seed,
          out.seed_drawn() ? "抽取" : "给定", policy,
          recruitment ? "考生" : "教师", eligible, applications);
    } else {
      std::printf(
          "frozen %s at event %lld: seed %llu (%s), policy version %lld, %lld "
          "eligible %s, %lld applications\n",
          out.name().c_str(), sequence, seed,
          out.seed_drawn() ? "drawn" : "given", policy, eligible,
          recruitment ? "applicants" : "teachers", applications);
    }
  }
  if (out.kind() == v1::COMPETITIVE_HIRING && out.applications() == 0) {
    std::fprintf(
        stderr,
        "rotactl: warning: 没有任何志愿被接受 (no application was accepted): "
        "none was submitted, or `round apply` rejected every row (a "
        "competitive-hiring round takes post ids, e.g. rota-gen's "
        "hiring_applications.csv, not school ids). Every teacher competes "
        "only for her own school's posts; to fix it, cancel this round and "
        "open a new one with the applications\n");
  }
  return kExitOk;
}

int Run(Context* ctx, const RoundOpts& o) {
  v1::RunRoundRequest req;
  req.set_name(RoundName(ctx, o.round));
  if (req.name().empty()) return ctx->exit_code;
  req.mutable_parameters()->set_voluntary_mechanism(o.mechanism);
  req.mutable_parameters()->set_stage_mode(o.stage_mode);
  req.set_request_id(o.request_id);
  const bool bar =
      isatty(STDERR_FILENO) && ctx->format() != OutputFormat::kJson;
  auto call = ctx->NewCall(20.0);
  auto reader = ctx->Rounds().RunRound(call.get(), req);
  v1::RunRoundProgress msg;
  v1::RunSummary summary;
  bool done = false;
  while (reader->Read(&msg)) {
    if (msg.has_run()) {
      summary = msg.run();
      done = true;
    }
    if (bar && msg.phase() != "done")
      Progress(msg.phase(), msg.done(), msg.total());
  }
  const grpc::Status s = reader->Finish();
  if (bar) std::fputc('\n', stderr);
  if (!s.ok()) return ReportRpcError(s, "round run");
  if (!done) {
    std::fprintf(stderr,
                 "rotactl: round run: the stream ended without a run "
                 "summary\n");
    return kExitServerError;
  }
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(summary).c_str());
  } else {
    PrintRunSummary(summary, ctx->lang);
  }
  return kExitOk;
}

int Results(Context* ctx, const RoundOpts& o) {
  v1::ListPlacementsRequest req;
  req.set_name(RoundName(ctx, o.round));
  if (req.name().empty()) return ctx->exit_code;
  req.set_run(o.run);
  std::vector<std::string> filter;
  if (!o.school.empty()) {
    std::optional<std::string> school =
        ResolveSchool(ctx, o.school, "round results");
    if (!school.has_value()) return ctx->exit_code;
    filter.push_back(absl::StrCat("school = \"", *school, "\""));
  }
  if (!o.outcome.empty()) filter.push_back("outcome = " + o.outcome);
  req.set_filter(absl::StrJoin(filter, " AND "));
  req.set_page_size(o.page_size > 0 ? o.page_size : (o.all ? 1000 : 50));
  const Lang lang = ctx->lang;
  ListPrinter out(
      ctx->format(),
      Headers({"teacher", "outcome", "from", "to", "choice", "points", "route",
               "why", "note"},
              lang, HeaderStyle::kTable),
      Headers({"teacher", "teacher_name", "from_school", "from_school_name",
               "from_post", "to_school", "to_school_name", "to_post", "outcome",
               "choice", "via", "route", "mandatory", "locked", "overridden",
               "return_date", "points", "reason", "why"},
              lang, HeaderStyle::kCsv));
  std::string next;
  while (true) {
    v1::ListPlacementsResponse page;
    auto call = ctx->NewCall();
    const grpc::Status s = ctx->Rounds().ListPlacements(call.get(), req, &page);
    if (!s.ok()) {
      out.Abort();
      return ReportRpcError(s, "round results");
    }
    for (const v1::Placement& p : page.placements()) {
      std::vector<std::string> notes;
      if (p.mandatory()) notes.push_back(Say("mandatory", lang));
      if (p.locked()) notes.push_back(Say("locked", lang));
      if (p.overridden()) notes.push_back(Say("overridden", lang));
      if (!p.return_date().empty())
        notes.push_back(Say("returns", lang) + " " + p.return_date());
      if (std::string seat = RecruitmentSeatWords(p, lang); !seat.empty())
        notes.push_back(seat);
      // In Chinese the engine's sentence only if the run has its twin (WHY
      // says it in words from the code either way).
      if (std::string reason =
              Pick(p.reason(), p.reason_zh(), lang, Fallback::kNone);
          !reason.empty())
        notes.push_back(reason);
      const std::string teacher(IdOf(p.teacher()));
      // Runs recorded before routes existed have only the via sentence.
      const std::string route =
          p.route() != v1::ROUTE_NONE ? RouteWords(p.route(), lang)
          : p.via().empty()           ? RouteWords(v1::ROUTE_NONE, lang)
                                      : p.via();
      const std::string why = ReasonWords(p.reason_code(), lang);
      const std::string outcome = OutcomeWords(p.outcome(), lang);
      const auto yes_no = [lang](bool b) {
        return Say(b ? "yes" : "no", lang);
      };
      out.Add(
          p,
          {Labeled(p.teacher_name(), p.teacher()), outcome,
           PlaceLabel(p.from_school_name(), p.from_school(), p.from_post()),
           PlaceLabel(p.to_school_name(), p.to_school(), p.to_post()),
           p.choice() > 0 ? std::to_string(p.choice()) : "-",
           Points(p.points()), route, why.empty() ? "-" : why,
           absl::StrJoin(notes, "; ")},
          {teacher, p.teacher_name(), std::string(IdOf(p.from_school())),
           p.from_school_name(), std::string(IdOf(p.from_post())),
           std::string(IdOf(p.to_school())), p.to_school_name(),
           std::string(IdOf(p.to_post())), outcome, std::to_string(p.choice()),
           p.via(), route, yes_no(p.mandatory()), yes_no(p.locked()),
           yes_no(p.overridden()), p.return_date(), Points(p.points()),
           Pick(p.reason(), p.reason_zh(), lang), why});
    }
    next = page.next_page_token();
    if (next.empty() || !o.all) break;
    req.set_page_token(next);
  }
  out.Finish();
  if (!next.empty() && ctx->format() == OutputFormat::kTable)
    std::fprintf(stderr, "%s\n",
                 Say("(more placements: add --all)", lang).c_str());
  if (ctx->format() == OutputFormat::kTable) {
    // The etag a commit of this run repeats (round commit --run-etag).
    std::optional<v1::RunSummary> run =
        FindRun(ctx, req.name(), o.run, "round results");
    if (!run.has_value()) return ctx->exit_code;
    if (lang == Lang::kZh) {
      std::printf("第 %d 次运行的运行标识 (run etag) %s\n", run->run(),
                  run->etag().c_str());
    } else {
      std::printf("run %d etag %s\n", run->run(), run->etag().c_str());
    }
  }
  return kExitOk;
}

int Explain(Context* ctx, const RoundOpts& o) {
  v1::ExplainPlacementRequest req;
  req.set_name(RoundName(ctx, o.round));
  if (req.name().empty()) return ctx->exit_code;
  req.set_teacher(o.teacher);
  req.set_run(o.run);
  v1::Explanation out;
  auto call = ctx->NewCall();
  const grpc::Status s = ctx->Rounds().ExplainPlacement(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "round explain");
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(out).c_str());
    return kExitOk;
  }
  const Lang lang = ctx->lang;
  const bool zh = lang == Lang::kZh;
  const v1::Placement& p = out.placement();
  PrintPlacementLine(p, lang);
  // Runs recorded before the Chinese twins show no engine sentence in
  // Chinese (the placement line says why in words from the codes).
  if (std::string reason =
          Pick(p.reason(), p.reason_zh(), lang, Fallback::kNone);
      !reason.empty())
    std::printf(zh ? "  %s：%s\n" : "  %s: %s\n", Say("reason", lang).c_str(),
                reason.c_str());
  std::printf("%s %s:\n", Say("points", lang).c_str(),
              Points(p.points()).c_str());
  for (const v1::PointsComponent& c : out.points_breakdown())
    std::printf("  %-28s %8s\n",
                Pick(c.component(), c.component_zh(), lang).c_str(),
                Points(c.centipoints()).c_str());
  if (out.choices_size() > 0)
    std::printf("%s:\n", Say("choices", lang).c_str());
  for (const v1::ChoiceExplanation& c : out.choices()) {
    std::printf("  %d. %s: %s", c.rank(),
                Labeled(c.choice_name(), c.choice()).c_str(),
                VerdictWords(c.verdict(), lang).c_str());
    if (std::string sentence =
            Pick(c.sentence(), c.sentence_zh(), lang, Fallback::kNone);
        !sentence.empty())
      std::printf(zh ? "：%s" : " - %s", sentence.c_str());
    if (!c.competitor().empty()) {
      const std::string rival = Labeled(c.competitor_name(), c.competitor());
      if (zh) {
        std::printf("（竞争者 %s 积分 %s，本人 %s）", rival.c_str(),
                    Points(c.competitor_points()).c_str(),
                    Points(c.teacher_points()).c_str());
      } else {
        std::printf(" (competitor %s with %s points vs %s)", rival.c_str(),
                    Points(c.competitor_points()).c_str(),
                    Points(c.teacher_points()).c_str());
      }
    }
    std::printf("\n");
  }
  for (const std::string& n : PickNotes(out.notes(), out.notes_zh(), lang))
    std::printf(zh ? "%s：%s\n" : "%s: %s\n", Say("note", lang).c_str(),
                n.c_str());
  return kExitOk;
}

int Adjust(Context* ctx, const RoundOpts& o, bool override_placement) {
  const std::string name = RoundName(ctx, o.round);
  if (name.empty()) return ctx->exit_code;
  const int run_before = LatestRunNumber(ctx, name);
  v1::Placement out;
  auto call = ctx->NewCall(10.0);
  grpc::Status s;
  if (override_placement) {
    v1::OverridePlacementRequest req;
    req.set_name(name);
    req.set_teacher(o.teacher);
    req.set_to(o.to);
    req.set_reason(o.reason);
    req.set_request_id(o.request_id);
    s = ctx->Rounds().OverridePlacement(call.get(), req, &out);
  } else {
    v1::LockPlacementRequest req;
    req.set_name(name);
    req.set_teacher(o.teacher);
    req.set_reason(o.reason);
    req.set_request_id(o.request_id);
    s = ctx->Rounds().LockPlacement(call.get(), req, &out);
  }
  if (!s.ok())
    return ReportRpcError(s,
                          override_placement ? "round override" : "round lock");
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(out).c_str());
  } else {
    PrintPlacementLine(out, ctx->lang);
  }
  PrintKnockOn(ctx, name, o.teacher, run_before, !override_placement);
  return kExitOk;
}

int Report(Context* ctx, const RoundOpts& o) {
  v1::GetRoundReportRequest req;
  req.set_name(RoundName(ctx, o.round));
  if (req.name().empty()) return ctx->exit_code;
  req.set_run(o.run);
  if (!o.html.empty())
    return WriteHtmlReport(ctx, req.name(), o.run, o.html, o.pdf);
  v1::RoundReport out;
  auto call = ctx->NewCall(5.0);
  const grpc::Status s = ctx->Rounds().GetRoundReport(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "round report");
  const Lang lang = ctx->lang;
  if (out.recruitment_posts_size() > 0) {
    PrintRecruitmentReport(ctx->format(), out, lang);
    return kExitOk;
  }
  PrintRoundReport(ctx->format(), out, lang);
  return kExitOk;
}

int Cancel(Context* ctx, const RoundOpts& o) {
  const std::string name = RoundName(ctx, o.round);
  if (name.empty()) return ctx->exit_code;
  v1::Round out;
  auto call = ctx->NewCall(20.0);
  v1::CancelRoundRequest req;
  req.set_name(name);
  req.set_reason(o.reason);
  req.set_request_id(o.request_id);
  const grpc::Status s = ctx->Rounds().CancelRound(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "round cancel");
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(out).c_str());
  } else {
    std::printf(ctx->lang == Lang::kZh ? "已取消 %s\n" : "cancelled %s\n",
                out.name().c_str());
  }
  return kExitOk;
}

}  // namespace

void AddRoundCommands(CLI::App* app, Context* ctx) {
  CLI::App* noun = app->add_subcommand(
      "round",
      "Rounds: create, apply, freeze, run, inspect, adjust, commit "
      "(DRAFT -> FROZEN -> PROPOSED -> COMMITTED)");
  noun->require_subcommand(1);
  noun->fallthrough();
  AddItinerantRoundCommands(noun, ctx);
  AddEligibilityCommand(noun, ctx);
  AddRoundSafetyCommands(noun, ctx);
  auto o = std::make_shared<RoundOpts>();
  auto verb = [&](const char* name, const char* help, bool round_arg,
                  bool teacher_arg) {
    CLI::App* cmd = noun->add_subcommand(name, help);
    cmd->fallthrough();
    if (round_arg)
      cmd->add_option("ROUND", o->round, "Round id or full name")->required();
    if (teacher_arg)
      cmd->add_option("TEACHER", o->teacher,
                      "Teacher id or full name (recruitment: the applicant)")
          ->required();
    return cmd;
  };

  CLI::App* create = verb("create",
                          "Create a DRAFT round and print its id (default id: "
                          "{year}-{kind}-{n})",
                          false, false);
  create->add_option("--kind", o->kind, "Round kind")
      ->required()
      ->check(CLI::IsMember({"exchange-rotation", "competitive-hiring",
                             "itinerant-teaching", "recruitment"}));
  create->add_option("--year", o->year, "School year (e.g. 2026)")->required();
  create
      ->add_option("--effective", o->effective,
                   "Effective date YYYY-MM-DD (the round's 'today')")
      ->required();
  create->add_option("--id", o->id, "Round id (default: assigned)");
  create
      ->add_option("--policy-version", o->policy_version,
                   "Policy version (0 = the latest at freeze)")
      ->capture_default_str();
  create->add_option("--display-name", o->display_name, "Display name");
  create->callback([ctx, o] { ctx->exit_code = Create(ctx, *o); });

  verb("list", "List the county's rounds", false, false)->callback([ctx] {
    ctx->exit_code = List(ctx);
  });
  verb("get", "Show a round: state, seed, runs and their result hashes", true,
       false)
      ->callback([ctx, o] { ctx->exit_code = Get(ctx, *o); });

  CLI::App* apply =
      verb("apply",
           "Submit applications (docs/csv-format.md) to a DRAFT round; "
           "rejected rows are printed (exit 1). The file's preferences name "
           "what the round's kind places people at: an exchange-rotation "
           "round takes schools (rota-gen's applications.csv), a "
           "competitive-hiring round takes posts (rota-gen's "
           "hiring_applications.csv); a list of the wrong kind is rejected "
           "row by row",
           true, false);
  apply
      ->add_option("FILE", o->upload.file,
                   "teacher,preferences,voluntary CSV: school ids "
                   "(exchange rotation) or post ids (competitive hiring)")
      ->required();
  apply
      ->add_option("--chunk-size", o->upload.chunk_size,
                   "Rows per chunk (each applied atomically)")
      ->capture_default_str();
  apply->add_flag("--no-progress", o->upload.no_progress,
                  "No progress bar even on a terminal");
  apply->add_option("--errors", o->upload.errors_file,
                    "Write the rejected rows with their problems (Chinese "
                    "and English) to this CSV (UTF-8 with BOM, for Excel); "
                    "fix them there and submit that file");
  apply->add_option("--request-id", o->upload.upload_id,
                    "Retry an earlier attempt: the apply id it printed "
                    "(chunks it applied are replayed, not applied twice)");
  apply->callback([ctx, o] { ctx->exit_code = Apply(ctx, *o); });

  CLI::App* freeze =
      verb("freeze",
           "Freeze the inputs (registry snapshot, applications, policy) and "
           "print the recorded seed",
           true, false);
  CLI::Option* seed =
      freeze->add_option("--seed", o->seed, "Lottery seed (default: drawn)");
  freeze->callback(
      [ctx, o, seed] { ctx->exit_code = Freeze(ctx, *o, seed->count() > 0); });

  CLI::App* run =
      verb("run",
           "Run the matching (FROZEN or PROPOSED); progress bar on a terminal; "
           "prints the run summary and result hash",
           true, false);
  run->add_option("--mechanism", o->mechanism,
                  "Voluntary mechanism (default: the policy's)")
      ->check(CLI::IsMember({"to-be", "da-star"}));
  run->add_option("--stage-mode", o->stage_mode,
                  "Competitive hiring stages (default: the policy's)")
      ->check(CLI::IsMember({"simultaneous", "sequential"}));
  run->callback([ctx, o] { ctx->exit_code = Run(ctx, *o); });

  CLI::App* results =
      verb("results", "List the placements of a run (default: the latest)",
           true, false);
  results->add_option("--school", o->school,
                      "Only placements from or to this school (id or name)");
  results->add_option("--outcome", o->outcome, "Only this outcome")
      ->check(CLI::IsMember({"STAYED", "MOVED", "UNPLACED", "EXEMPT",
                             "INSPECTOR", "DOWN_HIRED", "UP_HIRED", "ITINERANT",
                             "RECRUITED", "NOT_RECRUITED"}));
  results->add_flag("--all", o->all, "Fetch every page");
  results->add_option("--page-size", o->page_size, "Placements per page");
  results->add_option("--run", o->run, "Run number (0 = latest)")
      ->capture_default_str();
  results->callback([ctx, o] { ctx->exit_code = Results(ctx, *o); });

  CLI::App* explain =
      verb("explain",
           "Explain a teacher's placement: points breakdown and each choice's "
           "verdict",
           true, true);
  explain->add_option("--run", o->run, "Run number (0 = latest)")
      ->capture_default_str();
  explain->callback([ctx, o] { ctx->exit_code = Explain(ctx, *o); });

  CLI::App* lock = verb(
      "lock",
      "Lock a teacher's placement in the latest run (PROPOSED); later runs "
      "keep it",
      true, true);
  lock->add_option("--reason", o->reason, "Why (recorded)")->required();
  lock->add_option("--request-id", o->request_id, "Idempotency key");
  lock->callback([ctx, o] { ctx->exit_code = Adjust(ctx, *o, false); });

  CLI::App* override_cmd = verb(
      "override",
      "Place a teacher by hand (PROPOSED): a new run is made; refused if it "
      "breaks a hard rule (capacity, qualification, exemption)",
      true, true);
  override_cmd->add_option(
      "--to", o->to,
      "School (exchange rotation), post (competitive hiring) or recruitment "
      "post (recruitment); empty = stays / unplaced / not recruited");
  override_cmd->add_option("--reason", o->reason, "Why (recorded)")->required();
  override_cmd->add_option("--request-id", o->request_id, "Idempotency key");
  override_cmd->callback([ctx, o] { ctx->exit_code = Adjust(ctx, *o, true); });

  CLI::App* report =
      verb("report",
           "Movers by direction and locality, quotas, rank distribution, the "
           "unplaced with reasons, notes; recruitment: the per-post gender "
           "table (-o csv: one row per post)",
           true, false);
  report->add_option("--run", o->run, "Run number (0 = latest)")
      ->capture_default_str();
  CLI::Option* html = report->add_option(
      "--html", o->html,
      "Write the printable report to this file instead: one self-contained "
      "HTML page (county summary with charts, one page per school, one "
      "decision letter per teacher who moves or is not placed)");
  report
      ->add_option("--pdf", o->pdf,
                   "Also print the --html file to this PDF with headless "
                   "Chromium ($ROTA_CHROMIUM, else `chromium`)")
      ->needs(html);
  report->callback([ctx, o] { ctx->exit_code = Report(ctx, *o); });

  CLI::App* cancel =
      verb("cancel", "Cancel a round that is not committed", true, false);
  cancel->add_option("--reason", o->reason, "Why (recorded)");
  cancel->add_option("--request-id", o->request_id, "Idempotency key");
  cancel->callback([ctx, o] { ctx->exit_code = Cancel(ctx, *o); });
}

}  // namespace rota::rotactl
