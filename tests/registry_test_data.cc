#include "tests/registry_test_data.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"

namespace rota::testing {
namespace {

using rota::v1::RegistryService;

constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨",
                                     "黄", "赵", "吴", "周", "徐", "孙",
                                     "马", "朱", "胡", "郭"};
constexpr const char* kGiven[] = {"伟", "芳", "娜", "秀英", "敏",   "静", "丽",
                                  "强", "磊", "军", "洋",   "勇",   "艳", "杰",
                                  "娟", "涛", "明", "超",   "秀兰", "霞"};
constexpr const char* kSubjects[] = {
    "chinese", "math",    "english",   "physics",  "chemistry",
    "biology", "history", "geography", "politics", "music",
    "pe",      "art",     "it"};

std::string Date(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", year, month, day);
  return buf;
}

template <typename T, size_t N>
constexpr size_t Size(const T (&)[N]) {
  return N;
}

}  // namespace

std::string CountyName(const std::string& county) {
  return "counties/" + county;
}
std::string SchoolName(const std::string& county, const std::string& school) {
  return absl::StrCat("counties/", county, "/schools/", school);
}
std::string PostName(const std::string& county, const std::string& post) {
  return absl::StrCat("counties/", county, "/posts/", post);
}
std::string TeacherName(const std::string& county, const std::string& teacher) {
  return absl::StrCat("counties/", county, "/teachers/", teacher);
}

rota::v1::School MakeSchool(int i) {
  rota::v1::School s;
  s.set_display_name(absl::StrCat("永安市第", i, "中心学校"));
  switch (i % 3) {
    case 0:
      s.add_stages(rota::v1::PRIMARY);
      break;
    case 1:
      s.add_stages(rota::v1::PRIMARY);
      s.add_stages(rota::v1::JUNIOR);
      break;
    default:
      s.add_stages(rota::v1::JUNIOR);
      s.add_stages(rota::v1::SENIOR);
      break;
  }
  s.set_locality(static_cast<rota::v1::Locality>(1 + i % 4));
  s.set_weak(i % 2 == 1);
  s.set_zone(absl::StrCat("zone-", i % 5));
  s.mutable_location()->set_latitude(25.9 + 0.01 * (i % 50));
  s.mutable_location()->set_longitude(117.3 + 0.01 * (i % 37));
  s.set_headcount(20 + i % 80);
  return s;
}

rota::v1::Post MakePost(const std::string& county, const std::string& school_id,
                        int i) {
  rota::v1::Post p;
  p.set_school(SchoolName(county, school_id));
  p.set_subject(kSubjects[static_cast<size_t>(i) % Size(kSubjects)]);
  p.set_title_band(
      static_cast<rota::v1::Title>(rota::v1::JUNIOR_TITLE + i % 3));
  p.set_count(1 + i % 7);
  p.set_stage(i % 2 == 0 ? rota::v1::PRIMARY : rota::v1::JUNIOR);
  return p;
}

