// libFuzzer harness: every rota.v1 request, decoded and handled in-process.
//
// Input: the first byte picks a request type (one per RPC of the registry,
// policy, round and audit services; BulkImport and SubmitApplications by
// their chunk); the rest is its protobuf wire encoding. The harness does
// what rotad does with a request's bytes (grpc_server.cc): ParseFromArray,
// then FindControlCharacters on a parsed request or FindInvalidUtf8 on bytes
// the parser refused; a request that passes goes to the real service class
// (Registry, Policies, Rounds, Audit) on a RocksDB store in /dev/shm that
// holds a small generated county "f" (3 schools, 24 teachers, 8 applicants)
// with an exchange rotation round and a recruitment round already run, an
// exchange rotation round and a competitive hiring round in draft.
//
// Beyond "no crash, no leak, no undefined behaviour" it checks that
//   - a request the parser accepts is one FindInvalidUtf8 finds no bad text
//     in (the two readers of the wire format agree);
//   - no request makes a service answer INTERNAL, UNKNOWN or DATA_LOSS (a
//     bad request is the caller's error, never the server's).
//
// The store is rebuilt from scratch after a call that deletes the county or
// ends a round and every kRebuildEvery inputs, so state drifts only so far;
// a crash found after many inputs may need its neighbours to reproduce.
//
// ROTA_FUZZ_WRITE_SEEDS=<dir>: writes a seed input per request type (from the
// fixture county and docs/examples/policy.textproto) into <dir> and exits.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/message.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "rota/v1/audit.pb.h"
#include "rota/v1/policy.pb.h"
#include "rota/v1/registry.pb.h"
#include "rota/v1/rounds.pb.h"
#include "service/access.h"
#include "service/audit_service.h"
#include "service/grpc_status.h"
#include "service/page_token.h"
#include "service/policy_service.h"
#include "service/registry_service.h"
#include "service/round_service.h"
#include "service/storage/rocksdb_event_store.h"
#include "service/validation.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_format.h"
#include "tools/gen/applicant_generator.h"
#include "tools/gen/county_generator.h"

namespace {

namespace v1 = rota::v1;
namespace service = rota::service;
using google::protobuf::Message;

constexpr char kCounty[] = "f";
constexpr char kAsOf[] = "2026-09-01";
constexpr int kRebuildEvery = 2000;

void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_requests: %s\n", what.c_str());
  std::abort();
}

template <typename T>
T Must(absl::StatusOr<T> r, const char* what) {
  if (!r.ok()) Fail(absl::StrCat(what, ": ", r.status().ToString()));
  return *std::move(r);
}

// ---- the generated county, parsed once ----

