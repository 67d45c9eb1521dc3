#include "engine/rules/competitive_hiring.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "engine/min_cost_flow.h"
#include "engine/model.h"
#include "engine/rules/internal/strings.h"
#include "engine/rules/obligations.h"
#include "engine/rules/points.h"
#include "engine/solve.h"

namespace rota::engine::rules {

using internal::Sv;

Title HiringBand(Title title) {
  if (title == Title::kNone || title == Title::kUnspecified) {
    return Title::kJunior;
  }
  return title;
}

namespace {

int BandLevel(Title t) { return static_cast<int>(HiringBand(t)); }

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::string HiringFitProblem(const Teacher& teacher, const Post& post,
                             Stage post_stage,
                             const CompetitiveHiringPolicy& policy,
                             bool* down_hire) {
  *down_hire = false;
  if (!teacher.post.empty() && teacher.post == post.id) return "";
  if (!Contains(teacher.subjects, post.subject)) {
    return absl::StrCat("subject: the post teaches ", Sv(post.subject),
                        ", her subjects are ",
                        absl::StrJoin(teacher.subjects, ", "));
  }
  if (std::find(teacher.certificate_stages.begin(),
                teacher.certificate_stages.end(),
                post_stage) == teacher.certificate_stages.end()) {
    return absl::StrCat("certificate stage: the post is ",
                        Sv(StageName(post_stage)),
                        ", her teaching certificate does not cover it");
  }
  const int mine = BandLevel(teacher.title);
  const int band = static_cast<int>(post.title_band);
  if (band > mine) {
    return absl::StrCat("title band: the post is ",
                        Sv(TitleName(post.title_band)), ", her title is ",
                        Sv(TitleName(HiringBand(teacher.title))),
                        "; the policy allows no up-hiring");
  }
  if (band < mine) {
    if (!policy.allow_down_hiring) {
      return absl::StrCat("title band: the post is ",
                          Sv(TitleName(post.title_band)), ", her title is ",
                          Sv(TitleName(HiringBand(teacher.title))),
                          "; the policy allows no down-hiring (低聘)");
    }
    if (mine - band > policy.max_bands_down) {
      return absl::StrCat(
          "title band: the post is ", Sv(TitleName(post.title_band)), ", ",
          mine - band, " bands below her title ",
          Sv(TitleName(HiringBand(teacher.title))),
          "; the policy allows down-hiring by at most ", policy.max_bands_down);
    }
    *down_hire = true;
  }
  return "";
}

namespace internal {

// See the header. Rows start with their kInitialOptions cheapest options
// and gain at most kAddedOptions per round (the most negative reduced costs
// first). Measured at 100,000 teachers: starting from 2 of the 16 options
// takes ~8 rounds and is ~7x faster than one solve over all 16 (the solver's
// post-level graph links every pair of a row's options); starting from 6 was
// far slower.
absl::Status SolveAssignmentByColumns(
    const std::vector<std::vector<std::pair<int64_t, int32_t>>>& rows,
    const std::vector<int32_t>& capacity, int64_t unassigned,
    std::vector<int32_t>* chosen, std::vector<int64_t>* prices) {
  constexpr int kInitialOptions = 2;
  constexpr size_t kAddedOptions = 2;  // per row and round, best first
  const size_t posts = capacity.size();
  const int32_t n = static_cast<int32_t>(rows.size());
  std::vector<uint32_t> active(n, 0);  // bit j: option j is in the problem
  for (int32_t i = 0; i < n; ++i) {
    ROTA_CHECK(!rows[i].empty() && rows[i].size() <= 32);
    // The cheapest, by (cost, post).
    std::vector<int32_t> order(rows[i].size());
    for (size_t j = 0; j < order.size(); ++j) {
      order[j] = static_cast<int32_t>(j);
    }
    std::sort(order.begin(), order.end(),
              [&](int32_t a, int32_t b) { return rows[i][a] < rows[i][b]; });
    for (int j = 0; j < kInitialOptions && j < static_cast<int>(order.size());
         ++j) {
      active[i] |= uint32_t{1} << order[j];
    }
  }
  chosen->assign(n, -1);
  std::vector<int32_t> parent(posts, -1), component_of(posts, -1);
  std::vector<int32_t> node_of(posts, -1);
  std::vector<int64_t> price(posts, 0);
  auto find = [&](int32_t p) {
    while (parent[p] != p) {
      parent[p] = parent[parent[p]];
      p = parent[p];
    }
    return p;
  };
  auto first_post = [&](int32_t i) {
    return rows[i][std::countr_zero(active[i])].second;
  };
  std::vector<AssignmentOption> options;
  std::vector<std::pair<int64_t, int32_t>> better;
  while (true) {
    for (int32_t i = 0; i < n; ++i) {
      for (uint32_t m = active[i]; m != 0; m &= m - 1) {
        const int32_t p = rows[i][std::countr_zero(m)].second;
        parent[p] = p;
      }
    }
    for (int32_t i = 0; i < n; ++i) {
      const int32_t first = find(first_post(i));
      for (uint32_t m = active[i]; m != 0; m &= m - 1) {
        const int32_t root = find(rows[i][std::countr_zero(m)].second);
        if (root != first) parent[root] = first;
      }
    }
    std::vector<std::vector<int32_t>> components;  // row indexes
    for (int32_t i = 0; i < n; ++i) {
      const int32_t root = find(first_post(i));
      if (component_of[root] < 0) {
        component_of[root] = static_cast<int32_t>(components.size());
        components.emplace_back();
      }
      components[component_of[root]].push_back(i);
    }
    for (int32_t i = 0; i < n; ++i) component_of[find(first_post(i))] = -1;
    for (const std::vector<int32_t>& component : components) {
      AssignmentProblem problem;
      std::vector<int32_t> post_of_node;
      for (int32_t i : component) {
        options.clear();
        for (uint32_t m = active[i]; m != 0; m &= m - 1) {
          const auto& [cost, p] = rows[i][std::countr_zero(m)];
          if (node_of[p] < 0) {
            node_of[p] = problem.AddPost(capacity[p]);
            post_of_node.push_back(p);
          }
          options.push_back({node_of[p], cost});
        }
        problem.AddTeacher(options);
      }
      problem.set_unassigned_cost(unassigned);
      ROTA_ASSIGN_OR_RETURN(AssignmentResult r, SolveAssignment(problem));
      ROTA_CHECK(r.status == FlowStatus::kOptimal);
      for (size_t k = 0; k < component.size(); ++k) {
        const int32_t i = component[k];
        const int node = r.post_of_teacher[k];
        (*chosen)[i] = -1;
        if (node == kUnassigned) continue;
        for (uint32_t m = active[i]; m != 0; m &= m - 1) {
          const int j = std::countr_zero(m);
          if (rows[i][j].second == post_of_node[node]) (*chosen)[i] = j;
        }
      }
      for (size_t node = 0; node < post_of_node.size(); ++node) {
        // A negative price is allowed only at an empty post (at its floor,
        // 0); raising it to 0 keeps the certificate.
        ROTA_CHECK(r.price[node] >= 0 || r.load[node] == 0);
        price[post_of_node[node]] = std::max<int64_t>(r.price[node], 0);
        node_of[post_of_node[node]] = -1;
      }
    }
    bool added = false;
    for (int32_t i = 0; i < n; ++i) {
      const int32_t c = (*chosen)[i];
      const int64_t value =
          c >= 0 ? rows[i][c].first + price[rows[i][c].second] : unassigned;
      better.clear();
      for (int32_t j = 0; j < static_cast<int32_t>(rows[i].size()); ++j) {
        if (active[i] >> j & 1) continue;
        const auto& [cost, p] = rows[i][j];
        if (cost + price[p] < value) better.emplace_back(cost + price[p], j);
      }
      if (better.empty()) continue;
      added = true;
      if (better.size() > kAddedOptions) {
        std::nth_element(better.begin(), better.begin() + kAddedOptions,
                         better.end());
        better.resize(kAddedOptions);
      }
      for (const auto& [reduced, j] : better) active[i] |= uint32_t{1} << j;
    }
    if (!added) {
      if (prices != nullptr) *prices = std::move(price);
      return absl::OkStatus();
    }
  }
}

bool MaximumPlaced(
    const std::vector<std::vector<std::pair<int64_t, int32_t>>>& rows,
    const std::vector<int32_t>& capacity, const std::vector<int32_t>& chosen) {
  // Alternating breadth-first search from every unplaced row: an augmenting
  // path (Berge) would end at a post with a seat to spare.
  std::vector<int32_t> load(capacity.size(), 0);
  std::vector<std::vector<int32_t>> holders(capacity.size());
  std::vector<int32_t> queue;
  std::vector<uint8_t> row_seen(rows.size(), 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (chosen[i] < 0) {
      queue.push_back(static_cast<int32_t>(i));
      row_seen[i] = 1;
      continue;
    }
    const int32_t p = rows[i][chosen[i]].second;
    ++load[p];
    holders[p].push_back(static_cast<int32_t>(i));
  }
  std::vector<uint8_t> post_seen(capacity.size(), 0);
  for (size_t head = 0; head < queue.size(); ++head) {
    for (const auto& [cost, p] : rows[queue[head]]) {
      if (post_seen[p]) continue;
      post_seen[p] = 1;
      if (load[p] < capacity[p]) return false;
      for (int32_t i : holders[p]) {
        if (!row_seen[i]) {
          row_seen[i] = 1;
          queue.push_back(i);
        }
      }
    }
  }
  return true;
}

absl::Status AllocateRound(
    const std::vector<std::vector<std::pair<int64_t, int32_t>>>& rows,
    const std::vector<int32_t>& capacity, std::vector<int32_t>* chosen) {
  int64_t max_cost = 0;
  for (const auto& row : rows) {
    for (const auto& [cost, p] : row) max_cost = std::max(max_cost, cost);
  }
  // Leaving one more row unplaced must cost more than any rearrangement
  // could save, so that the number placed is maximised first: (max_cost +
  // 1) * (n + 1) guarantees it. The solver is much faster with a smaller
  // price range, so 2 * (max_cost + 1) is tried first: when its optimum
  // leaves no augmenting path it places the maximum number, and as the
  // least cost + U * unplaced it is then also the least cost among all
  // assignments placing that number -- the same optimum.
  const int64_t n = static_cast<int64_t>(rows.size());
  const int64_t large = (max_cost + 1) * (n + 1);
  const int64_t small = std::min(large, 2 * (max_cost + 1));
  ROTA_RETURN_IF_ERROR(SolveAssignmentByColumns(rows, capacity, small, chosen));
  if (small < large && !MaximumPlaced(rows, capacity, *chosen)) {
    ROTA_RETURN_IF_ERROR(
        SolveAssignmentByColumns(rows, capacity, large, chosen));
  }
  return absl::OkStatus();
}

}  // namespace internal

namespace {

enum class Fix { kNone, kExempt, kLock, kOverride };
enum class Via { kNone, kSimultaneous, kStage1, kStage2, kAllocation, kFixed };

struct Entry {
  int32_t post = -1;
  bool implicit = false;      // appended own-school post, not from her list
  std::string not_qualified;  // "" = qualified
  bool down = false;
};

struct TeacherState {
  const Teacher* t = nullptr;
  const School* school = nullptr;
  int32_t own_post = -1;
  std::string exemption;  // "" = not exempt
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
};

struct PostState {
  const Post* p = nullptr;
  const School* school = nullptr;
  Stage stage = Stage::kUnspecified;
  int32_t school_index = 0;
  int32_t subject = 0;            // interned
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
        explanations_(options.explanations) {}

