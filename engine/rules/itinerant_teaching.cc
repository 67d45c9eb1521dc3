// Itinerant teaching (走教): see itinerant_teaching.h for the mechanism.
// Preparation (lines, own coverage, candidates), uncovered reasons and the
// outcome; each zone's flow is in itinerant_zone_flow.cc.
#include "engine/rules/itinerant_teaching.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "engine/rules/internal/bilingual.h"
#include "engine/rules/internal/itinerant_network.h"
#include "engine/rules/internal/itinerant_run.h"
#include "engine/rules/internal/pronouns.h"
#include "engine/rules/internal/strings.h"
#include "engine/rules/subjects.h"

namespace rota::engine::rules::internal {
namespace {

std::string Pronoun(const Teacher& t) {
  return t.gender == Gender::kMale ? "he" : "she";
}
std::string Object(const Teacher& t) {
  return t.gender == Gender::kMale ? "him" : "her";
}
std::string Capital(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = s[0] - 'a' + 'A';
  return s;
}

}  // namespace

void ItinerantRun::Prepare() {
  for (int i = 0; i < static_cast<int>(in_.schools.size()); ++i) {
    school_index_.emplace(in_.schools[i].id, i);
  }
  for (const RoadDistance& r : in_.road_distances) {
    const int a = SchoolIndex(r.school_a), b = SchoolIndex(r.school_b);
    roads_[a < b ? PairKey(a, b) : PairKey(b, a)] = {r.metres, r.minutes};
  }
  for (const Teacher& t : in_.teachers) teachers_.push_back(&t);
  std::sort(teachers_.begin(), teachers_.end(),
            [](const Teacher* a, const Teacher* b) { return a->id < b->id; });
  for (const Teacher* t : teachers_) {
    zone_teachers_[ZoneKey(SchoolOf(t->school))].push_back(t);
  }
  std::set<std::string> shortage(pol_.shortage_subjects.begin(),
                                 pol_.shortage_subjects.end());
  for (const PeriodRequirement& r : in_.period_requirements) {
    if (!shortage.count(r.subject)) continue;
    Line l;
    l.req = &r;
    lines_.push_back(l);
  }
  std::sort(lines_.begin(), lines_.end(), [](const Line& a, const Line& b) {
    return std::tie(a.req->school, a.req->subject, a.req->stage) <
           std::tie(b.req->school, b.req->subject, b.req->stage);
  });
  // 1. Own coverage from loads.
  std::map<std::string, std::vector<int>> lines_at;
  for (int i = 0; i < static_cast<int>(lines_.size()); ++i) {
    lines_[i].need = lines_[i].req->periods;
    lines_at[lines_[i].req->school].push_back(i);
  }
  for (const Teacher* t : teachers_) {
    int32_t left = t->weekly_load;
    auto it = lines_at.find(t->school);
    if (it == lines_at.end()) continue;
    for (const std::string& subject : t->subjects) {
      for (int i : it->second) {
        Line& l = lines_[i];
        if (l.req->subject != subject || !Qualifies(*t, *l.req)) continue;
        int32_t take = std::min(left, l.need);
        l.load_cover += take;
        l.need -= take;
        left -= take;
      }
    }
  }
  // 2. Candidates.
  std::map<std::string, std::pair<std::string, const Lock*>> pins;
  for (const Lock& l : in_.locks) pins[l.teacher] = {l.to, &l};
  std::map<std::string, const Override*> overrides;
  for (const Override& o : in_.overrides) overrides[o.teacher] = &o;
  uint16_t day_mask = kAllHalfDays;
  if (!pol_.visit_days.empty()) {
    day_mask = 0;
    for (int32_t d : pol_.visit_days) day_mask |= 3u << (2 * d);
  }
  std::set<std::pair<std::string, Stage>> taught;  // lines' subject x stage
  for (const Line& l : lines_) taught.emplace(l.req->subject, l.req->stage);
  for (const Teacher* t : teachers_) {
    Candidate c;
    c.t = t;
    c.spare = std::max(0, pol_.max_weekly_periods - t->weekly_load);
    c.usable_mask = t->free_half_days & day_mask;
    c.half_days = PopCount(c.usable_mask);
    c.volunteer = t->itinerant_volunteer;
    bool pinned_out = false;
    if (auto it = pins.find(t->id); it != pins.end()) {
      c.locked = true;
      c.only_school = it->second.first;
      c.pin_reason = it->second.second->reason;
      pinned_out = c.only_school.empty();
      if (!it->second.second->itinerant.empty())
        c.kept = &it->second.second->itinerant;
    }
    if (auto it = overrides.find(t->id); it != overrides.end()) {
      c.overridden = true;
      c.only_school = it->second->to;
      c.pin_reason = it->second->reason;
      pinned_out = c.only_school.empty();
      c.kept = nullptr;
    }
    if (c.kept != nullptr) {  // her locked assignment, as it was
      cand_of_[t->id] = static_cast<int>(cands_.size());
      cands_.push_back(std::move(c));
      continue;
    }
    if (pinned_out || ExemptOn(*t, in_.effective_day)) {
      excluded_.insert(t->id);
      continue;
    }
    if (c.spare == 0) continue;
    bool any = false;
    for (const std::string& subject : t->subjects) {
      for (Stage st : t->certificate_stages) {
        any = any || taught.count({subject, st}) > 0;
      }
    }
    if (!any) continue;
    cand_of_[t->id] = static_cast<int>(cands_.size());
    cands_.push_back(std::move(c));
  }
}

absl::Status ItinerantRun::KeepLockedAssignments() {
  std::map<std::tuple<std::string_view, std::string_view, Stage>, int> line_of;
  for (int li = 0; li < static_cast<int>(lines_.size()); ++li) {
    const PeriodRequirement& r = *lines_[li].req;
    line_of.emplace(
        std::tuple<std::string_view, std::string_view, Stage>{
            r.school, r.subject, r.stage},
        li);
  }
  for (int ci = 0; ci < static_cast<int>(cands_.size()); ++ci) {
    const Candidate& c = cands_[ci];
    if (c.kept == nullptr) continue;
    for (const LockedPeriods& k : *c.kept) {
      auto it = line_of.find({k.school, k.subject, k.stage});
      const int32_t need = it == line_of.end() ? 0 : lines_[it->second].need;
      if (k.periods > need) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the lock of teacher ", c.t->id, " keeps ", k.periods,
            " periods of ", k.subject, " (", Sv(StageName(k.stage)), ") at ",
            k.school, ", but only ", need,
            " of them are still needed (another lock or an override took "
            "the rest)"));
      }
      lines_[it->second].need -= k.periods;
      flow_[{ci, it->second}] += k.periods;
    }
  }
  return absl::OkStatus();
}

