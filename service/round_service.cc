#include "service/round_service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "engine/rules/county.h"
#include "engine/rules/hard_rule.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "rota/v1/round_events.pb.h"
#include "service/county_write.h"
#include "service/filter.h"
#include "service/internal/round_support.h"
#include "service/page_token.h"
#include "service/round_commit.h"
#include "service/round_projection.h"
#include "service/validation.h"

namespace rota::service {

using round_internal::Adjustments;
using round_internal::CheckRoundWrite;
using round_internal::Compute;
using round_internal::FrozenParts;
using round_internal::HardRuleRefusal;
using round_internal::KindSlug;
using round_internal::kRounds;
using round_internal::LoadAll;
using round_internal::LoadInto;
using round_internal::LoadRound;
using round_internal::LoadRunRecord;
using round_internal::OpenRound;
using round_internal::Page;
using round_internal::ParseFrozen;
using round_internal::ReadFrozenEvent;
using round_internal::ReadView;
using round_internal::RefId;
using round_internal::Round;
using round_internal::RoundName;
using round_internal::Snapshot;
using round_internal::StageRun;
using round_internal::WrongState;

// ---- the frozen inputs, converted for the engine ----------------------------

std::string Rounds::CacheKey(const Round& round) {
  return absl::StrCat(round.name(), "@", round.frozen_sequence());
}

std::shared_ptr<Rounds::CachedFrozen> Rounds::FindCached(
    const std::string& key) {
  absl::MutexLock lock(&cache_mu_);
  for (size_t i = 0; i < cache_.size(); ++i) {
    if (cache_[i].first != key) continue;
    std::rotate(cache_.begin(), cache_.begin() + i, cache_.begin() + i + 1);
    return cache_.front().second;
  }
  return nullptr;
}

void Rounds::Cache(const std::string& key,
                   std::shared_ptr<CachedFrozen> entry) {
  absl::MutexLock lock(&cache_mu_);
  cache_.erase(std::remove_if(cache_.begin(), cache_.end(),
                              [&](const auto& e) { return e.first == key; }),
               cache_.end());
  cache_.insert(cache_.begin(), {key, std::move(entry)});
  if (cache_.size() > kCachedRounds) cache_.resize(kCachedRounds);
}

absl::StatusOr<std::shared_ptr<Rounds::CachedFrozen>> Rounds::EngineInputsOf(
    const Round& round) {
  const std::string key = CacheKey(round);
  if (std::shared_ptr<CachedFrozen> hit = FindCached(key)) return hit;
  ROTA_ASSIGN_OR_RETURN(storage::Event event, ReadFrozenEvent(*store_, round));
  google::protobuf::Arena arena;
  ROTA_ASSIGN_OR_RETURN(
      rota::v1::RoundFrozen * f,
      ParseFrozen(event, round, FrozenParts::kEngineInputs, &arena));
  auto entry = std::make_shared<CachedFrozen>();
  entry->payload_digest = Sha256(event.payload);
  {
    absl::MutexLock lock(&entry->mu);
    ROTA_ASSIGN_OR_RETURN(entry->frozen, ToFrozenEngineInputs(*f));
  }
  Cache(key, entry);
  return entry;
}

absl::StatusOr<std::shared_ptr<const Rounds::RunExplanations>>
Rounds::ExplanationsOf(const Snapshot& s, const Round& round, int32_t run) {
  const std::string key = absl::StrCat(CacheKey(round), "#", run);
  absl::MutexLock explain_lock(&explain_mu_);
  if (explained_ != nullptr && explained_->key == key) return explained_;
  ROTA_ASSIGN_OR_RETURN(ChildName n, RoundName(round.name()));
  ROTA_ASSIGN_OR_RETURN(rota::v1::RoundRun record, LoadRunRecord(s, n, run));
  std::vector<rota::v1::PlacementAdjusted> adjustments(
      record.adjustments().begin(), record.adjustments().end());
  ROTA_ASSIGN_OR_RETURN(std::shared_ptr<CachedFrozen> inputs,
                        EngineInputsOf(round));
  absl::MutexLock lock(&inputs->mu);
  ROTA_ASSIGN_OR_RETURN(
      EngineResult result,
      RunEngine(inputs->frozen, adjustments, record.summary().parameters(),
                nullptr, EngineOutput::kFull,
                record.summary().outcome_encoding()));
  if (result.result_hash != record.summary().result_hash()) {
    return absl::DataLossError(absl::StrCat(
        "run ", run, " of ", round.name(),
        " does not recompute to its recorded result (", result.result_hash,
        " vs ", record.summary().result_hash(),
        "), so it cannot be explained; `rotactl audit replay` says more"));
  }
  auto out = std::make_shared<RunExplanations>();
  out->key = key;
  for (auto& x : result.explanations) {
    std::string teacher = x.placement().teacher();
    out->by_teacher.emplace(std::move(teacher), std::move(x));
  }
  explained_ = out;
  return std::shared_ptr<const RunExplanations>(out);
}

// ---- create / get / list ---------------------------------------------------

absl::StatusOr<Round> Rounds::CreateRound(
    const CallContext& call, const rota::v1::CreateRoundRequest& req) {
  Violations v;
  std::optional<std::string> county = ParseCountyName(req.parent());
  ROTA_RETURN_IF_ERROR(CheckCountyAccessIfNamed(call, county));
  if (!county.has_value()) v.Add("parent", "must be counties/{county}");
  if (!req.round_id().empty() && !IsValidId(req.round_id()))
    v.Add("round_id", "must match [a-z0-9][a-z0-9_-]{0,62}");
  ValidateRequestId(req.request_id(), v);
  const Round& in = req.round();
  if (in.kind() != rota::v1::EXCHANGE_ROTATION &&
      in.kind() != rota::v1::COMPETITIVE_HIRING &&
      in.kind() != rota::v1::ITINERANT_TEACHING &&
      in.kind() != rota::v1::RECRUITMENT)
    v.Add("round.kind",
          "must be EXCHANGE_ROTATION, COMPETITIVE_HIRING, ITINERANT_TEACHING "
          "or RECRUITMENT");
  if (in.school_year() < 2000 || in.school_year() > 2100)
    v.Add("round.school_year", "must be a year between 2000 and 2100");
  if (in.policy_version() < 0)
    v.Add("round.policy_version", "must be >= 0 (0 = latest at freeze)");
  if (in.effective_date().empty()) {
    v.Add("round.effective_date", "is required (YYYY-MM-DD)");
  } else if (!ParseDate(in.effective_date()).has_value()) {
    v.Add("round.effective_date", "must be a real date YYYY-MM-DD");
  }
  if (!in.display_name().empty())
    ValidateDisplayName("round.display_name", in.display_name(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  return WriteToCounty<Round>(
      *store_, *county_mutex_(*county), call, *county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<Round> {
        std::string id = req.round_id();
        if (id.empty()) {
          std::string base =
              absl::StrCat(in.school_year(), "-", KindSlug(in.kind()), "-");
          for (int n = 1;; ++n) {
            id = absl::StrCat(base, n);
            ROTA_ASSIGN_OR_RETURN(auto existing,
                                  w.state().Get(keys::Round(id)));
            if (!existing.has_value()) break;
          }
        } else {
          ROTA_ASSIGN_OR_RETURN(auto existing, w.state().Get(keys::Round(id)));
          if (existing.has_value()) {
            return WithReason(absl::AlreadyExistsError(absl::StrCat(
                                  ChildResourceName(*county, kRounds, id),
                                  " already exists")),
                              kReasonAlreadyExists);
          }
        }
        if (in.policy_version() > 0) {
          absl::StatusOr<rota::v1::Policy> p = Policies::Load(
              w.state(), *county, in.school_year(), in.policy_version());
          if (absl::IsNotFound(p.status())) {
            return InvalidField(
                "round.policy_version",
                absl::StrCat("policy version ", in.policy_version(),
                             " of school year ", in.school_year(),
                             " does not exist"));
          }
          ROTA_RETURN_IF_ERROR(p.status());
        }
        Round r;
        r.set_name(ChildResourceName(*county, kRounds, id));
        r.set_kind(in.kind());
        r.set_school_year(in.school_year());
        r.set_policy_version(in.policy_version());
        r.set_effective_date(in.effective_date());
        r.set_display_name(in.display_name());
        r.set_state(rota::v1::DRAFT);
        r.set_etag(absl::StrCat(w.next_sequence()));
        r.set_create_time(w.now());
        r.set_update_time(w.now());
        rota::v1::RoundCreated e;
        *e.mutable_round() = r;
        ROTA_RETURN_IF_ERROR(
            w.AddEvent(kRoundCreatedEvent, SerializeDeterministic(e)));
        return r;
      });
}

absl::StatusOr<Round> Rounds::GetRound(const CallContext& call,
                                       const rota::v1::GetRoundRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ReadView v, OpenRound(*store_, call, req.name()));
  return v.round;
}

absl::StatusOr<rota::v1::ListRoundsResponse> Rounds::ListRounds(
    const CallContext& call, const rota::v1::ListRoundsRequest& req) {
  std::optional<std::string> county = ParseCountyName(req.parent());
  if (!county.has_value())
    return InvalidField("parent", "must be counties/{county}");
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *county));
  ROTA_ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> s,
                        OpenCountySnapshot(*store_, *county));
  rota::v1::ListRoundsResponse out;
  std::vector<Round> rounds;
  std::string next;
  ROTA_RETURN_IF_ERROR(Page<Round>(
      *s, keys::kRoundPrefix, req.parent(), "", req.page_size(),
      req.page_token(), [](const Round&) { return true; }, rounds, next));
  for (auto& r : rounds) *out.add_rounds() = std::move(r);
  out.set_next_page_token(next);
  return out;
}

