// Service obligations (公费师范生, 特岗计划, 捆绑聘用): the one rule every
// round kind applies to them.
//
// An obligation (Teacher::obligations) binds while the rural years served
// since its start date are fewer than it requires. Served years come from
// the service history (RuralServiceYears in points.h: spells at rural
// schools or teaching points, clipped to [start, day), each spell's full
// years plus pooled leftover days). While one binds, no round moves her to
// a school that is not rural (RURAL or TEACHING_POINT); staying where she
// is never breaks it, even at an urban school she was already placed at.
//
//   std::string why = ObligationProblem(teacher, &her_school, target, day);
//   if (!why.empty()) ...  // "service obligation (public-funded graduate):
//                          //  3 of 6 rural years served; s9 is urban"
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/rules/county.h"

namespace rota::engine::rules {

struct BindingObligation {
  ObligationKind kind = ObligationKind::kUnspecified;
  int32_t required_years = 0;
  int32_t served_years = 0;  // < required_years
};

// Schools of this locality serve an obligation.
bool ServesObligation(Locality locality);

// The obligation that binds `teacher` on `day`, if any: of several, the one
// with the most years still missing (ties: the lowest kind, then the most
// years required), whatever their order.
// `current_school` is her school (for an empty service history; may be
// nullptr).
std::optional<BindingObligation> FindBindingObligation(
    const Teacher& teacher, const School* current_school, int32_t day);

// "service obligation (public-funded graduate): 3 of 6 rural years served".
std::string ObligationSentence(const BindingObligation& obligation);
// The same in Chinese: "服务期（公费师范生）：乡村任教已满 3 年，共需 6 年".
std::string ObligationSentenceZh(const BindingObligation& obligation);

// The rule: "" if `teacher` may be placed at school `to` on `day` (it is
// her own school, it serves obligations, or none binds), else why not
// (ObligationSentence and the target's locality); in Chinese too into
// `problem_zh` if it is not null.
std::string ObligationProblem(const Teacher& teacher,
                              const School* current_school, const School& to,
                              int32_t day, std::string* problem_zh = nullptr);

}  // namespace rota::engine::rules
