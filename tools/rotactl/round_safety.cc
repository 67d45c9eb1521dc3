// rotactl round diff|commit|reverse: looking before committing, and undoing.
//
//   round diff ROUND RUN_A RUN_B     teachers whose outcome or destination
//                                    differ between two runs (names beside
//                                    ids, old -> new, counts; -o json|csv)
//   round diff ROUND RUN --registry  what committing RUN would change in the
//                                    current registry: who moves from where
//                                    to where, new hires, 走教 records, and
//                                    teachers whose record changed since the
//                                    freeze (the commit would be refused)
//   round commit ROUND (--run-etag E | --latest-run) [--yes]
//                                    on a terminal: shows the registry diff
//                                    of the run committed and asks y/N;
//                                    --yes skips the question; without a
//                                    terminal and without --yes: refused
//   round reverse ROUND --reason TEXT
//                                    undoes a committed round (ReverseRound)
// `round lock` and `round override` (round_commands.cc) call
// PrintKnockOn to say how many other teachers' outcomes changed.
//
// The diffs are computed here from ListPlacements and the registry lists
// (nothing new on the server). Words are Chinese first, English beside.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/struct.pb.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/output.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
using rota::tools::IdOf;

// Lines a table or a prompt lists before "... and N more".
constexpr size_t kListedLines = 20;
// Teachers named after a lock or override (else only counted).
constexpr size_t kNamedKnockOn = 10;

std::string RoundNameOf(Context* ctx, const std::string& round) {
  if (round.rfind("counties/", 0) == 0) return round;
  const std::string county = ctx->CountyName();
  if (county.empty()) return "";
  return county + "/rounds/" + round;
}

std::string CountyOf(const std::string& round_name) {
  const size_t slash = round_name.find("/rounds/");
  return slash == std::string::npos ? "" : round_name.substr(0, slash);
}

// "调动 (moves)": the outcome in both languages, from the one word table.
std::string BilingualOutcome(v1::Outcome outcome) {
  if (outcome == v1::OUTCOME_UNSPECIFIED) return "-";
  return absl::StrCat(OutcomeWords(outcome, Lang::kZh), " (",
                      OutcomeWords(outcome, Lang::kEn), ")");
}

// Display names of the county's teachers, applicants and schools, by full
// resource name. A list that cannot be read leaves names empty (ids only).
class Names {
 public:
  Names(Context* ctx, const std::string& county, bool applicants) {
    if (county.empty()) return;
    Load<v1::ListTeachersRequest, v1::ListTeachersResponse>(
        ctx, county, &v1::RegistryService::Stub::ListTeachers,
        [&](const v1::ListTeachersResponse& r) {
          for (const v1::Teacher& t : r.teachers()) {
            names_[t.name()] = t.display_name();
            teachers_[t.name()] = t;
          }
        });
    Load<v1::ListSchoolsRequest, v1::ListSchoolsResponse>(
        ctx, county, &v1::RegistryService::Stub::ListSchools,
        [&](const v1::ListSchoolsResponse& r) {
          for (const v1::School& s : r.schools())
            names_[s.name()] = s.display_name();
        });
    if (applicants) {
      Load<v1::ListApplicantsRequest, v1::ListApplicantsResponse>(
          ctx, county, &v1::RegistryService::Stub::ListApplicants,
          [&](const v1::ListApplicantsResponse& r) {
            for (const v1::Applicant& a : r.applicants())
              names_[a.name()] = a.display_name();
          });
    }
  }

  std::string Of(const std::string& name) const {
    auto it = names_.find(name);
    return it == names_.end() ? "" : it->second;
  }
  // "s03 城关小学" (id, then the name when known); "-" for none.
  std::string Place(const std::string& school, const std::string& post) const {
    if (school.empty() && post.empty()) return "-";
    std::string out(IdOf(school));
    if (const std::string n = Of(school); !n.empty())
      absl::StrAppend(&out, " ", n);
    if (!post.empty()) absl::StrAppend(&out, " / ", std::string(IdOf(post)));
    return out;
  }
  const v1::Teacher* Teacher(const std::string& name) const {
    auto it = teachers_.find(name);
    return it == teachers_.end() ? nullptr : &it->second;
  }

