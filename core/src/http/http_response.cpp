#include "http/http_response.h"

#include <ctime>
#include <streambuf>

#include "util/encoding.h"
#include "util/log.h"

namespace cairn::http {

// Buffers body bytes and writes them to the connection in pieces; counts what it wrote so
// Finish can tell a body that does not match its Content-Length.
class HttpResponse::BodyBuffer : public std::streambuf {
 public:
  explicit BodyBuffer(Connection& conn) : conn_(conn), buffer_(kSize, '\0') {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  bool Flush() {
    const size_t n = static_cast<size_t>(pptr() - pbase());
    if (n > 0 && ok_) {
      ok_ = conn_.SendAll(std::string_view(pbase(), n)).ok();
      written_ += n;
    }
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return ok_;
  }
  uint64_t written() const { return written_ + static_cast<uint64_t>(pptr() - pbase()); }

 protected:
  int_type overflow(int_type c) override {
    if (!Flush()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    // Large writes (object data) skip the buffer.
    if (static_cast<size_t>(n) >= kSize) {
      if (!Flush()) return 0;
      ok_ = conn_.SendAll(std::string_view(s, static_cast<size_t>(n))).ok();
      if (!ok_) return 0;
      written_ += static_cast<uint64_t>(n);
      return n;
    }
    return std::streambuf::xsputn(s, n);
  }
  int sync() override { return Flush() ? 0 : -1; }

 private:
  static constexpr size_t kSize = 64 << 10;
  Connection& conn_;
  std::string buffer_;
  uint64_t written_ = 0;
  bool ok_ = true;
};

namespace {

std::string HttpDateNow() {
  char buf[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace

HttpResponse::HttpResponse(Connection& conn, bool head_request, bool keep_alive)
    : conn_(conn), head_request_(head_request), keep_alive_(keep_alive) {}

HttpResponse::~HttpResponse() = default;

void HttpResponse::Set(const std::string& name, const std::string& value) {
  std::erase_if(headers_, [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
  headers_.emplace_back(name, value);
}

const std::string* HttpResponse::Find(std::string_view name) const {
  for (const auto& [n, v] : headers_) {
    if (EqualsIgnoreCase(n, name)) return &v;
  }
  return nullptr;
}

std::ostream& HttpResponse::Send() {
  sent_ = true;
  // 1xx, 204 and 304 have no body and no Content-Length of a body.
  const bool bodiless_status = status_ < 200 || status_ == 204 || status_ == 304;
  if (!content_length_ && !bodiless_status && !head_request_) keep_alive_ = false;
  std::string out = "HTTP/1.1 " + std::to_string(status_) + " " + ReasonPhrase(status_) + "\r\n";
  for (const auto& [name, value] : headers_) {
    if (!IsHeaderValueSafe(value) || !IsHeaderValueSafe(name)) {
      LogError("http", "dropped response header " + name.substr(0, 64) +
                           ": its value has a control character");
      continue;
    }
    out += name + ": " + value + "\r\n";
  }
  out += "Date: " + HttpDateNow() + "\r\n";
  if (content_length_ && !(bodiless_status && *content_length_ == 0 && status_ != 304)) {
    out += "Content-Length: " + std::to_string(*content_length_) + "\r\n";
  }
  out += keep_alive_ ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  body_buffer_ = std::make_unique<BodyBuffer>(conn_);
  body_ = std::make_unique<std::ostream>(body_buffer_.get());
  if (!conn_.SendAll(out).ok()) body_->setstate(std::ios::badbit);
  return *body_;
}

bool HttpResponse::Finish() {
  if (!sent_) return false;
  bool ok = body_->good() && body_buffer_->Flush();
  if (!head_request_ && content_length_ && status_ != 304 &&
      body_buffer_->written() != *content_length_) {
    ok = false;
  }
  return ok && !aborted_;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
  }
}

}  // namespace cairn::http
