#include "node/shard_handlers.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <charconv>
#include <sstream>
#include <vector>

#include "node_protocol/cluster_protocol.h"
#include "util/log.h"

namespace cairn {
namespace {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// Bytes moved per Read/Append call: bounds a request's memory whatever the shard size.
constexpr uint64_t kIoPiece = 1 << 20;

class FunctionHandler : public HTTPRequestHandler {
 public:
  using Fn = std::function<void(HTTPServerRequest&, HTTPServerResponse&)>;
  explicit FunctionHandler(Fn fn) : fn_(std::move(fn)) {}
  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    fn_(request, response);
  }

 private:
  Fn fn_;
};

std::unique_ptr<HTTPRequestHandler> Handler(FunctionHandler::Fn fn) {
  return std::make_unique<FunctionHandler>(std::move(fn));
}

void SendText(HTTPServerResponse& response, int http_status, const std::string& body,
              const char* content_type = "text/plain") {
  response.setStatus(static_cast<HTTPResponse::HTTPStatus>(http_status));
  response.setContentType(content_type);
  response.setContentLength64(body.size());
  response.send() << body;
}

bool ParseUint(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// "bytes=a-b" or "bytes=a-": the first and last byte asked for (last: UINT64_MAX when open).
bool ParseRange(const std::string& header, uint64_t* first, uint64_t* last) {
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) return false;
  const std::string_view spec = std::string_view(header).substr(kUnit.size());
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos || !ParseUint(spec.substr(0, dash), first)) return false;
  const std::string_view end = spec.substr(dash + 1);
  if (end.empty()) {
    *last = UINT64_MAX;
    return true;
  }
  return ParseUint(end, last) && *last >= *first;
}

void ServeGet(Transport& transport, const ShardRef& ref, HTTPServerRequest& request,
              HTTPServerResponse& response) {
  auto stat = transport.Stat(ref);
  if (!stat.ok()) return SendNodeError(request, response, stat.status());
  const uint64_t size = stat->size;
  uint64_t first = 0;
  uint64_t last = size == 0 ? 0 : size - 1;
  const bool ranged = request.has("Range");
  if (ranged) {
    uint64_t want_last = 0;
    if (!ParseRange(request.get("Range"), &first, &want_last)) {
      return SendNodeError(request, response, Status::InvalidArgument("malformed Range header"));
    }
    if (first >= size) {
      response.set("Content-Range", "bytes */" + std::to_string(size));
      return SendText(response, HTTPResponse::HTTP_REQUESTED_RANGE_NOT_SATISFIABLE, "");
    }
    last = std::min(want_last, size - 1);
    response.set("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(last) +
                                      "/" + std::to_string(size));
  }
  const uint64_t length = size == 0 ? 0 : last - first + 1;
  response.setStatus(ranged ? HTTPResponse::HTTP_PARTIAL_CONTENT : HTTPResponse::HTTP_OK);
  response.setContentType("application/octet-stream");
  response.setContentLength64(length);
  std::ostream& out = response.send();
  std::vector<uint8_t> buffer(std::min(length, kIoPiece));
  uint64_t at = first;
  uint64_t left = length;
  while (left > 0) {
    auto got = transport.Read(ref, at, buffer.data(), std::min<uint64_t>(left, buffer.size()));
    if (!got.ok() || got.value() == 0) {
      // The headers promised `length` bytes: cut the connection rather than send fewer.
      throw Poco::IOException("shard read failed mid-response: " +
                              (got.ok() ? std::string("shard shrank") : got.status().ToString()));
    }
    out.write(reinterpret_cast<const char*>(buffer.data()), static_cast<std::streamsize>(*got));
    if (!out) throw Poco::IOException("client went away");
    at += *got;
    left -= *got;
  }
}

void ServeHead(Transport& transport, const ShardRef& ref, HTTPServerRequest& request,
               HTTPServerResponse& response) {
  auto stat = transport.Stat(ref);
  if (!stat.ok()) return SendNodeError(request, response, stat.status());
  response.set(cluster::kSizeHeader, std::to_string(stat->size));
  response.set(cluster::kMtimeHeader, std::to_string(stat->mtime_unix));
  response.setContentLength64(stat->size);
  response.setStatus(HTTPResponse::HTTP_OK);
  response.send();
}

