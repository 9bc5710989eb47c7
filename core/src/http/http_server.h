// HttpServer: the HTTP/1.1 front end of the S3 gateway, built so that slow and idle clients
// cannot starve it. One event-loop thread (epoll) accepts connections and gathers each
// request head; only a request whose head has fully arrived is handed to a worker, so an idle
// keep-alive connection or a slowloris sending one header byte at a time costs a few hundred
// bytes of memory and no thread. Time limits: a request head must arrive within
// header_timeout, a kept-alive connection may idle for idle_timeout, and a worker waits at
// most body_timeout for the client to send or take the next bytes. Connections are capped in
// total and per client address; one past a cap is answered 503 SlowDown and closed, as is a
// request arriving while max_queued requests already wait for a worker.
//
// Thread-safety: Start and Stop from one thread; the handler is called from many workers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cairn/status.h"
#include "http/connection.h"
#include "http/http_request.h"
#include "http/http_response.h"

namespace cairn::http {

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Serves one request. An exception is logged and cuts the connection.
  virtual void Handle(HttpRequest& request, HttpResponse& response) = 0;
  // Answers a request the server itself refuses: a malformed or oversized head, a head that
  // did not arrive in time, or a server at its limits. `why` carries the S3 code.
  virtual void Refuse(const Status& why, HttpResponse& response) = 0;
};

struct HttpServerLimits {
  size_t worker_threads = 64;
  size_t max_queued = 4096;
  size_t max_connections = 16384;
  size_t max_connections_per_client = 1024;
  int64_t header_timeout_ms = 10000;
  int64_t idle_timeout_ms = 15000;
  int64_t body_timeout_ms = 60000;
  HeadLimits head;
};

class HttpServer {
 public:
  HttpServer(HttpHandler& handler, HttpServerLimits limits);
  ~HttpServer();

  // Listens on "host:port" (port 0 picks a free one) and starts the threads. Raises the
  // process's open-file limit to its hard limit and lowers max_connections to fit under it.
  Status Start(const std::string& listen);
  // Stops accepting, cuts every connection and waits for the workers.
  void Stop();
  uint16_t port() const { return port_; }
  size_t open_connections() const { return open_.load(); }

 private:
  struct Waiting {  // a connection the event loop watches
    std::unique_ptr<Connection> conn;
    int64_t deadline_ms = 0;
    bool head_started = false;  // some bytes of the next head have arrived
  };

  void EventLoop();
  void Accept();
  void OnReadable(int fd);
  void SweepDeadlines(int64_t now_ms);
  void Watch(std::unique_ptr<Connection> conn, int64_t now_ms);
  void Dispatch(std::unique_ptr<Connection> conn);
  // Answers `why` on a connection the loop owns (small, never blocks long) and closes it.
  void RefuseAndClose(std::unique_ptr<Connection> conn, const Status& why);
  void Close(std::unique_ptr<Connection> conn);
  void WorkerLoop();
  // Serves requests on `conn` until it must close or waits for its next request head.
  void Serve(std::unique_ptr<Connection> conn);

  HttpHandler& handler_;
  HttpServerLimits limits_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;     // eventfd: connections returned by workers, or stop
  int reserve_fd_ = -1;  // kept open to be closed when accept() runs out of descriptors
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> open_{0};
  std::thread loop_;
  std::vector<std::thread> workers_;

  std::unordered_map<int, Waiting> waiting_;  // owned by the event loop thread

  std::mutex mutex_;  // guards everything below
  std::condition_variable work_ready_;
  std::deque<std::unique_ptr<Connection>> queue_;      // heads complete, waiting for a worker
  std::vector<std::unique_ptr<Connection>> returned_;  // back from workers, to watch again
  std::unordered_set<int> busy_;                       // fds a worker is serving
  std::map<std::string, size_t> per_client_;
};

}  // namespace cairn::http
