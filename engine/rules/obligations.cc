#include "engine/rules/obligations.h"

#include <tuple>

#include "absl/strings/str_cat.h"
#include "engine/rules/internal/strings.h"
#include "engine/rules/internal/words_zh.h"
#include "engine/rules/points.h"

namespace rota::engine::rules {

namespace {

std::string_view ObligationKindName(ObligationKind k) {
  switch (k) {
    case ObligationKind::kPublicFundedGraduate:
      return "public-funded graduate";
    case ObligationKind::kSpecialPostPlan:
      return "special-post plan";
    case ObligationKind::kBundledRuralTerm:
      return "bundled rural terms";
    case ObligationKind::kUnspecified:
      break;
  }
  return "unspecified";
}

}  // namespace

bool ServesObligation(Locality l) {
  return l == Locality::kRural || l == Locality::kTeachingPoint;
}

std::optional<BindingObligation> FindBindingObligation(
    const Teacher& t, const School* current_school, int32_t day) {
  std::optional<BindingObligation> out;
  for (const ServiceObligation& o : t.obligations) {
    if (o.required_rural_years <= 0) continue;
    const int32_t served =
        RuralServiceYears(t, current_school, o.start_day, day);
    if (served >= o.required_rural_years) continue;
    // The most years missing, then the lowest kind, then the most
    // required: the same choice in any input order.
    if (out.has_value() &&
        std::make_tuple(out->required_years - out->served_years,
                        -static_cast<int>(out->kind), out->required_years) >=
            std::make_tuple(o.required_rural_years - served,
                            -static_cast<int>(o.kind),
                            o.required_rural_years)) {
      continue;
    }
    out = BindingObligation{o.kind, o.required_rural_years, served};
  }
  return out;
}

std::string ObligationSentence(const BindingObligation& o) {
  return absl::StrCat(
      "service obligation (", internal::Sv(ObligationKindName(o.kind)),
      "): ", o.served_years, " of ", o.required_years, " rural years served");
}

std::string ObligationSentenceZh(const BindingObligation& o) {
  return absl::StrCat("服务期（",
                      internal::Sv(internal::ObligationKindZh(o.kind)),
                      "）：乡村任教已满 ", o.served_years, " 年，共需 ",
                      o.required_years, " 年");
}

std::string ObligationProblem(const Teacher& t, const School* current_school,
                              const School& to, int32_t day,
                              std::string* problem_zh) {
  if (problem_zh != nullptr) problem_zh->clear();
  if (to.id == t.school || ServesObligation(to.locality) ||
      t.obligations.empty()) {
    return "";
  }
  std::optional<BindingObligation> o =
      FindBindingObligation(t, current_school, day);
  if (!o.has_value()) return "";
  if (problem_zh != nullptr) {
    *problem_zh = absl::StrCat(ObligationSentenceZh(*o), "；", to.id, " 属于",
                               internal::Sv(internal::LocalityZh(to.locality)),
                               "，不是乡村学校或教学点");
  }
  return absl::StrCat(ObligationSentence(*o), "; ", to.id, " is ",
                      internal::Sv(LocalityName(to.locality)),
                      ", not a rural school or teaching point");
}

}  // namespace rota::engine::rules