UncoveredReason ItinerantRun::ReasonFor(int li) const {
  const PeriodRequirement& r = *lines_[li].req;
  const School& s = SchoolOf(r.school);
  bool qualified = false, reachable = false, eligible = false;
  bool all_at_cap = true, any_school_cap = false;
  bool excluded_with_spare = false;
  auto zone = zone_teachers_.find(ZoneKey(s));
  if (zone == zone_teachers_.end()) return UncoveredReason::kNoQualifiedTeacher;
  for (const Teacher* t : zone->second) {
    if (!Qualifies(*t, r)) continue;
    qualified = true;
    if (!Reachable(*t, r.school)) continue;
    reachable = true;
    const bool has_spare = t->weekly_load < pol_.max_weekly_periods;
    auto it = cand_of_.find(t->id);
    if (it == cand_of_.end()) {
      if (excluded_.count(t->id)) {
        excluded_with_spare = excluded_with_spare || has_spare;
        continue;
      }
      eligible = true;  // no spare periods: at her cap
      continue;
    }
    const Candidate& c = cands_[it->second];
    if (c.kept != nullptr ||
        (!c.only_school.empty() && c.only_school != r.school &&
         t->school != r.school)) {
      // Pinned to another school: excluded here.
      excluded_with_spare = excluded_with_spare || used_[it->second] < c.spare;
      continue;
    }
    eligible = true;
    const std::map<std::string, int32_t>& visits = visits_[it->second];
    if (used_[it->second] >= c.spare) continue;  // at her period cap
    all_at_cap = false;
    auto cut = cuts_.find({it->second, r.school});
    if (cut != cuts_.end() && cut->second.why == UncoveredReason::kSchoolCap) {
      any_school_cap = true;
    } else if (cut == cuts_.end() && !visits.count(r.school) &&
               static_cast<int32_t>(visits.size()) >=
                   pol_.max_schools_per_teacher - 1) {
      any_school_cap = true;
    }
  }
  if (!qualified) return UncoveredReason::kNoQualifiedTeacher;
  if (!reachable) return UncoveredReason::kTravelCap;
  if (!eligible) return UncoveredReason::kExcluded;
  if (all_at_cap) {
    return excluded_with_spare ? UncoveredReason::kExcluded
                               : UncoveredReason::kPeriodCap;
  }
  return any_school_cap ? UncoveredReason::kSchoolCap
                        : UncoveredReason::kHalfDayClash;
}

