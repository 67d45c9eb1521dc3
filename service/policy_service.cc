#include "service/policy_service.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/county_write.h"
#include "service/round_projection.h"
#include "service/validation.h"

namespace rota::service {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

struct Range {
  const char* path;  // "<submessage>.<field>"
  int64_t min;
  int64_t max;
  const char* why;  // completes "must be between min and max"
};

// Ranges of every numeric policy field. Points may be negative (a penalty).
constexpr Range kRanges[] = {
    {"retirement.male_age", 40, 75, ""},
    {"retirement.female_age", 40, 75, ""},
    {"retirement.female_senior_title_age", 40, 75, ""},
    {"retirement.delay_start_year", 1900, 2200, ""},
    {"retirement.delay_start_month", 1, 12, ""},
    {"retirement.male_max_delay_months", 0, 120, ""},
    {"retirement.male_birth_months_per_delay_month", 1, 120, ""},
    {"retirement.female_max_delay_months", 0, 120, ""},
    {"retirement.female_birth_months_per_delay_month", 1, 120, ""},
    {"retirement.female_senior_title_max_delay_months", 0, 120, ""},
    {"retirement.female_senior_title_birth_months_per_delay_month", 1, 120, ""},
    {"exchange_rotation.min_years_at_school", 0, 50, ""},
    {"exchange_rotation.min_years_to_retirement", 0, 50, ""},
    {"exchange_rotation.rotation_share_percent", 0, 100, ""},
    {"exchange_rotation.backbone_share_percent", 0, 100, ""},
    {"exchange_rotation.term_years", 1, 10, ""},
    {"exchange_rotation.principal_min_years", 0, 50, ""},
    {"exchange_rotation.principal_min_years_to_retirement", 0, 50, ""},
    {"exchange_rotation.allocation_cost_per_km", 0, 1000000, ""},
    {"exchange_rotation.leader_rotation_cap_percent", 0, 100, ""},
    {"competitive_hiring.max_bands_down", 0, 2, ""},
    {"competitive_hiring.max_bands_up", 0, 2, ""},
    {"competitive_hiring.up_hiring_competent_years", 0, 30, ""},
    {"competitive_hiring.allocation_cost_per_km", 0, 1000000, ""},
    {"competitive_hiring.allocation_secondary_subject_cost", 0, 1000000, ""},
    {"points.evaluation_years", 0, 30, ""},
    {"itinerant_teaching.max_schools_per_teacher", 1, 10, ""},
    {"itinerant_teaching.max_weekly_periods", 0, 60, ""},
    {"itinerant_teaching.max_trip_minutes", 0, 600, ""},
    {"itinerant_teaching.periods_per_half_day", 1, 10, ""},
    {"itinerant_teaching.straight_line_factor_percent", 100, 1000, ""},
    {"itinerant_teaching.speed_kmh", 1, 200, ""},
    {"itinerant_teaching.points_per_year", -1000000, 1000000, " centipoints"},
    {"recruitment.gender_floor_percent", 0, 50, ""},
    {"recruitment.county_target_percent", 0, 50, ""},
    {"recruitment.min_score", 0, 10000, " centipoints (0.00 to 100.00)"},
    {"recruitment.min_score_within_of_open_cutoff", 0, 10000,
     " centipoints (0.00 to 100.00)"},
    {"recruitment.default_bundled_term_years", 1, 20, ""},
};

constexpr int64_t kMaxPointsMagnitude = 1000000;  // 10,000 points

int64_t IntValue(const Message& m, const FieldDescriptor* f) {
  const auto* r = m.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return r->GetInt32(m, f);
    case FieldDescriptor::CPPTYPE_INT64:
      return r->GetInt64(m, f);
    default:
      return 0;
  }
}

template <typename Enum>
void CheckEnumList(const google::protobuf::RepeatedField<int>& values,
                   const std::string& path, bool (*is_valid)(int),
                   const std::set<int>& forbidden, const char* forbidden_why,
                   Violations& v) {
  std::set<int> seen;
  for (int i = 0; i < values.size(); ++i) {
    std::string field = absl::StrCat(path, "[", i, "]");
    int value = values.Get(i);
    if (value == 0 || !is_valid(value)) {
      v.Add(field, "must be a known value, not UNSPECIFIED");
    } else if (forbidden.count(value)) {
      v.Add(field, forbidden_why);
    } else if (!seen.insert(value).second) {
      v.Add(field, "is listed twice");
    }
  }
}

