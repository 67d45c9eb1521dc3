// RegistryService's recruitment resources: applicants (personal data, held
// to a teacher's bounds and access) and recruitment posts, on the generic
// child-resource code of internal/registry_resource.h.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/internal/registry_resource.h"
#include "service/registry_service.h"

namespace rota::service {

using registry_internal::CreateChild;
using registry_internal::DeleteChildImpl;
using registry_internal::ForEachRow;
using registry_internal::GetChild;
using registry_internal::ListChildren;
using registry_internal::ParentCounty;
using rota::v1::Applicant;
using rota::v1::RecruitmentPost;

namespace registry_internal {

absl::Status CheckRecruitmentReferences(const Snapshot& s,
                                        absl::string_view collection,
                                        const std::string& name) {
  // No index: deletions are rare, so the county's rows are read then.
  if (collection == kSchools) {
    return ForEachRow(
        s, keys::kRecruitmentPostPrefix,
        [&](const std::string& bytes) -> absl::Status {
          RecruitmentPost p;
          if (!p.ParseFromString(bytes)) {
            return absl::DataLossError(
                "stored recruitment post does not parse");
          }
          if (p.school() != name && p.bundled_rural_school() != name) {
            return absl::OkStatus();
          }
          return PreconditionFailed("SCHOOL_IN_USE", name,
                                    absl::StrCat("recruitment post ", p.name(),
                                                 " is at or bundled with this "
                                                 "school; delete it first"));
        });
  }
  if (collection == kRecruitmentPosts) {
    return ForEachRow(
        s, keys::kApplicantPrefix,
        [&](const std::string& bytes) -> absl::Status {
          Applicant a;
          if (!a.ParseFromString(bytes))
            return absl::DataLossError("stored applicant does not parse");
          for (const auto& p : a.preferences()) {
            if (p != name) continue;
            return PreconditionFailed(
                "RECRUITMENT_POST_IN_USE", name,
                absl::StrCat("applicant ", a.name(),
                             " lists this post; change her preferences or "
                             "delete her first"));
          }
          return absl::OkStatus();
        });
  }
  return absl::OkStatus();
}

}  // namespace registry_internal

absl::StatusOr<Applicant> Registry::CreateApplicant(
    const CallContext& call, const rota::v1::CreateApplicantRequest& req) {
  ROTA_CREATE_CHILD(Applicant, applicant);
}
absl::StatusOr<RecruitmentPost> Registry::CreateRecruitmentPost(
    const CallContext& call,
    const rota::v1::CreateRecruitmentPostRequest& req) {
  ROTA_CREATE_CHILD(RecruitmentPost, recruitment_post);
}

absl::StatusOr<Applicant> Registry::GetApplicant(
    const CallContext& call, const rota::v1::GetApplicantRequest& req) {
  return GetChild<Applicant>(*store_, call, req.name());
}
absl::StatusOr<RecruitmentPost> Registry::GetRecruitmentPost(
    const CallContext& call, const rota::v1::GetRecruitmentPostRequest& req) {
  return GetChild<RecruitmentPost>(*store_, call, req.name());
}

absl::StatusOr<rota::v1::ListApplicantsResponse> Registry::ListApplicants(
    const CallContext& call, const rota::v1::ListApplicantsRequest& req) {
  rota::v1::ListApplicantsResponse response;
  ROTA_RETURN_IF_ERROR(ListChildren<Applicant>(
      *store_, call, req.parent(), req.page_size(), req.page_token(),
      req.filter(), response.mutable_applicants(),
      response.mutable_next_page_token()));
  return response;
}
absl::StatusOr<rota::v1::ListRecruitmentPostsResponse>
Registry::ListRecruitmentPosts(
    const CallContext& call, const rota::v1::ListRecruitmentPostsRequest& req) {
  rota::v1::ListRecruitmentPostsResponse response;
  ROTA_RETURN_IF_ERROR(ListChildren<RecruitmentPost>(
      *store_, call, req.parent(), req.page_size(), req.page_token(),
      req.filter(), response.mutable_recruitment_posts(),
      response.mutable_next_page_token()));
  return response;
}

absl::StatusOr<rota::v1::DeleteResponse> Registry::DeleteApplicant(
    const CallContext& call, const rota::v1::DeleteApplicantRequest& req) {
  return DeleteChildImpl<Applicant>(
      *store_, [this](const std::string& c) { return CountyMutex(c); }, call,
      req, req.name(), req.etag(), req.request_id());
}
absl::StatusOr<rota::v1::DeleteResponse> Registry::DeleteRecruitmentPost(
    const CallContext& call,
    const rota::v1::DeleteRecruitmentPostRequest& req) {
  return DeleteChildImpl<RecruitmentPost>(
      *store_, [this](const std::string& c) { return CountyMutex(c); }, call,
      req, req.name(), req.etag(), req.request_id());
}

}  // namespace rota::service
