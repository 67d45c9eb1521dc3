#include "service/registry_service.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/field_mask_util.h"
#include "service/county_write.h"
#include "service/filter.h"
#include "service/grpc_status.h"
#include "service/page_token.h"
#include "service/projection.h"
#include "service/validation.h"

namespace rota::service {
namespace {

using google::protobuf::Message;
using google::protobuf::util::FieldMaskUtil;
using rota::v1::County;
using rota::v1::Post;
using rota::v1::School;
using rota::v1::Teacher;
using storage::EventDraft;
using storage::ProjectionWrite;
using storage::Snapshot;

constexpr int32_t kDefaultPageSize = 50;
constexpr int32_t kMaxPageSize = 1000;

template <typename Proto>
absl::StatusOr<std::optional<Proto>> Load(const Snapshot& s,
                                          const std::string& key) {
  ROTA_ASSIGN_OR_RETURN(std::optional<std::string> bytes, s.Get(key));
  if (!bytes.has_value()) return std::optional<Proto>();
  Proto p;
  if (!p.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("stored ", key, " does not parse"));
  }
  return std::optional<Proto>(std::move(p));
}

std::string Etag(uint64_t sequence) { return absl::StrCat(sequence); }

absl::Status EtagMismatch(absl::string_view name, absl::string_view sent,
                          absl::string_view current) {
  return WithReason(
      absl::AbortedError(absl::StrCat("etag \"", sent, "\" of ", name,
                                      " is stale; current etag is \"", current,
                                      "\": re-read and retry")),
      kReasonEtagMismatch);
}

absl::Status NotFound(absl::string_view name) {
  return WithReason(absl::NotFoundError(absl::StrCat(name, " not found")),
                    kReasonNotFound);
}

absl::StatusOr<bool> CountyExists(const Snapshot& s) {
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

ExistsFn ExistsIn(const Snapshot& s) {
  return [&s](absl::string_view collection,
              absl::string_view id) -> absl::StatusOr<bool> {
    std::string key = collection == kSchools ? keys::School(id)
                      : collection == kPosts ? keys::Post(id)
                                             : keys::Teacher(id);
    ROTA_ASSIGN_OR_RETURN(std::optional<std::string> v, s.Get(key));
    return v.has_value();
  };
}

// Fills the output-only fields and records the upsert event.
template <typename R>
absl::Status Upsert(CountyWrite& ctx, R& resource,
                    const std::string& create_time) {
  resource.set_etag(Etag(ctx.next_sequence()));
  resource.set_create_time(create_time.empty() ? ctx.now() : create_time);
  resource.set_update_time(ctx.now());
  return ctx.AddEvent(Traits<R>::kEvent, SerializeDeterministic(resource));
}

bool IsOutputOnly(absl::string_view path) {
  return path == "name" || path == "etag" || path == "create_time" ||
         path == "update_time";
}

void ValidateMask(const google::protobuf::FieldMask& mask,
                  const google::protobuf::Descriptor* descriptor,
                  Violations& v) {
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    if (IsOutputOnly(path)) continue;
    if (!FieldMaskUtil::GetFieldDescriptors(descriptor, path, nullptr)) {
      v.Add(absl::StrCat("update_mask.paths[", i, "]"),
            absl::StrCat("\"", path.substr(0, 100), "\" is not a field of ",
                         descriptor->name()));
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

}  // namespace

absl::Mutex* Registry::CountyMutex(const std::string& county) {
  absl::MutexLock lock(&locks_mu_);
  auto& slot = county_locks_[county];
  if (slot == nullptr) slot = std::make_unique<absl::Mutex>();
  return slot.get();
}

// ---- generic child-resource operations -----------------------------------

namespace {

// Parses the parent "counties/{county}" (violation on `parent` otherwise).
std::optional<std::string> ParentCounty(const std::string& parent,
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
        ROTA_RETURN_IF_ERROR(T::Validate(resource, county,
                                         absl::StrCat(T::kField, "."), Today(),
                                         ExistsIn(ctx.state()), v));
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
        ROTA_RETURN_IF_ERROR(Upsert(ctx, out, ""));
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
  if (!parsed.has_value()) {
    v.Add(name_field,
          absl::StrCat("must be counties/{county}/", T::kCollection, "/{id}"));
  }
  ValidateMask(mask, R::descriptor(), v);
  ValidateRequestId(request_id, v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, parsed->county));
  const std::string& county = parsed->county;
  return WriteToCounty<R>(
      store, *lock(county), call, county, request, request_id,
      [&](CountyWrite& ctx) -> absl::StatusOr<R> {
        ROTA_ASSIGN_OR_RETURN(std::optional<R> current,
                              Load<R>(ctx.state(), T::Key(parsed->id)));
        if (!current.has_value()) return NotFound(update.name());
        if (!update.etag().empty() && update.etag() != current->etag()) {
          return EtagMismatch(update.name(), update.etag(), current->etag());
        }
        R merged = Merge(*current, update, mask);
        Violations mv;
        ROTA_RETURN_IF_ERROR(T::Validate(merged, county,
                                         absl::StrCat(T::kField, "."), Today(),
                                         ExistsIn(ctx.state()), mv));
        ROTA_RETURN_IF_ERROR(mv.ToStatus());
        ROTA_RETURN_IF_ERROR(Upsert(ctx, merged, current->create_time()));
        return merged;
      },
      CountyCheck::kNone);
}

// Calls fn(bytes) for every row under `prefix` (defined with the summary).
template <typename Fn>
absl::Status ForEachRow(const Snapshot& s, const std::string& prefix, Fn fn);

// References that block deleting a resource (FAILED_PRECONDITION if any).
absl::Status CheckUnreferenced(const Snapshot& s, absl::string_view collection,
                               const std::string& id, const std::string& name) {
  if (collection != kSchools) return absl::OkStatus();
  ROTA_ASSIGN_OR_RETURN(auto teachers,
                        s.Scan(keys::TeachersBySchoolPrefix(id), "", 1));
  ROTA_ASSIGN_OR_RETURN(auto posts,
                        s.Scan(keys::PostsBySchoolPrefix(id), "", 1));
  if (!teachers.empty() || !posts.empty()) {
    return PreconditionFailed(
        "SCHOOL_IN_USE", name,
        "teachers or posts still reference this school; move or delete "
        "them first");
  }
  // The home school of a teacher on a term exchange (no index: deleting a
  // school is rare, so its county's teachers are read then).
  return ForEachRow(
      s, keys::kTeacherPrefix, [&](const std::string& bytes) -> absl::Status {
        rota::v1::Teacher t;
        if (!t.ParseFromString(bytes))
          return absl::DataLossError("stored teacher does not parse");
        if (t.home_school() != name) return absl::OkStatus();
        return PreconditionFailed(
            "SCHOOL_IN_USE", name,
            absl::StrCat("it is the home school of ", t.name(),
                         " (a term exchange until ", t.term_end_date(),
                         "); end her term exchange first"));
      });
}

template <typename R, typename LockFn>
absl::StatusOr<rota::v1::DeleteResponse> DeleteChildImpl(
    storage::EventStore& store, LockFn lock, const CallContext& call,
    const Message& request, const std::string& name, const std::string& etag,
    const std::string& request_id) {
  using T = Traits<R>;
  Violations v;
  std::optional<ChildName> parsed = ParseChildName(name, T::kCollection);
  if (!parsed.has_value()) {
    v.Add("name",
          absl::StrCat("must be counties/{county}/", T::kCollection, "/{id}"));
  }
  ValidateRequestId(request_id, v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, parsed->county));
  return WriteToCounty<rota::v1::DeleteResponse>(
      store, *lock(parsed->county), call, parsed->county, request, request_id,
      [&](CountyWrite& ctx) -> absl::StatusOr<rota::v1::DeleteResponse> {
        ROTA_ASSIGN_OR_RETURN(std::optional<R> current,
                              Load<R>(ctx.state(), T::Key(parsed->id)));
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
  ValidatePageSize(page_size, v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *county));
  ROTA_ASSIGN_OR_RETURN(Filter filter,
                        ParseFilter(filter_text, T::kFilter, *county));
  ROTA_ASSIGN_OR_RETURN(std::string last_id,
                        DecodePageToken(page_token, parent, filter_text));
  ROTA_ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snapshot,
                        OpenCountySnapshot(store, *county));
  ROTA_ASSIGN_OR_RETURN(bool exists, CountyExists(*snapshot));
  if (!exists) return NotFound(CountyName(*county));

  size_t limit =
      page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
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

}  // namespace

// ---- counties -------------------------------------------------------------

absl::StatusOr<County> Registry::CreateCounty(
    const CallContext& call, const rota::v1::CreateCountyRequest& req) {
  Violations v;
  if (!IsValidId(req.county_id())) {
    v.Add("county_id", "is required: [a-z0-9][a-z0-9_-]{0,62}");
  }
  ValidateCounty(req.county(), "county.", v);
  ValidateRequestId(req.request_id(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, req.county_id()));
  const std::string& county = req.county_id();
  return WriteToCounty<County>(
      *store_, *CountyMutex(county), call, county, req, req.request_id(),
      [&](CountyWrite& ctx) -> absl::StatusOr<County> {
        ROTA_ASSIGN_OR_RETURN(bool exists, CountyExists(ctx.state()));
        if (exists) {
          return WithReason(absl::AlreadyExistsError(absl::StrCat(
                                CountyName(county), " already exists")),
                            kReasonAlreadyExists);
        }
        County out = req.county();
        out.set_name(CountyName(county));
        out.set_etag(Etag(ctx.next_sequence()));
        out.set_create_time(ctx.now());
        out.set_update_time(ctx.now());
        ROTA_RETURN_IF_ERROR(
            ctx.AddEvent(kCountyEvent, SerializeDeterministic(out)));
        return out;
      },
      CountyCheck::kNone);
}

absl::StatusOr<County> Registry::GetCounty(
    const CallContext& call, const rota::v1::GetCountyRequest& req) {
  std::optional<std::string> county = ParseCountyName(req.name());
  if (!county.has_value())
    return InvalidField("name", "must be counties/{county}");
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *county));
  ROTA_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                        store_->ReadProjection(*county, keys::kCounty));
  if (!bytes.has_value()) return NotFound(req.name());
  County out;
  if (!out.ParseFromString(*bytes))
    return absl::DataLossError("stored county does not parse");
  return out;
}

