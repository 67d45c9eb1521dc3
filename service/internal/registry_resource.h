// The generic code behind RegistryService's child resources (schools, posts,
// teachers, period requirements, road distances, applicants, recruitment
// posts): per-resource traits (collection,
// key, event type, validation) and the create / get / update / delete / list
// / import-row operations every resource shares. Private to service/: the
// registry's .cc files include it; nothing else should.
//
// Thread-safety: as Registry (registry_service.h): writes run under the
// county's writer mutex passed in by the caller.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/cancellation.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "google/protobuf/util/field_mask_util.h"
#include "rota/v1/registry.pb.h"
#include "service/access.h"
#include "service/county_write.h"
#include "service/filter.h"
#include "service/grpc_status.h"
#include "service/page_token.h"
#include "service/projection.h"
#include "service/storage/event_store.h"
#include "service/validation.h"

namespace rota::service::registry_internal {

using google::protobuf::Message;
using google::protobuf::util::FieldMaskUtil;
using rota::v1::Applicant;
using rota::v1::County;
using rota::v1::PeriodRequirement;
using rota::v1::Post;
using rota::v1::RecruitmentPost;
using rota::v1::RoadDistance;
using rota::v1::School;
using rota::v1::Teacher;
using storage::EventDraft;
using storage::ProjectionWrite;
using storage::Snapshot;

inline std::string Etag(uint64_t sequence) { return absl::StrCat(sequence); }

inline absl::Status NotFound(absl::string_view name) {
  return WithReason(absl::NotFoundError(absl::StrCat(name, " not found")),
                    kReasonNotFound);
}

inline absl::StatusOr<bool> CountyExists(const Snapshot& s) {
  ROTA_ASSIGN_OR_RETURN(std::optional<std::string> c, s.Get(keys::kCounty));
  return c.has_value();
}

// ---- per-resource traits ------------------------------------------------

template <typename R>
struct Traits;

template <>
struct Traits<School> {
  static constexpr char kCollection[] = "schools";
  static constexpr char kField[] = "school";
  static constexpr char kEvent[] = "rota.v1.School";
  static constexpr FilterKind kFilter = FilterKind::kSchool;
  static std::string Key(absl::string_view id) { return keys::School(id); }
  static absl::Status Validate(const School& s, absl::string_view,
                               absl::string_view prefix, absl::CivilDay,
                               const ExistsFn&, Violations& v) {
    ValidateSchool(s, prefix, v);
    return absl::OkStatus();
  }
};

template <>
struct Traits<Post> {
  static constexpr char kCollection[] = "posts";
  static constexpr char kField[] = "post";
  static constexpr char kEvent[] = "rota.v1.Post";
  static constexpr FilterKind kFilter = FilterKind::kPost;
  static std::string Key(absl::string_view id) { return keys::Post(id); }
  static absl::Status Validate(const Post& p, absl::string_view county,
                               absl::string_view prefix, absl::CivilDay,
                               const ExistsFn& exists, Violations& v) {
    return ValidatePost(p, county, prefix, exists, v);
  }
};

template <>
struct Traits<Teacher> {
  static constexpr char kCollection[] = "teachers";
  static constexpr char kField[] = "teacher";
  static constexpr char kEvent[] = "rota.v1.Teacher";
  static constexpr FilterKind kFilter = FilterKind::kTeacher;
  static std::string Key(absl::string_view id) { return keys::Teacher(id); }
  static absl::Status Validate(const Teacher& t, absl::string_view county,
                               absl::string_view prefix, absl::CivilDay today,
                               const ExistsFn& exists, Violations& v) {
    return ValidateTeacher(t, county, prefix, today, exists, v);
  }
};

template <>
struct Traits<PeriodRequirement> {
  static constexpr char kCollection[] = "periodRequirements";
  static constexpr char kField[] = "period_requirement";
  static constexpr char kEvent[] = "rota.v1.PeriodRequirement";
  static constexpr FilterKind kFilter = FilterKind::kPeriodRequirement;
  static std::string Key(absl::string_view id) {
    return keys::PeriodRequirement(id);
  }
  static absl::Status Validate(const PeriodRequirement& r,
                               absl::string_view county,
                               absl::string_view prefix, absl::CivilDay,
                               const ExistsFn& exists, Violations& v) {
    return ValidatePeriodRequirement(r, county, prefix, exists, v);
  }
};

template <>
struct Traits<RoadDistance> {
  static constexpr char kCollection[] = "roadDistances";
  static constexpr char kField[] = "road_distance";
  static constexpr char kEvent[] = "rota.v1.RoadDistance";
  static constexpr FilterKind kFilter = FilterKind::kRoadDistance;
  static std::string Key(absl::string_view id) {
    return keys::RoadDistance(id);
  }
  static absl::Status Validate(const RoadDistance& r, absl::string_view county,
                               absl::string_view prefix, absl::CivilDay,
                               const ExistsFn& exists, Violations& v) {
    return ValidateRoadDistance(r, county, prefix, exists, v);
  }
};

template <>
struct Traits<Applicant> {
  static constexpr char kCollection[] = "applicants";
  static constexpr char kField[] = "applicant";
  static constexpr char kEvent[] = "rota.v1.Applicant";
  static constexpr FilterKind kFilter = FilterKind::kApplicant;
  static std::string Key(absl::string_view id) { return keys::Applicant(id); }
  static absl::Status Validate(const Applicant& a, absl::string_view county,
                               absl::string_view prefix, absl::CivilDay today,
                               const ExistsFn& exists, Violations& v) {
    return ValidateApplicant(a, county, prefix, today, exists, v);
  }
};

template <>
struct Traits<RecruitmentPost> {
  static constexpr char kCollection[] = "recruitment-posts";
  static constexpr char kField[] = "recruitment_post";
  static constexpr char kEvent[] = "rota.v1.RecruitmentPost";
  static constexpr FilterKind kFilter = FilterKind::kRecruitmentPost;
  static std::string Key(absl::string_view id) {
    return keys::RecruitmentPost(id);
  }
  static absl::Status Validate(const RecruitmentPost& p,
                               absl::string_view county,
                               absl::string_view prefix, absl::CivilDay,
                               const ExistsFn& exists, Violations& v) {
    return ValidateRecruitmentPost(p, county, prefix, exists, v);
  }
};

// The rows an import run has seen exist. An import only creates and
// updates rows, so what exists stays so for the run: the hundreds of rows
// that name one school or post need not look it up again through the
// batches staged over the store. (Not for a dry run, whose batches each
// start again from the store.)
using ExistingRows = absl::flat_hash_set<std::string>;

// Existence of a county's resources for validation, plus the pseudo
// collection kRuralSchools (a school that is rural or a teaching point);
// with `existing`, remembered there.
inline ExistsFn ExistsIn(const Snapshot& s, ExistingRows* existing = nullptr) {
  return [&s, existing](absl::string_view collection,
                        absl::string_view id) -> absl::StatusOr<bool> {
    if (collection == kRuralSchools) {
      ROTA_ASSIGN_OR_RETURN(std::optional<School> school,
                            LoadProto<School>(s, keys::School(id)));
      return school.has_value() &&
             (school->locality() == rota::v1::RURAL ||
              school->locality() == rota::v1::TEACHING_POINT);
    }
    std::string key = collection == kSchools      ? keys::School(id)
                      : collection == kPosts      ? keys::Post(id)
                      : collection == kTeachers   ? keys::Teacher(id)
                      : collection == kApplicants ? keys::Applicant(id)
                                                  : keys::RecruitmentPost(id);
    if (existing == nullptr) return s.Contains(key);
    if (existing->contains(key)) return true;
    ROTA_ASSIGN_OR_RETURN(bool exists, s.Contains(key));
    if (exists) existing->insert(std::move(key));
    return exists;
  };
}

// Fills the output-only fields and records the upsert event over `old` (the
// stored row, null if none), projected from `resource` as ProjectEvent
// would project the event (ProjectUpsert), without parsing it back.
template <typename R>
void Upsert(CountyWrite& ctx, R& resource, const R* old) {
  resource.set_etag(Etag(ctx.next_sequence()));
  resource.set_create_time(old != nullptr && !old->create_time().empty()
                               ? old->create_time()
                               : ctx.now());
  resource.set_update_time(ctx.now());
  std::string payload = SerializeDeterministic(resource);
  std::vector<ProjectionWrite> writes = ProjectUpsert(resource, payload, old);
  ctx.AddProjectedEvent(Traits<R>::kEvent, std::move(payload),
                        std::move(writes));
}

inline bool IsOutputOnly(absl::string_view path) {
  return path == "name" || path == "etag" || path == "create_time" ||
         path == "update_time";
}

inline void ValidateMask(const google::protobuf::FieldMask& mask,
                         const google::protobuf::Descriptor* descriptor,
                         Violations& v) {
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    if (IsOutputOnly(path)) continue;
    if (!FieldMaskUtil::GetFieldDescriptors(descriptor, path, nullptr)) {
      v.Add(absl::StrCat("update_mask.paths[", i, "]"),
            absl::StrCat("\"", std::string(rota::TruncateUtf8(path, 100)),
                         "\" is not a field of ", descriptor->name()));
    }
  }
}

