// S3Request: one S3 request as the handlers see it (addressed bucket and key, decoded query,
// principal, the verified body) and the helpers that answer it. Handlers return an S3Outcome:
// nullopt when they answered, or the S3 error to send. One per request; not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cairn/authenticator.h"
#include "data/payload_source.h"
#include "http/http_request.h"
#include "http/http_response.h"
#include "s3/s3_error.h"
#include "objects/services.h"

namespace cairn {

using S3Outcome = std::optional<S3Error>;

// The request body after the authenticator's decoder: aws-chunked removed, signatures,
// payload hash and checksums verified. Read returns 0 only once all of that held and exactly
// `expected` bytes arrived (when known).
class RequestBody : public PayloadSource {
 public:
  // `max_bytes` bounds a body whose length was not declared (chunked): EntityTooLarge past it.
  RequestBody(http::HttpRequest& raw, BodyDecoder* decoder, std::optional<uint64_t> expected,
              uint64_t max_bytes)
      : raw_request_(raw), decoder_(decoder), expected_(expected), max_bytes_(max_bytes) {}
  Result<size_t> Read(uint8_t* out, size_t size) override;
  uint64_t bytes_read() const { return total_; }

 private:
  http::HttpRequest& raw_request_;
  BodyDecoder* decoder_;
  std::optional<uint64_t> expected_;
  uint64_t max_bytes_;
  std::string pending_;
  size_t pending_pos_ = 0;
  std::string raw_;  // reused for every read from the socket
  uint64_t total_ = 0;
  bool raw_done_ = false;
};

// The S3 error document (with the XML declaration) for `e`.
std::string ErrorXml(const S3Error& e, const std::string& resource, const std::string& bucket,
                     const std::string& key, const std::string& request_id);

struct S3Request {
  http::HttpRequest& http;
  http::HttpResponse& response;
  Services& svc;
  std::string request_id;
  std::string method;
  std::string bucket;  // empty for service-level requests
  std::string key;     // decoded; empty for bucket-level requests
  std::map<std::string, std::string> query;  // decoded names and values
  Principal principal;
  std::unique_ptr<BodyDecoder> decoder;
  std::unique_ptr<RequestBody> body_source;
  int64_t now_ms = 0;

  bool HasQuery(const std::string& name) const { return query.count(name) > 0; }
  std::string Query(const std::string& name, const std::string& def = "") const;
  bool HasHeader(const std::string& name) const { return http.Has(name); }
  std::string Header(const std::string& name, const std::string& def = "") const {
    return http.Get(name, def);
  }
  // The payload size the client announced (x-amz-decoded-content-length for aws-chunked).
  std::optional<uint64_t> DeclaredLength() const;
  // The verified body, refused with EntityTooLarge past `max_bytes`. REQUIRES: called once per
  // request.
  RequestBody& Body(uint64_t max_bytes);
  // Reads the whole (small) body, refusing more than `limit` bytes.
  Result<std::string> ReadSmallBody(size_t limit);

  // Answers with an XML document (the declaration is added).
  void SendXml(int status, const std::string& xml);
  void SendEmpty(int status);
  // Sends the error XML; the resource defaults to the request path.
  void SendError(const S3Error& error);
};

}  // namespace cairn
