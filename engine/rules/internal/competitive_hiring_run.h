// The competitive hiring run (competitive_hiring.h) as one class whose
// phases live in three files: competitive_hiring.cc (indexing, fixed
// placements, preference lists, the public entry points),
// competitive_hiring_phases.cc (the county allocation's solver, the
// competitions, the county allocation) and competitive_hiring_outcome.cc
// (explanations, the RoundOutcome). Internal to engine/rules; not an API.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/rules/competitive_hiring.h"
#include "engine/rules/internal/bilingual.h"
#include "engine/rules/internal/pronouns.h"
#include "engine/rules/internal/strings.h"
#include "engine/rules/internal/words_zh.h"
#include "engine/rules/obligations.h"
#include "engine/rules/points.h"

namespace rota::engine::rules::hiring_internal {

using internal::AddNote;
using internal::Append;
using internal::PointsText;
using internal::Pronouns;
using internal::PronounsOf;
using internal::Sv;
using internal::Text;

inline int BandLevel(Title t) { return static_cast<int>(HiringBand(t)); }

inline bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

enum class Fix { kNone, kExempt, kLock, kOverride };
enum class Via { kNone, kSimultaneous, kStage1, kStage2, kAllocation, kFixed };

struct Entry {
  int32_t post = -1;
  bool implicit = false;         // appended own-school post, not from her list
  std::string not_qualified;     // "" = qualified
  std::string not_qualified_zh;  // the same in Chinese
  // kOwn entries (and her own post) enter the competition; a lower or
  // higher band only the county allocation (the band rules).
  BandFit fit = BandFit::kOwn;
};

struct TeacherState {
  const Teacher* t = nullptr;
  const School* school = nullptr;
  int32_t own_post = -1;
  std::string exemption;     // "" = not exempt
  std::string exemption_zh;  // the same in Chinese
  PointsBreakdown points;
  std::vector<int64_t> tie;
  uint64_t draw = 0;
  bool applied = false;
  Fix fix = Fix::kNone;
  int32_t fixed_post = -1;
  std::string fix_reason;
  std::vector<Entry> entries;
  int32_t final_post = -1;
  Via via = Via::kNone;
  int64_t allocation_cost = 0;
  int32_t school_index = 0;
  int32_t primary_subject = -1;      // interned; -1 = no post teaches it
  std::vector<int32_t> bucket_keys;  // her (subject, stage) buckets
  bool established = true;  // employment is not 编外 (NON_ESTABLISHED)
  // Up-hiring: the policy allows it and she meets its conditions
  // (up_problem, from UpHiringProblem, is then "").
  bool up_ok = false;
  std::string up_problem;
  std::string up_problem_zh;  // the same in Chinese
  // 编制 precedence: the 编制 post she won in the competition and lost to
  // established teacher `lost_to` in the county allocation; -1 = none.
  int32_t lost_post = -1;
  int32_t lost_to = -1;
};

struct PostState {
  const Post* p = nullptr;
  const School* school = nullptr;
  Stage stage = Stage::kUnspecified;
  int32_t school_index = 0;
  int32_t subject = 0;            // interned
  bool established = true;        // a 编制 post (not Post::non_established)
  int32_t held_fixed = 0;         // exempt holders, locks, overrides
  int32_t free = 0;               // seats left for the current stage
  std::vector<int32_t> admitted;  // teachers placed by competition (DA)
  std::vector<int32_t> occupants;
};

class HiringRun {
 public:
  HiringRun(const CountyInputs& in, const RoundPolicy& policy, StageMode mode,
            const OutcomeOptions& options)
      : in_(in),
        policy_(policy),
        hp_(policy.competitive_hiring),
        mode_(mode),
        explanations_(options.explanations),
        legacy_pronouns_(options.legacy_pronouns) {}

  absl::StatusOr<RoundOutcome> Run();

 private:
  absl::Status Index();
  absl::Status PlaceFixed();
  void BuildLists();
  absl::Status RunDa(const std::vector<std::vector<int32_t>>& prefs,
                     bool tenure, Via via);
  absl::Status Allocate();
  // One county allocation phase (see Allocate): rounds of min-cost
  // assignment of the unplaced teachers of one employment class to the
  // seats the band rules allow; with `displace`, a 编制 seat held by a 编外
  // teacher the competition placed counts as open, and taking it sends her
  // back to the unplaced.
  struct Phase {
    bool established;  // which teachers: established or 编外
    bool down;         // lower bands allowed (低聘)
    bool up;           // higher bands allowed (低职高聘)
    bool displace;     // 编制 precedence over 编外 holders
  };
  absl::Status AllocatePhase(const Phase& phase);
  // Her non-fixed 编外 holder of 编制 post p who ranks lowest there.
  int32_t LowestDisplaceable(int32_t p) const;
  RoundOutcome Assemble();