struct CountyData {
  std::vector<v1::School> schools;
  std::vector<v1::Post> posts;
  std::vector<v1::Teacher> teachers;
  std::vector<v1::Application> applications;
  std::vector<v1::RecruitmentPost> recruitment_posts;
  std::vector<v1::Applicant> applicants;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Calls row_fn(header, record) for every record after the header.
template <typename Fn>
void ForEachRecord(const std::string& path, rota::tools::CsvTable table,
                   Fn row_fn) {
  const std::string text = ReadFile(path);
  rota::tools::CsvReader reader(text);
  std::vector<std::string> record;
  if (!Must(reader.Next(&record), path.c_str())) Fail(path + " is empty");
  const rota::tools::CsvHeader header =
      Must(rota::tools::CsvHeader::Parse(table, record), path.c_str());
  while (Must(reader.Next(&record), path.c_str())) {
    std::string field;
    absl::Status s = row_fn(header, record, &field);
    if (!s.ok()) Fail(absl::StrCat(path, " ", field, ": ", s.ToString()));
  }
}

CountyData GenerateData() {
  const std::string dir = absl::StrCat("/tmp/rota-fuzz-county-", ::getpid());
  rota::tools::CountyGenOptions options;
  options.seed = 7;
  options.schools = 3;
  options.teachers = 24;
  options.county = kCounty;
  options.as_of = kAsOf;
  options.applications = true;
  Must(rota::tools::GenerateCounty(options, dir), "GenerateCounty");
  rota::tools::RecruitmentGenOptions recruitment;
  recruitment.seed = 7;
  recruitment.applicants = 8;
  recruitment.as_of = kAsOf;
  Must(rota::tools::GenerateRecruitment(recruitment, dir),
       "GenerateRecruitment");

  namespace t = rota::tools;
  CountyData d;
  auto add = [](auto& list, auto parse) {
    return
        [&list, parse](const t::CsvHeader& h, const std::vector<std::string>& r,
                       std::string* field) {
          typename std::decay_t<decltype(list)>::value_type m;
          absl::Status s = parse(h, r, kCounty, &m, field, /*all=*/nullptr);
          if (s.ok()) list.push_back(std::move(m));
          return s;
        };
  };
  ForEachRecord(dir + "/schools.csv", t::CsvTable::kSchools,
                add(d.schools, t::SchoolFromCsv));
  ForEachRecord(dir + "/posts.csv", t::CsvTable::kPosts,
                add(d.posts, t::PostFromCsv));
  ForEachRecord(dir + "/teachers.csv", t::CsvTable::kTeachers,
                add(d.teachers, t::TeacherFromCsv));
  ForEachRecord(dir + "/recruitment_posts.csv", t::CsvTable::kRecruitmentPosts,
                add(d.recruitment_posts, t::RecruitmentPostFromCsv));
  ForEachRecord(dir + "/applicants.csv", t::CsvTable::kApplicants,
                add(d.applicants, t::ApplicantFromCsv));
  ForEachRecord(dir + "/applications.csv", t::CsvTable::kApplications,
                [&](const t::CsvHeader& h, const std::vector<std::string>& r,
                    std::string* field) {
                  t::Application a;
                  absl::Status s = t::ApplicationFromCsv(h, r, &a, field);
                  if (!s.ok()) return s;
                  v1::Application& out = d.applications.emplace_back();
                  out.set_teacher(service::ChildResourceName(
                      kCounty, service::kTeachers, a.teacher_id));
                  for (const std::string& school : a.school_ids) {
                    out.add_preferences(service::ChildResourceName(
                        kCounty, service::kSchools, school));
                  }
                  out.set_voluntary(a.voluntary);
                  return absl::OkStatus();
                });
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (d.schools.size() < 2 || d.posts.empty() || d.teachers.empty() ||
      d.applications.empty() || d.recruitment_posts.empty() ||
      d.applicants.empty()) {
    Fail("the generated county is missing a kind of record");
  }
  return d;
}

const CountyData& Data() {
  static const CountyData* data = new CountyData(GenerateData());
  return *data;
}

// ---- the services on a fresh store ----

struct Stack {
  std::string dir;
  std::unique_ptr<rota::storage::EventStore> store;
  std::unique_ptr<service::Registry> registry;
  std::unique_ptr<service::Audit> audit;
  std::unique_ptr<service::Policies> policies;
  std::unique_ptr<service::Rounds> rounds;
  // The fixture's rounds.
  std::string rotation_run;         // exchange rotation, run (PROPOSED)
  std::string run_etag;             // its run's etag
  std::string recruitment_run;      // recruitment, run (PROPOSED)
  std::string rotation_draft;       // exchange rotation, DRAFT
  std::string hiring_draft;         // competitive hiring, DRAFT
  std::string teachers_page_token;  // ListTeachers(page_size 2) page 2
};

Stack& TheStack() {
  static Stack* stack = new Stack;
  return *stack;
}

const service::CallContext& Call() {
  static const service::CallContext* call = [] {
    auto* c = new service::CallContext;
    c->actor = "fuzz";
    c->local_operator = true;
    return c;
  }();
  return *call;
}

std::string CountyResource() { return service::CountyName(kCounty); }

std::string MakeRound(Stack& s, v1::RoundKind kind) {
  v1::CreateRoundRequest req;
  req.set_parent(CountyResource());
  req.mutable_round()->set_kind(kind);
  req.mutable_round()->set_school_year(2026);
  req.mutable_round()->set_effective_date(kAsOf);
  req.mutable_round()->set_display_name("fuzz");
  return Must(s.rounds->CreateRound(Call(), req), "CreateRound").name();
}

void FreezeAndRun(Stack& s, const std::string& round, std::string* etag) {
  v1::FreezeRoundRequest freeze;
  freeze.set_name(round);
  freeze.set_seed(1);
  Must(s.rounds->FreezeRound(Call(), freeze), "FreezeRound");
  v1::RunRoundRequest run;
  run.set_name(round);
  v1::RunSummary summary =
      Must(s.rounds->RunRound(Call(), run, nullptr), "RunRound");
  if (etag != nullptr) *etag = summary.etag();
}

void Rebuild() {
  Stack& s = TheStack();
  s.rounds.reset();
  s.policies.reset();
  s.audit.reset();
  s.registry.reset();
  s.store.reset();
  const bool first = s.dir.empty();
  if (first) {
    const char* shm =
        std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    s.dir = absl::StrCat(shm, "/rota-fuzz-store-", ::getpid());
  }
  std::error_code ec;
  std::filesystem::remove_all(s.dir, ec);
  rota::storage::RocksDbEventStoreOptions options;
  options.path = s.dir;
  options.block_cache_bytes = 8 << 20;
  options.write_buffer_bytes = 4 << 20;
  options.max_background_jobs = 1;
  s.store = Must(rota::storage::RocksDbEventStore::Open(options),
                 "RocksDbEventStore::Open");
  if (first) {
    // Registered after RocksDB's own statics exist, so it runs before they
    // are destroyed.
    std::atexit([] {
      Stack& st = TheStack();
      st.rounds.reset();
      st.policies.reset();
      st.audit.reset();
      st.registry.reset();
      st.store.reset();
      std::error_code ec;
      std::filesystem::remove_all(st.dir, ec);
    });
  }
  s.registry = std::make_unique<service::Registry>(s.store.get());
  s.audit = std::make_unique<service::Audit>(s.store.get());
  service::Registry* registry = s.registry.get();
  service::CountyMutexFn county_mutex = [registry](const std::string& c) {
    return registry->CountyMutex(c);
  };
  s.policies = std::make_unique<service::Policies>(s.store.get(), county_mutex);
  s.rounds = std::make_unique<service::Rounds>(s.store.get(), county_mutex);

  const CountyData& d = Data();
  v1::CreateCountyRequest county;
  county.set_county_id(kCounty);
  county.mutable_county()->set_display_name("永安市");
  Must(s.registry->CreateCounty(Call(), county), "CreateCounty");
  v1::BulkImportRequest import;
  import.set_parent(CountyResource());
  int64_t row = 1;
  for (const auto& x : d.schools) {
    auto* r = import.add_schools();
    r->set_row(row++);
    *r->mutable_school() = x;
  }
  for (const auto& x : d.posts) {
    auto* r = import.add_posts();
    r->set_row(row++);
    *r->mutable_post() = x;
  }
  for (const auto& x : d.teachers) {
    auto* r = import.add_teachers();
    r->set_row(row++);
    *r->mutable_teacher() = x;
  }
  for (const auto& x : d.recruitment_posts) {
    auto* r = import.add_recruitment_posts();
    r->set_row(row++);
    *r->mutable_recruitment_post() = x;
  }
  for (const auto& x : d.applicants) {
    auto* r = import.add_applicants();
    r->set_row(row++);
    *r->mutable_applicant() = x;
  }
  v1::BulkImportResponse imported =
      Must(s.registry->ImportChunk(Call(), import), "ImportChunk");
  if (imported.rows_rejected() != 0) {
    Fail("the fixture import rejected rows: " + imported.DebugString());
  }

  s.rotation_run = MakeRound(s, v1::EXCHANGE_ROTATION);
  v1::SubmitApplicationsRequest apps;
  apps.set_round(s.rotation_run);
  row = 1;
  for (const auto& a : d.applications) {
    auto* r = apps.add_rows();
    r->set_row(row++);
    *r->mutable_application() = a;
  }
  Must(s.rounds->SubmitChunk(Call(), apps), "SubmitChunk");
  FreezeAndRun(s, s.rotation_run, &s.run_etag);
  s.recruitment_run = MakeRound(s, v1::RECRUITMENT);
  FreezeAndRun(s, s.recruitment_run, nullptr);
  s.rotation_draft = MakeRound(s, v1::EXCHANGE_ROTATION);
  s.hiring_draft = MakeRound(s, v1::COMPETITIVE_HIRING);

  v1::ListTeachersRequest list;
  list.set_parent(CountyResource());
  list.set_page_size(2);
  s.teachers_page_token =
      Must(s.registry->ListTeachers(Call(), list), "ListTeachers")
          .next_page_token();
}

// ---- the request types ----

struct Kind {
  std::string name;
  const Message* prototype;
  std::function<absl::Status(const Message&)> handle;
  // A successful call changes the fixture too much to go on with it.
  bool rebuild_after = false;
};

template <typename Req, typename Fn>
Kind Make(const char* name, Fn fn, bool rebuild_after = false) {
  return Kind{name, &Req::default_instance(),
              [fn](const Message& m) -> absl::Status {
                auto r = fn(static_cast<const Req&>(m));
                if (!r.ok()) return r.status();
                std::string bytes;
                r->SerializeToString(&bytes);
                return absl::OkStatus();
              },
              rebuild_after};
}

#define ROTA_FUZZ_KIND(service_member, Method, Req, ...)                    \
  Make<v1::Req>(#Method, [](const v1::Req& r) {                             \
    return TheStack().service_member->Method(Call(),                        \
                                             r __VA_OPT__(, ) __VA_ARGS__); \
  })

