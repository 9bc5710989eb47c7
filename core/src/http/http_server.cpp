#include "http/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "http/http_errors.h"
#include "util/crash_report.h"
#include "util/listen_socket.h"
#include "util/log.h"

namespace cairn::http {
namespace {

constexpr int64_t kTickMs = 250;
// Descriptors kept for everything but client connections: shard files, metadata, nodes.
constexpr size_t kReservedFds = 1024;
// A request refused before its body was read is answered, then the body is read and dropped
// for a moment before closing: closing with unread bytes makes the kernel send a reset, which
// can destroy the response before the client reads it.
constexpr int64_t kLingerMs = 1000;
constexpr size_t kLingerBytes = 4 << 20;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string PeerAddress(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, text, sizeof(text));
  } else if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, text,
              sizeof(text));
  }
  return text;
}

void LingeringClose(Connection& conn) {
  ::shutdown(conn.fd(), SHUT_WR);
  conn.SetTimeouts(100, 100);
  const int64_t until = NowMs() + kLingerMs;
  size_t dropped = 0;
  char sink[16 << 10];
  while (NowMs() < until && dropped < kLingerBytes) {
    auto n = conn.ReceiveInto(sink, sizeof(sink));
    if (!n.ok() || n.value() == 0) break;
    dropped += n.value();
  }
}

}  // namespace

HttpServer::HttpServer(HttpHandler& handler, HttpServerLimits limits)
    : handler_(handler), limits_(limits) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start(const std::string& listen) {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
    if (files.rlim_cur < files.rlim_max) {
      files.rlim_cur = files.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &files);
      ::getrlimit(RLIMIT_NOFILE, &files);
    }
    size_t fit = files.rlim_cur > 2 * kReservedFds ? files.rlim_cur - kReservedFds
                                                   : files.rlim_cur / 2;
    if (limits_.max_connections > fit) {
      LogWarn("http", "max_connections lowered from " + std::to_string(limits_.max_connections) +
                          " to " + std::to_string(fit) + " to fit the open-file limit of " +
                          std::to_string(files.rlim_cur));
      limits_.max_connections = fit;
    }
  }
  try {
    Poco::Net::ServerSocket socket = ListenSocket(Poco::Net::SocketAddress(listen), 1024);
    listen_fd_ = ::fcntl(socket.impl()->sockfd(), F_DUPFD_CLOEXEC, 0);
  } catch (const Poco::Exception& e) {
    return Status::IOError("cannot listen on " + listen + ": " + e.displayText());
  }
  if (listen_fd_ < 0) return Status::IOError("cannot listen on " + listen + ": dup failed");
  ::fcntl(listen_fd_, F_SETFL, ::fcntl(listen_fd_, F_GETFL) | O_NONBLOCK);
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                            : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) return Status::IOError("epoll/eventfd failed");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.fd = wake_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  for (size_t i = 0; i < limits_.worker_threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  loop_ = std::thread([this] { EventLoop(); });
  return Status::Ok();
}

void HttpServer::Stop() {
  if (listen_fd_ < 0 || stopping_.exchange(true)) return;
  uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
  if (loop_.joinable()) loop_.join();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Requests in progress end with an I/O error at their next read or write.
    for (int fd : busy_) ::shutdown(fd, SHUT_RDWR);
  }
  work_ready_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
  queue_.clear();
  returned_.clear();
  waiting_.clear();
  for (int fd : {listen_fd_, epoll_fd_, wake_fd_, reserve_fd_}) {
    if (fd >= 0) ::close(fd);
  }
  listen_fd_ = epoll_fd_ = wake_fd_ = reserve_fd_ = -1;
}

void HttpServer::EventLoop() {
  std::vector<epoll_event> events(256);
  int64_t next_sweep = NowMs() + kTickMs;
  while (!stopping_) {
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                         static_cast<int>(kTickMs));
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listen_fd_) {
        Accept();
      } else if (fd == wake_fd_) {
        uint64_t count;
        (void)!::read(wake_fd_, &count, sizeof(count));
        std::vector<std::unique_ptr<Connection>> back;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          back.swap(returned_);
        }
        for (auto& c : back) Watch(std::move(c), NowMs());
      } else {
        OnReadable(fd);
      }
    }
    const int64_t now = NowMs();
    if (now >= next_sweep) {
      SweepDeadlines(now);
      next_sweep = now + kTickMs;
    }
  }
  for (auto& [fd, w] : waiting_) Close(std::move(w.conn));
  waiting_.clear();
}

void HttpServer::Accept() {
  while (true) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && reserve_fd_ >= 0) {
        // Out of descriptors: free the reserve to take the connection off the queue and close
        // it, rather than leave it there to wake the loop forever.
        ::close(reserve_fd_);
        int dropped = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (dropped >= 0) ::close(dropped);
        reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        LogWarn("http", "out of file descriptors: a connection was closed unanswered");
        continue;
      }
      return;  // EAGAIN: all taken
    }
    int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    auto conn = std::make_unique<Connection>(fd, PeerAddress(addr));
    size_t from_peer;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      from_peer = ++per_client_[conn->peer_address()];
    }
    ++open_;
    if (open_ > limits_.max_connections) {
      RefuseAndClose(std::move(conn), Busy("The server has too many open connections."));
    } else if (from_peer > limits_.max_connections_per_client) {
      RefuseAndClose(std::move(conn), Busy("Too many open connections from your address."));
    } else {
      Watch(std::move(conn), NowMs());
    }
  }
}

