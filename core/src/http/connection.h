// Connection: one accepted TCP socket and the bytes received on it but not yet consumed. The
// socket stays in blocking mode with receive and send timeouts, so a worker that reads a body
// or writes a response never waits longer than a timeout for the peer to make progress; the
// event loop polls it with MSG_DONTWAIT. Owned by one thread at a time (the event loop while
// it waits for a request head, a worker while it serves one). Closes the socket on destruction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/status.h"

namespace cairn::http {

class Connection {
 public:
  Connection(int fd, std::string peer_address);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return fd_; }
  const std::string& peer_address() const { return peer_address_; }
  // Received bytes not consumed yet (the start of the next request, or of the body).
  std::string& buffered() { return buffered_; }

  // Sets the receive and send timeouts of the blocking calls below.
  void SetTimeouts(int64_t receive_ms, int64_t send_ms);
  // Reads what has arrived (waiting up to the receive timeout for something) and appends it to
  // buffered(). Returns the count; 0 when the peer closed. RequestTimeout (S3-coded) when
  // nothing came in time; IOError on a reset.
  Result<size_t> Receive();
  // As Receive, but into `out` (up to `size` bytes), bypassing buffered(): the body path for
  // large uploads, which would otherwise copy every byte once more.
  Result<size_t> ReceiveInto(char* out, size_t size);
  // Reads without waiting; appends to buffered(). 0 when nothing is there, IOError when the
  // peer closed or reset (the event loop's read).
  Result<size_t> ReceiveNow();
  // Writes all of `bytes`, each send waiting up to the send timeout for room.
  Status SendAll(std::string_view bytes);

 private:
  int fd_;
  std::string peer_address_;
  std::string buffered_;
};

}  // namespace cairn::http
