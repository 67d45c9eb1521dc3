// End-to-end tests of the real rotactl and rota-gen binaries against the real
// rotad (tests/rotad_fixture.h: temporary data directory, port 0, health
// polled). Each test runs the CLI as a user would and checks its output and
// exit code (docs/rotactl.md), and the server state through gRPC.
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "service/storage/event.h"
#include "service/storage/rocksdb_keys.h"
#include "tests/cli_runner.h"
#include "tests/rotad_fixture.h"
#include "tests/status_matchers.h"

namespace rota::testing {
namespace {

class RotactlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/rotactl_e2e_", getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_OK_AND_ASSIGN(rotad_, RotadProcess::Start());
  }
  void TearDown() override {
    if (rotad_ != nullptr && rotad_->running()) {
      EXPECT_OK(rotad_->Stop());
    }
    std::filesystem::remove_all(dir_);
  }

  // Runs a binary with `args` (tests/cli_runner.h), ROTA_SERVER pointing at
  // our rotad and ROTA_COUNTY unset.
  CliResult Run(const std::string& binary,
                const std::vector<std::string>& args) {
    return RunCli(binary, args, dir_, {"ROTA_SERVER=" + rotad_->address()});
  }
  CliResult Rotactl(const std::vector<std::string>& args) {
    return Run(ROTA_ROTACTL_PATH, args);
  }

