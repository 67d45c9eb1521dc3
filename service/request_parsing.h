// How rotad reads the bytes of a request before a handler sees them: the
// gRPC byte buffer flattened, the request parsed, text that is not UTF-8 or
// holds control characters turned into INVALID_ARGUMENT naming the field
// (after the caller's access to the county the request names, access.h),
// and a BulkImport chunk with unreadable rows kept apart from its readable
// ones. Used by grpc_server.cc only.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "rota/v1/registry.pb.h"
#include "service/access.h"

namespace rota::service {

// The bytes of `buffer` in one string.
std::string Flatten(const grpc::ByteBuffer& buffer);
// Parses `buffer` into `message` from its slices, without flattening them
// first; false if it does not parse.
bool ParseFromBuffer(grpc::ByteBuffer* buffer,
                     google::protobuf::MessageLite* message);

// Parses a request; text that is not valid UTF-8 or holds a control
// character becomes INVALID_ARGUMENT naming the field, unless the request
// names a county `call` has no access to (CountyOfRequest, validation.h):
// then PERMISSION_DENIED, as the handler would answer.
absl::Status ParseRequest(const grpc::ByteBuffer& in, const CallContext& call,
                          google::protobuf::Message* request);

// Parses an import chunk that the generated parser rejected: rows that do
// not parse (text that is not UTF-8) become row errors in `rejected`; the
// rest is kept in `chunk`. INVALID_ARGUMENT if the chunk itself is not a
// well-formed BulkImportRequest or its parent or request id is not UTF-8.
absl::Status ParseChunkLeniently(absl::string_view bytes,
                                 rota::v1::BulkImportRequest* chunk,
                                 rota::v1::BulkImportResponse* rejected);

}  // namespace rota::service
