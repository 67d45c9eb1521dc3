#include "engine/model.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"

namespace rota::engine {
namespace {

constexpr int kMaxGroups = 64;
constexpr int64_t kMaxCapacity = std::numeric_limits<int32_t>::max() / 2;

std::string Quote(std::string_view s) {
  return absl::StrCat("\"", absl::string_view(s.data(), s.size()), "\"");
}

// Sorted positions of items by their id.
template <typename T>
std::vector<int32_t> OrderById(const std::vector<T>& items) {
  std::vector<int32_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int32_t a, int32_t b) { return items[a].id < items[b].id; });
  return order;
}

void AddImplicitGroups(const Teacher& t, std::vector<std::string>* out) {
  out->insert(out->end(), t.groups.begin(), t.groups.end());
  if (t.gender == Gender::kFemale) out->push_back("gender:female");
  if (t.gender == Gender::kMale) out->push_back("gender:male");
  if (t.backbone != BackboneLevel::kNone) out->push_back("backbone");
}

bool Contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

absl::Status ValidatePost(const Post& p) {
  const std::string name = absl::StrCat("post ", Quote(p.id));
  if (p.capacity < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": capacity ", p.capacity, " is negative"));
  }
  if (p.capacity > kMaxCapacity) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": capacity ", p.capacity, " is too large"));
  }
  absl::flat_hash_set<std::string_view> seen;
  int64_t reserved = 0;
  for (size_t i = 0; i < p.reserves.size(); ++i) {
    const Reserve& r = p.reserves[i];
    const std::string where = absl::StrCat(name, " reserve #", i + 1);
    if (r.group.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": empty group"));
    }
    if (!seen.insert(r.group).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": duplicate group ", Quote(r.group)));
    }
    if (r.seats < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": seats ", r.seats, " is negative"));
    }
    if (r.seats > p.capacity) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": ", r.seats, " reserved seats for ",
                       Quote(r.group), " exceed capacity ", p.capacity));
    }
    reserved += r.seats;
  }
  if (reserved > p.capacity) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": reserves total ", reserved,
                     " seats, above capacity ", p.capacity));
  }
  for (size_t i = 0; i < p.required_tags.size(); ++i) {
    if (p.required_tags[i].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " required tag #", i + 1, ": empty"));
    }
  }
  if (!p.reserves.empty() && !p.bounds.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": reserves and floors/ceilings cannot be combined on one post"));
  }
  seen.clear();
  int64_t floors = 0;
  for (size_t i = 0; i < p.bounds.size(); ++i) {
    const GroupBound& b = p.bounds[i];
    const std::string where = absl::StrCat(name, " bound #", i + 1);
    if (b.group.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": empty group"));
    }
    if (!seen.insert(b.group).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": duplicate group ", Quote(b.group)));
    }
    if (b.floor < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": floor ", b.floor, " is negative"));
    }
    if (b.floor > p.capacity) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": floor ", b.floor, " for ", Quote(b.group),
                       " is above capacity ", p.capacity));
    }
    if (b.ceiling < -1) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": ceiling ", b.ceiling, " is negative (use -1 for none)"));
    }
    if (b.ceiling >= 0 && b.ceiling < b.floor) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": ceiling ", b.ceiling, " is below floor ", b.floor));
    }
    floors += b.floor;
  }
  if (floors > p.capacity) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": floors total ", floors, ", above capacity ", p.capacity));
  }
  return absl::OkStatus();
}

}  // namespace

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t LotteryDraw(uint64_t seed, std::string_view teacher_id) {
  return SplitMix64(SplitMix64(seed) ^ Fnv1a64(teacher_id));
}