  bool Own(int32_t t, int32_t p) const {
    return ts_[t].t->school == ps_[p].p->school;
  }
  // True if teacher a ranks above teacher b at post p: at a 编制 post an
  // established teacher above a 编外 one (编制 precedence), then in-school
  // precedence (when `tenure`), points, tie chain (larger first), lottery
  // (smaller first), id. The same order the engine's DA uses
  // (engine/model.h) with the priorities RunDa gives it.
  bool Outranks(int32_t a, int32_t b, int32_t p, bool tenure) const {
    if (ps_[p].established && ts_[a].established != ts_[b].established) {
      return ts_[a].established;
    }
    if (tenure && Own(a, p) != Own(b, p)) return Own(a, p);
    const TeacherState& x = ts_[a];
    const TeacherState& y = ts_[b];
    if (x.points.total != y.points.total) {
      return x.points.total > y.points.total;
    }
    if (x.tie != y.tie) return x.tie > y.tie;
    if (x.draw != y.draw) return x.draw < y.draw;
    return x.t->id < y.t->id;
  }
  bool Down(int32_t t, int32_t p) const {
    return static_cast<int>(ps_[p].p->title_band) < BandLevel(ts_[t].t->title);
  }
  bool Up(int32_t t, int32_t p) const {
    return static_cast<int>(ps_[p].p->title_band) > BandLevel(ts_[t].t->title);
  }
  // Whether a post of band `band` fits her title band: her own band always;
  // a lower one if `down` and the policy's down-hiring allows it; a higher
  // one if `up` and up-hiring allows it for her (TeacherState::up_ok).
  bool BandAllows(const TeacherState& s, int band, bool down, bool up) const {
    const int diff = BandLevel(s.t->title) - band;
    if (diff == 0) return true;
    if (diff > 0) {
      return down && hp_.allow_down_hiring && diff <= hp_.max_bands_down;
    }
    return up && s.up_ok && -diff <= hp_.max_bands_up &&
           band <= static_cast<int>(hp_.up_hiring_highest_band);
  }
  // "\"id\" (school, subject, band)", built once per post in Index.
  const std::string& PostLabel(int32_t p) const { return post_labels_[p]; }
  // The same in Chinese: "“id”（school，subject，中级岗位）".
  const std::string& PostLabelZh(int32_t p) const { return post_labels_zh_[p]; }
  // Subject, stage and band (HiringFitProblem), then a binding service
  // obligation (obligations.h): "" if she may hold post p.
  // The Chinese twin into `*zh` if it is not null.
  std::string Fit(int32_t t, int32_t p, BandFit* fit,
                  std::string* zh = nullptr) const {
    std::string problem =
        HiringFitProblem(*ts_[t].t, *ps_[p].p, ps_[p].stage, hp_,
                         in_.effective_day, fit, legacy_pronouns_, zh);
    return problem.empty()
               ? ObligationProblem(*ts_[t].t, ts_[t].school, *ps_[p].school,
                                   in_.effective_day, zh)
               : problem;
  }
  // Her choices' verdicts (with explanations), the placement reason and its
  // code.
  void Explain(int32_t t, TeacherExplanation* ex, Text* reason,
               Reason* code) const;
  // (lowest-priority teacher admitted at `post` by the competition or -1,
  // whether she was hired in sequential stage 1); see Explain.
  std::pair<int32_t, bool> LowestAdmitted(int32_t post) const;
  // Calls fn(p) for every post she qualifies for (band rules included),
  // found through her (subject, stage) buckets rather than by scanning all
  // posts; her own post last. Deterministic order.
  template <typename Fn>
  void ForEachCandidate(int32_t t, Fn fn) const {
    const TeacherState& s = ts_[t];
    for (int32_t key : s.bucket_keys) {
      for (int32_t p : buckets_[key]) {
        if (p == s.own_post) continue;
        if (!BandAllows(s, post_band_[p], /*down=*/true, /*up=*/true)) {
          continue;
        }
        fn(p);
      }
    }
    if (s.own_post >= 0) fn(s.own_post);
  }

