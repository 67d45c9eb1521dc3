// Internals of rota-gen's county generator (county_generator.h), shared by
// its three files: county_tables.cc (subject and place-name tables, Chinese
// ordinals, the portable cosine), county_generator.cc (the county itself:
// layout, staff, teachers, service history, roles, posts) and
// county_generator_write.cc (the CSV rows of teachers, applications, hiring
// applications, schools, and the itinerant files). Here: the proto enum
// values, CSV spellings, school kinds, name tables, small helpers, the
// records of one school and one teacher, the buffered CSV writer and the
// Generator class. Internal to tools/gen; not an API.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/csv/csv.h"
#include "tools/gen/civil_date.h"
#include "tools/gen/county_generator.h"
#include "tools/gen/random.h"

namespace rota::tools::gen_internal {

// Proto enum values, repeated here so the generator stays free of protobuf
// (it writes CSV text directly, which keeps a province at a few seconds).
enum Stage {
  kKindergarten = 1,
  kPrimary = 2,
  kJunior = 3,
  kSenior = 4,
  kVocational = 5
};
enum Locality { kUrban = 1, kTown = 2, kRural = 3, kTeachingPoint = 4 };
enum Title {
  kNoTitle = 1,
  kJuniorTitle = 2,
  kIntermediateTitle = 3,
  kSeniorTitle = 4
};
enum Role { kTeacherRole = 1, kPrincipal = 2, kVicePrincipal = 3 };

inline constexpr const char* kStageCsv[] = {
    "", "kindergarten", "primary", "junior", "senior", "vocational"};
inline constexpr const char* kStageShort[] = {"",    "kg",  "pri",
                                              "jun", "sen", "voc"};
inline constexpr const char* kLocalityCsv[] = {"", "urban", "town", "rural",
                                               "teaching_point"};
inline constexpr const char* kTitleCsv[] = {"", "none", "junior",
                                            "intermediate", "senior"};
inline constexpr const char* kBandShort[] = {"", "", "jr", "int", "sr"};
inline constexpr const char* kRoleCsv[] = {"", "teacher", "principal",
                                           "vice_principal"};
inline constexpr const char* kBackboneCsv[] = {"", "none", "county", "city",
                                               "province"};
inline constexpr const char* kGradeCsv[] = {"", "excellent", "competent",
                                            "basic_competent", "incompetent"};

enum SchoolKind {
  kUrbanSenior,
  kUrbanJunior,
  kUrbanPrimary,
  kUrbanNineYear,
  kUrbanKindergarten,
  kVocationalSchool,
  kTownPrimary,
  kTownJunior,
  kTownNineYear,
  kTownKindergarten,
  kRuralPrimary,
  kRuralNineYear,
  kTeachingPointSchool,
  kNumKinds
};

struct KindInfo {
  Locality locality;
  Stage stage1;
  Stage stage2;  // 0 if single-stage
  double size;   // relative staff size
};

inline constexpr KindInfo kKinds[kNumKinds] = {
    {kUrban, kSenior, Stage(0), 165},
    {kUrban, kJunior, Stage(0), 95},
    {kUrban, kPrimary, Stage(0), 85},
    {kUrban, kPrimary, kJunior, 90},
    {kUrban, kKindergarten, Stage(0), 30},
    {kUrban, kVocational, Stage(0), 80},
    {kTown, kPrimary, Stage(0), 45},
    {kTown, kJunior, Stage(0), 60},
    {kTown, kPrimary, kJunior, 55},
    {kTown, kKindergarten, Stage(0), 15},
    {kRural, kPrimary, Stage(0), 14},
    {kRural, kPrimary, kJunior, 28},
    {kTeachingPoint, kPrimary, Stage(0), 3.5}};

// Subjects by stage: code, curriculum weight, shortage subject (音体美信 etc.).
struct SubjectWeight {
  const char* code;
  double weight;
  bool shortage;
};
std::span<const SubjectWeight> SubjectsOf(int stage);

// Title-band shares of post seats by stage (senior, intermediate); the rest
// are junior. Senior seats are scarcer in primary schools (结构比例).
inline constexpr double kBandSenior[] = {0, 0.05, 0.08, 0.15, 0.27, 0.20};
inline constexpr double kBandIntermediate[] = {0, 0.35, 0.47, 0.47, 0.45, 0.45};

// Common surnames with rough frequency weights.
inline constexpr const char* kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐",
    "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁",
    "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖",
    "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程",
    "魏", "苏", "吕", "丁", "沈", "任", "姚", "卢", "钟", "姜", "崔",
    "谭", "廖", "范", "汪", "陆", "金", "石", "戴", "贾", "韦", "夏",
    "邱", "方", "侯", "邹", "熊", "孟", "秦", "白", "江"};
