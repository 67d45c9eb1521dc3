// The printable round report end to end: a county generated with rota-gen's
// library (one teacher and one school renamed with < & " in their names) is
// imported into the real rotad, rounds are run, and the real rotactl writes
// `round report ROUND --html FILE` (and --pdf). The test checks the
// structure (one page per school, every placed teacher named, one letter
// per mover or unplaced teacher, names escaped, nothing fetched, no script),
// (exchange rotation, competitive hiring, recruitment, 走教), then renders
// the exchange rotation's file with headless Chromium to a PNG and decodes it
// to check that the page shows text and the charts' bars (not a blank page).
// Only the Chromium part is skipped, and only when no Chromium is installed
// (scripts/setup.sh installs it).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cli_runner.h"
#include "tests/rounds_e2e_support.h"
#include "tests/status_matchers.h"
#include "zlib.h"

namespace rota::testing {
namespace {

constexpr char kCounty[] = "yongan";
constexpr char kEffective[] = "2026-09-01";
constexpr char kOddTeacher[] = R"(<b>王&"芳"</b>)";
constexpr char kOddSchool[] = R"(城关<一小> & "实验")";

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size()))
    ++n;
  return n;
}

// The Chromium binary: $ROTA_CHROMIUM, else chromium or chromium-browser on
// the PATH; "" when there is none.
std::string FindChromium() {
  if (const char* env = std::getenv("ROTA_CHROMIUM"); env != nullptr && *env)
    return env;
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  for (const char* name : {"chromium", "chromium-browser"}) {
    std::string dirs = path;
    size_t start = 0;
    while (start <= dirs.size()) {
      size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      const std::string candidate =
          absl::StrCat(dirs.substr(start, end - start), "/", name);
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
      start = end + 1;
    }
  }
  return "";
}

// A decoded 8-bit RGB or RGBA PNG (what Chromium writes), or an error.
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<uint8_t> pixels;  // rows of width * channels bytes
  std::string error;
};

uint32_t Be32(const std::string& s, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(s[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 3]));
}

Image DecodePng(const std::string& png) {
  Image img;
  if (png.size() < 8 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
    img.error = "not a PNG";
    return img;
  }
  std::string idat;
  for (size_t at = 8; at + 8 <= png.size();) {
    const uint32_t len = Be32(png, at);
    const std::string type = png.substr(at + 4, 4);
    if (at + 12 + len > png.size()) break;
    const std::string body = png.substr(at + 8, len);
    if (type == "IHDR") {
      img.width = static_cast<int>(Be32(body, 0));
      img.height = static_cast<int>(Be32(body, 4));
      const int depth = static_cast<uint8_t>(body[8]);
      const int colour = static_cast<uint8_t>(body[9]);
      const int interlace = static_cast<uint8_t>(body[12]);
      if (depth != 8 || (colour != 2 && colour != 6) || interlace != 0) {
        img.error = absl::StrCat("unsupported PNG: depth ", depth, " colour ",
                                 colour, " interlace ", interlace);
        return img;
      }
      img.channels = colour == 6 ? 4 : 3;
    } else if (type == "IDAT") {
      idat += body;
    }
    at += 12 + len;
  }
  if (img.width <= 0 || img.height <= 0 || idat.empty()) {
    img.error = "no IHDR or IDAT";
    return img;
  }
  const size_t stride = static_cast<size_t>(img.width) * img.channels;
  std::vector<uint8_t> raw((stride + 1) * img.height);
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size,
                 reinterpret_cast<const Bytef*>(idat.data()),
                 idat.size()) != Z_OK ||
      raw_size != raw.size()) {
    img.error = "bad zlib stream";
    return img;
  }
  img.pixels.assign(stride * img.height, 0);
  const int bpp = img.channels;
  for (int y = 0; y < img.height; ++y) {
    const uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* in = &raw[y * (stride + 1) + 1];
    uint8_t* out = &img.pixels[y * stride];
    const uint8_t* up = y > 0 ? &img.pixels[(y - 1) * stride] : nullptr;
    for (size_t x = 0; x < stride; ++x) {
      const int a = x >= static_cast<size_t>(bpp) ? out[x - bpp] : 0;
      const int b = up != nullptr ? up[x] : 0;
      const int c =
          up != nullptr && x >= static_cast<size_t>(bpp) ? up[x - bpp] : 0;
      int pred = 0;
      switch (filter) {
        case 0:
          break;
        case 1:
          pred = a;
          break;
        case 2:
          pred = b;
          break;
        case 3:
          pred = (a + b) / 2;
          break;
        case 4: {
          const int p = a + b - c;
          const int pa = std::abs(p - a), pb = std::abs(p - b),
                    pc = std::abs(p - c);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          img.error = absl::StrCat("bad filter ", filter, " in row ", y);
          return img;
      }
      out[x] = static_cast<uint8_t>(in[x] + pred);
    }
  }
  return img;
}

