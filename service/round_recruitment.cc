#include "service/round_recruitment.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace rota::service {
namespace {

namespace rules = ::rota::engine::rules;

std::string Name(absl::string_view county, absl::string_view collection,
                 absl::string_view id) {
  if (id.empty()) return "";
  return absl::StrCat("counties/", county, "/", collection, "/", id);
}

// 6025 -> "60.25".
std::string Score(int64_t centi) {
  return absl::StrFormat("%d.%02d", centi / 100, centi % 100);
}

}  // namespace

int32_t BundledTermYears(const rules::RecruitmentPost& post,
                         const rules::RoundPolicy& policy) {
  if (post.bundled_rural_school.empty()) return 0;
  return post.bundled_term_years > 0
             ? post.bundled_term_years
             : policy.recruitment.default_bundled_term_years;
}

std::vector<rota::v1::EligibilityEntry> RecruitmentEligibility(
    const FrozenEngineInputs& frozen) {
  const rules::RecruitmentPolicy& rp = frozen.policy.recruitment;
  // Applicant id order (ids are unique: they are the registry's keys).
  std::vector<const rules::Applicant*> applicants;
  applicants.reserve(frozen.inputs.applicants.size());
  for (const auto& a : frozen.inputs.applicants) applicants.push_back(&a);
  std::sort(applicants.begin(), applicants.end(),
            [](const rules::Applicant* x, const rules::Applicant* y) {
              return x->id < y->id;
            });
  std::vector<rota::v1::EligibilityEntry> out;
  out.reserve(applicants.size());
  for (const rules::Applicant* a : applicants) {
    const std::string& id = a->id;
    const bool male = a->gender == rules::Gender::kMale;
    const char* zh = male ? "他" : "她";
    rota::v1::EligibilityEntry e;
    e.set_teacher(Name(frozen.county, "applicants", id));
    e.set_teacher_name(a->display_name);
    e.set_points(a->written_score);
    e.set_voluntary(!a->preferences.empty());
    if (rp.interview_gate && !a->interview_passed) {
      e.set_reason(absl::StrCat("interview gate: ", male ? "he" : "she",
                                " did not pass the interview, so ",
                                male ? "he" : "she", " takes no seat"));
      e.set_reason_zh(absl::StrCat("面试关：", zh, "未通过面试，不予录用"));
    } else if (a->written_score < rp.min_score) {
      e.set_reason(absl::StrCat("minimum score: ", male ? "his" : "her",
                                " written score ", Score(a->written_score),
                                " is below ", Score(rp.min_score)));
      e.set_reason_zh(absl::StrCat("最低分：", zh, "的笔试成绩 ",
                                   Score(a->written_score), " 低于 ",
                                   Score(rp.min_score)));
    } else {
      e.set_eligible(true);
      e.set_reason(absl::StrCat(
          "takes part with a written score of ", Score(a->written_score), "; ",
          a->preferences.size(), " post", a->preferences.size() == 1 ? "" : "s",
          " listed"));
      e.set_reason_zh(absl::StrCat("以笔试成绩 ", Score(a->written_score),
                                   " 参加招聘；填报岗位 ",
                                   a->preferences.size(), " 个"));
    }
    out.push_back(std::move(e));
  }
  return out;
}

void AddRecruitmentResults(const FrozenEngineInputs& frozen,
                           const rules::RoundOutcome& outcome,
                           EngineResult* r) {
  const std::string& county = frozen.county;
  std::map<std::string, const rules::RecruitmentPost*> posts;
  for (const auto& p : frozen.inputs.recruitment_posts) posts[p.id] = &p;
  std::map<std::string, const rules::School*> schools;
  for (const auto& s : frozen.inputs.schools) schools[s.id] = &s;
  const rules::RecruitmentResult& rr = outcome.recruitment;
  for (size_t i = 0; i < r->placements.size() && i < rr.applicants.size();
       ++i) {
    const rules::RecruitmentApplicantResult& a = rr.applicants[i];
    rota::v1::Placement& p = r->placements[i];
    p.set_seat(static_cast<rota::v1::RecruitmentSeat>(a.seat));
    if (a.seat == rules::SeatType::kReservedChannel)
      p.set_seat_channel(static_cast<rota::v1::RecruitmentChannel>(
          static_cast<int>(a.seat_channel)));
    if (a.post.empty()) continue;
    const rules::RecruitmentPost& post = *posts.at(a.post);
    if (!post.bundled_rural_school.empty()) {
      p.set_bundled_rural_school(
          Name(county, "schools", post.bundled_rural_school));
      p.set_bundled_term_years(BundledTermYears(post, frozen.policy));
    }
  }
  rota::v1::RoundReport& rep = r->report;
  for (const rules::RecruitmentPostResult& x : rr.posts) {
    rota::v1::RecruitmentPostLine& l = *rep.add_recruitment_posts();
    const rules::RecruitmentPost& post = *posts.at(x.post);
    l.set_post(Name(county, "recruitment-posts", x.post));
    l.set_school(Name(county, "schools", x.school));
    if (auto it = schools.find(x.school); it != schools.end())
      l.set_school_name(it->second->display_name);
    l.set_subject(post.subject);
    l.set_seats(x.seats);
    l.set_reserved_female(x.reserved_female);
    l.set_reserved_male(x.reserved_male);
    l.set_reserved_channel(x.reserved_channel);
    l.set_hired_female(x.hired_female);
    l.set_hired_male(x.hired_male);
    l.set_cutoff_female(x.cutoff_female);
    l.set_cutoff_male(x.cutoff_male);
    l.set_cutoff_gap(x.cutoff_gap);
    l.set_open_cutoff(x.open_cutoff);
    l.set_unfilled(x.unfilled);
    if (x.unfilled > 0)
      l.set_unfilled_reason(
          std::string(rules::UnfilledReasonName(x.unfilled_reason)));
    l.set_gender_rule_applies(x.gender_rule_applies);
    l.set_gender_rule_holds(x.gender_rule_holds);
    l.set_bundled_rural_school(
        Name(county, "schools", post.bundled_rural_school));
    rep.set_hired_female(rep.hired_female() + x.hired_female);
    rep.set_hired_male(rep.hired_male() + x.hired_male);
    rep.set_seats_unfilled(rep.seats_unfilled() + x.unfilled);
    if (x.gender_rule_applies && !x.gender_rule_holds)
      rep.set_gender_rule_failures(rep.gender_rule_failures() + 1);
  }
  r->recruited = rep.hired_female() + rep.hired_male();
  r->seats_unfilled = rep.seats_unfilled();
}

}  // namespace rota::service
