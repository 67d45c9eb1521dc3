// Access end to end: the real rotad with TLS, client certificates (mTLS) and
// bearer tokens, an access file of per-county roles, and the real rotactl.
//
// The certificates are made by the openssl command line in the test's
// temporary directory (a CA, rotad's certificate for 127.0.0.1/localhost,
// and a client certificate whose common name is 王芳); nothing is checked in.
//
// Covered: a table role x county x method (hr-writer, administrator and
// auditor of county a, a province operator, an identity without roles)
// through every kind of permission; a caller of county a cannot reach b
// through names, filters, page tokens, rounds or events; a malformed request
// about b (bad ids, masks, page sizes, request ids, control characters, text
// that is not UTF-8) gets PERMISSION_DENIED, not INVALID_ARGUMENT, from a
// caller without rights there; the actor recorded
// in the audit log is the verified identity (also 王芳) and never client
// metadata; missing or unknown credentials; rotactl over TLS with a token
// and with a certificate; local mode with a non-ASCII ROTA_ACTOR; rotad
// refuses a non-loopback listen address without TLS unless --insecure.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"
#include "rota/v1/audit.grpc.pb.h"
#include "rota/v1/policy.grpc.pb.h"
#include "rota/v1/registry.grpc.pb.h"
#include "rota/v1/rounds.grpc.pb.h"
#include "tests/cli_runner.h"
#include "tests/registry_test_data.h"
#include "tests/rotad_fixture.h"

