// RegistryService's itinerant teaching (走教) resources: period requirements
// and road distances, on the generic child-resource code of
// internal/registry_resource.h; imported by BulkImport.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/internal/registry_resource.h"
#include "service/registry_service.h"

namespace rota::service {

using registry_internal::CreateChild;
using registry_internal::DeleteChildImpl;
using registry_internal::ForEachRow;
using registry_internal::ListChildren;
using registry_internal::ParentCounty;
using rota::v1::PeriodRequirement;
using rota::v1::RoadDistance;

namespace registry_internal {

absl::Status CheckItinerantReferences(const Snapshot& s,
                                      absl::string_view collection,
                                      const std::string& name) {
  if (collection != kSchools) return absl::OkStatus();
  // No index: deleting a school is rare, so the county's rows are read then.
  ROTA_RETURN_IF_ERROR(ForEachRow(
      s, keys::kPeriodRequirementPrefix,
      [&](const std::string& bytes) -> absl::Status {
        PeriodRequirement r;
        if (!r.ParseFromString(bytes))
          return absl::DataLossError(
              "stored period requirement does not parse");
        if (r.school() != name) return absl::OkStatus();
        return PreconditionFailed(
            "SCHOOL_IN_USE", name,
            absl::StrCat("period requirement ", r.name(),
                         " still names this school; delete it first"));
      }));
  return ForEachRow(
      s, keys::kRoadDistancePrefix,
      [&](const std::string& bytes) -> absl::Status {
        RoadDistance d;
        if (!d.ParseFromString(bytes))
          return absl::DataLossError("stored road distance does not parse");
        if (d.school_a() != name && d.school_b() != name)
          return absl::OkStatus();
        return PreconditionFailed(
            "SCHOOL_IN_USE", name,
            absl::StrCat("road distance ", d.name(),
                         " still names this school; delete it first"));
      });
}

}  // namespace registry_internal

absl::StatusOr<PeriodRequirement> Registry::CreatePeriodRequirement(
    const CallContext& call,
    const rota::v1::CreatePeriodRequirementRequest& req) {
  ROTA_CREATE_CHILD(PeriodRequirement, period_requirement);
}

absl::StatusOr<rota::v1::ListPeriodRequirementsResponse>
Registry::ListPeriodRequirements(
    const CallContext& call,
    const rota::v1::ListPeriodRequirementsRequest& req) {
  rota::v1::ListPeriodRequirementsResponse response;
  ROTA_RETURN_IF_ERROR(ListChildren<PeriodRequirement>(
      *store_, call, req.parent(), req.page_size(), req.page_token(),
      req.filter(), response.mutable_period_requirements(),
      response.mutable_next_page_token()));
  return response;
}

absl::StatusOr<rota::v1::DeleteResponse> Registry::DeletePeriodRequirement(
    const CallContext& call,
    const rota::v1::DeletePeriodRequirementRequest& req) {
  return DeleteChildImpl<PeriodRequirement>(
      *store_, [this](const std::string& c) { return CountyMutex(c); }, call,
      req, req.name(), req.etag(), req.request_id());
}

absl::StatusOr<RoadDistance> Registry::CreateRoadDistance(
    const CallContext& call, const rota::v1::CreateRoadDistanceRequest& req) {
  ROTA_CREATE_CHILD(RoadDistance, road_distance);
}

absl::StatusOr<rota::v1::ListRoadDistancesResponse> Registry::ListRoadDistances(
    const CallContext& call, const rota::v1::ListRoadDistancesRequest& req) {
  rota::v1::ListRoadDistancesResponse response;
  ROTA_RETURN_IF_ERROR(ListChildren<RoadDistance>(
      *store_, call, req.parent(), req.page_size(), req.page_token(),
      req.filter(), response.mutable_road_distances(),
      response.mutable_next_page_token()));
  return response;
}

absl::StatusOr<rota::v1::DeleteResponse> Registry::DeleteRoadDistance(
    const CallContext& call, const rota::v1::DeleteRoadDistanceRequest& req) {
  return DeleteChildImpl<RoadDistance>(
      *store_, [this](const std::string& c) { return CountyMutex(c); }, call,
      req, req.name(), req.etag(), req.request_id());
}

}  // namespace rota::service
