// rotad's accept guard: keeps gRPC's listener alive when file descriptors
// run out.
//
// gRPC 1.51's TCP server treats any accept4() error other than EAGAIN,
// EINTR and ECONNABORTED as fatal for the listening socket: after one
// EMFILE (an idle-connection flood past RLIMIT_NOFILE) rotad never accepts
// again. This definition of accept4 in the rotad executable takes
// precedence over libc's for libgrpc (ordinary ELF symbol lookup; no
// LD_PRELOAD). On EMFILE/ENFILE it frees a descriptor held in reserve,
// accepts the waiting connection and closes it at once (that client sees
// its connection closed and retries), takes the reserve back, and reports
// EAGAIN so gRPC keeps listening.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

namespace {

using Accept4Fn = int (*)(int, struct sockaddr*, socklen_t*, int);

Accept4Fn RealAccept4() {
  static Accept4Fn real =
      reinterpret_cast<Accept4Fn>(dlsym(RTLD_NEXT, "accept4"));
  return real;
}

std::mutex reserve_mu;
int reserve_fd = -1;

void TakeReserve() {
  if (reserve_fd < 0) reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

// Opened before main, while descriptors are plentiful.
[[maybe_unused]] const bool reserved = [] {
  std::lock_guard lock(reserve_mu);
  TakeReserve();
  return true;
}();

}  // namespace

extern "C" int accept4(int fd, struct sockaddr* addr, socklen_t* len,
                       int flags) {
  Accept4Fn real = RealAccept4();
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  int client = real(fd, addr, len, flags);
  if (client >= 0 || (errno != EMFILE && errno != ENFILE)) return client;
  std::lock_guard lock(reserve_mu);
  if (reserve_fd >= 0) {
    close(reserve_fd);
    reserve_fd = -1;
    int shed = real(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (shed >= 0) close(shed);
    TakeReserve();
  }
  errno = EAGAIN;
  return -1;
}