// ---- applications -----------------------------------------------------------

absl::StatusOr<rota::v1::SubmitApplicationsResponse> Rounds::SubmitChunk(
    const CallContext& call, const rota::v1::SubmitApplicationsRequest& req) {
  Violations v;
  absl::StatusOr<ChildName> n = RoundName(req.round(), "round");
  if (!n.ok()) return n.status();
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, n->county));
  ValidateRequestId(req.request_id(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  const std::string county = n->county;
  return WriteToCounty<rota::v1::SubmitApplicationsResponse>(
      *store_, *county_mutex_(county), call, county, req, req.request_id(),
      [&](CountyWrite& w)
          -> absl::StatusOr<rota::v1::SubmitApplicationsResponse> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), *n));
        if (round.state() != rota::v1::DRAFT)
          return WrongState(round, "DRAFT (applications close at freeze)");
        if (round.kind() == rota::v1::RECRUITMENT) {
          return PreconditionFailed(
              "ROUND_KIND", round.name(),
              "a recruitment round takes no applications: each applicant's "
              "preferences are part of her record (rotactl import "
              "applicants)");
        }
        const bool hiring = round.kind() == rota::v1::COMPETITIVE_HIRING;
        const char* collection = hiring ? kPosts : kSchools;
        rota::v1::SubmitApplicationsResponse resp;
        resp.set_rows_received(req.rows_size());
        std::map<std::string, rota::v1::Application> applied;
        for (const auto& row : req.rows()) {
          const auto& a = row.application();
          std::vector<std::pair<std::string, std::string>> errors;
          std::optional<std::string> teacher =
              RefId(county, kTeachers, a.teacher());
          if (a.teacher().empty()) {
            errors.push_back({"application.teacher", "is required"});
          } else if (!teacher.has_value()) {
            errors.push_back({"application.teacher",
                              "must be a teacher id or counties/" + county +
                                  "/teachers/{id} of this county"});
          } else {
            ROTA_ASSIGN_OR_RETURN(auto t,
                                  w.state().Get(keys::Teacher(*teacher)));
            if (!t.has_value())
              errors.push_back(
                  {"application.teacher",
                   absl::StrCat("teacher \"", *teacher, "\" does not exist")});
          }
          rota::v1::Application clean;
          std::set<std::string> seen;
          for (int i = 0; i < a.preferences_size(); ++i) {
            std::string field =
                absl::StrCat("application.preferences[", i, "]");
            std::optional<std::string> id =
                RefId(county, collection, a.preferences(i));
            if (!id.has_value()) {
              errors.push_back(
                  {field, absl::StrCat("must be a ", hiring ? "post" : "school",
                                       " id or resource name of this county")});
              continue;
            }
            ROTA_ASSIGN_OR_RETURN(
                auto exists,
                w.state().Get(hiring ? keys::Post(*id) : keys::School(*id)));
            if (!exists.has_value()) {
              errors.push_back(
                  {field, absl::StrCat(hiring ? "post" : "school", " \"", *id,
                                       "\" does not exist")});
            } else if (!seen.insert(*id).second) {
              errors.push_back({field, "is listed twice"});
            } else {
              clean.add_preferences(ChildResourceName(county, collection, *id));
            }
          }
          if (!errors.empty()) {
            resp.set_rows_rejected(resp.rows_rejected() + 1);
            for (auto& [field, reason] : errors) {
              auto* e = resp.add_errors();
              e->set_row(row.row());
              e->set_field(field);
              e->set_reason(reason);
            }
            continue;
          }
          clean.set_teacher(ChildResourceName(county, kTeachers, *teacher));
          clean.set_voluntary(a.voluntary());
          applied[*teacher] = std::move(clean);
          resp.set_rows_applied(resp.rows_applied() + 1);
        }
        if (applied.empty()) return resp;
        int64_t added = 0;
        for (const auto& [id, a] : applied) {
          ROTA_ASSIGN_OR_RETURN(auto old,
                                w.state().Get(keys::Application(n->id, id)));
          if (!old.has_value()) ++added;
        }
        round.set_applications(round.applications() + added);
        round.set_etag(absl::StrCat(w.next_sequence()));
        round.set_update_time(w.now());
        rota::v1::ApplicationsSubmitted e;
        *e.mutable_round() = round;
        for (auto& [id, a] : applied) *e.add_applications() = std::move(a);
        ROTA_RETURN_IF_ERROR(
            w.AddEvent(kApplicationsEvent, SerializeDeterministic(e)));
        return resp;
      });
}