absl::Status Validate(const Model& model) {
  if (model.teachers.size() > static_cast<size_t>(kMaxCapacity) ||
      model.posts.size() > static_cast<size_t>(kMaxCapacity)) {
    return absl::InvalidArgumentError("model: too many teachers or posts");
  }
  const std::vector<int32_t> post_order = OrderById(model.posts);
  const std::vector<int32_t> teacher_order = OrderById(model.teachers);
  absl::flat_hash_map<std::string_view, int32_t> post_index;
  for (int32_t i : post_order) {
    const Post& p = model.posts[i];
    if (p.id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("post at input position ", i, ": empty id"));
    }
    if (!post_index.emplace(p.id, i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("post ", Quote(p.id), ": duplicate id"));
    }
  }
  absl::flat_hash_map<std::string_view, int32_t> teacher_index;
  for (int32_t i : teacher_order) {
    const Teacher& t = model.teachers[i];
    if (t.id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("teacher at input position ", i, ": empty id"));
    }
    if (!teacher_index.emplace(t.id, i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("teacher ", Quote(t.id), ": duplicate id"));
    }
  }
  for (int32_t i : post_order) {
    const Post& p = model.posts[i];
    ROTA_RETURN_IF_ERROR(ValidatePost(p));
    absl::flat_hash_set<std::string_view> seen;
    for (size_t k = 0; k < p.priority.size(); ++k) {
      const std::string& tid = p.priority[k];
      if (!teacher_index.contains(tid)) {
        return absl::InvalidArgumentError(
            absl::StrCat("post ", Quote(p.id), " priority #", k + 1,
                         ": unknown teacher ", Quote(tid)));
      }
      if (!seen.insert(tid).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("post ", Quote(p.id), " priority #", k + 1,
                         ": duplicate teacher ", Quote(tid)));
      }
    }
  }
  absl::flat_hash_set<std::string> groups;
  std::vector<int32_t> last_listed(model.posts.size(), -1);
  for (int32_t i : teacher_order) {
    const Teacher& t = model.teachers[i];
    // Built only for an error message.
    auto name = [&t] { return absl::StrCat("teacher ", Quote(t.id)); };
    if (!t.current_post.empty() && !post_index.contains(t.current_post)) {
      return absl::InvalidArgumentError(absl::StrCat(
          name(), ": current_post ", Quote(t.current_post), " is unknown"));
    }
    constexpr int64_t kMinPoints = std::numeric_limits<int64_t>::min();
    if (t.points == kMinPoints ||
        std::find(t.points_at_choice.begin(), t.points_at_choice.end(),
                  kMinPoints) != t.points_at_choice.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name(), ": points must be greater than ", kMinPoints));
    }
    if (!t.points_at_choice.empty() &&
        t.points_at_choice.size() != t.preferences.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          name(), ": points_at_choice has ", t.points_at_choice.size(),
          " values for ", t.preferences.size(), " preferences"));
    }
    for (size_t k = 0; k < t.preferences.size(); ++k) {
      const std::string& pid = t.preferences[k];
      auto it = post_index.find(pid);
      if (it == post_index.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            name(), " preference #", k + 1, ": unknown post ", Quote(pid)));
      }
      // Duplicates by stamp (no set per teacher): last_listed[post] = i.
      if (last_listed[it->second] == i) {
        return absl::InvalidArgumentError(absl::StrCat(
            name(), " preference #", k + 1, ": duplicate post ", Quote(pid)));
      }
      last_listed[it->second] = i;
    }
    for (const std::string& g : t.groups) {
      if (g.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(name(), ": empty group tag"));
      }
    }
    std::vector<std::string> all;
    AddImplicitGroups(t, &all);
    groups.insert(all.begin(), all.end());
    if (groups.size() > static_cast<size_t>(kMaxGroups)) {
      return absl::InvalidArgumentError(absl::StrCat(
          name(), ": more than ", kMaxGroups, " distinct group tags in model"));
    }
  }
  for (const Post& p : model.posts) {
    for (const Reserve& r : p.reserves) groups.insert(r.group);
    for (const GroupBound& b : p.bounds) groups.insert(b.group);
  }
  if (groups.size() > static_cast<size_t>(kMaxGroups)) {
    return absl::InvalidArgumentError(
        absl::StrCat("model: more than ", kMaxGroups, " distinct group names"));
  }
  return absl::OkStatus();
}

int32_t Market::TeacherOfEntry(int32_t entry) const {
  auto it = std::upper_bound(entry_begin.begin(), entry_begin.end(), entry);
  return static_cast<int32_t>(it - entry_begin.begin()) - 1;
}

int32_t Market::FindEntry(int32_t teacher, int32_t post) const {
  for (int32_t e = entry_begin[teacher]; e < entry_begin[teacher + 1]; ++e) {
    if (entry_post[e] == post) return e;
  }
  return -1;
}