  // Metres between two schools (by index), cached per source school.
  const std::vector<int32_t>& DistanceRow(int32_t from) {
    std::vector<int32_t>& row = distance_rows_[from];
    if (row.empty()) {
      row.resize(school_list_.size());
      for (size_t j = 0; j < school_list_.size(); ++j) {
        // SchoolDistanceMetres is exactly symmetric (it only negates the
        // differences and squares them), so reuse a row already computed.
        const std::vector<int32_t>& other = distance_rows_[j];
        row[j] = !other.empty() ? other[from]
                                : static_cast<int32_t>(SchoolDistanceMetres(
                                      *school_list_[from], *school_list_[j]));
      }
    }
    return row;
  }
  // The kNearest posts of free_buckets_[key] nearest to school `school`
  // (by distance, then index), computed once per (school, bucket) per
  // allocation phase: later rounds skip the posts filled since.
  // nearest_done_: 0 not built, 1 built and the whole free bucket, 2 built
  // and cut at kNearest.
  static constexpr size_t kNearest = 256;
  const std::vector<int32_t>& Nearest(int32_t school, int32_t key) {
    const size_t index = static_cast<size_t>(school) * buckets_.size() + key;
    if (nearest_.empty()) {
      nearest_.resize(school_list_.size() * buckets_.size());
      nearest_done_.resize(nearest_.size(), 0);
    }
    std::vector<int32_t>& v = nearest_[index];
    if (!nearest_done_[index]) {
      nearest_touched_.push_back(index);
      const std::vector<int32_t>& row = DistanceRow(school);
      std::vector<std::pair<int32_t, int32_t>>& keyed = nearest_scratch_;
      keyed.clear();
      for (int32_t p : free_buckets_[key]) {
        keyed.emplace_back(row[post_school_[p]], p);
      }
      nearest_done_[index] = keyed.size() > kNearest ? 2 : 1;
      if (keyed.size() > kNearest) {
        std::nth_element(keyed.begin(), keyed.begin() + kNearest, keyed.end());
        keyed.resize(kNearest);
      }
      std::sort(keyed.begin(), keyed.end());
      v.clear();
      for (const auto& [metres, p] : keyed) v.push_back(p);
    }
    return v;
  }
  // County allocation cost of placing t at p, given her distance row.
  int64_t Cost(int32_t t, int32_t p, const std::vector<int32_t>& row) const {
    // Distances stay below 4 * 10^7 m and per-km costs below 10^9
    // (ValidatePolicy), so the product fits in int64_t.
    int64_t cost =
        int64_t{row[post_school_[p]]} * hp_.allocation_cost_per_km / 1000;
    if (p != ts_[t].own_post && ts_[t].primary_subject != post_subject_[p]) {
      cost += hp_.allocation_secondary_subject_cost;
    }
    return std::max<int64_t>(cost, 0);
  }

  const CountyInputs& in_;
  const RoundPolicy& policy_;
  const CompetitiveHiringPolicy& hp_;
  StageMode mode_;
  const bool explanations_;     // OutcomeOptions
  const bool legacy_pronouns_;  // OutcomeOptions
  // The teacher's pronouns in sentences.
  Pronouns P(const Teacher* t) const {
    return PronounsOf(t->gender, legacy_pronouns_);
  }
  std::map<std::string_view, const School*> schools_;
  absl::flat_hash_map<std::string_view, int32_t> post_index_;
  // Posts by bucket key subject * 8 + stage (subjects interned), ascending.
  std::map<std::string_view, int32_t> subject_ids_;
  std::vector<std::vector<int32_t>> buckets_;
  std::vector<const School*> school_list_;  // id order
  std::vector<std::vector<int32_t>> distance_rows_;
  // buckets_ restricted to the posts with a free seat when the county
  // allocation starts (seats are only taken after that).
  std::vector<std::vector<int32_t>> free_buckets_;
  std::vector<std::vector<int32_t>> nearest_;  // see Nearest
  std::vector<uint8_t> nearest_done_;
  std::vector<size_t> nearest_touched_;  // entries of nearest_ built
  std::vector<std::pair<int32_t, int32_t>> nearest_scratch_;
  // Dense copies of PostState fields for the allocation's inner loops.
  std::vector<int32_t> post_school_, post_subject_;
  std::vector<int8_t> post_band_;
  absl::flat_hash_map<std::string_view, int32_t> teacher_index_;
  std::vector<TeacherState> ts_;  // id order
  std::vector<PostState> ps_;     // id order
  int64_t boost_ = 1;             // in-school precedence offset (points)
  std::vector<Text> notes_;
  std::vector<std::string> post_labels_;                   // see PostLabel
  std::vector<std::string> post_labels_zh_;                // see PostLabelZh
  std::vector<std::pair<int32_t, bool>> lowest_admitted_;  // LowestAdmitted
  std::vector<int32_t> final_free_;  // ps_[p].free after the run
};

}  // namespace rota::engine::rules::hiring_internal
