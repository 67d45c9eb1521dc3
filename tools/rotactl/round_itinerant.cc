// rotactl round plan ROUND TEACHER | round coverage ROUND: the results of an
// itinerant teaching (走教) round. `plan` prints the teacher's weekly plan
// (weekdays x morning/afternoon, school name beside its id); `coverage`
// prints each school x subject x stage line: required, by own staff, by
// itinerant teachers, uncovered and why. Both honour -o json|csv (csv: one
// row per half-day visit / per coverage line).
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/csv/csv_format.h"
#include "tools/rotactl/commands.h"
#include "tools/rotactl/output.h"
#include "tools/rotactl/round_words.h"

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;
using rota::tools::IdOf;

struct ItinerantOpts {
  std::string round;
  std::string teacher;
  int run = 0;
};

std::string RoundNameOf(Context* ctx, const std::string& round) {
  if (round.rfind("counties/", 0) == 0) return round;
  const std::string county = ctx->CountyName();
  if (county.empty()) return "";
  return county + "/rounds/" + round;
}

// "山头教学点 (s-point)" (a teacher's too: "李音 (t-music1)").
std::string SchoolLabel(const std::string& name, const std::string& school) {
  const std::string id(IdOf(school));
  return name.empty() ? id : absl::StrCat(name, " (", id, ")");
}

int Plan(Context* ctx, const ItinerantOpts& o) {
  v1::ExplainPlacementRequest req;
  req.set_name(RoundNameOf(ctx, o.round));
  if (req.name().empty()) return ctx->exit_code;
  req.set_teacher(o.teacher);
  req.set_run(o.run);
  v1::Explanation out;
  auto call = ctx->NewCall(10.0);
  const grpc::Status s = ctx->Rounds().ExplainPlacement(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "round plan");
  const v1::Placement& p = out.placement();
  const v1::ItinerantPlan& plan = p.itinerant_plan();
  if (ctx->format() != OutputFormat::kTable) {
    ListPrinter printer(
        ctx->format(), {},
        Headers({"teacher", "half_day", "school", "school_name", "periods"},
                ctx->lang, HeaderStyle::kCsv));
    for (const v1::ItinerantVisit& v : plan.visits()) {
      printer.Add(v, {},
                  {std::string(IdOf(p.teacher())), v.half_day(),
                   std::string(IdOf(v.school())), v.school_name(),
                   std::to_string(v.periods())});
    }
    printer.Finish();
    return kExitOk;
  }
  // Names beside ids, from the registry (ids alone if it cannot be read).
  std::string teacher(IdOf(p.teacher()));
  std::string home(IdOf(p.from_school()));
  bool male = false;
  {
    v1::GetTeacherRequest get;
    get.set_name(p.teacher());
    v1::Teacher t;
    auto c = ctx->NewCall(5.0);
    if (ctx->Registry().GetTeacher(c.get(), get, &t).ok()) {
      teacher = SchoolLabel(t.display_name(), t.name());
      male = t.gender() == v1::MALE;
    }
    v1::GetSchoolRequest gs;
    gs.set_name(p.from_school());
    v1::School school;
    auto c2 = ctx->NewCall(5.0);
    if (!p.from_school().empty() &&
        ctx->Registry().GetSchool(c2.get(), gs, &school).ok()) {
      home = SchoolLabel(school.display_name(), school.name());
    }
  }
  const bool zh = ctx->lang == Lang::kZh;
  if (zh) {
    std::printf("%s 的每周走教安排，本校为 %s\n", teacher.c_str(),
                home.c_str());
  } else {
    std::printf("Weekly plan of %s, whose own school is %s\n", teacher.c_str(),
                home.c_str());
  }
  if (plan.visits().empty() && zh) {
    std::printf("  本轮%s不到其他学校授课%s%s\n", male ? "他" : "她",
                p.reason().empty() ? "" : "：",
                ReasonWords(p.reason_code(), Lang::kZh).c_str());
    return kExitOk;
  }
  if (plan.visits().empty()) {
    std::printf("  %s teaches no periods at other schools in this round%s%s\n",
                male ? "He" : "She", p.reason().empty() ? "" : ": ",
                p.reason().c_str());
    return kExitOk;
  }
  std::map<std::string, std::string> cells;
  for (const v1::ItinerantVisit& v : plan.visits()) {
    cells[v.half_day()] = absl::StrCat(SchoolLabel(v.school_name(), v.school()),
                                       " x", v.periods());
  }
  static constexpr const char* kDays[][2] = {{"mon", "Mon 周一"},
                                             {"tue", "Tue 周二"},
                                             {"wed", "Wed 周三"},
                                             {"thu", "Thu 周四"},
                                             {"fri", "Fri 周五"}};
  std::vector<std::vector<std::string>> rows;
  for (const auto& day : kDays) {
    std::vector<std::string> row = {std::string("  ") + day[1]};
    for (const char* half : {"am", "pm"}) {
      auto it = cells.find(absl::StrCat(day[0], "-", half));
      row.push_back(it == cells.end() ? "-" : it->second);
    }
    rows.push_back(std::move(row));
  }
  PrintTable({"  DAY", "MORNING 上午", "AFTERNOON 下午"}, rows);
  if (zh) {
    std::printf(
        "每周课时：本校 %d 节 + 其他学校 %d 节 + %s本校加课 %d 节；每周路程 "
        "%.1f 公里；每月补贴 %lld 元\n",
        plan.own_load(), plan.itinerant_periods(), male ? "他" : "她",
        plan.own_extra_periods(),
        static_cast<double>(plan.weekly_travel_metres()) / 1000.0,
        static_cast<long long>(plan.subsidy_yuan_per_month()));
    return kExitOk;
  }
  std::printf(
      "Periods a week: %d own load + %d at other schools + %d extra at %s "
      "own school; travel %.1f km a week; subsidy %lld yuan a month\n",
      plan.own_load(), plan.itinerant_periods(), plan.own_extra_periods(),
      male ? "his" : "her",
      static_cast<double>(plan.weekly_travel_metres()) / 1000.0,
      static_cast<long long>(plan.subsidy_yuan_per_month()));
  return kExitOk;
}

