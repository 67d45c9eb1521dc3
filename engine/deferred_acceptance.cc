#include "engine/deferred_acceptance.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/choice_rules.h"
#include "engine/internal/market_util.h"

namespace rota::engine {
namespace {

// Max-heap on key (the lowest-priority held teacher on top).
inline void SiftDown(Candidate* heap, int32_t size, int32_t i) {
  const Candidate x = heap[i];
  while (true) {
    int32_t child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && heap[child + 1].key > heap[child].key) ++child;
    if (heap[child].key <= x.key) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = x;
}

inline void SiftUp(Candidate* heap, int32_t i) {
  const Candidate x = heap[i];
  while (i > 0) {
    const int32_t parent = (i - 1) / 2;
    if (heap[parent].key >= x.key) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = x;
}

constexpr uint32_t kNotTenured = 0x80000000u;

}  // namespace

void RunDeferredAcceptance(const Market& m, bool tenure, bool explain,
                           MatchResult* result) {
  const int32_t n = m.num_teachers;
  // Hot state packed per teacher and per post: one cache line touched per
  // side and proposal, which is what bounds DA on large markets.
  struct TeacherState {
    int32_t next;  // current entry
    int32_t end;   // end of the entries she uses
    int32_t own;   // own entry (tenure), -1
  };
  struct PostState {
    int32_t cap;
    int32_t held;
    int32_t heap_begin;
    int32_t rule;
  };
  std::vector<TeacherState> ts(n);
  for (int32_t t = 0; t < n; ++t) {
    ts[t].next = m.entry_begin[t];
    ts[t].own = tenure ? m.own_entry[t] : -1;
    ts[t].end =
        (tenure && m.own_entry[t] >= 0) ? m.own_entry[t] + 1 : m.listed_end[t];
  }
  const std::vector<int32_t> cap = internal::SeatsAfterExempt(m);
  std::vector<PostState> ps(m.num_posts);
  int32_t heap_size = 0;
  for (int32_t p = 0; p < m.num_posts; ++p) {
    ps[p] = {cap[p], 0, heap_size, m.rule_of_post[p]};
    if (ps[p].rule < 0) heap_size += cap[p];
  }
  std::vector<Candidate> heap(heap_size);
  // Posts with choice rules keep their held teachers sorted by key.
  std::vector<std::vector<Candidate>> ruled(m.num_posts);
  std::vector<uint8_t> chosen;
  std::vector<Reason> rule_reasons;
  for (int32_t p = 0; p < m.num_posts; ++p) {
    if (ps[p].rule >= 0) ruled[p].reserve(cap[p] + 1);
  }
  if (explain)
    result->entry_reason.assign(m.num_entries(), Reason::kNotReached);
  Reason* reason = explain ? result->entry_reason.data() : nullptr;
  const bool any_block =
      std::any_of(m.entry_block.begin(), m.entry_block.end(),
                  [](EntryBlock b) { return b != EntryBlock::kNone; });

  std::vector<int32_t> stack;
  stack.reserve(n);
  for (int32_t t = n - 1; t >= 0; --t) {
    if (!m.exempt[t]) stack.push_back(t);
  }
  int64_t proposals = 0;
  const int32_t* entry_post = m.entry_post.data();
  const uint32_t* entry_key = m.entry_key.data();
  const EntryBlock* entry_block = m.entry_block.data();
  while (!stack.empty()) {
    int32_t t = stack.back();
    stack.pop_back();
    while (true) {
      TeacherState& me = ts[t];
      const int32_t e = me.next;
      if (e >= me.end) break;  // list exhausted: unplaced
      if (any_block && entry_block[e] != EntryBlock::kNone) {
        if (reason) reason[e] = internal::ReasonForBlock(entry_block[e]);
        ++me.next;
        continue;
      }
      const int32_t p = entry_post[e];
      uint32_t key = entry_key[e];
      if (tenure && e != me.own) key |= kNotTenured;
      ++proposals;
      PostState& post = ps[p];
      if (post.rule < 0) {
        Candidate* h = heap.data() + post.heap_begin;
        if (post.held < post.cap) {
          h[post.held] = {key, t};
          SiftUp(h, post.held++);
          break;  // held
        }
        if (post.cap > 0 && key < h[0].key) {
          const int32_t rejected = h[0].teacher;
          h[0] = {key, t};
          SiftDown(h, post.held, 0);
          if (reason) reason[ts[rejected].next] = Reason::kFull;
          ++ts[rejected].next;
          t = rejected;  // continue with the displaced teacher
          continue;
        }
        if (reason) reason[e] = Reason::kFull;
        ++me.next;
        continue;
      }
      // Post with a choice rule: insert, choose, reject the rest.
      std::vector<Candidate>& v = ruled[p];
      const Candidate c{key, t};
      v.insert(std::upper_bound(v.begin(), v.end(), c,
                                [](const Candidate& a, const Candidate& b) {
                                  return a.key < b.key;
                                }),
               c);
      chosen.resize(v.size());
      rule_reasons.resize(v.size());
      ApplyChoiceRule(m, m.rules[post.rule], post.cap,
                      tenure ? kNotTenured : 0u, v, absl::MakeSpan(chosen),
                      absl::MakeSpan(rule_reasons));
      bool self_rejected = false;
      size_t keep = 0;
      for (size_t i = 0; i < v.size(); ++i) {
        if (chosen[i]) {
          v[keep++] = v[i];
          continue;
        }
        const int32_t r = v[i].teacher;
        if (reason) reason[ts[r].next] = rule_reasons[i];
        ++ts[r].next;
        if (r == t) {
          self_rejected = true;
        } else {
          stack.push_back(r);
        }
      }
      v.resize(keep);
      if (!self_rejected) break;
    }
  }
  result->stats.proposals = proposals;
  result->post_of.assign(n, -1);
  std::vector<int32_t> end(n);
  for (int32_t t = 0; t < n; ++t) {
    end[t] = ts[t].end;
    if (m.exempt[t]) {
      result->post_of[t] = m.own_post[t];
    } else if (ts[t].next < ts[t].end) {
      result->post_of[t] = entry_post[ts[t].next];
    }
  }
  internal::ReportUnmetFloors(m, result->post_of, end, tenure, result);
}

absl::Status RunPostProposingDeferredAcceptance(const Market& m, bool explain,
                                                MatchResult* result) {
  for (int32_t p = 0; p < m.num_posts; ++p) {
    if (m.rule_of_post[p] >= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("post \"", m.post_ids[p],
                       "\": post-proposing DA supports posts without reserves "
                       "or bounds only"));
    }
  }
  const int32_t n = m.num_teachers;
  std::vector<int32_t> cap = internal::SeatsAfterExempt(m);
  std::vector<int32_t> entry_teacher = internal::EntryTeachers(m);
  std::vector<int32_t> best(n, -1);  // entry of the offer she holds
  std::vector<int32_t> ptr(m.num_posts), count(m.num_posts, 0);
  std::vector<int32_t> queue;
  for (int32_t p = m.num_posts - 1; p >= 0; --p) {
    ptr[p] = m.applicants_begin[p];
    queue.push_back(p);
  }
  int64_t proposals = 0;
  while (!queue.empty()) {
    const int32_t p = queue.back();
    queue.pop_back();
    while (count[p] < cap[p] && ptr[p] < m.applicants_begin[p + 1]) {
      const int32_t e = m.applicants[ptr[p]++];
      const int32_t t = entry_teacher[e];
      if (m.entry_block[e] != EntryBlock::kNone || e >= m.listed_end[t])
        continue;
      ++proposals;
      if (best[t] >= 0 && best[t] < e) continue;  // she holds a better offer
      if (best[t] >= 0) {
        const int32_t q = m.entry_post[best[t]];
        if (--count[q] == cap[q] - 1) queue.push_back(q);
      }
      best[t] = e;
      ++count[p];
    }
  }
  result->stats.proposals = proposals;
  result->post_of.assign(n, -1);
  if (explain)
    result->entry_reason.assign(m.num_entries(), Reason::kNotReached);
  std::vector<int32_t> end(n);
  for (int32_t t = 0; t < n; ++t) {
    end[t] = m.listed_end[t];
    if (m.exempt[t]) {
      result->post_of[t] = m.own_post[t];
    } else if (best[t] >= 0) {
      result->post_of[t] = m.entry_post[best[t]];
    }
    if (!explain) continue;
    const int32_t stop = best[t] >= 0 ? best[t] : m.listed_end[t];
    for (int32_t e = m.entry_begin[t]; e < stop; ++e) {
      // A post she prefers never reached her: it filled up with teachers it
      // ranks higher.
      result->entry_reason[e] = m.entry_block[e] != EntryBlock::kNone
                                    ? internal::ReasonForBlock(m.entry_block[e])
                                    : Reason::kFull;
    }
  }
  internal::ReportUnmetFloors(m, result->post_of, end, /*tenure=*/false,
                              result);
  return absl::OkStatus();
}

}  // namespace rota::engine
