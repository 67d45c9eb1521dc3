#include "service/projection.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "rota/v1/registry.pb.h"
#include "rota/v1/resources.pb.h"
#include "service/round_projection.h"
#include "service/validation.h"

namespace rota::service {

using storage::Event;
using storage::ProjectionWrite;
using storage::Snapshot;

namespace keys {
std::string School(absl::string_view id) {
  return absl::StrCat(kSchoolPrefix, id);
}
std::string Post(absl::string_view id) { return absl::StrCat(kPostPrefix, id); }
std::string Teacher(absl::string_view id) {
  return absl::StrCat(kTeacherPrefix, id);
}
std::string PeriodRequirement(absl::string_view id) {
  return absl::StrCat(kPeriodRequirementPrefix, id);
}
std::string RoadDistance(absl::string_view id) {
  return absl::StrCat(kRoadDistancePrefix, id);
}
std::string Applicant(absl::string_view id) {
  return absl::StrCat(kApplicantPrefix, id);
}
std::string RecruitmentPost(absl::string_view id) {
  return absl::StrCat(kRecruitmentPostPrefix, id);
}
std::string TeachersBySchoolPrefix(absl::string_view school) {
  return absl::StrCat("x/ts/", school, "/");
}
std::string TeachersBySubjectPrefix(absl::string_view subject) {
  return absl::StrCat("x/tj/", subject, "/");
}
std::string PostsBySchoolPrefix(absl::string_view school) {
  return absl::StrCat("x/ps/", school, "/");
}
std::string Request(absl::string_view request_id) {
  return absl::StrCat(kRequestPrefix, request_id);
}
}  // namespace keys

namespace {

absl::string_view IdOf(absl::string_view name) {
  size_t slash = name.rfind('/');
  return slash == absl::string_view::npos ? name : name.substr(slash + 1);
}

// A row's index keys, sorted, each once. (A vector: a teacher has two or
// three, and an import computes them for every row.)
using IndexKeys = std::vector<std::string>;

IndexKeys TeacherIndexKeys(const rota::v1::Teacher& t) {
  const absl::string_view id = IdOf(t.name());
  IndexKeys out;
  out.reserve(1 + t.subjects_size());
  out.push_back(keys::TeachersBySchoolPrefix(IdOf(t.school())));
  out.back().append(id.data(), id.size());
  for (const auto& subject : t.subjects()) {
    out.push_back(keys::TeachersBySubjectPrefix(subject));
    out.back().append(id.data(), id.size());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

IndexKeys PostIndexKeys(const rota::v1::Post& p) {
  return {absl::StrCat(keys::PostsBySchoolPrefix(IdOf(p.school())),
                       IdOf(p.name()))};
}

// Index maintenance: delete keys that disappear, put keys that appear.
void DiffIndex(const IndexKeys& before, const IndexKeys& after,
               std::vector<ProjectionWrite>& out) {
  for (const auto& k : before) {
    if (!std::binary_search(after.begin(), after.end(), k))
      out.push_back(ProjectionWrite::Delete(k));
  }
  for (const auto& k : after) {
    if (!std::binary_search(before.begin(), before.end(), k))
      out.push_back(ProjectionWrite::Put(k, ""));
  }
}

absl::Status Corrupt(const Event& e) {
  return absl::DataLossError(absl::StrCat("event ", e.sequence, " (", e.type,
                                          "): payload does not parse"));
}

// The projection key of a resource's row (from its own name).
std::string RowKey(const rota::v1::School& r) {
  return keys::School(IdOf(r.name()));
}
std::string RowKey(const rota::v1::Post& r) {
  return keys::Post(IdOf(r.name()));
}
std::string RowKey(const rota::v1::Teacher& r) {
  return keys::Teacher(IdOf(r.name()));
}
std::string RowKey(const rota::v1::PeriodRequirement& r) {
  return keys::PeriodRequirement(IdOf(r.name()));
}
std::string RowKey(const rota::v1::RoadDistance& r) {
  return keys::RoadDistance(IdOf(r.name()));
}
std::string RowKey(const rota::v1::Applicant& r) {
  return keys::Applicant(IdOf(r.name()));
}
std::string RowKey(const rota::v1::RecruitmentPost& r) {
  return keys::RecruitmentPost(IdOf(r.name()));
}

// Parses an upsert event's payload and projects it over the stored row
// (read only for the kinds with index keys).
template <typename R>
absl::StatusOr<std::vector<ProjectionWrite>> ProjectParsed(
    const Event& e, const Snapshot& before) {
  R r;
  if (!r.ParseFromString(e.payload)) return Corrupt(e);
  std::optional<R> old;
  if constexpr (std::is_same_v<R, rota::v1::Post> ||
                std::is_same_v<R, rota::v1::Teacher>) {
    ROTA_ASSIGN_OR_RETURN(old, LoadProto<R>(before, RowKey(r)));
  }
  return ProjectUpsert(r, e.payload, old ? &*old : nullptr);
}

}  // namespace

absl::StatusOr<std::vector<ProjectionWrite>> ProjectEvent(
    const Event& e, const Snapshot& before) {
  std::vector<ProjectionWrite> out;
  if (e.type == kCountyEvent) {
    out.push_back(ProjectionWrite::Put(keys::kCounty, e.payload));
  } else if (e.type == kSchoolEvent) {
    return ProjectParsed<rota::v1::School>(e, before);
  } else if (e.type == kPostEvent) {
    return ProjectParsed<rota::v1::Post>(e, before);
  } else if (e.type == kTeacherEvent) {
    return ProjectParsed<rota::v1::Teacher>(e, before);
  } else if (e.type == kPeriodRequirementEvent) {
    return ProjectParsed<rota::v1::PeriodRequirement>(e, before);
  } else if (e.type == kRoadDistanceEvent) {
    return ProjectParsed<rota::v1::RoadDistance>(e, before);
  } else if (e.type == kApplicantEvent) {
    return ProjectParsed<rota::v1::Applicant>(e, before);
  } else if (e.type == kRecruitmentPostEvent) {
    return ProjectParsed<rota::v1::RecruitmentPost>(e, before);
  } else if (e.type == kDeleteEvent) {
    rota::v1::DeleteResponse d;
    if (!d.ParseFromString(e.payload)) return Corrupt(e);
    if (ParseCountyName(d.name()).has_value()) {
      out.push_back(ProjectionWrite::Delete(keys::kCounty));
    } else if (auto s = ParseChildName(d.name(), kSchools)) {
      out.push_back(ProjectionWrite::Delete(keys::School(s->id)));
    } else if (auto p = ParseChildName(d.name(), kPosts)) {
      std::string key = keys::Post(p->id);
      ROTA_ASSIGN_OR_RETURN(auto old, LoadProto<rota::v1::Post>(before, key));
      if (old) DiffIndex(PostIndexKeys(*old), {}, out);
      out.push_back(ProjectionWrite::Delete(key));
    } else if (auto t = ParseChildName(d.name(), kTeachers)) {
      std::string key = keys::Teacher(t->id);
      ROTA_ASSIGN_OR_RETURN(auto old,
                            LoadProto<rota::v1::Teacher>(before, key));
      if (old) DiffIndex(TeacherIndexKeys(*old), {}, out);
      out.push_back(ProjectionWrite::Delete(key));
    } else if (auto q = ParseChildName(d.name(), kPeriodRequirements)) {
      out.push_back(ProjectionWrite::Delete(keys::PeriodRequirement(q->id)));
    } else if (auto r = ParseChildName(d.name(), kRoadDistances)) {
      out.push_back(ProjectionWrite::Delete(keys::RoadDistance(r->id)));
    } else if (auto a = ParseChildName(d.name(), kApplicants)) {
      out.push_back(ProjectionWrite::Delete(keys::Applicant(a->id)));
    } else if (auto j = ParseChildName(d.name(), kRecruitmentPosts)) {
      out.push_back(ProjectionWrite::Delete(keys::RecruitmentPost(j->id)));
    } else {
      return Corrupt(e);
    }
  } else {
    // Policies and rounds (round_projection.h); other types project nothing.
    return ProjectRoundEvent(e, before);
  }
  return out;
}

std::vector<ProjectionWrite> ProjectUpsert(const rota::v1::School& r,
                                           const std::string& payload,
                                           const rota::v1::School*) {
  return {ProjectionWrite::Put(RowKey(r), payload)};
}
std::vector<ProjectionWrite> ProjectUpsert(const rota::v1::Post& r,
                                           const std::string& payload,
                                           const rota::v1::Post* old) {
  std::vector<ProjectionWrite> out;
  DiffIndex(old ? PostIndexKeys(*old) : IndexKeys{}, PostIndexKeys(r), out);
  out.push_back(ProjectionWrite::Put(RowKey(r), payload));
  return out;
}
std::vector<ProjectionWrite> ProjectUpsert(const rota::v1::Teacher& r,
                                           const std::string& payload,
                                           const rota::v1::Teacher* old) {
  std::vector<ProjectionWrite> out;
  DiffIndex(old ? TeacherIndexKeys(*old) : IndexKeys{}, TeacherIndexKeys(r),
            out);
  out.push_back(ProjectionWrite::Put(RowKey(r), payload));
  return out;
}
std::vector<ProjectionWrite> ProjectUpsert(const rota::v1::PeriodRequirement& r,
                                           const std::string& payload,
                                           const rota::v1::PeriodRequirement*) {
  return {ProjectionWrite::Put(RowKey(r), payload)};
}
std::vector<ProjectionWrite> ProjectUpsert(const rota::v1::RoadDistance& r,
                                           const std::string& payload,
                                           const rota::v1::RoadDistance*) {
  return {ProjectionWrite::Put(RowKey(r), payload)};
}
std::vector<ProjectionWrite> ProjectUpsert(const rota::v1::Applicant& r,
                                           const std::string& payload,
                                           const rota::v1::Applicant*) {
  return {ProjectionWrite::Put(RowKey(r), payload)};
}
std::vector<ProjectionWrite> ProjectUpsert(const rota::v1::RecruitmentPost& r,
                                           const std::string& payload,
                                           const rota::v1::RecruitmentPost*) {
  return {ProjectionWrite::Put(RowKey(r), payload)};
}

storage::Projector RegistryProjector() {
  return [](const Event& e, const Snapshot& before) {
    return ProjectEvent(e, before);
  };
}

void OverlaySnapshot::Apply(const std::vector<ProjectionWrite>& writes) {
  for (const auto& w : writes) pending_[w.key] = w.value;
}

void OverlaySnapshot::Apply(std::vector<ProjectionWrite>&& writes) {
  for (auto& w : writes) pending_[std::move(w.key)] = std::move(w.value);
}

std::vector<ProjectionWrite> OverlaySnapshot::TakePending() {
  std::vector<ProjectionWrite> out;
  out.reserve(pending_.size());
  for (auto& [key, value] : pending_) {
    out.push_back(ProjectionWrite{key, std::move(value)});
  }
  pending_.clear();
  return out;
}

absl::StatusOr<const std::optional<std::string>*> OverlaySnapshot::BaseRead(
    const std::string& key) const {
  static const std::optional<std::string> kAbsent;
  if (base_ == nullptr) return &kAbsent;
  // The base is an immutable snapshot, so its answers can be remembered: an
  // import chunk asks for the same school hundreds of times. Absent keys are
  // not kept: an import asks once for each of its new rows, and the store's
  // Bloom filters answer that cheaply.
  auto cached = store_reads_->values_.find(key);
  if (cached != store_reads_->values_.end()) return &cached->second;
  if (store_reads_->KnownAbsent(key)) return &kAbsent;
  ROTA_ASSIGN_OR_RETURN(std::optional<std::string> value, base_->Get(key));
  if (!value.has_value()) return &kAbsent;
  return &store_reads_->values_.emplace(key, std::move(value)).first->second;
}

void OverlaySnapshot::StoreReads::AddCompletePrefix(
    std::string prefix, std::vector<std::pair<std::string, std::string>> rows) {
  for (auto& [key, value] : rows) values_.emplace(key, std::move(value));
  complete_prefixes_.push_back(std::move(prefix));
}

bool OverlaySnapshot::StoreReads::KnownAbsent(const std::string& key) const {
  // (A key under a complete prefix that has a value is in values_, looked up
  // first.)
  for (const std::string& prefix : complete_prefixes_) {
    if (key.compare(0, prefix.size(), prefix) == 0) {
      return !written_.contains(key);
    }
  }
  return false;
}

void OverlaySnapshot::StoreReads::ForgetKey(const std::string& key) {
  if (!values_.empty()) values_.erase(key);
  for (const std::string& prefix : complete_prefixes_) {
    if (key.compare(0, prefix.size(), prefix) == 0) {
      written_.insert(key);
      break;
    }
  }
}

void OverlaySnapshot::StoreReads::Forget(
    const std::vector<ProjectionWrite>& writes) {
  for (const ProjectionWrite& w : writes) ForgetKey(w.key);
}

void OverlaySnapshot::StoreReads::Forget(const PendingMap& writes) {
  for (const auto& [key, value] : writes) ForgetKey(key);
}

std::vector<ProjectionWrite> OverlaySnapshot::CopyPending() const {
  std::vector<ProjectionWrite> out;
  out.reserve(pending_.size());
  for (const auto& [key, value] : pending_) {
    out.push_back(ProjectionWrite{key, value});
  }
  return out;
}

OverlaySnapshot::PendingMap OverlaySnapshot::TakePendingMap() {
  PendingMap out = std::move(pending_);
  pending_.clear();
  return out;
}

absl::StatusOr<std::optional<std::string>> OverlaySnapshot::Get(
    const std::string& key) const {
  auto it = pending_.find(key);
  if (it != pending_.end()) return it->second;
  ROTA_ASSIGN_OR_RETURN(const std::optional<std::string>* value, BaseRead(key));
  return *value;
}

absl::StatusOr<bool> OverlaySnapshot::Contains(const std::string& key) const {
  auto it = pending_.find(key);
  if (it != pending_.end()) return it->second.has_value();
  ROTA_ASSIGN_OR_RETURN(const std::optional<std::string>* value, BaseRead(key));
  return value->has_value();
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
OverlaySnapshot::Scan(const std::string& prefix, const std::string& start_after,
                      size_t limit) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::string cursor = start_after;
  // Merge base and pending in key order; fetch base in batches because
  // pending deletions may hide some of its keys.
  while (out.size() < limit) {
    std::vector<std::pair<std::string, std::string>> base_rows;
    bool base_done = true;
    if (base_ != nullptr) {
      size_t batch = std::max<size_t>(limit - out.size(), 64);
      ROTA_ASSIGN_OR_RETURN(base_rows, base_->Scan(prefix, cursor, batch));
      base_done = base_rows.size() < batch;
    }
    // Pending keys in (cursor, upper] where upper is the last base key read
    // (or unbounded if the base is exhausted).
    auto it = cursor.empty() ? pending_.lower_bound(prefix)
                             : pending_.upper_bound(cursor);
    // (The base rows are moved out as they are merged: keep the bound.)
    const std::string upper = base_done ? "" : base_rows.back().first;
    size_t b = 0;
    std::string last;
    while (out.size() < limit) {
      bool have_p = it != pending_.end() &&
                    it->first.compare(0, prefix.size(), prefix) == 0 &&
                    (base_done || it->first <= upper);
      bool have_b = b < base_rows.size();
      if (!have_p && !have_b) break;
      if (have_p && (!have_b || it->first <= base_rows[b].first)) {
        if (have_b && it->first == base_rows[b].first)
          ++b;  // pending overrides
        if (it->second.has_value()) out.emplace_back(it->first, *it->second);
        last = it->first;
        ++it;
      } else {
        last = base_rows[b].first;
        out.emplace_back(std::move(base_rows[b].first),
                         std::move(base_rows[b].second));
        ++b;
      }
    }
    if (base_done || last.empty()) break;
    cursor = last;
    if (out.size() >= limit) break;
  }
  return out;
}

}  // namespace rota::service
