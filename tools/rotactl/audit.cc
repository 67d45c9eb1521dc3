// rotactl audit verify|replay|export|as-of|history.
//
// verify walks the county's event log and checks its SHA-256 chain; replay
// recomputes a round's run from its frozen inputs and compares the result
// hash ("replay MATCH <sha256>", or MISMATCH with the first differing
// placement, exit 1); export writes a round for rota-replay (offline); as-of
// and history answer where a teacher was (school and post) on a date and
// what the log says happened to her, locks and overrides included.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/audit_export.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/find_commands.h"
#include "tools/rotactl/output.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {

namespace {

namespace v1 = ::rota::v1;

struct AuditOpts {
  std::string round;
  std::string dir;
  std::string teacher;
  std::string date;
  int64_t sequence = 0;
  int run = 0;
};

int Replay(Context* ctx, const AuditOpts& o) {
  v1::ReplayRoundRequest req;
  req.set_name(ResourceName(ctx, o.round, "rounds"));
  if (req.name().empty()) return ctx->exit_code;
  req.set_run(o.run);
  v1::ReplayRoundResponse out;
  auto call = ctx->NewCall(20.0);
  const grpc::Status s = ctx->Rounds().ReplayRound(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "audit replay");
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(out).c_str());
  } else if (out.match()) {
    // "replay MATCH" stays first in both languages: scripts look for it.
    std::printf(ctx->lang == Lang::kZh
                    ? "replay MATCH %s（重算结果与记录一致）\n"
                    : "replay MATCH %s\n",
                out.replay_hash().c_str());
  } else {
    std::printf(ctx->lang == Lang::kZh
                    ? "replay MISMATCH（重算结果与记录不一致）recorded %s, "
                      "replayed %s\n"
                    : "replay MISMATCH recorded %s, replayed %s\n",
                out.recorded_hash().c_str(), out.replay_hash().c_str());
    if (!out.first_difference().empty())
      std::printf("first difference: %s\n", out.first_difference().c_str());
  }
  return out.match() ? kExitOk : kExitFailed;
}

// "2026 学年（自 2026-09-01）：每周 8 节，在 s-v1、s-v2（轮次 ...）" /
// "school year 2026 from 2026-09-01: 8 periods a week at s-v1, s-v2 (round
// ...)".
std::string ItinerantWords(const v1::ItinerantServiceYear& y, Lang lang) {
  std::vector<std::string> schools;
  for (const std::string& s : y.schools())
    schools.emplace_back(rota::tools::IdOf(s));
  const std::string round(rota::tools::IdOf(y.round()));
  if (lang == Lang::kZh)
    return absl::StrCat(y.school_year(), " 学年（自 ", y.start_date(),
                        "）：每周 ", y.weekly_periods(), " 节，在 ",
                        absl::StrJoin(schools, "、"), "（轮次 ", round, "）");
  return absl::StrCat("school year ", y.school_year(), " from ", y.start_date(),
                      ": ", y.weekly_periods(), " periods a week at ",
                      absl::StrJoin(schools, ", "), " (round ", round, ")");
}

// A school's display name ("" if it cannot be read, e.g. deleted since).
std::string DisplayNameOf(Context* ctx, const std::string& school) {
  if (school.empty()) return "";
  v1::GetSchoolRequest req;
  req.set_name(school);
  v1::School out;
  auto call = ctx->NewCall();
  if (!ctx->Registry().GetSchool(call.get(), req, &out).ok()) return "";
  return out.display_name();
}

// A spell in `lang`, the school already labelled ("城关小学 (s3)").
std::string SpellWords(const std::string& school_label,
                       const v1::ServiceSpell& spell, Lang lang) {
  std::string extra = LocalityWords(spell.locality(), lang);
  if (spell.weak()) absl::StrAppend(&extra, ", ", Say("weak", lang));
  if (spell.term_exchange())
    absl::StrAppend(&extra, ", ", Say("term exchange", lang));
  const std::string end =
      spell.end_date().empty() ? Say("now", lang) : spell.end_date();
  return lang == Lang::kZh
             ? absl::StrCat(school_label, "，", spell.start_date(), " 至 ", end,
                            "（", extra, "）")
             : absl::StrCat(school_label, " from ", spell.start_date(), " to ",
                            end, " (", extra, ")");
}

