// Checks rota-gen's output: byte-identical for a seed, internally consistent
// (it parses with rotactl's CSV reader and every reference and date holds),
// and distributed like a Chinese county (see county_generator.h).
#include "tools/gen/county_generator.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_format.h"

namespace rota::tools {
namespace {

namespace v1 = ::rota::v1;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Dir(const std::string& name) {
  return absl::StrCat(testing::TempDir(), "/rota_gen_test_", getpid(), "_",
                      name);
}

CountyGenStats Generate(uint64_t seed, int schools, int64_t teachers,
                        const std::string& dir) {
  CountyGenOptions o;
  o.seed = seed;
  o.schools = schools;
  o.teachers = teachers;
  absl::StatusOr<CountyGenStats> stats = GenerateCounty(o, dir);
  EXPECT_TRUE(stats.ok()) << stats.status();
  return stats.ok() ? *stats : CountyGenStats();
}

struct County {
  std::vector<v1::School> schools;
  std::vector<v1::Post> posts;
  std::vector<v1::Teacher> teachers;
  std::vector<Application> applications;
};

// Parses every file with the same code rotactl import uses.
template <typename T, typename F>
void Load(const std::string& path, CsvTable table, F convert,
          std::vector<T>* out) {
  const std::string text = ReadFile(path);
  CsvReader reader(text);
  std::vector<std::string> fields;
  ASSERT_TRUE(*reader.Next(&fields)) << path;
  absl::StatusOr<CsvHeader> header = CsvHeader::Parse(table, fields);
  ASSERT_TRUE(header.ok()) << path << ": " << header.status();
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&fields);
    ASSERT_TRUE(more.ok()) << path << ": " << more.status();
    if (!*more) break;
    T item;
    std::string field;
    absl::Status s = convert(*header, fields, &item, &field);
    ASSERT_TRUE(s.ok()) << path << " row " << reader.row() << " " << field
                        << ": " << s;
    out->push_back(std::move(item));
  }
}

County LoadCounty(const std::string& dir) {
  County c;
  Load(
      dir + "/schools.csv", CsvTable::kSchools,
      [](const CsvHeader& h, const std::vector<std::string>& r, v1::School* s,
         std::string* f) { return SchoolFromCsv(h, r, "c", s, f); },
      &c.schools);
  Load(
      dir + "/posts.csv", CsvTable::kPosts,
      [](const CsvHeader& h, const std::vector<std::string>& r, v1::Post* p,
         std::string* f) { return PostFromCsv(h, r, "c", p, f); },
      &c.posts);
  Load(
      dir + "/teachers.csv", CsvTable::kTeachers,
      [](const CsvHeader& h, const std::vector<std::string>& r, v1::Teacher* t,
         std::string* f) { return TeacherFromCsv(h, r, "c", t, f); },
      &c.teachers);
  Load(
      dir + "/applications.csv", CsvTable::kApplications,
      [](const CsvHeader& h, const std::vector<std::string>& r, Application* a,
         std::string* f) { return ApplicationFromCsv(h, r, a, f); },
      &c.applications);
  return c;
}

// Years between two YYYY-MM-DD dates (string dates compare in date order).
double Years(const std::string& from, const std::string& to) {
  auto days = [](const std::string& d) {
    const int y = std::stoi(d.substr(0, 4)), m = std::stoi(d.substr(5, 2)),
              dd = std::stoi(d.substr(8, 2));
    return y * 365.2425 + (m - 1) * 30.44 + dd;
  };
  return (days(to) - days(from)) / 365.2425;
}

constexpr char kAsOf[] = "2026-09-01";

TEST(CountyGeneratorTest, SameSeedGivesIdenticalBytes) {
  const std::string a = Dir("a"), b = Dir("b"), c = Dir("c");
  Generate(7, 50, 2000, a);
  Generate(7, 50, 2000, b);
  Generate(8, 50, 2000, c);
  for (const char* f :
       {"schools.csv", "posts.csv", "teachers.csv", "applications.csv",
        "hiring_applications.csv", "county.txt"}) {
    const std::string fa = ReadFile(a + "/" + f);
    EXPECT_GT(fa.size(), 10u) << f;
    EXPECT_EQ(fa, ReadFile(b + "/" + f)) << f << " differs for seed 7";
    if (std::string(f) != "county.txt") {
      EXPECT_NE(fa, ReadFile(c + "/" + f)) << f << " same for seeds 7 and 8";
    }
  }
  for (const std::string& d : {a, b, c}) std::filesystem::remove_all(d);
}