namespace rota::testing {
namespace {

namespace v1 = rota::v1;

constexpr char kWangFang[] = "王芳";

// One role the access file grants, as the test expects it to behave.
enum class Perm {
  kRead,
  kRegistryWrite,
  kPolicyWrite,
  kRoundWrite,
  kCommit,
  kAudit,
  kCountyAdmin
};

struct Identity {
  std::string name;
  std::string token;  // empty: client certificate
  std::string role;   // empty: no role at all
  std::string county;
};

// What each role may do, written out independently of service/access.cc.
bool Allows(const std::string& role, Perm p) {
  if (role == "province-operator") return true;
  if (role == "hr-writer") return p == Perm::kRead || p == Perm::kRegistryWrite;
  if (role == "administrator")
    return p == Perm::kRead || p == Perm::kPolicyWrite ||
           p == Perm::kRoundWrite || p == Perm::kCommit;
  if (role == "auditor") return p == Perm::kRead || p == Perm::kAudit;
  return false;
}

const std::vector<Identity>& Identities() {
  static const auto* ids = new std::vector<Identity>{
      {"hr-a", "token-hr-a", "hr-writer", "a"},
      {"admin-a", "token-admin-a", "administrator", "a"},
      {"auditor-a", "token-auditor-a", "auditor", "a"},
      {"province", "token-province", "province-operator", "*"},
      {"nobody", "token-nobody", "", ""},
      {kWangFang, "", "hr-writer", "a"},
  };
  return *ids;
}

std::string Sha256Hex(const std::string& dir, const std::string& text) {
  WriteFile(dir + "/in", text);
  CliResult r =
      RunCli(ROTA_OPENSSL_PATH, {"dgst", "-sha256", "-r", dir + "/in"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out.substr(0, 64);
}

// openssl COMMAND...; fails the test on a non-zero exit.
void OpenSsl(const std::string& dir, const std::vector<std::string>& args) {
  CliResult r = RunCli(ROTA_OPENSSL_PATH, args, dir);
  ASSERT_EQ(r.exit_code, 0) << absl::StrJoin(args, " ") << "\n" << r.err;
}

// A CA, a server certificate for 127.0.0.1 and localhost, and a client
// certificate with common name `client_cn`, all EC P-256, in `dir`.
void MakeCertificates(const std::string& dir, const std::string& client_cn) {
  const std::vector<std::string> ec = {
      "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
  auto req = [&](std::vector<std::string> args) {
    std::vector<std::string> all = {"req"};
    all.insert(all.end(), ec.begin(), ec.end());
    all.insert(all.end(), args.begin(), args.end());
    OpenSsl(dir, all);
  };
  req({"-x509", "-days", "3650", "-keyout", dir + "/ca.key", "-out",
       dir + "/ca.pem", "-subj", "/CN=rota test CA"});
  req({"-keyout", dir + "/server.key", "-out", dir + "/server.csr", "-subj",
       "/CN=localhost"});
  WriteFile(dir + "/server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  OpenSsl(dir,
          {"x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.pem",
           "-CAkey", dir + "/ca.key", "-CAcreateserial", "-days", "3650",
           "-extfile", dir + "/server.ext", "-out", dir + "/server.pem"});
  req({"-utf8", "-keyout", dir + "/client.key", "-out", dir + "/client.csr",
       "-subj", "/CN=" + client_cn});
  OpenSsl(dir, {"x509", "-req", "-in", dir + "/client.csr", "-CA",
                dir + "/ca.pem", "-CAkey", dir + "/ca.key", "-CAcreateserial",
                "-days", "3650", "-out", dir + "/client.pem"});
}

// Stubs of one identity (TLS; its token as call credentials, or its client
// certificate).
struct Client {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::RegistryService::Stub> registry;
  std::unique_ptr<v1::AuditService::Stub> audit;
  std::unique_ptr<v1::PolicyService::Stub> policy;
  std::unique_ptr<v1::RoundService::Stub> rounds;
};

class AccessE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(std::filesystem::temp_directory_path() /
                           absl::StrCat("rota-access-", getpid()));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    MakeCertificates(*dir_, kWangFang);
    std::string tokens = "# SHA256HEX IDENTITY\n", access = "";
    for (const Identity& id : Identities()) {
      if (!id.token.empty())
        absl::StrAppend(&tokens, Sha256Hex(*dir_, id.token), " ", id.name,
                        "\n");
      if (!id.role.empty())
        absl::StrAppend(&access, id.role, " ", id.county, " ", id.name, "\n");
    }
    WriteFile(*dir_ + "/tokens", tokens);
    WriteFile(*dir_ + "/access", access);

    RotadOptions options;
    options.extra_args = {"--tls-cert",      *dir_ + "/server.pem",
                          "--tls-key",       *dir_ + "/server.key",
                          "--tls-client-ca", *dir_ + "/ca.pem",
                          "--tokens",        *dir_ + "/tokens",
                          "--access",        *dir_ + "/access"};
    options.credentials = Credentials(Identities()[3]);  // province
    auto rotad = RotadProcess::Start(options);
    ASSERT_TRUE(rotad.ok()) << rotad.status();
    rotad_ = rotad->release();

    // Two counties with one school, post and teacher each, and a round.
    auto& reg = rotad_->registry();
    for (const std::string c : {"a", "b"}) {
      ASSERT_TRUE(CreateCounty(reg, c).ok());
      ASSERT_TRUE(CreateSchool(reg, c, "s1", MakeSchool(1)).ok());
      ASSERT_TRUE(CreateSchool(reg, c, "s2", MakeSchool(2)).ok());
      ASSERT_TRUE(CreatePost(reg, c, "p1", MakePost(c, "s1", 1)).ok());
      ASSERT_TRUE(CreateTeacher(reg, c, "t1", MakeTeacher(c, "s1", 1)).ok());
    }
    for (const Identity& id : Identities()) clients_[id.name] = Connect(id);
    for (const std::string c : {"a", "b"}) {
      v1::CreateRoundRequest req;
      req.set_parent(CountyName(c));
      req.set_round_id("r1");
      req.mutable_round()->set_kind(v1::EXCHANGE_ROTATION);
      req.mutable_round()->set_school_year(2026);
      req.mutable_round()->set_effective_date("2026-09-01");
      v1::Round out;
      grpc::Status s = Call(*Get("province").rounds,
                            &v1::RoundService::Stub::CreateRound, req, &out);
      ASSERT_TRUE(s.ok()) << Describe(s);
    }
  }

  static void TearDownTestSuite() {
    clients_.clear();
    delete rotad_;
    rotad_ = nullptr;
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }

  static std::string Pem(const std::string& file) {
    return ReadFile(*dir_ + "/" + file);
  }

  static std::shared_ptr<grpc::ChannelCredentials> Credentials(
      const Identity& id) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = Pem("ca.pem");
    if (id.token.empty()) {
      ssl.pem_cert_chain = Pem("client.pem");
      ssl.pem_private_key = Pem("client.key");
      return grpc::SslCredentials(ssl);
    }
    return grpc::CompositeChannelCredentials(
        grpc::SslCredentials(ssl), grpc::AccessTokenCredentials(id.token));
  }

  static Client Connect(const Identity& id) {
    Client c;
    c.channel = grpc::CreateChannel(rotad_->address(), Credentials(id));
    c.registry = v1::RegistryService::NewStub(c.channel);
    c.audit = v1::AuditService::NewStub(c.channel);
    c.policy = v1::PolicyService::NewStub(c.channel);
    c.rounds = v1::RoundService::NewStub(c.channel);
    return c;
  }

  static Client& Get(const std::string& name) { return clients_.at(name); }

  static CliResult Rotactl(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {}) {
    std::vector<std::string> all = {"--server", rotad_->address(), "--ca",
                                    *dir_ + "/ca.pem"};
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(ROTA_ROTACTL_PATH, all, *dir_, env);
  }

  static std::string* dir_;
  static RotadProcess* rotad_;
  static std::map<std::string, Client> clients_;
};

std::string* AccessE2eTest::dir_ = nullptr;
RotadProcess* AccessE2eTest::rotad_ = nullptr;
std::map<std::string, Client> AccessE2eTest::clients_;

// One call of the table: `run(client, county, n)` calls the method on
// `county`; `n` makes created ids unique per row.
struct MethodCase {
  std::string method;
  Perm perm;
  std::function<grpc::Status(Client&, const std::string&, int)> run;
};

template <typename Stub, typename Req, typename Resp>
grpc::Status Unary(Stub& stub,
                   grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                const Req&, Resp*),
                   const Req& req) {
  Resp out;
  return Call(stub, method, req, &out);
}

std::vector<MethodCase> MethodCases() {
  using R = v1::RegistryService::Stub;
  using A = v1::AuditService::Stub;
  using P = v1::PolicyService::Stub;
  using Q = v1::RoundService::Stub;
  std::vector<MethodCase> cases;
  cases.push_back({"GetCounty", Perm::kRead, [](Client& c, auto& county, int) {
                     v1::GetCountyRequest r;
                     r.set_name(CountyName(county));
                     return Unary(*c.registry, &R::GetCounty, r);
                   }});
  cases.push_back(
      {"ListSchools", Perm::kRead, [](Client& c, auto& county, int) {
         v1::ListSchoolsRequest r;
         r.set_parent(CountyName(county));
         return Unary(*c.registry, &R::ListSchools, r);
       }});
  cases.push_back({"GetTeacher", Perm::kRead, [](Client& c, auto& county, int) {
                     v1::GetTeacherRequest r;
                     r.set_name(TeacherName(county, "t1"));
                     return Unary(*c.registry, &R::GetTeacher, r);
                   }});
  cases.push_back(
      {"ListTeachers(filter)", Perm::kRead, [](Client& c, auto& county, int) {
         v1::ListTeachersRequest r;
         r.set_parent(CountyName(county));
         r.set_filter("school = \"s1\"");
         return Unary(*c.registry, &R::ListTeachers, r);
       }});
  cases.push_back(
      {"GetCountySummary", Perm::kRead, [](Client& c, auto& county, int) {
         v1::GetCountySummaryRequest r;
         r.set_name(CountyName(county));
         return Unary(*c.registry, &R::GetCountySummary, r);
       }});
  cases.push_back(
      {"ListApplicants", Perm::kRead, [](Client& c, auto& county, int) {
         v1::ListApplicantsRequest r;
         r.set_parent(CountyName(county));
         return Unary(*c.registry, &R::ListApplicants, r);
       }});
  cases.push_back({"CreateSchool", Perm::kRegistryWrite,
                   [](Client& c, auto& county, int n) {
                     return CreateSchool(*c.registry, county,
                                         absl::StrCat("x", n),
                                         MakeSchool(100 + n));
                   }});
  cases.push_back({"UpdateTeacher", Perm::kRegistryWrite,
                   [](Client& c, auto& county, int n) {
                     v1::UpdateTeacherRequest r;
                     *r.mutable_teacher() = MakeTeacher(county, "s1", 1);
                     r.mutable_teacher()->set_name(TeacherName(county, "t1"));
                     r.mutable_teacher()->set_display_name(
                         absl::StrCat("教师", n));
                     r.mutable_update_mask()->add_paths("display_name");
                     return Unary(*c.registry, &R::UpdateTeacher, r);
                   }});
  cases.push_back(
      {"BulkImport", Perm::kRegistryWrite, [](Client& c, auto& county, int n) {
         v1::Teacher t = MakeTeacher(county, "s1", 200 + n);
         t.set_name(TeacherName(county, absl::StrCat("imp", n)));
         v1::BulkImportResponse out;
         return BulkImport(*c.registry, TeacherChunks(county, {t}), &out);
       }});
  cases.push_back({"GetPolicy", Perm::kRead, [](Client& c, auto& county, int) {
                     v1::GetPolicyRequest r;
                     r.set_name(CountyName(county) + "/policies/2026");
                     return Unary(*c.policy, &P::GetPolicy, r);
                   }});
  cases.push_back(
      {"SetPolicy", Perm::kPolicyWrite, [](Client& c, auto& county, int) {
         v1::SetPolicyRequest r;
         r.set_parent(CountyName(county));
         r.mutable_policy()->set_school_year(2026);
         return Unary(*c.policy, &P::SetPolicy, r);
       }});
  cases.push_back(
      {"CreateRound", Perm::kRoundWrite, [](Client& c, auto& county, int n) {
         v1::CreateRoundRequest r;
         r.set_parent(CountyName(county));
         r.set_round_id(absl::StrCat("x", n));
         r.mutable_round()->set_kind(v1::EXCHANGE_ROTATION);
         r.mutable_round()->set_school_year(2026);
         r.mutable_round()->set_effective_date("2026-09-01");
         return Unary(*c.rounds, &Q::CreateRound, r);
       }});
  cases.push_back({"GetRound", Perm::kRead, [](Client& c, auto& county, int) {
                     v1::GetRoundRequest r;
                     r.set_name(CountyName(county) + "/rounds/r1");
                     return Unary(*c.rounds, &Q::GetRound, r);
                   }});
  cases.push_back({"ListRounds", Perm::kRead, [](Client& c, auto& county, int) {
                     v1::ListRoundsRequest r;
                     r.set_parent(CountyName(county));
                     return Unary(*c.rounds, &Q::ListRounds, r);
                   }});
  // r1 stays DRAFT: allowed callers get FAILED_PRECONDITION.
  cases.push_back(
      {"CommitRound", Perm::kCommit, [](Client& c, auto& county, int) {
         v1::CommitRoundRequest r;
         r.set_name(CountyName(county) + "/rounds/r1");
         return Unary(*c.rounds, &Q::CommitRound, r);
       }});
  cases.push_back(
      {"VerifyChain", Perm::kAudit, [](Client& c, auto& county, int) {
         v1::VerifyChainRequest r;
         r.set_county(CountyName(county));
         return Unary(*c.audit, &A::VerifyChain, r);
       }});
  cases.push_back(
      {"ListEvents", Perm::kAudit, [](Client& c, auto& county, int) {
         v1::ListEventsRequest r;
         r.set_county(CountyName(county));
         r.set_page_size(5);
         return Unary(*c.audit, &A::ListEvents, r);
       }});
  cases.push_back(
      {"ListTeacherHistory", Perm::kAudit, [](Client& c, auto& county, int) {
         v1::ListTeacherHistoryRequest r;
         r.set_teacher(TeacherName(county, "t1"));
         return Unary(*c.audit, &A::ListTeacherHistory, r);
       }});
  // A county of its own: only a grant on every county ("*") reaches it.
  cases.push_back(
      {"CreateCounty", Perm::kCountyAdmin, [](Client& c, auto& county, int n) {
         return CreateCounty(*c.registry, absl::StrCat(county, "-new-", n));
       }});
  return cases;
}

TEST_F(AccessE2eTest, RoleCountyMethodTable) {
  int n = 0, allowed = 0, denied = 0;
  for (const MethodCase& m : MethodCases()) {
    for (const Identity& id : Identities()) {
      for (const std::string county : {"a", "b"}) {
        ++n;
        const bool county_ok =
            id.county == "*" ||
            (id.county == county && m.perm != Perm::kCountyAdmin);
        const bool expect_allowed = county_ok && Allows(id.role, m.perm);
        grpc::Status s = m.run(Get(id.name), county, n);
        const std::string where =
            absl::StrCat(id.name, " (", id.role, " of ", id.county, ") ",
                         m.method, " on county ", county, ": ", Describe(s));
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << where;
        if (expect_allowed) {
          ++allowed;
          EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << where;
        } else {
          ++denied;
          EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << where;
          auto info = GetErrorInfo(s);
          if (info.has_value() && id.role != "") {
            EXPECT_EQ(info->reason(), "ACCESS_DENIED") << where;
          }
        }
      }
    }
  }
  EXPECT_GT(allowed, 40);
  EXPECT_GT(denied, 100);
}

TEST_F(AccessE2eTest, CountyACallerCannotReachB) {
  Client& hr = Get("hr-a");
  Client& province = Get("province");
  // Names.
  v1::Teacher t;
  v1::GetTeacherRequest get;
  get.set_name(TeacherName("b", "t1"));
  EXPECT_EQ(Call(*hr.registry, &v1::RegistryService::Stub::GetTeacher, get, &t)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Filters: a filter naming b's school lists nothing of b.
  auto teachers =
      ListAllTeachers(*hr.registry, "a", "school = \"counties/b/schools/s1\"");
  if (teachers.ok()) {
    for (const auto& x : *teachers)
      EXPECT_TRUE(absl::StartsWith(x.name(), "counties/a/")) << x.name();
  }
  // Page tokens: b's token is refused on a, and b stays closed.
  v1::ListSchoolsRequest page;
  page.set_parent(CountyName("b"));
  page.set_page_size(1);
  v1::ListSchoolsResponse first;
  ASSERT_TRUE(Call(*province.registry, &v1::RegistryService::Stub::ListSchools,
                   page, &first)
                  .ok());
  ASSERT_FALSE(first.next_page_token().empty());
  v1::ListSchoolsResponse out;
  page.set_page_token(first.next_page_token());
  EXPECT_EQ(
      Call(*hr.registry, &v1::RegistryService::Stub::ListSchools, page, &out)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  page.set_parent(CountyName("a"));
  grpc::Status moved =
      Call(*hr.registry, &v1::RegistryService::Stub::ListSchools, page, &out);
  EXPECT_EQ(moved.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(moved);
  // Rounds.
  v1::Round round;
  v1::GetRoundRequest get_round;
  get_round.set_name("counties/b/rounds/r1");
  EXPECT_EQ(Call(*Get("admin-a").rounds, &v1::RoundService::Stub::GetRound,
                 get_round, &round)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Events.
  v1::ListEventsRequest events;
  events.set_county("counties/b");
  v1::ListEventsResponse listed;
  EXPECT_EQ(Call(*Get("auditor-a").audit, &v1::AuditService::Stub::ListEvents,
                 events, &listed)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Counties: only the ones the caller may read are listed.
  v1::ListCountiesRequest counties;
  v1::ListCountiesResponse all;
  ASSERT_TRUE(Call(*hr.registry, &v1::RegistryService::Stub::ListCounties,
                   counties, &all)
                  .ok());
  std::set<std::string> names;
  for (const auto& c : all.counties()) names.insert(c.name());
  EXPECT_EQ(names, std::set<std::string>{"counties/a"});
}

// A malformed request about `county`: `run(client, county)` sends it. The
// province operator gets INVALID_ARGUMENT for it (it really is malformed);
// a caller without the needed role in that county gets PERMISSION_DENIED,
// the same answer as for a well-formed one.
struct MalformedCase {
  std::string what;
  std::function<grpc::Status(Client&, const std::string&)> run;
};

std::vector<MalformedCase> MalformedCases() {
  using R = v1::RegistryService::Stub;
  using A = v1::AuditService::Stub;
  using P = v1::PolicyService::Stub;
  using Q = v1::RoundService::Stub;
  const std::string long_id(200, 'x');
  std::vector<MalformedCase> cases;
  auto add = [&](std::string what, auto run) {
    cases.push_back({std::move(what), run});
  };
  add("CreateSchool with a bad school_id", [](Client& c, auto& county) {
    v1::CreateSchoolRequest r;
    r.set_parent(CountyName(county));
    r.set_school_id("Not An Id");
    *r.mutable_school() = MakeSchool(9);
    return Unary(*c.registry, &R::CreateSchool, r);
  });
  add("CreateSchool with a control character in its name",
      [](Client& c, auto& county) {
        v1::CreateSchoolRequest r;
        r.set_parent(CountyName(county));
        r.set_school_id("ctl");
        *r.mutable_school() = MakeSchool(9);
        r.mutable_school()->set_display_name("第一\x01中学");
        return Unary(*c.registry, &R::CreateSchool, r);
      });
  add("CreateSchool with text that is not UTF-8", [](Client& c, auto& county) {
    v1::CreateSchoolRequest r;
    r.set_parent(CountyName(county));
    r.set_school_id("utf");
    *r.mutable_school() = MakeSchool(9);
    r.mutable_school()->set_display_name("\xff\xfe");
    return Unary(*c.registry, &R::CreateSchool, r);
  });
  add("UpdateTeacher with an unknown mask path", [](Client& c, auto& county) {
    v1::UpdateTeacherRequest r;
    r.mutable_teacher()->set_name(TeacherName(county, "t1"));
    r.mutable_update_mask()->add_paths("no_such_field");
    return Unary(*c.registry, &R::UpdateTeacher, r);
  });
  add("UpdateSchool with a control character in its name",
      [](Client& c, auto& county) {
        v1::UpdateSchoolRequest r;
        r.mutable_school()->set_name(CountyName(county) + "/schools/s1");
        r.mutable_school()->set_display_name("x\x02y");
        r.mutable_update_mask()->add_paths("display_name");
        return Unary(*c.registry, &R::UpdateSchool, r);
      });
  add("DeleteSchool with a 200-character request_id",
      [long_id](Client& c, auto& county) {
        v1::DeleteSchoolRequest r;
        r.set_name(CountyName(county) + "/schools/s2");
        r.set_request_id(long_id);
        return Unary(*c.registry, &R::DeleteSchool, r);
      });
  add("ListSchools with a negative page_size", [](Client& c, auto& county) {
    v1::ListSchoolsRequest r;
    r.set_parent(CountyName(county));
    r.set_page_size(-1);
    return Unary(*c.registry, &R::ListSchools, r);
  });
  add("BulkImport with a 200-character request_id",
      [long_id](Client& c, auto& county) {
        v1::Teacher t = MakeTeacher(county, "s1", 300);
        t.set_name(TeacherName(county, "bad-import"));
        auto chunks = TeacherChunks(county, {t});
        chunks[0].set_request_id(long_id);
        v1::BulkImportResponse out;
        return BulkImport(*c.registry, chunks, &out);
      });
  add("UpdateCounty with an unknown mask path", [](Client& c, auto& county) {
    v1::UpdateCountyRequest r;
    r.mutable_county()->set_name(CountyName(county));
    r.mutable_update_mask()->add_paths("no_such_field");
    return Unary(*c.registry, &R::UpdateCounty, r);
  });
  add("DeleteCounty with a 200-character request_id",
      [long_id](Client& c, auto& county) {
        v1::DeleteCountyRequest r;
        r.set_name(CountyName(county));
        r.set_request_id(long_id);
        return Unary(*c.registry, &R::DeleteCounty, r);
      });
  add("CreateCounty with a 200-character request_id",
      [long_id](Client& c, auto& county) {
        v1::CreateCountyRequest r;
        r.set_county_id(county + "-malformed");
        r.mutable_county()->set_display_name("新县");
        r.set_request_id(long_id);
        return Unary(*c.registry, &R::CreateCounty, r);
      });
  add("GetPolicy of school year 1999", [](Client& c, auto& county) {
    v1::GetPolicyRequest r;
    r.set_name(CountyName(county) + "/policies/1999");
    return Unary(*c.policy, &P::GetPolicy, r);
  });
  add("SetPolicy without a policy", [](Client& c, auto& county) {
    v1::SetPolicyRequest r;
    r.set_parent(CountyName(county));
    return Unary(*c.policy, &P::SetPolicy, r);
  });
  add("ValidatePolicy without a policy", [](Client& c, auto& county) {
    v1::ValidatePolicyRequest r;
    r.set_parent(CountyName(county));
    return Unary(*c.policy, &P::ValidatePolicy, r);
  });
  add("CreateRound without a kind", [](Client& c, auto& county) {
    v1::CreateRoundRequest r;
    r.set_parent(CountyName(county));
    r.mutable_round()->set_school_year(2026);
    r.mutable_round()->set_effective_date("2026-09-01");
    return Unary(*c.rounds, &Q::CreateRound, r);
  });
  add("FreezeRound with a 200-character request_id",
      [long_id](Client& c, auto& county) {
        v1::FreezeRoundRequest r;
        r.set_name(CountyName(county) + "/rounds/r1");
        r.set_request_id(long_id);
        return Unary(*c.rounds, &Q::FreezeRound, r);
      });
  add("LockPlacement of a malformed teacher", [](Client& c, auto& county) {
    v1::LockPlacementRequest r;
    r.set_name(CountyName(county) + "/rounds/r1");
    r.set_teacher("Not A Teacher");
    r.set_reason("调整");
    return Unary(*c.rounds, &Q::LockPlacement, r);
  });
  add("CancelRound with a 3,000-character reason", [](Client& c, auto& county) {
    v1::CancelRoundRequest r;
    r.set_name(CountyName(county) + "/rounds/r1");
    r.set_reason(std::string(3000, 'r'));
    return Unary(*c.rounds, &Q::CancelRound, r);
  });
  add("ListEvents from sequence -1", [](Client& c, auto& county) {
    v1::ListEventsRequest r;
    r.set_county(CountyName(county));
    r.set_start_sequence(-1);
    return Unary(*c.audit, &A::ListEvents, r);
  });
  add("GetTeacherAsOf without a date or sequence", [](Client& c, auto& county) {
    v1::GetTeacherAsOfRequest r;
    r.set_teacher(TeacherName(county, "t1"));
    return Unary(*c.audit, &A::GetTeacherAsOf, r);
  });
  return cases;
}

TEST_F(AccessE2eTest, MalformedRequestToACountyWithoutRightsIsDenied) {
  int denied = 0;
  for (const MalformedCase& m : MalformedCases()) {
    grpc::Status s = m.run(Get("province"), "b");
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << "province: " << m.what << " on county b: " << Describe(s);
    for (const Identity& id : Identities()) {
      if (id.county == "*") continue;  // every county
      s = m.run(Get(id.name), "b");
      const std::string where = absl::StrCat(
          id.name, " (", id.role.empty() ? "no role" : id.role, " of ",
          id.county, "): ", m.what, " on county b: ", Describe(s));
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << where;
      auto info = GetErrorInfo(s);
      ASSERT_TRUE(info.has_value()) << where;
      EXPECT_EQ(info->reason(), "ACCESS_DENIED") << where;
      ++denied;
    }
  }
  EXPECT_EQ(denied, 5 * static_cast<int>(MalformedCases().size()));
}

// The last event of `county` as the province operator reads it.
v1::Event LastEvent(Client& reader, const std::string& county) {
  v1::ListEventsRequest req;
  req.set_county(CountyName(county));
  req.set_page_size(1000);
  v1::Event last;
  while (true) {
    v1::ListEventsResponse page;
    grpc::Status s =
        Call(*reader.audit, &v1::AuditService::Stub::ListEvents, req, &page);
    EXPECT_TRUE(s.ok()) << Describe(s);
    if (!s.ok() || page.events().empty()) break;
    last = page.events(page.events_size() - 1);
    if (page.next_page_token().empty()) break;
    req.set_page_token(page.next_page_token());
  }
  return last;
}

TEST_F(AccessE2eTest, ActorIsTheVerifiedIdentityNotMetadata) {
  struct Case {
    std::string identity, school;
  };
  for (const Case& c : {Case{kWangFang, "wf"}, Case{"hr-a", "hra"}}) {
    // The caller claims to be someone else in the old actor metadata.
    v1::CreateSchoolRequest req;
    req.set_parent(CountyName("a"));
    req.set_school_id(c.school);
    *req.mutable_school() = MakeSchool(7);
    auto ctx = NewContext(absl::Seconds(30), "mallory 伪造");
    v1::School out;
    grpc::Status s =
        Get(c.identity).registry->CreateSchool(ctx.get(), req, &out);
    ASSERT_TRUE(s.ok()) << c.identity << ": " << Describe(s);
    v1::Event last = LastEvent(Get("province"), "a");
    EXPECT_EQ(last.actor(), c.identity);
  }
}

TEST_F(AccessE2eTest, MissingOrUnknownCredentialsAreRefused) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = Pem("ca.pem");
  v1::ListCountiesRequest req;
  v1::ListCountiesResponse out;
  // TLS but no credential at all.
  auto bare = v1::RegistryService::NewStub(
      grpc::CreateChannel(rotad_->address(), grpc::SslCredentials(ssl)));
  grpc::Status s =
      Call(*bare, &v1::RegistryService::Stub::ListCounties, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(s);
  // A token rotad does not know.
  auto unknown = v1::RegistryService::NewStub(grpc::CreateChannel(
      rotad_->address(),
      grpc::CompositeChannelCredentials(
          grpc::SslCredentials(ssl), grpc::AccessTokenCredentials("guess"))));
  s = Call(*unknown, &v1::RegistryService::Stub::ListCounties, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(s);
  // Plain text to the TLS port never reaches a handler.
  auto plain = v1::RegistryService::NewStub(grpc::CreateChannel(
      rotad_->address(), grpc::InsecureChannelCredentials()));
  s = Call(*plain, &v1::RegistryService::Stub::ListCounties, req, &out,
           absl::Seconds(5));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccessE2eTest, RotactlOverTlsWithTokenAndCertificate) {
  CliResult r =
      Rotactl({"-o", "json", "county", "list"}, {"ROTA_TOKEN=token-hr-a"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("counties/a"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("counties/b"), std::string::npos) << r.out;

  r = Rotactl({"--county", "b", "school", "list"}, {"ROTA_TOKEN=token-hr-a"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("PERMISSION_DENIED"), std::string::npos) << r.err;

  r = Rotactl({"--cert", *dir_ + "/client.pem", "--key", *dir_ + "/client.key",
               "--county", "a", "school", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("s1"), std::string::npos) << r.out;

  r = Rotactl({"--county", "a", "school", "list"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("UNAUTHENTICATED"), std::string::npos) << r.err;
}

TEST(AccessLocalModeTest, NonAsciiActorInLocalMode) {
  auto rotad = RotadProcess::Start();
  ASSERT_TRUE(rotad.ok()) << rotad.status();
  const std::string dir = (*rotad)->data_dir() + "-cli";
  std::filesystem::create_directories(dir);
  CliResult r = RunCli(ROTA_ROTACTL_PATH,
                       {"county", "create", "z", "--name", "测试县"}, dir,
                       {"ROTA_SERVER=" + (*rotad)->address(),
                        std::string("ROTA_ACTOR=") + kWangFang});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::ListEventsRequest req;
  req.set_county("counties/z");
  v1::ListEventsResponse events;
  grpc::Status s = Call((*rotad)->audit(), &v1::AuditService::Stub::ListEvents,
                        req, &events);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_FALSE(events.events().empty());
  EXPECT_EQ(events.events(0).actor(), kWangFang);
  std::filesystem::remove_all(dir);
}

TEST(AccessListenTest, NonLoopbackWithoutTlsIsRefusedUnlessInsecure) {
  const std::string dir = std::filesystem::temp_directory_path() /
                          absl::StrCat("rota-access-listen-", getpid());
  std::filesystem::create_directories(dir);
  CliResult r =
      RunCli(ROTA_ROTAD_PATH,
             {"--data-dir", dir + "/data", "--listen", "0.0.0.0:0"}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("without TLS"), std::string::npos) << r.err;

  RotadOptions options;
  options.listen = "0.0.0.0:0";
  options.extra_args = {"--insecure"};
  auto rotad = RotadProcess::Start(options);
  ASSERT_TRUE(rotad.ok()) << rotad.status();
  EXPECT_TRUE(CreateCounty((*rotad)->registry(), "open").ok());
  EXPECT_TRUE((*rotad)->Stop().ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rota::testing