rota::v1::Teacher MakeTeacher(const std::string& county,
                              const std::string& school_id, int i,
                              bool every_field, const std::string& post) {
  const size_t u = static_cast<size_t>(i < 0 ? -i : i);
  rota::v1::Teacher t;
  t.set_display_name(
      absl::StrCat(kSurnames[u % Size(kSurnames)],
                   kGiven[(u / Size(kSurnames)) % Size(kGiven)]));
  t.set_gender(u % 5 < 3 ? rota::v1::FEMALE : rota::v1::MALE);
  const int birth_year = 1966 + static_cast<int>(u % 32);  // 1966..1997
  const int month = 1 + static_cast<int>(u % 12);
  const int day = 1 + static_cast<int>(u % 28);
  t.set_birth_date(Date(birth_year, month, day));
  const int career_year = birth_year + 21 + static_cast<int>(u % 3);
  t.set_career_start_date(Date(career_year, 9, 1));
  const int join_year = std::min(career_year + static_cast<int>(u % 7), 2024);
  t.set_school(SchoolName(county, school_id));
  t.set_school_join_date(Date(join_year, 9, 1));
  if (!post.empty()) t.set_post(post);
  t.add_subjects(kSubjects[u % Size(kSubjects)]);
  if (every_field || u % 3 == 0)
    t.add_subjects(kSubjects[(u + 4) % Size(kSubjects)]);
  t.add_certificate_stages(u % 2 == 0 ? rota::v1::PRIMARY : rota::v1::JUNIOR);
  if (every_field || u % 4 == 0) t.add_certificate_stages(rota::v1::SENIOR);
  t.set_title(static_cast<rota::v1::Title>(1 + u % 4));
  t.set_role(u % 41 == 0 ? rota::v1::PRINCIPAL
                         : (u % 23 == 0 ? rota::v1::VICE_PRINCIPAL
                                        : rota::v1::TEACHER));
  t.set_backbone_level(
      static_cast<rota::v1::BackboneLevel>(1 + (u % 10 < 7 ? 0 : u % 4)));
  t.set_employment(u % 9 == 0 ? rota::v1::NON_ESTABLISHED
                              : rota::v1::ESTABLISHED);
  for (int year = 2019; year <= 2023; ++year) {
    rota::v1::Evaluation* e = t.add_evaluations();
    e->set_year(year);
    e->set_grade(static_cast<rota::v1::EvaluationGrade>(
        1 + (u + static_cast<size_t>(year)) % 3));
  }
  // Service history: an earlier spell (if the teacher moved) and the current
  // one.
  if (join_year > career_year || every_field) {
    rota::v1::ServiceSpell* first = t.add_service_history();
    first->set_school(SchoolName(county, absl::StrCat("former-", u % 17)));
    first->set_start_date(Date(career_year, 9, 1));
    first->set_end_date(Date(join_year, 8, 31));
    first->set_locality(rota::v1::RURAL);
    first->set_weak(true);
    first->set_term_exchange(every_field);
  }
  rota::v1::ServiceSpell* current = t.add_service_history();
  current->set_school(t.school());
  current->set_start_date(t.school_join_date());
  current->set_locality(static_cast<rota::v1::Locality>(1 + u % 4));
  current->set_weak(u % 2 == 1);
  if (every_field || u % 29 == 0) {
    rota::v1::Exemption* ex = t.add_exemptions();
    ex->set_kind(rota::v1::SERIOUS_ILLNESS);
    ex->set_note("2023年起病休，凭县医院证明");
    ex->set_start_date("2023-03-01");
    ex->set_end_date("2024-02-29");
  }
  if (every_field || u % 13 == 0) {
    rota::v1::Hardship* h = t.add_hardships();
    h->set_kind(rota::v1::SPOUSE_SEPARATION);
    h->set_note("配偶在外县工作");
  }
  if (every_field || u % 31 == 0) {
    rota::v1::ServiceObligation* o = t.add_obligations();
    o->set_kind(rota::v1::PUBLIC_FUNDED_GRADUATE);
    o->set_required_rural_years(6);
    o->set_start_date(t.career_start_date());
  }
  return t;
}

grpc::Status CreateCounty(RegistryService::Stub& stub,
                          const std::string& county, rota::v1::County* out,
                          const std::string& display_name) {
  rota::v1::CreateCountyRequest req;
  req.set_county_id(county);
  req.mutable_county()->set_display_name(
      display_name.empty() ? absl::StrCat(county, "县") : display_name);
  req.mutable_county()->set_region("福建省三明市");
  rota::v1::County local;
  return Call(stub, &RegistryService::Stub::CreateCounty, req,
              out != nullptr ? out : &local);
}

grpc::Status CreateSchool(RegistryService::Stub& stub,
                          const std::string& county,
                          const std::string& school_id,
                          const rota::v1::School& school, rota::v1::School* out,
                          const std::string& request_id) {
  rota::v1::CreateSchoolRequest req;
  req.set_parent(CountyName(county));
  req.set_school_id(school_id);
  *req.mutable_school() = school;
  req.set_request_id(request_id);
  rota::v1::School local;
  return Call(stub, &RegistryService::Stub::CreateSchool, req,
              out != nullptr ? out : &local);
}

grpc::Status CreatePost(RegistryService::Stub& stub, const std::string& county,
                        const std::string& post_id, const rota::v1::Post& post,
                        rota::v1::Post* out, const std::string& request_id) {
  rota::v1::CreatePostRequest req;
  req.set_parent(CountyName(county));
  req.set_post_id(post_id);
  *req.mutable_post() = post;
  req.set_request_id(request_id);
  rota::v1::Post local;
  return Call(stub, &RegistryService::Stub::CreatePost, req,
              out != nullptr ? out : &local);
}

grpc::Status CreateTeacher(RegistryService::Stub& stub,
                           const std::string& county,
                           const std::string& teacher_id,
                           const rota::v1::Teacher& teacher,
                           rota::v1::Teacher* out,
                           const std::string& request_id) {
  rota::v1::CreateTeacherRequest req;
  req.set_parent(CountyName(county));
  req.set_teacher_id(teacher_id);
  *req.mutable_teacher() = teacher;
  req.set_request_id(request_id);
  rota::v1::Teacher local;
  return Call(stub, &RegistryService::Stub::CreateTeacher, req,
              out != nullptr ? out : &local);
}

absl::Status ToAbsl(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      Describe(status));
}

