#include "service/county_write.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "common/sha256.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"
#include "service/validation.h"

namespace rota::service {

std::string SerializeDeterministic(const google::protobuf::Message& m) {
  // Sized once, written in place: a growing string would copy (and fault in)
  // a frozen round's tens of MB several times over.
  const size_t size = m.ByteSizeLong();
  std::string out(size, '\0');
  {
    google::protobuf::io::ArrayOutputStream stream(out.data(),
                                                   static_cast<int>(size));
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeWithCachedSizes(&coded);
  }
  return out;
}

namespace {

// A protobuf output stream that hashes what is written to it, through one
// small buffer: an import chunk's digest without its 300 KB serialization.
class HashingOutputStream final
    : public google::protobuf::io::ZeroCopyOutputStream {
 public:
  explicit HashingOutputStream(Sha256Hasher* hasher) : hasher_(hasher) {}
  ~HashingOutputStream() override { Flush(); }

  bool Next(void** data, int* size) override {
    Flush();
    *data = buffer_;
    *size = sizeof(buffer_);
    used_ = sizeof(buffer_);
    return true;
  }
  void BackUp(int count) override { used_ -= count; }
  int64_t ByteCount() const override { return flushed_ + used_; }

 private:
  void Flush() {
    hasher_->Update(std::string_view(buffer_, used_));
    flushed_ += used_;
    used_ = 0;
  }

  Sha256Hasher* hasher_;
  char buffer_[16 << 10];
  int used_ = 0;
  int64_t flushed_ = 0;
};

// The digest of `request`, whose request_id is already cleared.
std::string DigestOfCleared(const google::protobuf::Message& request) {
  // The message type is part of the digest: two methods whose requests
  // serialize alike (FreezeRound and CommitRound both carry a name) must
  // not share a request id, or one would answer with the other's result.
  Sha256Hasher hasher;
  hasher.Update(request.GetDescriptor()->full_name());
  hasher.Update(std::string_view("\0", 1));
  {
    // The bytes SerializeDeterministic would give, hashed as they come.
    (void)request.ByteSizeLong();  // caches the sizes serializing needs
    HashingOutputStream stream(&hasher);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializeWithCachedSizes(&coded);
  }
  Sha256Digest d = hasher.Finish();
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

}  // namespace

std::string RequestDigestOf(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const auto* f = copy->GetDescriptor()->FindFieldByName("request_id")) {
    copy->GetReflection()->ClearField(copy.get(), f);
  }
  return DigestOfCleared(*copy);
}

std::string RequestDigestInPlace(google::protobuf::Message* request) {
  const auto* f = request->GetDescriptor()->FindFieldByName("request_id");
  if (f == nullptr ||
      f->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      f->is_repeated()) {
    return RequestDigestOf(*request);
  }
  const google::protobuf::Reflection* r = request->GetReflection();
  std::string id = r->GetString(*request, f);
  r->ClearField(request, f);
  std::string digest = DigestOfCleared(*request);
  r->SetString(request, f, std::move(id));
  return digest;
}

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<std::unique_ptr<storage::Snapshot>> OpenCountySnapshot(
    const storage::EventStore& store, const std::string& county) {
  absl::StatusOr<std::unique_ptr<storage::Snapshot>> s =
      store.GetSnapshot(county);
  if (absl::IsNotFound(s.status()))
    return std::unique_ptr<storage::Snapshot>(new OverlaySnapshot());
  return s;
}

absl::Status CountyWrite::AddEvent(const char* type, std::string payload) {
  storage::Event e;
  e.sequence = next_sequence();
  e.actor = actor_;
  e.request_id = request_id_;
  e.type = type;
  e.payload = std::move(payload);
  ROTA_ASSIGN_OR_RETURN(std::vector<storage::ProjectionWrite> writes,
                        ProjectEvent(e, overlay_));
  overlay_.Apply(std::move(writes));
  drafts_.push_back(
      storage::EventDraft{e.actor, e.request_id, e.type, std::move(e.payload)});
  return absl::OkStatus();
}

bool ParseSkippingFields(absl::string_view bytes, absl::Span<const int> skip,
                         google::protobuf::MessageLite* out) {
  if (skip.empty()) return out->ParseFromArray(bytes.data(), bytes.size());
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(std::numeric_limits<int>::max());
  // The kept fields' byte ranges, adjacent ones merged: with fields written
  // in number order (deterministic serialization) and the skipped ones
  // last, that is one prefix, parsed in place without a copy.
  std::vector<std::pair<int, int>> kept;
  while (true) {
    const int start = in.CurrentPosition();
    const uint32_t tag = in.ReadTag();
    if (tag == 0) break;
    if (!WireFormatLite::SkipField(&in, tag)) return false;
    const int field = static_cast<int>(WireFormatLite::GetTagFieldNumber(tag));
    if (std::find(skip.begin(), skip.end(), field) != skip.end()) continue;
    if (!kept.empty() && kept.back().second == start) {
      kept.back().second = in.CurrentPosition();
    } else {
      kept.push_back({start, in.CurrentPosition()});
    }
  }
  if (!in.ConsumedEntireMessage() ||
      in.CurrentPosition() != static_cast<int>(bytes.size()))
    return false;
  if (kept.size() == 1) {
    return out->ParseFromArray(bytes.data() + kept[0].first,
                               kept[0].second - kept[0].first);
  }
  std::string joined;
  for (auto [begin, end] : kept)
    joined.append(bytes.data() + begin, end - begin);
  return out->ParseFromString(joined);
}

void CountyWrite::AddRecord(std::string key, std::string value) {
  std::vector<storage::ProjectionWrite> w;
  w.push_back(storage::ProjectionWrite::Put(std::move(key), std::move(value)));
  overlay_.Apply(std::move(w));
}

absl::Status RequestIdReused() {
  return InvalidField("request_id",
                      "was already used in this county for another request "
                      "(another method or other fields); use a new request id",
                      kReasonRequestIdReused);
}

absl::Status CountyMissing(absl::string_view county) {
  return PreconditionFailed("COUNTY_MISSING", CountyName(county),
                            "the county does not exist; create it first");
}

void CountyWrite::AddProjectedEvent(
    const char* type, std::string payload,
    std::vector<storage::ProjectionWrite> writes) {
  overlay_.Apply(std::move(writes));
  drafts_.push_back(
      storage::EventDraft{actor_, request_id_, type, std::move(payload)});
}

absl::StatusOr<std::string> WriteToCountyRaw(
    storage::EventStore& store, absl::Mutex& mu, const CallContext& call,
    const std::string& county, const google::protobuf::Message& request,
    const std::string& request_id,
    absl::FunctionRef<absl::StatusOr<std::string>(CountyWrite&)> build,
    CountyCheck check) {
  std::string digest;
  if (!request_id.empty()) digest = RequestDigestOf(request);
  absl::MutexLock lock(&mu);
  ROTA_ASSIGN_OR_RETURN(std::unique_ptr<storage::Snapshot> snapshot,
                        OpenCountySnapshot(store, county));
  if (!request_id.empty()) {
    ROTA_ASSIGN_OR_RETURN(std::optional<std::string> record,
                          snapshot->Get(keys::Request(request_id)));
    if (record.has_value()) {
      if (record->compare(0, digest.size(), digest) != 0) {
        return RequestIdReused();
      }
      return record->substr(digest.size());
    }
  }
  if (check == CountyCheck::kMustExist) {
    ROTA_ASSIGN_OR_RETURN(std::optional<std::string> c,
                          snapshot->Get(keys::kCounty));
    if (!c.has_value()) return CountyMissing(county);
  }
  CountyWrite w(*snapshot, call, request_id);
  ROTA_ASSIGN_OR_RETURN(std::string response, build(w));
  if (w.drafts().empty()) return response;
  if (!request_id.empty())
    w.AddRecord(keys::Request(request_id), digest + response);
  ROTA_RETURN_IF_ERROR(
      store.Append(county, w.head(), std::move(w.drafts()), w.TakeWrites())
          .status());
  return response;
}

}  // namespace rota::service
