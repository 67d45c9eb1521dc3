// The method table covers every RPC of every rota.v1 service, and roles grant
// exactly the permissions the README's Security section lists.
#include "service/access.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "google/protobuf/descriptor.h"
#include "rota/v1/audit.grpc.pb.h"
#include "rota/v1/policy.grpc.pb.h"
#include "rota/v1/registry.grpc.pb.h"
#include "rota/v1/rounds.grpc.pb.h"

namespace rota::service {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;

// Every "package.Service/Method" of the rota.v1 protos. Each .proto file
// under proto/rota/v1 that declares a service must be linked into this test
// (the includes and messages below); one that is not is reported rather
// than silently skipped.
std::set<std::string> AllRotaMethods() {
  // Link and load the generated descriptors of every service's file.
  for (const google::protobuf::Descriptor* d :
       {rota::v1::CreateCountyRequest::descriptor(),
        rota::v1::VerifyChainRequest::descriptor(),
        rota::v1::SetPolicyRequest::descriptor(),
        rota::v1::CreateRoundRequest::descriptor()}) {
    EXPECT_GT(d->file()->service_count(), 0) << d->file()->name();
  }
  std::set<std::string> methods;
  const std::filesystem::path dir =
      std::filesystem::path(ROTA_SOURCE_DIR) / "proto/rota/v1";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".proto") continue;
    const std::string file = "rota/v1/" + entry.path().filename().string();
    const FileDescriptor* fd =
        DescriptorPool::generated_pool()->FindFileByName(file);
    if (fd == nullptr) {
      // Not linked in: fine for a file without services only.
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      EXPECT_EQ(text.str().find("\nservice "), std::string::npos)
          << file
          << " declares a service but is not linked into access_test: "
             "include its .grpc.pb.h and name one of its messages above";
      continue;
    }
    for (int s = 0; s < fd->service_count(); ++s) {
      const auto* service = fd->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        methods.insert(std::string(service->full_name()) + "/" +
                       std::string(service->method(m)->name()));
      }
    }
  }
  return methods;
}

TEST(AccessTest, EveryRpcHasAnEntryInTheMethodTable) {
  const std::set<std::string> methods = AllRotaMethods();
  ASSERT_GT(methods.size(), 40u);
  for (const std::string& method : methods) {
    EXPECT_TRUE(PermissionOfMethod(method).has_value())
        << method
        << " has no entry in the method table (kMethodTable in "
           "service/access.cc): every call of it is refused";
  }
}

TEST(AccessTest, EveryTableEntryIsARealRpcListedOnce) {
  const std::set<std::string> methods = AllRotaMethods();
  std::set<std::string> seen;
  for (const std::string& entry : MethodsWithPermission()) {
    EXPECT_TRUE(methods.contains(entry)) << entry << " is not an RPC";
    EXPECT_TRUE(seen.insert(entry).second) << entry << " is listed twice";
  }
}

TEST(AccessTest, UnknownMethodHasNoPermission) {
  EXPECT_FALSE(PermissionOfMethod("rota.v1.RegistryService/Nope").has_value());
  EXPECT_EQ(PermissionOfMethod("/rota.v1.RoundService/CommitRound"),
            Permission::kCommit);
}

TEST(AccessTest, RolesGrantTheirPermissions) {
  EXPECT_TRUE(RoleAllows(Role::kHrWriter, Permission::kRegistryWrite));
  EXPECT_FALSE(RoleAllows(Role::kHrWriter, Permission::kCommit));
  EXPECT_FALSE(RoleAllows(Role::kHrWriter, Permission::kRoundWrite));
  EXPECT_TRUE(RoleAllows(Role::kAdministrator, Permission::kCommit));
  EXPECT_TRUE(RoleAllows(Role::kAdministrator, Permission::kPolicyWrite));
  EXPECT_FALSE(RoleAllows(Role::kAdministrator, Permission::kRegistryWrite));
  EXPECT_TRUE(RoleAllows(Role::kAuditor, Permission::kAudit));
  EXPECT_FALSE(RoleAllows(Role::kAuditor, Permission::kRegistryWrite));
  EXPECT_FALSE(RoleAllows(Role::kAuditor, Permission::kCommit));
  EXPECT_TRUE(RoleAllows(Role::kProvinceOperator, Permission::kCountyAdmin));
}

TEST(AccessTest, CountyGrantDoesNotReachAnotherCounty) {
  CallContext call;
  call.local_operator = false;
  call.actor = "王芳";
  call.grants = {Grant{Role::kHrWriter, "a"}};
  call.permission = Permission::kRegistryWrite;
  EXPECT_TRUE(CheckCountyAccess(call, "a").ok());
  absl::Status denied = CheckCountyAccess(call, "b");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("王芳"), std::string::npos)
      << denied.message();
  call.permission = Permission::kCommit;
  EXPECT_FALSE(CheckCountyAccess(call, "a").ok());
  call.grants = {Grant{Role::kProvinceOperator, "*"}};
  EXPECT_TRUE(CheckCountyAccess(call, "b").ok());
}

}  // namespace
}  // namespace rota::service