// Applies `mask` (empty: every mutable field) of `update` onto `current`.
template <typename R>
R Merge(const R& current, const R& update,
        const google::protobuf::FieldMask& mask) {
  R merged = current;
  google::protobuf::FieldMask effective;
  for (const auto& p : mask.paths()) {
    if (!IsOutputOnly(p)) effective.add_paths(p);
  }
  if (mask.paths_size() == 0) {
    merged = update;
    merged.set_name(current.name());
    merged.set_create_time(current.create_time());
  } else if (effective.paths_size() > 0) {
    FieldMaskUtil::MergeOptions options;
    options.set_replace_message_fields(true);
    options.set_replace_repeated_fields(true);
    FieldMaskUtil::MergeMessageTo(update, effective, options, &merged);
  }
  return merged;
}

// ---- generic child-resource operations -----------------------------------

// Parses the parent "counties/{county}" (violation on `parent` otherwise).
inline std::optional<std::string> ParentCounty(const std::string& parent,
                                               Violations& v) {
  std::optional<std::string> county = ParseCountyName(parent);
  if (!county.has_value()) {
    v.Add("parent", parent.empty() ? "is required (counties/{county})"
                                   : "must be counties/{county}");
  }
  return county;
}

template <typename R>
absl::StatusOr<R> CreateChild(storage::EventStore& store, absl::Mutex& mu,
                              const CallContext& call, const Message& request,
                              const std::string& county,
                              const std::string& id_field,
                              const std::string& id, const R& resource,
                              const std::string& request_id) {
  using T = Traits<R>;
  return WriteToCounty<R>(
      store, mu, call, county, request, request_id,
      [&](CountyWrite& ctx) -> absl::StatusOr<R> {
        Violations v;
        if (!IsValidId(id))
          v.Add(id_field, "is required: [a-z0-9][a-z0-9_-]{0,62}");
        ROTA_RETURN_IF_ERROR(
            T::Validate(resource, county, absl::StrCat(T::kField, "."),
                        ctx.today(), ExistsIn(ctx.state()), v));
        ROTA_RETURN_IF_ERROR(v.ToStatus());
        std::string name = ChildResourceName(county, T::kCollection, id);
        ROTA_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                              ctx.state().Get(T::Key(id)));
        if (existing.has_value()) {
          return WithReason(
              absl::AlreadyExistsError(absl::StrCat(name, " already exists")),
              kReasonAlreadyExists);
        }
        R out = resource;
        out.set_name(name);
        Upsert<R>(ctx, out, nullptr);
        return out;
      },
      CountyCheck::kMustExist);
}

