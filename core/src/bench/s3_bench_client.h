// S3BenchClient: the S3 requests `cairn bench` makes (PUT/GET/DELETE object, ListObjectsV2,
// create/delete bucket), SigV4-signed, path-style, over one keep-alive HTTP connection. One per
// worker thread; not thread-safe. Nothing throws: every outcome is an OpResult.
#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cairn/status.h"

namespace cairn::bench {

struct Endpoint {
  std::string host;
  uint16_t port = 0;
  std::string authority;  // host[:port], the Host header
};

// "http://host:port" (no path, no credentials). InvalidArgument otherwise.
Result<Endpoint> ParseEndpoint(const std::string& url);

struct OpResult {
  bool ok = false;
  int http_status = 0;     // 0 when no response arrived
  std::string error;       // S3 error code, "HTTP <status>" or "connection: <reason>"; "" if ok
  uint64_t bytes = 0;      // payload bytes sent (PUT) or received (GET)
  uint64_t list_keys = 0;  // ListObjectsV2: keys in the page
};

class S3BenchClient {
 public:
  S3BenchClient(Endpoint endpoint, std::string access_key, std::string secret_key,
                std::string region);
  ~S3BenchClient();
  S3BenchClient(S3BenchClient&&) = default;
  S3BenchClient& operator=(S3BenchClient&&) = default;

  OpResult CreateBucket(const std::string& bucket);
  OpResult DeleteBucket(const std::string& bucket);
  OpResult EnableVersioning(const std::string& bucket);
  // REQUIRES: `data` holds at least `size` bytes and outlives the call.
  OpResult PutObject(const std::string& bucket, const std::string& key, const char* data,
                     uint64_t size);
  // Reads and discards the body.
  OpResult GetObject(const std::string& bucket, const std::string& key);
  OpResult DeleteObject(const std::string& bucket, const std::string& key);
  // One page (up to 1000 keys) of ListObjectsV2 under `prefix`.
  OpResult ListObjects(const std::string& bucket, const std::string& prefix);

 private:
  struct Request;
  OpResult Send(const Request& request);

  Endpoint endpoint_;
  std::string access_key_;
  std::string secret_key_;
  std::string region_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::vector<char> scratch_;  // reused to drain response bodies
};

// "a/b c" -> "a/b%20c": S3's URI encoding of an object key (slashes kept).
std::string EncodeKey(const std::string& key);
// The text of the first <tag>...</tag> in `xml`, or "".
std::string XmlElement(const std::string& xml, const std::string& tag);

}  // namespace cairn::bench