std::string ItinerantRun::SchoolName(const std::string& id) const {
  const School& s = SchoolOf(id);
  if (s.display_name.empty()) return s.id;
  return absl::StrCat(s.display_name, " (", s.id, ")");
}

std::string ItinerantRun::ReasonSentence(UncoveredReason r,
                                         const CoverageLine& c) const {
  std::string what = absl::StrCat(
      c.uncovered, c.uncovered == 1 ? " weekly period" : " weekly periods",
      " of ", c.subject, " (", Sv(StageName(c.stage)), ") at ",
      SchoolName(c.school), " stay uncovered: ");
  switch (r) {
    case UncoveredReason::kNoQualifiedTeacher:
      return what + "no teacher of its zone teaches " + c.subject +
             " with a certificate for this stage.";
    case UncoveredReason::kTravelCap:
      return absl::StrCat(what,
                          "every teacher of its zone who could teach them is "
                          "more than ",
                          pol_.max_trip_minutes,
                          " minutes away (the trip-time cap).");
    case UncoveredReason::kPeriodCap:
      return absl::StrCat(what,
                          "every qualified teacher within reach already "
                          "teaches the most periods a week allowed (",
                          pol_.max_weekly_periods, ").");
    case UncoveredReason::kHalfDayClash:
      return what +
             "the qualified teachers with spare periods have no free "
             "half-day left for another visit (one school per half-day).";
    case UncoveredReason::kSchoolCap:
      return absl::StrCat(what,
                          "the qualified teachers with spare periods already "
                          "teach at the most schools allowed (",
                          pol_.max_schools_per_teacher,
                          ", their own school included).");
    case UncoveredReason::kExcluded:
      return what +
             "the only qualified teachers within reach are exempt or held "
             "elsewhere by a lock or an override.";
    case UncoveredReason::kNone:
      break;
  }
  return "";
}