void CheckEnum(int value, bool (*is_valid)(int), const std::string& path,
               Violations& v) {
  if (!is_valid(value)) v.Add(path, "is not a known value");
}

// The lists of ItinerantTeachingPolicy (its scalars are in kRanges).
void ValidateItinerantPolicy(const rota::v1::ItinerantTeachingPolicy& it,
                             const std::string& p, Violations& v) {
  std::set<std::string> subjects;
  for (int i = 0; i < it.shortage_subjects_size(); ++i) {
    const std::string& s = it.shortage_subjects(i);
    std::string field = absl::StrCat(p, "shortage_subjects[", i, "]");
    if (!IsValidId(s)) {
      v.Add(field, "must be a subject code: [a-z0-9][a-z0-9_-]{0,62}");
    } else if (!subjects.insert(s).second) {
      v.Add(field, "is listed twice");
    }
  }
  CheckEnumList<rota::v1::Weekday>(it.visit_days(), p + "visit_days",
                                   rota::v1::Weekday_IsValid, {}, "", v);
  int64_t last = 0;
  for (int i = 0; i < it.subsidy_tiers_size(); ++i) {
    const auto& t = it.subsidy_tiers(i);
    std::string field = absl::StrCat(p, "subsidy_tiers[", i, "].");
    if (t.up_to_metres() < 1 || t.up_to_metres() > 10000000) {
      v.Add(field + "up_to_metres", "must be between 1 and 10000000");
    } else if (t.up_to_metres() <= last) {
      v.Add(field + "up_to_metres",
            "must be greater than the tier before it (tiers in increasing "
            "distance)");
    }
    last = std::max(last, t.up_to_metres());
    if (t.yuan_per_month() < 0 || t.yuan_per_month() > 1000000) {
      v.Add(field + "yuan_per_month", "must be between 0 and 1000000");
    }
  }
}

}  // namespace