TEST(CountyGeneratorTest, RejectsBadOptions) {
  CountyGenOptions o;
  o.schools = 10;
  o.teachers = 5;
  EXPECT_EQ(GenerateCounty(o, Dir("bad")).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.teachers = 100;
  o.as_of = "2026-02-30";
  EXPECT_EQ(GenerateCounty(o, Dir("bad")).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.as_of = "2026-09-01";
  o.schools = 0;
  EXPECT_EQ(GenerateCounty(o, Dir("bad")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Every reference resolves, dates are ordered and the history ends at the
// current school, for several seeds and sizes (including tiny ones).
TEST(CountyGeneratorTest, InternallyConsistent) {
  struct Case {
    uint64_t seed;
    int schools;
    int teachers;
  };
  for (const Case& k :
       {Case{1, 50, 2000}, Case{2, 3, 40}, Case{3, 1, 1}, Case{4, 120, 5000}}) {
    SCOPED_TRACE(absl::StrCat("seed ", k.seed, ", ", k.schools, " schools, ",
                              k.teachers, " teachers"));
    const std::string dir = Dir(absl::StrCat("consistent", k.seed));
    const CountyGenStats stats = Generate(k.seed, k.schools, k.teachers, dir);
    const County c = LoadCounty(dir);
    ASSERT_EQ(static_cast<int>(c.schools.size()), k.schools);
    ASSERT_EQ(static_cast<int>(c.teachers.size()), k.teachers);
    EXPECT_EQ(stats.teachers, k.teachers);

    std::map<std::string, const v1::School*> schools;
    std::map<std::string, int64_t> seats_by_school;
    for (const v1::School& s : c.schools) {
      EXPECT_TRUE(schools.emplace(s.name(), &s).second)
          << "duplicate " << s.name();
      EXPECT_FALSE(s.display_name().empty());
      EXPECT_GE(s.stages_size(), 1);
      EXPECT_NE(s.locality(), v1::LOCALITY_UNSPECIFIED);
      EXPECT_FALSE(s.zone().empty());
      EXPECT_TRUE(s.has_location());
      EXPECT_GE(s.headcount(), 0);
    }
    std::map<std::string, const v1::Post*> posts;
    for (const v1::Post& p : c.posts) {
      EXPECT_TRUE(posts.emplace(p.name(), &p).second)
          << "duplicate " << p.name();
      ASSERT_TRUE(schools.count(p.school()))
          << p.name() << " -> " << p.school();
      EXPECT_GT(p.count(), 0);
      EXPECT_NE(p.title_band(), v1::NO_TITLE);
      bool offered = false;
      for (int st : schools[p.school()]->stages()) offered |= st == p.stage();
      EXPECT_TRUE(offered) << p.name();
      seats_by_school[p.school()] += p.count();
    }
    for (const v1::School& s : c.schools) {
      EXPECT_EQ(seats_by_school[s.name()], s.headcount()) << s.name();
    }
    std::set<std::string> teacher_ids;
    std::map<std::string, int> principals;
    std::map<std::string, int64_t> post_holders;
    for (const v1::Teacher& t : c.teachers) {
      SCOPED_TRACE(t.name());
      EXPECT_TRUE(teacher_ids.insert(t.name()).second);
      ASSERT_TRUE(schools.count(t.school()));
      EXPECT_LT(t.birth_date(), t.career_start_date());
      EXPECT_GE(Years(t.birth_date(), t.career_start_date()), 16.0);
      EXPECT_LE(t.career_start_date(), t.school_join_date());
      EXPECT_LE(t.school_join_date(), kAsOf);
      // Leaders carry a role start date after eight years of teaching (or
      // on joining), not in the future; teachers none.
      if (t.role() == v1::PRINCIPAL || t.role() == v1::VICE_PRINCIPAL) {
        ASSERT_FALSE(t.role_start_date().empty());
        EXPECT_LE(t.career_start_date(), t.role_start_date());
        EXPECT_LE(t.role_start_date(), kAsOf);
        if (t.role_start_date() < t.school_join_date()) {
          EXPECT_GE(Years(t.career_start_date(), t.role_start_date()), 7.99);
        }
      } else {
        EXPECT_TRUE(t.role_start_date().empty());
      }
      EXPECT_GE(t.subjects_size(), 1);
      EXPECT_GE(t.certificate_stages_size(), 1);
      bool cert_ok = false;
      for (int st : schools[t.school()]->stages())
        cert_ok |= st == t.certificate_stages(0);
      EXPECT_TRUE(cert_ok);
      EXPECT_NE(t.gender(), v1::GENDER_UNSPECIFIED);
      EXPECT_NE(t.title(), v1::TITLE_UNSPECIFIED);
      EXPECT_NE(t.employment(), v1::EMPLOYMENT_UNSPECIFIED);
      if (t.role() == v1::PRINCIPAL) ++principals[t.school()];
      if (!t.post().empty()) {
        ASSERT_TRUE(posts.count(t.post())) << t.post();
        const v1::Post& p = *posts[t.post()];
        EXPECT_EQ(p.school(), t.school());
        EXPECT_EQ(p.subject(), t.subjects(0));
        EXPECT_LE(p.title_band(), std::max<int>(v1::JUNIOR_TITLE, t.title()));
        EXPECT_EQ(t.employment(), v1::ESTABLISHED);
        ++post_holders[t.post()];
      }
      // History: starts at career start, contiguous, ends at the current
      // school.
      ASSERT_GE(t.service_history_size(), 1);
      EXPECT_EQ(t.service_history(0).start_date(), t.career_start_date());
      for (int i = 0; i < t.service_history_size(); ++i) {
        const v1::ServiceSpell& sp = t.service_history(i);
        ASSERT_TRUE(schools.count(sp.school())) << sp.school();
        EXPECT_EQ(sp.locality(), schools[sp.school()]->locality());
        EXPECT_EQ(sp.weak(), schools[sp.school()]->weak());
        if (i + 1 < t.service_history_size()) {
          EXPECT_LT(sp.start_date(), sp.end_date());
          EXPECT_EQ(sp.end_date(), t.service_history(i + 1).start_date());
          EXPECT_NE(sp.school(), t.service_history(i + 1).school());
        }
      }
      const v1::ServiceSpell& last =
          t.service_history(t.service_history_size() - 1);
      EXPECT_EQ(last.school(), t.school());
      EXPECT_EQ(last.start_date(), t.school_join_date());
      EXPECT_EQ(last.end_date(), "");
      EXPECT_FALSE(last.term_exchange());
      for (const v1::Evaluation& e : t.evaluations()) {
        EXPECT_LT(e.year(), 2026);
        EXPECT_GT(std::to_string(e.year()), t.career_start_date().substr(0, 4));
      }
      for (const v1::Exemption& x : t.exemptions()) {
        EXPECT_LE(x.start_date(), kAsOf);
        EXPECT_GE(x.start_date(), t.career_start_date().substr(0, 4));
        if (!x.end_date().empty()) {
          EXPECT_LT(x.start_date(), x.end_date());
        }
        EXPECT_FALSE(x.note().empty());
      }
      for (const v1::ServiceObligation& o : t.obligations()) {
        EXPECT_EQ(o.start_date(), t.career_start_date());
        // The obligation's first post was rural.
        const v1::Locality first = t.service_history(0).locality();
        EXPECT_TRUE(first == v1::RURAL || first == v1::TEACHING_POINT ||
                    first == v1::TOWN)
            << "obligation but first post " << first;
      }
    }
    for (const auto& [school, n] : principals) EXPECT_EQ(n, 1) << school;
    for (const auto& [post, n] : post_holders)
      EXPECT_LE(n, posts[post]->count()) << post;
    for (const Application& a : c.applications) {
      EXPECT_TRUE(teacher_ids.count("counties/c/teachers/" + a.teacher_id))
          << a.teacher_id;
      std::set<std::string> seen;
      for (const std::string& s : a.school_ids) {
        EXPECT_TRUE(schools.count("counties/c/schools/" + s)) << s;
        EXPECT_TRUE(seen.insert(s).second)
            << "repeated " << s << " for " << a.teacher_id;
      }
    }
    std::filesystem::remove_all(dir);
  }
}

// Shape of a realistic county, on several seeds.
TEST(CountyGeneratorTest, DistributionsArePlausible) {
  int term_exchanges = 0;
  for (uint64_t seed : {11, 12, 13}) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    const std::string dir = Dir(absl::StrCat("dist", seed));
    Generate(seed, 50, 2000, dir);
    const County c = LoadCounty(dir);
    std::map<std::string, const v1::School*> schools;
    for (const v1::School& s : c.schools) schools[s.name()] = &s;
    auto is_rural = [](v1::Locality l) {
      return l == v1::RURAL || l == v1::TEACHING_POINT;
    };

    // School mix.
    std::map<v1::Locality, int> by_locality;
    for (const v1::School& s : c.schools) ++by_locality[s.locality()];
    EXPECT_GE(by_locality[v1::URBAN], 5);
    EXPECT_GE(by_locality[v1::TOWN], 8);
    EXPECT_GE(by_locality[v1::RURAL], 8);
    EXPECT_GE(by_locality[v1::TEACHING_POINT], 3);

    struct Acc {
      double n = 0, sum = 0;
      void Add(double x) {
        ++n;
        sum += x;
      }
      double Mean() const { return n ? sum / n : 0; }
    };
    Acc female_primary, female_senior, female_kg, age_urban, age_rural,
        non_established, non_est_urban, non_est_rural, backbone,
        senior_title_urban, senior_title_rural, shortage_urban, shortage_rural,
        eligible, urban_with_rural_past;
    std::map<std::string, int> staff;
    int pregnancy = 0, illness = 0, near_retirement = 0, hardship = 0,
        obligation = 0, principals = 0, vices = 0;
    for (const v1::Teacher& t : c.teachers) {
      const v1::School& s = *schools[t.school()];
      ++staff[t.school()];
      const int stage = t.certificate_stages(0);
      const bool female = t.gender() == v1::FEMALE;
      if (stage == v1::PRIMARY) female_primary.Add(female);
      if (stage == v1::SENIOR) female_senior.Add(female);
      if (stage == v1::KINDERGARTEN) female_kg.Add(female);
      const double age = Years(t.birth_date(), kAsOf);
      if (s.locality() == v1::URBAN) age_urban.Add(age);
      if (is_rural(s.locality())) age_rural.Add(age);
      const bool ne = t.employment() == v1::NON_ESTABLISHED;
      non_established.Add(ne);
      if (s.locality() == v1::URBAN) non_est_urban.Add(ne);
      if (is_rural(s.locality())) non_est_rural.Add(ne);
      backbone.Add(t.backbone_level() > v1::NOT_BACKBONE);
      if (!ne && s.locality() == v1::URBAN)
        senior_title_urban.Add(t.title() == v1::SENIOR_TITLE);
      if (!ne && is_rural(s.locality()))
        senior_title_rural.Add(t.title() == v1::SENIOR_TITLE);
      if (stage == v1::PRIMARY) {
        const std::string& sub = t.subjects(0);
        const bool shortage =
            sub == "music" || sub == "pe" || sub == "art" || sub == "it";
        if (s.locality() == v1::URBAN) shortage_urban.Add(shortage);
        if (is_rural(s.locality())) shortage_rural.Add(shortage);
      }
      if (!ne) eligible.Add(Years(t.school_join_date(), kAsOf) >= 6);
      if (s.locality() == v1::URBAN && !ne) {
        bool rural_past = false;
        for (const v1::ServiceSpell& sp : t.service_history())
          rural_past |= is_rural(sp.locality());
        urban_with_rural_past.Add(rural_past);
      }
      for (const v1::ServiceSpell& sp : t.service_history())
        term_exchanges += sp.term_exchange();
      for (const v1::Exemption& x : t.exemptions()) {
        if (!x.end_date().empty()) continue;
        pregnancy += x.kind() == v1::PREGNANCY_OR_NURSING;
        illness += x.kind() == v1::SERIOUS_ILLNESS;
        near_retirement += x.kind() == v1::NEAR_RETIREMENT;
      }
      hardship += t.hardships_size() > 0;
      obligation += t.obligations_size() > 0;
      principals += t.role() == v1::PRINCIPAL;
      vices += t.role() == v1::VICE_PRINCIPAL;
    }
    EXPECT_GT(female_primary.Mean(), 0.65);
    EXPECT_GT(female_kg.Mean(), 0.85);
    EXPECT_LT(female_senior.Mean(), 0.52);
    EXPECT_LT(female_senior.Mean(), female_primary.Mean() - 0.2);
    EXPECT_GT(age_rural.Mean(), age_urban.Mean() + 3.0);
    EXPECT_GT(non_established.Mean(), 0.04);
    EXPECT_LT(non_established.Mean(), 0.15);
    EXPECT_GT(non_est_urban.Mean(), non_est_rural.Mean());
    EXPECT_GT(backbone.Mean(), 0.05);
    EXPECT_LT(backbone.Mean(), 0.25);
    EXPECT_GT(senior_title_urban.Mean(), senior_title_rural.Mean());
    EXPECT_LT(shortage_rural.Mean(), 0.6 * shortage_urban.Mean());
    EXPECT_GT(eligible.Mean(), 0.3);
    EXPECT_LT(eligible.Mean(), 0.9);
    EXPECT_GT(urban_with_rural_past.Mean(), 0.1);
    EXPECT_GT(pregnancy, 5);
    EXPECT_GT(illness, 0);
    EXPECT_GT(near_retirement, 20);
    EXPECT_GT(hardship, 20);
    EXPECT_GT(obligation, 10);
    EXPECT_GE(principals, 30);
    EXPECT_GE(vices, 10);

    // Fewer staff in rural schools.
    Acc staff_urban, staff_rural;
    for (const v1::School& s : c.schools) {
      if (s.locality() == v1::URBAN) staff_urban.Add(staff[s.name()]);
      if (is_rural(s.locality())) staff_rural.Add(staff[s.name()]);
    }
    EXPECT_LT(staff_rural.Mean() * 3, staff_urban.Mean());

    // Posts: seats roughly match established staff; rural schools have
    // vacant seats in shortage subjects.
    int64_t seats = 0, rural_shortage_seats = 0;
    std::map<std::string, int64_t> headcount;
    for (const v1::Post& p : c.posts) {
      seats += p.count();
      const bool shortage = p.subject() == "music" || p.subject() == "pe" ||
                            p.subject() == "art" || p.subject() == "it";
      if (shortage && is_rural(schools[p.school()]->locality()))
        rural_shortage_seats += p.count();
    }
    int64_t established = 0, rural_shortage_staff = 0;
    for (const v1::Teacher& t : c.teachers) {
      if (t.employment() != v1::ESTABLISHED) continue;
      ++established;
      const std::string& sub = t.subjects(0);
      const bool shortage =
          sub == "music" || sub == "pe" || sub == "art" || sub == "it";
      if (shortage && is_rural(schools[t.school()]->locality()))
        ++rural_shortage_staff;
    }
    EXPECT_GT(seats, established * 0.95);
    EXPECT_LT(seats, established * 1.10);
    EXPECT_GT(rural_shortage_seats, rural_shortage_staff);

    // Applications: most established non-exempt teachers, a few voluntary.
    int voluntary = 0;
    for (const Application& a : c.applications) {
      voluntary += a.voluntary;
      EXPECT_GE(a.school_ids.size(), 1u);
    }
    EXPECT_GT(c.applications.size(), c.teachers.size() / 2);
    EXPECT_GT(voluntary, 10);
    EXPECT_LT(voluntary, static_cast<int>(c.applications.size() / 5));
    std::filesystem::remove_all(dir);
  }
  EXPECT_GT(term_exchanges, 0);
}

}  // namespace
}  // namespace rota::tools
