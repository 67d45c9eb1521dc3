// rotad keeps accepting after its descriptors ran out: a child rotad with a
// lowered RLIMIT_NOFILE is flooded with idle TCP connections past the limit
// (accept fails with EMFILE), the flood is closed, and a new connection's
// call succeeds. gRPC 1.51 alone stops listening after one EMFILE; rotad's
// accept guard (service/accept_guard.cc) sheds the connection instead.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "tests/rotad_fixture.h"

namespace rota::testing {
namespace {

int OpenDescriptors(pid_t pid) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(
           "/proc/" + std::to_string(pid) + "/fd"))
    ++n;
  return n;
}

TEST(FdLimitE2eTest, KeepsAcceptingAfterEmfile) {
  auto rotad = RotadProcess::Start();
  ASSERT_TRUE(rotad.ok()) << rotad.status();
  const pid_t pid = (*rotad)->pid();
  const rlim_t limit = OpenDescriptors(pid) + 16;
  struct rlimit low = {limit, limit};
  ASSERT_EQ(prlimit(pid, RLIMIT_NOFILE, &low, nullptr), 0);

  const std::string& address = (*rotad)->address();
  int port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<int> flood;
  for (rlim_t i = 0; i < limit * 2; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)), 0);
    flood.push_back(fd);
  }
  // A call on a new connection while flooded makes rotad accept past its
  // limit (EMFILE); it may fail.
  {
    auto channel = (*rotad)->NewChannel();
    auto health = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(2));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    (void)health->Check(&ctx, req, &resp);
  }
  for (int fd : flood) close(fd);

  // After the flood, new connections are accepted again.
  bool served = false;
  for (int attempt = 0; attempt < 20 && !served; ++attempt) {
    auto channel = (*rotad)->NewChannel();
    auto health = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(3));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = health->Check(&ctx, req, &resp);
    served = s.ok() &&
             resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  }
  EXPECT_TRUE(served) << "rotad stopped accepting after EMFILE";
  EXPECT_TRUE((*rotad)->Stop().ok());
}

}  // namespace
}  // namespace rota::testing
