#include "http/connection.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "http/http_errors.h"

namespace cairn::http {
namespace {

timeval ToTimeval(int64_t ms) {
  timeval tv{};
  tv.tv_sec = ms / 1000;
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

}  // namespace

Connection::Connection(int fd, std::string peer_address)
    : fd_(fd), peer_address_(std::move(peer_address)) {}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

void Connection::SetTimeouts(int64_t receive_ms, int64_t send_ms) {
  timeval r = ToTimeval(receive_ms), s = ToTimeval(send_ms);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &r, sizeof(r));
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &s, sizeof(s));
}

Result<size_t> Connection::ReceiveInto(char* out, size_t size) {
  ssize_t n;
  do {
    n = ::recv(fd_, out, size, 0);
  } while (n < 0 && errno == EINTR);
  if (n >= 0) return static_cast<size_t>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK) return RequestTimeout();
  return Status::IOError(std::string("receive: ") + std::strerror(errno));
}

Result<size_t> Connection::Receive() {
  char piece[32 << 10];
  auto n = ReceiveInto(piece, sizeof(piece));
  if (n.ok()) buffered_.append(piece, n.value());
  return n;
}

Result<size_t> Connection::ReceiveNow() {
  char piece[16 << 10];
  ssize_t n;
  do {
    n = ::recv(fd_, piece, sizeof(piece), MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    buffered_.append(piece, static_cast<size_t>(n));
    return static_cast<size_t>(n);
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return size_t{0};
  return Status::IOError(n == 0 ? "peer closed" : std::string("receive: ") + std::strerror(errno));
}

Status Connection::SendAll(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::IOError(errno == EAGAIN || errno == EWOULDBLOCK
                                 ? std::string("send timed out")
                                 : std::string("send: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace cairn::http
