#include "bench/s3_bench_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>

#include <cctype>
#include <ctime>
#include <exception>
#include <istream>
#include <ostream>

#include "crypto.h"
#include "request_signer.h"

namespace cairn::bench {

namespace {

// Long enough for a 64 MiB PUT on a loaded machine; a hung server still ends the run.
constexpr int kTimeoutSeconds = 60;
// Error bodies are small; successful bodies are drained without being kept.
constexpr size_t kScratchBytes = 1 << 20;
constexpr size_t kMaxKeptBody = 1 << 20;

}  // namespace

struct S3BenchClient::Request {
  std::string method;
  std::string target;  // path?query, already encoded
  const char* body = nullptr;
  uint64_t body_size = 0;
  bool keep_body = false;  // keep the response body (list, errors)
};

Result<Endpoint> ParseEndpoint(const std::string& url) {
  auto bad = [&url](const std::string& why) {
    return Status::InvalidArgument("bad endpoint '" + url + "': " + why);
  };
  try {
    Poco::URI uri(url);
    if (uri.getScheme() != "http") return bad("only http:// endpoints are supported");
    if (uri.getHost().empty()) return bad("no host");
    if (!uri.getUserInfo().empty()) return bad("credentials go in --access-key/--secret-key");
    if ((!uri.getPath().empty() && uri.getPath() != "/") || !uri.getRawQuery().empty()) {
      return bad("give the server only, as http://host:port");
    }
    Endpoint e;
    e.host = uri.getHost();
    e.port = uri.getPort();
    e.authority = uri.getAuthority();
    return e;
  } catch (const Poco::Exception& e) {
    return bad(e.message());
  }
}

std::string EncodeKey(const std::string& key) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : key) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string XmlElement(const std::string& xml, const std::string& tag) {
  size_t b = xml.find("<" + tag + ">");
  if (b == std::string::npos) return "";
  b += tag.size() + 2;
  size_t e = xml.find("</" + tag + ">", b);
  return e == std::string::npos ? "" : xml.substr(b, e - b);
}

S3BenchClient::S3BenchClient(Endpoint endpoint, std::string access_key, std::string secret_key,
                             std::string region)
    : endpoint_(std::move(endpoint)),
      access_key_(std::move(access_key)),
      secret_key_(std::move(secret_key)),
      region_(std::move(region)),
      scratch_(kScratchBytes) {}

S3BenchClient::~S3BenchClient() { sigv4::SecureWipe(&secret_key_); }

OpResult S3BenchClient::Send(const Request& r) {
  sigv4::SigningInput in;
  in.method = r.method;
  in.uri = r.target;
  in.headers = {{"Host", endpoint_.authority}};
  // The body is not hashed: the client must not be what limits the rate. The server still
  // authenticates the request; only the body's integrity rests on TCP.
  in.payload_sha256_hex =
      r.body_size > 0 ? std::string(sigv4::kUnsignedPayload) : std::string(sigv4::kEmptySha256Hex);
  in.access_key = access_key_;
  in.secret_key = secret_key_;
  in.region = region_;
  in.now_unix = static_cast<int64_t>(std::time(nullptr));
  sigv4::HeaderList signature = sigv4::SignRequest(in);
  sigv4::SecureWipe(&in.secret_key);

  OpResult result;
  try {
    if (!session_) {
      session_ = std::make_unique<Poco::Net::HTTPClientSession>(endpoint_.host, endpoint_.port);
      session_->setKeepAlive(true);
      session_->setTimeout(Poco::Timespan(kTimeoutSeconds, 0));
    }
    Poco::Net::HTTPRequest request(r.method, r.target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    request.set("Host", endpoint_.authority);
    for (const auto& [name, value] : signature) request.set(name, value);
    request.set("User-Agent", "cairn-bench");
    if (r.method == "PUT" || r.method == "POST") {
      request.setContentLength(static_cast<std::streamsize>(r.body_size));
    }
    std::ostream& out = session_->sendRequest(request);
    if (r.body_size > 0) {
      out.write(r.body, static_cast<std::streamsize>(r.body_size));
      result.bytes = r.body_size;
    }
    Poco::Net::HTTPResponse response;
    std::istream& in_body = session_->receiveResponse(response);
    result.http_status = static_cast<int>(response.getStatus());
    result.ok = result.http_status >= 200 && result.http_status < 300;
    std::string body;
    uint64_t received = 0;
    while (in_body) {
      in_body.read(scratch_.data(), static_cast<std::streamsize>(scratch_.size()));
      std::streamsize n = in_body.gcount();
      if (n <= 0) break;
      received += static_cast<uint64_t>(n);
      if ((r.keep_body || !result.ok) && body.size() < kMaxKeptBody) {
        body.append(scratch_.data(), static_cast<size_t>(n));
      }
    }
    if (r.method == "GET" && !r.keep_body) result.bytes = received;  // listings are not payload
    if (!result.ok) {
      std::string code = XmlElement(body, "Code");
      result.error = code.empty() ? "HTTP " + std::to_string(result.http_status) : code;
    } else if (r.keep_body) {
      for (size_t p = body.find("<Key>"); p != std::string::npos; p = body.find("<Key>", p + 1)) {
        ++result.list_keys;
      }
    }
    if (!response.getKeepAlive()) session_.reset();
  } catch (const Poco::Exception& e) {
    // The connection is in an unknown state: the next request opens a fresh one.
    session_.reset();
    result.ok = false;
    result.error = "connection: " + std::string(e.name());
  } catch (const std::exception& e) {
    session_.reset();
    result.ok = false;
    result.error = "connection: " + std::string(e.what());
  }
  return result;
}

OpResult S3BenchClient::CreateBucket(const std::string& bucket) {
  OpResult r = Send({"PUT", "/" + EncodeKey(bucket), nullptr, 0, false});
  // Already there and ours: fine, the run uses it as it is.
  if (r.error == "BucketAlreadyOwnedByYou") {
    r.ok = true;
    r.error.clear();
  }
  return r;
}

OpResult S3BenchClient::DeleteBucket(const std::string& bucket) {
  return Send({"DELETE", "/" + EncodeKey(bucket), nullptr, 0, false});
}

OpResult S3BenchClient::EnableVersioning(const std::string& bucket) {
  static const std::string kBody =
      "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>";
  return Send({"PUT", "/" + EncodeKey(bucket) + "?versioning=", kBody.data(), kBody.size(),
               false});
}

OpResult S3BenchClient::PutObject(const std::string& bucket, const std::string& key,
                                  const char* data, uint64_t size) {
  return Send({"PUT", "/" + EncodeKey(bucket) + "/" + EncodeKey(key), data, size, false});
}

OpResult S3BenchClient::GetObject(const std::string& bucket, const std::string& key) {
  return Send({"GET", "/" + EncodeKey(bucket) + "/" + EncodeKey(key), nullptr, 0, false});
}

OpResult S3BenchClient::DeleteObject(const std::string& bucket, const std::string& key) {
  return Send({"DELETE", "/" + EncodeKey(bucket) + "/" + EncodeKey(key), nullptr, 0, false});
}

OpResult S3BenchClient::ListObjects(const std::string& bucket, const std::string& prefix) {
  // Query parameters in sorted order, as the canonical request wants them.
  std::string target = "/" + EncodeKey(bucket) + "?list-type=2&max-keys=1000&prefix=";
  for (char c : EncodeKey(prefix)) {
    if (c == '/') {
      target += "%2F";
    } else {
      target += c;
    }
  }
  return Send({"GET", target, nullptr, 0, true});
}

}  // namespace cairn::bench