  absl::StatusOr<RoundOutcome> Run();

 private:
  absl::Status Index();
  absl::Status PlaceFixed();
  void BuildLists();
  absl::Status RunDa(const std::vector<std::vector<int32_t>>& prefs,
                     bool tenure, Via via);
  absl::Status Allocate();
  RoundOutcome Assemble();

  bool Own(int32_t t, int32_t p) const {
    return ts_[t].t->school == ps_[p].p->school;
  }
  // True if teacher a ranks above teacher b at post p: in-school precedence
  // (when `tenure`), points, tie chain (larger first), lottery (smaller
  // first), id. The same order the engine's DA uses (engine/model.h).
  bool Outranks(int32_t a, int32_t b, int32_t p, bool tenure) const {
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
  // "\"id\" (school, subject, band)", built once per post in Index.
  const std::string& PostLabel(int32_t p) const { return post_labels_[p]; }
  std::string Fit(int32_t t, int32_t p, bool* down) const {
    std::string problem =
        HiringFitProblem(*ts_[t].t, *ps_[p].p, ps_[p].stage, hp_, down);
    return problem.empty()
               ? ObligationProblem(*ts_[t].t, ts_[t].school, *ps_[p].school,
                                   in_.effective_day)
               : problem;
  }
  void Explain(int32_t t, TeacherExplanation* ex, std::string* reason) const;
  // (lowest-priority teacher admitted at `post` by the competition or -1,
  // whether she was hired in sequential stage 1); see Explain.
  std::pair<int32_t, bool> LowestAdmitted(int32_t post) const;
  // Calls fn(p) for every post she qualifies for, found through her
  // (subject, stage) buckets rather than by scanning all posts; her own
  // post last. Deterministic order.
  template <typename Fn>
  void ForEachCandidate(int32_t t, Fn fn) const {
    const TeacherState& s = ts_[t];
    const int mine = BandLevel(s.t->title);
    for (int32_t key : s.bucket_keys) {
      for (int32_t p : buckets_[key]) {
        if (p == s.own_post) continue;
        const int diff = mine - static_cast<int>(post_band_[p]);
        if (diff < 0) continue;
        if (diff > 0 && (!hp_.allow_down_hiring || diff > hp_.max_bands_down)) {
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
  const bool explanations_;  // OutcomeOptions
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
  std::vector<std::string> notes_;
  std::vector<std::string> post_labels_;                   // see PostLabel
  std::vector<std::pair<int32_t, bool>> lowest_admitted_;  // LowestAdmitted
  std::vector<int32_t> final_free_;  // ps_[p].free after the run
};

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
    buckets_[s.subject * 8 + static_cast<int32_t>(s.stage)].push_back(
        static_cast<int32_t>(ps_.size()));
    post_labels_.push_back(absl::StrCat("\"", Sv(p->id), "\" (", Sv(p->school),
                                        ", ", Sv(p->subject), ", ",
                                        Sv(TitleName(p->title_band)), ")"));
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
        break;
      }
    }
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
    const std::string what =
        absl::StrCat(pin.fix == Fix::kLock ? "lock" : "override",
                     " for teacher \"", Sv(s.t->id), "\": rule ");
    if (s.fix == Fix::kExempt) {
      if (to != s.own_post) {
        return absl::FailedPreconditionError(absl::StrCat(
            what, "\"exemption\": she is exempt (", Sv(s.exemption),
            ") and keeps her post \"", Sv(s.t->post), "\""));
      }
      continue;  // the pin agrees with the exemption
    }
    if (to >= 0) {
      bool down = false;
      std::string problem = Fit(t, to, &down);
      if (!problem.empty()) {
        return absl::FailedPreconditionError(
            absl::StrCat(what, "\"qualification\": she cannot hold post ",
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
      return absl::FailedPreconditionError(absl::StrCat(
          s.fix == Fix::kLock ? "lock" : "override", " for teacher \"",
          Sv(s.t->id), "\": rule \"capacity\": post ", PostLabel(s.fixed_post),
          " has ", p.p->count, " seat(s), already held by ",
          absl::StrJoin(holders, ", "), " (exempt or fixed)"));
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
          absl::StrCat("post \"", Sv(p.p->id), "\" has ", p.p->count,
                       " seat(s) but ", p.held_fixed,
                       " exempt holders keep it (exempt teachers never move)"));
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
      e.not_qualified = Fit(t, e.post, &e.down);
      if (Own(t, e.post)) listed_own = true;
    }
    if (listed_own) continue;
    std::vector<int32_t> own;
    if (s.own_post >= 0) own.push_back(s.own_post);
    for (int32_t p : by_school[s.school_index]) {
      if (p != s.own_post) own.push_back(p);
    }
    for (int32_t p : own) {
      Entry e;
      e.post = p;
      e.implicit = true;
      e.not_qualified = Fit(t, p, &e.down);
      if (e.not_qualified.empty()) s.entries.push_back(std::move(e));
    }
  }
}

absl::Status HiringRun::RunDa(const std::vector<std::vector<int32_t>>& prefs,
                              bool tenure, Via via) {
  // The engine's DA on a dense market (no string ids to index): each
  // teacher's priority at a post is her place in the order of Outranks
  // (points, tie chain, lottery, id), plus the number of teachers when
  // in-school precedence lifts her there. These numbers are distinct at
  // every post, so they give exactly the strict priorities of Outranks and
  // hence the same (unique) teacher-proposing DA matching.
  const int32_t n = static_cast<int32_t>(ts_.size());
  std::vector<int32_t> order(n);
  for (int32_t t = 0; t < n; ++t) order[t] = t;
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return Outranks(b, a, /*p=*/0, /*tenure=*/false);  // worst first
  });
  std::vector<int64_t> rank(n);
  for (int32_t k = 0; k < n; ++k) rank[order[k]] = k + 1;
  DenseModel dense;
  dense.lottery_seed = in_.seed;
  for (const PostState& p : ps_) dense.capacity.push_back(p.free);
  dense.pref_begin.push_back(0);
  std::vector<int32_t> included;
  for (int32_t t = 0; t < n; ++t) {
    if (prefs[t].empty()) continue;
    for (int32_t p : prefs[t]) {
      dense.pref_post.push_back(p);
      dense.pref_points.push_back(rank[t] + (tenure && Own(t, p) ? n : 0));
    }
    dense.pref_begin.push_back(static_cast<int32_t>(dense.pref_post.size()));
    included.push_back(t);
  }
  if (included.empty()) return absl::OkStatus();
  ROTA_ASSIGN_OR_RETURN(Market market, CompileDense(std::move(dense)));
  SolveOptions options;
  options.explain = false;
  options.encode = false;
  ROTA_ASSIGN_OR_RETURN(MatchResult r,
                        Solve(market, Mechanism::kDeferredAcceptance, options));
  // The dense market lists the included teachers and the posts in ts_ and
  // ps_ order.
  for (size_t i = 0; i < included.size(); ++i) {
    const int32_t p = r.post_of[i];
    if (p < 0) continue;
    const int32_t t = included[i];
    ts_[t].final_post = p;
    ts_[t].via = via;
    ps_[p].admitted.push_back(t);
    ps_[p].occupants.push_back(t);
  }
  for (PostState& p : ps_) {
    int32_t taken = 0;
    for (int32_t t : p.admitted) {
      if (ts_[t].via == via) ++taken;
    }
    ROTA_CHECK(taken <= p.free);
    p.free -= taken;
  }
  return absl::OkStatus();
}

absl::Status HiringRun::Allocate() {
  // Each teacher offers the solver her kMaxOptions cheapest qualified posts
  // with a free seat (a prefecture has thousands of posts per subject). A
  // teacher left unplaced while a qualified seat is still free gets another
  // round over the seats that are left, so the loop ends only when no
  // unplaced teacher fits any free seat.
  constexpr size_t kMaxOptions = 16;
  std::vector<int32_t> capacity(ps_.size());  // = ps_[p].free
  for (size_t p = 0; p < ps_.size(); ++p) capacity[p] = ps_[p].free;
  for (int phase = 0; phase < 2; ++phase) {
    for (size_t index : nearest_touched_) {
      nearest_done_[index] = 0;
      nearest_[index].clear();
    }
    nearest_touched_.clear();
    while (true) {
      // Each round walks only the posts that still have a free seat.
      free_buckets_.assign(buckets_.size(), {});
      for (size_t key = 0; key < buckets_.size(); ++key) {
        for (int32_t p : buckets_[key]) {
          if (capacity[p] > 0) free_buckets_[key].push_back(p);
        }
      }
      struct Row {
        int32_t t;
        std::vector<std::pair<int64_t, int32_t>> options;  // (cost, post)
      };
      std::vector<Row> rows;
      for (int32_t t = 0; t < static_cast<int32_t>(ts_.size()); ++t) {
        if (ts_[t].fix != Fix::kNone || ts_[t].final_post >= 0) continue;
        Row row{t, {}};
        const std::vector<int32_t>& distances =
            DistanceRow(ts_[t].school_index);
        const TeacherState& s = ts_[t];
        const int mine = BandLevel(s.t->title);
        auto eligible = [&](int32_t p) {
          if (capacity[p] <= 0 || p == s.own_post) return false;
          const int diff = mine - static_cast<int>(post_band_[p]);
          if (diff < 0) return false;
          if (diff == 0) return true;
          return phase == 1 && hp_.allow_down_hiring &&
                 diff <= hp_.max_bands_down;
        };
        // Per bucket, walk its posts nearest first (cost never decreases:
        // the subject cost is the same for the whole bucket) and keep the
        // kMaxOptions first eligible ones plus any costing the same as the
        // last of them, so that the kMaxOptions smallest (cost, post) below
        // are exactly those over all her seats. A bucket whose cached
        // nearest list runs out first is scanned in full.
        for (int32_t key : s.bucket_keys) {
          const std::vector<int32_t>& near = Nearest(s.school_index, key);
          const size_t before = row.options.size();
          size_t found = 0;
          bool done = false;
          for (int32_t p : near) {
            if (!eligible(p)) continue;
            const int64_t cost = Cost(t, p, distances);
            if (found >= kMaxOptions && cost > row.options.back().first) {
              done = true;
              break;
            }
            row.options.emplace_back(cost, p);
            ++found;
          }
          if (!done && nearest_done_[static_cast<size_t>(s.school_index) *
                                         buckets_.size() +
                                     key] == 2) {
            row.options.resize(before);
            for (int32_t p : free_buckets_[key]) {
              if (eligible(p)) {
                row.options.emplace_back(Cost(t, p, distances), p);
              }
            }
          }
        }
        if (s.own_post >= 0 && ps_[s.own_post].free > 0) {
          row.options.emplace_back(Cost(t, s.own_post, distances), s.own_post);
        }
        if (row.options.empty()) continue;
        if (row.options.size() > kMaxOptions) {
          std::nth_element(row.options.begin(),
                           row.options.begin() + kMaxOptions,
                           row.options.end());
          row.options.resize(kMaxOptions);
        }
        std::sort(row.options.begin(), row.options.end());
        row.options.shrink_to_fit();
        rows.push_back(std::move(row));
      }
      if (rows.empty()) break;
      const int64_t n = static_cast<int64_t>(rows.size());
      // Costs are capped so that the unassigned cost below stays inside the
      // solver's range; the cap only binds for absurd per-km costs.
      const int64_t cap = kMaxFlowCost / (n + 2) - 1;
      std::vector<std::vector<std::pair<int64_t, int32_t>>> options(n);
      for (int64_t i = 0; i < n; ++i) {
        for (auto& [cost, p] : rows[i].options) cost = std::min(cost, cap);
        options[i] = rows[i].options;
      }
      std::vector<int32_t> chosen;
      ROTA_RETURN_IF_ERROR(internal::AllocateRound(options, capacity, &chosen));
      int64_t placed = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (chosen[i] < 0) continue;
        const int32_t t = rows[i].t;
        const auto& [cost, p] = rows[i].options[chosen[i]];
        ts_[t].final_post = p;
        ts_[t].via = Via::kAllocation;
        ts_[t].allocation_cost = cost;
        ps_[p].occupants.push_back(t);
        --ps_[p].free;
        --capacity[p];
        ROTA_CHECK(ps_[p].free >= 0);
        ++placed;
      }
      // Some teacher had a free seat among her options, and an unplaced
      // teacher costs more than any placement: someone was placed.
      ROTA_CHECK(placed > 0);
    }
  }
  return absl::OkStatus();
}

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

void HiringRun::Explain(int32_t t, TeacherExplanation* ex,
                        std::string* reason) const {
  const TeacherState& s = ts_[t];
  const bool sequential = mode_ == StageMode::kSequential;
  // Index of the entry she got through competition, if any.
  int32_t got = -1;
  if (s.via == Via::kSimultaneous || s.via == Via::kStage1 ||
      s.via == Via::kStage2) {
    for (int32_t i = 0; i < static_cast<int32_t>(s.entries.size()); ++i) {
      if (s.entries[i].post == s.final_post &&
          s.entries[i].not_qualified.empty()) {
        got = i;
        break;
      }
    }
    ROTA_CHECK(got >= 0);
  }
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
      c.sentence = absl::StrCat(label, ": she is exempt (", Sv(s.exemption),
                                ") and keeps her post");
    } else if (s.fix != Fix::kNone) {
      c.verdict = s.final_post == e.post ? Verdict::kGot : Verdict::kNotReached;
      c.sentence = absl::StrCat(label, ": her placement is fixed by ",
                                s.fix == Fix::kLock ? "a lock" : "an override",
                                " (", Sv(s.fix_reason), ")");
    } else if (!e.not_qualified.empty()) {
      c.verdict = Verdict::kNotQualified;
      c.sentence = absl::StrCat(label, ": not qualified: ", e.not_qualified);
    } else if (i == got) {
      c.verdict = Verdict::kGot;
      c.sentence = absl::StrCat(label, ": hired");
    } else if (s.via == Via::kStage1 && i < got && !Own(t, e.post)) {
      c.verdict = Verdict::kNotReached;
      c.sentence = absl::StrCat(
          label,
          ": sequential stages: she was hired at her own school in stage 1, "
          "so she could not compete for it in stage 2");
    } else if (got >= 0 && i > got) {
      c.verdict = Verdict::kBetterChoiceHeld;
      c.sentence = absl::StrCat(label, ": she was hired at choice ", got + 1,
                                ", which she ranks higher");
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
        if (sequential && lowest_stage1 && !Own(t, e.post)) {
          c.competitor_by_tenure = true;
          how =
              "was hired there in stage 1 (in-school competition), before "
              "outsiders could apply";
        } else if (!sequential && Own(lowest, e.post) && !Own(t, e.post)) {
          c.competitor_by_tenure = true;
          how = "teaches at that school (in-school precedence)";
        } else if (o.points.total != s.points.total) {
          how = absl::StrFormat("has more points (%.2f vs her %.2f)",
                                o.points.total / 100.0, s.points.total / 100.0);
        } else if (o.tie != s.tie) {
          how = "has equal points and ranks above her on the tie chain";
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
  const std::string home = absl::StrCat("her school ", Sv(s.t->school));
  if (s.fix == Fix::kExempt) {
    *reason = absl::StrCat("exempt (", Sv(s.exemption),
                           "): keeps her post and takes no part");
    return;
  }
  if (s.fix != Fix::kNone) {
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
    const std::string down_text =
        down ? absl::StrCat(" in a lower title band (低聘: ",
                            Sv(TitleName(ps_[s.final_post].p->title_band)),
                            " post, her title ",
                            Sv(TitleName(HiringBand(s.t->title))), ")")
             : "";
    switch (s.via) {
      case Via::kSimultaneous:
        *reason = absl::StrCat(
            s.final_post == s.own_post ? "keeps her post " : "hired at post ",
            where, down_text, ", ",
            s.entries[got].implicit ? "an implicit own-school choice"
                                    : absl::StrCat("her choice ", got + 1),
            ", in the simultaneous competition (DA*)");
        break;
      case Via::kStage1:
        *reason = absl::StrCat(
            s.final_post == s.own_post ? "keeps her post " : "hired at post ",
            where, down_text, " in stage 1 (in-school competition by points)");
        break;
      case Via::kStage2:
        *reason =
            absl::StrCat("hired at post ", where, down_text, ", her choice ",
                         got + 1, ", in stage 2 (cross-school competition)");
        break;
      default: {
        const int64_t metres =
            SchoolDistanceMetres(*s.school, *ps_[s.final_post].school);
        *reason = absl::StrFormat(
            "county allocation (调剂): none of her choices could take her; "
            "placed at post %s%s, %.1f km from %s (cost %d)",
            where, down_text, metres / 1000.0, home, s.allocation_cost);
        break;
      }
    }
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
    *reason = absl::StrCat(
        "待岗 (unplaced): no post in the county fits her (subjects ",
        absl::StrJoin(s.t->subjects, ", "), ", title ",
        Sv(TitleName(HiringBand(s.t->title))),
        hp_.allow_down_hiring ? absl::StrCat(", down-hiring at most ",
                                             hp_.max_bands_down, " band(s))")
                              : ", no down-hiring)",
        "; training, then reassignment");
  } else {
    *reason = absl::StrCat(
        "待岗 (unplaced): none of her choices could take her and all ",
        qualified, " post(s) she qualifies for are full (",
        absl::StrJoin(full, ", "), qualified > 5 ? ", ..." : "",
        "); training, then reassignment");
  }
  ex->notes.push_back(*reason);
}

RoundOutcome HiringRun::Assemble() {
  RoundOutcome out;
  out.kind = RoundKind::kCompetitiveHiring;
  out.seed = in_.seed;
  out.mechanism = mode_ == StageMode::kSequential
                      ? "sequential (in-school, cross-school, min-cost)"
                      : "simultaneous da-star, min-cost";
  int64_t down_hired = 0, unplaced = 0, home_first = 0;
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
    } else {
      pl.outcome = Outcome::kMoved;
    }
    switch (s.via) {
      case Via::kSimultaneous:
        pl.via = "competition (simultaneous da-star)";
        break;
      case Via::kStage1:
        pl.via = "in-school competition (sequential stage 1)";
        break;
      case Via::kStage2:
        pl.via = "cross-school competition (sequential stage 2)";
        break;
      case Via::kAllocation:
        pl.via = "county allocation (min-cost)";
        break;
      case Via::kFixed:
        pl.via = s.fix == Fix::kExempt ? "exempt"
                 : s.fix == Fix::kLock ? "lock"
                                       : "override";
        break;
      case Via::kNone:
        pl.via = "unplaced (待岗)";
        break;
    }
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
    if (s.via == Via::kStage1 && !s.entries.empty() &&
        !s.entries.front().implicit && !Own(t, s.entries.front().post)) {
      ++home_first;
    }
    TeacherExplanation ex;
    ex.teacher = s.t->id;
    ex.points_breakdown = s.points.components;
    Explain(t, &ex, &pl.reason);
    out.placements.push_back(std::move(pl));
    if (explanations_) out.explanations.push_back(std::move(ex));

    EligibilityEntry el;
    el.teacher = s.t->id;
    el.school = s.t->school;
    el.exempt = !s.exemption.empty();
    el.eligible = !el.exempt;
    el.voluntary = s.applied;
    el.points = s.points.total;
    el.reason =
        el.exempt
            ? absl::StrCat("exempt (", Sv(s.exemption), "): keeps her post")
            : (s.applied ? "competes with her application"
                         : "competes for her own school's posts (no "
                           "application)");
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
        "teacher hired at home in stage 1 cannot take a post she prefers "
        "elsewhere, so seats can stay empty while others are 待岗, and "
        "whether to compete at home is a strategic choice. In this run ",
        home_first,
        " teacher(s) were hired at home in stage 1 although they listed a "
        "post at another school first"));
  } else {
    out.notes.push_back(
        "simultaneous: in-school and cross-school competition as one DA* "
        "(at her own school's posts a teacher ranks above outsiders; then "
        "points, tie chain, lottery), then county allocation (min-cost: "
        "distance, subject fit) for the rest");
  }
  out.notes.push_back(absl::StrCat(
      vacant, " seat(s) in ", vacant_posts, " post(s) left vacant; ", unplaced,
      " teacher(s) 待岗; ", down_hired, " down-hired (低聘)"));
  for (std::string& n : notes_) out.notes.push_back(std::move(n));
  FinishOutcome(in_, &out);
  return out;
}