void ValidatePolicyFields(const rota::v1::Policy& policy,
                          absl::string_view prefix, Violations& v) {
  std::string p(prefix);
  if (policy.school_year() < 2000 || policy.school_year() > 2100) {
    v.Add(p + "school_year", "must be a year between 2000 and 2100");
  }
  const auto* d = policy.GetDescriptor();
  for (const Range& range : kRanges) {
    std::string path = range.path;
    size_t dot = path.find('.');
    const FieldDescriptor* sub = d->FindFieldByName(path.substr(0, dot));
    const Message& m = policy.GetReflection()->GetMessage(policy, sub);
    const FieldDescriptor* f =
        m.GetDescriptor()->FindFieldByName(path.substr(dot + 1));
    if (!m.GetReflection()->HasField(m, f)) continue;
    int64_t value = IntValue(m, f);
    if (value < range.min || value > range.max) {
      v.Add(p + path, absl::StrCat("must be between ", range.min, " and ",
                                   range.max, range.why));
    }
  }
  // Points: every int64 field of PointsPolicy except evaluation_years.
  const Message& points = policy.points();
  const auto* pd = points.GetDescriptor();
  for (int i = 0; i < pd->field_count(); ++i) {
    const FieldDescriptor* f = pd->field(i);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_INT64) continue;
    if (!points.GetReflection()->HasField(points, f)) continue;
    int64_t value = IntValue(points, f);
    if (value < -kMaxPointsMagnitude || value > kMaxPointsMagnitude) {
      v.Add(p + "points." + f->name(),
            absl::StrCat("must be between ", -kMaxPointsMagnitude, " and ",
                         kMaxPointsMagnitude, " centipoints"));
    }
  }
  const auto& er = policy.exchange_rotation();
  CheckEnum(er.share_scope(), rota::v1::ShareScope_IsValid,
            p + "exchange_rotation.share_scope", v);
  CheckEnum(er.mode(), rota::v1::ExchangeMode_IsValid,
            p + "exchange_rotation.mode", v);
  CheckEnum(er.voluntary_mechanism(), rota::v1::VoluntaryMechanism_IsValid,
            p + "exchange_rotation.voluntary_mechanism", v);
  CheckEnumList<rota::v1::Direction>(
      er.mandatory_directions(), p + "exchange_rotation.mandatory_directions",
      rota::v1::Direction_IsValid, {rota::v1::RURAL_TO_URBAN_TRAINING},
      "RURAL_TO_URBAN_TRAINING is only voluntary (allow_rural_to_urban_"
      "training), never a mandatory direction",
      v);
  CheckEnumList<rota::v1::LeaderDirection>(
      er.leader_directions(), p + "exchange_rotation.leader_directions",
      rota::v1::LeaderDirection_IsValid, {}, "", v);
  CheckEnumList<rota::v1::SelectionCriterion>(
      er.selection_order(), p + "exchange_rotation.selection_order",
      rota::v1::SelectionCriterion_IsValid, {}, "", v);
  CheckEnumList<rota::v1::Stage>(er.stage_scope(),
                                 p + "exchange_rotation.stage_scope",
                                 rota::v1::Stage_IsValid, {}, "", v);
  CheckEnumList<rota::v1::Locality>(er.share_localities(),
                                    p + "exchange_rotation.share_localities",
                                    rota::v1::Locality_IsValid, {}, "", v);
  CheckEnum(er.share_rounding(), rota::v1::ShareRounding_IsValid,
            p + "exchange_rotation.share_rounding", v);
  CheckEnum(policy.competitive_hiring().stage_mode(),
            rota::v1::StageMode_IsValid, p + "competitive_hiring.stage_mode",
            v);
  const auto& ch = policy.competitive_hiring();
  if (ch.has_up_hiring_highest_band() &&
      ch.up_hiring_highest_band() != rota::v1::JUNIOR_TITLE &&
      ch.up_hiring_highest_band() != rota::v1::INTERMEDIATE_TITLE &&
      ch.up_hiring_highest_band() != rota::v1::SENIOR_TITLE) {
    v.Add(p + "competitive_hiring.up_hiring_highest_band",
          "must be a post band: JUNIOR_TITLE, INTERMEDIATE_TITLE or "
          "SENIOR_TITLE");
  }
  const auto& rc = policy.recruitment();
  CheckEnum(rc.gender_mode(), rota::v1::RecruitmentGenderMode_IsValid,
            p + "recruitment.gender_mode", v);
  CheckEnum(rc.precedence(), rota::v1::RecruitmentPrecedence_IsValid,
            p + "recruitment.precedence", v);
  {
    std::set<int> channels;
    int64_t sum = 0;
    for (int i = 0; i < rc.channel_targets_size(); ++i) {
      const auto& t = rc.channel_targets(i);
      std::string f = absl::StrCat(p, "recruitment.channel_targets[", i, "]");
      if (t.channel() == 0 ||
          !rota::v1::RecruitmentChannel_IsValid(t.channel())) {
        v.Add(f + ".channel", "must be a known channel, not UNSPECIFIED");
      } else if (!channels.insert(t.channel()).second) {
        v.Add(f + ".channel", "names a channel that already has a target");
      }
      if (t.percent() < 0 || t.percent() > 100) {
        v.Add(f + ".percent", "must be between 0 and 100");
      }
      sum += t.percent();
    }
    if (sum > 100) {
      v.Add(p + "recruitment.channel_targets",
            absl::StrCat("percents must sum to at most 100 (got ", sum, ")"));
    }
  }
  CheckEnumList<rota::v1::TieBreaker>(policy.tie_chain(), p + "tie_chain",
                                      rota::v1::TieBreaker_IsValid, {}, "", v);
  ValidateItinerantPolicy(policy.itinerant_teaching(),
                          p + "itinerant_teaching.", v);
  const auto& rt = policy.retirement();
  if (rt.has_female_age() && rt.has_female_senior_title_age() &&
      rt.female_senior_title_age() < rt.female_age()) {
    v.Add(p + "retirement.female_senior_title_age",
          "must not be below retirement.female_age");
  }
}

namespace {

absl::StatusOr<std::string> ParentCounty(const std::string& parent,
                                         Violations& v) {
  std::optional<std::string> county = ParseCountyName(parent);
  if (!county.has_value()) {
    v.Add("parent", "must be counties/{county}");
    return std::string();
  }
  return *county;
}

std::string PolicyName(absl::string_view county, int32_t year) {
  return absl::StrCat(CountyName(county), "/policies/", year);
}

}  // namespace