const std::vector<Kind>& Kinds() {
  static const std::vector<Kind>* kinds = [] {
    auto* k = new std::vector<Kind>{
        ROTA_FUZZ_KIND(registry, CreateCounty, CreateCountyRequest),
        ROTA_FUZZ_KIND(registry, GetCounty, GetCountyRequest),
        ROTA_FUZZ_KIND(registry, UpdateCounty, UpdateCountyRequest),
        ROTA_FUZZ_KIND(registry, DeleteCounty, DeleteCountyRequest),
        ROTA_FUZZ_KIND(registry, ListCounties, ListCountiesRequest),
        ROTA_FUZZ_KIND(registry, CreateSchool, CreateSchoolRequest),
        ROTA_FUZZ_KIND(registry, GetSchool, GetSchoolRequest),
        ROTA_FUZZ_KIND(registry, UpdateSchool, UpdateSchoolRequest),
        ROTA_FUZZ_KIND(registry, DeleteSchool, DeleteSchoolRequest),
        ROTA_FUZZ_KIND(registry, ListSchools, ListSchoolsRequest),
        ROTA_FUZZ_KIND(registry, CreatePost, CreatePostRequest),
        ROTA_FUZZ_KIND(registry, GetPost, GetPostRequest),
        ROTA_FUZZ_KIND(registry, UpdatePost, UpdatePostRequest),
        ROTA_FUZZ_KIND(registry, DeletePost, DeletePostRequest),
        ROTA_FUZZ_KIND(registry, ListPosts, ListPostsRequest),
        ROTA_FUZZ_KIND(registry, CreateTeacher, CreateTeacherRequest),
        ROTA_FUZZ_KIND(registry, GetTeacher, GetTeacherRequest),
        ROTA_FUZZ_KIND(registry, UpdateTeacher, UpdateTeacherRequest),
        ROTA_FUZZ_KIND(registry, DeleteTeacher, DeleteTeacherRequest),
        ROTA_FUZZ_KIND(registry, ListTeachers, ListTeachersRequest),
        ROTA_FUZZ_KIND(registry, ImportChunk, BulkImportRequest),
        ROTA_FUZZ_KIND(registry, GetCountySummary, GetCountySummaryRequest),
        ROTA_FUZZ_KIND(registry, CreateApplicant, CreateApplicantRequest),
        ROTA_FUZZ_KIND(registry, GetApplicant, GetApplicantRequest),
        ROTA_FUZZ_KIND(registry, ListApplicants, ListApplicantsRequest),
        ROTA_FUZZ_KIND(registry, DeleteApplicant, DeleteApplicantRequest),
        ROTA_FUZZ_KIND(registry, CreateRecruitmentPost,
                       CreateRecruitmentPostRequest),
        ROTA_FUZZ_KIND(registry, GetRecruitmentPost, GetRecruitmentPostRequest),
        ROTA_FUZZ_KIND(registry, ListRecruitmentPosts,
                       ListRecruitmentPostsRequest),
        ROTA_FUZZ_KIND(registry, DeleteRecruitmentPost,
                       DeleteRecruitmentPostRequest),
        ROTA_FUZZ_KIND(policies, SetPolicy, SetPolicyRequest),
        ROTA_FUZZ_KIND(policies, GetPolicy, GetPolicyRequest),
        ROTA_FUZZ_KIND(policies, ValidatePolicy, ValidatePolicyRequest),
        ROTA_FUZZ_KIND(rounds, CreateRound, CreateRoundRequest),
        ROTA_FUZZ_KIND(rounds, GetRound, GetRoundRequest),
        ROTA_FUZZ_KIND(rounds, ListRounds, ListRoundsRequest),
        ROTA_FUZZ_KIND(rounds, SubmitChunk, SubmitApplicationsRequest),
        ROTA_FUZZ_KIND(rounds, FreezeRound, FreezeRoundRequest),
        ROTA_FUZZ_KIND(rounds, ListEligibility, ListEligibilityRequest),
        ROTA_FUZZ_KIND(rounds, RunRound, RunRoundRequest, nullptr),
        ROTA_FUZZ_KIND(rounds, ListPlacements, ListPlacementsRequest),
        ROTA_FUZZ_KIND(rounds, ExplainPlacement, ExplainPlacementRequest),
        ROTA_FUZZ_KIND(rounds, LockPlacement, LockPlacementRequest),
        ROTA_FUZZ_KIND(rounds, OverridePlacement, OverridePlacementRequest),
        ROTA_FUZZ_KIND(rounds, GetRoundReport, GetRoundReportRequest),
        ROTA_FUZZ_KIND(rounds, CommitRound, CommitRoundRequest),
        ROTA_FUZZ_KIND(rounds, CancelRound, CancelRoundRequest),
        ROTA_FUZZ_KIND(rounds, ReplayRound, ReplayRoundRequest),
        ROTA_FUZZ_KIND(audit, VerifyChain, VerifyChainRequest),
        ROTA_FUZZ_KIND(audit, ListEvents, ListEventsRequest),
        ROTA_FUZZ_KIND(audit, GetTeacherAsOf, GetTeacherAsOfRequest),
        ROTA_FUZZ_KIND(audit, ListTeacherHistory, ListTeacherHistoryRequest),
    };
    for (Kind& kind : *k) {
      if (kind.name == "DeleteCounty" || kind.name == "CommitRound" ||
          kind.name == "CancelRound") {
        kind.rebuild_after = true;
      }
    }
    return k;
  }();
  return *kinds;
}