absl::StatusOr<RoundOutcome> HiringRun::Run() {
  ROTA_RETURN_IF_ERROR(Index());
  ROTA_RETURN_IF_ERROR(PlaceFixed());
  BuildLists();
  const int32_t n = static_cast<int32_t>(ts_.size());
  std::vector<std::vector<int32_t>> prefs(n);
  if (mode_ == StageMode::kSimultaneous) {
    for (int32_t t = 0; t < n; ++t) {
      if (ts_[t].fix != Fix::kNone) continue;
      for (const Entry& e : ts_[t].entries) {
        if (e.not_qualified.empty()) prefs[t].push_back(e.post);
      }
    }
    ROTA_RETURN_IF_ERROR(RunDa(prefs, /*tenure=*/true, Via::kSimultaneous));
  } else {
    for (int32_t t = 0; t < n; ++t) {
      if (ts_[t].fix != Fix::kNone) continue;
      for (const Entry& e : ts_[t].entries) {
        if (e.not_qualified.empty() && Own(t, e.post)) {
          prefs[t].push_back(e.post);
        }
      }
    }
    ROTA_RETURN_IF_ERROR(RunDa(prefs, /*tenure=*/false, Via::kStage1));
    for (int32_t t = 0; t < n; ++t) {
      prefs[t].clear();
      if (ts_[t].fix != Fix::kNone || ts_[t].final_post >= 0) continue;
      for (const Entry& e : ts_[t].entries) {
        if (e.not_qualified.empty()) prefs[t].push_back(e.post);
      }
    }
    ROTA_RETURN_IF_ERROR(RunDa(prefs, /*tenure=*/false, Via::kStage2));
  }
  ROTA_RETURN_IF_ERROR(Allocate());
  return Assemble();
}

}  // namespace

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
  HiringRun run(inputs, policy, mode, options);
  return run.Run();
}

}  // namespace rota::engine::rules