class HtmlReportE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/html_report_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
    rota::tools::CountyGenOptions gen;
    gen.seed = 11;
    gen.schools = 14;
    gen.teachers = 360;
    gen.as_of = "2026-08-15";
    ASSERT_OK_AND_ASSIGN(data_,
                         GenerateCountyData(gen, kCounty, /*applicants=*/60));
    data_.teachers[0].set_display_name(kOddTeacher);
    data_.schools[0].set_display_name(kOddSchool);
    ASSERT_OK(ImportCounty(*rotad_, data_));
    ASSERT_OK(ImportItinerant(*rotad_, data_));
    rounds_ = std::make_unique<RoundClient>(rotad_->channel());
  }
  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  CliResult Rotactl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--county", kCounty});
    return RunCli(ROTA_ROTACTL_PATH, args, dir_,
                  {"ROTA_SERVER=" + rotad_->address()});
  }

  // A frozen and run round of `kind` with rota-gen's applications; its name.
  std::string RunRound(rota::v1::RoundKind kind) {
    absl::StatusOr<rota::v1::Round> round =
        rounds_->Create(kCounty, kind, kEffective);
    EXPECT_OK(round);
    if (!round.ok()) return "";
    if (kind == rota::v1::EXCHANGE_ROTATION ||
        kind == rota::v1::COMPETITIVE_HIRING) {
      EXPECT_OK(
          rounds_->Submit(round->name(), kind == rota::v1::EXCHANGE_ROTATION
                                             ? ExchangeApplications(data_)
                                             : HiringApplications(data_)));
    }
    EXPECT_OK(rounds_->Freeze(round->name(), 20260901));
    EXPECT_OK(rounds_->Run(round->name()));
    return round->name();
  }

  // Writes the report of `round` with rotactl; its text.
  std::string WriteReport(const std::string& round, const std::string& file) {
    const CliResult r =
        Rotactl({"round", "report", Id(round), "--html", dir_ + "/" + file});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(absl::StrContains(r.out, "wrote ")) << r.out;
    return ReadFile(dir_ + "/" + file);
  }

  // Checks the structure shared by every kind: self-contained, one page per
  // school, names escaped, the teachers of `placements` named.
  void CheckStructure(const std::string& html,
                      const std::vector<rota::v1::Placement>& placements) {
    EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>"));
    EXPECT_FALSE(absl::StrContains(html, "<script"));
    EXPECT_FALSE(absl::StrContains(html, " src="));
    EXPECT_FALSE(absl::StrContains(html, " href="));
    EXPECT_FALSE(absl::StrContains(html, "https://"));
    EXPECT_TRUE(absl::StrContains(html, "break-before: page"));
    EXPECT_EQ(Count(html, "<section class=\"school\""),
              static_cast<int>(data_.schools.size()));
    for (const rota::v1::School& s : data_.schools) {
      EXPECT_TRUE(absl::StrContains(
          html, absl::StrCat("data-school=\"", Id(s.name()), "\"")))
          << s.name();
    }
    // The odd names render as text, never as markup.
    EXPECT_TRUE(absl::StrContains(html, Escape(kOddTeacher)));
    EXPECT_FALSE(absl::StrContains(html, kOddTeacher));
    EXPECT_FALSE(absl::StrContains(html, "<b>王"));
    EXPECT_TRUE(absl::StrContains(html, Escape(kOddSchool)));
    EXPECT_FALSE(absl::StrContains(html, kOddSchool));
    std::map<std::string, const rota::v1::Teacher*> teachers =
        data_.TeachersByName();
    int placed = 0;
    for (const rota::v1::Placement& p : placements) {
      if (p.to_school().empty()) continue;
      ++placed;
      auto t = teachers.find(p.teacher());
      ASSERT_NE(t, teachers.end()) << p.teacher();
      EXPECT_TRUE(absl::StrContains(html, Escape(t->second->display_name())))
          << "placed teacher " << p.teacher() << " ("
          << t->second->display_name() << ") is not named";
      EXPECT_TRUE(absl::StrContains(
          html, absl::StrCat("<small class=\"id\">", Id(p.teacher()))))
          << p.teacher();
    }
    EXPECT_GT(placed, 0);
  }

  static int Letters(const std::vector<rota::v1::Placement>& placements) {
    int n = 0;
    for (const rota::v1::Placement& p : placements)
      if (p.outcome() == rota::v1::UNPLACED ||
          (!p.to_school().empty() && p.to_school() != p.from_school()))
        ++n;
    return n;
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
  GeneratedCounty data_;
  std::unique_ptr<RoundClient> rounds_;
};

