// ListenSocket: the listening socket of the S3 server and of storage nodes. Poco's
// ServerSocket(address, backlog) also sets SO_REUSEPORT, which lets a second process bind the
// same port and silently take half the connections (a node started on a gateway's port would
// answer S3 clients). SO_REUSEADDR alone still allows a quick restart on the same port.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace cairn {

// Throws Poco::Net::NetException (e.g. "Address already in use") like Poco's constructor.
inline Poco::Net::ServerSocket ListenSocket(const Poco::Net::SocketAddress& address, int backlog) {
  Poco::Net::ServerSocket socket;
  socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
  socket.listen(backlog);
  return socket;
}

}  // namespace cairn