inline constexpr double kSurnameWeights[] = {
    7.0, 7.0, 6.5, 5.5, 4.5, 3.0, 2.2, 2.0, 2.0, 2.0, 1.5, 1.4, 1.3, 1.2, 1.1,
    1.1, 1.0, 1.0, 1.0, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5,
    0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3,
    0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2,
    0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2};
static_assert(std::size(kSurnames) == std::size(kSurnameWeights));
inline constexpr const char* kFemaleChars[] = {
    "芳", "娟", "敏", "静", "丽", "艳", "霞", "燕", "玲", "婷", "雪", "慧",
    "红", "梅", "琳", "洁", "欣", "颖", "莉", "萍", "秀", "兰", "英", "华",
    "丹", "倩", "佳", "怡", "悦", "璐", "晶", "雯", "萱", "琪", "春", "晓"};
inline constexpr const char* kMaleChars[] = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平",
    "辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆",
    "旭", "宁", "龙", "林", "海", "峰", "志", "建", "文", "东", "晓", "春"};

inline constexpr double kDaysPerYear = 365.2425;

template <typename T, size_t N>
const T& Pick(Random& rng, const T (&items)[N]) {
  return items[rng.Uniform(N)];
}

// Round half up; std::floor is exact in IEEE arithmetic, so this is portable.
inline int64_t RoundToInt(double x) {
  return static_cast<int64_t>(std::floor(x + 0.5));
}

// cos(x) for |x| < 1 by its Taylor series: no libm, so identical everywhere.
double Cos(double x);

std::string ChineseOrdinal(int n);  // 1..99
std::string PlaceName(Random& rng);

inline std::string PaddedId(char prefix, int64_t index, int width) {
  return absl::StrFormat("%c%0*d", prefix, width, index);
}

inline int Digits(int64_t n) {
  int d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

struct School {
  std::string id;
  std::string name;
  SchoolKind kind;
  Locality locality;
  bool weak = false;
  int zone = 0;
  double x_km = 0, y_km = 0;  // east/north of the county seat
  int64_t staff = 0;
  int64_t headcount = 0;
  Stage stages[2];
  int num_stages = 1;
  // Its posts (MakePosts), for hiring_applications.csv.
  struct PostRef {
    std::string id;
    const char* subject;
    int stage;
    int band;
  };
  std::vector<PostRef> posts;
  bool Offers(int stage) const {
    for (int i = 0; i < num_stages; ++i) {
      if (stages[i] == stage) return true;
    }
    return false;
  }
};

struct Spell {
  int school;
  int64_t start;
  int64_t end;  // -1: current
  bool term = false;
};

struct ExemptionRec {
  const char* kind;
  int64_t start;
  int64_t end;  // -1: open
  const char* note;
};

struct TeacherRec {
  std::string id;
  std::string name;
  bool female = false;
  double age = 0;
  int64_t birth = 0, career_start = 0, join = 0;
  int stage = kPrimary;
  std::vector<const char*> subjects;
  std::vector<int> certificates;
  int title = kNoTitle;
  int role = kTeacherRole;
  int64_t role_start = -1;  // leaders: when they took up the role
  int backbone = 1;
  bool established = true;
  std::vector<std::pair<int, int>> evaluations;
  std::vector<Spell> spells;
  std::vector<ExemptionRec> exemptions;
  std::vector<std::pair<const char*, const char*>> hardships;
  struct Obligation {
    const char* kind;
    int years;
    int64_t start;
  };
  std::vector<Obligation> obligations;
  std::string post;
  bool exempt_now = false;
};

// Buffered output file; reports the first write error on Close().
class OutFile {
 public:
  absl::Status Open(const std::string& path) {
    path_ = path;
    f_ = std::fopen(path.c_str(), "wb");
    if (f_ == nullptr)
      return absl::InternalError(absl::StrCat("cannot create ", path));
    buf_.reserve(1 << 22);
    return absl::OkStatus();
  }
  std::string* buf() { return &buf_; }
  void MaybeFlush() {
    if (buf_.size() >= (1 << 22)) Flush();
  }
  absl::Status Close(int64_t* bytes) {
    Flush();
    if (f_ != nullptr && std::fclose(f_) != 0) ok_ = false;
    f_ = nullptr;
    *bytes += written_;
    if (!ok_) return absl::InternalError(absl::StrCat("cannot write ", path_));
    return absl::OkStatus();
  }
  ~OutFile() {
    if (f_ != nullptr) std::fclose(f_);
  }

 private:
  void Flush() {
    if (f_ != nullptr && !buf_.empty()) {
      if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
        ok_ = false;
      written_ += static_cast<int64_t>(buf_.size());
    }
    buf_.clear();
  }
  std::string path_;
  std::FILE* f_ = nullptr;
  std::string buf_;
  bool ok_ = true;
  int64_t written_ = 0;
};

// Appends fields of one CSV record.
class Row {
 public:
  explicit Row(std::string* out) : out_(out) {}
  Row& Raw(std::string_view s) {  // caller guarantees no quoting needed
    Sep();
    out_->append(s);
    return *this;
  }
  Row& Text(std::string_view s) {
    Sep();
    AppendCsvField(out_, s);
    return *this;
  }
  Row& Int(int64_t v) {
    Sep();
    char buf[24];
    const int n =
        std::snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(v));
    out_->append(buf, n);
    return *this;
  }
  Row& Date(int64_t d) {
    Sep();
    AppendDate(out_, d);
    return *this;
  }
  // Starts a multi-valued cell; returns the buffer to append it to.
  std::string* Cell() {
    Sep();
    return out_;
  }
  void End() { out_->push_back('\n'); }

 private:
  void Sep() {
    if (!first_) out_->push_back(',');
    first_ = false;
  }
  std::string* out_;
  bool first_ = true;
};