template <typename R>
absl::StatusOr<R> GetChild(const storage::EventStore& store,
                           const CallContext& call, const std::string& name) {
  using T = Traits<R>;
  std::optional<ChildName> parsed = ParseChildName(name, T::kCollection);
  if (!parsed.has_value()) {
    return InvalidField("name", absl::StrCat("must be counties/{county}/",
                                             T::kCollection, "/{id}"));
  }
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, parsed->county));
  ROTA_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      store.ReadProjection(parsed->county, T::Key(parsed->id)));
  if (!bytes.has_value()) return NotFound(name);
  R out;
  if (!out.ParseFromString(*bytes))
    return absl::DataLossError(absl::StrCat(name, " does not parse"));
  return out;
}

// Shared by every Update: `lock` gives the county's writer mutex.
template <typename R, typename LockFn>
absl::StatusOr<R> UpdateChildImpl(storage::EventStore& store, LockFn lock,
                                  const CallContext& call,
                                  const Message& request, const R& update,
                                  const google::protobuf::FieldMask& mask,
                                  const std::string& request_id) {
  using T = Traits<R>;
  Violations v;
  std::string name_field = absl::StrCat(T::kField, ".name");
  std::optional<ChildName> parsed =
      ParseChildName(update.name(), T::kCollection);
  if (parsed.has_value()) {
    ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, parsed->county));
  } else {
    v.Add(name_field,
          absl::StrCat("must be counties/{county}/", T::kCollection, "/{id}"));
  }
  ValidateMask(mask, R::descriptor(), v);
  ValidateRequestId(request_id, v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  const std::string& county = parsed->county;
  return WriteToCounty<R>(
      store, *lock(county), call, county, request, request_id,
      [&](CountyWrite& ctx) -> absl::StatusOr<R> {
        ROTA_ASSIGN_OR_RETURN(std::optional<R> current,
                              LoadProto<R>(ctx.state(), T::Key(parsed->id)));
        if (!current.has_value()) return NotFound(update.name());
        if (!update.etag().empty() && update.etag() != current->etag()) {
          return EtagMismatch(update.name(), update.etag(), current->etag());
        }
        R merged = Merge(*current, update, mask);
        Violations mv;
        ROTA_RETURN_IF_ERROR(
            T::Validate(merged, county, absl::StrCat(T::kField, "."),
                        ctx.today(), ExistsIn(ctx.state()), mv));
        ROTA_RETURN_IF_ERROR(mv.ToStatus());
        Upsert(ctx, merged, &*current);
        return merged;
      },
      CountyCheck::kNone);
}

