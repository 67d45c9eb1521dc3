#include "tools/gen/applicant_generator.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_format.h"
#include "tools/gen/county_generator.h"

namespace rota::tools {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Generate(uint64_t seed, const std::string& name) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / name).string();
  std::filesystem::remove_all(dir);
  CountyGenOptions options;
  options.seed = seed;
  options.schools = 30;
  options.teachers = 900;
  options.applicants = 400;
  EXPECT_TRUE(GenerateCounty(options, dir).ok());
  return dir;
}

TEST(ApplicantGeneratorTest, SameSeedSameBytes) {
  const std::string a = Generate(7, "rota_applicants_a");
  const std::string b = Generate(7, "rota_applicants_b");
  EXPECT_EQ(Read(a + "/applicants.csv"), Read(b + "/applicants.csv"));
  EXPECT_EQ(Read(a + "/recruitment_posts.csv"),
            Read(b + "/recruitment_posts.csv"));
  const std::string c = Generate(8, "rota_applicants_c");
  EXPECT_NE(Read(a + "/applicants.csv"), Read(c + "/applicants.csv"));
}

TEST(ApplicantGeneratorTest, RealisticPoolThatParses) {
  const std::string dir = Generate(11, "rota_applicants_d");
  std::set<std::string> post_ids;
  std::map<std::string, int> post_stage;
  {
    const std::string text = Read(dir + "/recruitment_posts.csv");
    CsvReader reader(text);
    std::vector<std::string> fields;
    ASSERT_TRUE(*reader.Next(&fields));
    auto header = CsvHeader::Parse(CsvTable::kRecruitmentPosts, fields);
    ASSERT_TRUE(header.ok());
    int bundled = 0;
    while (*reader.Next(&fields)) {
      rota::v1::RecruitmentPost p;
      std::string field;
      ASSERT_TRUE(RecruitmentPostFromCsv(*header, fields, "c", &p, &field).ok())
          << field;
      EXPECT_GE(p.seats(), 1);
      EXPECT_LE(p.seats(), 3);
      if (!p.bundled_rural_school().empty()) ++bundled;
      post_ids.insert(std::string(IdOf(p.name())));
      post_stage[std::string(IdOf(p.name()))] = p.stage();
    }
    EXPECT_GT(post_ids.size(), 10u);
    EXPECT_GT(bundled, 0);
  }
  const std::string text = Read(dir + "/applicants.csv");
  CsvReader reader(text);
  std::vector<std::string> fields;
  ASSERT_TRUE(*reader.Next(&fields));
  auto header = CsvHeader::Parse(CsvTable::kApplicants, fields);
  ASSERT_TRUE(header.ok());
  int n = 0, passed = 0, open = 0, primary = 0, primary_women = 0;
  int64_t score_sum = 0;
  while (*reader.Next(&fields)) {
    rota::v1::Applicant a;
    std::string field;
    ASSERT_TRUE(ApplicantFromCsv(*header, fields, "c", &a, &field).ok())
        << field;
    ++n;
    passed += a.interview_passed();
    open += a.channel() == rota::v1::CHANNEL_OPEN;
    score_sum += a.written_score();
    EXPECT_GE(a.written_score(), 3000);
    EXPECT_LE(a.written_score(), 9800);
    ASSERT_GE(a.preferences_size(), 1);
    for (const auto& p : a.preferences())
      EXPECT_TRUE(post_ids.count(std::string(IdOf(p)))) << p;
    if (post_stage[std::string(IdOf(a.preferences(0)))] == rota::v1::PRIMARY) {
      ++primary;
      primary_women += a.gender() == rota::v1::FEMALE;
    }
  }
  ASSERT_EQ(n, 400);
  EXPECT_NEAR(passed / 400.0, 0.85, 0.07);
  EXPECT_NEAR(open / 400.0, 0.80, 0.07);
  EXPECT_NEAR(score_sum / 400.0 / 100.0, 65.0, 2.0);
  if (primary >= 40) {
    EXPECT_NEAR(primary_women / static_cast<double>(primary), 0.8, 0.12);
  }
}

}  // namespace
}  // namespace rota::tools
