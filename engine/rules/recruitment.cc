// Recruitment round (recruitment.h): gate, reserves, DA with the relative
// floor, then the per-post table and the applicants' explanations.
#include "engine/rules/recruitment.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "engine/deferred_acceptance.h"
#include "engine/match_result.h"
#include "engine/model.h"
#include "engine/rules/hard_rule.h"
#include "engine/rules/internal/bilingual.h"
#include "engine/rules/internal/pronouns.h"
#include "engine/rules/internal/strings.h"
#include "engine/rules/internal/words_zh.h"
namespace rota::engine::rules {

using internal::Sv;

std::string_view SeatTypeName(SeatType s) {
  switch (s) {
    case SeatType::kNone:
      return "none";
    case SeatType::kOpen:
      return "open";
    case SeatType::kReservedFemale:
      return "reserved for women";
    case SeatType::kReservedMale:
      return "reserved for men";
    case SeatType::kReservedChannel:
      return "reserved for a channel";
    case SeatType::kPinned:
      return "lock or override";
  }
  return "unknown";
}

std::string_view UnfilledReasonName(UnfilledReason r) {
  switch (r) {
    case UnfilledReason::kNone:
      return "none";
    case UnfilledReason::kNoApplicant:
      return "no applicant";
    case UnfilledReason::kNotQualified:
      return "no qualified applicant";
    case UnfilledReason::kInterviewFailed:
      return "all qualified applicants failed the interview";
    case UnfilledReason::kBelowFloor:
      return "all qualified applicants are below the minimum score";
    case UnfilledReason::kTookBetterChoice:
      return "the other applicants were hired at posts they ranked higher";
    case UnfilledReason::kBelowOpenCutoffFloor:
      return "the other applicants are too far below the open cutoff";
  }
  return "unknown";
}

namespace {

// 6025 -> "60.25".
std::string Score(int64_t centi) {
  return absl::StrFormat("%d.%02d", centi / 100, centi % 100);
}

const char* He(Gender g) { return g == Gender::kMale ? "he" : "she"; }
const char* His(Gender g) { return g == Gender::kMale ? "his" : "her"; }
// 他 / 她 (该教师 without a recorded gender).
const char* Zh(Gender g) { return internal::ZhPronoun(g); }

std::string ChannelGroup(Channel c) {
  return absl::StrCat("channel:", static_cast<int>(c));
}

enum class Gate : uint8_t { kOk, kInterview, kBelowFloor };

struct PostInfo {
  const RecruitmentPost* p = nullptr;
  const School* school = nullptr;
  Stage stage = Stage::kUnspecified;
  int32_t free_seats = 0;  // seats minus pins
  int32_t reserve_female = 0, reserve_male = 0;
  std::vector<std::pair<Channel, int32_t>> reserve_channel;
  int32_t pinned = 0;
};

struct Pin {
  std::string to;
  std::string reason;
  bool lock = false;
};

class Run {
 public:
  Run(const CountyInputs& in, const RoundPolicy& policy)
      : in_(in), policy_(policy), rp_(policy.recruitment) {}

  absl::StatusOr<RoundOutcome> Go(bool explanations);

 private:
  bool Qualified(const Applicant& a, const PostInfo& p) const {
    return std::find(a.subjects.begin(), a.subjects.end(), p.p->subject) !=
               a.subjects.end() &&
           std::find(a.certificate_stages.begin(), a.certificate_stages.end(),
                     p.stage) != a.certificate_stages.end();
  }
  Gate GateOf(const Applicant& a) const {
    if (rp_.interview_gate && !a.interview_passed) return Gate::kInterview;
    if (a.written_score < rp_.min_score) return Gate::kBelowFloor;
    return Gate::kOk;
  }
  std::string Who(const Applicant& a) const {
    return a.display_name.empty()
               ? a.id
               : absl::StrCat(a.display_name, " (", a.id, ")");
  }
  std::string Where(const PostInfo& p) const {
    const std::string& name = p.school->display_name;
    return absl::StrCat("post ", p.p->id, " (",
                        name.empty() ? p.school->id : name, ", ", p.p->subject,
                        ")");
  }
  // The same in Chinese: "岗位 p1（城关小学，math）".
  std::string WhereZh(const PostInfo& p) const {
    const std::string& name = p.school->display_name;
    return absl::StrCat("岗位 ", p.p->id, "（",
                        name.empty() ? p.school->id : name, "，", p.p->subject,
                        "）");
  }
  absl::Status Prepare();
  void SetReserves();
  absl::Status Match();
  void Label();
  RoundOutcome Build(bool explanations);

