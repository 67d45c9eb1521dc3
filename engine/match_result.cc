#include "engine/match_result.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace rota::engine {
namespace {

void PutU8(std::string* out, uint8_t v) {
  out->push_back(static_cast<char>(v));
}
void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutStr(std::string* out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s.data(), s.size());
}

// Mechanisms where holders rank first at their own post (TO-BE compares the
// posts' own priorities).
bool TenureMechanism(Mechanism m) {
  return m == Mechanism::kTenureDeferredAcceptance ||
         m == Mechanism::kTopTradingCycles;
}

}  // namespace

std::string_view MechanismName(Mechanism m) {
  switch (m) {
    case Mechanism::kDeferredAcceptance:
      return "da";
    case Mechanism::kPostProposingDeferredAcceptance:
      return "da-posts";
    case Mechanism::kTenureDeferredAcceptance:
      return "da-star";
    case Mechanism::kTeacherOptimalBlockExchange:
      return "to-be";
    case Mechanism::kTopTradingCycles:
      return "ttc";
    case Mechanism::kMinCost:
      return "min-cost";
  }
  return "unknown";
}

absl::StatusOr<Mechanism> ParseMechanism(std::string_view name) {
  for (Mechanism m : {Mechanism::kDeferredAcceptance,
                      Mechanism::kPostProposingDeferredAcceptance,
                      Mechanism::kTenureDeferredAcceptance,
                      Mechanism::kTeacherOptimalBlockExchange,
                      Mechanism::kTopTradingCycles, Mechanism::kMinCost}) {
    if (MechanismName(m) == name) return m;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "mechanism: unknown name \"", std::string(name),
      "\" (expected da, da-posts, da-star, to-be, ttc or min-cost)"));
}

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kUnplaced:
      return "unplaced";
    case Outcome::kPlaced:
      return "placed";
    case Outcome::kKeptOwnPost:
      return "kept_own_post";
    case Outcome::kExempt:
      return "exempt";
  }
  return "unknown";
}

std::string_view ReasonName(Reason r) {
  switch (r) {
    case Reason::kNotReached:
      return "not_reached";
    case Reason::kNotQualified:
      return "not_qualified";
    case Reason::kNotInPriority:
      return "not_in_priority";
    case Reason::kExempt:
      return "exempt";
    case Reason::kFull:
      return "full";
    case Reason::kReservedSeat:
      return "reserved_seat";
    case Reason::kFloorSeat:
      return "floor_seat";
    case Reason::kCeiling:
      return "ceiling";
    case Reason::kAfterOwnPost:
      return "after_own_post";
    case Reason::kNoExchange:
      return "no_exchange";
    case Reason::kTaken:
      return "taken";
    case Reason::kCostlier:
      return "costlier";
  }
  return "unknown";
}