// ---- freeze -----------------------------------------------------------------

absl::StatusOr<Round> Rounds::FreezeRound(
    const CallContext& call, const rota::v1::FreezeRoundRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ChildName n,
                        CheckRoundWrite(call, req.name(), req.request_id()));
  std::shared_ptr<CachedFrozen> converted;
  absl::StatusOr<Round> frozen = WriteToCounty<Round>(
      *store_, *county_mutex_(n.county), call, n.county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<Round> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), n));
        if (round.state() != rota::v1::DRAFT) return WrongState(round, "DRAFT");
        const Snapshot& s = w.state();
        // On an arena: a prefecture's frozen inputs are ~10^6 small messages,
        // freed here in one go.
        google::protobuf::Arena arena;
        rota::v1::RoundFrozen& f =
            *google::protobuf::Arena::CreateMessage<rota::v1::RoundFrozen>(
                &arena);
        ROTA_ASSIGN_OR_RETURN(rota::v1::Policy policy,
                              Policies::Load(s, n.county, round.school_year(),
                                             round.policy_version()));
        round.set_policy_version(policy.version());
        *f.mutable_policy() = policy;
        ROTA_RETURN_IF_ERROR(
            LoadInto(s, keys::kSchoolPrefix, f.mutable_schools()));
        ROTA_RETURN_IF_ERROR(LoadInto(s, keys::kPostPrefix, f.mutable_posts()));
        ROTA_RETURN_IF_ERROR(
            LoadInto(s, keys::kTeacherPrefix, f.mutable_teachers()));
        if (round.kind() == rota::v1::ITINERANT_TEACHING) {
          ROTA_RETURN_IF_ERROR(LoadInto(s, keys::kPeriodRequirementPrefix,
                                        f.mutable_period_requirements()));
          ROTA_RETURN_IF_ERROR(LoadInto(s, keys::kRoadDistancePrefix,
                                        f.mutable_road_distances()));
        }
        ROTA_ASSIGN_OR_RETURN(auto apps, LoadAll<rota::v1::Application>(
                                             s, keys::ApplicationPrefix(n.id)));
        if (round.kind() == rota::v1::RECRUITMENT) {
          // The applicants (with their preferences) and the posts are part
          // of the frozen inputs, so of the hash of every run.
          ROTA_RETURN_IF_ERROR(
              LoadInto(s, keys::kApplicantPrefix, f.mutable_applicants()));
          ROTA_RETURN_IF_ERROR(LoadInto(s, keys::kRecruitmentPostPrefix,
                                        f.mutable_recruitment_posts()));
        }
        absl::flat_hash_set<absl::string_view> school_ids, post_ids,
            teacher_ids;
        for (const auto& x : f.schools()) school_ids.insert(x.name());
        for (const auto& x : f.posts()) post_ids.insert(x.name());
        for (const auto& x : f.teachers()) teacher_ids.insert(x.name());
        // Applications of teachers (or to schools/posts) deleted since they
        // were submitted are dropped from the frozen inputs.
        const auto& targets = round.kind() == rota::v1::COMPETITIVE_HIRING
                                  ? post_ids
                                  : school_ids;
        int64_t kept = 0;
        for (auto& a : apps) {
          if (!teacher_ids.contains(a.teacher())) continue;
          rota::v1::Application& clean = *f.add_applications();
          clean.set_teacher(a.teacher());
          clean.set_voluntary(a.voluntary());
          for (const auto& p : a.preferences())
            if (targets.contains(p)) clean.add_preferences(p);
          ++kept;
        }
        round.set_applications(
            round.kind() == rota::v1::RECRUITMENT ? f.applicants_size() : kept);
        round.set_frozen_sequence(static_cast<int64_t>(w.head()));
        if (req.has_seed()) {
          round.set_seed(req.seed());
          round.set_seed_drawn(false);
        } else {
          absl::BitGen gen;
          round.set_seed(absl::Uniform<uint64_t>(gen));
          round.set_seed_drawn(true);
        }
        round.set_state(rota::v1::FROZEN);
        *f.mutable_round() = round;
        ROTA_ASSIGN_OR_RETURN(FrozenEngineInputs engine_inputs,
                              ToFrozenEngineInputs(f));
        ROTA_ASSIGN_OR_RETURN(auto eligibility,
                              ComputeEligibility(engine_inputs));
        int64_t eligible = 0;
        for (auto& e : eligibility) {
          if (e.eligible()) ++eligible;
          *f.add_eligibility() = std::move(e);
        }
        round.set_eligible_teachers(eligible);
        round.set_etag(absl::StrCat(w.next_sequence()));
        round.set_update_time(w.now());
        *f.mutable_round() = round;
        std::string payload = SerializeDeterministic(f);
        converted = std::make_shared<CachedFrozen>();
        converted->payload_digest = Sha256(payload);
        {
          absl::MutexLock lock(&converted->mu);
          converted->frozen = std::move(engine_inputs);
        }
        w.AddProjectedEvent(kRoundFrozenEvent, std::move(payload),
                            ProjectRoundFrozen(f));
        return round;
      });
  // Cached only once the freeze is stored (not for a retried request, whose
  // builder did not run).
  if (frozen.ok() && converted != nullptr)
    Cache(CacheKey(*frozen), std::move(converted));
  return frozen;
}

