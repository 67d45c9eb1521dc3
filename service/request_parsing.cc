#include "service/request_parsing.h"

#include <vector>

#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "service/grpc_status.h"
#include "service/validation.h"

namespace rota::service {
namespace {

using google::protobuf::Message;

// Reads a varint field 1 ("row") from a serialized import row.
int64_t RowNumberOf(absl::string_view bytes) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  while (true) {
    uint32_t tag = in.ReadTag();
    if (tag == 0) return 0;
    if (WireFormatLite::GetTagFieldNumber(tag) == 1 &&
        WireFormatLite::GetTagWireType(tag) ==
            WireFormatLite::WIRETYPE_VARINT) {
      uint64_t v = 0;
      return in.ReadVarint64(&v) ? static_cast<int64_t>(v) : 0;
    }
    if (!WireFormatLite::SkipField(&in, tag)) return 0;
  }
}

}  // namespace

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  size_t total = 0;
  for (const auto& s : slices) total += s.size();
  out.reserve(total);
  for (const auto& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

bool ParseFromBuffer(grpc::ByteBuffer* buffer,
                     google::protobuf::MessageLite* message) {
  grpc::ProtoBufferReader reader(buffer);
  return message->ParseFromZeroCopyStream(&reader);
}

absl::Status ParseRequest(const grpc::ByteBuffer& in, const CallContext& call,
                          Message* request) {
  std::string bytes = Flatten(in);
  Violations v;
  if (request->ParseFromString(bytes)) {
    FindControlCharacters(*request, "", v);
  } else {
    FindInvalidUtf8(request->GetDescriptor(), bytes, "", v);
    if (v.empty()) v.Add("request", "is not a well-formed protobuf message");
  }
  if (v.empty()) return absl::OkStatus();
  ROTA_RETURN_IF_ERROR(CheckCountyAccessIfNamed(
      call, CountyOfRequest(request->GetDescriptor(), bytes)));
  return v.ToStatus();
}

absl::Status ParseChunkLeniently(absl::string_view bytes,
                                 rota::v1::BulkImportRequest* chunk,
                                 rota::v1::BulkImportResponse* rejected) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(static_cast<int>(bytes.size()) + 1);
  while (true) {
    uint32_t tag = in.ReadTag();
    if (tag == 0) return absl::OkStatus();
    int number = WireFormatLite::GetTagFieldNumber(tag);
    if (number == rota::v1::BulkImportRequest::kDryRunFieldNumber &&
        WireFormatLite::GetTagWireType(tag) ==
            WireFormatLite::WIRETYPE_VARINT) {
      uint64_t dry_run = 0;
      if (!in.ReadVarint64(&dry_run)) break;
      chunk->set_dry_run(dry_run != 0);
      continue;
    }
    if (WireFormatLite::GetTagWireType(tag) !=
            WireFormatLite::WIRETYPE_LENGTH_DELIMITED ||
        number < 1 || number > 9) {
      if (!WireFormatLite::SkipField(&in, tag)) break;
      continue;
    }
    uint32_t len;
    std::string value;
    if (!in.ReadVarint32(&len) || !in.ReadString(&value, static_cast<int>(len)))
      break;
    if (number == 1 || number == 2) {
      const char* field = number == 1 ? "parent" : "request_id";
      if (!Utf8Length(value).has_value())
        return InvalidField(field, "must be valid UTF-8");
      if (number == 1) chunk->set_parent(value);
      if (number == 2) chunk->set_request_id(value);
      continue;
    }
    Message* row =
        number == 3   ? static_cast<Message*>(chunk->add_schools())
        : number == 4 ? static_cast<Message*>(chunk->add_posts())
        : number == 5 ? static_cast<Message*>(chunk->add_teachers())
        : number == 6 ? static_cast<Message*>(chunk->add_period_requirements())
        : number == 7 ? static_cast<Message*>(chunk->add_road_distances())
        : number == 8 ? static_cast<Message*>(chunk->add_applicants())
                      : static_cast<Message*>(chunk->add_recruitment_posts());
    if (row->ParseFromString(value)) continue;
    const google::protobuf::Descriptor* d = row->GetDescriptor();
    if (number == 3) chunk->mutable_schools()->RemoveLast();
    if (number == 4) chunk->mutable_posts()->RemoveLast();
    if (number == 5) chunk->mutable_teachers()->RemoveLast();
    if (number == 6) chunk->mutable_period_requirements()->RemoveLast();
    if (number == 7) chunk->mutable_road_distances()->RemoveLast();
    if (number == 8) chunk->mutable_applicants()->RemoveLast();
    if (number == 9) chunk->mutable_recruitment_posts()->RemoveLast();
    Violations v;
    FindInvalidUtf8(d, value, "", v);
    int64_t row_number = RowNumberOf(value);
    rejected->set_rows_received(rejected->rows_received() + 1);
    rejected->set_rows_rejected(rejected->rows_rejected() + 1);
    for (const auto& fv : v.bad_request().field_violations()) {
      auto* e = rejected->add_errors();
      e->set_row(row_number);
      e->set_field(fv.field());
      e->set_reason(fv.description());
    }
  }
  return InvalidField("request", "is not a well-formed BulkImportRequest");
}

}  // namespace rota::service