int AsOf(Context* ctx, const AuditOpts& o, bool by_sequence) {
  v1::GetTeacherAsOfRequest req;
  req.set_teacher(ResourceName(ctx, o.teacher, "teachers"));
  if (req.teacher().empty()) return ctx->exit_code;
  if (by_sequence) {
    req.set_sequence(o.sequence);
  } else {
    req.set_date(o.date);
  }
  v1::TeacherAsOf out;
  auto call = ctx->NewCall();
  const grpc::Status s = ctx->Audit().GetTeacherAsOf(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "audit as-of");
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(out).c_str());
    return kExitOk;
  }
  const Lang lang = ctx->lang;
  const bool zh = lang == Lang::kZh;
  const std::string who =
      Labeled(out.teacher().display_name(), out.teacher().name());
  const std::string school =
      Labeled(DisplayNameOf(ctx, out.school()), out.school());
  const std::string when =
      by_sequence ? absl::StrCat(zh ? "截至事件 " : "at event ", o.sequence)
                  : absl::StrCat(zh ? "于 " : "on ", o.date);
  // "王芳 (t1) 于 2020-09-01：在 城关小学 (a1)（事件 12）" /
  // "王芳 (t1) on 2020-09-01: at 城关小学 (a1) (event 12)".
  std::printf("%s\n", (zh ? absl::StrCat(who, " ", when, "：在 ", school,
                                         "（事件 ", out.sequence(), "）")
                          : absl::StrCat(who, " ", when, ": at ", school,
                                         " (event ", out.sequence(), ")"))
                          .c_str());
  if (out.has_spell()) {
    const std::string& at = out.spell().school();
    const std::string spell_school =
        at == out.school() ? school : Labeled(DisplayNameOf(ctx, at), at);
    std::printf("  %s: %s\n", Say("spell", lang).c_str(),
                SpellWords(spell_school, out.spell(), lang).c_str());
  }
  if (!out.returned_from().empty()) {
    const Pronouns p = PronounsOf(out.teacher().gender(), lang);
    const std::string from =
        Labeled(DisplayNameOf(ctx, out.returned_from()), out.returned_from());
    std::printf(
        "  %s\n",
        (zh ? absl::StrCat(out.return_date(), " 起回到原单位：", p.possessive,
                           "期限交流（", from, "）届满")
            : absl::StrCat("back at ", p.possessive, " home school from ",
                           out.return_date(), ": ", p.possessive,
                           " term exchange at ", from, " ended then"))
            .c_str());
  }
  std::printf("  %s: %s\n", Say("post", lang).c_str(),
              out.post().empty()
                  ? Say("none", lang).c_str()
                  : std::string(rota::tools::IdOf(out.post())).c_str());
  for (const v1::ItinerantServiceYear& y : out.teacher().itinerant_service()) {
    if (!by_sequence && y.start_date() > o.date) continue;
    std::printf("  %s, %s\n", Say("itinerant teaching (走教)", lang).c_str(),
                ItinerantWords(y, lang).c_str());
  }
  return kExitOk;
}

// A school's name beside its id, from the history's names.
std::string SchoolOf(const v1::TeacherHistory& h, const std::string& school) {
  if (school.empty()) return "-";
  auto it = h.school_names().find(school);
  return Labeled(it == h.school_names().end() ? "" : it->second, school);
}