// Calls fn(bytes) for every row under `prefix`.
template <typename Fn>
absl::Status ForEachRow(const Snapshot& s, const std::string& prefix, Fn fn) {
  std::string after;
  constexpr size_t kBatch = 1024;
  while (true) {
    ROTA_RETURN_IF_ERROR(CheckNotCancelled("a scan of the county"));
    ROTA_ASSIGN_OR_RETURN(auto rows, s.Scan(prefix, after, kBatch));
    for (const auto& [k, v] : rows) ROTA_RETURN_IF_ERROR(fn(v));
    if (rows.size() < kBatch) return absl::OkStatus();
    after = rows.back().first;
  }
}

// References that block deleting a resource (FAILED_PRECONDITION if any):
// teachers, posts, period requirements, road distances, recruitment posts at
// a school; applicants listing a recruitment post. Defined in
// registry_service.cc.
absl::Status CheckUnreferenced(const Snapshot& s, absl::string_view collection,
                               const std::string& id, const std::string& name);
// The recruitment part of it (registry_recruitment.cc): recruitment posts at
// a school (or bundled with it), applicants listing a recruitment post.
absl::Status CheckRecruitmentReferences(const Snapshot& s,
                                        absl::string_view collection,
                                        const std::string& name);
// The itinerant teaching part (registry_itinerant.cc): period requirements
// and road distances naming a school.
absl::Status CheckItinerantReferences(const Snapshot& s,
                                      absl::string_view collection,
                                      const std::string& name);

template <typename R, typename LockFn>
absl::StatusOr<rota::v1::DeleteResponse> DeleteChildImpl(
    storage::EventStore& store, LockFn lock, const CallContext& call,
    const Message& request, const std::string& name, const std::string& etag,
    const std::string& request_id) {
  using T = Traits<R>;
  Violations v;
  std::optional<ChildName> parsed = ParseChildName(name, T::kCollection);
  if (parsed.has_value()) {
    ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, parsed->county));
  } else {
    v.Add("name",
          absl::StrCat("must be counties/{county}/", T::kCollection, "/{id}"));
  }
  ValidateRequestId(request_id, v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  return WriteToCounty<rota::v1::DeleteResponse>(
      store, *lock(parsed->county), call, parsed->county, request, request_id,
      [&](CountyWrite& ctx) -> absl::StatusOr<rota::v1::DeleteResponse> {
        ROTA_ASSIGN_OR_RETURN(std::optional<R> current,
                              LoadProto<R>(ctx.state(), T::Key(parsed->id)));
        if (!current.has_value()) return NotFound(name);
        if (!etag.empty() && etag != current->etag()) {
          return EtagMismatch(name, etag, current->etag());
        }
        ROTA_RETURN_IF_ERROR(
            CheckUnreferenced(ctx.state(), T::kCollection, parsed->id, name));
        rota::v1::DeleteResponse response;
        response.set_name(name);
        ROTA_RETURN_IF_ERROR(
            ctx.AddEvent(kDeleteEvent, SerializeDeterministic(response)));
        return response;
      },
      CountyCheck::kNone);
}