absl::StatusOr<County> Registry::UpdateCounty(
    const CallContext& call, const rota::v1::UpdateCountyRequest& req) {
  Violations v;
  std::optional<std::string> county = ParseCountyName(req.county().name());
  if (!county.has_value()) v.Add("county.name", "must be counties/{county}");
  ValidateMask(req.update_mask(), County::descriptor(), v);
  ValidateRequestId(req.request_id(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *county));
  return WriteToCounty<County>(
      *store_, *CountyMutex(*county), call, *county, req, req.request_id(),
      [&](CountyWrite& ctx) -> absl::StatusOr<County> {
        ROTA_ASSIGN_OR_RETURN(std::optional<County> current,
                              Load<County>(ctx.state(), keys::kCounty));
        if (!current.has_value()) return NotFound(req.county().name());
        if (!req.county().etag().empty() &&
            req.county().etag() != current->etag()) {
          return EtagMismatch(req.county().name(), req.county().etag(),
                              current->etag());
        }
        County merged = Merge(*current, req.county(), req.update_mask());
        Violations mv;
        ValidateCounty(merged, "county.", mv);
        ROTA_RETURN_IF_ERROR(mv.ToStatus());
        merged.set_etag(Etag(ctx.next_sequence()));
        merged.set_update_time(ctx.now());
        ROTA_RETURN_IF_ERROR(
            ctx.AddEvent(kCountyEvent, SerializeDeterministic(merged)));
        return merged;
      },
      CountyCheck::kNone);
}

