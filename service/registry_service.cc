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
#include "service/internal/registry_resource.h"
#include "service/page_token.h"
#include "service/projection.h"
#include "service/validation.h"

namespace rota::service {

using registry_internal::CountyExists;
using registry_internal::CreateChild;
using registry_internal::DeleteChildImpl;
using registry_internal::Etag;
using registry_internal::ForEachRow;
using registry_internal::GetChild;
using registry_internal::ListChildren;
using registry_internal::Merge;
using registry_internal::NotFound;
using registry_internal::ParentCounty;
using registry_internal::UpdateChildImpl;
using registry_internal::Upsert;
using registry_internal::ValidateMask;
using rota::v1::County;
using rota::v1::Post;
using rota::v1::School;
using rota::v1::Teacher;
using storage::Snapshot;

namespace registry_internal {

absl::Status CheckUnreferenced(const Snapshot& s, absl::string_view collection,
                               const std::string& id, const std::string& name) {
  ROTA_RETURN_IF_ERROR(CheckRecruitmentReferences(s, collection, name));
  ROTA_RETURN_IF_ERROR(CheckItinerantReferences(s, collection, name));
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

}  // namespace registry_internal

absl::Mutex* Registry::CountyMutex(const std::string& county) {
  absl::MutexLock lock(&locks_mu_);
  auto& slot = county_locks_[county];
  if (slot == nullptr) slot = std::make_unique<absl::Mutex>();
  return slot.get();
}

// ---- counties -------------------------------------------------------------

absl::StatusOr<County> Registry::CreateCounty(
    const CallContext& call, const rota::v1::CreateCountyRequest& req) {
  Violations v;
  if (IsValidId(req.county_id())) {
    ROTA_RETURN_IF_ERROR(CheckCountyAccess(call, req.county_id()));
  } else {
    v.Add("county_id", "is required: [a-z0-9][a-z0-9_-]{0,62}");
  }
  ValidateCounty(req.county(), "county.", v);
  ValidateRequestId(req.request_id(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
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
  ROTA_RETURN_IF_ERROR(CheckCountyAccessIfNamed(call, county));
  if (!county.has_value()) v.Add("county.name", "must be counties/{county}");
  ValidateMask(req.update_mask(), County::descriptor(), v);
  ValidateRequestId(req.request_id(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  return WriteToCounty<County>(
      *store_, *CountyMutex(*county), call, *county, req, req.request_id(),
      [&](CountyWrite& ctx) -> absl::StatusOr<County> {
        ROTA_ASSIGN_OR_RETURN(std::optional<County> current,
                              LoadProto<County>(ctx.state(), keys::kCounty));
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
  ROTA_RETURN_IF_ERROR(CheckCountyAccessIfNamed(call, county));
  if (!county.has_value()) v.Add("name", "must be counties/{county}");
  ValidateRequestId(req.request_id(), v);
  ROTA_RETURN_IF_ERROR(v.ToStatus());
  return WriteToCounty<rota::v1::DeleteResponse>(
      *store_, *CountyMutex(*county), call, *county, req, req.request_id(),
      [&](CountyWrite& ctx) -> absl::StatusOr<rota::v1::DeleteResponse> {
        ROTA_ASSIGN_OR_RETURN(std::optional<County> current,
                              LoadProto<County>(ctx.state(), keys::kCounty));
        if (!current.has_value()) return NotFound(req.name());
        if (!req.etag().empty() && req.etag() != current->etag()) {
          return EtagMismatch(req.name(), req.etag(), current->etag());
        }
        for (const char* prefix :
             {keys::kSchoolPrefix, keys::kPostPrefix, keys::kTeacherPrefix,
              keys::kPeriodRequirementPrefix, keys::kRoadDistancePrefix}) {
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
  size_t limit = PageLimit(req.page_size());
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

// ---- summary --------------------------------------------------------------

namespace {

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
                        LoadProto<County>(*snapshot, keys::kCounty));
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