 private:
  template <typename Req, typename Resp, typename Method, typename Fn>
  void Load(Context* ctx, const std::string& county, Method method, Fn fn) {
    Req req;
    req.set_parent(county);
    req.set_page_size(1000);
    while (true) {
      Resp page;
      auto call = ctx->NewCall();
      if (!(ctx->Registry().*method)(call.get(), req, &page).ok()) return;
      fn(page);
      if (page.next_page_token().empty()) return;
      req.set_page_token(page.next_page_token());
    }
  }

  std::map<std::string, std::string> names_;
  std::map<std::string, v1::Teacher> teachers_;
};

std::optional<v1::Round> GetRoundOrReport(Context* ctx, const std::string& name,
                                          const char* what) {
  v1::GetRoundRequest req;
  req.set_name(name);
  v1::Round round;
  auto call = ctx->NewCall();
  const grpc::Status s = ctx->Rounds().GetRound(call.get(), req, &round);
  if (!s.ok()) {
    ctx->exit_code = ReportRpcError(s, what);
    return std::nullopt;
  }
  return round;
}

// Every placement of `run` (0 = latest) by teacher; nullopt on an error
// (reported, exit code set).
std::optional<std::map<std::string, v1::Placement>> PlacementsOf(
    Context* ctx, const std::string& name, int run, const char* what) {
  v1::ListPlacementsRequest req;
  req.set_name(name);
  req.set_run(run);
  req.set_page_size(1000);
  std::map<std::string, v1::Placement> out;
  while (true) {
    v1::ListPlacementsResponse page;
    auto call = ctx->NewCall();
    const grpc::Status s = ctx->Rounds().ListPlacements(call.get(), req, &page);
    if (!s.ok()) {
      ctx->exit_code = ReportRpcError(s, what);
      return std::nullopt;
    }
    for (const v1::Placement& p : page.placements()) out[p.teacher()] = p;
    if (page.next_page_token().empty()) return out;
    req.set_page_token(page.next_page_token());
  }
}

bool SameResult(const v1::Placement& a, const v1::Placement& b) {
  return a.outcome() == b.outcome() && a.to_school() == b.to_school() &&
         a.to_post() == b.to_post();
}

// One teacher whose result differs between two runs.
struct RunChange {
  std::string teacher;
  std::optional<v1::Placement> a, b;
};

std::vector<RunChange> DiffRuns(const std::map<std::string, v1::Placement>& a,
                                const std::map<std::string, v1::Placement>& b) {
  std::vector<RunChange> out;
  for (const auto& [t, p] : a) {
    auto it = b.find(t);
    if (it == b.end()) {
      out.push_back({t, p, std::nullopt});
    } else if (!SameResult(p, it->second)) {
      out.push_back({t, p, it->second});
    }
  }
  for (const auto& [t, p] : b)
    if (!a.contains(t)) out.push_back({t, std::nullopt, p});
  std::sort(out.begin(), out.end(), [](const RunChange& x, const RunChange& y) {
    return x.teacher < y.teacher;
  });
  return out;
}

std::string ResultWords(const std::optional<v1::Placement>& p,
                        const Names& names) {
  if (!p.has_value()) return "(不在此运行 not in this run)";
  return absl::StrCat(BilingualOutcome(p->outcome()), " ",
                      names.Place(p->to_school(), p->to_post()));
}

std::string Who(const std::string& teacher, const Names& names) {
  std::string out(IdOf(teacher));
  if (const std::string n = names.Of(teacher); !n.empty())
    absl::StrAppend(&out, " ", n);
  return out;
}