namespace {

// Sorts each post's entries into `applicants` and assigns entry_key.
// `key(e)` gives an entry's sort key within its post, smaller = higher
// priority; keys are materialised first so the sort touches one array.
template <typename Key>
void RankApplicants(Market& m, Key key) {
  const int32_t num_entries = m.num_entries();
  m.applicants_begin.assign(m.num_posts + 1, 0);
  for (int32_t e = 0; e < num_entries; ++e)
    ++m.applicants_begin[m.entry_post[e] + 1];
  for (int32_t p = 0; p < m.num_posts; ++p) {
    m.applicants_begin[p + 1] += m.applicants_begin[p];
  }
  struct Keyed {
    std::pair<int64_t, int64_t> key;
    int32_t entry;
  };
  std::vector<Keyed> keyed(num_entries);
  std::vector<int32_t> fill(m.applicants_begin.begin(),
                            m.applicants_begin.end() - 1);
  for (int32_t e = 0; e < num_entries; ++e) {
    keyed[fill[m.entry_post[e]]++] = {key(e), e};
  }
  m.applicants.resize(num_entries);
  m.entry_key.assign(num_entries, 0);
  for (int32_t p = 0; p < m.num_posts; ++p) {
    auto first = keyed.begin() + m.applicants_begin[p];
    auto last = keyed.begin() + m.applicants_begin[p + 1];
    // Keys are unique within a post (the tie rank is), so the order is total.
    std::sort(first, last,
              [](const Keyed& a, const Keyed& b) { return a.key < b.key; });
    uint32_t rank = 0;
    for (auto it = first; it != last; ++it) {
      m.applicants[it - keyed.begin()] = it->entry;
      m.entry_key[it->entry] = rank++;
    }
  }
}

void BuildHolders(Market& m) {
  m.holders_begin.assign(m.num_posts + 1, 0);
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    if (m.own_post[t] >= 0) ++m.holders_begin[m.own_post[t] + 1];
  }
  for (int32_t p = 0; p < m.num_posts; ++p) {
    m.holders_begin[p + 1] += m.holders_begin[p];
  }
  m.holders.resize(m.holders_begin[m.num_posts]);
  std::vector<int32_t> fill(m.holders_begin.begin(), m.holders_begin.end() - 1);
  for (int32_t t = 0; t < m.num_teachers; ++t) {
    if (m.own_post[t] >= 0) m.holders[fill[m.own_post[t]]++] = t;
  }
  for (int32_t p = 0; p < m.num_posts; ++p) {
    std::sort(
        m.holders.begin() + m.holders_begin[p],
        m.holders.begin() + m.holders_begin[p + 1], [&](int32_t a, int32_t b) {
          return m.entry_key[m.own_entry[a]] < m.entry_key[m.own_entry[b]];
        });
  }
}

}  // namespace

