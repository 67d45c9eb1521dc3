#include "tests/rounds_e2e_support.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/registry_test_data.h"
#include "tools/csv/csv.h"
#include "tools/csv/csv_format.h"
#include "tools/gen/applicant_generator.h"

namespace rota::testing {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses every record of `path` after the header with `row_fn(header, rec)`.
template <typename Fn>
absl::Status ForEachRecord(const std::string& path, rota::tools::CsvTable table,
                           Fn row_fn) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  rota::tools::CsvReader reader(*text);
  std::vector<std::string> record;
  absl::StatusOr<bool> more = reader.Next(&record);
  if (!more.ok()) return more.status();
  if (!*more) return absl::InvalidArgumentError(absl::StrCat(path, ": empty"));
  absl::StatusOr<rota::tools::CsvHeader> header =
      rota::tools::CsvHeader::Parse(table, record);
  if (!header.ok()) return header.status();
  while (true) {
    more = reader.Next(&record);
    if (!more.ok()) return more.status();
    if (!*more) break;
    std::string field;
    absl::Status s = row_fn(*header, record, &field);
    if (!s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, " row ", reader.row(), " field ", field, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string Id(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

std::map<std::string, const rota::v1::School*> GeneratedCounty::SchoolsByName()
    const {
  std::map<std::string, const rota::v1::School*> out;
  for (const auto& s : schools) out[s.name()] = &s;
  return out;
}
std::map<std::string, const rota::v1::Post*> GeneratedCounty::PostsByName()
    const {
  std::map<std::string, const rota::v1::Post*> out;
  for (const auto& p : posts) out[p.name()] = &p;
  return out;
}
std::map<std::string, const rota::v1::Teacher*>
GeneratedCounty::TeachersByName() const {
  std::map<std::string, const rota::v1::Teacher*> out;
  for (const auto& t : teachers) out[t.name()] = &t;
  return out;
}

absl::StatusOr<GeneratedCounty> GenerateCountyData(
    const rota::tools::CountyGenOptions& options, const std::string& county,
    int64_t applicants) {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir =
      absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/rounds-e2e-gen-", getpid(),
                   "-", options.seed, "-", options.teachers);
  rota::tools::CountyGenOptions gen = options;
  gen.county = county;
  gen.applications = true;
  absl::StatusOr<rota::tools::CountyGenStats> stats =
      rota::tools::GenerateCounty(gen, dir);
  if (!stats.ok()) return stats.status();

  GeneratedCounty out;
  out.county = county;
  absl::Status s =
      ForEachRecord(dir + "/schools.csv", rota::tools::CsvTable::kSchools,
                    [&](const rota::tools::CsvHeader& h,
                        const std::vector<std::string>& r, std::string* field) {
                      rota::v1::School school;
                      absl::Status st = rota::tools::SchoolFromCsv(
                          h, r, county, &school, field);
                      if (st.ok()) out.schools.push_back(std::move(school));
                      return st;
                    });
  if (s.ok()) {
    s = ForEachRecord(
        dir + "/posts.csv", rota::tools::CsvTable::kPosts,
        [&](const rota::tools::CsvHeader& h, const std::vector<std::string>& r,
            std::string* field) {
          rota::v1::Post post;
          absl::Status st =
              rota::tools::PostFromCsv(h, r, county, &post, field);
          if (st.ok()) out.posts.push_back(std::move(post));
          return st;
        });
  }
  if (s.ok()) {
    s = ForEachRecord(
        dir + "/teachers.csv", rota::tools::CsvTable::kTeachers,
        [&](const rota::tools::CsvHeader& h, const std::vector<std::string>& r,
            std::string* field) {
          rota::v1::Teacher teacher;
          absl::Status st =
              rota::tools::TeacherFromCsv(h, r, county, &teacher, field);
          if (st.ok()) out.teachers.push_back(std::move(teacher));
          return st;
        });
  }
  if (s.ok()) {
    s = ForEachRecord(
        dir + "/applications.csv", rota::tools::CsvTable::kApplications,
        [&](const rota::tools::CsvHeader& h, const std::vector<std::string>& r,
            std::string* field) {
          rota::tools::Application app;
          absl::Status st = rota::tools::ApplicationFromCsv(h, r, &app, field);
          if (st.ok()) {
            out.applications.push_back(
                {app.teacher_id, app.school_ids, app.voluntary});
          }
          return st;
        });
  }
  if (s.ok() && applicants > 0) {
    rota::tools::RecruitmentGenOptions rgen;
    rgen.seed = options.seed;
    rgen.applicants = applicants;
    rgen.as_of = options.as_of;
    absl::StatusOr<rota::tools::RecruitmentGenStats> rstats =
        rota::tools::GenerateRecruitment(rgen, dir);
    s = rstats.status();
  }
  if (s.ok() && applicants > 0) {
    s = ForEachRecord(
        dir + "/recruitment_posts.csv",
        rota::tools::CsvTable::kRecruitmentPosts,
        [&](const rota::tools::CsvHeader& h, const std::vector<std::string>& r,
            std::string* field) {
          rota::v1::RecruitmentPost post;
          absl::Status st =
              rota::tools::RecruitmentPostFromCsv(h, r, county, &post, field);
          if (st.ok()) out.recruitment_posts.push_back(std::move(post));
          return st;
        });
  }
  if (s.ok() && applicants > 0) {
    s = ForEachRecord(
        dir + "/applicants.csv", rota::tools::CsvTable::kApplicants,
        [&](const rota::tools::CsvHeader& h, const std::vector<std::string>& r,
            std::string* field) {
          rota::v1::Applicant a;
          absl::Status st =
              rota::tools::ApplicantFromCsv(h, r, county, &a, field);
          if (st.ok()) out.applicants.push_back(std::move(a));
          return st;
        });
  }
  if (s.ok()) {
    s = ForEachRecord(
        dir + "/periods.csv", rota::tools::CsvTable::kPeriodRequirements,
        [&](const rota::tools::CsvHeader& h, const std::vector<std::string>& r,
            std::string* field) {
          rota::v1::PeriodRequirement x;
          absl::Status st =
              rota::tools::PeriodRequirementFromCsv(h, r, county, &x, field);
          if (st.ok()) out.period_requirements.push_back(std::move(x));
          return st;
        });
  }
  if (s.ok()) {
    s = ForEachRecord(
        dir + "/roads.csv", rota::tools::CsvTable::kRoadDistances,
        [&](const rota::tools::CsvHeader& h, const std::vector<std::string>& r,
            std::string* field) {
          rota::v1::RoadDistance x;
          absl::Status st =
              rota::tools::RoadDistanceFromCsv(h, r, county, &x, field);
          if (st.ok()) out.road_distances.push_back(std::move(x));
          return st;
        });
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (!s.ok()) return s;
  return out;
}

absl::Status ImportItinerant(RotadProcess& rotad, const GeneratedCounty& data) {
  // Chunks of at most 5,000 rows (a chunk is one gRPC message).
  std::vector<rota::v1::BulkImportRequest> chunks;
  int64_t row = 1;
  auto chunk = [&]() -> rota::v1::BulkImportRequest& {
    if (chunks.empty() || (row - 1) % 5000 == 0) {
      chunks.emplace_back();
      chunks.back().set_parent(CountyName(data.county));
    }
    return chunks.back();
  };
  for (const auto& x : data.period_requirements) {
    auto* r = chunk().add_period_requirements();
    r->set_row(row++);
    *r->mutable_period_requirement() = x;
  }
  for (const auto& x : data.road_distances) {
    auto* r = chunk().add_road_distances();
    r->set_row(row++);
    *r->mutable_road_distance() = x;
  }
  rota::v1::BulkImportResponse response;
  grpc::Status status =
      BulkImport(rotad.registry(), chunks, &response, absl::Seconds(600));
  if (!status.ok()) return ToAbsl(status);
  if (response.rows_rejected() != 0) {
    const auto& e = response.errors(0);
    return absl::InternalError(
        absl::StrCat(response.rows_rejected(), " rows rejected; first: row ",
                     e.row(), " ", e.field(), ": ", e.reason()));
  }
  return absl::OkStatus();
}

absl::Status ImportCounty(RotadProcess& rotad, const GeneratedCounty& data,
                          bool reverse_teachers) {
  grpc::Status created = CreateCounty(rotad.registry(), data.county);
  if (!created.ok()) return ToAbsl(created);
  std::vector<rota::v1::BulkImportRequest> chunks;
  rota::v1::BulkImportRequest first;
  first.set_parent(CountyName(data.county));
  int64_t row = 1;
  for (const auto& s : data.schools) {
    auto* r = first.add_schools();
    r->set_row(row++);
    *r->mutable_school() = s;
  }
  for (const auto& p : data.posts) {
    auto* r = first.add_posts();
    r->set_row(row++);
    *r->mutable_post() = p;
  }
  chunks.push_back(std::move(first));
  std::vector<rota::v1::Teacher> teachers = data.teachers;
  if (reverse_teachers) std::reverse(teachers.begin(), teachers.end());
  for (auto& c : TeacherChunks(data.county, teachers, 1000, row)) {
    chunks.push_back(std::move(c));
  }
  row += static_cast<int64_t>(teachers.size());
  // Recruitment posts before the applicants who list them.
  for (size_t i = 0; i < data.recruitment_posts.size(); i += 1000) {
    rota::v1::BulkImportRequest c;
    c.set_parent(CountyName(data.county));
    for (size_t j = i; j < std::min(i + 1000, data.recruitment_posts.size());
         ++j) {
      auto* r = c.add_recruitment_posts();
      r->set_row(row++);
      *r->mutable_recruitment_post() = data.recruitment_posts[j];
    }
    chunks.push_back(std::move(c));
  }
  for (size_t i = 0; i < data.applicants.size(); i += 1000) {
    rota::v1::BulkImportRequest c;
    c.set_parent(CountyName(data.county));
    for (size_t j = i; j < std::min(i + 1000, data.applicants.size()); ++j) {
      auto* r = c.add_applicants();
      r->set_row(row++);
      *r->mutable_applicant() = data.applicants[j];
    }
    chunks.push_back(std::move(c));
  }
  rota::v1::BulkImportResponse response;
  grpc::Status status =
      BulkImport(rotad.registry(), chunks, &response, absl::Seconds(600));
  if (!status.ok()) return ToAbsl(status);
  if (response.rows_rejected() != 0) {
    const auto& e = response.errors(0);
    return absl::InternalError(
        absl::StrCat(response.rows_rejected(), " rows rejected; first: row ",
                     e.row(), " ", e.field(), ": ", e.reason()));
  }
  return absl::OkStatus();
}

absl::StatusOr<GeneratedCounty> GenerateAndImport(
    RotadProcess& rotad, const std::string& county,
    const rota::tools::CountyGenOptions& options, int64_t applicants) {
  absl::StatusOr<GeneratedCounty> data =
      GenerateCountyData(options, county, applicants);
  if (!data.ok()) return data.status();
  absl::Status s = ImportCounty(rotad, *data);
  if (!s.ok()) return s;
  return data;
}

std::optional<google::rpc::PreconditionFailure> GetPreconditionFailure(
    const grpc::Status& status) {
  if (status.error_details().empty()) return std::nullopt;
  google::rpc::Status proto;
  if (!proto.ParseFromString(status.error_details())) return std::nullopt;
  for (const google::protobuf::Any& any : proto.details()) {
    google::rpc::PreconditionFailure detail;
    if (any.Is<google::rpc::PreconditionFailure>() && any.UnpackTo(&detail)) {
      return detail;
    }
  }
  return std::nullopt;
}

::testing::AssertionResult IsPreconditionFailure(
    const grpc::Status& status, const std::string& type,
    const std::string& description_part) {
  if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
    return ::testing::AssertionFailure() << "want FAILED_PRECONDITION (" << type
                                         << "), got " << Describe(status);
  }
  std::optional<google::rpc::PreconditionFailure> pf =
      GetPreconditionFailure(status);
  if (!pf.has_value()) {
    return ::testing::AssertionFailure()
           << "no google.rpc.PreconditionFailure detail in "
           << Describe(status);
  }
  std::string seen;
  for (const auto& v : pf->violations()) {
    absl::StrAppend(&seen, " [", v.type(), " ", v.subject(), ": ",
                    v.description(), "]");
    if (v.type() == type &&
        (description_part.empty() ||
         v.description().find(description_part) != std::string::npos)) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "want PreconditionFailure type " << type
         << (description_part.empty()
                 ? ""
                 : " with description containing \"" + description_part + "\"")
         << ", got" << seen << " in " << Describe(status);
}

RoundClient::RoundClient(std::shared_ptr<grpc::Channel> channel)
    : rounds_(rota::v1::RoundService::NewStub(channel)),
      policy_(rota::v1::PolicyService::NewStub(channel)) {}

absl::Status RoundClient::Done(const grpc::Status& status) {
  last_ = status;
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      Describe(status));
}

#define ROTA_ROUND_CALL(method, request, response, timeout)                \
  do {                                                                     \
    auto ctx = NewContext(timeout);                                        \
    absl::Status s = Done(rounds_->method(ctx.get(), request, &response)); \
    if (!s.ok()) return s;                                                 \
  } while (0)

absl::StatusOr<rota::v1::Round> RoundClient::Create(
    const std::string& county, rota::v1::RoundKind kind,
    const std::string& effective_date, int32_t school_year) {
  rota::v1::CreateRoundRequest req;
  req.set_parent(CountyName(county));
  req.mutable_round()->set_kind(kind);
  req.mutable_round()->set_school_year(school_year);
  req.mutable_round()->set_effective_date(effective_date);
  req.mutable_round()->set_display_name("e2e round");
  rota::v1::Round out;
  ROTA_ROUND_CALL(CreateRound, req, out, absl::Seconds(30));
  return out;
}

absl::StatusOr<rota::v1::Round> RoundClient::Get(const std::string& round) {
  rota::v1::GetRoundRequest req;
  req.set_name(round);
  rota::v1::Round out;
  ROTA_ROUND_CALL(GetRound, req, out, absl::Seconds(30));
  return out;
}

absl::StatusOr<rota::v1::SubmitApplicationsResponse> RoundClient::Submit(
    const std::string& round, const std::vector<rota::v1::Application>& apps,
    size_t chunk) {
  auto ctx = NewContext(absl::Seconds(300));
  rota::v1::SubmitApplicationsResponse out;
  std::unique_ptr<grpc::ClientWriter<rota::v1::SubmitApplicationsRequest>>
      writer = rounds_->SubmitApplications(ctx.get(), &out);
  int64_t row = 1;
  for (size_t i = 0; i < apps.size(); i += chunk) {
    rota::v1::SubmitApplicationsRequest req;
    req.set_round(round);
    for (size_t j = i; j < std::min(apps.size(), i + chunk); ++j) {
      auto* r = req.add_rows();
      r->set_row(row++);
      *r->mutable_application() = apps[j];
    }
    if (!writer->Write(req)) break;
  }
  writer->WritesDone();
  absl::Status s = Done(writer->Finish());
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<rota::v1::Round> RoundClient::Freeze(
    const std::string& round, std::optional<uint64_t> seed) {
  rota::v1::FreezeRoundRequest req;
  req.set_name(round);
  if (seed.has_value()) req.set_seed(*seed);
  rota::v1::Round out;
  ROTA_ROUND_CALL(FreezeRound, req, out, absl::Seconds(300));
  return out;
}

absl::StatusOr<std::vector<rota::v1::RunRoundProgress>> RoundClient::Run(
    const std::string& round, const rota::v1::RunParameters& params,
    absl::Duration timeout) {
  rota::v1::RunRoundRequest req;
  req.set_name(round);
  *req.mutable_parameters() = params;
  auto ctx = NewContext(timeout);
  auto reader = rounds_->RunRound(ctx.get(), req);
  std::vector<rota::v1::RunRoundProgress> out;
  rota::v1::RunRoundProgress progress;
  while (reader->Read(&progress)) out.push_back(progress);
  absl::Status s = Done(reader->Finish());
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<rota::v1::Placement>> RoundClient::Placements(
    const std::string& round, int32_t run, const std::string& filter,
    int32_t page_size) {
  std::vector<rota::v1::Placement> out;
  std::string token;
  for (int page = 0; page < 100000; ++page) {
    rota::v1::ListPlacementsRequest req;
    req.set_name(round);
    req.set_run(run);
    req.set_page_size(page_size);
    req.set_page_token(token);
    req.set_filter(filter);
    rota::v1::ListPlacementsResponse resp;
    ROTA_ROUND_CALL(ListPlacements, req, resp, absl::Seconds(60));
    for (auto& p : *resp.mutable_placements()) out.push_back(std::move(p));
    token = resp.next_page_token();
    if (token.empty()) return out;
  }
  return absl::InternalError("ListPlacements never ended");
}

absl::StatusOr<std::vector<rota::v1::EligibilityEntry>>
RoundClient::Eligibility(const std::string& round, const std::string& filter) {
  std::vector<rota::v1::EligibilityEntry> out;
  std::string token;
  for (int page = 0; page < 100000; ++page) {
    rota::v1::ListEligibilityRequest req;
    req.set_name(round);
    req.set_page_size(1000);
    req.set_page_token(token);
    req.set_filter(filter);
    rota::v1::ListEligibilityResponse resp;
    ROTA_ROUND_CALL(ListEligibility, req, resp, absl::Seconds(60));
    for (auto& e : *resp.mutable_entries()) out.push_back(std::move(e));
    token = resp.next_page_token();
    if (token.empty()) return out;
  }
  return absl::InternalError("ListEligibility never ended");
}

absl::StatusOr<rota::v1::Explanation> RoundClient::Explain(
    const std::string& round, const std::string& teacher, int32_t run) {
  rota::v1::ExplainPlacementRequest req;
  req.set_name(round);
  req.set_teacher(teacher);
  req.set_run(run);
  rota::v1::Explanation out;
  ROTA_ROUND_CALL(ExplainPlacement, req, out, absl::Seconds(60));
  return out;
}

absl::StatusOr<rota::v1::Placement> RoundClient::Lock(
    const std::string& round, const std::string& teacher,
    const std::string& reason) {
  rota::v1::LockPlacementRequest req;
  req.set_name(round);
  req.set_teacher(teacher);
  req.set_reason(reason);
  rota::v1::Placement out;
  ROTA_ROUND_CALL(LockPlacement, req, out, absl::Seconds(60));
  return out;
}

absl::StatusOr<rota::v1::Placement> RoundClient::Override(
    const std::string& round, const std::string& teacher, const std::string& to,
    const std::string& reason) {
  rota::v1::OverridePlacementRequest req;
  req.set_name(round);
  req.set_teacher(teacher);
  req.set_to(to);
  req.set_reason(reason);
  rota::v1::Placement out;
  ROTA_ROUND_CALL(OverridePlacement, req, out, absl::Seconds(120));
  return out;
}

absl::StatusOr<rota::v1::RoundReport> RoundClient::Report(
    const std::string& round, int32_t run) {
  rota::v1::GetRoundReportRequest req;
  req.set_name(round);
  req.set_run(run);
  rota::v1::RoundReport out;
  ROTA_ROUND_CALL(GetRoundReport, req, out, absl::Seconds(60));
  return out;
}

absl::StatusOr<rota::v1::Round> RoundClient::Commit(const std::string& round,
                                                    absl::Duration timeout) {
  absl::StatusOr<rota::v1::Round> current = Get(round);
  if (!current.ok()) return current.status();
  return Commit(round,
                current->runs().empty()
                    ? ""
                    : current->runs(current->runs_size() - 1).etag(),
                timeout);
}

absl::StatusOr<rota::v1::Round> RoundClient::Commit(const std::string& round,
                                                    const std::string& run_etag,
                                                    absl::Duration timeout) {
  rota::v1::CommitRoundRequest req;
  req.set_name(round);
  req.set_run_etag(run_etag);
  rota::v1::Round out;
  ROTA_ROUND_CALL(CommitRound, req, out, timeout);
  return out;
}

absl::StatusOr<rota::v1::Round> RoundClient::Cancel(const std::string& round,
                                                    const std::string& reason) {
  rota::v1::CancelRoundRequest req;
  req.set_name(round);
  req.set_reason(reason);
  rota::v1::Round out;
  ROTA_ROUND_CALL(CancelRound, req, out, absl::Seconds(60));
  return out;
}

absl::StatusOr<rota::v1::ReplayRoundResponse> RoundClient::Replay(
    const std::string& round, int32_t run, absl::Duration timeout) {
  rota::v1::ReplayRoundRequest req;
  req.set_name(round);
  req.set_run(run);
  rota::v1::ReplayRoundResponse out;
  ROTA_ROUND_CALL(ReplayRound, req, out, timeout);
  return out;
}

#undef ROTA_ROUND_CALL

std::vector<rota::v1::Application> ExchangeApplications(
    const GeneratedCounty& data) {
  std::vector<rota::v1::Application> out;
  for (const auto& a : data.applications) {
    rota::v1::Application app;
    app.set_teacher(a.teacher);
    for (const auto& s : a.schools) app.add_preferences(s);
    app.set_voluntary(a.voluntary);
    out.push_back(std::move(app));
  }
  return out;
}

bool QualifiedFor(const rota::v1::Teacher& teacher,
                  const rota::v1::Post& post) {
  bool subject = std::find(teacher.subjects().begin(), teacher.subjects().end(),
                           post.subject()) != teacher.subjects().end();
  bool stage = post.stage() == rota::v1::STAGE_UNSPECIFIED ||
               std::find(teacher.certificate_stages().begin(),
                         teacher.certificate_stages().end(),
                         post.stage()) != teacher.certificate_stages().end();
  return subject && stage;
}

bool ExemptOn(const rota::v1::Teacher& teacher, const std::string& date) {
  for (const auto& e : teacher.exemptions()) {
    bool started = e.start_date().empty() || e.start_date() <= date;
    bool not_ended = e.end_date().empty() || date <= e.end_date();
    if (started && not_ended) return true;
  }
  return false;
}

std::vector<rota::v1::Application> HiringApplications(
    const GeneratedCounty& data, int max_posts) {
  std::map<std::string, std::vector<const rota::v1::Post*>> posts_by_school;
  for (const auto& p : data.posts)
    posts_by_school[Id(p.school())].push_back(&p);
  std::map<std::string, const rota::v1::Teacher*> teachers;
  for (const auto& t : data.teachers) teachers[Id(t.name())] = &t;
  std::vector<rota::v1::Application> out;
  for (const auto& a : data.applications) {
    auto it = teachers.find(a.teacher);
    if (it == teachers.end()) continue;
    rota::v1::Application app;
    app.set_teacher(a.teacher);
    std::set<std::string> seen;
    // Her own school's qualified posts first (in-school competition), then
    // the schools she listed.
    std::vector<std::string> schools = {Id(it->second->school())};
    schools.insert(schools.end(), a.schools.begin(), a.schools.end());
    for (const auto& s : schools) {
      for (const rota::v1::Post* p : posts_by_school[s]) {
        if (app.preferences_size() >= max_posts) break;
        if (!QualifiedFor(*it->second, *p)) continue;
        if (!seen.insert(Id(p->name())).second) continue;
        app.add_preferences(Id(p->name()));
      }
    }
    if (app.preferences_size() > 0) out.push_back(std::move(app));
  }
  return out;
}

}  // namespace rota::testing