// Pages through `county`'s resources of kind R in id order, optionally via a
// secondary index prefix. Returns the page and the next page token.
template <typename R>
absl::Status ListChildren(const storage::EventStore& store,
                          const CallContext& call, const std::string& parent,
                          int32_t page_size, const std::string& page_token,
                          const std::string& filter_text,
                          google::protobuf::RepeatedPtrField<R>* out,
                          std::string* next_token) {
  using T = Traits<R>;
  Violations v;
  std::optional<std::string> county = ParentCounty(parent, v);
  ROTA_RETURN_IF_ERROR(CheckCountyAccessIfNamed(call, county));
  ValidatePageSize(page_size, v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_ASSIGN_OR_RETURN(Filter filter,
                        ParseFilter(filter_text, T::kFilter, *county));
  ROTA_ASSIGN_OR_RETURN(std::string last_id,
                        DecodePageToken(page_token, parent, filter_text));
  ROTA_ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snapshot,
                        OpenCountySnapshot(store, *county));
  ROTA_ASSIGN_OR_RETURN(bool exists, CountyExists(*snapshot));
  if (!exists) return NotFound(CountyName(*county));

  size_t limit = PageLimit(page_size);
  // Pick the narrowest source: a secondary index or the primary keys.
  std::string prefix = T::Key("");
  bool via_index = false;
  if constexpr (std::is_same_v<R, Teacher>) {
    if (auto school = filter.EqualityValue("school")) {
      prefix = keys::TeachersBySchoolPrefix(*school);
      via_index = true;
    } else if (auto subject = filter.EqualityValue("subject")) {
      prefix = keys::TeachersBySubjectPrefix(*subject);
      via_index = true;
    }
  } else if constexpr (std::is_same_v<R, Post>) {
    if (auto school = filter.EqualityValue("school")) {
      prefix = keys::PostsBySchoolPrefix(*school);
      via_index = true;
    }
  }
  std::string cursor = last_id.empty() ? "" : prefix + last_id;
  std::string last_returned;
  bool more = false;
  const size_t batch = std::clamp<size_t>(limit + 1, 64, 1024);
  while (!more) {
    ROTA_RETURN_IF_ERROR(CheckNotCancelled("a filtered list"));
    ROTA_ASSIGN_OR_RETURN(auto rows, snapshot->Scan(prefix, cursor, batch));
    for (auto& [key, value] : rows) {
      cursor = key;
      std::string id = key.substr(prefix.size());
      R item;
      if (via_index) {
        ROTA_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                              snapshot->Get(T::Key(id)));
        if (!bytes.has_value()) continue;
        if (!item.ParseFromString(*bytes))
          return absl::DataLossError("stored row does not parse");
      } else if (!item.ParseFromString(value)) {
        return absl::DataLossError("stored row does not parse");
      }
      if (!filter.Matches(item)) continue;
      if (static_cast<size_t>(out->size()) == limit) {
        more = true;
        break;
      }
      *out->Add() = std::move(item);
      last_returned = id;
    }
    if (rows.size() < batch) break;
  }
  next_token->clear();
  if (more) *next_token = EncodePageToken(parent, filter_text, last_returned);
  return absl::OkStatus();
}

// ---- bulk import rows -----------------------------------------------------

// What an import row leaves as the stored resource has it: fields that only
// a committed round writes and the CSV does not carry. A teacher keeps her
// 走教 service years (itinerant_service) unless the row lists some.
template <typename R>
void KeepOnImport(const R& /*existing*/, R& /*row*/) {}
inline void KeepOnImport(const rota::v1::Teacher& existing,
                         rota::v1::Teacher& row) {
  if (row.itinerant_service_size() == 0)
    *row.mutable_itinerant_service() = existing.itinerant_service();
}

// Validates one import row against the chunk's state so far and, if valid,
// records its upsert (filling `resource`'s output-only fields in place: the
// chunk is the caller's to consume). Violations become row errors.
template <typename R>
absl::Status ImportRow(CountyWrite& ctx, const std::string& county, int64_t row,
                       R& resource, ExistingRows* existing_rows,
                       rota::v1::BulkImportResponse& response) {
  using T = Traits<R>;
  Violations v;
  std::string prefix = absl::StrCat(T::kField, ".");
  std::optional<ChildName> parsed =
      ParseChildName(resource.name(), T::kCollection);
  if (!parsed.has_value()) {
    v.Add(prefix + "name", absl::StrCat("must be counties/", county, "/",
                                        T::kCollection, "/{id}"));
  } else if (parsed->county != county) {
    v.Add(prefix + "name",
          absl::StrCat("belongs to another county than the import's parent"),
          kReasonCrossCounty);
  }
  ROTA_RETURN_IF_ERROR(T::Validate(resource, county, prefix, ctx.today(),
                                   ExistsIn(ctx.state(), existing_rows), v));
  if (!v.empty()) {
    response.set_rows_rejected(response.rows_rejected() + 1);
    for (const auto& fv : v.bad_request().field_violations()) {
      auto* e = response.add_errors();
      e->set_row(row);
      e->set_field(fv.field());
      e->set_reason(fv.description());
    }
    return absl::OkStatus();
  }
  ROTA_ASSIGN_OR_RETURN(std::optional<R> existing,
                        LoadProto<R>(ctx.state(), T::Key(parsed->id)));
  if (existing.has_value()) KeepOnImport(*existing, resource);
  Upsert(ctx, resource, existing ? &*existing : nullptr);
  response.set_rows_applied(response.rows_applied() + 1);
  if (!existing.has_value())
    response.set_rows_created(response.rows_created() + 1);
  return absl::OkStatus();
}

