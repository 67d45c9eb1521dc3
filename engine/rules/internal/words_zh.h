// Chinese words the engine's Chinese sentences (internal/bilingual.h) are
// built from, one function per concept, in the plain words of a county HR
// office and the same words rotactl's tables use (tools/rotactl/
// round_words.cc): 城区, 乡村, 交流轮岗, 县内调剂, 待岗, ...
//
//   absl::StrCat(Sv(LocalityZh(Locality::kRural)), "学校")  // "乡村学校"
//
// Thread-safety: pure.
#pragma once

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "engine/rules/county.h"
#include "engine/rules/policy.h"
#include "engine/rules/round_outcome.h"

namespace rota::engine::rules::internal {

inline std::string_view LocalityZh(Locality l) {
  switch (l) {
    case Locality::kUrban:
      return "城区";
    case Locality::kTown:
      return "镇区";
    case Locality::kRural:
      return "乡村";
    case Locality::kTeachingPoint:
      return "教学点";
    case Locality::kUnspecified:
      break;
  }
  return "未注明地域";
}

inline std::string_view StageZh(Stage s) {
  switch (s) {
    case Stage::kKindergarten:
      return "幼儿园";
    case Stage::kPrimary:
      return "小学";
    case Stage::kJunior:
      return "初中";
    case Stage::kSenior:
      return "高中";
    case Stage::kVocational:
      return "中职";
    case Stage::kUnspecified:
      break;
  }
  return "未注明学段";
}

inline std::string_view ExemptionZh(ExemptionKind k) {
  switch (k) {
    case ExemptionKind::kPregnancyOrNursing:
      return "孕期或哺乳期";
    case ExemptionKind::kSeriousIllness:
      return "患重大疾病";
    case ExemptionKind::kNearRetirement:
      return "临近退休";
    case ExemptionKind::kCountyDefined:
    case ExemptionKind::kUnspecified:
      break;
  }
  return "县定情形";
}

inline std::string_view ObligationKindZh(ObligationKind k) {
  switch (k) {
    case ObligationKind::kPublicFundedGraduate:
      return "公费师范生";
    case ObligationKind::kSpecialPostPlan:
      return "特岗计划";
    case ObligationKind::kBundledRuralTerm:
      return "捆绑聘用";
    case ObligationKind::kUnspecified:
      break;
  }
  return "服务期";
}

inline std::string_view EvaluationZh(EvaluationGrade g) {
  switch (g) {
    case EvaluationGrade::kExcellent:
      return "优秀";
    case EvaluationGrade::kCompetent:
      return "合格";
    case EvaluationGrade::kBasicCompetent:
      return "基本合格";
    case EvaluationGrade::kIncompetent:
      return "不合格";
    case EvaluationGrade::kUnspecified:
      break;
  }
  return "未评定";
}

inline std::string_view BackboneZh(BackboneLevel b) {
  switch (b) {
    case BackboneLevel::kCounty:
      return "县级骨干教师";
    case BackboneLevel::kCity:
      return "市级骨干教师";
    case BackboneLevel::kProvince:
      return "省级骨干教师";
    case BackboneLevel::kNone:
    case BackboneLevel::kUnspecified:
      break;
  }
  return "非骨干教师";
}

inline std::string_view HardshipZh(HardshipKind h) {
  switch (h) {
    case HardshipKind::kSpouseSeparation:
      return "夫妻分居";
    case HardshipKind::kCaringForParents:
      return "照顾父母";
    case HardshipKind::kDisability:
      return "残疾";
    case HardshipKind::kOther:
    case HardshipKind::kUnspecified:
      break;
  }
  return "其他困难";
}

inline std::string_view TitleZh(Title t) {
  switch (t) {
    case Title::kNone:
      return "未定级";
    case Title::kJunior:
      return "初级";
    case Title::kIntermediate:
      return "中级";
    case Title::kSenior:
      return "高级";
    case Title::kUnspecified:
      break;
  }
  return "未注明职称";
}

inline std::string_view VoluntaryMechanismZh(VoluntaryMechanism m) {
  return m == VoluntaryMechanism::kTeacherOptimalBlockExchange
             ? "互换交流（保证各校不吃亏的成组互换）"
             : "按志愿顺序录取（原岗位优先保留）";
}

inline std::string_view LeaderDirectionZh(LeaderDirection d) {
  switch (d) {
    case LeaderDirection::kUrbanRuralExchange:
      return "城乡交流";
    case LeaderDirection::kStrongWeakExchange:
      return "强校与薄弱学校交流";
    case LeaderDirection::kAnySchool:
      return "任意学校之间交流";
  }
  return "任意学校之间交流";
}

// Placement.via in Chinese, as rotactl's route words.
inline std::string_view RouteZh(Route r) {
  switch (r) {
    case Route::kNone:
      return "";
    case Route::kLock:
      return "人工锁定";
    case Route::kOverride:
      return "人工调整";
    case Route::kExempt:
      return "免于竞聘";
    case Route::kVoluntaryToBe:
      return "自愿交流（互换）";
    case Route::kVoluntaryDaStar:
      return "自愿交流（按志愿）";
    case Route::kVoluntaryAfterToBe:
      return "自愿交流（余缺）";
    case Route::kMandatoryByPreference:
      return "指令交流（按志愿）";
    case Route::kCountyAllocation:
      return "县内调剂";
    case Route::kFreedSeats:
      return "空出岗位递补";
    case Route::kTermReturn:
      return "交流期满返回";
    case Route::kLeadershipMarket:
      return "校级领导交流";
    case Route::kCompetition:
      return "竞聘上岗";
    case Route::kInSchoolStage1:
      return "校内竞聘";
    case Route::kCrossSchoolStage2:
      return "跨校竞聘";
    case Route::kUnplaced:
      return "待岗";
    case Route::kRecruitment:
      return "招聘录用";
    case Route::kNotRecruited:
      return "未录用";
    case Route::kItinerantAssignment:
      return "走教安排";
  }
  return "";
}

// SeatTypeName in Chinese, as rotactl's seat words.
inline std::string_view SeatTypeZh(SeatType s) {
  switch (s) {
    case SeatType::kOpen:
      return "普通岗位";
    case SeatType::kReservedFemale:
      return "女性预留岗位";
    case SeatType::kReservedMale:
      return "男性预留岗位";
    case SeatType::kReservedChannel:
      return "专项渠道预留岗位";
    case SeatType::kPinned:
      return "人工锁定或调整";
    case SeatType::kNone:
      break;
  }
  return "无";
}

inline std::string_view ChannelZh(Channel c) {
  switch (c) {
    case Channel::kOpen:
      return "公开招聘";
    case Channel::kSpecialPost:
      return "特岗计划";
    case Channel::kPublicFunded:
      return "公费师范生";
    case Channel::kTalent:
      return "人才引进";
    case Channel::kUnspecified:
      break;
  }
  return "未注明";
}

inline std::string_view GenderModeZh(GenderMode m) {
  switch (m) {
    case GenderMode::kOff:
      return "不设性别比例要求";
    case GenderMode::kSameRate:
      return "男女同比例录取";
    case GenderMode::kEqualNumbers:
      return "男女人数相等";
    case GenderMode::kFloorPerPost:
      return "每个岗位男女各不低于规定比例";
    case GenderMode::kCountyBalance:
      return "向全县教师性别比例目标靠拢";
  }
  return "不设性别比例要求";
}

// "（薄弱学校）" after a school's locality, or "".
inline const char* WeakZh(bool weak) { return weak ? "（薄弱学校）" : ""; }

}  // namespace rota::engine::rules::internal