absl::StatusOr<rota::v1::DeleteResponse> Registry::DeleteCounty(
    const CallContext& call, const rota::v1::DeleteCountyRequest& req) {
  Violations v;
  std::optional<std::string> county = ParseCountyName(req.name());
  if (!county.has_value()) v.Add("name", "must be counties/{county}");
  ValidateRequestId(req.request_id(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *county));
  return WriteToCounty<rota::v1::DeleteResponse>(
      *store_, *CountyMutex(*county), call, *county, req, req.request_id(),
      [&](CountyWrite& ctx) -> absl::StatusOr<rota::v1::DeleteResponse> {
        ROTA_ASSIGN_OR_RETURN(std::optional<County> current,
                              Load<County>(ctx.state(), keys::kCounty));
        if (!current.has_value()) return NotFound(req.name());
        if (!req.etag().empty() && req.etag() != current->etag()) {
          return EtagMismatch(req.name(), req.etag(), current->etag());
        }
        for (const char* prefix :
             {keys::kSchoolPrefix, keys::kPostPrefix, keys::kTeacherPrefix}) {
          ROTA_ASSIGN_OR_RETURN(auto rows, ctx.state().Scan(prefix, "", 1));
          if (!rows.empty()) {
            return PreconditionFailed(
                "COUNTY_NOT_EMPTY", req.name(),
                "the county still has schools, posts or teachers");
          }
        }
        rota::v1::DeleteResponse response;
        response.set_name(req.name());
        ROTA_RETURN_IF_ERROR(
            ctx.AddEvent(kDeleteEvent, SerializeDeterministic(response)));
        return response;
      },
      CountyCheck::kNone);
}

