#include "http/http_request.h"

#include <cstring>

namespace cairn::http {
namespace {

Status Incomplete() {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "IncompleteBody",
                    "The connection closed before the whole request body arrived.");
}

}  // namespace

HttpRequest::HttpRequest(RequestHead head, Connection& conn, std::function<Status()> send_continue)
    : head_(std::move(head)), conn_(conn), send_continue_(std::move(send_continue)) {
  remaining_ = head_.content_length.value_or(0);
  body_complete_ = !HasBody();
}

Status HttpRequest::StartBody() {
  started_ = true;
  if (head_.expect_continue && conn_.buffered().empty() && send_continue_) {
    return send_continue_();
  }
  return Status::Ok();
}

Result<size_t> HttpRequest::ReadBody(char* out, size_t size) {
  if (body_complete_ || size == 0) return size_t{0};
  if (!started_) CAIRN_RETURN_IF_ERROR(StartBody());
  std::string& buffered = conn_.buffered();
  if (!head_.chunked) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(size, remaining_));
    size_t n = 0;
    if (!buffered.empty()) {
      n = std::min(want, buffered.size());
      std::memcpy(out, buffered.data(), n);
      buffered.erase(0, n);
    } else {
      auto got = conn_.ReceiveInto(out, want);
      if (!got.ok()) return got.status();
      if (got.value() == 0) return Incomplete();
      n = got.value();
    }
    remaining_ -= n;
    if (remaining_ == 0) body_complete_ = true;
    return n;
  }
  while (decoded_pos_ == decoded_.size()) {
    decoded_.clear();
    decoded_pos_ = 0;
    if (chunks_.done()) {
      body_complete_ = true;
      return size_t{0};
    }
    if (buffered.empty()) {
      auto got = conn_.Receive();
      if (!got.ok()) return got.status();
      if (got.value() == 0) return Incomplete();
    }
    auto used = chunks_.Feed(buffered, &decoded_);
    if (!used.ok()) return used.status();
    buffered.erase(0, used.value());  // what is left belongs to the next request
  }
  size_t n = std::min(size, decoded_.size() - decoded_pos_);
  std::memcpy(out, decoded_.data() + decoded_pos_, n);
  decoded_pos_ += n;
  if (decoded_pos_ == decoded_.size() && chunks_.done()) body_complete_ = true;
  return n;
}

}  // namespace cairn::http