// An entry's summary in `lang`, from its parts (the server's English
// summary for entries recorded without them).
std::string EntryWords(const v1::TeacherHistory& h,
                       const v1::TeacherHistoryEntry& e, Lang lang) {
  if (e.change().empty()) return e.summary();
  const bool zh = lang == Lang::kZh;
  const auto post = [](const std::string& p) {
    return p.empty() ? std::string("-") : std::string(rota::tools::IdOf(p));
  };
  std::string out;
  if (e.change() == "deleted") {
    out = zh ? "删除" : "deleted";
  } else if (e.change() == "created") {
    out = absl::StrCat(zh ? "建档，在 " : "created at ",
                       SchoolOf(h, e.to_school()));
  } else if (e.change() == "moved") {
    out = absl::StrCat(zh ? "调动 " : "moved ", SchoolOf(h, e.from_school()),
                       " → ", SchoolOf(h, e.to_school()));
  } else if (e.change() == "post") {
    out = absl::StrCat(zh ? "岗位 " : "post ", post(e.from_post()), " → ",
                       post(e.to_post()));
  } else if (e.change() == "locked") {
    out = zh ? "锁定安排" : "placement locked";
  } else if (e.change() == "overridden") {
    out = e.to_school().empty()
              ? std::string(zh ? "人工调整为不调动" : "overridden to no move")
              : absl::StrCat(zh ? "人工调整到 " : "overridden to ",
                             SchoolOf(h, e.to_school()));
  } else {
    out = zh ? "信息更新" : "updated";
  }
  if (!e.round().empty()) {
    const char* by = e.reversal()
                         ? (zh ? "，撤销轮次 " : " by the reversal of round ")
                     : e.change() == "locked" || e.change() == "overridden"
                         ? (zh ? "，轮次 " : " in round ")
                         : (zh ? "，依据轮次 " : " by round ");
    absl::StrAppend(&out, by, std::string(rota::tools::IdOf(e.round())));
  }
  if (!e.return_date().empty()) {
    absl::StrAppend(
        &out,
        zh ? absl::StrCat("（期限交流，", e.return_date(), " 返回）")
           : absl::StrCat(" (term exchange until ", e.return_date(), ")"));
  }
  return out;
}

int History(Context* ctx, const AuditOpts& o) {
  v1::ListTeacherHistoryRequest req;
  req.set_teacher(ResourceName(ctx, o.teacher, "teachers"));
  if (req.teacher().empty()) return ctx->exit_code;
  v1::TeacherHistory out;
  auto call = ctx->NewCall();
  const grpc::Status s = ctx->Audit().ListTeacherHistory(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "audit history");
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(out).c_str());
    return kExitOk;
  }
  const Lang lang = ctx->lang;
  const std::vector<std::string> keys = {"seq", "time", "actor", "what",
                                         "reason"};
  if (ctx->format() == OutputFormat::kCsv) {
    // The events, one row each (the service history is in the JSON).
    ListPrinter csv(OutputFormat::kCsv, {},
                    Headers(keys, lang, HeaderStyle::kCsv));
    for (const v1::TeacherHistoryEntry& e : out.entries())
      csv.Add(e, {},
              {std::to_string(e.sequence()), e.time(), e.actor(),
               EntryWords(out, e, lang), e.reason()});
    csv.Finish();
    return kExitOk;
  }
  const std::string who = Labeled(out.teacher_name(), out.teacher());
  if (lang == Lang::kZh) {
    std::printf("%s的履历\n", who.c_str());
  } else {
    std::printf("history of %s\n", who.c_str());
  }
  std::vector<std::vector<std::string>> rows;
  for (const v1::TeacherHistoryEntry& e : out.entries())
    rows.push_back({std::to_string(e.sequence()), e.time(), e.actor(),
                    EntryWords(out, e, lang), e.reason()});
  PrintTable(Headers(keys, lang, HeaderStyle::kTable), rows);
  std::printf("%s\n", Say("service history", lang).c_str());
  for (const v1::ServiceSpell& spell : out.service_history())
    std::printf("  %s\n",
                SpellWords(SchoolOf(out, spell.school()), spell, lang).c_str());
  return kExitOk;
}

}  // namespace