int Coverage(Context* ctx, const ItinerantOpts& o) {
  v1::GetRoundReportRequest req;
  req.set_name(RoundNameOf(ctx, o.round));
  if (req.name().empty()) return ctx->exit_code;
  req.set_run(o.run);
  v1::RoundReport out;
  auto call = ctx->NewCall(5.0);
  const grpc::Status s = ctx->Rounds().GetRoundReport(call.get(), req, &out);
  if (!s.ok()) return ReportRpcError(s, "round coverage");
  // English keeps its column names and the reason code in the CSV (as
  // scripts read them); Chinese has words throughout.
  const Lang lang = ctx->lang;
  const bool zh = lang == Lang::kZh;
  ListPrinter printer(
      ctx->format(),
      Headers({"school", "subject", "stage", "required", "own", "itinerant",
               "uncovered", "teachers", "why"},
              lang, HeaderStyle::kTable),
      Headers({"school", "school_name", "subject", "stage", "required", "own",
               "itinerant", "uncovered", "reason", "teachers", "teacher_names"},
              lang, HeaderStyle::kCsv));
  for (const v1::ItinerantCoverage& c : out.coverage()) {
    std::vector<std::string> teachers, names, labels;
    for (int i = 0; i < c.teachers_size(); ++i) {
      const std::string name =
          i < c.teacher_names_size() ? c.teacher_names(i) : "";
      teachers.push_back(std::string(IdOf(c.teachers(i))));
      names.push_back(name);
      labels.push_back(SchoolLabel(name, c.teachers(i)));
    }
    const std::string joined = absl::StrJoin(teachers, ";");
    const std::string labelled = absl::StrJoin(labels, "; ");
    const std::string stage =
        zh ? StageWords(c.stage(), lang) : rota::tools::StageName(c.stage());
    const std::string why = c.uncovered() == 0 ? ""
                            : zh ? CoverageReasonWords(c.reason(), lang)
                                 : c.sentence();
    const std::string subject = SubjectWords(c.subject(), lang);
    printer.Add(c,
                {SchoolLabel(c.school_name(), c.school()), subject, stage,
                 std::to_string(c.required()), std::to_string(c.own()),
                 std::to_string(c.itinerant()), std::to_string(c.uncovered()),
                 labelled.empty() ? "-" : labelled, why},
                {std::string(IdOf(c.school())), c.school_name(), subject, stage,
                 std::to_string(c.required()), std::to_string(c.own()),
                 std::to_string(c.itinerant()), std::to_string(c.uncovered()),
                 zh ? CoverageReasonWords(c.reason(), lang) : c.reason(),
                 joined, absl::StrJoin(names, ";")});
  }
  printer.Finish();
  return kExitOk;
}

}  // namespace

void AddItinerantRoundCommands(CLI::App* round, Context* ctx) {
  auto o = std::make_shared<ItinerantOpts>();
  CLI::App* plan = round->add_subcommand(
      "plan", "Itinerant teaching: a teacher's weekly plan (days x half-days)");
  plan->fallthrough();
  plan->add_option("ROUND", o->round, "Round id or full name")->required();
  plan->add_option("TEACHER", o->teacher, "Teacher id or full name")
      ->required();
  plan->add_option("--run", o->run, "Run number (0 = latest)");
  plan->callback([ctx, o] { ctx->exit_code = Plan(ctx, *o); });
  CLI::App* coverage = round->add_subcommand(
      "coverage",
      "Itinerant teaching: each school's required periods and who covers "
      "them");
  coverage->fallthrough();
  coverage->add_option("ROUND", o->round, "Round id or full name")->required();
  coverage->add_option("--run", o->run, "Run number (0 = latest)");
  coverage->callback([ctx, o] { ctx->exit_code = Coverage(ctx, *o); });
}

}  // namespace rota::rotactl