absl::StatusOr<rota::v1::ListEligibilityResponse> Rounds::ListEligibility(
    const CallContext& call, const rota::v1::ListEligibilityRequest& req) {
  ROTA_ASSIGN_OR_RETURN(ReadView v, OpenRound(*store_, call, req.name()));
  if (v.round.state() == rota::v1::DRAFT ||
      (v.round.state() == rota::v1::CANCELLED &&
       v.round.frozen_sequence() == 0 && v.round.seed() == 0 &&
       !v.round.seed_drawn()))
    return WrongState(v.round, "frozen inputs (FROZEN, PROPOSED or COMMITTED)");
  ROTA_ASSIGN_OR_RETURN(
      Filter filter,
      ParseFilter(req.filter(), FilterKind::kEligibility, v.name.county));
  rota::v1::ListEligibilityResponse out;
  std::vector<rota::v1::EligibilityEntry> rows;
  std::string next;
  ROTA_RETURN_IF_ERROR(Page<rota::v1::EligibilityEntry>(
      *v.snapshot, keys::EligibilityPrefix(v.name.id), req.name(), req.filter(),
      req.page_size(), req.page_token(),
      [&](const rota::v1::EligibilityEntry& e) { return filter.Matches(e); },
      rows, next));
  for (auto& r : rows) *out.add_entries() = std::move(r);
  out.set_next_page_token(next);
  return out;
}