void ItinerantRun::Finish(RoundOutcome* out) {
  ItinerantResult& res = out->itinerant;
  res.replans = replans_;
  const int32_t P = pol_.periods_per_half_day;
  used_.assign(cands_.size(), 0);
  visits_.assign(cands_.size(), {});
  for (const auto& [key, x] : flow_) {
    Line& l = lines_[key.second];
    used_[key.first] += x;
    if (cands_[key.first].t->school == l.req->school) {
      l.own_spare += x;
    } else {
      l.itinerant += x;
      visits_[key.first][l.req->school] += x;
    }
  }
  for (size_t li = 0; li < lines_.size(); ++li) {
    const Line& l = lines_[li];
    CoverageLine c;
    c.school = l.req->school;
    c.subject = l.req->subject;
    c.stage = l.req->stage;
    c.required = l.req->periods;
    c.own = l.load_cover + l.own_spare;
    c.itinerant = l.itinerant;
    c.uncovered = c.required - c.own - c.itinerant;
    if (c.uncovered > 0) {
      c.reason = ReasonFor(static_cast<int>(li));
      if (options_.explanations) c.sentence = ReasonSentence(c.reason, c);
    }
    res.coverage.push_back(std::move(c));
  }
  for (size_t ci = 0; ci < cands_.size(); ++ci) {
    const Candidate& c = cands_[ci];
    const Teacher& t = *c.t;
    ItinerantPlan plan;
    plan.teacher = t.id;
    plan.home_school = t.school;
    plan.own_load = t.weekly_load;
    std::map<std::string, int32_t> visits;
    int64_t longest = -1;
    for (auto it = flow_.lower_bound({static_cast<int>(ci), 0});
         it != flow_.end() && it->first.first == static_cast<int>(ci); ++it) {
      const int32_t x = it->second;
      const PeriodRequirement& r = *lines_[it->first.second].req;
      ItinerantAssignment a;
      a.teacher = t.id;
      a.school = r.school;
      a.subject = r.subject;
      a.stage = r.stage;
      a.periods = x;
      a.own_school = r.school == t.school;
      if (a.own_school) {
        plan.own_extra_periods += x;
      } else {
        Trip trip = TripOf(c, r.school);
        a.metres = trip.metres;
        a.minutes = trip.minutes;
        a.subsidy_yuan_per_month = SubsidyFor(pol_, trip.metres);
        longest = std::max(longest, trip.metres);
        plan.itinerant_periods += x;
        visits[r.school] += x;
      }
      res.assignments.push_back(std::move(a));
    }
    if (plan.own_extra_periods == 0 && plan.itinerant_periods == 0) continue;
    int slot = 0;
    for (const auto& [school, x] : visits) {
      int32_t left = x;
      while (left > 0) {
        // Fits: SolveZone re-plans until the half-days suffice.
        while (slot < kHalfDaysPerWeek && !((c.usable_mask >> slot) & 1)) {
          ++slot;
        }
        if (slot >= kHalfDaysPerWeek) break;
        plan.slots[slot] = {school, std::min(left, P)};
        left -= plan.slots[slot].periods;
        plan.weekly_travel_metres += 2 * TripOf(c, school).metres;
        ++slot;
      }
    }
    if (longest >= 0) plan.subsidy_yuan_per_month = SubsidyFor(pol_, longest);
    if (!visits.empty()) {
      std::string to;
      int32_t most = 0;
      for (const auto& [school, x] : visits) {
        if (x > most) most = x, to = school;
      }
      Placement p;
      p.teacher = t.id;
      p.from_school = t.school;
      p.from_post = t.post;
      p.to_school = to;
      p.outcome = Outcome::kItinerant;
      p.route = Route::kItinerantAssignment;
      p.via = std::string(RouteSentence(p.route));
      p.reason_code = c.locked || c.overridden ? Reason::kPinned
                                               : Reason::kItinerantAssigned;
      p.locked = c.locked;
      p.overridden = c.overridden;
      p.override_reason = c.pin_reason;
      TeacherExplanation e;
      e.teacher = t.id;
      if (options_.explanations) {
        const char* zh = ZhPronoun(t.gender);
        std::vector<std::string> parts, parts_zh;
        for (const auto& [school, x] : visits) {
          Trip trip = TripOf(c, school);
          parts.push_back(absl::StrCat(
              x, x == 1 ? " period" : " periods", " at ", SchoolName(school),
              ", ", trip.metres, " m and ", trip.minutes, " minutes away"));
          parts_zh.push_back(absl::StrCat("在 ", SchoolName(school), " 上 ", x,
                                          " 节课（相距 ", trip.metres,
                                          " 米，约 ", trip.minutes, " 分钟）"));
        }
        p.reason =
            absl::StrCat(Name(t), " teaches ", absl::StrJoin(parts, "; "),
                         " each week by itinerant teaching (走教).");
        p.reason_zh = absl::StrCat(Name(t), " 每周走教：",
                                   absl::StrJoin(parts_zh, "；"), "。");
        AddNote(&e, {p.reason, p.reason_zh});
        AddNote(
            &e,
            {absl::StrCat(
                 "Why ", Object(t), ": ",
                 c.volunteer ? absl::StrCat(Pronoun(t), " volunteered; ") : "",
                 Pronoun(t), " teaches ", t.weekly_load, " periods at ",
                 SchoolName(t.school), " and had ", c.spare,
                 " to spare below the cap of ", pol_.max_weekly_periods,
                 " periods a week; ", Pronoun(t),
                 " is qualified for these classes and lives within ",
                 pol_.max_trip_minutes,
                 " minutes of them. The assignment first covers as many "
                 "required periods as it can, then prefers volunteers, then "
                 "the least travel, then the most even loads."),
             absl::StrCat(
                 "安排", zh, "走教的原因：", c.volunteer ? "本人自愿；" : "",
                 zh, "在 ", SchoolName(t.school), " 每周上 ", t.weekly_load,
                 " 节课，距每周 ", pol_.max_weekly_periods, " 节的上限还有 ",
                 c.spare, " 节余量；", zh, "具备这些课程的任教资格，路程在 ",
                 pol_.max_trip_minutes,
                 " 分钟以内。安排时先尽量开齐开足规定课时，再优先自愿者，"
                 "再尽量减少路程，最后使各人课时均衡。")});
        if (plan.own_extra_periods > 0) {
          AddNote(&e,
                  {absl::StrCat(Capital(Pronoun(t)), " also teaches ",
                                plan.own_extra_periods, " extra period(s) at ",
                                SchoolName(t.school), "."),
                   absl::StrCat(zh, "还在 ", SchoolName(t.school), " 多上 ",
                                plan.own_extra_periods, " 节课。")});
        }
      }
      out->placements.push_back(std::move(p));
      out->explanations.push_back(std::move(e));
    }
    res.plans.push_back(std::move(plan));
  }
  std::sort(res.assignments.begin(), res.assignments.end(),
            [](const ItinerantAssignment& a, const ItinerantAssignment& b) {
              return std::tie(a.teacher, a.school, a.subject, a.stage) <
                     std::tie(b.teacher, b.school, b.subject, b.stage);
            });
  int64_t uncovered = 0;
  for (const CoverageLine& c : res.coverage) uncovered += c.uncovered;
  AddNote(out,
          {absl::StrCat("itinerant teaching (走教): ", res.coverage.size(),
                        " required subject lines, ", uncovered,
                        " period(s) a week left uncovered, ",
                        out->placements.size(),
                        " teacher(s) teach at other schools, ", res.replans,
                        " visit(s) re-planned to fit the caps"),
           absl::StrCat("走教：需开设的学科课程共 ", res.coverage.size(),
                        " 项，每周仍有 ", uncovered, " 节课未能安排，",
                        out->placements.size(), " 名教师到其他学校走教，",
                        res.replans, " 次走教安排为符合上限而调整")});
}

