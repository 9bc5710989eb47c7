#include "s3/s3_request.h"

#include <cstring>

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
    auto read = raw_request_.ReadBody(raw_.data(), want);
    if (!read.ok()) return read.status();
    const size_t got = read.value();
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
    if (total_ > max_bytes_) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "EntityTooLarge",
                        "Your proposed upload exceeds the maximum allowed size.");
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
  if (v.empty()) return http.content_length();
  try {
    return std::stoull(v);
  } catch (...) {
    return std::nullopt;
  }
}

RequestBody& S3Request::Body(uint64_t max_bytes) {
  if (!body_source) {
    body_source =
        std::make_unique<RequestBody>(http, decoder.get(), DeclaredLength(), max_bytes);
  }
  return *body_source;
}

Result<std::string> S3Request::ReadSmallBody(size_t limit) {
  std::string out;
  RequestBody& body = Body(limit);
  uint8_t buf[16384];
  while (true) {
    auto n = body.Read(buf, sizeof(buf));
    if (!n.ok() && n.status().s3_code() == "EntityTooLarge") {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "MalformedXML", "the request body is too large");
    }
    if (!n.ok()) return n.status();
    if (n.value() == 0) break;
    out.append(reinterpret_cast<char*>(buf), n.value());
  }
  return out;
}

void S3Request::SendXml(int status, const std::string& xml) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml;
  response.SetStatus(status);
  response.Set("Content-Type", "application/xml");
  response.SetContentLength(body.size());
  if (method == "HEAD") {
    response.Send();
    return;
  }
  response.Send() << body;
}

void S3Request::SendEmpty(int status) {
  response.SetStatus(status);
  response.SetContentLength(0);
  response.Send();
}

std::string ErrorXml(const S3Error& e, const std::string& resource, const std::string& bucket,
                     const std::string& key, const std::string& request_id) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" +
                    XmlEscape(e.code) + "</Code><Message>" + XmlEscape(e.message) + "</Message>";
  if (!bucket.empty()) xml += "<BucketName>" + XmlEscape(bucket) + "</BucketName>";
  // A key that is not valid UTF-8 (refused for that very reason) cannot go into XML as is.
  if (!key.empty() && IsValidUtf8(key)) xml += "<Key>" + XmlEscape(key) + "</Key>";
  xml += "<Resource>" + XmlEscape(resource) + "</Resource><RequestId>" + request_id +
         "</RequestId><HostId>" + request_id + "</HostId></Error>";
  return xml;
}

void S3Request::SendError(const S3Error& e) {
  std::string resource = e.resource;
  if (resource.empty()) {
    resource = "/" + bucket +
               (key.empty() ? "" : "/" + (IsValidUtf8(key) ? key : UrlEncode(key, true)));
  }
  if (e.http_status == 304 || method == "HEAD") {
    // No body for 304 or HEAD; the code travels in a header for clients' logs.
    response.Set("x-amz-error-code", e.code);
    response.SetStatus(e.http_status);
    response.SetContentLength(0);
    response.Send();
    return;
  }
  std::string body = ErrorXml(e, resource, bucket, key, request_id);
  response.SetStatus(e.http_status);
  response.Set("Content-Type", "application/xml");
  response.SetContentLength(body.size());
  response.Send() << body;
}

}  // namespace cairn
