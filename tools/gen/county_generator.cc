#include "tools/gen/county_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "tools/csv/csv.h"
#include "tools/gen/applicant_generator.h"
#include "tools/gen/civil_date.h"
#include "tools/gen/itinerant_generator.h"
#include "tools/gen/random.h"

namespace rota::tools {
namespace {

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

constexpr const char* kStageCsv[] = {"",       "kindergarten", "primary",
                                     "junior", "senior",       "vocational"};
constexpr const char* kStageShort[] = {"", "kg", "pri", "jun", "sen", "voc"};
constexpr const char* kLocalityCsv[] = {"", "urban", "town", "rural",
                                        "teaching_point"};
constexpr const char* kTitleCsv[] = {"", "none", "junior", "intermediate",
                                     "senior"};
constexpr const char* kBandShort[] = {"", "", "jr", "int", "sr"};
constexpr const char* kRoleCsv[] = {"", "teacher", "principal",
                                    "vice_principal"};
constexpr const char* kBackboneCsv[] = {"", "none", "county", "city",
                                        "province"};
constexpr const char* kGradeCsv[] = {"", "excellent", "competent",
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

constexpr KindInfo kKinds[kNumKinds] = {
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
constexpr SubjectWeight kKindergartenSubjects[] = {{"preschool", 1.0, false}};
constexpr SubjectWeight kPrimarySubjects[] = {
    {"chinese", 0.30, false}, {"math", 0.24, false},
    {"english", 0.08, false}, {"morality", 0.05, false},
    {"science", 0.05, false}, {"music", 0.06, true},
    {"pe", 0.07, true},       {"art", 0.05, true},
    {"it", 0.03, true},       {"mental_health", 0.01, true},
    {"labour", 0.01, true}};
constexpr SubjectWeight kJuniorSubjects[] = {
    {"chinese", 0.15, false},   {"math", 0.15, false},
    {"english", 0.14, false},   {"physics", 0.07, false},
    {"chemistry", 0.05, false}, {"biology", 0.05, false},
    {"history", 0.06, false},   {"geography", 0.05, false},
    {"morality", 0.06, false},  {"music", 0.03, true},
    {"art", 0.03, true},        {"pe", 0.08, true},
    {"it", 0.03, true},         {"mental_health", 0.01, true},
    {"labour", 0.01, true}};
constexpr SubjectWeight kSeniorSubjects[] = {
    {"chinese", 0.13, false},   {"math", 0.13, false},
    {"english", 0.13, false},   {"physics", 0.10, false},
    {"chemistry", 0.08, false}, {"biology", 0.08, false},
    {"history", 0.07, false},   {"geography", 0.07, false},
    {"politics", 0.07, false},  {"pe", 0.06, true},
    {"music", 0.02, true},      {"art", 0.02, true},
    {"it", 0.04, true},         {"mental_health", 0.01, true}};
constexpr SubjectWeight kVocationalSubjects[] = {
    {"chinese", 0.08, false},   {"math", 0.08, false},
    {"english", 0.07, false},   {"politics", 0.04, false},
    {"pe", 0.05, true},         {"it", 0.18, false},
    {"mechanics", 0.14, false}, {"accounting", 0.12, false},
    {"nursing", 0.10, false},   {"tourism", 0.05, false},
    {"art", 0.06, true},        {"music", 0.03, true}};

std::span<const SubjectWeight> SubjectsOf(int stage) {
  switch (stage) {
    case kKindergarten:
      return kKindergartenSubjects;
    case kPrimary:
      return kPrimarySubjects;
    case kJunior:
      return kJuniorSubjects;
    case kSenior:
      return kSeniorSubjects;
    default:
      return kVocationalSubjects;
  }
}

// Title-band shares of post seats by stage (senior, intermediate); the rest
// are junior. Senior seats are scarcer in primary schools (结构比例).
constexpr double kBandSenior[] = {0, 0.05, 0.08, 0.15, 0.27, 0.20};
constexpr double kBandIntermediate[] = {0, 0.35, 0.47, 0.47, 0.45, 0.45};

// Common surnames with rough frequency weights.
constexpr const char* kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐",
    "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁",
    "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖",
    "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程",
    "魏", "苏", "吕", "丁", "沈", "任", "姚", "卢", "钟", "姜", "崔",
    "谭", "廖", "范", "汪", "陆", "金", "石", "戴", "贾", "韦", "夏",
    "邱", "方", "侯", "邹", "熊", "孟", "秦", "白", "江"};
constexpr double kSurnameWeights[] = {
    7.0, 7.0, 6.5, 5.5, 4.5, 3.0, 2.2, 2.0, 2.0, 2.0, 1.5, 1.4, 1.3, 1.2, 1.1,
    1.1, 1.0, 1.0, 1.0, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5,
    0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3,
    0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2,
    0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2};
static_assert(std::size(kSurnames) == std::size(kSurnameWeights));
constexpr const char* kFemaleChars[] = {
    "芳", "娟", "敏", "静", "丽", "艳", "霞", "燕", "玲", "婷", "雪", "慧",
    "红", "梅", "琳", "洁", "欣", "颖", "莉", "萍", "秀", "兰", "英", "华",
    "丹", "倩", "佳", "怡", "悦", "璐", "晶", "雯", "萱", "琪", "春", "晓"};
constexpr const char* kMaleChars[] = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平",
    "辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆",
    "旭", "宁", "龙", "林", "海", "峰", "志", "建", "文", "东", "晓", "春"};
constexpr const char* kPlaceChars[] = {
    "青", "山", "石", "桥", "河", "岭", "坪", "溪", "湾", "塘", "田", "林",
    "沙", "竹", "龙", "凤", "安", "平", "新", "兴", "和", "丰", "江", "云",
    "岩", "马", "白", "东", "西", "南", "北", "高", "横", "长", "双", "金",
    "水", "黄", "花", "枫", "柳", "梅", "桃", "源", "阳", "星", "坝", "茶",
    "古", "清", "永", "宁", "乐", "富", "仁", "德", "义", "太", "营", "堡"};
constexpr const char* kChineseNumbers[] = {"一", "二", "三", "四", "五",
                                           "六", "七", "八", "九", "十"};

constexpr double kDaysPerYear = 365.2425;

template <typename T, size_t N>
const T& Pick(Random& rng, const T (&items)[N]) {
  return items[rng.Uniform(N)];
}

// Round half up; std::floor is exact in IEEE arithmetic, so this is portable.
int64_t RoundToInt(double x) {
  return static_cast<int64_t>(std::floor(x + 0.5));
}

// cos(x) for |x| < 1 by its Taylor series: no libm, so identical everywhere.
double Cos(double x) {
  const double x2 = x * x;
  double term = 1, sum = 1;
  for (int k = 1; k <= 10; ++k) {
    term *= -x2 / ((2 * k - 1) * (2 * k));
    sum += term;
  }
  return sum;
}

std::string ChineseOrdinal(int n) {  // 1..99
  if (n <= 10) return kChineseNumbers[n - 1];
  if (n < 20) return absl::StrCat("十", kChineseNumbers[n - 11]);
  std::string s = absl::StrCat(kChineseNumbers[n / 10 - 1], "十");
  if (n % 10) absl::StrAppend(&s, kChineseNumbers[n % 10 - 1]);
  return s;
}

std::string PlaceName(Random& rng) {
  std::string a = Pick(rng, kPlaceChars);
  std::string b = Pick(rng, kPlaceChars);
  while (b == a) b = Pick(rng, kPlaceChars);
  return a + b;
}

std::string PaddedId(char prefix, int64_t index, int width) {
  return absl::StrFormat("%c%0*d", prefix, width, index);
}

int Digits(int64_t n) {
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

class Generator {
 public:
  Generator(const CountyGenOptions& o, int64_t as_of) : o_(o), as_of_(as_of) {
    as_of_year_ = CivilFromDays(as_of).year;
  }

  absl::StatusOr<CountyGenStats> Run(const std::string& dir) {
    Layout();
    AllocateStaff();
    IndexPools();
    OutFile posts, teachers, applications;
    ROTA_RETURN_IF_ERROR(posts.Open(dir + "/posts.csv"));
    ROTA_RETURN_IF_ERROR(teachers.Open(dir + "/teachers.csv"));
    if (o_.applications)
      ROTA_RETURN_IF_ERROR(applications.Open(dir + "/applications.csv"));
    posts.buf()->append("id,school,subject,title_band,count,stage\n");
    absl::StrAppend(
        teachers.buf(),
        "id,display_name,gender,birth_date,career_start_date,school,school_"
        "join_date,post,"
        "subjects,certificate_stages,title,role,role_start_date,"
        "backbone_level,employment,"
        "evaluations,"
        "service_history,exemptions,hardships,obligations",
        kItinerantTeacherHeader, "\n");
    if (o_.applications)
      applications.buf()->append("teacher,preferences,voluntary\n");

    int64_t next_teacher = 1;
    std::vector<TeacherRec> staff;
    for (size_t s = 0; s < schools_.size(); ++s) {
      Random rng(Random::Mix(o_.seed, s + 1));
      staff.clear();
      staff.resize(schools_[s].staff);
      for (TeacherRec& t : staff) {
        t.id = PaddedId('t', next_teacher++, teacher_width_);
        MakeTeacher(rng, static_cast<int>(s), &t);
      }
      AssignRoles(rng, static_cast<int>(s), &staff);
      MakePosts(rng, static_cast<int>(s), &staff, posts.buf());
      for (const TeacherRec& t : staff) {
        WriteTeacher(static_cast<int>(s), t, teachers.buf());
        if (o_.applications)
          WriteApplication(rng, static_cast<int>(s), t, applications.buf());
      }
      stats_.teachers += static_cast<int64_t>(staff.size());
      posts.MaybeFlush();
      teachers.MaybeFlush();
      applications.MaybeFlush();
    }
    ROTA_RETURN_IF_ERROR(posts.Close(&stats_.bytes));
    ROTA_RETURN_IF_ERROR(teachers.Close(&stats_.bytes));
    if (o_.applications) {
      ROTA_RETURN_IF_ERROR(applications.Close(&stats_.bytes));
      ROTA_RETURN_IF_ERROR(WriteHiringApplications(dir));
    }

    OutFile schools;
    ROTA_RETURN_IF_ERROR(schools.Open(dir + "/schools.csv"));
    WriteSchools(schools.buf());
    ROTA_RETURN_IF_ERROR(schools.Close(&stats_.bytes));
    ROTA_RETURN_IF_ERROR(WriteItinerant(dir));

    OutFile county;
    ROTA_RETURN_IF_ERROR(county.Open(dir + "/county.txt"));
    absl::StrAppend(county.buf(), "id=", o_.county,
                    "\ndisplay_name=", county_name_, "\nseed=", o_.seed,
                    "\nas_of=", o_.as_of, "\nschools=", schools_.size(),
                    "\nteachers=", stats_.teachers,
                    "\nlatitude=", absl::StrFormat("%.6f", seat_lat_),
                    "\nlongitude=", absl::StrFormat("%.6f", seat_lon_), "\n");
    ROTA_RETURN_IF_ERROR(county.Close(&stats_.bytes));
    stats_.schools = static_cast<int64_t>(schools_.size());
    return stats_;
  }

 private:
  // ---- Layout: kinds, townships, coordinates, names. ----
  void Layout() {
    Random rng(Random::Mix(o_.seed, 0));
    const int S = o_.schools;
    county_name_ = PlaceName(rng) + "县";
    seat_lat_ = rng.Range(23.5, 35.5);
    seat_lon_ = rng.Range(103.0, 119.0);
    constexpr double kPi = 3.14159265358979323846;
    km_per_deg_lon_ = 111.32 * Cos(seat_lat_ * kPi / 180.0);

    int n_urban = std::max<int>(1, static_cast<int>(RoundToInt(S * 0.22)));
    int n_town = static_cast<int>(RoundToInt(S * 0.30));
    int n_tp = static_cast<int>(RoundToInt(S * 0.15));
    if (n_urban > S) n_urban = S;
    while (n_urban + n_town + n_tp > S) {
      if (n_tp > 0) {
        --n_tp;
      } else {
        --n_town;
      }
    }
    const int n_rural = S - n_urban - n_town - n_tp;
    const int n_townships =
        std::max(1, static_cast<int>(RoundToInt(n_town / 2.2)));
    zone_width_ = std::max(2, Digits(n_townships));
    const int school_width = std::max(4, Digits(S));
    teacher_width_ = std::max(6, Digits(o_.teachers));

    // Urban: the county's No.1 senior high, No.1 junior and experimental
    // primary first, then a mix.
    const double urban_radius = 4.0 * std::sqrt(std::max(1.0, n_urban / 11.0));
    int urban_counts[kNumKinds] = {};
    bool has_vocational = false;
    for (int i = 0; i < n_urban; ++i) {
      SchoolKind kind;
      if (i < 3) {
        constexpr SchoolKind kFirst[] = {kUrbanSenior, kUrbanJunior,
                                         kUrbanPrimary};
        kind = kFirst[i];
      } else {
        const double w[] = {0.10, 0.20, 0.40,
                            0.10, 0.14, has_vocational ? 0.01 : 0.06};
        kind = static_cast<SchoolKind>(rng.Weighted(w));
      }
      has_vocational |= kind == kVocationalSchool;
      const int n = ++urban_counts[kind];
      School school = NewSchool(kind);
      school.zone = 0;
      Disc(rng, 0, urban_radius, &school.x_km, &school.y_km);
      school.name = UrbanName(kind, n);
      school.weak = rng.Bernoulli(0.06);
      schools_.push_back(std::move(school));
    }

    // Townships: a centre in an annulus around the seat; town schools at the
    // centre, villages and teaching points around it.
    const double outer = 35.0 * std::sqrt(std::max(1.0, n_townships / 11.0));
    std::vector<std::vector<School>> by_township(n_townships);
    std::vector<std::string> township_names(n_townships);
    std::vector<std::pair<double, double>> centres(n_townships);
    for (int z = 0; z < n_townships; ++z) {
      township_names[z] = PlaceName(rng) + (rng.Bernoulli(0.7) ? "镇" : "乡");
      Disc(rng, 8.0, outer, &centres[z].first, &centres[z].second);
    }
    constexpr SchoolKind kTownSlots[] = {kTownPrimary, kTownJunior,
                                         kTownKindergarten, kTownNineYear};
    for (int j = 0; j < n_town; ++j) {
      const int z = j % n_townships;
      const int slot = j / n_townships;
      const SchoolKind kind = kTownSlots[slot % 4];
      const int nth = slot / 4 + 1;
      School school = NewSchool(kind);
      school.zone = z + 1;
      Disc(rng, 0, 1.5, &school.x_km, &school.y_km);
      school.x_km += centres[z].first;
      school.y_km += centres[z].second;
      const char* suffix = kind == kTownPrimary        ? "中心小学"
                           : kind == kTownJunior       ? "初级中学"
                           : kind == kTownKindergarten ? "中心幼儿园"
                                                       : "九年一贯制学校";
      school.name = absl::StrCat(
          township_names[z], nth > 1 ? "第" + ChineseOrdinal(nth) : "", suffix);
      school.weak = rng.Bernoulli(0.15);
      by_township[z].push_back(std::move(school));
    }
    for (int j = 0; j < n_rural + n_tp; ++j) {
      const bool tp = j >= n_rural;
      const int z = static_cast<int>(rng.Uniform(n_townships));
      const SchoolKind kind =
          tp ? kTeachingPointSchool
             : (rng.Bernoulli(0.12) ? kRuralNineYear : kRuralPrimary);
      School school = NewSchool(kind);
      school.zone = z + 1;
      if (tp) {
        Disc(rng, 4.0, 14.0, &school.x_km, &school.y_km);
      } else {
        Disc(rng, 2.0, 9.0, &school.x_km, &school.y_km);
      }
      school.x_km += centres[z].first;
      school.y_km += centres[z].second;
      const std::string village = PlaceName(rng) + "村";
      school.name = absl::StrCat(township_names[z], village,
                                 tp                       ? "教学点"
                                 : kind == kRuralNineYear ? "学校"
                                                          : "小学");
      school.weak = rng.Bernoulli(tp ? 0.6 : 0.35);
      by_township[z].push_back(std::move(school));
    }
    for (std::vector<School>& group : by_township) {
      for (School& school : group) schools_.push_back(std::move(school));
    }
    for (size_t i = 0; i < schools_.size(); ++i) {
      schools_[i].id = PaddedId('s', static_cast<int64_t>(i) + 1, school_width);
    }
  }

  School NewSchool(SchoolKind kind) {
    School s;
    s.kind = kind;
    s.locality = kKinds[kind].locality;
    s.stages[0] = kKinds[kind].stage1;
    s.stages[1] = kKinds[kind].stage2;
    s.num_stages = kKinds[kind].stage2 != 0 ? 2 : 1;
    return s;
  }

  std::string UrbanName(SchoolKind kind, int n) {
    const std::string ord = ChineseOrdinal(n);
    switch (kind) {
      case kUrbanSenior:
        return absl::StrCat(county_name_, "第", ord, "中学");
      case kUrbanJunior:
        return absl::StrCat(county_name_, "第", ord, "初级中学");
      case kUrbanPrimary:
        return n == 1 ? absl::StrCat(county_name_, "实验小学")
                      : absl::StrCat("城关第", ChineseOrdinal(n - 1), "小学");
      case kUrbanNineYear:
        return absl::StrCat(county_name_, "第", ord, "实验学校");
      case kUrbanKindergarten:
        return absl::StrCat(county_name_, "第", ord, "幼儿园");
      default:
        return n == 1 ? absl::StrCat(county_name_, "职业中等专业学校")
                      : absl::StrCat(county_name_, "第", ord, "职业中学");
    }
  }

  // A uniform point in the annulus [r0, r1] km (rejection sampling: no trig).
  static void Disc(Random& rng, double r0, double r1, double* x, double* y) {
    while (true) {
      const double a = rng.Range(-r1, r1), b = rng.Range(-r1, r1);
      const double d2 = a * a + b * b;
      if (d2 <= r1 * r1 && d2 >= r0 * r0) {
        *x = a;
        *y = b;
        return;
      }
    }
  }

  // ---- Staff sizes: proportional to kind size, at least 1, summing to T. ----
  void AllocateStaff() {
    Random rng(Random::Mix(o_.seed, 0x5EED));
    std::vector<double> w(schools_.size());
    double total = 0;
    for (size_t i = 0; i < schools_.size(); ++i) {
      w[i] = kKinds[schools_[i].kind].size * rng.Range(0.7, 1.3);
      total += w[i];
    }
    const int64_t T = o_.teachers;
    int64_t sum = 0;
    std::vector<std::pair<double, size_t>> frac;
    for (size_t i = 0; i < schools_.size(); ++i) {
      const double exact = static_cast<double>(T) * w[i] / total;
      const int64_t base = std::max<int64_t>(1, static_cast<int64_t>(exact));
      schools_[i].staff = base;
      sum += base;
      frac.push_back(
          {exact - static_cast<double>(static_cast<int64_t>(exact)), i});
    }
    std::sort(frac.begin(), frac.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (size_t k = 0; sum < T; k = (k + 1) % frac.size()) {
      ++schools_[frac[k].second].staff;
      ++sum;
    }
    while (sum > T) {  // the minimum of 1 overshot: shrink the largest
      size_t big = 0;
      for (size_t i = 1; i < schools_.size(); ++i) {
        if (schools_[i].staff > schools_[big].staff) big = i;
      }
      --schools_[big].staff;
      --sum;
    }
  }

  void IndexPools() {
    for (size_t i = 0; i < schools_.size(); ++i) {
      const School& s = schools_[i];
      for (int k = 0; k < s.num_stages; ++k) {
        pool_[s.locality][s.stages[k]].push_back(static_cast<int>(i));
        by_stage_[s.stages[k]].push_back(static_cast<int>(i));
      }
    }
  }

  // A school offering `stage`, preferably of `locality`, not in `avoid`.
  int PickSchool(Random& rng, int locality, int stage,
                 std::initializer_list<int> avoid) {
    for (const std::vector<int>* pool :
         {&pool_[locality][stage], &by_stage_[stage]}) {
      if (pool->empty()) continue;
      for (int attempt = 0; attempt < 8; ++attempt) {
        const int c = (*pool)[rng.Uniform(pool->size())];
        if (std::find(avoid.begin(), avoid.end(), c) == avoid.end()) return c;
      }
    }
    for (int attempt = 0; attempt < 8; ++attempt) {
      const int c = static_cast<int>(rng.Uniform(schools_.size()));
      if (std::find(avoid.begin(), avoid.end(), c) == avoid.end()) return c;
    }
    return -1;
  }

  // ---- One teacher. ----
  void MakeTeacher(Random& rng, int s, TeacherRec* t) {
    const School& school = schools_[s];
    const Locality loc = school.locality;
    const bool rural = loc == kRural || loc == kTeachingPoint;
    t->stage =
        school.stages[school.num_stages == 2 && !rng.Bernoulli(0.55) ? 1 : 0];

    double p_non_established = loc == kUrban   ? 0.11
                               : loc == kTown  ? 0.07
                               : loc == kRural ? 0.04
                                               : 0.06;
    if (t->stage == kKindergarten) p_non_established = 0.35;
    t->established = !rng.Bernoulli(p_non_established);

    // Primary subject: rural schools rarely have music/PE/art/IT specialists.
    std::span<const SubjectWeight> subjects = SubjectsOf(t->stage);
    std::vector<double> w(subjects.size());
    const double shortage = loc == kUrban   ? 1.0
                            : loc == kTown  ? 0.6
                            : loc == kRural ? 0.25
                                            : 0.1;
    for (size_t i = 0; i < subjects.size(); ++i) {
      w[i] = subjects[i].weight * (subjects[i].shortage ? shortage : 1.0);
    }
    const char* subject = subjects[rng.Weighted(w)].code;
    t->subjects.push_back(subject);

    // Gender.
    double female;
    switch (t->stage) {
      case kKindergarten:
        female = 0.97;
        break;
      case kPrimary:
        female = loc == kUrban   ? 0.84
                 : loc == kTown  ? 0.74
                 : loc == kRural ? 0.62
                                 : 0.55;
        break;
      case kJunior:
        female = loc == kUrban ? 0.62 : loc == kTown ? 0.55 : 0.48;
        break;
      case kSenior:
        female = loc == kUrban ? 0.44 : 0.40;
        break;
      default:
        female = 0.50;
    }
    const std::string_view sv(subject);
    if (sv == "pe") female *= 0.45;
    if (sv == "physics" || sv == "it" || sv == "mechanics") female *= 0.7;
    if (sv == "music" || sv == "art" || sv == "english" || sv == "nursing") {
      female = std::min(0.95, female * 1.15);
    }
    t->female = rng.Bernoulli(female);
    const double retire = t->female ? 55.0 : 60.0;

    // Age: rural staff are older (many near retirement) with a young cohort of
    // new recruits; 编外 staff are young.
    double age;
    if (t->established) {
      struct Band {
        double weight, lo, hi;
      };
      const std::array<Band, 3> bands =
          loc == kUrban ? std::array<Band, 3>{{{0.42, 23, 36},
                                               {0.46, 36, 50},
                                               {0.12, 50, 60}}}
          : loc == kTown
              ? std::array<Band, 3>{{{0.30, 23, 35},
                                     {0.45, 35, 49},
                                     {0.25, 49, 60}}}
              : std::array<Band, 3>{
                    {{0.20, 22.5, 30}, {0.20, 30, 44}, {0.60, 44, 60}}};
      const double bw[] = {bands[0].weight, bands[1].weight, bands[2].weight};
      const Band& b = bands[rng.Weighted(bw)];
      age = rng.Range(b.lo, std::min(b.hi, retire - 0.05));
    } else {
      const double u = rng.Unit();
      age = 22.5 + 20.0 * u * u;
    }
    t->age = age;
    double start_age = rng.Range(21.3, 24.5);
    if (t->established && rural && age > 48 && rng.Bernoulli(0.35)) {
      start_age = rng.Range(18.0, 20.5);  // 民办转公办 cohort
    }
    start_age = std::min(start_age, age - 0.15);
    t->birth = as_of_ - RoundToInt(age * kDaysPerYear);
    {
      const int64_t raw = t->birth + RoundToInt(start_age * kDaysPerYear);
      const int year = CivilFromDays(raw).year;
      int64_t cs = DaysFromCivil(year, 8, rng.UniformInt(15, 31));
      if (cs > as_of_) cs = as_of_ - rng.UniformInt(0, 20);
      if (cs < t->birth + RoundToInt(18.0 * kDaysPerYear)) {
        cs = t->birth + RoundToInt(18.0 * kDaysPerYear);
      }
      t->career_start = cs;
    }
    const double years =
        static_cast<double>(as_of_ - t->career_start) / kDaysPerYear;

    // Obligations (decided before the history: they force a rural first post).
    bool rural_first = false;
    if (t->established && years <= 9 &&
        rng.Bernoulli(loc == kUrban ? 0.04 : 0.08)) {
      t->obligations.push_back({"public_funded_graduate",
                                rng.Bernoulli(0.8) ? 6 : 5, t->career_start});
      rural_first = true;
    } else if (t->established && rural && years <= 6 && rng.Bernoulli(0.25)) {
      t->obligations.push_back({"special_post_plan", 3, t->career_start});
      rural_first = true;
    }

    MakeHistory(rng, s, years, rural_first, t);

    // Title by experience; rural schools get fewer senior posts.
    const double loc_factor = loc == kUrban ? 1.0 : loc == kTown ? 0.85 : 0.6;
    const double stage_factor = t->stage == kSenior    ? 1.4
                                : t->stage == kPrimary ? 0.8
                                                       : 1.0;
    if (!t->established) {
      const double tw[] = {0.5, 0.45, 0.05};
      t->title = kNoTitle + rng.Weighted(tw);
    } else {
      const double p_senior = (years < 10   ? 0.0
                               : years < 15 ? 0.05
                               : years < 20 ? 0.15
                               : years < 25 ? 0.28
                                            : 0.38) *
                              loc_factor * stage_factor;
      const double p_intermediate = years < 5 ? 0.02 : years < 10 ? 0.35 : 0.72;
      if (rng.Bernoulli(p_senior)) {
        t->title = kSeniorTitle;
      } else if (rng.Bernoulli(p_intermediate)) {
        t->title = kIntermediateTitle;
      } else {
        t->title = years >= 1 ? kJuniorTitle : kNoTitle;
      }
    }

    // Backbone (骨干教师): experienced established staff, mostly urban.
    t->backbone = 1;
    if (t->established && years >= 5) {
      const double base = loc == kUrban   ? 0.16
                          : loc == kTown  ? 0.12
                          : loc == kRural ? 0.06
                                          : 0.03;
      const double tf = t->title == kSeniorTitle         ? 1.6
                        : t->title == kIntermediateTitle ? 1.1
                                                         : 0.4;
      if (rng.Bernoulli(base * tf)) {
        const double lw[] = {0.70, 0.25, 0.05};
        t->backbone = 2 + rng.Weighted(lw);
      }
    }

    // Second subjects: rural teachers cover the subjects nobody else can.
    const double p_extra = loc == kUrban ? 0.08 : loc == kTown ? 0.25 : 0.6;
    if (subjects.size() > 1 && rng.Bernoulli(p_extra)) {
      const int extra = rural && rng.Bernoulli(0.3) ? 2 : 1;
      for (int k = 0; k < extra; ++k) {
        std::vector<double> ew(subjects.size());
        for (size_t i = 0; i < subjects.size(); ++i) {
          ew[i] = subjects[i].weight * (subjects[i].shortage ? 3.0 : 1.0);
          for (const char* have : t->subjects) {
            if (have == subjects[i].code) ew[i] = 0;
          }
        }
        double sum = 0;
        for (double x : ew) sum += x;
        if (sum <= 0) break;
        t->subjects.push_back(subjects[rng.Weighted(ew)].code);
      }
    }

    // Certificates: the teaching stage first, then others it often covers.
    t->certificates.push_back(t->stage);
    switch (t->stage) {
      case kSenior:
        if (rng.Bernoulli(0.6)) t->certificates.push_back(kJunior);
        break;
      case kJunior:
        if (rng.Bernoulli(0.35)) t->certificates.push_back(kPrimary);
        break;
      case kPrimary:
        if (rng.Bernoulli(0.10)) t->certificates.push_back(kJunior);
        if (rng.Bernoulli(0.05)) t->certificates.push_back(kKindergarten);
        break;
      case kVocational:
        if (rng.Bernoulli(0.4)) t->certificates.push_back(kSenior);
        break;
      default:
        break;
    }

    // Yearly evaluations for the last five years (优秀 is quota-limited).
    bool was_excellent = false;
    for (int y =
             std::max(CivilFromDays(t->career_start).year + 1, as_of_year_ - 5);
         y < as_of_year_; ++y) {
      double p_ex =
          0.13 * (t->backbone > 1 ? 2.0 : 1.0) * (was_excellent ? 1.5 : 1.0);
      const double gw[] = {p_ex, 1.0 - p_ex - 0.024, 0.02, 0.004};
      const int g = 1 + rng.Weighted(gw);
      was_excellent = g == 1;
      t->evaluations.push_back({y, g});
    }

    // Exemptions.
    if (t->female && age >= 24 && age <= 38 && rng.Bernoulli(0.07)) {
      t->exemptions.push_back(
          {"pregnancy_or_nursing",
           std::max(t->career_start, as_of_ - rng.UniformInt(0, 540)), -1,
           "孕期或哺乳期"});
      t->exempt_now = true;
    }
    if (t->female && age >= 30 && age <= 45 && years > 4 &&
        rng.Bernoulli(0.10)) {
      // An earlier, finished nursing period.
      const int64_t start =
          t->career_start + rng.UniformInt(365, static_cast<int>(years * 300));
      const int64_t end = start + rng.UniformInt(400, 600);
      if (end < as_of_ - 30 &&
          (t->exemptions.empty() || end < t->exemptions[0].start)) {
        t->exemptions.insert(
            t->exemptions.begin(),
            ExemptionRec{"pregnancy_or_nursing", start, end, "哺乳期已结束"});
      }
    }
    if (rng.Bernoulli(age > 40 ? 0.012 : 0.005)) {
      t->exemptions.push_back(
          {"serious_illness",
           std::max(t->career_start, as_of_ - rng.UniformInt(30, 700)), -1,
           "重大疾病治疗期"});
      t->exempt_now = true;
    }
    const int64_t retire_day = t->birth + RoundToInt(retire * kDaysPerYear);
    if (t->established && retire_day - as_of_ <= RoundToInt(3 * kDaysPerYear) &&
        rng.Bernoulli(0.9)) {
      t->exemptions.push_back(
          {"near_retirement",
           std::max(t->career_start, retire_day - RoundToInt(3 * kDaysPerYear)),
           -1, "距法定退休年龄不足3年"});
      t->exempt_now = true;
    }
    if (rng.Bernoulli(0.003)) {
      t->exemptions.push_back(
          {"county_defined",
           std::max(t->career_start, as_of_ - rng.UniformInt(30, 300)), -1,
           rng.Bernoulli(0.5) ? "援藏援疆支教" : "借调县教育局"});
      t->exempt_now = true;
    }

    // Hardships.
    if (age >= 25 && age <= 50 && rng.Bernoulli(0.035)) {
      t->hardships.push_back({"spouse_separation", "配偶在外县工作"});
    }
    if (age >= 35 && rng.Bernoulli(0.04)) {
      t->hardships.push_back({"caring_for_parents", "父母年迈多病需照料"});
    }
    if (rng.Bernoulli(0.004))
      t->hardships.push_back({"disability", "肢体残疾四级"});
    if (rng.Bernoulli(0.005)) t->hardships.push_back({"other", "子女患重病"});

    // Name.
    t->name = kSurnames[rng.Weighted(kSurnameWeights)];
    const int given = rng.Bernoulli(0.72) ? 2 : 1;
    for (int k = 0; k < given; ++k) {
      t->name += t->female ? Pick(rng, kFemaleChars) : Pick(rng, kMaleChars);
    }
  }

  // Service history: k earlier spells at other schools of the county, then
  // the current spell from the join date. Spells are contiguous: a spell's
  // end date is the next spell's start date.
  void MakeHistory(Random& rng, int s, double years, bool rural_first,
                   TeacherRec* t) {
    const Locality loc = schools_[s].locality;
    int k = 0;
    if (t->established) {
      if (years >= 2)
        k = std::min(5, static_cast<int>(years / rng.Range(7.0, 16.0)));
    } else if (years >= 2 && rng.Bernoulli(0.15)) {
      k = 1;
    }
    // A rural first post when the teacher is (still) urban needs a move.
    if (rural_first && k == 0 && loc == kUrban && years >= 2) k = 1;
    const int first_year = CivilFromDays(t->career_start).year + 1;
    const int last_year = CivilFromDays(as_of_).year;
    std::vector<int64_t> breaks;
    if (k > 0 && last_year >= first_year) {
      std::vector<int> years_pool;
      for (int y = first_year; y <= last_year; ++y) years_pool.push_back(y);
      k = std::min<int>(k, static_cast<int>(years_pool.size()));
      for (int i = 0; i < k; ++i) {  // partial Fisher-Yates
        const size_t j = i + rng.Uniform(years_pool.size() - i);
        std::swap(years_pool[i], years_pool[j]);
      }
      std::sort(years_pool.begin(), years_pool.begin() + k);
      int64_t prev = t->career_start;
      for (int i = 0; i < k; ++i) {
        int64_t d = DaysFromCivil(years_pool[i], 8, rng.UniformInt(20, 31));
        if (d > as_of_) d = as_of_ - rng.UniformInt(0, 10);
        if (d <= prev) continue;
        breaks.push_back(d);
        prev = d;
      }
    }
    k = static_cast<int>(breaks.size());
    t->spells.clear();
    int64_t start = t->career_start;
    for (int j = 0; j < k; ++j) {
      int want;
      if (j == 0 && rural_first) {
        want = rng.Bernoulli(0.8) ? kRural : kTeachingPoint;
      } else {
        const double w_urban_first[] = {0.35, 0.35, 0.25, 0.05};
        const double w_urban_later[] = {0.55, 0.30, 0.15, 0.0};
        const double w_town[] = {0.15, 0.45, 0.35, 0.05};
        const double w_rural[] = {0.05, 0.30, 0.50, 0.15};
        std::span<const double> w =
            loc == kUrban  ? (j == 0 ? std::span<const double>(w_urban_first)
                                     : std::span<const double>(w_urban_later))
            : loc == kTown ? std::span<const double>(w_town)
                           : std::span<const double>(w_rural);
        want = 1 + rng.Weighted(w);
      }
      const int prev = t->spells.empty() ? -1 : t->spells.back().school;
      int school = PickSchool(rng, want, t->stage, {prev, s});
      if (school < 0) break;  // a one-school county: no earlier spells
      t->spells.push_back({school, start, breaks[j], false});
      start = breaks[j];
    }
    // Past term exchanges (交流轮岗 with the relation kept): an urban or town
    // teacher spent a spell at a rural school and returned to the same school.
    for (size_t j = 1; j + 1 < t->spells.size(); ++j) {
      Spell& mid = t->spells[j];
      if (mid.end - mid.start > RoundToInt(4 * kDaysPerYear) ||
          !rng.Bernoulli(0.10))
        continue;
      const int home = t->spells[j - 1].school;
      const int after_next =
          j + 2 < t->spells.size() ? t->spells[j + 2].school : s;
      if (home == after_next || schools_[home].locality == kRural ||
          schools_[home].locality == kTeachingPoint) {
        continue;
      }
      const int exchange = PickSchool(rng, kRural, t->stage, {home, s});
      if (exchange < 0) continue;
      mid.school = exchange;
      mid.term = true;
      t->spells[j + 1].school = home;
      ++j;
    }
    t->join = start;
    t->spells.push_back({s, start, -1, false});
    // No rural school teaches this stage (or no time to move): no obligation.
    if (rural_first && schools_[t->spells.front().school].locality == kUrban) {
      t->obligations.clear();
    }
  }

  // ---- Principals and vice principals. ----
  void AssignRoles(Random& rng, int school, std::vector<TeacherRec>* staff) {
    const int64_t n = static_cast<int64_t>(staff->size());
    if (n < 6) return;
    auto choose = [&](int role, double min_age, double max_age,
                      double male_weight) {
      std::vector<double> w(staff->size(), 0.0);
      double total = 0;
      for (size_t i = 0; i < staff->size(); ++i) {
        const TeacherRec& t = (*staff)[i];
        if (t.role != kTeacherRole || !t.established || t.exempt_now) continue;
        if (t.age < min_age || t.age > max_age || t.title < kIntermediateTitle)
          continue;
        w[i] = t.female ? 1.0 : male_weight;
        total += w[i];
      }
      if (total <= 0) {  // small school: the most senior established teacher
        int best = -1;
        for (size_t i = 0; i < staff->size(); ++i) {
          const TeacherRec& t = (*staff)[i];
          if (t.role != kTeacherRole || !t.established) continue;
          if (best < 0 || t.career_start < (*staff)[best].career_start)
            best = static_cast<int>(i);
        }
        if (best >= 0) (*staff)[best].role = role;
        return;
      }
      TeacherRec& t = (*staff)[rng.Weighted(w)];
      t.role = role;
      if (t.backbone == 1 && rng.Bernoulli(0.4)) t.backbone = 2;
    };
    choose(kPrincipal, 38, 57, 2.3);
    const int vices = n >= 90 ? 3 : n >= 40 ? 2 : n >= 15 ? 1 : 0;
    for (int v = 0; v < vices; ++v) choose(kVicePrincipal, 33, 55, 1.6);
    // Role start dates from a stream of their own, so that the rest of the
    // county is the same as without them. Leaders are appointed after at
    // least eight years of teaching: about 55% at their present school
    // (after joining it), the others at an earlier school, arriving as
    // leaders.
    Random role_rng(Random::Mix(o_.seed ^ 0x1eade7ull, school + 1));
    for (TeacherRec& t : *staff) {
      if (t.role == kTeacherRole) continue;
      const int64_t earliest = t.career_start + RoundToInt(8 * kDaysPerYear);
      t.role_start = t.join;
      if (role_rng.Bernoulli(0.55)) {
        const int64_t from = std::max(t.join, earliest);
        if (from < as_of_) {
          t.role_start = from + static_cast<int64_t>(role_rng.Uniform(
                                    static_cast<uint64_t>(as_of_ - from)));
        }
      } else if (earliest < t.join) {
        t.role_start =
            earliest + static_cast<int64_t>(role_rng.Uniform(
                           static_cast<uint64_t>(t.join - earliest)));
      }
    }
  }

  // ---- Posts: seats per stage x subject blended from staff and need, split
  // into title bands, summing to the headcount; established staff then hold
  // a post of their band, or a lower band (低聘) when theirs is full. ----
  void MakePosts(Random& rng, int s, std::vector<TeacherRec>* staff,
                 std::string* out) {
    School& school = schools_[s];
    int64_t established = 0;
    for (const TeacherRec& t : *staff) established += t.established ? 1 : 0;
    const double factor = school.locality == kUrban   ? rng.Range(0.95, 1.02)
                          : school.locality == kTown  ? rng.Range(0.98, 1.06)
                          : school.locality == kRural ? rng.Range(1.0, 1.12)
                                                      : rng.Range(1.0, 1.25);
    school.headcount = RoundToInt(static_cast<double>(established) * factor);
    const int64_t H = school.headcount;

    struct Cell {
      int stage;
      const char* subject;
      double target;
      int64_t seats = 0;
      int64_t band_seats[5] = {0, 0, 0, 0, 0};
    };
    std::vector<Cell> cells;
    for (int k = 0; k < school.num_stages; ++k) {
      const int stage = school.stages[k];
      const double stage_share =
          school.num_stages == 2 ? (k == 0 ? 0.55 : 0.45) : 1.0;
      double wsum = 0;
      for (const SubjectWeight& sw : SubjectsOf(stage)) wsum += sw.weight;
      for (const SubjectWeight& sw : SubjectsOf(stage)) {
        int64_t have = 0;
        for (const TeacherRec& t : *staff) {
          if (t.established && t.stage == stage && t.subjects[0] == sw.code)
            ++have;
        }
        const double need =
            static_cast<double>(H) * stage_share * sw.weight / wsum;
        cells.push_back(
            {stage, sw.code, 0.5 * need + 0.5 * static_cast<double>(have)});
      }
    }
    // Largest remainder so seats sum to H exactly.
    double tsum = 0;
    for (const Cell& c : cells) tsum += c.target;
    int64_t given = 0;
    std::vector<std::pair<double, size_t>> frac;
    for (size_t i = 0; i < cells.size(); ++i) {
      const double exact =
          tsum > 0 ? static_cast<double>(H) * cells[i].target / tsum : 0;
      cells[i].seats = static_cast<int64_t>(exact);
      given += cells[i].seats;
      frac.push_back({exact - static_cast<double>(cells[i].seats), i});
    }
    std::sort(frac.begin(), frac.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (size_t k = 0; given < H && !frac.empty(); k = (k + 1) % frac.size()) {
      ++cells[frac[k].second].seats;
      ++given;
    }
    for (Cell& c : cells) {
      int64_t sr =
          RoundToInt(static_cast<double>(c.seats) * kBandSenior[c.stage]);
      int64_t in =
          RoundToInt(static_cast<double>(c.seats) * kBandIntermediate[c.stage]);
      sr = std::min(sr, c.seats);
      in = std::min(in, c.seats - sr);
      c.band_seats[kSeniorTitle] = sr;
      c.band_seats[kIntermediateTitle] = in;
      c.band_seats[kJuniorTitle] = c.seats - sr - in;
    }
    auto post_id = [&](const Cell& c, int band) {
      return absl::StrCat(school.id, "-", kStageShort[c.stage], "-", c.subject,
                          "-", kBandShort[band]);
    };
    for (const Cell& c : cells) {
      for (int band = kSeniorTitle; band >= kJuniorTitle; --band) {
        if (c.band_seats[band] == 0) continue;
        Row row(out);
        row.Raw(post_id(c, band))
            .Raw(school.id)
            .Raw(c.subject)
            .Raw(kTitleCsv[band])
            .Int(c.band_seats[band])
            .Raw(kStageCsv[c.stage])
            .End();
        ++stats_.posts;
        stats_.post_seats += c.band_seats[band];
        if (o_.applications)
          school.posts.push_back({post_id(c, band), c.subject, c.stage, band});
      }
    }
    // Hold posts: own band first, then lower bands.
    for (TeacherRec& t : *staff) {
      if (!t.established) continue;
      Cell* cell = nullptr;
      for (Cell& c : cells) {
        if (c.stage == t.stage && c.subject == t.subjects[0]) cell = &c;
      }
      if (cell == nullptr) continue;
      const int own = std::max<int>(kJuniorTitle, t.title);
      for (int band = own; band >= kJuniorTitle; --band) {
        if (cell->band_seats[band] > 0) {
          --cell->band_seats[band];
          t.post = post_id(*cell, band);
          break;
        }
      }
    }
  }

  void WriteTeacher(int s, const TeacherRec& t, std::string* out) {
    Row row(out);
    row.Raw(t.id)
        .Text(t.name)
        .Raw(t.female ? "female" : "male")
        .Date(t.birth)
        .Date(t.career_start)
        .Raw(schools_[s].id)
        .Date(t.join)
        .Raw(t.post);
    std::string* cell = row.Cell();
    for (size_t i = 0; i < t.subjects.size(); ++i) {
      if (i) cell->push_back(';');
      cell->append(t.subjects[i]);
    }
    cell = row.Cell();
    for (size_t i = 0; i < t.certificates.size(); ++i) {
      if (i) cell->push_back(';');
      cell->append(kStageCsv[t.certificates[i]]);
    }
    row.Raw(kTitleCsv[t.title]).Raw(kRoleCsv[t.role]);
    if (t.role_start >= 0) {
      row.Date(t.role_start);
    } else {
      row.Raw("");
    }
    row.Raw(kBackboneCsv[t.backbone])
        .Raw(t.established ? "established" : "non_established");
    cell = row.Cell();
    for (size_t i = 0; i < t.evaluations.size(); ++i) {
      if (i) cell->push_back(';');
      absl::StrAppend(cell, t.evaluations[i].first, ":",
                      kGradeCsv[t.evaluations[i].second]);
    }
    cell = row.Cell();
    for (size_t i = 0; i < t.spells.size(); ++i) {
      const Spell& sp = t.spells[i];
      const School& at = schools_[sp.school];
      if (i) cell->push_back(';');
      cell->append(at.id);
      cell->push_back('|');
      AppendDate(cell, sp.start);
      cell->push_back('|');
      if (sp.end >= 0) AppendDate(cell, sp.end);
      absl::StrAppend(cell, "|", kLocalityCsv[at.locality], "|",
                      at.weak ? "1" : "0", "|", sp.term ? "1" : "0");
    }
    cell = row.Cell();
    for (size_t i = 0; i < t.exemptions.size(); ++i) {
      const ExemptionRec& e = t.exemptions[i];
      if (i) cell->push_back(';');
      absl::StrAppend(cell, e.kind, "|");
      AppendDate(cell, e.start);
      cell->push_back('|');
      if (e.end >= 0) AppendDate(cell, e.end);
      absl::StrAppend(cell, "|", e.note);
    }
    cell = row.Cell();
    for (size_t i = 0; i < t.hardships.size(); ++i) {
      if (i) cell->push_back(';');
      absl::StrAppend(cell, t.hardships[i].first, "|", t.hardships[i].second);
    }
    cell = row.Cell();
    for (size_t i = 0; i < t.obligations.size(); ++i) {
      if (i) cell->push_back(';');
      absl::StrAppend(cell, t.obligations[i].kind, "|", t.obligations[i].years,
                      "|");
      AppendDate(cell, t.obligations[i].start);
    }
    AppendItinerantTeacherCells(o_.seed, t.id,
                                t.subjects.empty() ? nullptr : t.subjects[0],
                                t.role != kTeacherRole, out);
    row.End();
  }

  // A round-independent preference list (志愿): most established, non-exempt
  // teachers list schools of their stage they would accept, best first.
  // Voluntary applicants (young urban teachers wanting rural experience for
  // promotion, rural teachers wanting an urban school) rank accordingly and
  // leave their own school out; others usually put their own school first.
  void WriteApplication(Random& rng, int s, const TeacherRec& t,
                        std::string* out) {
    if (!t.established || t.exempt_now || !rng.Bernoulli(0.85)) return;
    const School& home = schools_[s];
    const std::vector<int>& pool = by_stage_[t.stage];
    const double years =
        static_cast<double>(as_of_ - t.career_start) / kDaysPerYear;
    double p_vol = 0.02;
    if (home.locality == kUrban && t.age < 40 && years >= 3) p_vol = 0.12;
    if (home.locality != kUrban && t.age < 45) p_vol = 0.06;
    const bool voluntary = rng.Bernoulli(p_vol);
    const bool to_rural = voluntary && home.locality == kUrban;
    std::vector<std::pair<double, int>> scored;
    const int samples = std::min<int>(16, static_cast<int>(pool.size()));
    for (int i = 0; i < samples; ++i) {
      const int c = pool[rng.Uniform(pool.size())];
      if (c == s) continue;
      bool dup = false;
      for (const auto& p : scored) dup |= p.second == c;
      if (dup) continue;
      const School& o = schools_[c];
      const double dx = o.x_km - home.x_km, dy = o.y_km - home.y_km;
      const double dist = std::sqrt(dx * dx + dy * dy);
      double score = to_rural ? (o.locality == kRural           ? 3
                                 : o.locality == kTeachingPoint ? 2
                                 : o.locality == kTown          ? 1
                                                                : 0) +
                                    (o.weak ? 0.5 : 0.0)
                              : (o.locality == kUrban   ? 3
                                 : o.locality == kTown  ? 2
                                 : o.locality == kRural ? 1
                                                        : 0) -
                                    (o.weak ? 0.7 : 0.0);
      score += 2.0 * (rng.Unit() + rng.Unit() + rng.Unit() - 1.5) - dist / 30.0;
      scored.push_back({score, c});
    }
    std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    const int want = rng.UniformInt(3, 8);
    const bool own_first = !voluntary && rng.Bernoulli(0.7);
    if (!own_first && scored.empty())
      return;  // nowhere else teaches this stage
    Row row(out);
    row.Raw(t.id);
    std::string* cell = row.Cell();
    int listed = 0;
    HiringApp hiring{t.id,
                     t.subjects,
                     t.certificates,
                     std::max<int>(kJuniorTitle, t.title),
                     {s}};
    if (own_first) {
      cell->append(home.id);
      ++listed;
    }
    for (const auto& p : scored) {
      if (listed >= want) break;
      if (listed) cell->push_back(';');
      cell->append(schools_[p.second].id);
      hiring.schools.push_back(p.second);
      ++listed;
    }
    row.Raw(voluntary ? "true" : "false").End();
    ++stats_.applications;
    hiring_apps_.push_back(std::move(hiring));
  }

  // hiring_applications.csv: the post-level lists competitive hiring takes
  // (竞聘上岗 applies to posts, not schools). No random draws: each
  // teacher of applications.csv lists the posts she qualifies for (a
  // subject she teaches, a stage she is certified for) at her own school
  // first (in-school competition), then at the schools she listed, in their
  // order; within a school her own title band first, then lower bands, then
  // higher ones; at most kHiringPosts posts. A teacher with no such post is
  // left out.
  static constexpr int kHiringPosts = 6;
  absl::Status WriteHiringApplications(const std::string& dir) {
    OutFile out;
    ROTA_RETURN_IF_ERROR(out.Open(dir + "/hiring_applications.csv"));
    out.buf()->append("teacher,preferences,voluntary\n");
    std::vector<const School::PostRef*> fit;
    for (const HiringApp& a : hiring_apps_) {
      std::vector<std::string> picked;
      for (int s : a.schools) {
        fit.clear();
        for (const School::PostRef& p : schools_[s].posts) {
          const bool subject =
              std::find_if(a.subjects.begin(), a.subjects.end(),
                           [&](const char* x) {
                             return std::string_view(x) == p.subject;
                           }) != a.subjects.end();
          const bool stage =
              std::find(a.certificates.begin(), a.certificates.end(),
                        p.stage) != a.certificates.end();
          if (subject && stage) fit.push_back(&p);
        }
        auto rank = [&](const School::PostRef* p) {
          return p->band <= a.band ? a.band - p->band : 10 + p->band - a.band;
        };
        std::stable_sort(
            fit.begin(), fit.end(),
            [&](const auto* x, const auto* y) { return rank(x) < rank(y); });
        for (const School::PostRef* p : fit) {
          if (static_cast<int>(picked.size()) >= kHiringPosts) break;
          if (std::find(picked.begin(), picked.end(), p->id) == picked.end())
            picked.push_back(p->id);
        }
      }
      if (picked.empty()) continue;
      Row row(out.buf());
      row.Raw(a.teacher);
      std::string* cell = row.Cell();
      cell->append(absl::StrJoin(picked, ";"));
      row.Raw("false").End();
      ++stats_.hiring_applications;
      out.MaybeFlush();
    }
    hiring_apps_.clear();
    return out.Close(&stats_.bytes);
  }

  // periods.csv and roads.csv (itinerant_generator.h).
  absl::Status WriteItinerant(const std::string& dir) {
    std::vector<ItinerantSchool> schools;
    schools.reserve(schools_.size());
    for (const School& s : schools_) {
      ItinerantSchool x;
      x.id = s.id;
      x.zone = PaddedId('z', s.zone, zone_width_);
      for (int i = 0; i < s.num_stages; ++i) x.stages.push_back(s.stages[i]);
      x.locality = s.locality;
      x.x_km = s.x_km;
      x.y_km = s.y_km;
      x.staff = s.staff;
      schools.push_back(std::move(x));
    }
    ROTA_ASSIGN_OR_RETURN(ItinerantGenStats it,
                          WriteItinerantFiles(o_.seed, schools, dir));
    stats_.period_requirements = it.period_requirements;
    stats_.road_distances = it.road_distances;
    stats_.bytes += it.bytes;
    return absl::OkStatus();
  }

  void WriteSchools(std::string* out) {
    out->append(
        "id,display_name,stages,locality,weak,zone,latitude,longitude,"
        "headcount\n");
    for (const School& s : schools_) {
      Row row(out);
      row.Raw(s.id).Text(s.name);
      std::string* cell = row.Cell();
      cell->append(kStageCsv[s.stages[0]]);
      if (s.num_stages == 2) absl::StrAppend(cell, ";", kStageCsv[s.stages[1]]);
      row.Raw(kLocalityCsv[s.locality]).Raw(s.weak ? "true" : "false");
      row.Raw(PaddedId('z', s.zone, zone_width_));
      row.Raw(absl::StrFormat("%.6f", seat_lat_ + s.y_km / 111.0));
      row.Raw(absl::StrFormat("%.6f", seat_lon_ + s.x_km / km_per_deg_lon_));
      row.Int(s.headcount).End();
    }
  }

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

}  // namespace

absl::StatusOr<CountyGenStats> GenerateCounty(const CountyGenOptions& options,
                                              const std::string& out_dir) {
  if (options.schools < 1 || options.schools > 10'000'000) {
    return absl::InvalidArgumentError(
        "--schools must be between 1 and 10000000");
  }
  if (options.teachers < options.schools || options.teachers > 100'000'000) {
    return absl::InvalidArgumentError(
        "--teachers must be at least --schools (every school has a teacher) "
        "and at most "
        "100000000");
  }
  int64_t as_of = 0;
  if (!ParseDate(options.as_of, &as_of) || CivilFromDays(as_of).year < 1990 ||
      CivilFromDays(as_of).year > 2200) {
    return absl::InvalidArgumentError(
        absl::StrCat("--as-of \"", options.as_of,
                     "\" is not a date YYYY-MM-DD in 1990..2200"));
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create ", out_dir, ": ", ec.message()));
  }
  Generator generator(options, as_of);
  absl::StatusOr<CountyGenStats> stats = generator.Run(out_dir);
  if (!stats.ok() || options.applicants == 0) return stats;
  RecruitmentGenOptions recruitment;
  recruitment.seed = options.seed;
  recruitment.applicants = options.applicants;
  recruitment.as_of = options.as_of;
  absl::StatusOr<RecruitmentGenStats> r =
      GenerateRecruitment(recruitment, out_dir);
  if (!r.ok()) return r.status();
  stats->applicants = r->applicants;
  stats->recruitment_posts = r->recruitment_posts;
  return stats;
}

}  // namespace rota::tools