absl::StatusOr<RoundOutcome> ItinerantRun::Go() {
  Prepare();
  ROTA_RETURN_IF_ERROR(KeepLockedAssignments());
  // Zones: lines and candidates by zone key (a kept assignment is solved).
  std::map<std::string, std::pair<std::vector<int>, std::vector<int>>> zones;
  for (int l = 0; l < static_cast<int>(lines_.size()); ++l) {
    zones[ZoneKey(SchoolOf(lines_[l].req->school))].first.push_back(l);
  }
  for (int c = 0; c < static_cast<int>(cands_.size()); ++c) {
    if (cands_[c].kept != nullptr) continue;
    zones[ZoneKey(SchoolOf(cands_[c].t->school))].second.push_back(c);
  }
  for (const auto& [key, zone] : zones) {
    if (zone.first.empty() || zone.second.empty()) continue;
    ROTA_RETURN_IF_ERROR(SolveZone(key, zone.first, zone.second));
  }
  RoundOutcome out;
  out.kind = RoundKind::kItinerantTeaching;
  out.seed = in_.seed;
  out.mechanism = "min-cost flow (lexicographic)";
  Finish(&out);
  FinishOutcome(in_, &out);
  return out;
}

absl::StatusOr<std::vector<ItinerantZoneNetwork>> ItinerantZoneNetworks(
    const CountyInputs& inputs, const RoundPolicy& policy) {
  ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));
  ROTA_RETURN_IF_ERROR(
      ValidateCountyInputs(inputs, RoundKind::kItinerantTeaching));
  std::vector<ItinerantZoneNetwork> out;
  OutcomeOptions options;
  options.explanations = false;
  ItinerantRun run(inputs, policy, options);
  run.CaptureNetworks(&out);
  ROTA_RETURN_IF_ERROR(run.Go().status());
  return out;
}

}  // namespace rota::engine::rules::internal