// ---- seeds ----

// Text-format seeds per request type; $C, $S, ... are the fixture's names.
const std::vector<std::pair<std::string, std::string>>& TextSeeds() {
  static const auto* seeds = new std::vector<
      std::pair<std::string, std::string>>{
      {"CreateCounty",
       R"(county_id: "g" county { display_name: "新县" } request_id: "r1")"},
      {"GetCounty", R"(name: "$C")"},
      {"UpdateCounty",
       R"(county { name: "$C" display_name: "永安" } update_mask { paths: "display_name" })"},
      {"DeleteCounty", R"(name: "$C" request_id: "d1")"},
      {"ListCounties", R"(page_size: 1)"},
      {"GetSchool", R"(name: "$S")"},
      {"DeleteSchool", R"(name: "$S")"},
      {"ListSchools",
       R"(parent: "$C" page_size: 2 filter: "locality = RURAL AND weak = true")"},
      {"GetPost", R"(name: "$P")"},
      {"DeletePost", R"(name: "$P")"},
      {"ListPosts",
       R"(parent: "$C" filter: "school = \"$SID\" AND title_band != NO_TITLE")"},
      {"GetTeacher", R"(name: "$T")"},
      {"DeleteTeacher", R"(name: "$T" etag: "x")"},
      {"ListTeachers", R"(parent: "$C" page_size: 2 page_token: "$TOK")"},
      {"ListTeachers",
       R"(parent: "$C" filter: "subject = \"math\" AND gender = MALE")"},
      {"GetCountySummary", R"(name: "$C")"},
      {"GetApplicant", R"(name: "$A")"},
      {"ListApplicants",
       R"(parent: "$C" filter: "gender = FEMALE AND interview_passed = true")"},
      {"DeleteApplicant", R"(name: "$A")"},
      {"GetRecruitmentPost", R"(name: "$R")"},
      {"ListRecruitmentPosts", R"(parent: "$C" filter: "stage = PRIMARY")"},
      {"DeleteRecruitmentPost", R"(name: "$R")"},
      {"GetPolicy", R"(name: "$C/policies/2026")"},
      {"CreateRound",
       R"(parent: "$C" round { kind: EXCHANGE_ROTATION school_year: 2026 effective_date: "2026-09-01" display_name: "x" })"},
      {"GetRound", R"(name: "$ER")"},
      {"ListRounds", R"(parent: "$C" page_size: 1)"},
      {"FreezeRound", R"(name: "$ED" seed: 5)"},
      {"FreezeRound", R"(name: "$CH")"},
      {"ListEligibility",
       R"(name: "$ER" page_size: 5 filter: "eligible = true AND mandatory = false")"},
      {"RunRound", R"(name: "$ER")"},
      {"RunRound", R"(name: "$ER" parameters { voluntary_mechanism: "ttc" })"},
      {"RunRound", R"(name: "$RR")"},
      {"ListPlacements", R"(name: "$ER" run: 1 filter: "outcome = MOVED")"},
      {"ListPlacements", R"(name: "$RR" page_size: 3)"},
      {"ExplainPlacement", R"(name: "$ER" teacher: "$T")"},
      {"LockPlacement", R"(name: "$ER" teacher: "$T" reason: "agreed")"},
      {"OverridePlacement",
       R"(name: "$ER" teacher: "$T" to: "$S2" reason: "family")"},
      {"GetRoundReport", R"(name: "$ER")"},
      {"GetRoundReport", R"(name: "$RR" run: 1)"},
      {"CommitRound", R"(name: "$ER" run_etag: "$ETAG")"},
      {"CancelRound", R"(name: "$CH" reason: "not this year")"},
      {"ReplayRound", R"(name: "$ER" run: 1)"},
      {"VerifyChain", R"(county: "$C")"},
      {"ListEvents", R"(county: "$C" start_sequence: 2 page_size: 3)"},
      {"GetTeacherAsOf", R"(teacher: "$T" date: "2026-09-01")"},
      {"GetTeacherAsOf", R"(teacher: "$T" sequence: 2)"},
      {"ListTeacherHistory", R"(teacher: "$T")"},
  };
  return *seeds;
}