// "调动 (moves) -> 留任 (stays): 2" lines, one per pair of outcomes.
std::vector<std::string> TransitionCounts(const std::vector<RunChange>& d) {
  std::map<std::string, int> counts;
  for (const RunChange& c : d) {
    auto words = [](const std::optional<v1::Placement>& p) {
      return p.has_value() ? BilingualOutcome(p->outcome()) : std::string("-");
    };
    ++counts[absl::StrCat(words(c.a), " -> ", words(c.b))];
  }
  std::vector<std::string> out;
  for (const auto& [k, n] : counts) out.push_back(absl::StrCat(k, ": ", n));
  return out;
}

void SetPlacementFields(const std::string& prefix,
                        const std::optional<v1::Placement>& p,
                        google::protobuf::Struct* row) {
  auto& f = *row->mutable_fields();
  f[prefix + "_outcome"].set_string_value(
      p.has_value() ? v1::Outcome_Name(p->outcome()) : "");
  f[prefix + "_school"].set_string_value(
      p.has_value() ? std::string(IdOf(p->to_school())) : "");
  f[prefix + "_post"].set_string_value(
      p.has_value() ? std::string(IdOf(p->to_post())) : "");
}

int DiffTwoRuns(Context* ctx, const std::string& name, int run_a, int run_b) {
  auto a = PlacementsOf(ctx, name, run_a, "round diff");
  if (!a.has_value()) return ctx->exit_code;
  auto b = PlacementsOf(ctx, name, run_b, "round diff");
  if (!b.has_value()) return ctx->exit_code;
  const std::vector<RunChange> diff = DiffRuns(*a, *b);
  std::optional<v1::Round> round = GetRoundOrReport(ctx, name, "round diff");
  if (!round.has_value()) return ctx->exit_code;
  const Names names(ctx, CountyOf(name), round->kind() == v1::RECRUITMENT);
  const std::vector<std::string> columns = {
      "teacher",    "name",          "run_a_outcome", "run_a_school",
      "run_a_post", "run_b_outcome", "run_b_school",  "run_b_post"};
  ListPrinter out(
      ctx->format(),
      {"教师 TEACHER", "姓名 NAME", absl::StrCat("运行 RUN ", run_a),
       absl::StrCat("运行 RUN ", run_b)},
      columns);
  for (const RunChange& c : diff) {
    google::protobuf::Struct row;
    (*row.mutable_fields())["teacher"].set_string_value(
        std::string(IdOf(c.teacher)));
    (*row.mutable_fields())["name"].set_string_value(names.Of(c.teacher));
    SetPlacementFields("run_a", c.a, &row);
    SetPlacementFields("run_b", c.b, &row);
    std::vector<std::string> csv;
    for (const std::string& col : columns)
      csv.push_back(row.fields().at(col).string_value());
    out.Add(row,
            {std::string(IdOf(c.teacher)), names.Of(c.teacher),
             ResultWords(c.a, names), ResultWords(c.b, names)},
            csv);
  }
  out.Finish();
  if (ctx->format() == OutputFormat::kTable) {
    std::printf(
        "运行 %d -> 运行 %d：%zu 名教师的结果不同 (%zu teachers differ "
        "between run %d and run %d)\n",
        run_a, run_b, diff.size(), diff.size(), run_a, run_b);
    for (const std::string& line : TransitionCounts(diff))
      std::printf("  %s\n", line.c_str());
  }
  return kExitOk;
}

// What committing a run does to one registry record.
struct RegistryChange {
  enum Kind { kMove, kHire, kItinerant, kConflict } kind;
  v1::Placement placement;
  std::string now_school, now_post;  // the registry's record now
};

const char* KindWords(RegistryChange::Kind kind) {
  switch (kind) {
    case RegistryChange::kMove:
      return "调动 (moves)";
    case RegistryChange::kHire:
      return "新聘 (new hire)";
    case RegistryChange::kItinerant:
      return "走教记录 (走教 record)";
    case RegistryChange::kConflict:
      return "冲突 (conflict)";
  }
  return "";
}

