#include "etcd_client.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <array>
#include <ostream>
#include <thread>

namespace cairn::meta::etcd {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// gRPC status codes, as the gateway reports them in its error bodies.
constexpr int kGrpcCanceled = 1;
constexpr int kGrpcUnknown = 2;
constexpr int kGrpcInvalidArgument = 3;
constexpr int kGrpcDeadlineExceeded = 4;
constexpr int kGrpcResourceExhausted = 8;
constexpr int kGrpcUnavailable = 14;

// etcd errors returned before a request is proposed to Raft: the request was not applied.
constexpr std::array<std::string_view, 3> kNotAppliedErrors = {
    "etcdserver: no leader", "etcdserver: too many requests", "etcdserver: not capable"};

constexpr milliseconds kFirstBackoff{20};
constexpr milliseconds kMaxBackoff{250};
// A read attempt gets at most this share of the timeout, so that a member stuck waiting for a
// dead leader leaves time to ask another one.
constexpr int kReadAttemptDivisor = 2;
constexpr milliseconds kMinReadAttempt{250};

Poco::Timespan ToTimespan(milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

milliseconds Remaining(Clock::time_point deadline) {
  return std::max(milliseconds(0),
                  std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
}

}  // namespace

Result<std::unique_ptr<EtcdClient>> EtcdClient::Create(const std::vector<std::string>& endpoints,
                                                       std::chrono::milliseconds timeout) {
  if (endpoints.empty()) return Status::InvalidArgument("etcd: no endpoints configured");
  if (timeout.count() <= 0) return Status::InvalidArgument("etcd: timeout must be positive");
  std::vector<Endpoint> parsed;
  for (const auto& url : endpoints) {
    auto ep = ParseEndpoint(url);
    if (!ep.ok()) return ep.status();
    parsed.push_back(std::move(ep.value()));
  }
  return std::unique_ptr<EtcdClient>(new EtcdClient(std::move(parsed), timeout));
}

Result<Poco::JSON::Object::Ptr> EtcdClient::Call(std::string_view path, const std::string& body,
                                                 Effect effect) {
  const auto deadline = Clock::now() + timeout_;
  const size_t n = pool_.size();
  milliseconds backoff = kFirstBackoff;
  std::string last_error = "no attempt was made";
  while (true) {
    const size_t start = preferred_.load(std::memory_order_relaxed);
    for (size_t i = 0; i < n; ++i) {
      const size_t index = (start + i) % n;
      milliseconds budget = Remaining(deadline);
      if (budget.count() == 0) break;
      if (effect == Effect::kRead) {
        budget = std::min(budget, std::max(kMinReadAttempt, timeout_ / kReadAttemptDivisor));
      }
      Attempt attempt = PostOnce(index, path, body, budget);
      switch (attempt.outcome) {
        case Outcome::kOk:
          preferred_.store(index, std::memory_order_relaxed);
          return attempt.answer;
        case Outcome::kRejected:
          return attempt.status;
        case Outcome::kUnknown:
          // Whatever happens next, start elsewhere: this member just failed us.
          preferred_.store((index + 1) % n, std::memory_order_relaxed);
          if (effect == Effect::kWrite) {
            return Status::OutcomeUnknown(
                "etcd: outcome unknown, the write may have been applied: " +
                attempt.status.message());
          }
          break;
        case Outcome::kNotApplied:
          break;
      }
      last_error = attempt.status.message();
    }
    const milliseconds remaining = Remaining(deadline);
    if (remaining.count() == 0) {
      return Status::Unavailable("etcd: no endpoint answered within " +
                                 std::to_string(timeout_.count()) + " ms (" +
                                 (effect == Effect::kWrite ? "nothing was applied; " : "") +
                                 "last error: " + last_error + ")");
    }
    std::this_thread::sleep_for(std::min(backoff, remaining));
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

EtcdClient::Attempt EtcdClient::PostOnce(size_t index, std::string_view path,
                                         const std::string& body, milliseconds budget) {
  const Endpoint& ep = pool_.endpoint(index);
  auto session = pool_.Acquire(index);
  // Poco applies a session's timeouts when it connects; a kept-alive socket needs them too.
  session->setTimeout(ToTimespan(budget), ToTimespan(budget), ToTimespan(budget));
  if (session->connected()) {
    try {
      session->socket().setSendTimeout(ToTimespan(budget));
      session->socket().setReceiveTimeout(ToTimespan(budget));
    } catch (const Poco::Exception&) {
      session = pool_.Fresh(index);
      session->setTimeout(ToTimespan(budget), ToTimespan(budget), ToTimespan(budget));
    }
  }

  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, std::string(path),
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/json");
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  request.setKeepAlive(true);
  request.set("Grpc-Metadata-Hasleader", "true");

  // Until the whole body is handed to the socket, etcd cannot have acted on the request.
  try {
    std::ostream& os = session->sendRequest(request);
    os.write(body.data(), static_cast<std::streamsize>(body.size()));
    os.flush();
    if (!os.good()) {
      return {Outcome::kNotApplied, Status::Unavailable(ep.url + ": sending the request failed"),
              nullptr};
    }
  } catch (const Poco::Exception& e) {
    return {Outcome::kNotApplied, Status::Unavailable(ep.url + ": " + e.displayText()), nullptr};
  } catch (const std::exception& e) {
    return {Outcome::kNotApplied, Status::Unavailable(ep.url + ": " + e.what()), nullptr};
  }

  Poco::Net::HTTPResponse response;
  std::string text;
  try {
    std::istream& in = session->receiveResponse(response);
    Poco::StreamCopier::copyToString(in, text);
  } catch (const Poco::Exception& e) {
    return {Outcome::kUnknown, Status::Unavailable(ep.url + ": " + e.displayText()), nullptr};
  } catch (const std::exception& e) {
    return {Outcome::kUnknown, Status::Unavailable(ep.url + ": " + e.what()), nullptr};
  }
  if (response.getKeepAlive()) pool_.Release(index, std::move(session));
  return Classify(ep, static_cast<int>(response.getStatus()), text);
}

EtcdClient::Attempt EtcdClient::Classify(const Endpoint& ep, int http_status,
                                         const std::string& text) {
  Poco::JSON::Object::Ptr object;
  try {
    Poco::JSON::Parser parser;
    object = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
  } catch (const std::exception&) {
  }
  if (http_status == 200) {
    if (object.isNull()) {
      return {Outcome::kUnknown, Status::Unavailable(ep.url + ": unreadable answer"), nullptr};
    }
    return {Outcome::kOk, Status::Ok(), object};
  }
  if (object.isNull()) {
    // Not the gateway speaking (a proxy, or a wrong URL): nothing to learn from the body.
    const std::string msg =
        ep.url + ": HTTP " + std::to_string(http_status) + ": " + text.substr(0, 200);
    if (http_status >= 500) return {Outcome::kUnknown, Status::Unavailable(msg), nullptr};
    return {Outcome::kRejected, Status::IOError(msg), nullptr};
  }
  int code = kGrpcUnknown;
  std::string message;
  try {
    code = object->optValue<int>("code", kGrpcUnknown);
    message = object->optValue<std::string>("message", object->optValue<std::string>("error", ""));
  } catch (const Poco::Exception&) {
  }
  const std::string msg = ep.url + ": " + message + " (gRPC code " + std::to_string(code) + ")";
  for (std::string_view known : kNotAppliedErrors) {
    if (message.find(known) != std::string::npos) {
      return {Outcome::kNotApplied, Status::Unavailable(msg), nullptr};
    }
  }
  switch (code) {
    case kGrpcInvalidArgument:
      return {Outcome::kRejected, Status::InvalidArgument(msg), nullptr};
    case kGrpcResourceExhausted:  // "mvcc: database space exceeded": the quota alarm is on
      return {Outcome::kRejected, Status::NoSpace(msg), nullptr};
    case kGrpcCanceled:
    case kGrpcDeadlineExceeded:
    case kGrpcUnavailable:
    case kGrpcUnknown:
      return {Outcome::kUnknown, Status::Unavailable(msg), nullptr};
    default:
      return {Outcome::kRejected, Status::IOError(msg), nullptr};
  }
}

}  // namespace cairn::meta::etcd