  const CountyInputs& in_;
  const RoundPolicy& policy_;
  const RecruitmentPolicy& rp_;
  std::map<std::string, const School*> schools_;
  std::vector<PostInfo> posts_;  // id order
  std::map<std::string, int32_t> post_index_;
  std::vector<const Applicant*> apps_;  // id order
  // Post index of each listed post, per applicant (apps_ order).
  std::vector<std::vector<int32_t>> prefs_;
  std::map<std::string, Pin> pins_;
  // (applicant index, post index) struck by the relative floor.
  std::set<std::pair<int32_t, int32_t>> struck_;
  // Final match: post index per applicant (-1 none), seat type, channel.
  std::vector<int32_t> post_of_;
  std::vector<SeatType> seat_;
  std::vector<Channel> seat_channel_;
  // Priority position of each applicant (0 = best), shared by all posts
  // (score, tie chain, lottery are the same at every post).
  std::vector<int64_t> rank_;
};

absl::Status Run::Prepare() {
  for (const School& s : in_.schools) schools_.emplace(s.id, &s);
  std::vector<const RecruitmentPost*> ps;
  for (const RecruitmentPost& p : in_.recruitment_posts) ps.push_back(&p);
  std::sort(ps.begin(), ps.end(),
            [](auto* a, auto* b) { return a->id < b->id; });
  for (const RecruitmentPost* p : ps) {
    PostInfo info;
    info.p = p;
    info.school = schools_.at(p->school);
    info.stage = p->stage == Stage::kUnspecified ? info.school->stages.front()
                                                 : p->stage;
    post_index_.emplace(p->id, static_cast<int32_t>(posts_.size()));
    posts_.push_back(info);
  }
  for (const Applicant& a : in_.applicants) apps_.push_back(&a);
  std::sort(apps_.begin(), apps_.end(),
            [](auto* a, auto* b) { return a->id < b->id; });
  prefs_.resize(apps_.size());
  for (size_t i = 0; i < apps_.size(); ++i) {
    prefs_[i].reserve(apps_[i]->preferences.size());
    for (const std::string& id : apps_[i]->preferences)
      prefs_[i].push_back(post_index_.at(id));
  }
  for (const Override& o : in_.overrides) {
    pins_[o.teacher] = Pin{o.to, o.reason, false};
  }
  for (const Lock& l : in_.locks) pins_[l.teacher] = Pin{l.to, l.reason, true};
  std::map<std::string, const Applicant*> by_id;  // only the pins need it
  if (!pins_.empty())
    for (const Applicant* a : apps_) by_id.emplace(a->id, a);
  for (const auto& [who, pin] : pins_) {
    if (pin.to.empty()) continue;
    const Applicant& a = *by_id.at(who);
    PostInfo& p = posts_[post_index_.at(pin.to)];
    // (A structured binding is captured through an init-capture: clang 14
    // cannot capture one directly.)
    auto refuse = [&, is_override = !pin.lock](const char* rule,
                                               std::string sentence) {
      return HardRuleError(
          {.teacher = a.id,
           .rule = rule,
           .is_override = is_override,
           .sentence = absl::StrCat(Who(a), " at ", Where(p), ": ",
                                    std::move(sentence))});
    };
    if (!Qualified(a, p)) {
      return refuse("qualification",
                    absl::StrCat("the post needs ", p.p->subject, " and a ",
                                 Sv(StageName(p.stage)), " certificate"));
    }
    Gate g = GateOf(a);
    if (g == Gate::kInterview) {
      return refuse("interview gate",
                    absl::StrCat(He(a.gender), " did not pass the interview"));
    }
    if (g == Gate::kBelowFloor) {
      return refuse(
          "minimum score",
          absl::StrCat(His(a.gender), " written score ", Score(a.written_score),
                       " is below ", Score(rp_.min_score)));
    }
    if (++p.pinned > p.p->seats) {
      return refuse("capacity",
                    absl::StrCat("the post has ", p.p->seats,
                                 " seats and all are placed by locks or "
                                 "overrides"));
    }
  }
  for (PostInfo& p : posts_) p.free_seats = p.p->seats - p.pinned;
  return absl::OkStatus();
}

void Run::SetReserves() {
  // Eligible pool of each post by sex (kSameRate).
  std::vector<int64_t> pool_f(posts_.size(), 0), pool_m(posts_.size(), 0);
  for (size_t i = 0; i < apps_.size(); ++i) {
    const Applicant* a = apps_[i];
    if (pins_.count(a->id) || GateOf(*a) != Gate::kOk) continue;
    for (int32_t j : prefs_[i]) {
      if (!Qualified(*a, posts_[j])) continue;
      (a->gender == Gender::kFemale ? pool_f : pool_m)[j]++;
    }
  }
  // kCountyBalance: seats the under-represented sex needs county-wide.
  Gender under = Gender::kUnspecified;
  std::vector<int32_t> county_share(posts_.size(), 0);
  if (rp_.gender_mode == GenderMode::kCountyBalance) {
    int64_t staff_f = 0, staff_m = 0, seats = 0;
    for (const Teacher& t : in_.teachers) {
      (t.gender == Gender::kFemale ? staff_f : staff_m)++;
    }
    for (const PostInfo& p : posts_) seats += p.free_seats;
    int64_t total = staff_f + staff_m + seats;
    int64_t f_short = staff_f * 100 < rp_.county_target_percent * total;
    int64_t m_short = staff_m * 100 < rp_.county_target_percent * total;
    int64_t have = 0;
    if (f_short && (!m_short || staff_f <= staff_m)) {
      under = Gender::kFemale;
      have = staff_f;
    } else if (m_short) {
      under = Gender::kMale;
      have = staff_m;
    }
    if (under != Gender::kUnspecified && seats > 0) {
      int64_t need = (rp_.county_target_percent * total + 99) / 100 - have;
      need = std::clamp<int64_t>(need, 0, seats);
      // Largest remainder, ties by post id order.
      std::vector<std::pair<int64_t, int32_t>> rem;
      int64_t given = 0;
      for (size_t j = 0; j < posts_.size(); ++j) {
        int64_t x = need * posts_[j].free_seats;
        county_share[j] = static_cast<int32_t>(x / seats);
        given += county_share[j];
        rem.push_back({-(x % seats), static_cast<int32_t>(j)});
      }
      std::sort(rem.begin(), rem.end());
      for (size_t k = 0; k < rem.size() && given < need; ++k) {
        int32_t j = rem[k].second;
        if (county_share[j] < posts_[j].free_seats) {
          ++county_share[j];
          ++given;
        }
      }
    }
  }
  for (size_t j = 0; j < posts_.size(); ++j) {
    PostInfo& p = posts_[j];
    const int32_t c = p.free_seats;
    int32_t f = 0, m = 0;
    switch (rp_.gender_mode) {
      case GenderMode::kOff:
        break;
      case GenderMode::kSameRate:
        if (pool_f[j] + pool_m[j] > 0) {
          f = static_cast<int32_t>(c * pool_f[j] / (pool_f[j] + pool_m[j]));
          m = static_cast<int32_t>(c * pool_m[j] / (pool_f[j] + pool_m[j]));
        }
        break;
      case GenderMode::kEqualNumbers:
        f = m = c / 2;
        break;
      case GenderMode::kFloorPerPost:
        f = m = std::min((c * rp_.gender_floor_percent + 99) / 100, c / 2);
        break;
      case GenderMode::kCountyBalance:
        (under == Gender::kFemale ? f : m) = county_share[j];
        break;
    }
    p.reserve_female = f;
    p.reserve_male = m;
    int32_t left = c - f - m;
    std::vector<ChannelTarget> targets = rp_.channel_targets;
    std::sort(targets.begin(), targets.end(),
              [](const ChannelTarget& a, const ChannelTarget& b) {
                return a.channel < b.channel;
              });
    for (const ChannelTarget& t : targets) {
      int32_t r = std::min(c * t.percent / 100, left);
      if (r <= 0) continue;
      p.reserve_channel.push_back({t.channel, r});
      left -= r;
    }
  }
}

absl::Status Run::Match() {
  const int32_t n = static_cast<int32_t>(apps_.size());
  post_of_.assign(n, -1);
  seat_.assign(n, SeatType::kNone);
  seat_channel_.assign(n, Channel::kUnspecified);
  rank_.assign(n, -1);
  // The market is built once: between runs only struck pairs leave the
  // lists.
  engine::Model model;
  model.lottery_seed = in_.seed;
  for (const PostInfo& p : posts_) {
    engine::Post mp;
    mp.id = p.p->id;
    mp.school = p.p->school;
    mp.capacity = p.free_seats;
    mp.subject = p.p->subject;
    mp.stage = std::string(StageName(p.stage));
    if (p.reserve_female > 0) {
      mp.reserves.push_back({"gender:female", p.reserve_female});
    }
    if (p.reserve_male > 0) {
      mp.reserves.push_back({"gender:male", p.reserve_male});
    }
    for (const auto& [ch, r] : p.reserve_channel) {
      mp.reserves.push_back({ChannelGroup(ch), r});
    }
    mp.reserve_precedence =
        rp_.precedence == RecruitmentPrecedence::kReserveFirst
            ? engine::ReservePrecedence::kReserveFirst
            : engine::ReservePrecedence::kOpenFirst;
    model.posts.push_back(std::move(mp));
  }
  std::vector<int32_t> in_market;  // applicant index per market teacher
  for (int32_t i = 0; i < n; ++i) {
    const Applicant& a = *apps_[i];
    if (pins_.count(a.id) || GateOf(a) != Gate::kOk) continue;
    engine::Teacher t;
    t.id = a.id;
    t.gender = static_cast<engine::Gender>(a.gender);
    t.subjects = a.subjects;
    for (Stage s : a.certificate_stages) {
      t.stages.push_back(std::string(StageName(s)));
    }
    t.groups = {ChannelGroup(a.channel)};
    t.points = a.written_score;
    for (TieBreaker tb : policy_.tie_chain) {
      // Applicants have no service, school, title or evaluation: only
      // "older" separates them.
      t.tie_breakers.push_back(tb == TieBreaker::kOlder ? -int64_t{a.birth_day}
                                                        : 0);
    }
    for (size_t k = 0; k < a.preferences.size(); ++k) {
      if (!struck_.count({i, prefs_[i][k]})) {
        t.preferences.push_back(a.preferences[k]);
      }
    }
    model.teachers.push_back(std::move(t));
    in_market.push_back(i);
  }
  // At most one run per struck pair plus one.
  for (;;) {
    ROTA_ASSIGN_OR_RETURN(engine::Market market, engine::Compile(model));
    engine::MatchResult result;
    RunDeferredAcceptance(market, /*tenure=*/false, /*explain=*/false, &result);
    // Market teachers are in id order, as apps_.
    std::vector<int32_t> market_of(n, -1);
    for (int32_t t = 0; t < market.num_teachers; ++t)
      market_of[in_market[t]] = t;
    std::vector<std::vector<std::pair<uint32_t, int32_t>>> holders(
        posts_.size());
    for (int32_t t = 0; t < market.num_teachers; ++t) {
      int32_t i = in_market[t];
      post_of_[i] = result.post_of[t];
      seat_[i] = SeatType::kNone;
      if (post_of_[i] >= 0) {
        int32_t e = market.FindEntry(t, post_of_[i]);
        holders[post_of_[i]].push_back({market.entry_key[e], i});
      }
    }
    {
      // Global priority order: points, tie chain and lottery, as any post
      // ranks them (the market's tie_rank breaks equal points).
      std::vector<int32_t> order(market.num_teachers);
      for (int32_t t = 0; t < market.num_teachers; ++t) order[t] = t;
      std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        if (market.points[a] != market.points[b]) {
          return market.points[a] > market.points[b];
        }
        return market.tie_rank[a] < market.tie_rank[b];
      });
      for (size_t k = 0; k < order.size(); ++k) {
        rank_[in_market[order[k]]] = static_cast<int64_t>(k);
      }
    }
    // Label the seats: the post's seat order applied to its holders.
    std::vector<int64_t> open_cutoff(posts_.size(), -1);
    for (size_t j = 0; j < posts_.size(); ++j) {
      auto& h = holders[j];
      std::sort(h.begin(), h.end());
      std::vector<uint8_t> used(h.size(), 0);
      int32_t rule = market.rule_of_post[j];
      std::vector<int32_t> seats =
          rule >= 0 ? market.rules[rule].seat_groups
                    : std::vector<int32_t>(posts_[j].free_seats, -1);
      for (int32_t g : seats) {
        size_t pick = h.size();
        bool member = false;
        if (g >= 0) {
          for (size_t k = 0; k < h.size(); ++k) {
            if (!used[k] && market.InGroup(market_of[h[k].second], g)) {
              pick = k;
              member = true;
              break;
            }
          }
        }
        if (pick == h.size()) {
          for (size_t k = 0; k < h.size(); ++k) {
            if (!used[k]) {
              pick = k;
              break;
            }
          }
        }
        if (pick == h.size()) break;
        used[pick] = 1;
        int32_t i = h[pick].second;
        if (!member) {
          seat_[i] = SeatType::kOpen;
          int64_t s = apps_[i]->written_score;
          if (open_cutoff[j] < 0 || s < open_cutoff[j]) open_cutoff[j] = s;
          continue;
        }
        const std::string& name = market.group_names[g];
        if (name == "gender:female") {
          seat_[i] = SeatType::kReservedFemale;
        } else if (name == "gender:male") {
          seat_[i] = SeatType::kReservedMale;
        } else {
          seat_[i] = SeatType::kReservedChannel;
          seat_channel_[i] = apps_[i]->channel;
        }
      }
    }
    if (rp_.min_score_within_of_open_cutoff <= 0) return absl::OkStatus();
    bool struck = false;
    for (int32_t i = 0; i < n; ++i) {
      int32_t j = post_of_[i];
      if (j < 0 || seat_[i] == SeatType::kOpen || open_cutoff[j] < 0) continue;
      if (apps_[i]->written_score <
          open_cutoff[j] - rp_.min_score_within_of_open_cutoff) {
        struck_.insert({i, j});
        // Her list without the post, for the next run.
        std::vector<std::string>& prefs =
            model.teachers[market_of[i]].preferences;
        auto at = std::find(prefs.begin(), prefs.end(), posts_[j].p->id);
        if (at != prefs.end()) prefs.erase(at);
        struck = true;
      }
    }
    if (!struck) return absl::OkStatus();
  }
}

