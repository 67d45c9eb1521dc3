// Registry methods of the itinerant teaching (走教) resources: period
// requirements and road distances. Stored and listed like posts (see
// service/internal/registry_children.h); imported by BulkImport.
#include "service/internal/registry_children.h"
#include "service/registry_service.h"

namespace rota::service {

using namespace registry_internal;  // NOLINT(build/namespaces)

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
  return DeleteChildImpl<PeriodRequirement>(*store_, ROTA_LOCK_FN, call, req,
                                            req.name(), req.etag(),
                                            req.request_id());
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
  return DeleteChildImpl<RoadDistance>(*store_, ROTA_LOCK_FN, call, req,
                                       req.name(), req.etag(),
                                       req.request_id());
}

}  // namespace rota::service
