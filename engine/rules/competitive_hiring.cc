// Competitive hiring: the public functions (HiringBand,
// HiringFitProblem, RunCompetitiveHiring) and the run's preparation
// (indexing, fixed placements, preference lists, the order of the phases).
// The run's class: engine/rules/internal/competitive_hiring_run.h.
#include "engine/rules/competitive_hiring.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "engine/model.h"
#include "engine/rules/hard_rule.h"
#include "engine/rules/internal/competitive_hiring_run.h"
#include "engine/rules/internal/strings.h"
#include "engine/rules/internal/words_zh.h"
#include "engine/rules/obligations.h"
#include "engine/rules/points.h"

namespace rota::engine::rules {

using hiring_internal::BandLevel;
using hiring_internal::Contains;
using internal::Sv;

Title HiringBand(Title title) {
  if (title == Title::kNone || title == Title::kUnspecified) {
    return Title::kJunior;
  }
  return title;
}

std::string UpHiringProblem(const Teacher& teacher,
                            const CompetitiveHiringPolicy& policy,
                            int32_t effective_day, bool legacy_pronouns,
                            std::string* problem_zh) {
  const internal::Pronouns pr =
      internal::PronounsOf(teacher.gender, legacy_pronouns);
  // Both languages at each return; the Chinese only if asked for.
  auto say = [problem_zh](std::string en, std::string zh) {
    if (problem_zh != nullptr) *problem_zh = std::move(zh);
    return en;
  };
  if (problem_zh != nullptr) problem_zh->clear();
  if (!policy.allow_up_hiring) {
    return say("the policy allows no up-hiring", "本县政策不允许低职高聘");
  }
  if (policy.up_hiring_requires_latest_excellent) {
    // Her latest evaluation: the most recent school year before the
    // effective date's year (RecentEvaluations over every such year).
    const std::vector<Evaluation> all =
        RecentEvaluations(teacher, effective_day, 1000);
    if (all.empty() || all.back().grade != EvaluationGrade::kExcellent) {
      return say(
          absl::StrCat("up-hiring needs ", pr.his,
                       " latest evaluation to be excellent; it is ",
                       all.empty()
                           ? "missing"
                           : absl::StrCat(Sv(GradeName(all.back().grade)), " (",
                                          all.back().year, ")")),
          absl::StrCat(
              "低职高聘要求最近一次考核为优秀；", pr.zh, "的",
              all.empty() ? "考核记录缺失"
                          : absl::StrCat(
                                all.back().year, " 年度考核为",
                                Sv(internal::EvaluationZh(all.back().grade)))));
    }
  }
  const int32_t years = policy.up_hiring_competent_years;
  if (years > 0) {
    const std::vector<Evaluation> recent =
        RecentEvaluations(teacher, effective_day, years);
    int32_t good = 0;
    for (const Evaluation& e : recent) {
      if (e.grade == EvaluationGrade::kExcellent ||
          e.grade == EvaluationGrade::kCompetent) {
        ++good;
      }
    }
    if (good < years) {
      return say(
          absl::StrCat("up-hiring needs an evaluation of at least competent "
                       "in each of the last ",
                       years, " year(s); ", pr.he, " has ", good),
          absl::StrCat("低职高聘要求近 ", years, " 年考核均为合格及以上；",
                       pr.zh, "只有 ", good, " 年"));
    }
  }
  return "";
}

std::string HiringFitProblem(const Teacher& teacher, const Post& post,
                             Stage post_stage,
                             const CompetitiveHiringPolicy& policy,
                             int32_t effective_day, BandFit* fit,
                             bool legacy_pronouns, std::string* problem_zh) {
  const internal::Pronouns pr =
      internal::PronounsOf(teacher.gender, legacy_pronouns);
  // Both languages at each return; the Chinese only if asked for.
  auto say = [problem_zh](std::string en, std::string zh) {
    if (problem_zh != nullptr) *problem_zh = std::move(zh);
    return en;
  };
  if (problem_zh != nullptr) problem_zh->clear();
  *fit = BandFit::kOwn;
  if (!teacher.post.empty() && teacher.post == post.id) return "";
  if (!Contains(teacher.subjects, post.subject)) {
    return say(
        absl::StrCat("subject: the post teaches ", Sv(post.subject), ", ",
                     pr.his, " subjects are ",
                     absl::StrJoin(teacher.subjects, ", ")),
        absl::StrCat("学科不符：该岗位任教 ", Sv(post.subject), "，", pr.zh,
                     "的任教学科为 ", absl::StrJoin(teacher.subjects, "、")));
  }
  if (std::find(teacher.certificate_stages.begin(),
                teacher.certificate_stages.end(),
                post_stage) == teacher.certificate_stages.end()) {
    return say(absl::StrCat("certificate stage: the post is ",
                            Sv(StageName(post_stage)), ", ", pr.his,
                            " teaching certificate does not cover it"),
               absl::StrCat("教师资格学段不符：该岗位为",
                            Sv(internal::StageZh(post_stage)), "，", pr.zh,
                            "的教师资格证不含该学段"));
  }
  const int mine = BandLevel(teacher.title);
  const int band = static_cast<int>(post.title_band);
  const Title own_band = HiringBand(teacher.title);
  const std::string bands =
      absl::StrCat("title band: the post is ", Sv(TitleName(post.title_band)),
                   ", ", pr.his, " title is ", Sv(TitleName(own_band)));
  const std::string bands_zh = absl::StrCat(
      "职称等级：该岗位为", Sv(internal::TitleZh(post.title_band)), "岗位，",
      pr.zh, "的职称为", Sv(internal::TitleZh(own_band)));
  if (band > mine) {
    if (!policy.allow_up_hiring) {
      return say(absl::StrCat(bands, "; the policy allows no up-hiring"),
                 absl::StrCat(bands_zh, "；本县政策不允许低职高聘"));
    }
    if (band - mine > policy.max_bands_up) {
      return say(
          absl::StrCat(bands, "; the policy allows up-hiring by at most ",
                       policy.max_bands_up, " band(s)"),
          absl::StrCat(bands_zh, "；本县政策规定低职高聘最多高 ",
                       policy.max_bands_up, " 个等级"));
    }
    if (band > static_cast<int>(policy.up_hiring_highest_band)) {
      return say(
          absl::StrCat(bands, "; up-hiring reaches at most ",
                       Sv(TitleName(policy.up_hiring_highest_band)), " posts"),
          absl::StrCat(bands_zh, "；低职高聘最高只到",
                       Sv(internal::TitleZh(policy.up_hiring_highest_band)),
                       "岗位"));
    }
    std::string problem_zh_up;
    const std::string problem = UpHiringProblem(
        teacher, policy, effective_day, legacy_pronouns, &problem_zh_up);
    if (!problem.empty()) {
      return say(absl::StrCat(bands, "; ", problem),
                 absl::StrCat(bands_zh, "；", problem_zh_up));
    }
    *fit = BandFit::kUp;
  }
  if (band < mine) {
    if (!policy.allow_down_hiring) {
      return say(
          absl::StrCat(bands, "; the policy allows no down-hiring (低聘)"),
          absl::StrCat(bands_zh, "；本县政策不允许低聘"));
    }
    if (mine - band > policy.max_bands_down) {
      return say(
          absl::StrCat("title band: the post is ",
                       Sv(TitleName(post.title_band)), ", ", mine - band,
                       " bands below ", pr.his, " title ",
                       Sv(TitleName(own_band)),
                       "; the policy allows down-hiring by at most ",
                       policy.max_bands_down),
          absl::StrCat("职称等级：该岗位为",
                       Sv(internal::TitleZh(post.title_band)), "岗位，比",
                       pr.zh, "的职称", Sv(internal::TitleZh(own_band)), "低 ",
                       mine - band, " 个等级；本县政策规定低聘最多低 ",
                       policy.max_bands_down, " 个等级"));
    }
    *fit = BandFit::kDown;
  }
  return "";
}

namespace hiring_internal {

absl::Status HiringRun::Index() {
  for (const School& s : in_.schools) schools_.emplace(s.id, &s);
  absl::flat_hash_map<std::string_view, int32_t> school_index;
  for (const auto& [id, school] : schools_) {
    school_index.emplace(id, static_cast<int32_t>(school_list_.size()));
    school_list_.push_back(school);
  }
  distance_rows_.resize(school_list_.size());
  for (const Post& p : in_.posts) subject_ids_.emplace(p.subject, 0);
  {
    int32_t next = 0;
    for (auto& [subject, id] : subject_ids_) id = next++;
    buckets_.resize(static_cast<size_t>(next) * 8);
  }
  std::vector<const Post*> posts;
  for (const Post& p : in_.posts) posts.push_back(&p);
  std::sort(posts.begin(), posts.end(),
            [](const Post* a, const Post* b) { return a->id < b->id; });
  for (const Post* p : posts) {
    PostState s;
    s.p = p;
    s.school_index = school_index.at(p->school);
    s.school = school_list_[s.school_index];
    s.stage =
        p->stage != Stage::kUnspecified ? p->stage : s.school->stages.front();
    post_index_.emplace(p->id, static_cast<int32_t>(ps_.size()));
    s.subject = subject_ids_.at(p->subject);
    s.established = !p->non_established;
    buckets_[s.subject * 8 + static_cast<int32_t>(s.stage)].push_back(
        static_cast<int32_t>(ps_.size()));
    post_labels_.push_back(absl::StrCat("\"", Sv(p->id), "\" (", Sv(p->school),
                                        ", ", Sv(p->subject), ", ",
                                        Sv(TitleName(p->title_band)), ")"));
    post_labels_zh_.push_back(
        absl::StrCat("“", Sv(p->id), "”（", Sv(p->school), "，", Sv(p->subject),
                     "，", Sv(internal::TitleZh(p->title_band)), "岗位）"));
    post_school_.push_back(s.school_index);
    post_subject_.push_back(s.subject);
    post_band_.push_back(static_cast<int8_t>(p->title_band));
    ps_.push_back(std::move(s));
  }
  std::vector<const Teacher*> teachers;
  for (const Teacher& t : in_.teachers) teachers.push_back(&t);
  std::sort(teachers.begin(), teachers.end(),
            [](const Teacher* a, const Teacher* b) { return a->id < b->id; });
  int64_t min_points = std::numeric_limits<int64_t>::max();
  int64_t max_points = std::numeric_limits<int64_t>::min();
  for (const Teacher* t : teachers) {
    TeacherState s;
    s.t = t;
    s.school_index = school_index.at(t->school);
    s.school = school_list_[s.school_index];
    if (!t->post.empty()) s.own_post = post_index_.at(t->post);
    if (auto it = subject_ids_.find(t->subjects.front());
        it != subject_ids_.end()) {
      s.primary_subject = it->second;
    }
    for (const std::string& subject : t->subjects) {
      auto it = subject_ids_.find(subject);
      if (it == subject_ids_.end()) continue;
      for (Stage stage : t->certificate_stages) {
        s.bucket_keys.push_back(it->second * 8 + static_cast<int32_t>(stage));
      }
    }
    std::sort(s.bucket_keys.begin(), s.bucket_keys.end());
    s.bucket_keys.erase(std::unique(s.bucket_keys.begin(), s.bucket_keys.end()),
                        s.bucket_keys.end());
    // Exemptions in force on the effective date, in list order; the first
    // one named in the reason.
    for (const Exemption& e : t->exemptions) {
      if (e.ActiveOn(in_.effective_day)) {
        s.exemption = e.note.empty() ? absl::StrCat("exemption kind ",
                                                    static_cast<int>(e.kind))
                                     : e.note;
        s.exemption_zh = e.note.empty()
                             ? std::string(internal::ExemptionZh(e.kind))
                             : e.note;
        break;
      }
    }
    s.established = t->employment != Employment::kNonEstablished;
    s.up_problem = UpHiringProblem(*t, hp_, in_.effective_day, legacy_pronouns_,
                                   &s.up_problem_zh);
    s.up_ok = s.up_problem.empty();
    s.points = ComputePoints(*t, s.school, policy_, in_.effective_day);
    s.tie = TieChainValues(*t, policy_);
    s.draw = LotteryDraw(in_.seed, t->id);
    min_points = std::min(min_points, s.points.total);
    max_points = std::max(max_points, s.points.total);
    teacher_index_.emplace(t->id, static_cast<int32_t>(ts_.size()));
    ts_.push_back(std::move(s));
  }
  if (!ts_.empty()) {
    // Adding more than the whole spread of points puts every in-school
    // teacher above every outsider at her school's posts.
    if (max_points - min_points > (int64_t{1} << 50) ||
        std::abs(max_points) > (int64_t{1} << 50) ||
        std::abs(min_points) > (int64_t{1} << 50)) {
      return absl::InvalidArgumentError(
          "teachers: points out of range for competitive hiring (|points| "
          "must stay below 2^50 centipoints)");
    }
    boost_ = max_points - min_points + 1;
  }
  for (const Application& a : in_.applications) {
    TeacherState& s = ts_[teacher_index_.at(a.teacher)];
    s.applied = true;
    for (const std::string& id : a.preferences) {
      Entry e;
      e.post = post_index_.at(id);
      s.entries.push_back(std::move(e));
    }
  }
  return absl::OkStatus();
}

absl::Status HiringRun::PlaceFixed() {
  for (TeacherState& s : ts_) {
    if (!s.exemption.empty()) {
      s.fix = Fix::kExempt;
      s.fixed_post = s.own_post;
      s.fix_reason = s.exemption;
    }
  }
  struct Pin {
    const std::string* teacher;
    const std::string* to;
    const std::string* reason;
    Fix fix;
  };
  std::vector<Pin> pins;
  for (const Lock& l : in_.locks) {
    pins.push_back({&l.teacher, &l.to, &l.reason, Fix::kLock});
  }
  for (const Override& o : in_.overrides) {
    pins.push_back({&o.teacher, &o.to, &o.reason, Fix::kOverride});
  }
  std::sort(pins.begin(), pins.end(),
            [](const Pin& a, const Pin& b) { return *a.teacher < *b.teacher; });
  for (const Pin& pin : pins) {
    const int32_t t = teacher_index_.at(*pin.teacher);
    TeacherState& s = ts_[t];
    const int32_t to = pin.to->empty() ? -1 : post_index_.at(*pin.to);
    auto refuse = [&](std::string rule, std::string sentence) {
      return HardRuleError({.teacher = s.t->id,
                            .rule = std::move(rule),
                            .is_override = pin.fix == Fix::kOverride,
                            .sentence = std::move(sentence)});
    };
    if (s.fix == Fix::kExempt) {
      if (to != s.own_post) {
        return refuse("exemption",
                      absl::StrCat(P(s.t).he, " is exempt (", Sv(s.exemption),
                                   ") and keeps ", P(s.t).his, " post \"",
                                   Sv(s.t->post), "\""));
      }
      continue;  // the pin agrees with the exemption
    }
    if (to >= 0) {
      BandFit fit = BandFit::kOwn;
      std::string problem = Fit(t, to, &fit);
      if (!problem.empty()) {
        return refuse("qualification",
                      absl::StrCat(P(s.t).he, " cannot hold post ",
                                   PostLabel(to), ": ", problem));
      }
    }
    s.fix = pin.fix;
    s.fixed_post = to;
    s.fix_reason = *pin.reason;
  }
  // Capacity: exempt holders first (they never move, even beyond the count),
  // then pins in teacher id order.
  for (int32_t t = 0; t < static_cast<int32_t>(ts_.size()); ++t) {
    if (ts_[t].fix == Fix::kExempt && ts_[t].fixed_post >= 0) {
      ++ps_[ts_[t].fixed_post].held_fixed;
      ps_[ts_[t].fixed_post].occupants.push_back(t);
    }
  }
  for (int32_t t = 0; t < static_cast<int32_t>(ts_.size()); ++t) {
    TeacherState& s = ts_[t];
    if ((s.fix != Fix::kLock && s.fix != Fix::kOverride) || s.fixed_post < 0) {
      continue;
    }
    PostState& p = ps_[s.fixed_post];
    if (p.held_fixed + 1 > p.p->count) {
      std::vector<std::string> holders;
      for (int32_t o : p.occupants) holders.push_back(ts_[o].t->id);
      return HardRuleError(
          {.teacher = s.t->id,
           .rule = "capacity",
           .is_override = s.fix == Fix::kOverride,
           .sentence = absl::StrCat("post ", PostLabel(s.fixed_post), " has ",
                                    p.p->count, " seat(s), already held by ",
                                    absl::StrJoin(holders, ", "),
                                    " (exempt or fixed)")});
    }
    ++p.held_fixed;
    p.occupants.push_back(t);
  }
  for (int32_t t = 0; t < static_cast<int32_t>(ts_.size()); ++t) {
    if (ts_[t].fix != Fix::kNone) {
      ts_[t].final_post = ts_[t].fixed_post;
      ts_[t].via = Via::kFixed;
    }
  }
  for (PostState& p : ps_) {
    p.free = std::max(0, p.p->count - p.held_fixed);
    if (p.held_fixed > p.p->count) {
      notes_.push_back(
          {absl::StrCat("post \"", Sv(p.p->id), "\" has ", p.p->count,
                        " seat(s) but ", p.held_fixed,
                        " exempt holders keep it (exempt teachers never move)"),
           absl::StrCat(
               "岗位“", Sv(p.p->id), "”职数 ", p.p->count, " 个，但有 ",
               p.held_fixed,
               " 名免于竞聘的教师保留该岗位（免于竞聘的教师不作调整）")});
    }
  }
  return absl::OkStatus();
}

void HiringRun::BuildLists() {
  // Own-school posts of each school, by band (highest first) then id.
  std::vector<std::vector<int32_t>> by_school(school_list_.size());
  for (int32_t p = 0; p < static_cast<int32_t>(ps_.size()); ++p) {
    by_school[ps_[p].school_index].push_back(p);
  }
  for (std::vector<int32_t>& posts : by_school) {
    std::stable_sort(posts.begin(), posts.end(), [&](int32_t a, int32_t b) {
      return ps_[a].p->title_band > ps_[b].p->title_band;
    });
  }
  for (int32_t t = 0; t < static_cast<int32_t>(ts_.size()); ++t) {
    TeacherState& s = ts_[t];
    bool listed_own = false;
    for (Entry& e : s.entries) {
      e.not_qualified = Fit(t, e.post, &e.fit, &e.not_qualified_zh);
      if (Own(t, e.post)) listed_own = true;
    }
    if (listed_own) continue;
    std::vector<int32_t> own;
    if (s.own_post >= 0) own.push_back(s.own_post);
    for (int32_t p : by_school[s.school_index]) {
      if (p != s.own_post) own.push_back(p);
    }
    // Only posts of her own band (and her own post): another band is
    // filled by the county allocation (the band rules).
    for (int32_t p : own) {
      Entry e;
      e.post = p;
      e.implicit = true;
      e.not_qualified = Fit(t, p, &e.fit, &e.not_qualified_zh);
      if (e.not_qualified.empty() && e.fit == BandFit::kOwn) {
        s.entries.push_back(std::move(e));
      }
    }
  }
}

absl::StatusOr<RoundOutcome> HiringRun::Run() {
  ROTA_RETURN_IF_ERROR(Index());
  ROTA_RETURN_IF_ERROR(PlaceFixed());
  BuildLists();
  const int32_t n = static_cast<int32_t>(ts_.size());
  std::vector<std::vector<int32_t>> prefs(n);
  // The competitions take only entries of her own band (and her own post):
  // down- and up-hiring happen in the county allocation, so that a teacher
  // is down-hired only when no seat of her band is left for her and an
  // up-hire takes only a seat nobody of its band needs.
  auto competes = [](const Entry& e) {
    return e.not_qualified.empty() && e.fit == BandFit::kOwn;
  };
  if (mode_ == StageMode::kSimultaneous) {
    for (int32_t t = 0; t < n; ++t) {
      if (ts_[t].fix != Fix::kNone) continue;
      for (const Entry& e : ts_[t].entries) {
        if (competes(e)) prefs[t].push_back(e.post);
      }
    }
    ROTA_RETURN_IF_ERROR(RunDa(prefs, /*tenure=*/true, Via::kSimultaneous));
  } else {
    // Stage 1 at a 编制 post is the school's established staff's: a 编外
    // teacher enters it for non-established seats only (编制 precedence).
    for (int32_t t = 0; t < n; ++t) {
      if (ts_[t].fix != Fix::kNone) continue;
      for (const Entry& e : ts_[t].entries) {
        if (competes(e) && Own(t, e.post) &&
            (ts_[t].established || !ps_[e.post].established)) {
          prefs[t].push_back(e.post);
        }
      }
    }
    ROTA_RETURN_IF_ERROR(RunDa(prefs, /*tenure=*/false, Via::kStage1));
    for (int32_t t = 0; t < n; ++t) {
      prefs[t].clear();
      if (ts_[t].fix != Fix::kNone || ts_[t].final_post >= 0) continue;
      for (const Entry& e : ts_[t].entries) {
        if (competes(e)) prefs[t].push_back(e.post);
      }
    }
    ROTA_RETURN_IF_ERROR(RunDa(prefs, /*tenure=*/false, Via::kStage2));
  }
  ROTA_RETURN_IF_ERROR(Allocate());
  return Assemble();
}

}  // namespace hiring_internal

absl::StatusOr<RoundOutcome> RunCompetitiveHiring(
    const CountyInputs& inputs, const RoundPolicy& policy,
    const RunParameters& parameters, const OutcomeOptions& options) {
  ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));
  ROTA_RETURN_IF_ERROR(
      ValidateCountyInputs(inputs, RoundKind::kCompetitiveHiring));
  const StageMode mode =
      parameters.stage_mode.value_or(policy.competitive_hiring.stage_mode);
  if (mode != StageMode::kSimultaneous && mode != StageMode::kSequential) {
    return absl::InvalidArgumentError(
        "parameters.stage_mode: must be simultaneous or sequential");
  }
  hiring_internal::HiringRun run(inputs, policy, mode, options);
  return run.Run();
}

}  // namespace rota::engine::rules