  // Generates a county with the real rota-gen into dir_/gen (as of a past
  // date, so no date is in the server's future whatever the clock says).
  void GenerateCounty(int seed, int schools, int teachers) {
    const CliResult r =
        Run(ROTA_GEN_PATH,
            {"--seed", std::to_string(seed), "--schools",
             std::to_string(schools), "--teachers", std::to_string(teachers),
             "--as-of", "2025-09-01", "--out", dir_ + "/gen"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  void CreateCounty(const std::string& id) {
    const CliResult r = Rotactl({"county", "create", id, "--name", "永安市"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::string dir_;
  std::unique_ptr<RotadProcess> rotad_;
};

#define EXPECT_CONTAINS(haystack, needle)               \
  EXPECT_NE((haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"         \
      << (haystack)

TEST_F(RotactlTest, ImportGeneratedCountyListSummaryAndVerify) {
  GenerateCounty(5, 20, 600);
  CreateCounty("yongan");
  std::string teachers_import_id;
  for (const char* table : {"schools", "posts", "teachers"}) {
    const CliResult r = Rotactl({"--county", "yongan", "import", table,
                                 absl::StrCat(dir_, "/gen/", table, ".csv")});
    ASSERT_EQ(r.exit_code, 0) << table << ": " << r.out << r.err;
    EXPECT_CONTAINS(r.out, " 0 rejected");
    std::smatch id;
    ASSERT_TRUE(std::regex_search(r.out, id,
                                  std::regex(R"(import id ([0-9a-f]{16})\))")))
        << r.out;
    teachers_import_id = id[1];
  }
  // Expected music teachers, straight from the CSV (any subject).
  std::set<std::string> music;
  {
    std::istringstream in(ReadFile(dir_ + "/gen/teachers.csv"));
    std::string line;
    std::getline(in, line);
    const std::regex subjects_cell(
        R"(^([^,]+),[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,([^,]*),)");
    while (std::getline(in, line)) {
      std::smatch m;
      ASSERT_TRUE(std::regex_search(line, m, subjects_cell)) << line;
      const std::string cell = absl::StrCat(";", m[2].str(), ";");
      if (cell.find(";music;") != std::string::npos) music.insert(m[1].str());
    }
  }
  ASSERT_GT(music.size(), 3u);

  // --all follows pages (page size 4 forces several) and -o json is one array.
  const CliResult list =
      Rotactl({"--county", "yongan", "-o", "json", "teacher", "list",
               "--filter", "subject = \"music\"", "--all", "--page-size", "4"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const nlohmann::json array = nlohmann::json::parse(list.out, nullptr, false);
  ASSERT_TRUE(array.is_array()) << list.out;
  std::set<std::string> got;
  std::string previous;
  for (const nlohmann::json& t : array) {
    const std::string name = t["name"];
    const std::string id = name.substr(name.rfind('/') + 1);
    EXPECT_TRUE(got.insert(id).second) << "listed twice: " << id;
    EXPECT_LT(previous, id);
    previous = id;
  }
  EXPECT_EQ(got, music);

  // Without --all: one page, and a hint on stderr.
  const CliResult page =
      Rotactl({"--county", "yongan", "teacher", "list", "--page-size", "3"});
  ASSERT_EQ(page.exit_code, 0) << page.err;
  EXPECT_CONTAINS(page.err, "--page-token");

  const CliResult summary = Rotactl({"--county", "yongan", "summary"});
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_CONTAINS(summary.out, "永安市");
  EXPECT_CONTAINS(summary.out, "600");
  // Plain words, never enum names; in Chinese with --lang zh.
  EXPECT_EQ(summary.out.find("FEMALE"), std::string::npos) << summary.out;
  EXPECT_CONTAINS(summary.out, "female ");
  const CliResult summary_zh =
      Rotactl({"--county", "yongan", "--lang", "zh", "summary"});
  ASSERT_EQ(summary_zh.exit_code, 0) << summary_zh.err;
  EXPECT_CONTAINS(summary_zh.out, "按性别");
  EXPECT_CONTAINS(summary_zh.out, "女 ");
  EXPECT_EQ(summary_zh.out.find("female"), std::string::npos);
  const CliResult summary_json =
      Rotactl({"--county", "yongan", "summary", "-o", "json"});
  ASSERT_EQ(summary_json.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(summary_json.out)["teachers"],
            "600");  // int64 -> string

  const CliResult verify = Rotactl({"--county", "yongan", "audit", "verify"});
  ASSERT_EQ(verify.exit_code, 0) << verify.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      verify.out, m,
      std::regex(R"(^chain OK: (\d+) events, head [0-9a-f]{64}\n$)")))
      << verify.out;
  const std::string events = m[1];

  // Retrying the same import attempt (its import id) replays each chunk's
  // stored response by its request id: nothing is applied twice, the log
  // does not grow.
  const CliResult again =
      Rotactl({"--county", "yongan", "import", "teachers",
               dir_ + "/gen/teachers.csv", "--request-id", teachers_import_id});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const CliResult verify2 = Rotactl({"--county", "yongan", "audit", "verify"});
  ASSERT_EQ(verify2.exit_code, 0);
  EXPECT_CONTAINS(verify2.out, absl::StrCat("chain OK: ", events, " events"));
}

TEST_F(RotactlTest, BomCrlfQuotedFieldsAndRejectedRows) {
  CreateCounty("c1");
  WriteFile(
      dir_ + "/schools.csv",
      "\xEF\xBB\xBFid,display_name,stages,locality,weak,zone,headcount\r\n"
      "s1,\"一中, 东校区\",senior,urban,false,z00,100\r\n"
      "s2,青山村小学,primary,RURAL,1,z01,12\r\n");
  CliResult r =
      Rotactl({"--county", "c1", "import", "schools", dir_ + "/schools.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Rotactl({"--county", "c1", "-o", "json", "school", "get", "s1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["display_name"], "一中, 东校区");

  // Row 3: birth date in the future (server rejects); row 4: unknown gender
  // (rejected locally); rows 2 and 5 are fine.
  WriteFile(dir_ + "/teachers.csv",
            "id,display_name,gender,birth_date,career_start_date,school,school_"
            "join_date,"
            "subjects\r\n"
            "t1,王芳,female,1985-03-02,2007-08-20,s1,2015-08-25,math\r\n"
            "t2,李强,male,2090-01-01,2007-08-20,s1,2015-08-25,math\r\n"
            "t3,张伟,robot,1980-01-01,2002-08-20,s2,2002-08-20,chinese\r\n"
            "t4,赵敏,f,1990-05-05,2012-08-20,s2,2012-08-20,\"music;art\"\r\n");
  r = Rotactl({"--county", "c1", "import", "teachers", dir_ + "/teachers.csv"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "rejected row 3, field teacher.birth_date");
  EXPECT_CONTAINS(r.out, "rejected row 4, field teacher.gender");
  EXPECT_CONTAINS(r.out, "4 rows, 2 applied, 2 rejected");
  EXPECT_EQ(Rotactl({"--county", "c1", "teacher", "get", "t1"}).exit_code, 0);
  EXPECT_EQ(Rotactl({"--county", "c1", "teacher", "get", "t4"}).exit_code, 0);
  r = Rotactl({"--county", "c1", "teacher", "get", "t2"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_CONTAINS(r.err, "NOT_FOUND");

  // JSON report of an import carries the same rejected rows.
  r = Rotactl({"--county", "c1", "-o", "json", "import", "teachers",
               dir_ + "/teachers.csv"});
  EXPECT_EQ(r.exit_code, 1);
  const nlohmann::json report = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << r.out;
  EXPECT_EQ(report["rows_rejected"], "2");
  std::set<std::string> rejected;
  for (const nlohmann::json& e : report["errors"]) {
    rejected.insert(absl::StrCat(e["row"].get<std::string>(), " ",
                                 e["field"].get<std::string>()));
  }
  EXPECT_EQ(rejected, (std::set<std::string>{"3 teacher.birth_date",
                                             "4 teacher.gender"}));
}

TEST_F(RotactlTest, CsvSyntaxErrorIsReportedAndNothingIsSent) {
  CreateCounty("c1");
  const CliResult before = Rotactl({"--county", "c1", "audit", "verify"});
  ASSERT_EQ(before.exit_code, 0);
  WriteFile(dir_ + "/schools.csv",
            "id,display_name,locality\n"
            "s1,ok,urban\n"
            "s2,\"unterminated,urban\n");
  CliResult r =
      Rotactl({"--county", "c1", "import", "schools", dir_ + "/schools.csv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_CONTAINS(r.err,
                  "row 3 (line 3), column 4: quoted field is not terminated");
  // Nothing reached the server: same log.
  EXPECT_EQ(Rotactl({"--county", "c1", "audit", "verify"}).out, before.out);
  // An unknown column is ignored with a warning naming it (so the school
  // has no locality and the server rejects the row).
  WriteFile(dir_ + "/bad_header.csv", "id,localty\ns1,urban\n");
  r = Rotactl(
      {"--county", "c1", "import", "schools", dir_ + "/bad_header.csv"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "warning: ignoring 1 unknown column \"localty\"");
  EXPECT_CONTAINS(r.out, "rejected row 2, field school.locality");
}

// Chunks are converted while the file is still checked; a problem found
// late, after many chunks waited to be sent, still sends none of them.
TEST_F(RotactlTest, ProblemLateInTheFileSendsNoChunk) {
  CreateCounty("c1");
  const CliResult before = Rotactl({"--county", "c1", "audit", "verify"});
  ASSERT_EQ(before.exit_code, 0);
  std::string rows;
  for (int i = 1; i <= 2000; ++i)
    absl::StrAppend(&rows, "s", i, ",学校", i, ",primary,urban,false,z00,10\n");
  const std::string header =
      "id,display_name,stages,locality,weak,zone,"
      "headcount\n";
  WriteFile(dir_ + "/syntax.csv",
            header + rows + "s9,\"unterminated,primary,urban\n");
  CliResult r = Rotactl({"--county", "c1", "import", "schools",
                         dir_ + "/syntax.csv", "--chunk-size", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.err,
                  "row 2002 (line 2002), column 4: quoted field is "
                  "not terminated (nothing was imported)");
  EXPECT_EQ(r.out, "");
  WriteFile(dir_ + "/dup.csv", header + rows +
                                   "s7,again,primary,urban,false,"
                                   "z00,10\n");
  r = Rotactl({"--county", "c1", "import", "schools", dir_ + "/dup.csv",
               "--chunk-size", "1", "--errors", dir_ + "/errors.csv"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.err,
                  "rows 8 and 2002 (lines 8 and 2002) both have id "
                  "\"s7\"");
  EXPECT_CONTAINS(r.err, "1 duplicate id (nothing was imported)");
  EXPECT_CONTAINS(ReadFile(dir_ + "/errors.csv"), "学校7");
  // Nothing reached the server: same log.
  EXPECT_EQ(Rotactl({"--county", "c1", "audit", "verify"}).out, before.out);
  // A directory is not read as an (empty) file.
  r = Rotactl({"--county", "c1", "import", "schools", dir_});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "cannot read " + dir_);
  // The whole file, once fixed, in 2000 chunks.
  WriteFile(dir_ + "/ok.csv", header + rows);
  r = Rotactl({"--county", "c1", "import", "schools", dir_ + "/ok.csv",
               "--chunk-size", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "2000 rows, 2000 applied, 0 rejected");
  EXPECT_CONTAINS(r.out, "2000 chunks");
}

TEST_F(RotactlTest, CrudAndExitCodes) {
  CreateCounty("c1");
  CliResult r = Rotactl({"county", "create", "c1", "--name", "again"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_CONTAINS(r.err, "ALREADY_EXISTS");

  r = Rotactl({"--county", "c1", "school", "create", "s1", "--name", "实验小学",
               "--stages", "primary", "--locality", "urban", "--headcount",
               "40", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string etag = nlohmann::json::parse(r.out)["etag"];
  r = Rotactl({"--county", "c1", "school", "update", "s1", "--weak", "true",
               "--etag", etag});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "true");
  // The old etag is stale now.
  r = Rotactl({"--county", "c1", "school", "update", "s1", "--zone", "z9",
               "--etag", etag});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_CONTAINS(r.err, "ABORTED");
  r = Rotactl({"--county", "c1", "-o", "csv", "school", "list"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(
      r.out,
      "\xEF\xBB\xBF"  // every CSV starts with a UTF-8 byte order mark
      "id,display_name,stages,locality,weak,zone,latitude,longitude,headcount\n"
      "s1,实验小学,primary,urban,true,,,,40\n");

  // Bad input: field violations in plain words.
  r = Rotactl({"--county", "c1", "teacher", "create", "t1", "--name", "王芳",
               "--gender", "female", "--birth-date", "1990-01-01",
               "--career-start", "2012-08-20", "--school", "nowhere",
               "--join-date", "2012-08-20", "--subjects", "math"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_CONTAINS(r.err, "INVALID_ARGUMENT");
  EXPECT_CONTAINS(r.err, "field teacher.school");
  r = Rotactl(
      {"--county", "c1", "teacher", "list", "--filter", "colour = \"red\""});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_CONTAINS(r.err, "field filter");

  r = Rotactl({"--county", "c1", "school", "delete", "s1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "deleted counties/c1/schools/s1");
  EXPECT_EQ(Rotactl({"--county", "c1", "school", "get", "s1"}).exit_code, 3);

  // Usage errors: 2; no server: 4.
  EXPECT_EQ(Rotactl({"school", "list"}).exit_code, 2);  // no --county
  EXPECT_EQ(Rotactl({"--county", "c1", "school"}).exit_code, 2);
  EXPECT_EQ(Rotactl({"--county", "c1", "-o", "yaml", "summary"}).exit_code, 2);
  r = Rotactl({"--server", "127.0.0.1:1", "--county", "c1", "summary"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_CONTAINS(r.err, "UNAVAILABLE");
  EXPECT_EQ(Rotactl({"audit", "verify", "--help"}).exit_code, 0);
}

// The directory that holds RocksDB's CURRENT file under `data_dir`.
std::string FindRocksDbDir(const std::string& data_dir) {
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(data_dir)) {
    if (entry.path().filename() == "CURRENT")
      return entry.path().parent_path().string();
  }
  return "";
}

// A forged event (payload changed in RocksDB, hash kept) makes `audit verify`
// name it and exit 1.
TEST_F(RotactlTest, AuditVerifyReportsAnAlteredEvent) {
  CreateCounty("c1");
  WriteFile(dir_ + "/schools.csv",
            "id,display_name,stages,locality,headcount\n"
            "s1,一中,senior,urban,100\n"
            "s2,二中,senior,urban,90\n"
            "s3,三中,senior,town,80\n");
  ASSERT_EQ(
      Rotactl({"--county", "c1", "import", "schools", dir_ + "/schools.csv"})
          .exit_code,
      0);
  CliResult r = Rotactl({"--county", "c1", "audit", "verify"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "chain OK: 4 events, head ");
  ASSERT_OK(rotad_->Stop());

  constexpr uint64_t kVictim = 3;  // 1 = the county, 2..4 = the schools
  const std::string db_dir = FindRocksDbDir(rotad_->data_dir());
  ASSERT_FALSE(db_dir.empty());
  {
    namespace keys = rota::storage::rocksdb_keys;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const std::string& name : keys::ColumnFamilyNames()) {
      cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s =
        rocksdb::DB::Open(rocksdb::DBOptions(), db_dir, cfs, &handles, &raw);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string record;
    s = db->Get(rocksdb::ReadOptions(), handles[keys::kEventsIndex],
                keys::EventKey("c1", kVictim), &record);
    ASSERT_TRUE(s.ok()) << s.ToString();
    absl::StatusOr<rota::storage::Event> event =
        rota::storage::DecodeEventRecord(record);
    ASSERT_OK(event);
    rota::v1::School school;
    ASSERT_TRUE(school.ParseFromString(event->payload)) << event->type;
    school.set_headcount(school.headcount() + 50);  // the forgery
    event->payload = school.SerializeAsString();
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = db->Put(sync, handles[keys::kEventsIndex],
                keys::EventKey("c1", kVictim),
                rota::storage::EncodeEventRecord(*event));
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    ASSERT_TRUE(db->Close().ok());
  }
  ASSERT_OK(rotad_->Restart());
  r = Rotactl({"--county", "c1", "audit", "verify"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "chain BROKEN at event 3: ");
}

// ---- issue 5: policy, rounds, audit replay through the CLI ----

// Parsed locally: a misspelt field is reported with its line, column and the
// path of the enclosing message, nothing is sent, exit 1.
TEST_F(RotactlTest, PolicySetWithABadFieldReportsLineAndColumn) {
  CreateCounty("yongan");
  const std::string file = dir_ + "/policy.textproto";
  WriteFile(file,
            "school_year: 2026\n"
            "exchange_rotation {\n"
            "  min_years_at_school: 6\n"
            "  rotation_share_pct: 12\n"
            "}\n");
  const CliResult r = Rotactl({"--county", "yongan", "policy", "set", file});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.err, file + ":4:3: error: ");
  EXPECT_CONTAINS(r.err, "rotation_share_pct");
  EXPECT_CONTAINS(r.err, "(in policy.exchange_rotation)");
  EXPECT_CONTAINS(r.err, "nothing was sent");
  // A bad enum name too, and validate behaves the same.
  WriteFile(file, "tie_chain: TALLER\n");
  const CliResult v =
      Rotactl({"--county", "yongan", "policy", "validate", file});
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_CONTAINS(v.err, file + ":1:12: error: ");
}

// The example policy is valid; a semantic error comes back by field path with
// its place in the file, exit 1.
TEST_F(RotactlTest, PolicyExampleIsValidAndSemanticErrorsNameTheField) {
  CreateCounty("yongan");
  const std::string example =
      std::string(ROTA_SOURCE_DIR) + "/docs/examples/policy.textproto";
  const CliResult ok =
      Rotactl({"--county", "yongan", "policy", "validate", example});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const std::string file = dir_ + "/policy.textproto";
  WriteFile(file,
            "school_year: 2026\n"
            "exchange_rotation {\n"
            "  rotation_share_percent: 120\n"
            "}\n");
  const CliResult bad = Rotactl({"--county", "yongan", "policy", "set", file});
  EXPECT_EQ(bad.exit_code, 1) << bad.err;
  EXPECT_CONTAINS(bad.err, "policy.exchange_rotation.rotation_share_percent");
  EXPECT_CONTAINS(bad.err, file + ":3:");
  const CliResult set =
      Rotactl({"--county", "yongan", "policy", "set", example});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  const CliResult show =
      Rotactl({"--county", "yongan", "policy", "show", "--year", "2026"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_CONTAINS(show.out, "rotation_share_percent: 10");
}

// The whole lifecycle of an exchange rotation through the CLI, ending in a
// replay that matches the committed hash.
TEST_F(RotactlTest, RoundLifecycleUpToAuditReplayMatch) {
  GenerateCounty(11, 12, 300);
  CreateCounty("yongan");
  for (const char* table : {"schools", "posts", "teachers"}) {
    const CliResult r = Rotactl({"--county", "yongan", "import", table,
                                 absl::StrCat(dir_, "/gen/", table, ".csv")});
    ASSERT_EQ(r.exit_code, 0) << table << ": " << r.err;
  }
  const CliResult created = Rotactl({"--county", "yongan", "round", "create",
                                     "--kind", "exchange-rotation", "--year",
                                     "2025", "--effective", "2025-09-01"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out, "2025-exchange-rotation-1\n");
  const std::string round = "2025-exchange-rotation-1";
  const CliResult applied = Rotactl({"--county", "yongan", "round", "apply",
                                     round, dir_ + "/gen/applications.csv"});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_CONTAINS(applied.out, " 0 rejected");
  const CliResult frozen = Rotactl(
      {"--county", "yongan", "round", "freeze", round, "--seed", "424242"});
  ASSERT_EQ(frozen.exit_code, 0) << frozen.err;
  EXPECT_CONTAINS(frozen.out, "seed 424242 (given)");
  const CliResult run = Rotactl({"--county", "yongan", "round", "run", round});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(run.out, m, std::regex("result hash ([0-9a-f]{64})")))
      << run.out;
  const std::string hash = m[1].str();
  ASSERT_TRUE(
      std::regex_search(run.out, m, std::regex("run etag ([0-9a-f]{32})")))
      << run.out;
  const std::string run_etag = m[1].str();

  const CliResult results = Rotactl(
      {"--county", "yongan", "-o", "json", "round", "results", round, "--all"});
  ASSERT_EQ(results.exit_code, 0) << results.err;
  const nlohmann::json placements = nlohmann::json::parse(results.out);
  ASSERT_TRUE(placements.is_array());
  EXPECT_EQ(placements.size(), 300u);
  const std::string teacher = placements[0]["teacher"];
  const CliResult explain =
      Rotactl({"--county", "yongan", "round", "explain", round, teacher});
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_CONTAINS(explain.out, "points ");
  const CliResult report =
      Rotactl({"--county", "yongan", "round", "report", round});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_CONTAINS(report.out, "result hash " + hash);
  EXPECT_CONTAINS(report.out, "quotas");

  const CliResult table =
      Rotactl({"--county", "yongan", "round", "results", round});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_CONTAINS(table.out, "run 1 etag " + run_etag);
  const CliResult bare =
      Rotactl({"--county", "yongan", "round", "commit", round});
  EXPECT_EQ(bare.exit_code, 2) << bare.out;
  EXPECT_CONTAINS(bare.err, "--run-etag");
  const CliResult stale = Rotactl({"--county", "yongan", "round", "commit",
                                   round, "--run-etag", "0123abcd", "--yes"});
  EXPECT_EQ(stale.exit_code, 3) << stale.out;
  EXPECT_CONTAINS(stale.err, "precondition RUN_ETAG_STALE run_etag");
  const CliResult commit = Rotactl({"--county", "yongan", "round", "commit",
                                    round, "--run-etag", run_etag, "--yes"});
  ASSERT_EQ(commit.exit_code, 0) << commit.err;
  EXPECT_CONTAINS(commit.out, "result hash " + hash);
  const CliResult replay =
      Rotactl({"--county", "yongan", "audit", "replay", round});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_EQ(replay.out, "replay MATCH " + hash + "\n");
  const CliResult history =
      Rotactl({"--county", "yongan", "audit", "history", teacher});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_CONTAINS(history.out, "created at ");
}

// A call in the wrong state prints
// the PreconditionFailure in words and exits 3.
TEST_F(RotactlTest, WrongStateIsPrintedAsAPreconditionFailure) {
  CreateCounty("yongan");
  const CliResult created = Rotactl(
      {"--county", "yongan", "round", "create", "--kind", "competitive-hiring",
       "--year", "2025", "--effective", "2025-09-01", "--id", "ch"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out, "ch\n");
  const CliResult commit = Rotactl({"--county", "yongan", "round", "commit",
                                    "ch", "--run-etag", "none", "--yes"});
  EXPECT_EQ(commit.exit_code, 3);
  EXPECT_CONTAINS(commit.err, "round commit failed: FAILED_PRECONDITION");
  EXPECT_CONTAINS(commit.err,
                  "precondition ROUND_STATE counties/yongan/rounds/ch: ");
  EXPECT_CONTAINS(commit.err, "DRAFT");
  const CliResult replay =
      Rotactl({"--county", "yongan", "audit", "replay", "ch"});
  EXPECT_EQ(replay.exit_code, 3) << replay.out;
}

}  // namespace
}  // namespace rota::testing
