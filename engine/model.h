// The matching model: teachers, posts, both sides' rankings, the current
// holders of posts and per-post distributional rules.
//
// Callers describe a market with plain structs keyed by string ids (`Model`).
// `Compile` validates it and turns it into a `Market`: dense int indices
// (teachers and posts sorted by id, so the order in which callers list them
// can never change a result), flat preference arrays and, for every
// (teacher, post) preference entry, the teacher's rank in that post's
// priority order. Every mechanism (engine/solve.h) runs on a `Market`.
//
//   Model m;
//   m.lottery_seed = 20260901;
//   Post post;
//   post.id = "s1-math";
//   post.capacity = 2;
//   post.subject = "math";
//   m.posts.push_back(post);
//   Teacher t;
//   t.id = "T001";
//   t.subjects = {"math"};
//   t.points = 8450;
//   t.preferences = {"s1-math"};
//   m.teachers.push_back(t);
//   // InvalidArgument on bad input:
//   absl::StatusOr<Market> market = Compile(m);
//
// Priority of a post over teachers (highest first), documented here because
// explanations and audits quote it:
//   1. If the post has an explicit `priority` list: the order of that list;
//      teachers not in it are unacceptable to the post.
//   2. Otherwise: points at the post (`Teacher::points`, or the per-choice
//      override `Teacher::points_at_choice`), larger first; then the tie chain
//      `Teacher::tie_breakers`, compared lexicographically, larger first (a
//      shorter chain that is a prefix of a longer one ranks lower); then the
//      lottery: smaller `LotteryDraw(lottery_seed, teacher id)` first; then
//      the id (bytewise), which only matters if two draws collide.
// The lottery is a single draw per teacher shared by all posts (single
// tie-breaking), so it cannot create cycles of ties between posts.
//
// Qualification: a teacher may be placed at a post only if the post's subject
// is empty or among the teacher's subjects, the post's stage is empty or
// among the teacher's certificate stages, and each of the post's
// required_tags is among her groups. A holder may always keep her own
// post (tenure), whatever her qualification.
//
// Exempt teachers take no part in a round: they keep their current post (if
// any), which uses one of its seats.
//
// Groups: a teacher belongs to the groups in `Teacher::groups`, plus the
// implicit groups "gender:female" / "gender:male" from `gender` and
// "backbone" when `backbone` is not kNone. Reserves, floors and ceilings
// name groups. At most 64 distinct group names per model.
//
// Thread-safety: Model and Market are plain values; concurrent const access
// is safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace rota::engine {

enum class Gender : uint8_t { kUnspecified = 0, kFemale = 1, kMale = 2 };
enum class BackboneLevel : uint8_t {
  kNone = 0,
  kCounty = 1,
  kCity = 2,
  kProvince = 3
};

// Which seats a post fills first when it has reserves (Hafalir, Yenmez and
// Yildirim 2013; Dur, Kominers, Pathak and Sönmez 2018 on the precedence
// order). Reserves are soft: a reserved seat that no group member claims is
// filled by the best remaining applicant.
enum class ReservePrecedence : uint8_t {
  kReserveFirst = 0,  // reserved seats are filled before open seats
  kOpenFirst = 1,     // open seats are filled before reserved seats
};

struct Reserve {
  std::string group;  // group whose members the seats are reserved for
  int64_t seats = 0;  // number of reserved seats, 0 <= seats
};

// A floor and/or ceiling on the number of a group's members at a post
// (Ehlers, Hafalir, Yenmez and Yildirim 2014, soft bounds). Floors are met
// when enough qualified group members apply; every floor that is not met is
// reported with its reason. A soft ceiling may be exceeded only to avoid
// leaving a seat empty; a hard ceiling never is.
struct GroupBound {
  std::string group;
  int64_t floor = 0;          // minimum members wanted, 0 <= floor <= capacity
  int64_t ceiling = -1;       // maximum members, -1 = no ceiling
  bool hard_ceiling = false;  // true: never exceed the ceiling
};

struct Post {
  std::string id;        // unique, non-empty
  std::string school;    // school the post belongs to (for reports only)
  int64_t capacity = 0;  // seats, including those held now; >= 0
  std::string subject;   // required subject; empty = any
  std::string stage;     // required certificate stage; empty = any
  // Further requirements: tags the teacher must all have among her groups
  // (explicit or implicit), e.g. a title band "title:senior" or a zone.
  std::vector<std::string> required_tags;
  // Explicit priority (teacher ids, best first). Empty = by points, tie chain
  // and lottery (see the file comment).
  std::vector<std::string> priority;
  std::vector<Reserve> reserves;  // at most one per group
  ReservePrecedence reserve_precedence = ReservePrecedence::kReserveFirst;
  std::vector<GroupBound> bounds;  // at most one per group; not with reserves
};

struct Teacher {
  std::string id;  // unique, non-empty (staff id)
  Gender gender = Gender::kUnspecified;
  BackboneLevel backbone = BackboneLevel::kNone;
  std::vector<std::string> subjects;  // subjects she may teach
  std::vector<std::string> stages;    // certificate stages (教师资格)
  bool exempt = false;                // never moved (keeps current_post)
  std::vector<std::string> groups;    // extra group tags for reserves/bounds
  int64_t points = 0;  // 积分, in the caller's fixed-point unit
  std::vector<int64_t> tie_breakers;  // the county's tie chain, larger first
  std::string current_post;           // post held now; empty = none
  // Posts she accepts, best first (志愿). A holder who omits her own post
  // wants to leave it under plain DA; tenure-respecting mechanisms treat the
  // own post as her last acceptable choice and ignore entries after it.
  std::vector<std::string> preferences;
  // Empty, or one value per preference: her points at that post, replacing
  // `points` there (e.g. subject-specific bonuses).
  std::vector<int64_t> points_at_choice;
};

