#include "tools/rotactl/round_words.h"

#include "absl/strings/str_cat.h"

namespace rota::rotactl {

namespace v1 = ::rota::v1;

std::string RouteWords(v1::Route route) {
  switch (route) {
    case v1::ROUTE_NONE:
      return "no move (未调动)";
    case v1::ROUTE_LOCK:
      return "locked by an administrator (人工锁定)";
    case v1::ROUTE_OVERRIDE:
      return "set by an administrator (人工调整)";
    case v1::ROUTE_EXEMPT:
      return "exempt, keeps the post (免于竞聘)";
    case v1::ROUTE_VOLUNTARY_TO_BE:
      return "voluntary exchange of seats (自愿交流，互换)";
    case v1::ROUTE_VOLUNTARY_DA_STAR:
      return "voluntary move by the choices listed (自愿交流，按志愿)";
    case v1::ROUTE_VOLUNTARY_AFTER_TO_BE:
      return "voluntary move to a seat left free (自愿交流，余缺)";
    case v1::ROUTE_MANDATORY_BY_PREFERENCE:
      return "selected to rotate, placed by the choices listed "
             "(指令交流，按志愿)";
    case v1::ROUTE_COUNTY_ALLOCATION:
      return "county allocation (县内调剂)";
    case v1::ROUTE_FREED_SEATS:
      return "seat freed later in the run (空出岗位递补)";
    case v1::ROUTE_TERM_RETURN:
      return "return after a term exchange (交流期满返回)";
    case v1::ROUTE_LEADERSHIP_MARKET:
      return "leadership rotation (校级领导交流)";
    case v1::ROUTE_COMPETITION:
      return "competition for posts (竞聘上岗)";
    case v1::ROUTE_IN_SCHOOL_STAGE1:
      return "competition in the teacher's own school (校内竞聘)";
    case v1::ROUTE_CROSS_SCHOOL_STAGE2:
      return "competition across schools (跨校竞聘)";
    case v1::ROUTE_UNPLACED:
      return "no post (待岗)";
    case v1::ROUTE_RECRUITMENT:
      return "recruited to a post (招聘录用)";
    case v1::ROUTE_NOT_RECRUITED:
      return "not recruited (未录用)";
    case v1::ROUTE_ITINERANT_ASSIGNMENT:
      return "itinerant teaching assignment (走教安排)";
    default:
      break;
  }
  return absl::StrCat("route ", static_cast<int>(route));
}

std::string ReasonWords(v1::PlacementReason reason) {
  switch (reason) {
    case v1::REASON_UNSPECIFIED:
      return "";
    case v1::REASON_ELIGIBLE:
      return "eligible (符合交流条件)";
    case v1::REASON_EXEMPT:
      return "exempt (依规免于交流)";
    case v1::REASON_NON_ESTABLISHED:
      return "not on the establishment (编外人员)";
    case v1::REASON_OUT_OF_STAGE_SCOPE:
      return "school outside this round's stages (学段不在本轮范围)";
    case v1::REASON_LEADER_NOT_DUE:
      return "leader not yet due to rotate (任职年限未满)";
    case v1::REASON_LEADER_MUST_ROTATE:
      return "leader due to rotate (任职期满须交流)";
    case v1::REASON_LEADER_INSPECTOR:
      return "leader near retirement, full-time inspector (专职督学)";
    case v1::REASON_TOO_FEW_YEARS:
      return "too few years at the school (在校年限不足)";
    case v1::REASON_NEAR_RETIREMENT:
      return "near retirement (临近退休)";
    case v1::REASON_TERM_RETURN:
      return "returns from a term exchange (交流期满返回)";
    case v1::REASON_COMPETES_WITH_APPLICATION:
      return "competes with an application (按申请竞聘)";
    case v1::REASON_COMPETES_FOR_OWN_SCHOOL:
      return "no application: competes for the home school's posts "
             "(竞聘本校岗位)";
    case v1::REASON_PINNED:
      return "fixed by a lock or override (人工锁定或调整)";
    case v1::REASON_MOVED_VOLUNTARILY:
      return "moved voluntarily, counts to the share (自愿交流，计入比例)";
    case v1::REASON_SELECTED:
      return "selected to rotate (被确定为交流对象)";
    case v1::REASON_SHARE_NOT_CARRIED:
      return "the school carries no rotation share (学校不承担交流比例)";
    case v1::REASON_NO_TARGET_IN_DIRECTION:
      return "no school in an allowed direction (无符合方向的学校)";
    case v1::REASON_SHARE_MET:
      return "the share was met by those picked first (比例已满)";
    case v1::REASON_LEADER_NO_VACATABLE_SEAT:
      return "no leader's seat of that role can be vacated "
             "(无可腾出的领导岗位)";
    case v1::REASON_LEADER_BEYOND_CAP:
      return "beyond the yearly leader limit (超出年度领导交流上限)";
    case v1::REASON_LEADER_WITHIN_CAP:
      return "within the yearly leader limit (在年度领导交流上限内)";
    case v1::REASON_MOVED_BY_ROUTE:
      return "moved by the step above (按上述方式调动)";
    case v1::REASON_NO_FREE_SEAT_IN_DIRECTION:
      return "every school in an allowed direction is full "
             "(符合方向的学校均已满员)";
    case v1::REASON_LEADER_NO_PARTNER:
      return "no other leader can make room (无可对调的领导)";
    case v1::REASON_LEADER_NO_SEAT_VACATED:
      return "no vacated seat is suitable (无合适的空出岗位)";
    case v1::REASON_LEADER_NO_CYCLE:
      return "in no exchange of leaders (未能形成对调)";
    case v1::REASON_HIRED_IN_COMPETITION:
      return "hired in the competition (竞聘成功)";
    case v1::REASON_ALLOCATED:
      return "no listed choice was won, allocated (志愿未中，调剂)";
    case v1::REASON_LOST_TO_ESTABLISHED:
      return "the won post went to an established teacher (岗位由编内人员优先)";
    case v1::REASON_NO_FITTING_POST:
      return "no post in the county fits (无合适岗位，待岗)";
    case v1::REASON_ALL_QUALIFIED_FULL:
      return "every qualifying post is full (符合条件的岗位均已满，待岗)";
    case v1::REASON_LOST_THEN_ALL_FULL:
      return "lost the won post, then all were full (岗位被占后无空岗，待岗)";
    case v1::REASON_RECRUITED:
      return "recruited at a listed post (按志愿录用)";
    case v1::REASON_INTERVIEW_FAILED:
      return "did not pass the interview (面试未通过)";
    case v1::REASON_BELOW_MIN_SCORE:
      return "written score below the minimum (笔试成绩未达最低分)";
    case v1::REASON_LISTED_NO_POST:
      return "listed no post (未填报岗位)";
    case v1::REASON_NO_LISTED_POST_TOOK_HER:
      return "no listed post took the applicant (所报岗位均未录取)";
    case v1::REASON_ITINERANT_ASSIGNED:
      return "teaches periods at other schools (走教)";
    default:
      break;
  }
  return absl::StrCat("reason ", static_cast<int>(reason));
}

}  // namespace rota::rotactl