// The changes committing `placements` would make, mirroring CommitRound
// (service/round_results.cc): hires, 走教 records, school or post changes.
std::vector<RegistryChange> DiffRegistry(
    const v1::Round& round,
    const std::map<std::string, v1::Placement>& placements,
    const Names& names) {
  const bool hiring = round.kind() == v1::COMPETITIVE_HIRING;
  std::vector<RegistryChange> out;
  for (const auto& [t, p] : placements) {
    if (round.kind() == v1::RECRUITMENT) {
      if (p.outcome() == v1::RECRUITED)
        out.push_back({RegistryChange::kHire, p, "", ""});
      continue;
    }
    const v1::Teacher* now = names.Teacher(t);
    if (p.outcome() == v1::ITINERANT) {
      out.push_back({now == nullptr ? RegistryChange::kConflict
                                    : RegistryChange::kItinerant,
                     p, now ? now->school() : "", now ? now->post() : ""});
      continue;
    }
    const bool school_change =
        !p.to_school().empty() && p.to_school() != p.from_school();
    const bool post_change =
        hiring && p.to_post() != p.from_post() &&
        (p.outcome() == v1::MOVED || p.outcome() == v1::DOWN_HIRED ||
         p.outcome() == v1::UP_HIRED || p.outcome() == v1::UNPLACED);
    if (!school_change && !post_change) continue;
    const bool conflict = now == nullptr || now->school() != p.from_school();
    out.push_back({conflict ? RegistryChange::kConflict : RegistryChange::kMove,
                   p, now ? now->school() : "", now ? now->post() : ""});
  }
  return out;
}

std::string CountsLine(const std::vector<RegistryChange>& d) {
  int n[4] = {0, 0, 0, 0};
  for (const RegistryChange& c : d) ++n[c.kind];
  return absl::StrFormat(
      "%d 名教师调动，%d 名新聘，%d 名走教记录，%d 个冲突 (%d moves, %d new "
      "hires, %d 走教 records, %d conflicts)",
      n[0], n[1], n[2], n[3], n[0], n[1], n[2], n[3]);
}

std::string NoteOf(const RegistryChange& c) {
  if (c.kind != RegistryChange::kConflict) return "";
  return c.now_school.empty()
             ? "已不在名册，提交会被拒绝 (no longer in the registry: the "
               "commit would be refused)"
             : absl::StrCat("冻结后已改到 ", std::string(IdOf(c.now_school)),
                            "，提交会被拒绝 (changed school after the freeze: "
                            "the commit would be refused)");
}

void PrintRegistryTable(const std::vector<RegistryChange>& diff,
                        const Names& names, size_t limit) {
  std::vector<std::vector<std::string>> rows;
  for (const RegistryChange& c : diff) {
    if (rows.size() == limit) break;
    const v1::Placement& p = c.placement;
    rows.push_back({Who(p.teacher(), names), KindWords(c.kind),
                    c.kind == RegistryChange::kHire
                        ? "-"
                        : names.Place(c.now_school, c.now_post),
                    names.Place(p.to_school(), p.to_post()), NoteOf(c)});
  }
  PrintTable(
      {"教师 TEACHER", "变化 CHANGE", "现在 NOW", "提交后 AFTER", "说明 NOTE"},
      rows);
  if (diff.size() > limit)
    std::printf(
        "... 另有 %zu 条 (%zu more; `rotactl round diff ROUND RUN "
        "--registry` lists all)\n",
        diff.size() - limit, diff.size() - limit);
}