// One county: Run() lays out the schools, then makes and writes the staff
// school by school, then the county-wide files.
class Generator {
 public:
  Generator(const CountyGenOptions& o, int64_t as_of) : o_(o), as_of_(as_of) {
    as_of_year_ = CivilFromDays(as_of).year;
  }
  absl::StatusOr<CountyGenStats> Run(const std::string& dir);

 private:
  // county_generator.cc: the county itself.
  void Layout();
  School NewSchool(SchoolKind kind);
  std::string UrbanName(SchoolKind kind, int n);
  static void Disc(Random& rng, double r0, double r1, double* x, double* y);
  void AllocateStaff();
  void IndexPools();
  int PickSchool(Random& rng, int locality, int stage,
                 std::initializer_list<int> avoid);
  void MakeTeacher(Random& rng, int s, TeacherRec* t);
  void MakeHistory(Random& rng, int s, double years, bool rural_first,
                   TeacherRec* t);
  void AssignRoles(Random& rng, int school, std::vector<TeacherRec>* staff);
  void MakePosts(Random& rng, int s, std::vector<TeacherRec>* staff,
                 std::string* out);

  // county_generator_write.cc: CSV rows and files.
  void WriteTeacher(int s, const TeacherRec& t, std::string* out);
  void WriteApplication(Random& rng, int s, const TeacherRec& t,
                        std::string* out);

  // hiring_applications.csv: the post-level lists competitive hiring takes
  // (竞聘上岗 applies to posts, not schools). No random draws: each
  // teacher of applications.csv lists the posts she qualifies for (a
  // subject she teaches, a stage she is certified for) at her own school
  // first (in-school competition), then at the schools she listed, in their
  // order; within a school her own title band first, then lower bands, then
  // higher ones; at most kHiringPosts posts. A teacher with no such post is
  // left out.
  static constexpr int kHiringPosts = 6;
  absl::Status WriteHiringApplications(const std::string& dir);
  absl::Status WriteItinerant(const std::string& dir);
  void WriteSchools(std::string* out);

  const CountyGenOptions& o_;
  int64_t as_of_;
  int as_of_year_;
  std::string county_name_;
  double seat_lat_ = 0, seat_lon_ = 0, km_per_deg_lon_ = 100;
  int zone_width_ = 2, teacher_width_ = 6;
  std::vector<School> schools_;
  // One per applications.csv row: what hiring_applications.csv needs.
  struct HiringApp {
    std::string teacher;
    std::vector<const char*> subjects;
    std::vector<int> certificates;
    int band;                  // her title band (junior for none)
    std::vector<int> schools;  // her own, then the schools she listed
  };
  std::vector<HiringApp> hiring_apps_;
  std::vector<int> pool_[5][6];  // [locality][stage] -> school indexes
  std::vector<int> by_stage_[6];
  CountyGenStats stats_;
};

}  // namespace rota::tools::gen_internal