TEST_F(HtmlReportE2eTest, ExchangeRotationReportRendersInChromium) {
  const std::string round = RunRound(rota::v1::EXCHANGE_ROTATION);
  ASSERT_FALSE(round.empty());
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::Placement> placements,
                       rounds_->Placements(round));
  const std::string html = WriteReport(round, "report.html");
  CheckStructure(html, placements);
  const int letters = Letters(placements);
  EXPECT_GT(letters, 0);
  EXPECT_EQ(Count(html, "<section class=\"letter\""), letters);
  // Letters carry the teacher's own pronoun and the explanation's reasons.
  std::map<std::string, const rota::v1::Teacher*> teachers =
      data_.TeachersByName();
  for (const rota::v1::Placement& p : placements) {
    if (p.to_school().empty() || p.to_school() == p.from_school()) continue;
    const size_t at =
        html.find(absl::StrCat("data-teacher=\"", Id(p.teacher()), "\""));
    ASSERT_NE(at, std::string::npos) << p.teacher();
    const std::string letter =
        html.substr(at, html.find("</section>", at) - at);
    const bool female = teachers.at(p.teacher())->gender() == rota::v1::FEMALE;
    EXPECT_TRUE(absl::StrContains(
        letter, absl::StrCat(female ? "她" : "他", "自", kEffective, "起由")))
        << letter;
  }
  EXPECT_TRUE(absl::StrContains(html, "跨校调动方向"));
  EXPECT_TRUE(absl::StrContains(html, "调动人员年龄与性别"));
  EXPECT_TRUE(absl::StrContains(html, "比例要求"));
  EXPECT_GE(Count(html, "<svg class=\"chart\""), 5);

  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "no Chromium installed (scripts/setup.sh installs it): "
                    "the rendering checks did not run";
  }
  // The summary page as a screenshot.
  std::vector<std::string> args = {"--headless",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--hide-scrollbars",
                                   "--user-data-dir=" + dir_ + "/profile",
                                   "--window-size=900,1300",
                                   "--screenshot=" + dir_ + "/page.png",
                                   "file://" + dir_ + "/report.html"};
  if (geteuid() == 0) args.insert(args.begin(), "--no-sandbox");
  const CliResult shot = RunCli(chromium, args, dir_);
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  const Image img = DecodePng(ReadFile(dir_ + "/page.png"));
  ASSERT_TRUE(img.error.empty()) << img.error;
  EXPECT_EQ(img.width, 900);
  EXPECT_EQ(img.height, 1300);
  int64_t dark = 0, bar_red = 0, non_white = 0;
  for (size_t i = 0; i + 2 < img.pixels.size(); i += img.channels) {
    const int r = img.pixels[i], g = img.pixels[i + 1], b = img.pixels[i + 2];
    if (r < 250 || g < 250 || b < 250) ++non_white;
    if (r < 80 && g < 80 && b < 80) ++dark;  // text
    // The first series colour of the charts, #c0392b.
    if (std::abs(r - 0xc0) < 12 && std::abs(g - 0x39) < 12 &&
        std::abs(b - 0x2b) < 12)
      ++bar_red;
  }
  const int64_t pixels = static_cast<int64_t>(img.width) * img.height;
  EXPECT_GT(non_white, pixels / 100) << "the page looks blank";
  EXPECT_GT(dark, pixels / 500) << "no text on the page";
  EXPECT_GT(bar_red, 200) << "no chart bar on the page";

  // The whole report printed to PDF through rotactl.
  const CliResult pdf =
      Rotactl({"round", "report", Id(round), "--html", dir_ + "/report2.html",
               "--pdf", dir_ + "/report.pdf"});
  ASSERT_EQ(pdf.exit_code, 0) << pdf.out << pdf.err;
  const std::string bytes = ReadFile(dir_ + "/report.pdf");
  EXPECT_TRUE(absl::StartsWith(bytes, "%PDF-")) << bytes.substr(0, 16);
  EXPECT_GT(bytes.size(), 10000u);
}