absl::StatusOr<Market> Compile(const Model& model) {
  ROTA_RETURN_IF_ERROR(Validate(model));
  Market m;
  m.lottery_seed = model.lottery_seed;
  const std::vector<int32_t> post_order = OrderById(model.posts);
  const std::vector<int32_t> teacher_order = OrderById(model.teachers);
  m.num_posts = static_cast<int32_t>(post_order.size());
  m.num_teachers = static_cast<int32_t>(teacher_order.size());

  absl::flat_hash_map<std::string_view, int32_t> post_index;
  post_index.reserve(m.num_posts);
  for (int32_t j = 0; j < m.num_posts; ++j) {
    const Post& p = model.posts[post_order[j]];
    post_index.emplace(p.id, j);
    m.post_ids.push_back(p.id);
    m.post_school.push_back(p.school);
    m.capacity.push_back(static_cast<int32_t>(p.capacity));
    m.explicit_priority.push_back(p.priority.empty() ? 0 : 1);
  }
  absl::flat_hash_map<std::string_view, int32_t> teacher_index;
  teacher_index.reserve(m.num_teachers);
  for (int32_t i = 0; i < m.num_teachers; ++i) {
    teacher_index.emplace(model.teachers[teacher_order[i]].id, i);
  }

  // Groups.
  std::vector<std::vector<std::string>> teacher_groups(m.num_teachers);
  {
    std::vector<std::string> names;
    for (int32_t i = 0; i < m.num_teachers; ++i) {
      AddImplicitGroups(model.teachers[teacher_order[i]], &teacher_groups[i]);
      names.insert(names.end(), teacher_groups[i].begin(),
                   teacher_groups[i].end());
    }
    for (const Post& p : model.posts) {
      for (const Reserve& r : p.reserves) names.push_back(r.group);
      for (const GroupBound& b : p.bounds) names.push_back(b.group);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    m.group_names = std::move(names);
  }
  auto group_index = [&](const std::string& g) {
    return static_cast<int32_t>(
        std::lower_bound(m.group_names.begin(), m.group_names.end(), g) -
        m.group_names.begin());
  };

  // Tie order: tie chain (larger first), lottery (smaller first), id.
  {
    std::vector<uint64_t> draw(m.num_teachers);
    for (int32_t i = 0; i < m.num_teachers; ++i) {
      draw[i] =
          LotteryDraw(model.lottery_seed, model.teachers[teacher_order[i]].id);
    }
    std::vector<int32_t> order(m.num_teachers);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
      const auto& ta = model.teachers[teacher_order[a]].tie_breakers;
      const auto& tb = model.teachers[teacher_order[b]].tie_breakers;
      if (ta != tb) return ta > tb;  // lexicographic, larger first
      if (draw[a] != draw[b]) return draw[a] < draw[b];
      return a < b;  // a < b <=> id(a) < id(b)
    });
    m.tie_rank.resize(m.num_teachers);
    for (int32_t r = 0; r < m.num_teachers; ++r) m.tie_rank[order[r]] = r;
  }

  // Explicit priority positions, by (post, teacher).
  absl::flat_hash_map<std::pair<int32_t, int32_t>, int32_t> explicit_pos;
  for (int32_t j = 0; j < m.num_posts; ++j) {
    const Post& p = model.posts[post_order[j]];
    for (size_t k = 0; k < p.priority.size(); ++k) {
      explicit_pos.emplace(std::make_pair(j, teacher_index.at(p.priority[k])),
                           static_cast<int32_t>(k));
    }
  }
  // Per-teacher arrays and entries.
  bool any_override = false;
  for (const Teacher& t : model.teachers) {
    if (!t.points_at_choice.empty()) any_override = true;
  }
  m.entry_begin.reserve(m.num_teachers + 1);
  for (int32_t i = 0; i < m.num_teachers; ++i) {
    const Teacher& t = model.teachers[teacher_order[i]];
    m.teacher_ids.push_back(t.id);
    const int32_t own =
        t.current_post.empty() ? -1 : post_index.at(t.current_post);
    m.own_post.push_back(own);
    m.exempt.push_back(t.exempt ? 1 : 0);
    m.points.push_back(t.points);
    uint64_t mask = 0;
    for (const std::string& g : teacher_groups[i])
      mask |= 1ULL << group_index(g);
    m.group_mask.push_back(mask);
    m.entry_begin.push_back(m.num_entries());
    int32_t own_entry = -1;
    auto add_entry = [&](int32_t post, int64_t pts) {
      const Post& p = model.posts[post_order[post]];
      EntryBlock block = EntryBlock::kNone;
      const bool is_own = post == own;
      if (t.exempt) {
        block = EntryBlock::kExempt;
      } else if (!is_own &&
                 ((!p.subject.empty() && !Contains(t.subjects, p.subject)) ||
                  (!p.stage.empty() && !Contains(t.stages, p.stage)) ||
                  !std::all_of(p.required_tags.begin(), p.required_tags.end(),
                               [&](const std::string& tag) {
                                 return Contains(teacher_groups[i], tag);
                               }))) {
        block = EntryBlock::kNotQualified;
      } else if (!is_own && !p.priority.empty() &&
                 !explicit_pos.contains(std::make_pair(post, i))) {
        block = EntryBlock::kNotInPriority;
      }
      if (is_own) own_entry = m.num_entries();
      m.entry_post.push_back(post);
      m.entry_block.push_back(block);
      if (any_override) m.entry_points.push_back(pts);
    };
    for (size_t k = 0; k < t.preferences.size(); ++k) {
      add_entry(post_index.at(t.preferences[k]),
                t.points_at_choice.empty() ? t.points : t.points_at_choice[k]);
    }
    m.listed_end.push_back(m.num_entries());
    if (own >= 0 && own_entry < 0) add_entry(own, t.points);
    m.own_entry.push_back(own_entry);
  }
  m.entry_begin.push_back(m.num_entries());

  std::vector<int32_t> entry_teacher(m.num_entries());
  for (int32_t i = 0; i < m.num_teachers; ++i) {
    for (int32_t e = m.entry_begin[i]; e < m.entry_begin[i + 1]; ++e) {
      entry_teacher[e] = i;
    }
  }
  RankApplicants(m, [&](int32_t e) -> std::pair<int64_t, int64_t> {
    const int32_t post = m.entry_post[e];
    const int32_t t = entry_teacher[e];
    if (m.explicit_priority[post]) {
      auto it = explicit_pos.find({post, t});
      const int64_t pos = it == explicit_pos.end()
                              ? std::numeric_limits<int32_t>::max()
                              : it->second;
      return {pos, m.tie_rank[t]};
    }
    // Larger points first. Points are validated to be > INT64_MIN.
    const int64_t points =
        m.entry_points.empty() ? m.points[t] : m.entry_points[e];
    return {-points, m.tie_rank[t]};
  });
  BuildHolders(m);

  // Distributional rules.
  m.rule_of_post.assign(m.num_posts, -1);
  for (int32_t j = 0; j < m.num_posts; ++j) {
    const Post& p = model.posts[post_order[j]];
    if (p.reserves.empty() && p.bounds.empty()) continue;
    Market::Rule rule;
    if (!p.reserves.empty()) {
      int64_t reserved = 0;
      std::vector<int32_t> reserve_seats;
      for (const Reserve& r : p.reserves) {
        for (int64_t k = 0; k < r.seats; ++k) {
          reserve_seats.push_back(group_index(r.group));
        }
        reserved += r.seats;
      }
      std::vector<int32_t> open(p.capacity - reserved, -1);
      if (p.reserve_precedence == ReservePrecedence::kReserveFirst) {
        rule.seat_groups = reserve_seats;
        rule.seat_groups.insert(rule.seat_groups.end(), open.begin(),
                                open.end());
      } else {
        rule.seat_groups = open;
        rule.seat_groups.insert(rule.seat_groups.end(), reserve_seats.begin(),
                                reserve_seats.end());
      }
    }
    for (const GroupBound& b : p.bounds) {
      rule.bounds.push_back({group_index(b.group),
                             static_cast<int32_t>(b.floor),
                             static_cast<int32_t>(b.ceiling), b.hard_ceiling});
    }
    std::sort(rule.bounds.begin(), rule.bounds.end(),
              [](const Market::Rule::Bound& a, const Market::Rule::Bound& b) {
                return a.group < b.group;
              });
    m.rule_of_post[j] = static_cast<int32_t>(m.rules.size());
    m.rules.push_back(std::move(rule));
  }
  return m;
}