RoundOutcome Run::Build(bool explanations) {
  RoundOutcome out;
  out.kind = RoundKind::kRecruitment;
  out.seed = in_.seed;
  out.mechanism_code = static_cast<uint8_t>(rp_.precedence);
  out.mechanism = absl::StrCat(
      "applicant-proposing da with reserves (",
      rp_.precedence == RecruitmentPrecedence::kReserveFirst ? "reserve-first"
                                                             : "open-first",
      ")");
  const int32_t n = static_cast<int32_t>(apps_.size());
  // Pinned placements.
  for (int32_t i = 0; i < n; ++i) {
    auto it = pins_.find(apps_[i]->id);
    if (it == pins_.end() || it->second.to.empty()) continue;
    post_of_[i] = post_index_.at(it->second.to);
    seat_[i] = SeatType::kPinned;
  }
  // Per post: holders, and the lowest-ranked holder per post.
  std::vector<std::vector<int32_t>> holders(posts_.size());
  for (int32_t i = 0; i < n; ++i) {
    if (post_of_[i] >= 0) holders[post_of_[i]].push_back(i);
  }
  // Outranks: a beats b at any post (same order everywhere).
  auto beats = [&](int32_t a, int32_t b) {
    return rank_[a] >= 0 && rank_[b] >= 0 && rank_[a] < rank_[b];
  };
  // Who listed each post.
  std::vector<std::vector<int32_t>> listers(posts_.size());
  for (int32_t i = 0; i < n; ++i) {
    for (int32_t j : prefs_[i]) listers[j].push_back(i);
  }
  // Posts table.
  RecruitmentResult& rr = out.recruitment;
  for (size_t j = 0; j < posts_.size(); ++j) {
    const PostInfo& p = posts_[j];
    RecruitmentPostResult r;
    r.post = p.p->id;
    r.school = p.p->school;
    r.seats = p.p->seats;
    r.reserved_female = p.reserve_female;
    r.reserved_male = p.reserve_male;
    for (const auto& [ch, k] : p.reserve_channel) r.reserved_channel += k;
    for (int32_t i : holders[j]) {
      const Applicant& a = *apps_[i];
      bool f = a.gender == Gender::kFemale;
      (f ? r.hired_female : r.hired_male)++;
      int64_t& cut = f ? r.cutoff_female : r.cutoff_male;
      if (cut < 0 || a.written_score < cut) cut = a.written_score;
      if (seat_[i] == SeatType::kOpen &&
          (r.open_cutoff < 0 || a.written_score < r.open_cutoff)) {
        r.open_cutoff = a.written_score;
      }
    }
    if (r.cutoff_female >= 0 && r.cutoff_male >= 0) {
      r.cutoff_gap = r.cutoff_female > r.cutoff_male
                         ? r.cutoff_female - r.cutoff_male
                         : r.cutoff_male - r.cutoff_female;
    }
    r.unfilled = r.seats - static_cast<int32_t>(holders[j].size());
    // Who listed it, and how far they got.
    bool listed = false, qualified = false, passed = false, floor = false,
         struck = false;
    // Applicants of each sex struck there by the relative floor.
    int32_t struck_f = 0, struck_m = 0;
    for (int32_t i : listers[j]) {
      const Applicant& a = *apps_[i];
      listed = true;
      if (!Qualified(a, p)) continue;
      qualified = true;
      Gate g = GateOf(a);
      if (g == Gate::kInterview) continue;
      passed = true;
      if (g == Gate::kBelowFloor) continue;
      floor = true;
      if (struck_.count({i, static_cast<int32_t>(j)})) {
        struck = true;
        (a.gender == Gender::kFemale ? struck_f : struck_m)++;
      }
    }
    if (r.unfilled > 0) {
      r.unfilled_reason = !listed      ? UnfilledReason::kNoApplicant
                          : !qualified ? UnfilledReason::kNotQualified
                          : !passed    ? UnfilledReason::kInterviewFailed
                          : !floor     ? UnfilledReason::kBelowFloor
                          : struck     ? UnfilledReason::kBelowOpenCutoffFloor
                                       : UnfilledReason::kTookBetterChoice;
    }
    r.gender_rule_applies = rp_.gender_mode != GenderMode::kOff &&
                            (r.reserved_female > 0 || r.reserved_male > 0);
    r.gender_rule_holds =
        r.hired_female >= r.reserved_female && r.hired_male >= r.reserved_male;
    if (r.gender_rule_applies) {
      QuotaLine q;
      q.scope = r.school;
      q.quota_code = QuotaCode::kGenderRule;
      q.post = r.post;
      q.quota = absl::StrCat(Sv(QuotaName(q.quota_code)), " at post ", r.post);
      q.required = r.reserved_female + r.reserved_male;
      q.achieved = std::min(r.hired_female, r.reserved_female) +
                   std::min(r.hired_male, r.reserved_male);
      q.holds = r.gender_rule_holds;
      for (int sex = 0; sex < 2 && !q.holds; ++sex) {
        int32_t hired = sex == 0 ? r.hired_female : r.hired_male;
        int32_t reserved = sex == 0 ? r.reserved_female : r.reserved_male;
        if (hired >= reserved) continue;
        const char* who = sex == 0 ? "women" : "men";
        const int32_t struck_n = sex == 0 ? struck_f : struck_m;
        absl::StrAppend(
            &q.reason, q.reason.empty() ? "" : "; ", who, ": ", hired,
            " hired of ", reserved,
            " reserved seats: no other qualified applicant of that sex who "
            "passed the interview and reached the minimum score listed the "
            "post without being hired at a post ranked higher",
            struck_n > 0
                ? absl::StrCat(" (", struck_n,
                               " more were too far below the open cutoff)")
                : std::string());
        absl::StrAppend(
            &q.reason_zh, q.reason_zh.empty() ? "" : "；",
            sex == 0 ? "女性" : "男性", "：预留 ", reserved, " 个岗位，录用 ",
            hired,
            " 人：没有其他同性别、符合条件、通过面试且达到最低分的考生填报该"
            "岗位而未被排序更靠前的岗位录用",
            struck_n > 0 ? absl::StrCat("（另有 ", struck_n,
                                        " 人低于普通岗位录取线过多）")
                         : std::string());
      }
      out.quotas.push_back(std::move(q));
    }
    rr.posts.push_back(std::move(r));
  }
  // Applicants.
  for (int32_t i = 0; i < n; ++i) {
    const Applicant& a = *apps_[i];
    RecruitmentApplicantResult ar;
    ar.applicant = a.id;
    ar.seat = seat_[i];
    ar.seat_channel = seat_channel_[i];
    Placement pl;
    pl.teacher = a.id;
    pl.points = a.written_score;
    TeacherExplanation ex;
    ex.teacher = a.id;
    ex.points_breakdown.push_back({.component = "written score",
                                   .component_zh = "笔试成绩",
                                   .centipoints = a.written_score});
    const char* zh = Zh(a.gender);
    auto pin = pins_.find(a.id);
    const int32_t j = post_of_[i];
    const Gate gate = GateOf(a);
    if (j >= 0) {
      const PostInfo& p = posts_[j];
      ar.post = p.p->id;
      pl.to_school = p.p->school;
      pl.to_post = p.p->id;
      pl.outcome = Outcome::kRecruited;
      auto at = std::find(a.preferences.begin(), a.preferences.end(), ar.post);
      pl.choice = at == a.preferences.end()
                      ? 0
                      : static_cast<int32_t>(at - a.preferences.begin()) + 1;
    } else {
      pl.outcome = Outcome::kNotRecruited;
    }
    if (pin != pins_.end()) {
      pl.route = pin->second.lock ? Route::kLock : Route::kOverride;
      pl.locked = pin->second.lock;
      pl.overridden = !pin->second.lock;
      pl.override_reason = pin->second.reason;
    } else {
      pl.route = j >= 0 ? Route::kRecruitment : Route::kNotRecruited;
    }
    pl.via = std::string(RouteSentence(pl.route));
    // Each listed post.
    for (size_t k = 0; k < a.preferences.size(); ++k) {
      const int32_t q = prefs_[i][k];
      const PostInfo& p = posts_[q];
      ChoiceExplanation c;
      c.choice = p.p->id;
      c.rank = static_cast<int32_t>(k) + 1;
      c.teacher_points = a.written_score;
      c.admitted = static_cast<int32_t>(holders[q].size());
      // The sentences only when explanations are asked for (the verdicts
      // and competitors are always needed).
      const std::string label =
          explanations ? absl::StrCat("choice ", k + 1, ", ", Where(p)) : "";
      const std::string label_zh =
          explanations ? absl::StrCat("第 ", k + 1, " 志愿 ", WhereZh(p)) : "";
      // The sentence after the label, in both languages.
      auto say = [&](std::string en, std::string zh_text) {
        c.sentence = absl::StrCat(label, ": ", en);
        c.sentence_zh = absl::StrCat(label_zh, "：", zh_text);
      };
      if (q == j) {
        c.verdict = Verdict::kGot;
        if (explanations) {
          if (pin != pins_.end()) {
            say(absl::StrCat("placed there by ", pl.via, " (",
                             pin->second.reason, ")"),
                absl::StrCat("经", Sv(internal::RouteZh(pl.route)),
                             "安排到此（", pin->second.reason, "）"));
          } else {
            say(absl::StrCat(
                    "hired on a seat ",
                    seat_[i] == SeatType::kOpen
                        ? std::string("open to all, on ") +
                              std::string(His(a.gender)) + " score"
                    : seat_[i] == SeatType::kReservedChannel
                        ? absl::StrCat("reserved for the ",
                                       Sv(ChannelName(a.channel)), " channel")
                        : std::string(SeatTypeName(seat_[i]))),
                absl::StrCat(
                    "录用，",
                    seat_[i] == SeatType::kOpen
                        ? absl::StrCat("按", zh, "的成绩录入普通岗位")
                    : seat_[i] == SeatType::kReservedChannel
                        ? absl::StrCat("录入",
                                       Sv(internal::ChannelZh(a.channel)),
                                       "渠道预留岗位")
                        : absl::StrCat("录入",
                                       Sv(internal::SeatTypeZh(seat_[i])))));
          }
        }
      } else if (pin != pins_.end()) {
        c.verdict = Verdict::kNotReached;
        if (explanations)
          say(absl::StrCat(He(a.gender), " was placed by ", pl.via, " (",
                           pin->second.reason, ")"),
              absl::StrCat(zh, "已经", Sv(internal::RouteZh(pl.route)),
                           "另行安排（", pin->second.reason, "）"));
      } else if (!Qualified(a, p)) {
        c.verdict = Verdict::kNotQualified;
        if (explanations)
          say(absl::StrCat("qualification: the post needs ", p.p->subject,
                           " and a ", Sv(StageName(p.stage)), " certificate"),
              absl::StrCat("资格不符：该岗位要求任教 ", p.p->subject,
                           "，并持有", Sv(internal::StageZh(p.stage)),
                           "教师资格证"));
      } else if (gate == Gate::kInterview) {
        c.verdict = Verdict::kNotReached;
        if (explanations)
          say(absl::StrCat("interview gate: ", He(a.gender),
                           " did not pass the interview"),
              absl::StrCat("面试关：", zh, "未通过面试"));
      } else if (gate == Gate::kBelowFloor) {
        c.verdict = Verdict::kNotReached;
        if (explanations)
          say(absl::StrCat("minimum score: ", His(a.gender), " written score ",
                           Score(a.written_score), " is below ",
                           Score(rp_.min_score)),
              absl::StrCat("最低分：", zh, "的笔试成绩 ",
                           Score(a.written_score), " 低于 ",
                           Score(rp_.min_score)));
      } else if (j >= 0 &&
                 std::find(a.preferences.begin(), a.preferences.end(),
                           posts_[j].p->id) <
                     a.preferences.begin() + static_cast<int64_t>(k)) {
        c.verdict = Verdict::kBetterChoiceHeld;
        if (explanations)
          say(absl::StrCat(He(a.gender), " was hired at a post ", He(a.gender),
                           " ranks higher"),
              absl::StrCat(zh, "已被排序更靠前的志愿岗位录用"));
      } else if (struck_.count({i, q})) {
        c.verdict = Verdict::kNotReached;
        if (explanations)
          say(absl::StrCat(
                  "relative floor: ", His(a.gender), " score ",
                  Score(a.written_score), " is more than ",
                  Score(rp_.min_score_within_of_open_cutoff),
                  " points below the lowest score on an open seat there (",
                  Score(rr.posts[q].open_cutoff), "), so no reserved seat"),
              absl::StrCat("预留岗位分数线：", zh, "的成绩 ",
                           Score(a.written_score),
                           " 比该岗位普通岗位最低录取分（",
                           Score(rr.posts[q].open_cutoff), "）低 ",
                           Score(rp_.min_score_within_of_open_cutoff),
                           " 分以上，不能录入预留岗位"));
      } else {
        // Lost on score or to a reserve. The lowest-ranked holder who
        // outranks her; else the holder she outranks (a reserved seat).
        int32_t above = -1, below = -1;
        for (int32_t h : holders[q]) {
          if (seat_[h] == SeatType::kPinned) continue;
          if (beats(h, i)) {
            if (above < 0 || beats(above, h)) above = h;
          } else if (below < 0 || beats(below, h)) {
            below = h;
          }
        }
        if (below >= 0) {
          const Applicant& b = *apps_[below];
          c.verdict = Verdict::kReserved;
          c.competitor = b.id;
          c.competitor_points = b.written_score;
          if (explanations)
            say(absl::StrCat(
                    "the seat ", He(a.gender), " would take is ",
                    seat_[below] == SeatType::kReservedChannel
                        ? absl::StrCat("reserved for the ",
                                       Sv(ChannelName(b.channel)), " channel")
                        : std::string(SeatTypeName(seat_[below])),
                    ": it went to ", Who(b), " with ", Score(b.written_score),
                    " against ", His(a.gender), " ", Score(a.written_score)),
                absl::StrCat(
                    zh, "可录的岗位是",
                    seat_[below] == SeatType::kReservedChannel
                        ? absl::StrCat(Sv(internal::ChannelZh(b.channel)),
                                       "渠道预留岗位")
                        : std::string(internal::SeatTypeZh(seat_[below])),
                    "：由 ", Who(b), " 录用，成绩 ", Score(b.written_score),
                    "，", zh, "的成绩 ", Score(a.written_score)));
        } else if (above >= 0) {
          const Applicant& b = *apps_[above];
          c.verdict = Verdict::kFull;
          c.competitor = b.id;
          c.competitor_points = b.written_score;
          if (explanations)
            say(absl::StrCat(
                    "all ", holders[q].size(),
                    " seats went to applicants ranked above ", His(a.gender),
                    "; the last of them is ", Who(b), " with ",
                    Score(b.written_score), " against ", His(a.gender), " ",
                    Score(a.written_score),
                    b.written_score == a.written_score
                        ? " (equal score: the tie chain, then the lottery)"
                        : ""),
                absl::StrCat("全部 ", holders[q].size(), " 个岗位均由排在", zh,
                             "之前的考生录用；其中最后一名为 ", Who(b),
                             "，成绩 ", Score(b.written_score), "，", zh,
                             "的成绩 ", Score(a.written_score),
                             b.written_score == a.written_score
                                 ? "（同分：按同分排序规则，再抽签）"
                                 : ""));
        } else {
          c.verdict = Verdict::kFull;
          if (explanations)
            say("its seats were placed by locks or overrides",
                "该岗位已全部经人工锁定或调整安排");
        }
        if (!c.competitor.empty()) {
          ar.beaten.push_back({p.p->id, c.competitor, c.competitor_points});
        }
      }
      if (explanations) ex.choices.push_back(std::move(c));
    }
    // Placement sentence (ids, names, numbers; true at the end of the run).
    if (j >= 0) {
      const PostInfo& p = posts_[j];
      pl.reason_code =
          pin != pins_.end() ? Reason::kPinned : Reason::kRecruited;
      pl.reason = absl::StrCat(
          Who(a), " is hired at ", Where(p),
          pin != pins_.end()
              ? absl::StrCat(" by ", pl.via)
              : absl::StrCat(", choice ", pl.choice, ", on a seat ",
                             seat_[i] == SeatType::kOpen
                                 ? std::string("open to all")
                                 : std::string(SeatTypeName(seat_[i]))),
          ", written score ", Score(a.written_score));
      pl.reason_zh = absl::StrCat(
          Who(a), " 录用到", WhereZh(p),
          pin != pins_.end()
              ? absl::StrCat("，经", Sv(internal::RouteZh(pl.route)))
              : absl::StrCat("，第 ", pl.choice, " 志愿，",
                             Sv(internal::SeatTypeZh(seat_[i]))),
          "，笔试成绩 ", Score(a.written_score));
      if (!p.p->bundled_rural_school.empty()) {
        int32_t years = p.p->bundled_term_years > 0
                            ? p.p->bundled_term_years
                            : rp_.default_bundled_term_years;
        const School* rs = schools_.at(p.p->bundled_rural_school);
        const std::string& rural =
            rs->display_name.empty() ? rs->id : rs->display_name;
        absl::StrAppend(&pl.reason, "; bundled post: ", He(a.gender),
                        " serves the first ", years, " years at ", rural, " (",
                        rs->id, ")");
        absl::StrAppend(&pl.reason_zh, "；捆绑聘用：", zh, "前 ", years,
                        " 年在 ", rural, "（", rs->id, "）任教");
      }
    } else if (pin != pins_.end()) {
      pl.reason_code = Reason::kPinned;
      pl.reason = absl::StrCat(Who(a), " is not hired: ", pl.via, " (",
                               pin->second.reason, ")");
      pl.reason_zh =
          absl::StrCat(Who(a), " 未录用：", Sv(internal::RouteZh(pl.route)),
                       "（", pin->second.reason, "）");
    } else if (gate == Gate::kInterview) {
      pl.reason_code = Reason::kInterviewFailed;
      pl.reason =
          absl::StrCat(Who(a), " is not hired: interview gate: ", He(a.gender),
                       " did not pass the interview");
      pl.reason_zh = absl::StrCat(Who(a), " 未录用：", zh, "未通过面试");
    } else if (gate == Gate::kBelowFloor) {
      pl.reason_code = Reason::kBelowMinScore;
      pl.reason =
          absl::StrCat(Who(a), " is not hired: minimum score: ", His(a.gender),
                       " written score ", Score(a.written_score), " is below ",
                       Score(rp_.min_score));
      pl.reason_zh = absl::StrCat(Who(a), " 未录用：", zh, "的笔试成绩 ",
                                  Score(a.written_score), " 低于最低分 ",
                                  Score(rp_.min_score));
    } else if (a.preferences.empty()) {
      pl.reason_code = Reason::kListedNoPost;
      pl.reason = absl::StrCat(Who(a), " is not hired: ", He(a.gender),
                               " listed no post");
      pl.reason_zh = absl::StrCat(Who(a), " 未录用：", zh, "未填报岗位");
    } else {
      pl.reason_code = Reason::kNoListedPostTookHer;
      pl.reason =
          absl::StrCat(Who(a), " is not hired: every post ", He(a.gender),
                       " listed was filled by applicants ranked above ",
                       His(a.gender), ", held by reserves, or did not take ",
                       His(a.gender), " qualification (see each choice)");
      pl.reason_zh = absl::StrCat(Who(a), " 未录用：", zh, "所报岗位均已由排在",
                                  zh, "之前的考生录满、为预留对象保留，或", zh,
                                  "的资格不符（见各志愿说明）");
    }
    out.placements.push_back(std::move(pl));
    out.explanations.push_back(std::move(ex));
    rr.applicants.push_back(std::move(ar));
  }
  internal::AddNote(
      &out, {absl::StrCat(
                 "gender rule: ", Sv(GenderModeName(rp_.gender_mode)),
                 "; minimum score ", Score(rp_.min_score),
                 rp_.min_score_within_of_open_cutoff > 0
                     ? absl::StrCat(", and reserved seats within ",
                                    Score(rp_.min_score_within_of_open_cutoff),
                                    " points of the post's open cutoff")
                     : std::string(),
                 rp_.interview_gate ? "; the interview must be passed" : ""),
             absl::StrCat(
                 "性别规则：", Sv(internal::GenderModeZh(rp_.gender_mode)),
                 "；最低分 ", Score(rp_.min_score),
                 rp_.min_score_within_of_open_cutoff > 0
                     ? absl::StrCat(
                           "，预留岗位录取分与该岗位普通岗位录取线相差不超过 ",
                           Score(rp_.min_score_within_of_open_cutoff), " 分")
                     : std::string(),
                 rp_.interview_gate ? "；须通过面试" : "")});
  FinishOutcome(in_, &out);
  return out;
}

absl::StatusOr<RoundOutcome> Run::Go(bool explanations) {
  ROTA_RETURN_IF_ERROR(Prepare());
  SetReserves();
  ROTA_RETURN_IF_ERROR(Match());
  return Build(explanations);
}

}  // namespace

absl::StatusOr<RoundOutcome> RunRecruitment(const CountyInputs& inputs,
                                            const RoundPolicy& policy,
                                            const RunParameters& parameters,
                                            const OutcomeOptions& options) {
  (void)parameters;
  ROTA_RETURN_IF_ERROR(ValidateCountyInputs(inputs, RoundKind::kRecruitment));
  ROTA_RETURN_IF_ERROR(ValidatePolicy(policy));
  Run run(inputs, policy);
  return run.Go(options.explanations);
}

}  // namespace rota::engine::rules