namespace {

// Pages through one List method; `Items` extracts the repeated field.
template <typename Item, typename Request, typename Response, typename Method,
          typename Items>
absl::StatusOr<std::vector<Item>> ListAll(
    RegistryService::Stub& stub, Method method, const std::string& county,
    const std::string& filter, int32_t page_size, int max_pages, Items items) {
  std::vector<Item> all;
  Request req;
  req.set_parent(CountyName(county));
  req.set_filter(filter);
  req.set_page_size(page_size);
  std::set<std::string> seen_tokens;
  for (int page = 0; page < max_pages; ++page) {
    Response resp;
    grpc::Status status = Call(stub, method, req, &resp);
    if (!status.ok()) return ToAbsl(status);
    for (const Item& item : items(resp)) all.push_back(item);
    if (resp.next_page_token().empty()) return all;
    if (!seen_tokens.insert(resp.next_page_token()).second) {
      return absl::InternalError(
          "List returned the same next_page_token twice");
    }
    req.set_page_token(resp.next_page_token());
  }
  return absl::InternalError(
      absl::StrCat("List did not end within ", max_pages, " pages"));
}

}  // namespace

absl::StatusOr<std::vector<rota::v1::School>> ListAllSchools(
    RegistryService::Stub& stub, const std::string& county,
    const std::string& filter, int32_t page_size, int max_pages) {
  return ListAll<rota::v1::School, rota::v1::ListSchoolsRequest,
                 rota::v1::ListSchoolsResponse>(
      stub, &RegistryService::Stub::ListSchools, county, filter, page_size,
      max_pages, [](const rota::v1::ListSchoolsResponse& r) -> const auto& {
        return r.schools();
      });
}

absl::StatusOr<std::vector<rota::v1::Post>> ListAllPosts(
    RegistryService::Stub& stub, const std::string& county,
    const std::string& filter, int32_t page_size, int max_pages) {
  return ListAll<rota::v1::Post, rota::v1::ListPostsRequest,
                 rota::v1::ListPostsResponse>(
      stub, &RegistryService::Stub::ListPosts, county, filter, page_size,
      max_pages, [](const rota::v1::ListPostsResponse& r) -> const auto& {
        return r.posts();
      });
}

absl::StatusOr<std::vector<rota::v1::Teacher>> ListAllTeachers(
    RegistryService::Stub& stub, const std::string& county,
    const std::string& filter, int32_t page_size, int max_pages) {
  return ListAll<rota::v1::Teacher, rota::v1::ListTeachersRequest,
                 rota::v1::ListTeachersResponse>(
      stub, &RegistryService::Stub::ListTeachers, county, filter, page_size,
      max_pages, [](const rota::v1::ListTeachersResponse& r) -> const auto& {
        return r.teachers();
      });
}

grpc::Status BulkImport(RegistryService::Stub& stub,
                        const std::vector<rota::v1::BulkImportRequest>& chunks,
                        rota::v1::BulkImportResponse* out,
                        absl::Duration timeout) {
  std::unique_ptr<grpc::ClientContext> ctx = NewContext(timeout);
  rota::v1::BulkImportResponse local;
  rota::v1::BulkImportResponse* response = out != nullptr ? out : &local;
  std::unique_ptr<grpc::ClientWriter<rota::v1::BulkImportRequest>> writer =
      stub.BulkImport(ctx.get(), response);
  for (const rota::v1::BulkImportRequest& chunk : chunks) {
    if (!writer->Write(chunk))
      break;  // the server ended the call; Finish says why
  }
  writer->WritesDone();
  return writer->Finish();
}

std::vector<rota::v1::BulkImportRequest> TeacherChunks(
    const std::string& county, const std::vector<rota::v1::Teacher>& teachers,
    size_t chunk_size, int64_t first_row,
    const std::string& request_id_prefix) {
  std::vector<rota::v1::BulkImportRequest> chunks;
  for (size_t i = 0; i < teachers.size(); ++i) {
    if (i % chunk_size == 0) {
      chunks.emplace_back();
      chunks.back().set_parent(CountyName(county));
      if (!request_id_prefix.empty()) {
        chunks.back().set_request_id(
            absl::StrCat(request_id_prefix, "/", chunks.size() - 1));
      }
    }
    rota::v1::BulkImportRequest::TeacherRow* row = chunks.back().add_teachers();
    row->set_row(first_row + static_cast<int64_t>(i));
    *row->mutable_teacher() = teachers[i];
  }
  return chunks;
}

absl::StatusOr<rota::v1::VerifyChainResponse> VerifyChain(
    rota::v1::AuditService::Stub& stub, const std::string& county) {
  rota::v1::VerifyChainRequest req;
  req.set_county(CountyName(county));
  rota::v1::VerifyChainResponse resp;
  grpc::Status status =
      Call(stub, &rota::v1::AuditService::Stub::VerifyChain, req, &resp);
  if (!status.ok()) return ToAbsl(status);
  return resp;
}

}  // namespace rota::testing
