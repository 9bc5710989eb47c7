// HttpResponse: the answer to one request. Headers are collected, then Send() writes the
// status line and header section and returns the stream for the body, which is buffered and
// written to the connection as it fills. A header value with a control character is never
// sent (it would split the response); such a header is dropped and logged. Date,
// Content-Length and Connection are written by this class. One per request; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "http/connection.h"
#include "http/request_head.h"

namespace cairn::http {

class HttpResponse {
 public:
  HttpResponse(Connection& conn, bool head_request, bool keep_alive);
  ~HttpResponse();

  void SetStatus(int status) { status_ = status; }
  int status() const { return status_; }
  // Replaces any header of that name (any case).
  void Set(const std::string& name, const std::string& value);
  const std::string* Find(std::string_view name) const;
  void SetContentLength(uint64_t length) { content_length_ = length; }
  void SetKeepAlive(bool keep_alive) { keep_alive_ = keep_alive; }
  bool keep_alive() const { return keep_alive_; }

  // Writes the status line and headers; the returned stream takes the body. A response without
  // a Content-Length closes the connection after its body. REQUIRES: not sent yet.
  std::ostream& Send();
  bool sent() const { return sent_; }
  // Flushes the body. False when the connection failed, or the body was shorter or longer
  // than the Content-Length: then the connection must be closed.
  bool Finish();
  // Marks the response as cut short (bytes already sent cannot be taken back): the connection
  // is closed instead of serving another request.
  void Abort() { aborted_ = true; }
  bool aborted() const { return aborted_; }

 private:
  class BodyBuffer;

  Connection& conn_;
  bool head_request_;
  bool keep_alive_;
  int status_ = 200;
  HeaderList headers_;
  std::optional<uint64_t> content_length_;
  bool sent_ = false;
  bool aborted_ = false;
  std::unique_ptr<BodyBuffer> body_buffer_;
  std::unique_ptr<std::ostream> body_;
};

// The reason phrase of a status code ("OK", "Not Found", ...).
const char* ReasonPhrase(int status);

}  // namespace cairn::http