namespace rota::engine::rules {

Trip TravelBetween(const CountyInputs& inputs,
                   const ItinerantTeachingPolicy& policy, const School& a,
                   const School& b) {
  if (a.id == b.id) return {};
  for (const RoadDistance& r : inputs.road_distances) {
    if ((r.school_a == a.id && r.school_b == b.id) ||
        (r.school_a == b.id && r.school_b == a.id)) {
      return {r.metres, r.minutes};
    }
  }
  return internal::StraightLineTrip(policy, a, b);
}

int64_t SubsidyFor(const ItinerantTeachingPolicy& policy, int64_t metres) {
  for (const SubsidyTier& t : policy.subsidy_tiers) {
    if (metres <= t.up_to_metres) return t.yuan_per_month;
  }
  return policy.subsidy_tiers.empty()
             ? 0
             : policy.subsidy_tiers.back().yuan_per_month;
}

absl::StatusOr<std::vector<EligibilityEntry>> ComputeItinerantEligibility(
    const CountyInputs& inputs, const RoundPolicy& policy) {
  ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));
  ROTA_RETURN_IF_ERROR(
      ValidateCountyInputs(inputs, RoundKind::kItinerantTeaching));
  const ItinerantTeachingPolicy& pol = policy.itinerant_teaching;
  std::vector<const Teacher*> teachers;
  for (const Teacher& t : inputs.teachers) teachers.push_back(&t);
  std::sort(teachers.begin(), teachers.end(),
            [](const Teacher* a, const Teacher* b) { return a->id < b->id; });
  std::vector<EligibilityEntry> out;
  for (const Teacher* t : teachers) {
    std::vector<std::string> en, zh;
    for (const std::string& subject : t->subjects) {
      if (std::find(pol.shortage_subjects.begin(), pol.shortage_subjects.end(),
                    subject) == pol.shortage_subjects.end())
        continue;
      en.push_back(subject);
      zh.emplace_back(SubjectZh(subject));
    }
    if (en.empty()) continue;
    const internal::Pronouns p = internal::PronounsOf(t->gender, false);
    const int32_t spare = std::max(0, pol.max_weekly_periods - t->weekly_load);
    EligibilityEntry e;
    e.teacher = t->id;
    e.school = t->school;
    e.voluntary = t->itinerant_volunteer;
    internal::Text why;
    if (internal::ExemptOn(*t, inputs.effective_day)) {
      e.exempt = true;
      e.reason_code = Reason::kExempt;
      why = {absl::StrCat("exempt: an exemption is in force on the effective "
                          "date, so ",
                          p.he, " teaches at no other school"),
             absl::StrCat("免于走教：生效日", p.zh, "有免于交流的情形")};
    } else if (spare == 0) {
      why = {
          absl::StrCat("no spare periods: ", p.he, " teaches ", t->weekly_load,
                       " periods a week at ", p.his, " own school, the cap is ",
                       pol.max_weekly_periods),
          absl::StrCat("无余力走教：", p.zh, "在本校每周任教 ", t->weekly_load,
                       " 节，已达每周 ", pol.max_weekly_periods, " 节上限")};
    } else {
      e.eligible = true;
      e.reason_code = Reason::kEligible;
      why = {
          absl::StrCat(
              "may teach at other schools: ", p.he, " teaches ",
              absl::StrJoin(en, ", "),
              en.size() == 1 ? " (a shortage subject)" : " (shortage subjects)",
              " and has ", spare, " spare periods a week below the cap of ",
              pol.max_weekly_periods),
          absl::StrCat("可参加走教：", p.zh, "任教", absl::StrJoin(zh, "、"),
                       "（紧缺学科），每周还可承担 ", spare, " 节（上限 ",
                       pol.max_weekly_periods, " 节）")};
    }
    if (e.voluntary) {
      internal::Append(
          &why, {absl::StrCat("; ", p.he, " volunteers"), "；本人自愿走教"});
    }
    e.reason = std::move(why.en);
    e.reason_zh = std::move(why.zh);
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<RoundOutcome> RunItinerantTeaching(
    const CountyInputs& inputs, const RoundPolicy& policy,
    const RunParameters& parameters, const OutcomeOptions& options) {
  (void)parameters;
  ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));
  ROTA_RETURN_IF_ERROR(
      ValidateCountyInputs(inputs, RoundKind::kItinerantTeaching));
  internal::ItinerantRun run(inputs, policy, options);
  return run.Go();
}

}  // namespace rota::engine::rules