void AddAuditCommands(CLI::App* app, Context* ctx) {
  CLI::App* noun =
      app->add_subcommand("audit", "Audit the county's event history");
  noun->require_subcommand(1);
  noun->fallthrough();

  CLI::App* verify =
      noun->add_subcommand("verify",
                           "Recompute the hash chain: prints 'chain OK: "
                           "<events> events, head <sha256>' or the "
                           "first broken event (exit 1)");
  verify->fallthrough();
  verify->callback([ctx] {
    const std::string county = ctx->CountyName();
    if (county.empty()) return;
    rota::v1::VerifyChainRequest req;
    req.set_county(county);
    rota::v1::VerifyChainResponse out;
    // A long log takes a while to walk: allow ten times the usual deadline.
    auto call = ctx->NewCall(10.0);
    grpc::Status s = ctx->Audit().VerifyChain(call.get(), req, &out);
    if (!s.ok()) {
      ctx->exit_code = ReportRpcError(s, "audit verify");
      return;
    }
    if (ctx->format() == OutputFormat::kJson) {
      std::printf("%s\n", ToJson(out).c_str());
    } else if (out.ok()) {
      std::printf(ctx->lang == Lang::kZh
                      ? "chain OK（哈希链完整）: %lld events, head %s\n"
                      : "chain OK: %lld events, head %s\n",
                  static_cast<long long>(out.events()),
                  out.head_hash().c_str());
    } else {
      std::printf(ctx->lang == Lang::kZh
                      ? "chain BROKEN（哈希链断裂）at event %lld: %s\n"
                      : "chain BROKEN at event %lld: %s\n",
                  static_cast<long long>(out.first_broken_sequence()),
                  out.problem().c_str());
    }
    ctx->exit_code = out.ok() ? kExitOk : kExitFailed;
  });

  auto o = std::make_shared<AuditOpts>();
  CLI::App* replay = noun->add_subcommand(
      "replay",
      "Recompute a round's run from its frozen inputs: prints 'replay MATCH "
      "<sha256>' or 'replay MISMATCH ...' with the first differing "
      "placement (exit 1)");
  replay->fallthrough();
  replay->add_option("ROUND", o->round, "Round id or full name")->required();
  replay
      ->add_option("--run", o->run,
                   "Run number (0 = the committed or latest run)")
      ->capture_default_str();
  replay->callback([ctx, o] { ctx->exit_code = Replay(ctx, *o); });

  CLI::App* exp = noun->add_subcommand(
      "export",
      "Write a round's frozen inputs, run and chain segment to DIR for "
      "offline replay with rota-replay (docs/replay-format.md)");
  exp->fallthrough();
  exp->add_option("ROUND", o->round, "Round id or full name")->required();
  exp->add_option("DIR", o->dir, "Directory to write (created)")->required();
  exp->add_option("--run", o->run,
                  "Run number (0 = the committed or latest run)")
      ->capture_default_str();
  exp->callback([ctx, o] {
    const std::string round = ResourceName(ctx, o->round, "rounds");
    if (round.empty()) return;
    ctx->exit_code = ExportRound(ctx, round, o->dir, o->run);
  });

  CLI::App* as_of = noun->add_subcommand(
      "as-of",
      "Where a teacher was (school and post) on DATE, from her service "
      "history and term-exchange return dates as recorded, or her record "
      "as of --sequence");
  as_of->fallthrough();
  as_of->add_option("DATE", o->date, "YYYY-MM-DD");
  as_of->add_option("TEACHER", o->teacher, "Teacher id or full name");
  CLI::Option* seq = as_of->add_option("--sequence", o->sequence,
                                       "An event sequence instead of a date");
  as_of->callback([ctx, o, seq] {
    // `audit as-of --sequence N TEACHER`: the one positional is the teacher.
    if (seq->count() > 0 && o->teacher.empty()) std::swap(o->date, o->teacher);
    if (o->teacher.empty() || (seq->count() == 0 && o->date.empty())) {
      std::fprintf(stderr,
                   "rotactl: audit as-of: usage: audit as-of DATE TEACHER | "
                   "audit as-of --sequence N TEACHER\n");
      ctx->exit_code = kExitUsage;
      return;
    }
    ctx->exit_code = AsOf(ctx, *o, seq->count() > 0);
  });

  CLI::App* history = noun->add_subcommand(
      "history",
      "A teacher's events (moves, posts, updates, locks and overrides with "
      "their reasons) and service history");
  history->fallthrough();
  history->add_option("TEACHER", o->teacher, "Teacher id or full name")
      ->required();
  history->callback([ctx, o] { ctx->exit_code = History(ctx, *o); });
}

}  // namespace rota::rotactl
