// Plain words for the codes of a round's placements, for people reading
// rotactl's tables: the route (the step of the run that placed a teacher or
// applicant) and the reason code, in English with the Chinese beside, never
// the proto enum names.
//
//   RouteWords(v1::ROUTE_COUNTY_ALLOCATION)  // "county allocation (县内调剂)"
//   ReasonWords(v1::REASON_NO_FITTING_POST)  // "no post in the county
//                                            //  fits (无合适岗位，待岗)"
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "rota/v1/rounds.pb.h"

namespace rota::rotactl {

// Words for `route`; a number this rotactl does not know reads "route N".
std::string RouteWords(rota::v1::Route route);

// Words for `reason`; "" for REASON_UNSPECIFIED (runs recorded before the
// codes existed); a number this rotactl does not know reads "reason N".
std::string ReasonWords(rota::v1::PlacementReason reason);

}  // namespace rota::rotactl
