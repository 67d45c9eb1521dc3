// FetchHtmlReportData and WriteHtmlReport (report_html.h): what the printable
// report needs, read from rotad (round, report, every placement of the run,
// the county's schools, its teachers or applicants, and the explanation of
// each person who gets a letter), then the HTML file and, on request, a PDF
// printed by headless Chromium.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/rotactl/report_html.h"

extern char** environ;

namespace rota::rotactl {
namespace {

namespace v1 = ::rota::v1;

constexpr char kWhat[] = "round report --html";

int FetchSchools(Context* ctx, const std::string& county,
                 HtmlReportData* data) {
  v1::ListSchoolsRequest req;
  req.set_parent(county);
  req.set_page_size(1000);
  while (true) {
    v1::ListSchoolsResponse page;
    auto call = ctx->NewCall();
    const grpc::Status s = ctx->Registry().ListSchools(call.get(), req, &page);
    if (!s.ok()) return ReportRpcError(s, kWhat);
    for (const v1::School& x : page.schools()) data->schools[x.name()] = x;
    if (page.next_page_token().empty()) return kExitOk;
    req.set_page_token(page.next_page_token());
  }
}

int FetchTeachers(Context* ctx, const std::string& county,
                  HtmlReportData* data) {
  v1::ListTeachersRequest req;
  req.set_parent(county);
  req.set_page_size(1000);
  while (true) {
    v1::ListTeachersResponse page;
    auto call = ctx->NewCall();
    const grpc::Status s = ctx->Registry().ListTeachers(call.get(), req, &page);
    if (!s.ok()) return ReportRpcError(s, kWhat);
    for (const v1::Teacher& t : page.teachers()) {
      ReportPerson& p = data->people[t.name()];
      p.name = t.name();
      p.display_name = t.display_name();
      p.gender = t.gender();
      p.birth_date = t.birth_date();
      if (!t.subjects().empty()) p.subject = t.subjects(0);
      p.title = t.title();
    }
    if (page.next_page_token().empty()) return kExitOk;
    req.set_page_token(page.next_page_token());
  }
}

int FetchApplicants(Context* ctx, const std::string& county,
                    HtmlReportData* data) {
  v1::ListApplicantsRequest req;
  req.set_parent(county);
  req.set_page_size(1000);
  while (true) {
    v1::ListApplicantsResponse page;
    auto call = ctx->NewCall();
    const grpc::Status s =
        ctx->Registry().ListApplicants(call.get(), req, &page);
    if (!s.ok()) return ReportRpcError(s, kWhat);
    for (const v1::Applicant& a : page.applicants()) {
      ReportPerson& p = data->people[a.name()];
      p.name = a.name();
      p.display_name = a.display_name();
      p.gender = a.gender();
      p.birth_date = a.birth_date();
      if (!a.subjects().empty()) p.subject = a.subjects(0);
    }
    if (page.next_page_token().empty()) return kExitOk;
    req.set_page_token(page.next_page_token());
  }
}

int FetchPlacements(Context* ctx, const std::string& round, int run,
                    HtmlReportData* data) {
  v1::ListPlacementsRequest req;
  req.set_name(round);
  req.set_run(run);
  req.set_page_size(1000);
  while (true) {
    v1::ListPlacementsResponse page;
    auto call = ctx->NewCall();
    const grpc::Status s = ctx->Rounds().ListPlacements(call.get(), req, &page);
    if (!s.ok()) return ReportRpcError(s, kWhat);
    for (const v1::Placement& p : page.placements())
      data->placements.push_back(p);
    if (page.next_page_token().empty()) return kExitOk;
    req.set_page_token(page.next_page_token());
  }
}

// Runs `argv` with stdout and stderr to /dev/null; its exit status, or -1
// (errno message printed) when it cannot be started.
int Spawn(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null",
                                   O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null",
                                   O_WRONLY, 0);
  pid_t pid = 0;
  const int rc =
      posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    std::fprintf(stderr, "rotactl: %s: cannot start %s: %s\n", kWhat, args[0],
                 std::strerror(rc));
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Prints `html_file` to `pdf_file` with headless Chromium.
int PrintPdf(const std::string& html_file, const std::string& pdf_file) {
  namespace fs = std::filesystem;
  const char* env = std::getenv("ROTA_CHROMIUM");
  const std::string chromium = env != nullptr && *env ? env : "chromium";
  std::error_code ec;
  const fs::path html = fs::absolute(html_file, ec);
  const fs::path pdf = fs::absolute(pdf_file, ec);
  // A profile of its own, so a running browser or a read-only $HOME does
  // not matter.
  std::string profile = (fs::temp_directory_path(ec) / "rotactl-pdf-XXXXXX");
  if (mkdtemp(profile.data()) == nullptr) {
    std::fprintf(stderr, "rotactl: %s: cannot create a temporary directory\n",
                 kWhat);
    return kExitFailed;
  }
  fs::remove(pdf, ec);
  std::vector<std::string> argv = {
      chromium,
      "--headless",
      "--disable-gpu",
      "--no-first-run",
      "--no-pdf-header-footer",
      absl::StrCat("--user-data-dir=", profile),
      absl::StrCat("--print-to-pdf=", pdf.string()),
      absl::StrCat("file://", html.string())};
  // Chromium's sandbox refuses to run as root.
  if (geteuid() == 0) argv.insert(argv.begin() + 1, "--no-sandbox");
  const int rc = Spawn(argv);
  fs::remove_all(profile, ec);
  if (rc != 0 || !fs::exists(pdf, ec) || fs::file_size(pdf, ec) == 0) {
    std::fprintf(stderr,
                 "rotactl: %s: %s did not print %s (exit %d); install "
                 "Chromium (scripts/setup.sh) or set ROTA_CHROMIUM\n",
                 kWhat, chromium.c_str(), pdf.string().c_str(), rc);
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

int FetchHtmlReportData(Context* ctx, const std::string& round, int run,
                        HtmlReportData* data) {
  {
    v1::GetRoundRequest req;
    req.set_name(round);
    auto call = ctx->NewCall();
    const grpc::Status s =
        ctx->Rounds().GetRound(call.get(), req, &data->round);
    if (!s.ok()) return ReportRpcError(s, kWhat);
  }
  {
    v1::GetRoundReportRequest req;
    req.set_name(round);
    req.set_run(run);
    auto call = ctx->NewCall(5.0);
    const grpc::Status s =
        ctx->Rounds().GetRoundReport(call.get(), req, &data->report);
    if (!s.ok()) return ReportRpcError(s, kWhat);
  }
  for (const v1::RunSummary& r : data->round.runs())
    if (r.run() == data->report.run()) data->run = r;
  data->county_name = round.substr(0, round.find("/rounds/"));
  {
    v1::GetCountyRequest req;
    req.set_name(data->county_name);
    v1::County county;
    auto call = ctx->NewCall();
    const grpc::Status s = ctx->Registry().GetCounty(call.get(), req, &county);
    if (!s.ok()) return ReportRpcError(s, kWhat);
    data->county_display_name = county.display_name();
  }
  if (int rc = FetchSchools(ctx, data->county_name, data); rc != kExitOk)
    return rc;
  if (int rc = data->round.kind() == v1::RECRUITMENT
                   ? FetchApplicants(ctx, data->county_name, data)
                   : FetchTeachers(ctx, data->county_name, data);
      rc != kExitOk)
    return rc;
  if (int rc = FetchPlacements(ctx, round, data->report.run(), data);
      rc != kExitOk)
    return rc;
  for (const v1::Placement& p : data->placements) {
    if (!GetsLetter(p)) continue;
    v1::ExplainPlacementRequest req;
    req.set_name(round);
    req.set_teacher(p.teacher());
    req.set_run(data->report.run());
    v1::Explanation out;
    // The first call derives the run's explanations (as long as a run).
    auto call = ctx->NewCall(5.0);
    const grpc::Status s =
        ctx->Rounds().ExplainPlacement(call.get(), req, &out);
    if (!s.ok()) return ReportRpcError(s, kWhat);
    data->explanations[p.teacher()] = std::move(out);
  }
  return kExitOk;
}

int WriteHtmlReport(Context* ctx, const std::string& round, int run,
                    const std::string& html_file, const std::string& pdf_file) {
  HtmlReportData data;
  if (int rc = FetchHtmlReportData(ctx, round, run, &data); rc != kExitOk)
    return rc;
  const std::string html = RenderHtmlReport(data);
  {
    std::ofstream out(html_file, std::ios::binary | std::ios::trunc);
    out << html;
    out.close();
    if (!out) {
      std::fprintf(stderr, "rotactl: %s: cannot write %s\n", kWhat,
                   html_file.c_str());
      return kExitFailed;
    }
  }
  std::printf("wrote %s (%zu bytes)\n", html_file.c_str(), html.size());
  if (pdf_file.empty()) return kExitOk;
  if (int rc = PrintPdf(html_file, pdf_file); rc != kExitOk) return rc;
  std::printf("wrote %s\n", pdf_file.c_str());
  return kExitOk;
}

}  // namespace rota::rotactl
