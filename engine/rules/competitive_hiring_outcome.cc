// The competitive hiring outcome: explanations (per choice and the
// placement reason), eligibility entries, notes and the RoundOutcome.
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "engine/rules/internal/competitive_hiring_run.h"

namespace rota::engine::rules::hiring_internal {

std::pair<int32_t, bool> HiringRun::LowestAdmitted(int32_t post) const {
  // The lowest-priority teacher the competition admitted there. Every one
  // of them outranks whoever the post turned away: a post rejects a
  // proposal only when its seats hold that many teachers ranked above her,
  // and its holders only improve (deferred acceptance).
  const bool sequential = mode_ == StageMode::kSequential;
  int32_t lowest = -1;
  bool lowest_stage1 = false;
  for (int32_t o : ps_[post].admitted) {
    const bool stage1 = sequential && ts_[o].via == Via::kStage1;
    if (lowest < 0) {
      lowest = o;
      lowest_stage1 = stage1;
      continue;
    }
    // Sequential: a stage-2 admit is "lower" than any stage-1 hire.
    if (sequential && stage1 != lowest_stage1) {
      if (!stage1) {
        lowest = o;
        lowest_stage1 = false;
      }
      continue;
    }
    if (Outranks(lowest, o, post, !sequential)) {
      lowest = o;
      lowest_stage1 = stage1;
    }
  }
  return {lowest, lowest_stage1};
}

void HiringRun::Explain(int32_t t, TeacherExplanation* ex, Text* reason,
                        Reason* code) const {
  const TeacherState& s = ts_[t];
  const Pronouns pr = P(s.t);
  const char* zh = pr.zh;
  const bool sequential = mode_ == StageMode::kSequential;
  // Index of the entry she got through competition, if any.
  int32_t got = -1;
  // Index of the entry the competition gave her and the 编制 precedence rule
  // took from her, if any.
  int32_t lost = -1;
  for (int32_t i = 0; i < static_cast<int32_t>(s.entries.size()); ++i) {
    const Entry& e = s.entries[i];
    if (!e.not_qualified.empty() || e.fit != BandFit::kOwn) continue;
    if (got < 0 && e.post == s.final_post &&
        (s.via == Via::kSimultaneous || s.via == Via::kStage1 ||
         s.via == Via::kStage2)) {
      got = i;
    }
    if (lost < 0 && e.post == s.lost_post) lost = i;
  }
  ROTA_CHECK(got >= 0 || (s.via != Via::kSimultaneous &&
                          s.via != Via::kStage1 && s.via != Via::kStage2));
  ROTA_CHECK(lost >= 0 || s.lost_post < 0);
  const Text lost_text =
      s.lost_post < 0
          ? Text{}
          : Text{absl::StrCat("编制 precedence: ", pr.he, " won 编制 post ",
                              PostLabel(s.lost_post),
                              " in the competition but lost it in the county "
                              "allocation to established teacher ",
                              Sv(ts_[s.lost_to].t->id),
                              ", who qualifies for it and would otherwise have "
                              "no post (编外 staff never keep a 编制 post an "
                              "unplaced established teacher qualifies for)"),
                 absl::StrCat("编内人员优先：", zh, "在竞聘中获得编制岗位 ",
                              PostLabelZh(s.lost_post),
                              "，但在县内调剂中让给编内教师 ",
                              Sv(ts_[s.lost_to].t->id),
                              "（对方符合岗位条件，否则将无岗位；编外人员不"
                              "占用未安排的编内教师可任的编制岗位）")};
  // The verdicts on her choices are only wanted with explanations; the
  // placement reason below always is (it is part of the result).
  for (int32_t i = 0;
       explanations_ && i < static_cast<int32_t>(s.entries.size()); ++i) {
    const Entry& e = s.entries[i];
    const PostState& p = ps_[e.post];
    ChoiceExplanation c;
    c.choice = p.p->id;
    c.rank = i + 1;
    c.teacher_points = s.points.total;
    c.admitted = static_cast<int32_t>(p.occupants.size());
    const std::string label =
        absl::StrCat(e.implicit ? "implicit choice (own school) " : "choice ",
                     i + 1, " ", PostLabel(e.post));
    const std::string label_zh =
        absl::StrCat(e.implicit ? "本校岗位（未填报，默认参加）"
                                : absl::StrCat("第 ", i + 1, " 志愿"),
                     " ", PostLabelZh(e.post));
    // The sentence after the label, in both languages.
    auto say = [&](std::string en, std::string zh_text) {
      c.sentence = absl::StrCat(label, ": ", en);
      c.sentence_zh = absl::StrCat(label_zh, "：", zh_text);
    };
    if (s.fix == Fix::kExempt) {
      c.verdict = s.final_post == e.post ? Verdict::kGot : Verdict::kExempt;
      say(absl::StrCat(pr.he, " is exempt (", Sv(s.exemption), ") and keeps ",
                       pr.his, " post"),
          absl::StrCat(zh, "免于竞聘（", Sv(s.exemption_zh), "），保留原岗位"));
    } else if (s.fix != Fix::kNone) {
      c.verdict = s.final_post == e.post ? Verdict::kGot : Verdict::kNotReached;
      say(absl::StrCat(pr.his, " placement is fixed by ",
                       s.fix == Fix::kLock ? "a lock" : "an override", " (",
                       Sv(s.fix_reason), ")"),
          absl::StrCat(zh, "的去向已由",
                       s.fix == Fix::kLock ? "人工锁定" : "人工调整", "确定（",
                       Sv(s.fix_reason), "）"));
    } else if (!e.not_qualified.empty()) {
      c.verdict = Verdict::kNotQualified;
      say(absl::StrCat("not qualified: ", e.not_qualified),
          absl::StrCat("不符合岗位条件：", e.not_qualified_zh));
    } else if (i == got) {
      c.verdict = Verdict::kGot;
      say("hired", "竞聘成功");
    } else if (e.post == s.final_post) {
      c.verdict = Verdict::kGot;
      const bool down = Down(t, e.post), up = Up(t, e.post);
      say(absl::StrCat(
              "hired in the county allocation",
              down ? absl::StrCat(" (低聘: no seat of ", pr.his,
                                  " own band was left for ", pr.him, ")")
              : up ? " (低职高聘: no teacher of that band needed it)"
                   : ""),
          absl::StrCat(
              "经县内调剂聘用",
              down ? absl::StrCat("（低聘：本职称等级已无岗位可安排", zh, "）")
              : up ? "（低职高聘：该等级没有需要此岗位的教师）"
                   : ""));
    } else if (i == lost) {
      const TeacherState& o = ts_[s.lost_to];
      c.verdict = Verdict::kFull;
      c.competitor = o.t->id;
      c.competitor_points = o.points.total;
      say(absl::StrCat("full: ", lost_text.en),
          absl::StrCat("已满：", lost_text.zh));
    } else if (e.fit == BandFit::kDown) {
      c.verdict = Verdict::kNotReached;
      say(absl::StrCat(
              "a lower title band (低聘): a post below ", pr.his,
              " title band is filled only in the county allocation, once no "
              "seat of ",
              pr.his, " own band that ", pr.he, " qualifies for is left"),
          absl::StrCat("低于", zh, "职称等级的岗位（低聘）：只在县内调剂中、",
                       zh, "本等级可任岗位全部满员后才安排"));
    } else if (e.fit == BandFit::kUp) {
      c.verdict = Verdict::kNotReached;
      say("a higher title band (低职高聘): up-hiring fills only seats "
          "left after every other teacher was placed or found no seat, in the "
          "county allocation",
          "高于职称等级的岗位（低职高聘）：只在县内调剂中、其他教师均已安排或"
          "确无岗位后，才用剩余岗位低职高聘");
    } else if (lost >= 0 && i > lost) {
      c.verdict = Verdict::kNotReached;
      say(absl::StrCat("not reached: the competition placed ", pr.him, " at ",
                       pr.his, " choice ", lost + 1, ", which ", pr.he,
                       " ranks higher (then ", lost_text.en, ")"),
          absl::StrCat("未轮到：竞聘已将", zh, "安排在排序更靠前的第 ",
                       lost + 1, " 志愿（随后", lost_text.zh, "）"));
    } else if (s.via == Via::kStage1 && i < got && !Own(t, e.post)) {
      c.verdict = Verdict::kNotReached;
      say(absl::StrCat("sequential stages: ", pr.he, " was hired at ", pr.his,
                       " own school in stage 1, so ", pr.he,
                       " could not compete for it in stage 2"),
          absl::StrCat("分阶段竞聘：", zh,
                       "已在第一阶段（校内竞聘）被本校聘用，",
                       "不能再参加第二阶段跨校竞聘"));
    } else if (got >= 0 && i > got) {
      c.verdict = Verdict::kBetterChoiceHeld;
      say(absl::StrCat(pr.he, " was hired at choice ", got + 1, ", which ",
                       pr.he, " ranks higher"),
          absl::StrCat(zh, "已被排序更靠前的第 ", got + 1, " 志愿聘用"));
    } else {
      c.verdict = Verdict::kFull;
      const auto [lowest, lowest_stage1] = lowest_admitted_[e.post];
      if (lowest < 0) {
        if (p.p->count == 0) {
          say("the post has no seats (count 0)", "该岗位职数为 0");
        } else {
          say(absl::StrCat("full: its ", p.p->count,
                           " seat(s) are held by exempt teachers or "
                           "locked/overridden placements"),
              absl::StrCat("已满：", p.p->count,
                           " 个岗位已由免于竞聘的教师或人工锁定、调整的人员"
                           "占用"));
        }
      } else {
        const TeacherState& o = ts_[lowest];
        c.competitor = o.t->id;
        c.competitor_points = o.points.total;
        Text how;
        if (p.established && o.established && !s.established) {
          how = {
              "is established staff: at a 编制 post established teachers "
              "rank above 编外 staff (编制 precedence)",
              "是编内人员：编制岗位上编内人员排在编外人员之前（编内优先）"};
        } else if (sequential && lowest_stage1 && !Own(t, e.post)) {
          c.competitor_by_tenure = true;
          how = {
              "was hired there in stage 1 (in-school competition), before "
              "outsiders could apply",
              "已在第一阶段（校内竞聘）被该校聘用，外校教师尚不能报名"};
        } else if (!sequential && Own(lowest, e.post) && !Own(t, e.post)) {
          c.competitor_by_tenure = true;
          how = {"teaches at that school (in-school precedence)",
                 "是该校教师（本校教师优先）"};
        } else if (o.points.total != s.points.total) {
          how = {absl::StrFormat("has more points (%.2f vs %s %.2f)",
                                 o.points.total / 100.0, pr.his,
                                 s.points.total / 100.0),
                 absl::StrCat("积分更高（", PointsText(o.points.total), " 对",
                              zh, "的 ", PointsText(s.points.total), "）")};
        } else if (o.tie != s.tie) {
          how = {absl::StrCat("has equal points and ranks above ", pr.him,
                              " on the tie chain"),
                 absl::StrCat("积分相同，按同分排序规则排在", zh, "之前")};
        } else {
          how = {
              "has equal points and tie chain values and a better lottery "
              "draw",
              "积分和同分排序条件均相同，抽签在前"};
        }
        say(absl::StrCat("full: ", p.occupants.size(), " of ", p.p->count,
                         " seat(s) taken; ", Sv(o.t->id),
                         ", the lowest-ranked holder, ", how.en),
            absl::StrCat("已满：", p.p->count, " 个岗位已聘 ",
                         p.occupants.size(), " 人；排序最后的受聘者 ",
                         Sv(o.t->id), " ", how.zh));
      }
    }
    ex->choices.push_back(std::move(c));
  }

  // Placement reason and notes.
  const std::string home = absl::StrCat(pr.his, " school ", Sv(s.t->school));
  if (s.fix == Fix::kExempt) {
    *code = Reason::kExempt;
    *reason = {absl::StrCat("exempt (", Sv(s.exemption), "): keeps ", pr.his,
                            " post and takes no part"),
               absl::StrCat("免于竞聘（", Sv(s.exemption_zh), "）：", zh,
                            "保留原岗位，不参加竞聘")};
    return;
  }
  if (s.fix != Fix::kNone) {
    *code = Reason::kPinned;
    *reason = {
        absl::StrCat(
            "placement fixed by ",
            s.fix == Fix::kLock ? "a lock" : "an override", ": ",
            Sv(s.fix_reason),
            s.final_post < 0
                ? " (no post: 待岗)"
                : absl::StrCat(" (post ", PostLabel(s.final_post), ")")),
        absl::StrCat(
            "去向已由", s.fix == Fix::kLock ? "人工锁定" : "人工调整", "确定：",
            Sv(s.fix_reason),
            s.final_post < 0
                ? "（无岗位：待岗）"
                : absl::StrCat("（岗位 ", PostLabelZh(s.final_post), "）"))};
    return;
  }
  if (s.final_post >= 0) {
    const std::string& where = PostLabel(s.final_post);
    const std::string& where_zh = PostLabelZh(s.final_post);
    const bool down = Down(t, s.final_post) && s.final_post != s.own_post;
    const bool up = Up(t, s.final_post) && s.final_post != s.own_post;
    const Title post_band = ps_[s.final_post].p->title_band;
    const Title own_band = HiringBand(s.t->title);
    const std::string bands =
        absl::StrCat(Sv(TitleName(post_band)), " post, ", pr.his, " title ",
                     Sv(TitleName(own_band)));
    const std::string bands_zh =
        absl::StrCat(Sv(internal::TitleZh(post_band)), "岗位，", zh, "的职称为",
                     Sv(internal::TitleZh(own_band)));
    Text down_text;
    if (down) {
      down_text = {
          absl::StrCat(" in a lower title band (低聘: ", bands, "; no seat of ",
                       pr.his, " own band that ", pr.he,
                       " qualifies for was left in the county)"),
          absl::StrCat("（低聘：", bands_zh, "；全县已无", zh,
                       "本等级可任的空岗）")};
    } else if (up) {
      const bool excellent = hp_.up_hiring_requires_latest_excellent;
      const int32_t competent = hp_.up_hiring_competent_years;
      down_text = {
          absl::StrCat(
              " in a higher title band (低职高聘: ", bands, "; no seat of ",
              pr.his, " band or below was left for ", pr.him,
              ", no teacher of the post's band who qualifies for it was left "
              "without a post, and ",
              pr.he, " meets the up-hiring conditions",
              excellent ? ": latest evaluation excellent" : "",
              competent > 0
                  ? absl::StrCat(excellent ? ", " : ": ",
                                 "at least competent in each of the last ",
                                 competent, " year(s)")
                  : "",
              ")"),
          absl::StrCat(
              "（低职高聘：", bands_zh, "；本等级及以下已无岗位可安排", zh,
              "，该岗位等级也没有符合条件而无岗位的教师，且", zh,
              "符合低职高聘条件", excellent ? "：最近一次考核优秀" : "",
              competent > 0 ? absl::StrCat(excellent ? "，" : "：", "近 ",
                                           competent, " 年考核均为合格及以上")
                            : "",
              "）")};
    }
    *code = s.via == Via::kAllocation
                ? (s.lost_post >= 0 ? Reason::kLostToEstablished
                                    : Reason::kAllocated)
                : Reason::kHiredInCompetition;
    const bool keeps = s.final_post == s.own_post;
    const Text hired{
        keeps ? absl::StrCat("keeps ", pr.his, " post ")
              : std::string("hired at post "),
        keeps ? std::string("保留原岗位 ") : std::string("聘用到岗位 ")};
    const Text which =
        got < 0 ? Text{}
        : s.entries[got].implicit
            ? Text{"an implicit own-school choice", "本校岗位（默认参加）"}
            : Text{absl::StrCat(pr.his, " choice ", got + 1),
                   absl::StrCat("第 ", got + 1, " 志愿")};
    switch (s.via) {
      case Via::kSimultaneous:
        *reason = {absl::StrCat(hired.en, where, down_text.en, ", ", which.en,
                                ", in the simultaneous competition (DA*)"),
                   absl::StrCat(hired.zh, where_zh, down_text.zh, "，",
                                which.zh, "，校内校外同时竞聘")};
        break;
      case Via::kStage1:
        *reason = {absl::StrCat(hired.en, where, down_text.en,
                                " in stage 1 (in-school competition by "
                                "points)"),
                   absl::StrCat(hired.zh, where_zh, down_text.zh,
                                "，第一阶段校内竞聘（按积分）")};
        break;
      case Via::kStage2:
        *reason = {absl::StrCat(hired.en, where, down_text.en, ", ", which.en,
                                ", in stage 2 (cross-school competition)"),
                   absl::StrCat(hired.zh, where_zh, down_text.zh, "，",
                                which.zh, "，第二阶段跨校竞聘")};
        break;
      default: {
        const int64_t metres =
            SchoolDistanceMetres(*s.school, *ps_[s.final_post].school);
        *reason = {
            absl::StrFormat(
                "county allocation (调剂): %s; placed at post %s%s, %.1f km "
                "from %s (cost %d)",
                s.lost_post >= 0 ? lost_text.en
                                 : absl::StrCat("none of ", pr.his,
                                                " choices could take ", pr.him),
                where, down_text.en, metres / 1000.0, home, s.allocation_cost),
            absl::StrFormat(
                "县内调剂：%s；安排到岗位 %s%s，距%s所在学校 %s %.1f 公里"
                "（调剂代价 %d）",
                s.lost_post >= 0 ? lost_text.zh
                                 : absl::StrCat(zh, "的志愿均未被录取"),
                where_zh, down_text.zh, zh, Sv(s.t->school), metres / 1000.0,
                s.allocation_cost)};
        break;
      }
    }
    if (s.lost_post >= 0) AddNote(ex, lost_text);
    return;
  }
  // 待岗: why no post in the county could take her.
  // The five lowest post indexes (= ids) of all she qualifies for.
  std::vector<int32_t> first;
  int32_t qualified = 0;
  ForEachCandidate(t, [&](int32_t p) {
    ++qualified;
    ROTA_CHECK(final_free_[p] == 0);  // county allocation would have used it
    if (first.size() < 5 || p < first.back()) {
      first.insert(std::upper_bound(first.begin(), first.end(), p), p);
      if (first.size() > 5) first.pop_back();
    }
  });
  std::vector<std::string> full, full_zh;
  for (int32_t p : first) {
    full.push_back(absl::StrCat("\"", Sv(ps_[p].p->id), "\""));
    full_zh.push_back(absl::StrCat("“", Sv(ps_[p].p->id), "”"));
  }
  if (qualified == 0) {
    *code = Reason::kNoFittingPost;
    const Title own_band = HiringBand(s.t->title);
    *reason = {
        absl::StrCat(
            "待岗 (unplaced): no post in the county fits ", pr.him,
            " (subjects ", absl::StrJoin(s.t->subjects, ", "), ", title ",
            Sv(TitleName(own_band)),
            hp_.allow_down_hiring ? absl::StrCat(", down-hiring at most ",
                                                 hp_.max_bands_down, " band(s)")
                                  : ", no down-hiring",
            !hp_.allow_up_hiring ? ""
            : s.up_ok ? absl::StrCat(", up-hiring at most ", hp_.max_bands_up,
                                     " band(s)")
                      : absl::StrCat(", no up-hiring: ", Sv(s.up_problem)),
            "); training, then reassignment"),
        absl::StrCat(
            "待岗：全县没有适合", zh, "的岗位（任教学科 ",
            absl::StrJoin(s.t->subjects, "、"), "，职称",
            Sv(internal::TitleZh(own_band)),
            hp_.allow_down_hiring
                ? absl::StrCat("，最多可低聘 ", hp_.max_bands_down, " 个等级")
                : "，不允许低聘",
            !hp_.allow_up_hiring ? ""
            : s.up_ok
                ? absl::StrCat("，最多可低职高聘 ", hp_.max_bands_up, " 个等级")
                : absl::StrCat("，不能低职高聘：", Sv(s.up_problem_zh)),
            "）；先参加培训，再另行安排")};
  } else {
    *code =
        s.lost_post >= 0 ? Reason::kLostThenAllFull : Reason::kAllQualifiedFull;
    const std::string more = qualified > 5 ? ", ..." : "";
    *reason = {
        absl::StrCat(
            "待岗 (unplaced): ",
            s.lost_post >= 0
                ? absl::StrCat(lost_text.en, "; then ")
                : absl::StrCat("none of ", pr.his, " choices could take ",
                               pr.him, " and "),
            "all ", qualified, " post(s) ", pr.he, " qualifies for are full (",
            absl::StrJoin(full, ", "), more, "); training, then reassignment"),
        absl::StrCat("待岗：",
                     s.lost_post >= 0
                         ? absl::StrCat(lost_text.zh, "；随后")
                         : absl::StrCat(zh, "的志愿均未被录取，且"),
                     zh, "符合条件的 ", qualified, " 个岗位均已满员（",
                     absl::StrJoin(full_zh, "、"), qualified > 5 ? "等" : "",
                     "）；先参加培训，再另行安排")};
  }
  AddNote(ex, *reason);
}

RoundOutcome HiringRun::Assemble() {
  RoundOutcome out;
  out.kind = RoundKind::kCompetitiveHiring;
  out.seed = in_.seed;
  out.mechanism_code = static_cast<uint8_t>(mode_);
  out.mechanism = mode_ == StageMode::kSequential
                      ? "sequential (in-school, cross-school, min-cost)"
                      : "simultaneous da-star, min-cost";
  int64_t down_hired = 0, up_hired = 0, unplaced = 0, home_first = 0;
  int64_t lost_posts = 0;
  out.placements.reserve(ts_.size());
  out.explanations.reserve(ts_.size());
  out.eligibility.reserve(ts_.size());
  lowest_admitted_.resize(ps_.size());
  final_free_.resize(ps_.size());
  for (size_t p = 0; p < ps_.size(); ++p) final_free_[p] = ps_[p].free;
  for (int32_t p = 0; p < static_cast<int32_t>(ps_.size()); ++p) {
    lowest_admitted_[p] = LowestAdmitted(p);
  }
  for (int32_t t = 0; t < static_cast<int32_t>(ts_.size()); ++t) {
    const TeacherState& s = ts_[t];
    Placement pl;
    pl.teacher = s.t->id;
    pl.from_school = s.t->school;
    pl.from_post = s.t->post;
    pl.points = s.points.total;
    if (s.final_post >= 0) {
      pl.to_school = ps_[s.final_post].p->school;
      pl.to_post = ps_[s.final_post].p->id;
    } else {
      pl.to_school = s.t->school;  // stays on her school's books, no post
    }
    if (s.fix == Fix::kExempt) {
      pl.outcome = Outcome::kExempt;
    } else if (s.final_post < 0) {
      pl.outcome = Outcome::kUnplaced;
      ++unplaced;
    } else if (s.final_post == s.own_post) {
      pl.outcome = Outcome::kStayed;
    } else if (Down(t, s.final_post)) {
      pl.outcome = Outcome::kDownHired;
      ++down_hired;
    } else if (Up(t, s.final_post)) {
      pl.outcome = Outcome::kUpHired;
      ++up_hired;
    } else {
      pl.outcome = Outcome::kMoved;
    }
    switch (s.via) {
      case Via::kSimultaneous:
        pl.route = Route::kCompetition;
        break;
      case Via::kStage1:
        pl.route = Route::kInSchoolStage1;
        break;
      case Via::kStage2:
        pl.route = Route::kCrossSchoolStage2;
        break;
      case Via::kAllocation:
        pl.route = Route::kCountyAllocation;
        break;
      case Via::kFixed:
        pl.route = s.fix == Fix::kExempt ? Route::kExempt
                   : s.fix == Fix::kLock ? Route::kLock
                                         : Route::kOverride;
        break;
      case Via::kNone:
        pl.route = Route::kUnplaced;
        break;
    }
    pl.via = std::string(RouteSentence(pl.route));
    if (s.fix == Fix::kLock) {
      pl.locked = true;
      pl.override_reason = s.fix_reason;
    } else if (s.fix == Fix::kOverride) {
      pl.overridden = true;
      pl.override_reason = s.fix_reason;
    }
    if (s.final_post >= 0) {
      for (int32_t i = 0; i < static_cast<int32_t>(s.entries.size()); ++i) {
        if (s.entries[i].post == s.final_post) {
          if (!s.entries[i].implicit) pl.choice = i + 1;
          break;
        }
      }
    }
    if (s.lost_post >= 0) ++lost_posts;
    if (s.via == Via::kStage1 && !s.entries.empty() &&
        !s.entries.front().implicit && !Own(t, s.entries.front().post)) {
      ++home_first;
    }
    TeacherExplanation ex;
    ex.teacher = s.t->id;
    ex.points_breakdown = s.points.components;
    Text why;
    Explain(t, &ex, &why, &pl.reason_code);
    pl.reason = std::move(why.en);
    pl.reason_zh = std::move(why.zh);
    out.placements.push_back(std::move(pl));
    if (explanations_) out.explanations.push_back(std::move(ex));

    EligibilityEntry el;
    el.teacher = s.t->id;
    el.school = s.t->school;
    el.exempt = !s.exemption.empty();
    el.eligible = !el.exempt;
    el.voluntary = s.applied;
    el.points = s.points.total;
    el.reason_code = el.exempt   ? Reason::kExempt
                     : s.applied ? Reason::kCompetesWithApplication
                                 : Reason::kCompetesForOwnSchool;
    el.reason =
        el.exempt
            ? absl::StrCat("exempt (", Sv(s.exemption), "): keeps ", P(s.t).his,
                           " post")
            : absl::StrCat(
                  s.applied
                      ? absl::StrCat("competes with ", P(s.t).his,
                                     " application")
                      : absl::StrCat("competes for ", P(s.t).his,
                                     " own school's posts (no application)"),
                  s.established ? ""
                                : "; 编外 (non-established): at 编制 posts "
                                  "after established staff");
    el.reason_zh =
        el.exempt
            ? absl::StrCat("免于竞聘（", Sv(s.exemption_zh), "）：保留原岗位")
            : absl::StrCat(s.applied ? "按所填志愿参加竞聘"
                                     : "未填报志愿，参加本校岗位竞聘",
                           s.established
                               ? ""
                               : "；编外人员：编制岗位上排在编内人员之后");
    out.eligibility.push_back(std::move(el));
  }
  int64_t vacant = 0, vacant_posts = 0;
  for (const PostState& p : ps_) {
    if (p.free > 0) {
      vacant += p.free;
      ++vacant_posts;
    }
  }
  if (mode_ == StageMode::kSequential) {
    AddNote(
        &out,
        {absl::StrCat(
             "sequential stages (the three-stage practice) were used: stage 1 "
             "in-school competition by points, stage 2 cross-school "
             "competition by "
             "preference lists, stage 3 county allocation (min-cost). This is "
             "weaker than the default simultaneous DA* (Dur and Kesten 2019): "
             "a "
             "teacher hired at home in stage 1 cannot take a post ",
             legacy_pronouns_ ? "she prefers" : "they prefer",
             " elsewhere, so seats can stay empty while others are 待岗, and "
             "whether to compete at home is a strategic choice. In this run ",
             home_first,
             " teacher(s) were hired at home in stage 1 although they listed a "
             "post at another school first"),
         absl::StrCat("本轮采用分阶段竞聘（三段式做法）：第一阶段按积分校内"
                      "竞聘，第二阶段按志愿跨校竞聘，第三阶段县内调剂（按"
                      "路程和学科匹配统筹）。这种做法不如默认的校内校外同时"
                      "竞聘：第一阶段被本校聘用的教师不能再竞聘外校更想去的"
                      "岗位，可能出现有空岗而有人待岗的情况，是否参加本校"
                      "竞聘也成了需要权衡的选择。本轮有 ",
                      home_first,
                      " 名教师第一志愿填报外校岗位，却在第一阶段被本校"
                      "聘用")});
  } else {
    AddNote(
        &out,
        {absl::StrCat(
             "simultaneous: in-school and cross-school competition as one DA* "
             "(at ",
             legacy_pronouns_ ? "her" : "their",
             " own school's posts a teacher ranks above outsiders; then "
             "points, tie chain, lottery), then county allocation (min-cost: "
             "distance, subject fit) for the rest"),
         "校内校外同时竞聘：校内竞聘与跨校竞聘一并进行（本校岗位上本校"
         "教师优先，其次按积分、同分排序规则、抽签），未聘人员再由县内"
         "调剂（按路程和学科匹配统筹）"});
  }
  AddNote(
      &out,
      {absl::StrCat(
           vacant, " seat(s) in ", vacant_posts, " post(s) left vacant; ",
           unplaced, " teacher(s) 待岗; ", down_hired, " down-hired (低聘); ",
           up_hired, " up-hired (低职高聘); ", lost_posts,
           " 编外 teacher(s) gave up a 编制 post to established staff (编制 "
           "precedence)"),
       absl::StrCat(vacant_posts, " 个岗位共空缺 ", vacant, " 个；待岗 ",
                    unplaced, " 人；低聘 ", down_hired, " 人；低职高聘 ",
                    up_hired, " 人；", lost_posts,
                    " 名编外教师按编内优先让出编制岗位")});
  for (Text& n : notes_) AddNote(&out, std::move(n));
  FinishOutcome(in_, &out);
  return out;
}

}  // namespace rota::engine::rules::hiring_internal