template <typename Resource>
Resource Bare(Resource r) {
  r.clear_name();
  r.clear_etag();
  r.clear_create_time();
  r.clear_update_time();
  return r;
}

void WriteSeeds(const std::string& dir) {
  std::filesystem::create_directories(dir);
  const Stack& s = TheStack();
  const CountyData& d = Data();
  const v1::Teacher& teacher = d.teachers[0];
  const std::string school_id(rota::tools::IdOf(d.schools[0].name()));
  const std::vector<std::pair<std::string, std::string>> vars = {
      {"$SID", school_id},
      {"$S2", d.schools[1].name()},
      {"$C", CountyResource()},
      {"$S", d.schools[0].name()},
      {"$P", d.posts[0].name()},
      {"$T", d.applications[0].teacher()},
      {"$A", d.applicants[0].name()},
      {"$R", d.recruitment_posts[0].name()},
      {"$ER", s.rotation_run},
      {"$RR", s.recruitment_run},
      {"$ED", s.rotation_draft},
      {"$CH", s.hiring_draft},
      {"$TOK", s.teachers_page_token},
      {"$ETAG", s.run_etag},
  };
  std::vector<std::pair<std::string, std::unique_ptr<Message>>> seeds;
  auto kind_of = [](const std::string& name) -> const Kind& {
    for (const Kind& k : Kinds()) {
      if (k.name == name) return k;
    }
    Fail("no request type " + name);
    std::abort();
  };
  for (const auto& [name, text] : TextSeeds()) {
    std::unique_ptr<Message> m(kind_of(name).prototype->New());
    std::string filled = text;
    for (const auto& [from, to] : vars) {
      filled = absl::StrReplaceAll(filled, {{from, to}});
    }
    if (!google::protobuf::TextFormat::ParseFromString(filled, m.get())) {
      Fail("bad seed for " + name + ": " + filled);
    }
    seeds.emplace_back(name, std::move(m));
  }
  // Requests that carry whole resources.
  {
    auto m = std::make_unique<v1::CreateSchoolRequest>();
    m->set_parent(CountyResource());
    m->set_school_id("snew");
    *m->mutable_school() = Bare(d.schools[0]);
    seeds.emplace_back("CreateSchool", std::move(m));
    auto u = std::make_unique<v1::UpdateSchoolRequest>();
    *u->mutable_school() = d.schools[1];
    u->mutable_update_mask()->add_paths("headcount");
    seeds.emplace_back("UpdateSchool", std::move(u));
  }
  {
    auto m = std::make_unique<v1::CreatePostRequest>();
    m->set_parent(CountyResource());
    m->set_post_id("pnew");
    *m->mutable_post() = Bare(d.posts[0]);
    seeds.emplace_back("CreatePost", std::move(m));
    auto u = std::make_unique<v1::UpdatePostRequest>();
    *u->mutable_post() = d.posts[0];
    u->mutable_update_mask()->add_paths("count");
    seeds.emplace_back("UpdatePost", std::move(u));
  }
  {
    auto m = std::make_unique<v1::CreateTeacherRequest>();
    m->set_parent(CountyResource());
    m->set_teacher_id("tnew");
    *m->mutable_teacher() = Bare(teacher);
    seeds.emplace_back("CreateTeacher", std::move(m));
    auto u = std::make_unique<v1::UpdateTeacherRequest>();
    *u->mutable_teacher() = d.teachers.back();
    seeds.emplace_back("UpdateTeacher", std::move(u));
  }
  {
    auto m = std::make_unique<v1::CreateApplicantRequest>();
    m->set_parent(CountyResource());
    m->set_applicant_id("anew");
    *m->mutable_applicant() = Bare(d.applicants[0]);
    seeds.emplace_back("CreateApplicant", std::move(m));
    auto r = std::make_unique<v1::CreateRecruitmentPostRequest>();
    r->set_parent(CountyResource());
    r->set_recruitment_post_id("rnew");
    *r->mutable_recruitment_post() = Bare(d.recruitment_posts[0]);
    seeds.emplace_back("CreateRecruitmentPost", std::move(r));
  }
  {
    auto m = std::make_unique<v1::BulkImportRequest>();
    m->set_parent(CountyResource());
    m->set_request_id("import/0");
    auto* school = m->add_schools();
    school->set_row(2);
    *school->mutable_school() = d.schools[0];
    school->mutable_school()->set_name(
        absl::StrCat(CountyResource(), "/", service::kSchools, "/s9"));
    auto* post = m->add_posts();
    post->set_row(3);
    *post->mutable_post() = d.posts[0];
    for (size_t i = 0; i < 2 && i < d.teachers.size(); ++i) {
      auto* t = m->add_teachers();
      t->set_row(4 + static_cast<int64_t>(i));
      *t->mutable_teacher() = d.teachers[i];
    }
    auto* rp = m->add_recruitment_posts();
    rp->set_row(6);
    *rp->mutable_recruitment_post() = d.recruitment_posts[0];
    auto* a = m->add_applicants();
    a->set_row(7);
    *a->mutable_applicant() = d.applicants[0];
    seeds.emplace_back("ImportChunk", std::move(m));
  }
  {
    auto m = std::make_unique<v1::SubmitApplicationsRequest>();
    m->set_round(s.rotation_draft);
    m->set_request_id("apps/0");
    for (size_t i = 0; i < 3 && i < d.applications.size(); ++i) {
      auto* r = m->add_rows();
      r->set_row(2 + static_cast<int64_t>(i));
      *r->mutable_application() = d.applications[i];
    }
    seeds.emplace_back("SubmitChunk", std::move(m));
  }
  {
    v1::Policy policy;
    const std::string text = ReadFile(std::string(ROTA_SOURCE_DIR) +
                                      "/docs/examples/policy.textproto");
    if (!google::protobuf::TextFormat::ParseFromString(text, &policy)) {
      Fail("docs/examples/policy.textproto does not parse");
    }
    auto set = std::make_unique<v1::SetPolicyRequest>();
    set->set_parent(CountyResource());
    *set->mutable_policy() = policy;
    seeds.emplace_back("SetPolicy", std::move(set));
    auto validate = std::make_unique<v1::ValidatePolicyRequest>();
    validate->set_parent(CountyResource());
    *validate->mutable_policy() = policy;
    seeds.emplace_back("ValidatePolicy", std::move(validate));
  }
  int n = 0;
  for (const auto& [name, message] : seeds) {
    const auto& kinds = Kinds();
    size_t index = 0;
    while (kinds[index].name != name) ++index;
    std::string bytes(1, static_cast<char>(index));
    bytes += message->SerializeAsString();
    std::ofstream out(absl::StrCat(dir, "/", name, "-", n++), std::ios::binary);
    out << bytes;
    if (!out) Fail("cannot write seeds into " + dir);
  }
  std::fprintf(stderr, "fuzz_requests: wrote %d seeds into %s\n", n,
               dir.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The protobuf parser logs every string that is not UTF-8.
  google::protobuf::SetLogHandler(nullptr);
  if (!service::SetPageTokenSecret("fuzz-page-token-secret-0123456789").ok()) {
    Fail("SetPageTokenSecret");
  }
  Rebuild();
  if (const char* dir = std::getenv("ROTA_FUZZ_WRITE_SEEDS")) {
    WriteSeeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static int inputs = 0;
  if (size < 1 || size - 1 > (1 << 20)) return 0;
  if (++inputs % kRebuildEvery == 0) Rebuild();
  const Kind& kind = Kinds()[data[0] % Kinds().size()];
  const absl::string_view bytes(reinterpret_cast<const char*>(data + 1),
                                size - 1);
  std::unique_ptr<Message> request(kind.prototype->New());
  service::Violations v;
  if (!request->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    service::FindInvalidUtf8(request->GetDescriptor(), bytes, "", v);
    (void)v.ToStatus();
    return 0;
  }
  service::Violations utf8;
  service::FindInvalidUtf8(request->GetDescriptor(), bytes, "", utf8);
  for (const auto& fv : utf8.bad_request().field_violations()) {
    if (fv.field() != "request") {
      Fail(absl::StrCat(kind.name, ": the parser accepted the request but ",
                        "FindInvalidUtf8 calls ", fv.field(),
                        " bad: ", fv.description()));
    }
  }
  service::FindControlCharacters(*request, "", v);
  if (!v.empty()) {
    (void)v.ToStatus();
    return 0;
  }
  const absl::Status status = kind.handle(*request);
  (void)service::ToGrpcStatus(status);
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kUnknown ||
      status.code() == absl::StatusCode::kDataLoss) {
    Fail(absl::StrCat(kind.name, " answered ", status.ToString(), " to:\n",
                      request->DebugString()));
  }
  if (status.ok() && kind.rebuild_after) Rebuild();
  return 0;
}