// ---- run --------------------------------------------------------------------

absl::StatusOr<rota::v1::RunSummary> Rounds::RunRound(
    const CallContext& call, const rota::v1::RunRoundRequest& req,
    const ProgressFn& progress) {
  ROTA_ASSIGN_OR_RETURN(ChildName n,
                        CheckRoundWrite(call, req.name(), req.request_id()));
  return WriteToCounty<rota::v1::RunSummary>(
      *store_, *county_mutex_(n.county), call, n.county, req, req.request_id(),
      [&](CountyWrite& w) -> absl::StatusOr<rota::v1::RunSummary> {
        ROTA_ASSIGN_OR_RETURN(Round round, LoadRound(w.state(), n));
        if (round.state() != rota::v1::FROZEN &&
            round.state() != rota::v1::PROPOSED)
          return WrongState(round, "FROZEN or PROPOSED");
        ROTA_ASSIGN_OR_RETURN(std::shared_ptr<CachedFrozen> inputs,
                              EngineInputsOf(round));
        ROTA_ASSIGN_OR_RETURN(auto adjustments, Adjustments(w.state(), n.id));
        absl::MutexLock lock(&inputs->mu);
        absl::StatusOr<EngineResult> result =
            Compute(inputs->frozen, adjustments, req.parameters(), progress);
        if (!result.ok()) {
          // A lock that no longer holds (the departures that made room for
          // it do not happen with these parameters).
          return HardRuleRefusal(
              result.status(), n.county,
              "the run cannot keep the round's locks and overrides: one "
              "breaks the ",
              round_internal::PeopleOf(round.kind()));
        }
        if (progress) progress("storing", 0, 1);
        return StageRun(w, round, adjustments, req.parameters(),
                        *std::move(result));
      });
}

}  // namespace rota::service
