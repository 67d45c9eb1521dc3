#include "tools/gen/applicant_generator.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_format.h"
#include "tools/gen/civil_date.h"
#include "tools/gen/random.h"

namespace rota::tools {
namespace {

namespace v1 = ::rota::v1;

absl::StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Calls fn(header, record) for each record of `table` in dir/file.
template <typename Fn>
absl::Status ForEachRecord(const std::string& dir, const char* file,
                           CsvTable table, Fn fn) {
  const std::string path = absl::StrCat(dir, "/", file);
  absl::StatusOr<std::string> text = ReadText(path);
  if (!text.ok()) return text.status();
  CsvReader reader(*text);
  std::vector<std::string> fields;
  absl::StatusOr<bool> more = reader.Next(&fields);
  if (!more.ok()) return more.status();
  if (!*more) return absl::OkStatus();
  absl::StatusOr<CsvHeader> header = CsvHeader::Parse(table, fields);
  if (!header.ok()) return header.status();
  while (true) {
    more = reader.Next(&fields);
    if (!more.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", more.status().message()));
    }
    if (!*more) return absl::OkStatus();
    absl::Status s = fn(*header, fields);
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " row ", reader.row(), ": ", s.message()));
    }
  }
}

absl::Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// Share of women among applicants for a post of `stage` and `subject`.
double WomenShare(int stage, const std::string& subject) {
  double share = stage == v1::KINDERGARTEN ? 0.95
                 : stage == v1::PRIMARY    ? 0.80
                 : stage == v1::JUNIOR     ? 0.55
                                           : 0.45;
  if (subject == "pe") share -= 0.30;
  return std::clamp(share, 0.05, 0.98);
}

struct OpenPost {
  std::string id;
  std::string school;
  std::string subject;
  int stage = 0;
  int seats = 0;
  std::string rural_school;  // bundled; "" = not
};

}  // namespace

