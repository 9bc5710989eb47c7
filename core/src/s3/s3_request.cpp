#include "s3/s3_request.h"

#include <Poco/Net/HTTPResponse.h>

#include "util/encoding.h"

namespace cairn {

Result<size_t> RequestBody::Read(uint8_t* out, size_t size) {
  static constexpr size_t kRawPiece = 256 << 10;
  while (pending_pos_ == pending_.size()) {
    pending_.clear();
    pending_pos_ = 0;
    if (raw_done_) return size_t{0};
    // Never more than the rest of the declared body, into a buffer that is allocated (and
    // zeroed) once per request rather than per read.
    size_t want = kRawPiece;
    if (expected_ && decoder_ == nullptr && *expected_ >= total_) {
      want = std::min<uint64_t>(want, *expected_ - total_ + 1);  // +1 notices excess bytes
    }
    if (raw_.size() < want) raw_.resize(want);
    stream_.read(raw_.data(), static_cast<std::streamsize>(want));
    const size_t got = static_cast<size_t>(stream_.gcount());
    if (got == 0) {
      raw_done_ = true;
      if (decoder_ != nullptr) CAIRN_RETURN_IF_ERROR(decoder_->Finish());
      if (expected_ && total_ != *expected_) {
        return Status::S3(CAIRN_INVALID_ARGUMENT, "IncompleteBody",
                          "You did not provide the number of bytes specified by the "
                          "Content-Length HTTP header.");
      }
      continue;
    }
    if (decoder_ != nullptr) {
      CAIRN_RETURN_IF_ERROR(
          decoder_->Feed(reinterpret_cast<const uint8_t*>(raw_.data()), got, &pending_));
    } else {
      pending_.assign(raw_.data(), got);
    }
    total_ += pending_.size();
    if (expected_ && total_ > *expected_) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidRequest",
                        "the body is longer than the declared content length");
    }
  }
  size_t n = std::min(size, pending_.size() - pending_pos_);
  std::memcpy(out, pending_.data() + pending_pos_, n);
  pending_pos_ += n;
  return n;
}

std::string S3Request::Query(const std::string& name, const std::string& def) const {
  auto it = query.find(name);
  return it == query.end() ? def : it->second;
}

std::optional<uint64_t> S3Request::DeclaredLength() const {
  std::string v = Header("x-amz-decoded-content-length");
  if (v.empty() && http.hasContentLength()) return static_cast<uint64_t>(http.getContentLength64());
  if (v.empty()) return std::nullopt;
  try {
    return std::stoull(v);
  } catch (...) {
    return std::nullopt;
  }
}

RequestBody& S3Request::Body() {
  if (!body_source) {
    body_source = std::make_unique<RequestBody>(http.stream(), decoder.get(), DeclaredLength());
  }
  return *body_source;
}

Result<std::string> S3Request::ReadSmallBody(size_t limit) {
  std::string out;
  RequestBody& body = Body();
  uint8_t buf[16384];
  while (true) {
    auto n = body.Read(buf, sizeof(buf));
    if (!n.ok()) return n.status();
    if (n.value() == 0) break;
    out.append(reinterpret_cast<char*>(buf), n.value());
    if (out.size() > limit) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "MalformedXML", "the request body is too large");
    }
  }
  return out;
}

void S3Request::SendXml(int status, const std::string& xml) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml;
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType("application/xml");
  response.setContentLength64(body.size());
  if (method == "HEAD") {
    response.send();
    return;
  }
  response.send() << body;
}

void S3Request::SendEmpty(int status) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentLength64(0);
  response.send();
}

void S3Request::SendError(const S3Error& e) {
  std::string resource = e.resource;
  if (resource.empty()) resource = "/" + bucket + (key.empty() ? "" : "/" + key);
  std::string xml = "<Error><Code>" + XmlEscape(e.code) + "</Code><Message>" +
                    XmlEscape(e.message) + "</Message>";
  if (!bucket.empty()) xml += "<BucketName>" + XmlEscape(bucket) + "</BucketName>";
  if (!key.empty()) xml += "<Key>" + XmlEscape(key) + "</Key>";
  xml += "<Resource>" + XmlEscape(resource) + "</Resource><RequestId>" + request_id +
         "</RequestId><HostId>" + request_id + "</HostId></Error>";
  if (e.http_status == 304 || method == "HEAD") {
    // No body for 304 or HEAD; the code travels in a header for clients' logs.
    response.set("x-amz-error-code", e.code);
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(e.http_status));
    response.setContentLength64(0);
    response.send();
    return;
  }
  SendXml(e.http_status, xml);
}

}  // namespace cairn
