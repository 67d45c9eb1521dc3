// libFuzzer harness: the List filter language (service/filter.h).
//
// Input: the first byte picks the resource kind (school, post, teacher,
// applicant, recruitment post, placement, eligibility entry); the rest is
// the filter text, parsed for county "f". A filter that parses is evaluated
// against an empty and a filled-in resource of its kind, and EqualityValue is
// asked for each of its fields. Beyond "no crash, no leak, no undefined
// behaviour" it checks the documented bounds: an accepted filter is at most
// kMaxFilterBytes bytes and kMaxFilterTerms terms, and a refused one says
// INVALID_ARGUMENT.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "google/protobuf/text_format.h"
#include "service/filter.h"

namespace {

namespace v1 = rota::v1;
using rota::service::FilterKind;

constexpr FilterKind kKinds[] = {
    FilterKind::kSchool,          FilterKind::kPost,
    FilterKind::kTeacher,         FilterKind::kApplicant,
    FilterKind::kRecruitmentPost, FilterKind::kPlacement,
    FilterKind::kEligibility,
};

void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_filter: %s\n", what.c_str());
  std::abort();
}

template <typename Message>
Message Parse(const char* text) {
  Message m;
  if (!google::protobuf::TextFormat::ParseFromString(text, &m)) {
    Fail(std::string("bad sample ") + text);
  }
  return m;
}

struct Samples {
  v1::School school = Parse<v1::School>(
      R"(name: "counties/f/schools/s1" stages: PRIMARY stages: JUNIOR
         locality: RURAL weak: true zone: "north")");
  v1::Post post = Parse<v1::Post>(
      R"(name: "counties/f/posts/p1" school: "counties/f/schools/s1"
         subject: "music" title_band: SENIOR_TITLE)");
  v1::Teacher teacher = Parse<v1::Teacher>(
      R"(name: "counties/f/teachers/t1" school: "counties/f/schools/s1"
         subjects: "music" subjects: "art" gender: MALE title: SENIOR_TITLE
         role: TEACHER backbone_level: NOT_BACKBONE employment: ESTABLISHED)");
  v1::Applicant applicant = Parse<v1::Applicant>(
      R"(name: "counties/f/applicants/a1" gender: FEMALE subjects: "math"
         channel: CHANNEL_OPEN interview_passed: true)");
  v1::RecruitmentPost recruitment_post = Parse<v1::RecruitmentPost>(
      R"(name: "counties/f/recruitment-posts/r1"
         school: "counties/f/schools/s1" subject: "math" stage: PRIMARY)");
  v1::Placement placement = Parse<v1::Placement>(
      R"(teacher: "counties/f/teachers/t1" from_school: "counties/f/schools/s1"
         to_school: "counties/f/schools/s2" outcome: STAYED mandatory: true
         locked: true overridden: true)");
  v1::EligibilityEntry eligibility = Parse<v1::EligibilityEntry>(
      R"(teacher: "counties/f/teachers/t1" school: "counties/f/schools/s1"
         eligible: true mandatory: true voluntary: true exempt: true)");
};

const Samples& TheSamples() {
  static const Samples* samples = new Samples;
  return *samples;
}

template <typename Message>
void Evaluate(const rota::service::Filter& filter, const Message& filled) {
  (void)filter.Matches(Message());
  (void)filter.Matches(filled);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)TheSamples();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const FilterKind kind = kKinds[data[0] % std::size(kKinds)];
  const absl::string_view text(reinterpret_cast<const char*>(data + 1),
                               size - 1);
  absl::StatusOr<rota::service::Filter> filter =
      rota::service::ParseFilter(text, kind, "f");
  if (!filter.ok()) {
    if (filter.status().code() != absl::StatusCode::kInvalidArgument) {
      Fail("a bad filter is not INVALID_ARGUMENT: " +
           filter.status().ToString());
    }
    return 0;
  }
  if (text.size() > rota::service::kMaxFilterBytes ||
      filter->terms().size() > rota::service::kMaxFilterTerms) {
    Fail("a filter over the documented bounds was accepted");
  }
  const Samples& s = TheSamples();
  switch (kind) {
    case FilterKind::kSchool:
      Evaluate(*filter, s.school);
      break;
    case FilterKind::kPost:
      Evaluate(*filter, s.post);
      break;
    case FilterKind::kTeacher:
      Evaluate(*filter, s.teacher);
      break;
    case FilterKind::kApplicant:
      Evaluate(*filter, s.applicant);
      break;
    case FilterKind::kRecruitmentPost:
      Evaluate(*filter, s.recruitment_post);
      break;
    case FilterKind::kPlacement:
      Evaluate(*filter, s.placement);
      break;
    case FilterKind::kEligibility:
      Evaluate(*filter, s.eligibility);
      break;
  }
  for (const auto& term : filter->terms()) {
    (void)filter->EqualityValue(term.field);
  }
  return 0;
}
