// HttpRequest: one request as a worker serves it: the parsed head and its body, read from the
// connection on demand. The body ends exactly where its framing says (Content-Length, or the
// last chunk); a request with neither has no body (RFC 9112 6.3). A client that sent
// "Expect: 100-continue" gets its 100 Continue when the body is first read, so a request
// refused before that (403, 404, ...) is answered without the client sending the body.
// One per request; not thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "http/chunked_decoder.h"
#include "http/connection.h"
#include "http/request_head.h"

namespace cairn::http {

class HttpRequest {
 public:
  // `before_body` runs before the first body read when the client expects 100-continue.
  HttpRequest(RequestHead head, Connection& conn, std::function<Status()> send_continue);

  const std::string& method() const { return head_.method; }
  const std::string& target() const { return head_.target; }
  const HeaderList& headers() const { return head_.headers; }
  bool Has(std::string_view name) const { return head_.Find(name) != nullptr; }
  std::string Get(std::string_view name, const std::string& def = "") const {
    const std::string* v = head_.Find(name);
    return v ? *v : def;
  }
  std::optional<uint64_t> content_length() const { return head_.content_length; }
  bool chunked() const { return head_.chunked; }
  bool keep_alive() const { return head_.keep_alive; }
  // True when the request has a body that is not empty (or might not be: chunked).
  bool HasBody() const { return head_.chunked || head_.content_length.value_or(0) > 0; }

  // Reads up to `size` body bytes into `out`; 0 at the end of the body. IncompleteBody when the
  // client closed early, RequestTimeout when it stalled, BadRequest on broken chunk framing.
  Result<size_t> ReadBody(char* out, size_t size);
  // True once the whole body was read (the connection can serve another request).
  bool body_complete() const { return body_complete_; }

 private:
  Status StartBody();

  RequestHead head_;
  Connection& conn_;
  std::function<Status()> send_continue_;
  bool started_ = false;
  bool body_complete_ = false;
  uint64_t remaining_ = 0;  // Content-Length bytes not read yet
  ChunkedDecoder chunks_;
  std::string decoded_;  // chunked data decoded but not returned yet
  size_t decoded_pos_ = 0;
};

}  // namespace cairn::http