void FinishResult(const Market& m, bool encode, MatchResult* r) {
  const int32_t n = m.num_teachers;
  ROTA_CHECK(static_cast<int32_t>(r->post_of.size()) == n);
  r->outcome.assign(n, Outcome::kUnplaced);
  r->choice_of.assign(n, -1);
  MatchStats& s = r->stats;
  s.placed = s.kept = s.unplaced = s.exempt = 0;
  s.by_choice.clear();
  for (int32_t t = 0; t < n; ++t) {
    const int32_t p = r->post_of[t];
    if (p >= 0) {
      for (int32_t e = m.entry_begin[t]; e < m.listed_end[t]; ++e) {
        if (m.entry_post[e] == p) {
          r->choice_of[t] = e - m.entry_begin[t];
          break;
        }
      }
    }
    if (m.exempt[t]) {
      r->outcome[t] = Outcome::kExempt;
      ++s.exempt;
      if (!r->entry_reason.empty()) {
        for (int32_t e = m.entry_begin[t]; e < m.entry_begin[t + 1]; ++e) {
          r->entry_reason[e] = Reason::kExempt;
        }
      }
      continue;
    }
    if (p < 0) {
      r->outcome[t] = Outcome::kUnplaced;
      ++s.unplaced;
    } else if (p == m.own_post[t]) {
      r->outcome[t] = Outcome::kKeptOwnPost;
      ++s.kept;
    } else {
      r->outcome[t] = Outcome::kPlaced;
      ++s.placed;
    }
    const int32_t c = r->choice_of[t];
    if (c >= 0) {
      if (static_cast<int32_t>(s.by_choice.size()) <= c)
        s.by_choice.resize(c + 1, 0);
      ++s.by_choice[c];
    }
  }
  std::sort(r->unmet_floors.begin(), r->unmet_floors.end(),
            [](const UnmetFloor& a, const UnmetFloor& b) {
              return a.post != b.post ? a.post < b.post : a.group < b.group;
            });
  if (!encode) {
    r->canonical.clear();
    r->digest = {};
    return;
  }
  std::string& out = r->canonical;
  out.clear();
  out.append("ROTA-MATCH");
  PutU8(&out, 1);
  PutStr(&out, MechanismName(r->mechanism));
  PutU64(&out, m.lottery_seed);
  PutU32(&out, static_cast<uint32_t>(n));
  PutU32(&out, static_cast<uint32_t>(m.num_posts));
  for (int32_t t = 0; t < n; ++t) {
    PutStr(&out, m.teacher_ids[t]);
    PutStr(&out, r->post_of[t] >= 0
                     ? std::string_view(m.post_ids[r->post_of[t]])
                     : std::string_view());
    PutU8(&out, static_cast<uint8_t>(r->outcome[t]));
    PutU32(&out, static_cast<uint32_t>(r->choice_of[t]));
  }
  PutU32(&out, static_cast<uint32_t>(r->unmet_floors.size()));
  for (const UnmetFloor& u : r->unmet_floors) {
    PutStr(&out, m.post_ids[u.post]);
    PutStr(&out, m.group_names[u.group]);
    PutU32(&out, static_cast<uint32_t>(u.floor));
    PutU32(&out, static_cast<uint32_t>(u.achieved));
  }
  r->digest = Sha256(out);
}

namespace {

std::string ReasonText(const Market& m, const WhyNot& w) {
  const bool ranked_by_points = !m.explicit_priority[w.post];
  auto competitors = [&]() {
    std::string s = absl::StrCat(w.higher_admitted, " teacher",
                                 w.higher_admitted == 1 ? "" : "s",
                                 " of higher priority admitted");
    if (w.lowest_admitted >= 0) {
      absl::StrAppend(&s, "; lowest admitted \"",
                      m.teacher_ids[w.lowest_admitted], "\"");
      if (ranked_by_points) {
        absl::StrAppend(&s, " with ", w.lowest_points, " points vs ",
                        w.her_points, " for this teacher");
      }
    }
    return s;
  };
  switch (w.reason) {
    case Reason::kNotReached:
      return "not needed (a choice ranked higher was obtained)";
    case Reason::kNotQualified:
      return "not qualified (subject or certificate stage)";
    case Reason::kNotInPriority:
      return "not in the post's priority list";
    case Reason::kExempt:
      return "exempt: takes no part in this round";
    case Reason::kFull:
      if (w.lowest_admitted < 0) {
        return absl::StrCat("no seat open (capacity ", m.capacity[w.post],
                            ", seats held by exempt teachers included)");
      }
      return absl::StrCat("full: ", competitors());
    case Reason::kReservedSeat:
      return absl::StrCat(
          "the seat this teacher would get is reserved for a group they are "
          "not in: ",
          competitors());
    case Reason::kFloorSeat:
      return absl::StrCat(
          "the seat this teacher would get is kept to meet a group's floor: ",
          competitors());
    case Reason::kCeiling:
      return absl::StrCat("a group of this teacher is at its ceiling there: ",
                          competitors());
    case Reason::kAfterOwnPost:
      return "ranked after the own post, which is kept";
    case Reason::kNoExchange:
      return absl::StrCat(
          "no exchange: no teacher who could leave it ranks below this teacher "
          "there, "
          "or no chain of exchanges reached them; ",
          competitors());
    case Reason::kTaken:
      return absl::StrCat("its seats went to teachers served earlier; ",
                          competitors());
    case Reason::kCostlier:
      return absl::StrCat(
          "the county-wide least-cost assignment (certified optimal) needs its "
          "seats for others; ",
          competitors());
  }
  return "unknown";
}

}  // namespace