int DiffAgainstRegistry(Context* ctx, const std::string& name, int run) {
  std::optional<v1::Round> round = GetRoundOrReport(ctx, name, "round diff");
  if (!round.has_value()) return ctx->exit_code;
  auto placements = PlacementsOf(ctx, name, run, "round diff");
  if (!placements.has_value()) return ctx->exit_code;
  const Names names(ctx, CountyOf(name), round->kind() == v1::RECRUITMENT);
  const std::vector<RegistryChange> diff =
      DiffRegistry(*round, *placements, names);
  const std::vector<std::string> columns = {
      "teacher",  "name",      "change",  "now_school",
      "now_post", "to_school", "to_post", "conflict"};
  if (ctx->format() != OutputFormat::kTable) {
    ListPrinter out(ctx->format(), {}, columns);
    for (const RegistryChange& c : diff) {
      const char* kinds[] = {"move", "hire", "itinerant", "conflict"};
      google::protobuf::Struct row;
      auto& f = *row.mutable_fields();
      f["teacher"].set_string_value(std::string(IdOf(c.placement.teacher())));
      f["name"].set_string_value(names.Of(c.placement.teacher()));
      f["change"].set_string_value(kinds[c.kind]);
      f["now_school"].set_string_value(std::string(IdOf(c.now_school)));
      f["now_post"].set_string_value(std::string(IdOf(c.now_post)));
      f["to_school"].set_string_value(
          std::string(IdOf(c.placement.to_school())));
      f["to_post"].set_string_value(std::string(IdOf(c.placement.to_post())));
      f["conflict"].set_string_value(NoteOf(c));
      std::vector<std::string> csv;
      for (const std::string& col : columns)
        csv.push_back(f.at(col).string_value());
      out.Add(row, {}, csv);
    }
    out.Finish();
    return kExitOk;
  }
  PrintRegistryTable(diff, names, diff.size());
  std::printf("提交此运行将：%s\n", CountsLine(diff).c_str());
  return kExitOk;
}

struct SafetyOpts {
  std::string round;
  std::vector<int> runs;
  bool registry = false;
  std::string run_etag;
  bool latest_run = false;
  bool yes = false;
  std::string etag;
  std::string request_id;
  std::string reason;
};

int Diff(Context* ctx, const SafetyOpts& o) {
  const std::string name = RoundNameOf(ctx, o.round);
  if (name.empty()) return ctx->exit_code;
  if (o.registry && o.runs.size() == 1)
    return DiffAgainstRegistry(ctx, name, o.runs[0]);
  if (!o.registry && o.runs.size() == 2)
    return DiffTwoRuns(ctx, name, o.runs[0], o.runs[1]);
  std::fprintf(stderr,
               "rotactl: round diff: give two runs (round diff ROUND RUN_A "
               "RUN_B) or one run and --registry (round diff ROUND RUN "
               "--registry; run 0 = the latest)\n");
  return kExitUsage;
}

// Reads one answer line from the terminal: true for y / yes.
bool Confirmed(const std::string& question) {
  std::printf("%s [y/N] ", question.c_str());
  std::fflush(stdout);
  std::string line;
  if (!std::getline(std::cin, line)) return false;
  line = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line));
  return line == "y" || line == "yes";
}