void HttpServer::Watch(std::unique_ptr<Connection> conn, int64_t now_ms) {
  if (stopping_) {
    Close(std::move(conn));
    return;
  }
  const int fd = conn->fd();
  Waiting w;
  w.head_started = !conn->buffered().empty();
  w.deadline_ms = now_ms + (w.head_started ? limits_.header_timeout_ms : limits_.idle_timeout_ms);
  w.conn = std::move(conn);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.fd = fd;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    Close(std::move(w.conn));
    return;
  }
  waiting_[fd] = std::move(w);
}

void HttpServer::OnReadable(int fd) {
  auto it = waiting_.find(fd);
  if (it == waiting_.end()) return;
  Waiting& w = it->second;
  Connection& conn = *w.conn;
  // Read what is there, but never more than a head's worth beyond what we hold.
  bool peer_closed = false;
  while (conn.buffered().size() <= limits_.head.max_bytes) {
    auto n = conn.ReceiveNow();
    if (!n.ok()) {
      peer_closed = true;  // a client may send its request and then shut down its side
      break;
    }
    if (n.value() == 0) break;
  }
  if (!w.head_started && !conn.buffered().empty()) {
    w.head_started = true;
    w.deadline_ms = NowMs() + limits_.header_timeout_ms;
  }
  auto end = FindHeadEnd(conn.buffered());
  const bool too_large = !end && conn.buffered().size() > limits_.head.max_bytes;
  if (!end && !too_large && !peer_closed) return;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  auto c = std::move(w.conn);
  waiting_.erase(it);
  if (!end && peer_closed) {
    Close(std::move(c));  // nothing complete to answer
    return;
  }
  if (too_large) {
    RefuseAndClose(std::move(c), HeadTooLarge());
    return;
  }
  Dispatch(std::move(c));
}

void HttpServer::SweepDeadlines(int64_t now_ms) {
  std::vector<int> expired;
  for (const auto& [fd, w] : waiting_) {
    if (now_ms >= w.deadline_ms) expired.push_back(fd);
  }
  for (int fd : expired) {
    auto it = waiting_.find(fd);
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    auto conn = std::move(it->second.conn);
    const bool started = it->second.head_started;
    waiting_.erase(it);
    if (started) {
      RefuseAndClose(std::move(conn), RequestTimeout());
    } else {
      Close(std::move(conn));  // an idle keep-alive connection simply ends
    }
  }
}

void HttpServer::Dispatch(std::unique_ptr<Connection> conn) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (queue_.size() >= limits_.max_queued) {
    lock.unlock();
    RefuseAndClose(std::move(conn), Busy("Too many requests are waiting for a worker."));
    return;
  }
  queue_.push_back(std::move(conn));
  lock.unlock();
  work_ready_.notify_one();
}

void HttpServer::RefuseAndClose(std::unique_ptr<Connection> conn, const Status& why) {
  // A fresh connection's send buffer is empty: this small answer does not block.
  conn->SetTimeouts(50, 50);
  HttpResponse response(*conn, false, false);
  handler_.Refuse(why, response);
  response.Finish();
  Close(std::move(conn));
}

void HttpServer::Close(std::unique_ptr<Connection> conn) {
  if (!conn) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = per_client_.find(conn->peer_address());
    if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
  }
  conn.reset();
  --open_;
}

void HttpServer::WorkerLoop() {
  PrepareThreadForCrashReports();
  while (true) {
    std::unique_ptr<Connection> conn;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      conn = std::move(queue_.front());
      queue_.pop_front();
      busy_.insert(conn->fd());
    }
    const int fd = conn->fd();
    Serve(std::move(conn));
    std::lock_guard<std::mutex> lock(mutex_);
    busy_.erase(fd);
  }
}

void HttpServer::Serve(std::unique_ptr<Connection> conn) {
  conn->SetTimeouts(limits_.body_timeout_ms, limits_.body_timeout_ms);
  while (!stopping_) {
    std::string& buffered = conn->buffered();
    auto end = FindHeadEnd(buffered);
    if (!end) {
      if (buffered.size() > limits_.head.max_bytes) {  // a pipelined head too large
        HttpResponse response(*conn, false, false);
        handler_.Refuse(HeadTooLarge(), response);
        response.Finish();
        break;
      }
      // Wait for the next request in the event loop, not on this thread.
      {
        std::lock_guard<std::mutex> lock(mutex_);
        returned_.push_back(std::move(conn));
      }
      uint64_t one = 1;
      (void)!::write(wake_fd_, &one, sizeof(one));
      return;
    }
    auto head = ParseRequestHead(std::string_view(buffered).substr(0, *end), limits_.head);
    buffered.erase(0, *end);
    if (!head.ok()) {
      HttpResponse response(*conn, false, false);
      handler_.Refuse(head.status(), response);
      response.Finish();
      LingeringClose(*conn);
      break;
    }
    Connection& c = *conn;
    HttpRequest request(std::move(head.value()), c, [&c] {
      return c.SendAll("HTTP/1.1 100 Continue\r\n\r\n");
    });
    HttpResponse response(c, request.method() == "HEAD", request.keep_alive());
    try {
      handler_.Handle(request, response);
    } catch (const std::exception& e) {
      LogError("http", std::string("request handler failed: ") + e.what());
      response.Abort();
    } catch (...) {
      LogError("http", "request handler failed");
      response.Abort();
    }
    if (!response.sent() && !response.aborted()) {
      handler_.Refuse(Status::Internal("the handler sent no response"), response);
    }
    const bool finished = response.Finish();
    if (!finished || !response.keep_alive()) {
      if (finished && !request.body_complete()) LingeringClose(c);
      break;
    }
    if (!request.body_complete()) {
      LingeringClose(c);  // the rest of the body would be read as the next request
      break;
    }
  }
  Close(std::move(conn));
}

}  // namespace cairn::http