absl::StatusOr<Market> CompileDense(DenseModel d) {
  Market m;
  m.lottery_seed = d.lottery_seed;
  m.num_posts = static_cast<int32_t>(d.capacity.size());
  if (d.pref_begin.empty() || d.pref_begin.front() != 0) {
    return absl::InvalidArgumentError("pref_begin: must start with 0");
  }
  m.num_teachers = static_cast<int32_t>(d.pref_begin.size()) - 1;
  if (d.pref_begin.back() != static_cast<int32_t>(d.pref_post.size()) ||
      d.pref_points.size() != d.pref_post.size()) {
    return absl::InvalidArgumentError(
        "pref_begin/pref_post/pref_points: inconsistent sizes");
  }
  if (!d.current_post.empty() &&
      d.current_post.size() != static_cast<size_t>(m.num_teachers)) {
    return absl::InvalidArgumentError("current_post: wrong size");
  }
  for (int32_t j = 0; j < m.num_posts; ++j) {
    if (d.capacity[j] < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "post ", j, ": capacity ", d.capacity[j], " is negative"));
    }
  }
  for (size_t e = 0; e < d.pref_points.size(); ++e) {
    if (d.pref_points[e] == std::numeric_limits<int64_t>::min()) {
      return absl::InvalidArgumentError(
          absl::StrCat("pref_points[", e, "]: must be greater than INT64_MIN"));
    }
  }
  std::vector<int32_t> last_seen(m.num_posts, -1);
  for (int32_t i = 0; i < m.num_teachers; ++i) {
    if (d.pref_begin[i + 1] < d.pref_begin[i]) {
      return absl::InvalidArgumentError("pref_begin: not non-decreasing");
    }
    for (int32_t e = d.pref_begin[i]; e < d.pref_begin[i + 1]; ++e) {
      const int32_t p = d.pref_post[e];
      if (p < 0 || p >= m.num_posts) {
        return absl::InvalidArgumentError(
            absl::StrCat("teacher ", i, " preference #",
                         e - d.pref_begin[i] + 1, ": unknown post ", p));
      }
      if (last_seen[p] == i) {
        return absl::InvalidArgumentError(
            absl::StrCat("teacher ", i, " preference #",
                         e - d.pref_begin[i] + 1, ": duplicate post ", p));
      }
      last_seen[p] = i;
    }
    if (!d.current_post.empty() &&
        (d.current_post[i] < -1 || d.current_post[i] >= m.num_posts)) {
      return absl::InvalidArgumentError(
          absl::StrCat("teacher ", i, ": unknown current_post"));
    }
  }
  m.post_ids.resize(m.num_posts);
  m.post_school.resize(m.num_posts);
  for (int32_t j = 0; j < m.num_posts; ++j) {
    m.post_ids[j] = absl::StrFormat("p%09d", j);
  }
  m.capacity = d.capacity;
  m.explicit_priority.assign(m.num_posts, 0);
  m.teacher_ids.resize(m.num_teachers);
  std::vector<uint64_t> draw(m.num_teachers);
  for (int32_t i = 0; i < m.num_teachers; ++i) {
    m.teacher_ids[i] = absl::StrFormat("t%09d", i);
    draw[i] = LotteryDraw(d.lottery_seed, m.teacher_ids[i]);
  }
  {
    std::vector<int32_t> order(m.num_teachers);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
      return draw[a] != draw[b] ? draw[a] < draw[b] : a < b;
    });
    m.tie_rank.resize(m.num_teachers);
    for (int32_t r = 0; r < m.num_teachers; ++r) m.tie_rank[order[r]] = r;
  }
  m.own_post.assign(m.num_teachers, -1);
  m.own_entry.assign(m.num_teachers, -1);
  m.exempt.assign(m.num_teachers, 0);
  m.group_mask.assign(m.num_teachers, 0);
  m.points.assign(m.num_teachers, 0);
  const bool has_holders = !d.current_post.empty();
  if (!has_holders) {
    m.entry_begin = std::move(d.pref_begin);
    m.listed_end.assign(m.entry_begin.begin() + 1, m.entry_begin.end());
    m.entry_post = std::move(d.pref_post);
    m.entry_points = std::move(d.pref_points);
  } else {
    m.entry_begin.reserve(m.num_teachers + 1);
    for (int32_t i = 0; i < m.num_teachers; ++i) {
      m.entry_begin.push_back(m.num_entries());
      const int32_t own = d.current_post[i];
      m.own_post[i] = own;
      for (int32_t e = d.pref_begin[i]; e < d.pref_begin[i + 1]; ++e) {
        if (d.pref_post[e] == own) m.own_entry[i] = m.num_entries();
        m.entry_post.push_back(d.pref_post[e]);
        m.entry_points.push_back(d.pref_points[e]);
      }
      m.listed_end.push_back(m.num_entries());
      if (own >= 0 && m.own_entry[i] < 0) {
        m.own_entry[i] = m.num_entries();
        m.entry_post.push_back(own);
        m.entry_points.push_back(0);
      }
    }
    m.entry_begin.push_back(m.num_entries());
  }
  m.entry_block.assign(m.num_entries(), EntryBlock::kNone);
  // Ranking needs the teacher of each entry; entry_points decide first.
  std::vector<int32_t> entry_teacher(m.num_entries());
  for (int32_t i = 0; i < m.num_teachers; ++i) {
    for (int32_t e = m.entry_begin[i]; e < m.entry_begin[i + 1]; ++e) {
      entry_teacher[e] = i;
    }
  }
  RankApplicants(m, [&](int32_t e) -> std::pair<int64_t, int64_t> {
    return {-m.entry_points[e], m.tie_rank[entry_teacher[e]]};
  });
  BuildHolders(m);
  m.rule_of_post.assign(m.num_posts, -1);
  return m;
}

}  // namespace rota::engine