absl::StatusOr<rota::v1::Policy> Policies::Load(
    const storage::Snapshot& snapshot, const std::string& county, int32_t year,
    int64_t version) {
  std::optional<rota::v1::Policy> stored;
  if (version == 0) {
    // Latest: the last key under the year's prefix. Versions are few; scan.
    std::string after;
    while (true) {
      ROTA_ASSIGN_OR_RETURN(
          auto rows, snapshot.Scan(keys::PolicyPrefix(year), after, 256));
      if (rows.empty()) break;
      rota::v1::Policy p;
      if (!p.ParseFromString(rows.back().second))
        return absl::DataLossError("stored policy does not parse");
      stored = p;
      if (rows.size() < 256) break;
      after = rows.back().first;
    }
  } else {
    ROTA_ASSIGN_OR_RETURN(stored, LoadProto<rota::v1::Policy>(
                                      snapshot, keys::Policy(year, version)));
    if (!stored.has_value()) {
      return WithReason(absl::NotFoundError(absl::StrCat(
                            "version ", version, " of ",
                            PolicyName(county, year), " not found")),
                        kReasonNotFound);
    }
  }
  if (!stored.has_value()) {
    rota::v1::Policy defaults;
    defaults.set_name(PolicyName(county, year));
    defaults.set_school_year(year);
    return EffectivePolicy(defaults);
  }
  return EffectivePolicy(*stored);
}

absl::StatusOr<rota::v1::Policy> Policies::SetPolicy(
    const CallContext& call, const rota::v1::SetPolicyRequest& req) {
  ROTA_RETURN_IF_ERROR(
      CheckCountyAccessIfNamed(call, ParseCountyName(req.parent())));
  Violations v;
  ROTA_ASSIGN_OR_RETURN(std::string county, ParentCounty(req.parent(), v));
  ValidateRequestId(req.request_id(), v);
  if (!req.has_policy()) {
    v.Add("policy", "is required");
  } else {
    ValidatePolicyFields(req.policy(), "policy.", v);
  }
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  const int32_t year = req.policy().school_year();
  return WriteToCounty<rota::v1::Policy>(
      *store_, *county_mutex_(county), call, county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<rota::v1::Policy> {
        // Latest stored version number (0 if none).
        int64_t latest = 0;
        std::string after;
        while (true) {
          ROTA_ASSIGN_OR_RETURN(
              auto rows, w.state().Scan(keys::PolicyPrefix(year), after, 256));
          if (rows.empty()) break;
          rota::v1::Policy p;
          if (!p.ParseFromString(rows.back().second))
            return absl::DataLossError("stored policy does not parse");
          latest = p.version();
          if (rows.size() < 256) break;
          after = rows.back().first;
        }
        rota::v1::Policy stored = req.policy();
        stored.set_name(PolicyName(county, year));
        stored.set_version(latest + 1);
        stored.set_etag(absl::StrCat(w.next_sequence()));
        stored.set_update_time(w.now());
        ROTA_RETURN_IF_ERROR(
            w.AddEvent(kPolicyEvent, SerializeDeterministic(stored)));
        return EffectivePolicy(stored);
      });
}

absl::StatusOr<rota::v1::Policy> Policies::GetPolicy(
    const CallContext& call, const rota::v1::GetPolicyRequest& req) {
  // counties/{county}/policies/{year}
  std::optional<ChildName> name = ParseChildName(req.name(), "policies");
  if (name.has_value())
    ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, name->county));
  int32_t year = 0;
  if (!name.has_value() || !absl::SimpleAtoi(name->id, &year) || year < 2000 ||
      year > 2100) {
    return InvalidField("name",
                        "must be counties/{county}/policies/{school_year}");
  }
  if (req.version() < 0) return InvalidField("version", "must be >= 0");
  ROTA_ASSIGN_OR_RETURN(std::unique_ptr<storage::Snapshot> snapshot,
                        OpenCountySnapshot(*store_, name->county));
  ROTA_ASSIGN_OR_RETURN(std::optional<std::string> c,
                        snapshot->Get(keys::kCounty));
  if (!c.has_value()) {
    return WithReason(absl::NotFoundError(
                          absl::StrCat(CountyName(name->county), " not found")),
                      kReasonNotFound);
  }
  return Load(*snapshot, name->county, year, req.version());
}

absl::StatusOr<rota::v1::Policy> Policies::ValidatePolicy(
    const CallContext& call, const rota::v1::ValidatePolicyRequest& req) {
  ROTA_RETURN_IF_ERROR(
      CheckCountyAccessIfNamed(call, ParseCountyName(req.parent())));
  Violations v;
  ROTA_ASSIGN_OR_RETURN(std::string county, ParentCounty(req.parent(), v));
  if (!req.has_policy()) {
    v.Add("policy", "is required");
  } else {
    ValidatePolicyFields(req.policy(), "policy.", v);
  }
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  rota::v1::Policy p = req.policy();
  p.set_name(PolicyName(county, p.school_year()));
  p.set_version(0);
  return EffectivePolicy(p);
}

}  // namespace rota::service