int Commit(Context* ctx, const SafetyOpts& o) {
  const std::string name = RoundNameOf(ctx, o.round);
  if (name.empty()) return ctx->exit_code;
  if (o.run_etag.empty() == !o.latest_run) {
    std::fprintf(stderr,
                 "rotactl: round commit: give --run-etag ETAG (the run etag "
                 "`round run` and `round results` print for the run you "
                 "reviewed) or, to commit whatever run is latest, "
                 "--latest-run\n");
    return kExitUsage;
  }
  if (!o.yes && !isatty(STDIN_FILENO)) {
    std::fprintf(stderr,
                 "rotactl: round commit: not committed: a commit asks for "
                 "confirmation on a terminal, and stdin is not one. Review "
                 "the change with `rotactl round diff %s 0 --registry`, then "
                 "add --yes to commit from a script\n",
                 o.round.c_str());
    return kExitUsage;
  }
  std::optional<v1::Round> round = GetRoundOrReport(ctx, name, "round commit");
  if (!round.has_value()) return ctx->exit_code;
  // The run committed: the one whose etag was given, else the latest.
  const v1::RunSummary* run = nullptr;
  for (const v1::RunSummary& r : round->runs()) {
    if (o.latest_run ? &r == &round->runs(round->runs_size() - 1)
                     : r.etag() == o.run_etag)
      run = &r;
  }
  if (run == nullptr && o.latest_run) {
    std::fprintf(stderr, "rotactl: round commit: %s has no run yet\n",
                 name.c_str());
    return kExitServerError;
  }
  // An etag of no run: the server says why (RUN_ETAG_STALE).
  const std::string run_etag = run != nullptr ? run->etag() : o.run_etag;
  if (!o.yes && run != nullptr) {
    auto placements = PlacementsOf(ctx, name, run->run(), "round commit");
    if (!placements.has_value()) return ctx->exit_code;
    const Names names(ctx, CountyOf(name), round->kind() == v1::RECRUITMENT);
    const std::vector<RegistryChange> diff =
        DiffRegistry(*round, *placements, names);
    std::printf("运行 %d (run %d) of %s, result hash %s\n", run->run(),
                run->run(), name.c_str(), run->result_hash().c_str());
    PrintRegistryTable(diff, names, kListedLines);
    std::printf("提交此运行将：%s\n", CountsLine(diff).c_str());
    if (!Confirmed(absl::StrCat("提交运行 ", run->run(), " 到名册？Commit run ",
                                run->run(), " to the registry?"))) {
      std::printf("未提交 (not committed)\n");
      return kExitFailed;
    }
  }
  v1::CommitRoundRequest req;
  req.set_name(name);
  req.set_etag(o.etag);
  req.set_run_etag(run_etag);
  req.set_request_id(o.request_id);
  v1::Round out;
  auto call = ctx->NewCall(20.0);
  const grpc::Status s = ctx->Rounds().CommitRound(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "round commit");
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(out).c_str());
  } else {
    std::printf(ctx->lang == Lang::kZh ? "已提交 %s：结果哈希 %s\n"
                                       : "committed %s: result hash %s\n",
                out.name().c_str(), out.committed_result_hash().c_str());
  }
  return kExitOk;
}

int Reverse(Context* ctx, const SafetyOpts& o) {
  const std::string name = RoundNameOf(ctx, o.round);
  if (name.empty()) return ctx->exit_code;
  v1::ReverseRoundRequest req;
  req.set_name(name);
  req.set_reason(o.reason);
  req.set_etag(o.etag);
  req.set_request_id(o.request_id);
  v1::Round out;
  auto call = ctx->NewCall(20.0);
  const grpc::Status s = ctx->Rounds().ReverseRound(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "round reverse");
  if (ctx->format() == OutputFormat::kJson) {
    std::printf("%s\n", ToJson(out).c_str());
  } else {
    std::printf(
        "已撤销 %s：提交改动的教师已回到提交前的学校和岗位 (reversed: every "
        "teacher the commit changed is back where the registry had her; "
        "`rotactl audit history TEACHER` shows both)\n",
        out.name().c_str());
  }
  return kExitOk;
}

}  // namespace

int LatestRunNumber(Context* ctx, const std::string& round) {
  const std::string name = RoundNameOf(ctx, round);
  if (name.empty()) return 0;
  v1::GetRoundRequest req;
  req.set_name(name);
  v1::Round r;
  auto call = ctx->NewCall();
  if (!ctx->Rounds().GetRound(call.get(), req, &r).ok() || r.runs().empty())
    return 0;
  return r.runs(r.runs_size() - 1).run();
}