struct Model {
  std::vector<Teacher> teachers;
  std::vector<Post> posts;
  uint64_t lottery_seed = 0;  // recorded with the round; see LotteryDraw
};

// Checks `model` without building anything. Returns InvalidArgument naming
// the first bad item (e.g. `teacher "T7" preference #3: unknown post "P9"`),
// OK otherwise. Items are checked in id order, so the error does not depend
// on input order either.
absl::Status Validate(const Model& model);

// SplitMix64 (Steele, Lea and Flood 2014), the fixed mixing function used for
// lotteries: portable and identical on every standard library.
uint64_t SplitMix64(uint64_t x);
// FNV-1a 64-bit hash of the bytes of `s`.
uint64_t Fnv1a64(std::string_view s);
// The teacher's lottery draw: SplitMix64(SplitMix64(seed) ^ Fnv1a64(id)).
uint64_t LotteryDraw(uint64_t seed, std::string_view teacher_id);

// Why a preference entry can never be used, fixed before any mechanism runs.
enum class EntryBlock : uint8_t {
  kNone = 0,
  kNotQualified = 1,   // subject or certificate stage does not match
  kNotInPriority = 2,  // the post's explicit priority list omits her
  kExempt = 3,         // the teacher is exempt and takes no part
};

// Compiled, validated market. Indices are dense; teachers and posts are in
// id order. Entry e is one (teacher, post) pair from a preference list; a
// holder who did not list her own post gets one extra "implicit" entry for it
// after her listed ones (used only by tenure-respecting mechanisms).
struct Market {
  int32_t num_teachers = 0;
  int32_t num_posts = 0;
  uint64_t lottery_seed = 0;
  std::vector<std::string> teacher_ids;  // [teacher]
  std::vector<std::string> post_ids;     // [post]
  std::vector<std::string> post_school;  // [post], may be empty strings

  // Per teacher.
  std::vector<int32_t> entry_begin;  // [teacher + 1] into entry arrays
  std::vector<int32_t> listed_end;   // end of the entries she listed
  std::vector<int32_t> own_post;     // post held now, -1 if none
  std::vector<int32_t> own_entry;  // entry of own_post (listed or implicit), -1
  std::vector<uint8_t> exempt;     // 1 = exempt
  std::vector<uint64_t> group_mask;  // bit g = member of group_names[g]
  std::vector<int64_t> points;       // base points
  // Rank of the teacher in the tie order (tie chain, lottery, id); 0 first.
  std::vector<int32_t> tie_rank;

  // Per entry.
  std::vector<int32_t> entry_post;
  // The teacher's rank among all entries of entry_post (0 = highest
  // priority). Strict within a post.
  std::vector<uint32_t> entry_key;
  std::vector<EntryBlock> entry_block;
  // Points at the entry's post; empty when nobody used points_at_choice
  // (then `points` applies).
  std::vector<int64_t> entry_points;

  // Per post.
  std::vector<int32_t> capacity;
  std::vector<uint8_t> explicit_priority;  // 1 = ranked by an explicit list
  // Entries of each post sorted by entry_key (best first).
  std::vector<int32_t> applicants_begin;  // [post + 1]
  std::vector<int32_t> applicants;        // entry indices
  // Teachers holding each post now, sorted by their key there (best first).
  std::vector<int32_t> holders_begin;  // [post + 1]
  std::vector<int32_t> holders;        // teacher indices
  // Distributional rules; index into `rules`, -1 = responsive (plain).
  std::vector<int32_t> rule_of_post;
  struct Rule {
    // Seat order for reserves: each seat is open (-1) or reserved for a
    // group index. Empty when the post uses bounds instead.
    std::vector<int32_t> seat_groups;
    struct Bound {
      int32_t group = 0;
      int32_t floor = 0;
      int32_t ceiling = -1;
      bool hard = false;
    };
    std::vector<Bound> bounds;
  };
  std::vector<Rule> rules;
  std::vector<std::string> group_names;  // sorted

  int32_t num_entries() const {
    return static_cast<int32_t>(entry_post.size());
  }
  int64_t PointsAt(int32_t entry) const {
    return entry_points.empty() ? points[TeacherOfEntry(entry)]
                                : entry_points[entry];
  }
  // Binary search over entry_begin; O(log n). For explanations only.
  int32_t TeacherOfEntry(int32_t entry) const;
  // Entry of `teacher` for `post`, -1 if she did not list it (and does not
  // hold it). O(list length).
  int32_t FindEntry(int32_t teacher, int32_t post) const;
  bool InGroup(int32_t teacher, int32_t group) const {
    return (group_mask[teacher] >> group) & 1;
  }
};

// Validates `model` (see Validate) and compiles it. InvalidArgument on bad
// input. The result depends only on the set of teachers and posts, never on
// their order in `model`.
absl::StatusOr<Market> Compile(const Model& model);

// A market given directly by dense indices, for generators and benchmarks
// that would waste time and memory on millions of string ids. Teacher i is
// named "t<i>" and post j "p<j>" in encodings (zero-padded to 9 digits so
// that bytewise id order is index order). Priorities: points at the entry,
// larger first, then the lottery. No qualification or groups.
struct DenseModel {
  std::vector<int32_t> capacity;      // [post]
  std::vector<int32_t> pref_begin;    // [teacher + 1] into pref_post
  std::vector<int32_t> pref_post;     // flattened preference lists
  std::vector<int64_t> pref_points;   // same length: points at that post
  std::vector<int32_t> current_post;  // empty, or [teacher]: -1 = none
  uint64_t lottery_seed = 0;
};
absl::StatusOr<Market> CompileDense(DenseModel dense);

}  // namespace rota::engine