absl::StatusOr<rota::v1::ListCountiesResponse> Registry::ListCounties(
    const CallContext& call, const rota::v1::ListCountiesRequest& req) {
  Violations v;
  ValidatePageSize(req.page_size(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_ASSIGN_OR_RETURN(std::string last,
                        DecodePageToken(req.page_token(), "counties", ""));
  size_t limit = req.page_size() == 0 ? kDefaultPageSize
                                      : std::min(req.page_size(), kMaxPageSize);
  ROTA_ASSIGN_OR_RETURN(std::vector<std::string> ids, store_->ListCounties());
  rota::v1::ListCountiesResponse response;
  std::string last_returned;
  for (const std::string& id : ids) {
    if (!last.empty() && id <= last) continue;
    if (!CheckCountyAccess(call, id).ok()) continue;
    ROTA_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                          store_->ReadProjection(id, keys::kCounty));
    if (!bytes.has_value()) continue;  // deleted
    if (static_cast<size_t>(response.counties_size()) == limit) {
      response.set_next_page_token(
          EncodePageToken("counties", "", last_returned));
      break;
    }
    if (!response.add_counties()->ParseFromString(*bytes)) {
      return absl::DataLossError("stored county does not parse");
    }
    last_returned = id;
  }
  return response;
}

// ---- schools, posts, teachers ---------------------------------------------

#define ROTA_CREATE_CHILD(R, field)                                         \
  Violations v;                                                             \
  std::optional<std::string> county = ParentCounty(req.parent(), v);        \
  ValidateRequestId(req.request_id(), v);                                   \
  if (!county.has_value() || !IsValidId(req.field##_id())) {                \
    if (!IsValidId(req.field##_id())) {                                     \
      v.Add(#field "_id", "is required: [a-z0-9][a-z0-9_-]{0,62}");         \
    }                                                                       \
    return v.ToStatus();                                                    \
  }                                                                         \
  ROTA_RETURN_IF_ERROR(v.ToStatus());                                       \
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *county));                   \
  return CreateChild<R>(*store_, *CountyMutex(*county), call, req, *county, \
                        #field "_id", req.field##_id(), req.field(),        \
                        req.request_id())

absl::StatusOr<School> Registry::CreateSchool(
    const CallContext& call, const rota::v1::CreateSchoolRequest& req) {
  ROTA_CREATE_CHILD(School, school);
}
absl::StatusOr<Post> Registry::CreatePost(
    const CallContext& call, const rota::v1::CreatePostRequest& req) {
  ROTA_CREATE_CHILD(Post, post);
}
absl::StatusOr<Teacher> Registry::CreateTeacher(
    const CallContext& call, const rota::v1::CreateTeacherRequest& req) {
  ROTA_CREATE_CHILD(Teacher, teacher);
}
#undef ROTA_CREATE_CHILD

absl::StatusOr<School> Registry::GetSchool(
    const CallContext& call, const rota::v1::GetSchoolRequest& req) {
  return GetChild<School>(*store_, call, req.name());
}
absl::StatusOr<Post> Registry::GetPost(const CallContext& call,
                                       const rota::v1::GetPostRequest& req) {
  return GetChild<Post>(*store_, call, req.name());
}
absl::StatusOr<Teacher> Registry::GetTeacher(
    const CallContext& call, const rota::v1::GetTeacherRequest& req) {
  return GetChild<Teacher>(*store_, call, req.name());
}

#define ROTA_LOCK_FN [this](const std::string& c) { return CountyMutex(c); }

absl::StatusOr<School> Registry::UpdateSchool(
    const CallContext& call, const rota::v1::UpdateSchoolRequest& req) {
  return UpdateChildImpl<School>(*store_, ROTA_LOCK_FN, call, req, req.school(),
                                 req.update_mask(), req.request_id());
}
absl::StatusOr<Post> Registry::UpdatePost(
    const CallContext& call, const rota::v1::UpdatePostRequest& req) {
  return UpdateChildImpl<Post>(*store_, ROTA_LOCK_FN, call, req, req.post(),
                               req.update_mask(), req.request_id());
}
absl::StatusOr<Teacher> Registry::UpdateTeacher(
    const CallContext& call, const rota::v1::UpdateTeacherRequest& req) {
  return UpdateChildImpl<Teacher>(*store_, ROTA_LOCK_FN, call, req,
                                  req.teacher(), req.update_mask(),
                                  req.request_id());
}

absl::StatusOr<rota::v1::DeleteResponse> Registry::DeleteSchool(
    const CallContext& call, const rota::v1::DeleteSchoolRequest& req) {
  return DeleteChildImpl<School>(*store_, ROTA_LOCK_FN, call, req, req.name(),
                                 req.etag(), req.request_id());
}
absl::StatusOr<rota::v1::DeleteResponse> Registry::DeletePost(
    const CallContext& call, const rota::v1::DeletePostRequest& req) {
  return DeleteChildImpl<Post>(*store_, ROTA_LOCK_FN, call, req, req.name(),
                               req.etag(), req.request_id());
}
absl::StatusOr<rota::v1::DeleteResponse> Registry::DeleteTeacher(
    const CallContext& call, const rota::v1::DeleteTeacherRequest& req) {
  return DeleteChildImpl<Teacher>(*store_, ROTA_LOCK_FN, call, req, req.name(),
                                  req.etag(), req.request_id());
}
#undef ROTA_LOCK_FN

absl::StatusOr<rota::v1::ListSchoolsResponse> Registry::ListSchools(
    const CallContext& call, const rota::v1::ListSchoolsRequest& req) {
  rota::v1::ListSchoolsResponse response;
  ROTA_RETURN_IF_ERROR(ListChildren<School>(
      *store_, call, req.parent(), req.page_size(), req.page_token(),
      req.filter(), response.mutable_schools(),
      response.mutable_next_page_token()));
  return response;
}
absl::StatusOr<rota::v1::ListPostsResponse> Registry::ListPosts(
    const CallContext& call, const rota::v1::ListPostsRequest& req) {
  rota::v1::ListPostsResponse response;
  ROTA_RETURN_IF_ERROR(ListChildren<Post>(
      *store_, call, req.parent(), req.page_size(), req.page_token(),
      req.filter(), response.mutable_posts(),
      response.mutable_next_page_token()));
  return response;
}
absl::StatusOr<rota::v1::ListTeachersResponse> Registry::ListTeachers(
    const CallContext& call, const rota::v1::ListTeachersRequest& req) {
  rota::v1::ListTeachersResponse response;
  ROTA_RETURN_IF_ERROR(ListChildren<Teacher>(
      *store_, call, req.parent(), req.page_size(), req.page_token(),
      req.filter(), response.mutable_teachers(),
      response.mutable_next_page_token()));
  return response;
}

// ---- bulk import ----------------------------------------------------------

namespace {

// Validates one import row against the chunk's state so far and, if valid,
// records its upsert. Violations become row errors.
template <typename R>
absl::Status ImportRow(CountyWrite& ctx, const std::string& county, int64_t row,
                       const R& resource,
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
  ROTA_RETURN_IF_ERROR(
      T::Validate(resource, county, prefix, Today(), ExistsIn(ctx.state()), v));
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
                        Load<R>(ctx.state(), T::Key(parsed->id)));
  R out = resource;
  ROTA_RETURN_IF_ERROR(
      Upsert(ctx, out, existing ? existing->create_time() : ""));
  response.set_rows_applied(response.rows_applied() + 1);
  return absl::OkStatus();
}

// Rows of one kind in one chunk that name the same resource would silently
// overwrite each other (a teacher disappears): every such row is rejected,
// naming the rows it collides with. Returns, by index, the rows to skip.
template <typename Row, typename Get>
std::vector<bool> RejectDuplicateRows(
    const google::protobuf::RepeatedPtrField<Row>& rows, Get resource_of,
    absl::string_view field, rota::v1::BulkImportResponse& response) {
  std::map<std::string, std::vector<int64_t>> rows_by_name;
  for (const Row& r : rows) {
    const std::string& name = resource_of(r).name();
    if (!name.empty()) rows_by_name[name].push_back(r.row());
  }
  std::vector<bool> skip(rows.size(), false);
  for (int i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    auto it = rows_by_name.find(resource_of(r).name());
    if (it == rows_by_name.end() || it->second.size() < 2) continue;
    skip[i] = true;
    response.set_rows_rejected(response.rows_rejected() + 1);
    auto* e = response.add_errors();
    e->set_row(r.row());
    e->set_field(std::string(field));
    e->set_reason(absl::StrCat("rows ", absl::StrJoin(it->second, ", "),
                               " of this chunk all name ", it->first,
                               "; each may appear once"));
  }
  return skip;
}

}  // namespace

absl::StatusOr<rota::v1::BulkImportResponse> Registry::ImportChunk(
    const CallContext& call, const rota::v1::BulkImportRequest& req) {
  ROTA_ASSIGN_OR_RETURN(std::vector<rota::v1::BulkImportResponse> out,
                        ImportChunks(call, {req}));
  return std::move(out[0]);
}

absl::StatusOr<std::vector<rota::v1::BulkImportResponse>>
Registry::ImportChunks(const CallContext& call,
                       const std::vector<rota::v1::BulkImportRequest>& chunks) {
  std::vector<rota::v1::BulkImportResponse> responses(chunks.size());
  if (chunks.empty()) return responses;
  Violations v;
  std::optional<std::string> county = ParentCounty(chunks[0].parent(), v);
  std::vector<std::string> digests(chunks.size());
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i].parent() != chunks[0].parent()) {
      v.Add("parent", "must be the same on every chunk of an import");
    }
    ValidateRequestId(chunks[i].request_id(), v);
  }
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *county));
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (!chunks[i].request_id().empty())
      digests[i] = RequestDigestOf(chunks[i]);
  }

  absl::MutexLock lock(CountyMutex(*county));
  ROTA_ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snapshot,
                        OpenCountySnapshot(*store_, *county));
  ROTA_ASSIGN_OR_RETURN(bool exists, CountyExists(*snapshot));
  if (!exists) return CountyMissing(*county);
  CountyWrite ctx(*snapshot, call, "");
  for (size_t i = 0; i < chunks.size(); ++i) {
    const rota::v1::BulkImportRequest& req = chunks[i];
    rota::v1::BulkImportResponse& response = responses[i];
    const std::string& request_id = req.request_id();
    if (!request_id.empty()) {
      // Earlier chunks of this batch are visible through the overlay.
      ROTA_ASSIGN_OR_RETURN(std::optional<std::string> record,
                            ctx.state().Get(keys::Request(request_id)));
      if (record.has_value()) {
        const std::string& digest = digests[i];
        if (record->compare(0, digest.size(), digest) != 0) {
          return RequestIdReused();
        }
        if (!response.ParseFromArray(
                record->data() + digest.size(),
                static_cast<int>(record->size() - digest.size()))) {
          return absl::DataLossError(
              "stored response of request_id does not parse");
        }
        continue;  // replayed chunk: nothing applied twice
      }
    }
    ctx.set_request_id(request_id);
    size_t drafts_before = ctx.drafts().size();
    response.set_chunks(1);
    response.set_rows_received(req.schools_size() + req.posts_size() +
                               req.teachers_size());
    // Schools first, then posts, then teachers, so rows can reference
    // resources created earlier in the same chunk (or batch).
    const std::vector<bool> skip_schools = RejectDuplicateRows(
        req.schools(), [](const auto& r) -> const auto& { return r.school(); },
        "school.name", response);
    const std::vector<bool> skip_posts = RejectDuplicateRows(
        req.posts(), [](const auto& r) -> const auto& { return r.post(); },
        "post.name", response);
    const std::vector<bool> skip_teachers = RejectDuplicateRows(
        req.teachers(),
        [](const auto& r) -> const auto& { return r.teacher(); },
        "teacher.name", response);
    for (int k = 0; k < req.schools_size(); ++k) {
      if (skip_schools[k]) continue;
      const auto& r = req.schools(k);
      ROTA_RETURN_IF_ERROR(
          ImportRow(ctx, *county, r.row(), r.school(), response));
    }
    for (int k = 0; k < req.posts_size(); ++k) {
      if (skip_posts[k]) continue;
      const auto& r = req.posts(k);
      ROTA_RETURN_IF_ERROR(
          ImportRow(ctx, *county, r.row(), r.post(), response));
    }
    for (int k = 0; k < req.teachers_size(); ++k) {
      if (skip_teachers[k]) continue;
      const auto& r = req.teachers(k);
      ROTA_RETURN_IF_ERROR(
          ImportRow(ctx, *county, r.row(), r.teacher(), response));
    }
    if (!request_id.empty() && ctx.drafts().size() > drafts_before) {
      ctx.AddRecord(keys::Request(request_id),
                    digests[i] + SerializeDeterministic(response));
    }
  }
  if (!ctx.drafts().empty()) {
    ROTA_RETURN_IF_ERROR(store_
                             ->Append(*county, ctx.head(),
                                      std::move(ctx.drafts()), ctx.TakeWrites())
                             .status());
  }
  return responses;
}

