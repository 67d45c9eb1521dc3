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

void HiringRun::Explain(int32_t t, TeacherExplanation* ex, std::string* reason,
                        Reason* code) const {
  const TeacherState& s = ts_[t];
  const Pronouns pr = P(s.t);
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
  const std::string lost_text =
      s.lost_post < 0
          ? ""
          : absl::StrCat("编制 precedence: ", pr.he, " won 编制 post ",
                         PostLabel(s.lost_post),
                         " in the competition but lost it in the county "
                         "allocation to established teacher ",
                         Sv(ts_[s.lost_to].t->id),
                         ", who qualifies for it and would otherwise have no "
                         "post (编外 staff never keep a 编制 post an unplaced "
                         "established teacher qualifies for)");
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
    if (s.fix == Fix::kExempt) {
      c.verdict = s.final_post == e.post ? Verdict::kGot : Verdict::kExempt;
      c.sentence =
          absl::StrCat(label, ": ", pr.he, " is exempt (", Sv(s.exemption),
                       ") and keeps ", pr.his, " post");
    } else if (s.fix != Fix::kNone) {
      c.verdict = s.final_post == e.post ? Verdict::kGot : Verdict::kNotReached;
      c.sentence = absl::StrCat(label, ": ", pr.his, " placement is fixed by ",
                                s.fix == Fix::kLock ? "a lock" : "an override",
                                " (", Sv(s.fix_reason), ")");
    } else if (!e.not_qualified.empty()) {
      c.verdict = Verdict::kNotQualified;
      c.sentence = absl::StrCat(label, ": not qualified: ", e.not_qualified);
    } else if (i == got) {
      c.verdict = Verdict::kGot;
      c.sentence = absl::StrCat(label, ": hired");
    } else if (e.post == s.final_post) {
      c.verdict = Verdict::kGot;
      c.sentence = absl::StrCat(
          label, ": hired in the county allocation",
          Down(t, e.post) ? absl::StrCat(" (低聘: no seat of ", pr.his,
                                         " own band was left for ", pr.him, ")")
          : Up(t, e.post) ? " (低职高聘: no teacher of that band needed it)"
                          : "");
    } else if (i == lost) {
      const TeacherState& o = ts_[s.lost_to];
      c.verdict = Verdict::kFull;
      c.competitor = o.t->id;
      c.competitor_points = o.points.total;
      c.sentence = absl::StrCat(label, ": full: ", lost_text);
    } else if (e.fit == BandFit::kDown) {
      c.verdict = Verdict::kNotReached;
      c.sentence = absl::StrCat(
          label, ": a lower title band (低聘): a post below ", pr.his,
          " title band is filled only in the county allocation, once no seat "
          "of ",
          pr.his, " own band that ", pr.he, " qualifies for is left");
    } else if (e.fit == BandFit::kUp) {
      c.verdict = Verdict::kNotReached;
      c.sentence = absl::StrCat(
          label,
          ": a higher title band (低职高聘): up-hiring fills only seats "
          "left after every other teacher was placed or found no seat, in the "
          "county allocation");
    } else if (lost >= 0 && i > lost) {
      c.verdict = Verdict::kNotReached;
      c.sentence =
          absl::StrCat(label, ": not reached: the competition placed ", pr.him,
                       " at ", pr.his, " choice ", lost + 1, ", which ", pr.he,
                       " ranks higher (then ", lost_text, ")");
    } else if (s.via == Via::kStage1 && i < got && !Own(t, e.post)) {
      c.verdict = Verdict::kNotReached;
      c.sentence =
          absl::StrCat(label, ": sequential stages: ", pr.he, " was hired at ",
                       pr.his, " own school in stage 1, so ", pr.he,
                       " could not compete for it in stage 2");
    } else if (got >= 0 && i > got) {
      c.verdict = Verdict::kBetterChoiceHeld;
      c.sentence = absl::StrCat(label, ": ", pr.he, " was hired at choice ",
                                got + 1, ", which ", pr.he, " ranks higher");
    } else {
      c.verdict = Verdict::kFull;
      const auto [lowest, lowest_stage1] = lowest_admitted_[e.post];
      if (lowest < 0) {
        c.sentence =
            p.p->count == 0
                ? absl::StrCat(label, ": the post has no seats (count 0)")
                : absl::StrCat(label, ": full: its ", p.p->count,
                               " seat(s) are held by exempt teachers or "
                               "locked/overridden placements");
      } else {
        const TeacherState& o = ts_[lowest];
        c.competitor = o.t->id;
        c.competitor_points = o.points.total;
        std::string how;
        if (p.established && o.established && !s.established) {
          how =
              "is established staff: at a 编制 post established teachers "
              "rank above 编外 staff (编制 precedence)";
        } else if (sequential && lowest_stage1 && !Own(t, e.post)) {
          c.competitor_by_tenure = true;
          how =
              "was hired there in stage 1 (in-school competition), before "
              "outsiders could apply";
        } else if (!sequential && Own(lowest, e.post) && !Own(t, e.post)) {
          c.competitor_by_tenure = true;
          how = "teaches at that school (in-school precedence)";
        } else if (o.points.total != s.points.total) {
          how = absl::StrFormat("has more points (%.2f vs %s %.2f)",
                                o.points.total / 100.0, pr.his,
                                s.points.total / 100.0);
        } else if (o.tie != s.tie) {
          how = absl::StrCat("has equal points and ranks above ", pr.him,
                             " on the tie chain");
        } else {
          how =
              "has equal points and tie chain values and a better lottery "
              "draw";
        }
        c.sentence = absl::StrCat(label, ": full: ", p.occupants.size(), " of ",
                                  p.p->count, " seat(s) taken; ", Sv(o.t->id),
                                  ", the lowest-ranked holder, ", how);
      }
    }
    ex->choices.push_back(std::move(c));
  }

  // Placement reason and notes.
  const std::string home = absl::StrCat(pr.his, " school ", Sv(s.t->school));
  if (s.fix == Fix::kExempt) {
    *code = Reason::kExempt;
    *reason = absl::StrCat("exempt (", Sv(s.exemption), "): keeps ", pr.his,
                           " post and takes no part");
    return;
  }
  if (s.fix != Fix::kNone) {
    *code = Reason::kPinned;
    *reason = absl::StrCat(
        "placement fixed by ", s.fix == Fix::kLock ? "a lock" : "an override",
        ": ", Sv(s.fix_reason),
        s.final_post < 0
            ? " (no post: 待岗)"
            : absl::StrCat(" (post ", PostLabel(s.final_post), ")"));
    return;
  }
  if (s.final_post >= 0) {
    const std::string& where = PostLabel(s.final_post);
    const bool down = Down(t, s.final_post) && s.final_post != s.own_post;
    const bool up = Up(t, s.final_post) && s.final_post != s.own_post;
    const std::string bands =
        absl::StrCat(Sv(TitleName(ps_[s.final_post].p->title_band)), " post, ",
                     pr.his, " title ", Sv(TitleName(HiringBand(s.t->title))));
    std::string down_text;
    if (down) {
      down_text = absl::StrCat(" in a lower title band (低聘: ", bands,
                               "; no seat of ", pr.his, " own band that ",
                               pr.he, " qualifies for was left in the county)");
    } else if (up) {
      down_text = absl::StrCat(
          " in a higher title band (低职高聘: ", bands, "; no seat of ", pr.his,
          " band or below was left for ", pr.him,
          ", no teacher of the post's band who qualifies for it was left "
          "without a post, and ",
          pr.he, " meets the up-hiring conditions",
          hp_.up_hiring_requires_latest_excellent
              ? ": latest evaluation excellent"
              : "",
          hp_.up_hiring_competent_years > 0
              ? absl::StrCat(
                    hp_.up_hiring_requires_latest_excellent ? ", " : ": ",
                    "at least competent in each of the last ",
                    hp_.up_hiring_competent_years, " year(s)")
              : "",
          ")");
    }
    *code = s.via == Via::kAllocation
                ? (s.lost_post >= 0 ? Reason::kLostToEstablished
                                    : Reason::kAllocated)
                : Reason::kHiredInCompetition;
    switch (s.via) {
      case Via::kSimultaneous:
        *reason = absl::StrCat(s.final_post == s.own_post
                                   ? absl::StrCat("keeps ", pr.his, " post ")
                                   : std::string("hired at post "),
                               where, down_text, ", ",
                               s.entries[got].implicit
                                   ? "an implicit own-school choice"
                                   : absl::StrCat(pr.his, " choice ", got + 1),
                               ", in the simultaneous competition (DA*)");
        break;
      case Via::kStage1:
        *reason = absl::StrCat(s.final_post == s.own_post
                                   ? absl::StrCat("keeps ", pr.his, " post ")
                                   : std::string("hired at post "),
                               where, down_text,
                               " in stage 1 (in-school competition by points)");
        break;
      case Via::kStage2:
        *reason = absl::StrCat(s.final_post == s.own_post
                                   ? absl::StrCat("keeps ", pr.his, " post ")
                                   : std::string("hired at post "),
                               where, down_text, ", ",
                               s.entries[got].implicit
                                   ? "an implicit own-school choice"
                                   : absl::StrCat(pr.his, " choice ", got + 1),
                               ", in stage 2 (cross-school competition)");
        break;
      default: {
        const int64_t metres =
            SchoolDistanceMetres(*s.school, *ps_[s.final_post].school);
        *reason = absl::StrFormat(
            "county allocation (调剂): %s; placed at post %s%s, %.1f km from "
            "%s (cost %d)",
            s.lost_post >= 0 ? lost_text
                             : absl::StrCat("none of ", pr.his,
                                            " choices could take ", pr.him),
            where, down_text, metres / 1000.0, home, s.allocation_cost);
        break;
      }
    }
    if (s.lost_post >= 0) ex->notes.push_back(lost_text);
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
  std::vector<std::string> full;
  for (int32_t p : first) {
    full.push_back(absl::StrCat("\"", Sv(ps_[p].p->id), "\""));
  }
  if (qualified == 0) {
    *code = Reason::kNoFittingPost;
    *reason = absl::StrCat(
        "待岗 (unplaced): no post in the county fits ", pr.him, " (subjects ",
        absl::StrJoin(s.t->subjects, ", "), ", title ",
        Sv(TitleName(HiringBand(s.t->title))),
        hp_.allow_down_hiring ? absl::StrCat(", down-hiring at most ",
                                             hp_.max_bands_down, " band(s)")
                              : ", no down-hiring",
        !hp_.allow_up_hiring ? ""
        : s.up_ok
            ? absl::StrCat(", up-hiring at most ", hp_.max_bands_up, " band(s)")
            : absl::StrCat(", no up-hiring: ", Sv(s.up_problem)),
        "); training, then reassignment");
  } else {
    *code =
        s.lost_post >= 0 ? Reason::kLostThenAllFull : Reason::kAllQualifiedFull;
    *reason = absl::StrCat(
        "待岗 (unplaced): ",
        s.lost_post >= 0
            ? absl::StrCat(lost_text, "; then ")
            : absl::StrCat("none of ", pr.his, " choices could take ", pr.him,
                           " and "),
        "all ", qualified, " post(s) ", pr.he, " qualifies for are full (",
        absl::StrJoin(full, ", "), qualified > 5 ? ", ..." : "",
        "); training, then reassignment");
  }
  ex->notes.push_back(*reason);
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
    Explain(t, &ex, &pl.reason, &pl.reason_code);
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
    out.notes.push_back(absl::StrCat(
        "sequential stages (the three-stage practice) were used: stage 1 "
        "in-school competition by points, stage 2 cross-school competition by "
        "preference lists, stage 3 county allocation (min-cost). This is "
        "weaker than the default simultaneous DA* (Dur and Kesten 2019): a "
        "teacher hired at home in stage 1 cannot take a post ",
        legacy_pronouns_ ? "she prefers" : "they prefer",
        " elsewhere, so seats can stay empty while others are 待岗, and "
        "whether to compete at home is a strategic choice. In this run ",
        home_first,
        " teacher(s) were hired at home in stage 1 although they listed a "
        "post at another school first"));
  } else {
    out.notes.push_back(absl::StrCat(
        "simultaneous: in-school and cross-school competition as one DA* "
        "(at ",
        legacy_pronouns_ ? "her" : "their",
        " own school's posts a teacher ranks above outsiders; then "
        "points, tie chain, lottery), then county allocation (min-cost: "
        "distance, subject fit) for the rest"));
  }
  out.notes.push_back(absl::StrCat(
      vacant, " seat(s) in ", vacant_posts, " post(s) left vacant; ", unplaced,
      " teacher(s) 待岗; ", down_hired, " down-hired (低聘); ", up_hired,
      " up-hired (低职高聘); ", lost_posts,
      " 编外 teacher(s) gave up a 编制 post to established staff (编制 "
      "precedence)"));
  for (std::string& n : notes_) out.notes.push_back(std::move(n));
  FinishOutcome(in_, &out);
  return out;
}

}  // namespace rota::engine::rules::hiring_internal
