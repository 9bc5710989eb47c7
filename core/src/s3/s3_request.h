// S3Request: one S3 request as the handlers see it (addressed bucket and key, decoded query,
// principal, the verified body) and the helpers that answer it. Handlers return an S3Outcome:
// nullopt when they answered, or the S3 error to send. One per request; not thread-safe.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cairn/authenticator.h"
#include "data/payload_source.h"
#include "s3/s3_error.h"
#include "s3/services.h"

namespace cairn {

using S3Outcome = std::optional<S3Error>;

// The request body after the authenticator's decoder: aws-chunked removed, signatures,
// payload hash and checksums verified. Read returns 0 only once all of that held and exactly
// `expected` bytes arrived (when known).
class RequestBody : public PayloadSource {
 public:
  RequestBody(std::istream& raw, BodyDecoder* decoder, std::optional<uint64_t> expected)
      : stream_(raw), decoder_(decoder), expected_(expected) {}
  Result<size_t> Read(uint8_t* out, size_t size) override;
  uint64_t bytes_read() const { return total_; }

 private:
  std::istream& stream_;
  BodyDecoder* decoder_;
  std::optional<uint64_t> expected_;
  std::string pending_;
  size_t pending_pos_ = 0;
  std::string raw_;  // reused for every read from the socket
  uint64_t total_ = 0;
  bool raw_done_ = false;
};

struct S3Request {
  Poco::Net::HTTPServerRequest& http;
  Poco::Net::HTTPServerResponse& response;
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
  bool HasHeader(const std::string& name) const { return http.has(name); }
  std::string Header(const std::string& name, const std::string& def = "") const {
    return http.get(name, def);
  }
  // The payload size the client announced (x-amz-decoded-content-length for aws-chunked).
  std::optional<uint64_t> DeclaredLength() const;
  // The verified body. REQUIRES: called once per request.
  RequestBody& Body();
  // Reads the whole (small) body, refusing more than `limit` bytes.
  Result<std::string> ReadSmallBody(size_t limit);

  // Answers with an XML document (the declaration is added).
  void SendXml(int status, const std::string& xml);
  void SendEmpty(int status);
  // Sends the error XML; the resource defaults to the request path.
  void SendError(const S3Error& error);
};

}  // namespace cairn