// ---- summary --------------------------------------------------------------

namespace {

template <typename Fn>
absl::Status ForEachRow(const Snapshot& s, const std::string& prefix, Fn fn) {
  std::string after;
  constexpr size_t kBatch = 1024;
  while (true) {
    ROTA_ASSIGN_OR_RETURN(auto rows, s.Scan(prefix, after, kBatch));
    for (const auto& [k, v] : rows) ROTA_RETURN_IF_ERROR(fn(v));
    if (rows.size() < kBatch) return absl::OkStatus();
    after = rows.back().first;
  }
}

void AddCounts(
    const std::map<std::string, int64_t>& counts,
    google::protobuf::RepeatedPtrField<rota::v1::CountSummary>* out) {
  for (const auto& [k, n] : counts) {
    auto* c = out->Add();
    c->set_key(k);
    c->set_count(n);
  }
}

}  // namespace

absl::StatusOr<rota::v1::CountySummary> Registry::GetCountySummary(
    const CallContext& call, const rota::v1::GetCountySummaryRequest& req) {
  std::optional<std::string> county = ParseCountyName(req.name());
  if (!county.has_value())
    return InvalidField("name", "must be counties/{county}");
  ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, *county));
  ROTA_ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snapshot,
                        OpenCountySnapshot(*store_, *county));
  ROTA_ASSIGN_OR_RETURN(std::optional<County> c,
                        Load<County>(*snapshot, keys::kCounty));
  if (!c.has_value()) return NotFound(req.name());
  rota::v1::CountySummary out;
  out.set_name(c->name());
  out.set_display_name(c->display_name());
  std::map<std::string, rota::v1::Locality> school_locality;
  std::map<std::string, int64_t> schools_by_locality, teachers_by_locality,
      by_gender, by_title, by_subject;
  ROTA_RETURN_IF_ERROR(
      ForEachRow(*snapshot, keys::kSchoolPrefix, [&](const std::string& bytes) {
        School s;
        if (!s.ParseFromString(bytes))
          return absl::DataLossError("stored school does not parse");
        out.set_schools(out.schools() + 1);
        out.set_headcount(out.headcount() + s.headcount());
        school_locality[s.name()] = s.locality();
        ++schools_by_locality[rota::v1::Locality_Name(s.locality())];
        return absl::OkStatus();
      }));
  ROTA_RETURN_IF_ERROR(
      ForEachRow(*snapshot, keys::kPostPrefix, [&](const std::string& bytes) {
        Post p;
        if (!p.ParseFromString(bytes))
          return absl::DataLossError("stored post does not parse");
        out.set_posts(out.posts() + 1);
        out.set_post_seats(out.post_seats() + p.count());
        return absl::OkStatus();
      }));
  ROTA_RETURN_IF_ERROR(ForEachRow(
      *snapshot, keys::kTeacherPrefix, [&](const std::string& bytes) {
        Teacher t;
        if (!t.ParseFromString(bytes))
          return absl::DataLossError("stored teacher does not parse");
        out.set_teachers(out.teachers() + 1);
        auto it = school_locality.find(t.school());
        ++teachers_by_locality[rota::v1::Locality_Name(
            it == school_locality.end() ? rota::v1::LOCALITY_UNSPECIFIED
                                        : it->second)];
        ++by_gender[rota::v1::Gender_Name(t.gender())];
        ++by_title[rota::v1::Title_Name(t.title())];
        if (t.subjects_size() > 0) ++by_subject[t.subjects(0)];
        if (t.backbone_level() > rota::v1::NOT_BACKBONE)
          out.set_backbone_teachers(out.backbone_teachers() + 1);
        if (t.exemptions_size() > 0)
          out.set_exempt_teachers(out.exempt_teachers() + 1);
        return absl::OkStatus();
      }));
  AddCounts(schools_by_locality, out.mutable_schools_by_locality());
  AddCounts(teachers_by_locality, out.mutable_teachers_by_locality());
  AddCounts(by_gender, out.mutable_teachers_by_gender());
  AddCounts(by_title, out.mutable_teachers_by_title());
  AddCounts(by_subject, out.mutable_teachers_by_subject());
  uint64_t head = snapshot->head_sequence();
  out.set_events(static_cast<int64_t>(head));
  if (head > 0) {
    ROTA_ASSIGN_OR_RETURN(std::vector<storage::Event> last,
                          store_->ReadRange(*county, head, 1));
    if (!last.empty()) out.set_head_hash(ToHex(last.back().hash));
  }
  return out;
}

}  // namespace rota::service