void PrintKnockOn(Context* ctx, const std::string& round,
                  const std::string& teacher, int run_before, bool lock) {
  if (ctx->format() == OutputFormat::kJson) return;
  if (lock) {
    std::printf(
        "其他教师的结果没有改变：锁定保留她现在的结果，以后的运行也保留 (no "
        "other "
        "teacher's outcome changed: a lock keeps the current placement, and "
        "later runs keep it)\n");
    return;
  }
  const std::string name = RoundNameOf(ctx, round);
  const int run_after = LatestRunNumber(ctx, round);
  if (name.empty() || run_before == 0 || run_after == run_before) return;
  auto a = PlacementsOf(ctx, name, run_before, "round override");
  if (!a.has_value()) return;
  auto b = PlacementsOf(ctx, name, run_after, "round override");
  if (!b.has_value()) return;
  std::vector<RunChange> diff = DiffRuns(*a, *b);
  std::erase_if(diff, [&](const RunChange& c) {
    return IdOf(c.teacher) == IdOf(teacher);
  });
  std::printf(
      "另有 %zu 名教师的结果因此改变 (%zu other teachers' outcomes changed: "
      "run %d -> run %d)\n",
      diff.size(), diff.size(), run_before, run_after);
  if (diff.empty()) return;
  const Names names(ctx, CountyOf(name), false);
  for (size_t i = 0; i < diff.size() && i < kNamedKnockOn; ++i)
    std::printf("  %s: %s -> %s\n", Who(diff[i].teacher, names).c_str(),
                ResultWords(diff[i].a, names).c_str(),
                ResultWords(diff[i].b, names).c_str());
  if (diff.size() > kNamedKnockOn)
    std::printf("  ... `rotactl round diff %s %d %d` lists all\n",
                round.c_str(), run_before, run_after);
}

void AddRoundSafetyCommands(CLI::App* noun, Context* ctx) {
  auto o = std::make_shared<SafetyOpts>();

  CLI::App* diff = noun->add_subcommand(
      "diff",
      "Compare two runs (ROUND RUN_A RUN_B: teachers whose outcome or "
      "destination differ), or one run with the current registry (ROUND RUN "
      "--registry: who would move from where to where, new hires); run 0 = "
      "the latest");
  diff->fallthrough();
  diff->add_option("ROUND", o->round, "Round id or full name")->required();
  diff->add_option("RUNS", o->runs, "RUN_A RUN_B, or RUN with --registry")
      ->required()
      ->expected(1, 2);
  diff->add_flag("--registry", o->registry,
                 "Compare RUN with the registry as it is now");
  diff->callback([ctx, o] { ctx->exit_code = Diff(ctx, *o); });

  CLI::App* commit = noun->add_subcommand(
      "commit",
      "Apply a run to the registry in one atomic batch (PROPOSED). Needs "
      "--run-etag (the run etag `round run` / `round results` printed for "
      "the run you reviewed; refused if a newer run exists) or --latest-run. "
      "On a terminal it shows what will change and asks y/N; --yes skips the "
      "question (scripts); without a terminal and without --yes it refuses");
  commit->fallthrough();
  commit->add_option("ROUND", o->round, "Round id or full name")->required();
  commit->add_option("--run-etag", o->run_etag,
                     "Etag of the reviewed run (required unless --latest-run)");
  commit->add_flag("--latest-run", o->latest_run,
                   "Convenience: commit whatever run is latest (the question "
                   "shows that run's changes)");
  commit->add_flag("-y,--yes", o->yes,
                   "Do not ask for confirmation (for scripts)");
  commit->add_option("--etag", o->etag, "Fail if the round changed since");
  commit->add_option("--request-id", o->request_id, "Idempotency key");
  commit->callback([ctx, o] { ctx->exit_code = Commit(ctx, *o); });

  CLI::App* reverse = noun->add_subcommand(
      "reverse",
      "Undo a committed round (administrator): every teacher the commit "
      "changed goes back to where the registry had her before it, as a new "
      "event (the commit stays in the log); refused, naming them, if a "
      "teacher changed since");
  reverse->fallthrough();
  reverse->add_option("ROUND", o->round, "Round id or full name")->required();
  reverse->add_option("--reason", o->reason, "Why (recorded)")->required();
  reverse->add_option("--etag", o->etag, "Fail if the round changed since");
  reverse->add_option("--request-id", o->request_id, "Idempotency key");
  reverse->callback([ctx, o] { ctx->exit_code = Reverse(ctx, *o); });
}

}  // namespace rota::rotactl