Explainer::Explainer(const Market& market, const MatchResult& result)
    : market_(market), result_(result) {
  at_begin_.assign(market.num_posts + 1, 0);
  for (int32_t t = 0; t < market.num_teachers; ++t) {
    if (result.post_of[t] >= 0 && !market.exempt[t])
      ++at_begin_[result.post_of[t] + 1];
  }
  for (int32_t p = 0; p < market.num_posts; ++p)
    at_begin_[p + 1] += at_begin_[p];
  at_.resize(at_begin_[market.num_posts]);
  std::vector<int32_t> fill(at_begin_.begin(), at_begin_.end() - 1);
  for (int32_t t = 0; t < market.num_teachers; ++t) {
    if (result.post_of[t] >= 0 && !market.exempt[t])
      at_[fill[result.post_of[t]]++] = t;
  }
}

Explanation Explain(const Market& market, const MatchResult& result,
                    int32_t teacher) {
  return Explainer(market, result).Explain(teacher);
}

Explanation Explainer::Explain(int32_t teacher) const {
  const Market& m = market_;
  const MatchResult& r = result_;
  Explanation x;
  x.teacher = teacher;
  x.outcome = r.outcome[teacher];
  x.post = r.post_of[teacher];
  x.choice = r.choice_of[teacher];
  const bool tenure = TenureMechanism(r.mechanism);
  auto key_at = [&](int32_t t, int32_t e) -> uint64_t {
    uint64_t k = m.entry_key[e];
    if (tenure && e != m.own_entry[t]) k |= 1ULL << 32;
    return k;
  };
  int32_t stop = m.listed_end[teacher];
  if (x.post >= 0) {
    const int32_t e = m.FindEntry(teacher, x.post);
    if (e >= 0) stop = std::min(stop, e);
  }
  if (!r.entry_reason.empty()) {
    for (int32_t e = m.entry_begin[teacher]; e < stop; ++e) {
      WhyNot w;
      w.choice = e - m.entry_begin[teacher];
      w.post = m.entry_post[e];
      w.reason = r.entry_reason[e];
      w.her_points = m.PointsAt(e);
      if (w.reason == Reason::kFull || w.reason == Reason::kReservedSeat ||
          w.reason == Reason::kFloorSeat || w.reason == Reason::kCeiling ||
          w.reason == Reason::kNoExchange || w.reason == Reason::kTaken ||
          w.reason == Reason::kCostlier) {
        const uint64_t mine = key_at(teacher, e);
        uint64_t lowest = 0;
        for (int32_t i = at_begin_[w.post]; i < at_begin_[w.post + 1]; ++i) {
          const int32_t t = at_[i];
          if (t == teacher) continue;
          const int32_t f = m.FindEntry(t, w.post);
          if (f < 0) continue;
          const uint64_t k = key_at(t, f);
          if (k < mine) ++w.higher_admitted;
          if (w.lowest_admitted < 0 || k > lowest) {
            lowest = k;
            w.lowest_admitted = t;
            w.lowest_points = m.PointsAt(f);
          }
        }
      }
      x.why_not.push_back(w);
    }
  }
  std::string& s = x.text;
  s = absl::StrCat("teacher \"", m.teacher_ids[teacher], "\": ");
  switch (x.outcome) {
    case Outcome::kUnplaced:
      absl::StrAppend(&s, "unplaced.");
      break;
    case Outcome::kPlaced:
      absl::StrAppend(
          &s, "placed at \"", m.post_ids[x.post], "\"",
          x.choice >= 0 ? absl::StrCat(" (choice ", x.choice + 1, ")") : "",
          ".");
      break;
    case Outcome::kKeptOwnPost:
      absl::StrAppend(
          &s, "keeps own post \"", m.post_ids[x.post], "\"",
          x.choice >= 0 ? absl::StrCat(" (choice ", x.choice + 1, ")") : "",
          ".");
      break;
    case Outcome::kExempt:
      absl::StrAppend(
          &s, "exempt, not moved",
          x.post >= 0 ? absl::StrCat(" (stays at \"", m.post_ids[x.post], "\")")
                      : "",
          ".");
      break;
  }
  for (const WhyNot& w : x.why_not) {
    absl::StrAppend(&s, " Choice ", w.choice + 1, " \"", m.post_ids[w.post],
                    "\": ", ReasonText(m, w), ".");
  }
  return x;
}

}  // namespace rota::engine