void ServePut(ShardWriter& writer, uint64_t length, HTTPServerRequest& request,
              HTTPServerResponse& response) {
  std::istream& in = request.stream();
  std::vector<char> buffer(std::min(length, kIoPiece));
  uint64_t received = 0;
  while (received < length) {
    in.read(buffer.data(),
            static_cast<std::streamsize>(std::min<uint64_t>(length - received, buffer.size())));
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    Status st =
        writer.Append(reinterpret_cast<const uint8_t*>(buffer.data()), static_cast<size_t>(n));
    if (!st.ok()) {
      response.setKeepAlive(false);  // the rest of the body is unread
      return SendNodeError(request, response, st);
    }
    received += static_cast<uint64_t>(n);
  }
  if (received != length) {
    // The caller's unique_ptr aborts the writer: nothing of a cut body becomes visible.
    response.setKeepAlive(false);
    return SendNodeError(request, response,
                         Status::InvalidArgument("body ended after " + std::to_string(received) +
                                                 " of " + std::to_string(length) + " bytes"));
  }
  Status st = writer.Commit();
  if (!st.ok()) return SendNodeError(request, response, st);
  SendText(response, HTTPResponse::HTTP_CREATED, "");
}

}  // namespace

void SendNodeError(HTTPServerRequest& request, HTTPServerResponse& response, const Status& status,
                   int http_status) {
  const int http = http_status != 0 ? http_status : cluster::HttpStatusOf(status.code());
  // 503 (a broken drive) is routine in degraded operation and would flood the log.
  if (http >= 500 && http != 503) {
    LogWarn("node", request.getMethod() + " " + request.getURI() + " -> " + status.ToString());
  }
  // A body we did not read would be parsed as the next request: close instead.
  const bool has_body = request.getChunkedTransferEncoding() ||
                        (request.hasContentLength() && request.getContentLength64() > 0);
  if (has_body && request.getMethod() != "PUT") response.setKeepAlive(false);
  response.set(cluster::kErrorHeader, std::to_string(static_cast<int>(status.code())));
  SendText(response, http, status.message());
}

std::unique_ptr<HTTPRequestHandler> MakeErrorHandler(Status status, int http_status) {
  return Handler([status, http_status](HTTPServerRequest& request, HTTPServerResponse& response) {
    // A PUT refused before 100 Continue has an unsent (or unread) body.
    if (request.getMethod() == "PUT") response.setKeepAlive(false);
    SendNodeError(request, response, status, http_status);
  });
}

std::unique_ptr<HTTPRequestHandler> MakeHealthHandler() {
  return Handler([](HTTPServerRequest&, HTTPServerResponse& response) {
    SendText(response, HTTPResponse::HTTP_OK, "ok\n");
  });
}

std::unique_ptr<HTTPRequestHandler> MakeDrivesHandler(Transport& transport, NodeIdentity identity) {
  return Handler([&transport, identity](HTTPServerRequest& request, HTTPServerResponse& response) {
    std::vector<DriveInfo> drives;
    Status st = transport.Drives(&drives);
    if (!st.ok()) return SendNodeError(request, response, st);
    Poco::JSON::Array array;
    for (const auto& d : drives) {
      Poco::JSON::Object o;
      o.set("id", d.id);
      o.set("node", identity.name);
      o.set("zone", identity.zone);
      o.set("path", d.path);
      o.set("healthy", d.healthy);
      o.set("total", static_cast<Poco::UInt64>(d.total_bytes));
      o.set("free", static_cast<Poco::UInt64>(d.free_bytes));
      array.add(o);
    }
    std::ostringstream body;
    array.stringify(body);
    SendText(response, HTTPResponse::HTTP_OK, body.str(), "application/json");
  });
}

std::unique_ptr<HTTPRequestHandler> MakeListHandler(Transport& transport, ShardRef prefix) {
  return Handler([&transport, prefix](HTTPServerRequest& request, HTTPServerResponse& response) {
    std::vector<ShardStat> shards;
    Status st = transport.List(prefix, &shards);
    if (!st.ok()) return SendNodeError(request, response, st);
    // Names are [0-9a-z._/-]: no spaces or newlines, so lines split unambiguously. The whole
    // body goes with a Content-Length so that a cut listing cannot pass for a short one.
    std::string body;
    for (const auto& s : shards) {
      body += std::to_string(s.size) + " " + std::to_string(s.mtime_unix) + " " + s.shard + "\n";
    }
    SendText(response, HTTPResponse::HTTP_OK, body);
  });
}

std::unique_ptr<HTTPRequestHandler> MakeShardHandler(Transport& transport, ShardRef ref) {
  return Handler([&transport, ref](HTTPServerRequest& request, HTTPServerResponse& response) {
    const std::string& method = request.getMethod();
    if (method == "GET") return ServeGet(transport, ref, request, response);
    if (method == "HEAD") return ServeHead(transport, ref, request, response);
    Status st = transport.Remove(ref);  // the factory sends only GET, HEAD and DELETE here
    if (!st.ok()) return SendNodeError(request, response, st);
    response.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    response.send();
  });
}

std::unique_ptr<HTTPRequestHandler> MakePutHandler(std::unique_ptr<ShardWriter> writer,
                                                   uint64_t length) {
  std::shared_ptr<ShardWriter> owned(std::move(writer));
  return Handler([owned, length](HTTPServerRequest& request, HTTPServerResponse& response) {
    ServePut(*owned, length, request, response);
  });
}

}  // namespace cairn