absl::StatusOr<RecruitmentGenStats> GenerateRecruitment(
    const RecruitmentGenOptions& options, const std::string& dir) {
  RecruitmentGenStats stats;
  if (options.applicants < 0 || options.applicants > 10'000'000) {
    return absl::InvalidArgumentError(
        "--applicants must be between 0 and 10000000");
  }
  if (options.max_seats_per_post < 1) {
    return absl::InvalidArgumentError("max_seats_per_post must be >= 1");
  }
  int64_t as_of = 0;
  if (!ParseDate(options.as_of, &as_of)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--as-of \"", options.as_of, "\" is not a date"));
  }
  if (options.applicants == 0) return stats;

  // The county as rota-gen wrote it.
  std::map<std::string, v1::School> schools;
  absl::Status s = ForEachRecord(
      dir, "schools.csv", CsvTable::kSchools,
      [&](const CsvHeader& h, const std::vector<std::string>& r) {
        v1::School school;
        std::string field;
        absl::Status st = SchoolFromCsv(h, r, "c", &school, &field);
        if (st.ok()) schools[std::string(IdOf(school.name()))] = school;
        return st;
      });
  if (!s.ok()) return s;
  std::map<std::string, v1::Post> posts;  // id order: deterministic
  s = ForEachRecord(dir, "posts.csv", CsvTable::kPosts,
                    [&](const CsvHeader& h, const std::vector<std::string>& r) {
                      v1::Post post;
                      std::string field;
                      absl::Status st = PostFromCsv(h, r, "c", &post, &field);
                      if (st.ok()) posts[std::string(IdOf(post.name()))] = post;
                      return st;
                    });
  if (!s.ok()) return s;
  std::map<std::string, int> held;
  s = ForEachRecord(dir, "teachers.csv", CsvTable::kTeachers,
                    [&](const CsvHeader& h, const std::vector<std::string>& r) {
                      const std::string post(IdOf(h.Get(r, "post")));
                      if (!post.empty()) ++held[post];
                      return absl::OkStatus();
                    });
  if (!s.ok()) return s;

  // Rural schools by zone, for bundling.
  std::map<std::string, std::vector<std::string>> rural_by_zone;
  for (const auto& [id, school] : schools) {
    if (school.locality() == v1::RURAL ||
        school.locality() == v1::TEACHING_POINT) {
      rural_by_zone[school.zone()].push_back(id);
    }
  }

  // Recruitment posts where posts have vacancies, merged per school, stage
  // and subject (title bands do not matter for a new teacher).
  Random post_rng(Random::Mix(options.seed, 0x5EC2));
  std::map<std::string, OpenPost> open;  // key school/stage/subject
  for (const auto& [id, post] : posts) {
    const int vacancy = post.count() - held[id];
    if (vacancy <= 0) continue;
    const std::string school(IdOf(post.school()));
    auto sit = schools.find(school);
    if (sit == schools.end()) continue;
    const int stage =
        post.stage() != v1::STAGE_UNSPECIFIED
            ? post.stage()
            : (sit->second.stages_size() > 0 ? sit->second.stages(0)
                                             : static_cast<int>(v1::PRIMARY));
    const std::string key =
        absl::StrCat(school, "/", StageName(static_cast<v1::Stage>(stage)), "/",
                     post.subject());
    OpenPost& o = open[key];
    if (o.id.empty()) {
      o.id = absl::StrCat("r-", school, "-",
                          StageName(static_cast<v1::Stage>(stage)), "-",
                          post.subject());
      o.school = school;
      o.subject = post.subject();
      o.stage = stage;
    }
    o.seats = std::min(options.max_seats_per_post, o.seats + vacancy);
  }
  // Not every vacancy is advertised: keep about as many seats as a pool of
  // this size fills at three applicants a seat.
  std::vector<OpenPost> chosen;
  int64_t seat_budget = std::max<int64_t>(1, options.applicants / 3);
  for (auto& [key, o] : open) chosen.push_back(o);
  // Draw the advertised posts in a seeded order.
  for (size_t i = chosen.size(); i > 1; --i) {
    std::swap(chosen[i - 1], chosen[post_rng.Uniform(i)]);
  }
  std::vector<OpenPost> advertised;
  for (OpenPost& o : chosen) {
    if (seat_budget <= 0) break;
    o.seats = static_cast<int>(std::min<int64_t>(o.seats, seat_budget));
    seat_budget -= o.seats;
    const v1::School& school = schools[o.school];
    if ((school.locality() == v1::URBAN || school.locality() == v1::TOWN) &&
        post_rng.Bernoulli(options.bundled_share)) {
      const auto& rural = rural_by_zone[school.zone()];
      if (!rural.empty())
        o.rural_school = rural[post_rng.Uniform(rural.size())];
    }
    advertised.push_back(o);
  }
  std::sort(advertised.begin(), advertised.end(),
            [](const OpenPost& a, const OpenPost& b) { return a.id < b.id; });

  std::string text;
  AppendCsvRow(&text, CsvColumns(CsvTable::kRecruitmentPosts));
  std::map<std::string, std::vector<int>> by_subject_stage;  // -> indexes
  for (size_t i = 0; i < advertised.size(); ++i) {
    const OpenPost& o = advertised[i];
    v1::RecruitmentPost p;
    p.set_name(o.id);
    p.set_school(o.school);
    p.set_subject(o.subject);
    p.set_stage(static_cast<v1::Stage>(o.stage));
    p.set_seats(o.seats);
    if (!o.rural_school.empty()) {
      p.set_bundled_rural_school(o.rural_school);
      p.set_bundled_term_years(2);
      ++stats.bundled_posts;
    }
    AppendCsvRow(&text, RecruitmentPostToCsv(p));
    by_subject_stage[absl::StrCat(o.subject, "/", o.stage)].push_back(
        static_cast<int>(i));
    ++stats.recruitment_posts;
    stats.seats += o.seats;
  }
  s = WriteText(absl::StrCat(dir, "/recruitment_posts.csv"), text);
  if (!s.ok()) return s;

  // Applicants: each picks a subject and stage in proportion to the seats.
  std::vector<std::string> groups;
  std::vector<double> weights;
  for (const auto& [key, indexes] : by_subject_stage) {
    groups.push_back(key);
    double w = 0;
    for (int i : indexes) w += advertised[i].seats;
    weights.push_back(w);
  }
  static constexpr const char* kFamily[] = {"王", "李", "张", "刘", "陈",
                                            "杨", "黄", "赵", "吴", "周"};
  static constexpr const char* kGiven[] = {"芳", "静", "敏", "丽", "婷",
                                           "伟", "强", "磊", "军", "洋"};
  text.clear();
  AppendCsvRow(&text, CsvColumns(CsvTable::kApplicants));
  const int width = static_cast<int>(absl::StrCat(options.applicants).size());
  for (int64_t n = 0; n < options.applicants && !groups.empty(); ++n) {
    Random rng(Random::Mix(options.seed, 0xA991'0000'0000ull + n));
    const int g = rng.Weighted(weights);
    const std::vector<int>& pool = by_subject_stage[groups[g]];
    const OpenPost& first = advertised[pool[rng.Uniform(pool.size())]];
    v1::Applicant a;
    a.set_name(absl::StrFormat("a%0*d", width, n + 1));
    const bool woman = rng.Bernoulli(WomenShare(first.stage, first.subject));
    a.set_gender(woman ? v1::FEMALE : v1::MALE);
    a.set_display_name(absl::StrCat(kFamily[rng.Uniform(10)],
                                    kGiven[rng.Uniform(5) + (woman ? 0 : 5)]));
    const int64_t birth =
        as_of - static_cast<int64_t>(rng.UniformInt(21 * 365, 35 * 365));
    a.set_birth_date(FormatDate(birth));
    a.add_subjects(first.subject);
    a.add_certificate_stages(static_cast<v1::Stage>(first.stage));
    const double c = rng.Unit();
    a.set_channel(c < 0.80   ? v1::CHANNEL_OPEN
                  : c < 0.90 ? v1::CHANNEL_SPECIAL_POST
                  : c < 0.97 ? v1::CHANNEL_PUBLIC_FUNDED
                             : v1::CHANNEL_TALENT);
    a.set_interview_passed(rng.Bernoulli(0.85));
    const double score = std::clamp(rng.Normal(65.0, 10.0), 30.0, 98.0);
    a.set_written_score(static_cast<int32_t>(score * 100.0));
    // 1 to 5 posts of the same subject and stage, the first drawn above.
    a.add_preferences(first.id);
    const int more =
        std::min<int>(rng.UniformInt(0, 4), static_cast<int>(pool.size()) - 1);
    for (int k = 0; k < more; ++k) {
      const std::string& id = advertised[pool[rng.Uniform(pool.size())]].id;
      if (std::find(a.preferences().begin(), a.preferences().end(), id) ==
          a.preferences().end()) {
        a.add_preferences(id);
      }
    }
    AppendCsvRow(&text, ApplicantToCsv(a));
    ++stats.applicants;
    if (woman) ++stats.women;
  }
  s = WriteText(absl::StrCat(dir, "/applicants.csv"), text);
  if (!s.ok()) return s;
  return stats;
}

}  // namespace rota::tools