// Rows of one kind in one chunk that name the same resource would silently
// overwrite each other (a teacher disappears): every such row is rejected,
// naming the rows it collides with. Returns, by index, the rows to skip.
template <typename Row, typename Get>
std::vector<bool> RejectDuplicateRows(
    const google::protobuf::RepeatedPtrField<Row>& rows, Get resource_of,
    absl::string_view field, rota::v1::BulkImportResponse& response) {
  // Row indexes by name (then position): a chunk's rows sorted once, no map
  // of strings (this runs on every chunk, and duplicates are rare).
  std::vector<int> by_name;
  by_name.reserve(rows.size());
  for (int i = 0; i < rows.size(); ++i) {
    if (!resource_of(rows[i]).name().empty()) by_name.push_back(i);
  }
  auto name_of = [&](int i) -> const std::string& {
    return resource_of(rows[i]).name();
  };
  std::sort(by_name.begin(), by_name.end(), [&](int a, int b) {
    const int c = name_of(a).compare(name_of(b));
    return c != 0 ? c < 0 : a < b;
  });
  std::vector<bool> skip(rows.size(), false);
  // For each duplicated row: its group [first, last) in by_name.
  std::vector<std::pair<size_t, size_t>> group(rows.size());
  for (size_t first = 0, last = 0; first < by_name.size(); first = last) {
    last = first + 1;
    while (last < by_name.size() &&
           name_of(by_name[last]) == name_of(by_name[first]))
      ++last;
    if (last - first < 2) continue;
    for (size_t k = first; k < last; ++k) {
      skip[by_name[k]] = true;
      group[by_name[k]] = {first, last};
    }
  }
  for (int i = 0; i < rows.size(); ++i) {
    if (!skip[i]) continue;
    const auto [first, last] = group[i];
    std::vector<int64_t> numbers;
    for (size_t k = first; k < last; ++k)
      numbers.push_back(rows[by_name[k]].row());
    response.set_rows_rejected(response.rows_rejected() + 1);
    auto* e = response.add_errors();
    e->set_row(rows[i].row());
    e->set_field(std::string(field));
    e->set_reason(absl::StrCat("rows ", absl::StrJoin(numbers, ", "),
                               " of this chunk all name ", name_of(i),
                               "; each may appear once"));
  }
  return skip;
}

}  // namespace rota::service::registry_internal

// The body of Registry::Create<Resource>(call, req) for a resource of a
// county (schools, posts, teachers, period requirements, road distances,
// applicants, recruitment posts): parent, then the caller's access to it,
// then request id and `field`_id checked, then CreateChild. Used inside
// Registry members (store_, CountyMutex).
#define ROTA_CREATE_CHILD(R, field)                                         \
  Violations v;                                                             \
  std::optional<std::string> county = ParentCounty(req.parent(), v);        \
  ROTA_RETURN_IF_ERROR(CheckCountyAccessIfNamed(call, county));             \
  ValidateRequestId(req.request_id(), v);                                   \
  if (!county.has_value() || !IsValidId(req.field##_id())) {                \
    if (!IsValidId(req.field##_id())) {                                     \
      v.Add(#field "_id", "is required: [a-z0-9][a-z0-9_-]{0,62}");         \
    }                                                                       \
    return v.ToStatus();                                                    \
  }                                                                         \
  ROTA_RETURN_IF_ERROR(v.ToStatus());                                       \
  return CreateChild<R>(*store_, *CountyMutex(*county), call, req, *county, \
                        #field "_id", req.field##_id(), req.field(),        \
                        req.request_id())
