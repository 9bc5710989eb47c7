// FakeGateway: an HTTP server on a free loopback port that plays a misbehaving etcd gateway,
// so tests can produce the failures a real etcd gives only by luck: a request that hangs after
// being received, or a particular gRPC error. /v3/maintenance/status always answers, so a
// store opens against it. Thread-safe.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

namespace cairn::testing {

class FakeGateway {
 public:
  enum class Mode {
    kHang,      // read the request, then never answer (until the gateway is destroyed)
    kNoLeader,  // 503 "etcdserver: no leader": refused before proposing
    kTimedOut,  // 503 "etcdserver: request timed out": proposed, outcome unknown
  };

  explicit FakeGateway(Mode mode) : state_(std::make_shared<State>()) {
    state_->mode = mode;
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket, params);
    server_->start();
  }
  ~FakeGateway() {
    state_->stopping = true;
    server_->stopAll(true);
  }
  FakeGateway(const FakeGateway&) = delete;
  FakeGateway& operator=(const FakeGateway&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Requests other than the status probe that reached the gateway.
  int kv_requests() const { return state_->kv_requests.load(); }

 private:
  struct State {
    Mode mode = Mode::kHang;
    std::atomic<bool> stopping{false};
    std::atomic<int> kv_requests{0};
  };

  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(std::shared_ptr<State> state) : state_(std::move(state)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      std::string body;
      body.resize(static_cast<size_t>(std::max<std::streamsize>(0, request.getContentLength())));
      request.stream().read(body.data(), static_cast<std::streamsize>(body.size()));
      response.setContentType("application/json");
      if (request.getURI() == "/v3/maintenance/status") {
        response.send() << "{\"version\":\"fake\"}";
        return;
      }
      ++state_->kv_requests;
      switch (state_->mode) {
        case Mode::kHang:
          while (!state_->stopping) std::this_thread::sleep_for(std::chrono::milliseconds(10));
          return;
        case Mode::kNoLeader:
          Error(response, "etcdserver: no leader");
          return;
        case Mode::kTimedOut:
          Error(response, "etcdserver: request timed out");
          return;
      }
    }

   private:
    static void Error(Poco::Net::HTTPServerResponse& response, const std::string& message) {
      response.setStatus(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
      response.send() << "{\"error\":\"" << message << "\",\"code\":14,\"message\":\"" << message
                      << "\"}";
    }
    std::shared_ptr<State> state_;
  };

  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(std::shared_ptr<State> state) : state_(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(state_);
    }

   private:
    std::shared_ptr<State> state_;
  };

  std::shared_ptr<State> state_;
  Poco::UInt16 port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace cairn::testing
