// Registry test data and thin client helpers for end-to-end tests and load
// drivers that talk to a real rotad.
//
// The builders return fully populated, valid resources that are a pure
// function of their arguments (no clock, no randomness), with dates far
// enough in the past to stay valid. The Call/Create/ListAll helpers wrap one
// RPC each with a deadline.
//
// Thread-safety: every function is thread-safe (stubs are).
//
// Example:
//   auto& reg = rotad->registry();
//   ASSERT_OK(CreateCounty(reg, "yongan"));
//   ASSERT_OK(CreateSchool(reg, "yongan", "s1", MakeSchool(1)));
//   ASSERT_OK(CreateTeacher(reg, "yongan", "t1", MakeTeacher("yongan", "s1",
//   1))); absl::StatusOr<std::vector<Teacher>> all = ListAllTeachers(reg,
//   "yongan");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "rota/v1/audit.grpc.pb.h"
#include "rota/v1/registry.grpc.pb.h"
#include "tests/rotad_fixture.h"

namespace rota::testing {

std::string CountyName(const std::string& county);
std::string SchoolName(const std::string& county, const std::string& school);
std::string PostName(const std::string& county, const std::string& post);
std::string TeacherName(const std::string& county, const std::string& teacher);

// A school with every field set (stages, locality, weak, zone, location,
// headcount); the name is left empty (set by Create).
rota::v1::School MakeSchool(int i);
// A post at `school_id` of `county` with every field set.
rota::v1::Post MakePost(const std::string& county, const std::string& school_id,
                        int i);
// A realistic teacher at `school_id` of `county`; `i` varies every field.
// With `every_field`, all repeated and optional fields are non-empty
// (evaluations, two service spells, exemption, hardship, obligation).
// `post` (a full post name) is set when non-empty.
rota::v1::Teacher MakeTeacher(const std::string& county,
                              const std::string& school_id, int i,
                              bool every_field = false,
                              const std::string& post = "");

// Calls a unary method with a fresh context and deadline.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*,
                                               const Request&, Response*),
                  const Request& request, Response* response,
                  absl::Duration timeout = absl::Seconds(30)) {
  std::unique_ptr<grpc::ClientContext> ctx = NewContext(timeout);
  return (stub.*method)(ctx.get(), request, response);
}

grpc::Status CreateCounty(rota::v1::RegistryService::Stub& stub,
                          const std::string& county,
                          rota::v1::County* out = nullptr,
                          const std::string& display_name = "");
grpc::Status CreateSchool(rota::v1::RegistryService::Stub& stub,
                          const std::string& county,
                          const std::string& school_id,
                          const rota::v1::School& school,
                          rota::v1::School* out = nullptr,
                          const std::string& request_id = "");
grpc::Status CreatePost(rota::v1::RegistryService::Stub& stub,
                        const std::string& county, const std::string& post_id,
                        const rota::v1::Post& post,
                        rota::v1::Post* out = nullptr,
                        const std::string& request_id = "");
grpc::Status CreateTeacher(rota::v1::RegistryService::Stub& stub,
                           const std::string& county,
                           const std::string& teacher_id,
                           const rota::v1::Teacher& teacher,
                           rota::v1::Teacher* out = nullptr,
                           const std::string& request_id = "");

// Follows next_page_token to the end. INTERNAL if a page repeats a token or
// more than `max_pages` pages come back; otherwise the RPC's error.
absl::StatusOr<std::vector<rota::v1::School>> ListAllSchools(
    rota::v1::RegistryService::Stub& stub, const std::string& county,
    const std::string& filter = "", int32_t page_size = 1000,
    int max_pages = 100000);
absl::StatusOr<std::vector<rota::v1::Post>> ListAllPosts(
    rota::v1::RegistryService::Stub& stub, const std::string& county,
    const std::string& filter = "", int32_t page_size = 1000,
    int max_pages = 100000);
absl::StatusOr<std::vector<rota::v1::Teacher>> ListAllTeachers(
    rota::v1::RegistryService::Stub& stub, const std::string& county,
    const std::string& filter = "", int32_t page_size = 1000,
    int max_pages = 100000);

// Streams `chunks` through BulkImport and returns its status; `out` gets the
// response.
grpc::Status BulkImport(rota::v1::RegistryService::Stub& stub,
                        const std::vector<rota::v1::BulkImportRequest>& chunks,
                        rota::v1::BulkImportResponse* out,
                        absl::Duration timeout = absl::Seconds(120));

// Splits teacher rows into chunks of `chunk_size` for `county`; row numbers
// count from `first_row`, request ids are "<request_id_prefix>/<chunk>"
// (empty prefix: no request id). Each teacher must carry its full name.
std::vector<rota::v1::BulkImportRequest> TeacherChunks(
    const std::string& county, const std::vector<rota::v1::Teacher>& teachers,
    size_t chunk_size = 500, int64_t first_row = 1,
    const std::string& request_id_prefix = "");

// AuditService.VerifyChain for `county` (bare id).
absl::StatusOr<rota::v1::VerifyChainResponse> VerifyChain(
    rota::v1::AuditService::Stub& stub, const std::string& county);

// Converts a grpc::Status to absl::Status (codes map 1:1).
absl::Status ToAbsl(const grpc::Status& status);

}  // namespace rota::testing