TEST_F(HtmlReportE2eTest, CompetitiveHiringReport) {
  const std::string round = RunRound(rota::v1::COMPETITIVE_HIRING);
  ASSERT_FALSE(round.empty());
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::Placement> placements,
                       rounds_->Placements(round));
  const std::string html = WriteReport(round, "hiring.html");
  CheckStructure(html, placements);
  EXPECT_TRUE(absl::StrContains(html, "竞聘上岗"));
  EXPECT_EQ(Count(html, "<section class=\"letter\""), Letters(placements));
}

// Recruitment: the per-post gender table, one letter per applicant, each
// hire named on her school's page.
TEST_F(HtmlReportE2eTest, RecruitmentReport) {
  const std::string round = RunRound(rota::v1::RECRUITMENT);
  ASSERT_FALSE(round.empty());
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::Placement> placements,
                       rounds_->Placements(round));
  const std::string html = WriteReport(round, "recruitment.html");
  EXPECT_EQ(Count(html, "<section class=\"school\""),
            static_cast<int>(data_.schools.size()));
  EXPECT_TRUE(absl::StrContains(html, "各岗位录用情况（按性别）"));
  EXPECT_EQ(Count(html, "<section class=\"letter\""),
            static_cast<int>(placements.size()));
  std::map<std::string, std::string> names;
  for (const rota::v1::Applicant& a : data_.applicants)
    names[a.name()] = a.display_name();
  int hired = 0;
  for (const rota::v1::Placement& p : placements) {
    if (p.outcome() != rota::v1::RECRUITED) continue;
    ++hired;
    const size_t page =
        html.find(absl::StrCat("data-school=\"", Id(p.to_school()), "\""));
    ASSERT_NE(page, std::string::npos) << p.to_school();
    const std::string text =
        html.substr(page, html.find("</section>", page) - page);
    EXPECT_TRUE(absl::StrContains(text, Escape(names.at(p.teacher()))))
        << p.teacher() << " is not on the page of " << p.to_school();
  }
  EXPECT_GT(hired, 0);
}

// 走教: the coverage table and chart, one letter per itinerant teacher.
TEST_F(HtmlReportE2eTest, ItinerantTeachingReport) {
  const std::string round = RunRound(rota::v1::ITINERANT_TEACHING);
  ASSERT_FALSE(round.empty());
  ASSERT_OK_AND_ASSIGN(std::vector<rota::v1::Placement> placements,
                       rounds_->Placements(round));
  const std::string html = WriteReport(round, "itinerant.html");
  EXPECT_EQ(Count(html, "<section class=\"school\""),
            static_cast<int>(data_.schools.size()));
  EXPECT_TRUE(absl::StrContains(html, "紧缺学科课时覆盖"));
  int itinerant = 0;
  for (const rota::v1::Placement& p : placements)
    if (p.outcome() == rota::v1::ITINERANT) ++itinerant;
  EXPECT_GT(itinerant, 0);
  EXPECT_EQ(Count(html, "<section class=\"letter\""), itinerant);
  EXPECT_EQ(Count(html, "本学年到下列学校走教"), itinerant);
}

TEST_F(HtmlReportE2eTest, PdfNeedsHtml) {
  const CliResult r =
      Rotactl({"round", "report", "r", "--pdf", dir_ + "/x.pdf"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

}  // namespace
}  // namespace rota::testing
