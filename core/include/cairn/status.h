// Status and Result<T>: errors as values, on both sides of the plugin boundary.
//
// A Status carries a cairn_code, an optional S3 error code (for the few places where a plugin
// knows the precise S3 error, e.g. SignatureDoesNotMatch) and a message. Thread-compatible.
#pragma once

#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "cairn/abi.h"

namespace cairn {

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string msg) { return Status(CAIRN_NOT_FOUND, std::move(msg)); }
  static Status Conflict(std::string msg) { return Status(CAIRN_CONFLICT, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(CAIRN_CORRUPTION, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(CAIRN_IO_ERROR, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(CAIRN_INVALID_ARGUMENT, std::move(msg));
  }
  static Status Unavailable(std::string msg) { return Status(CAIRN_UNAVAILABLE, std::move(msg)); }
  static Status NoSpace(std::string msg) { return Status(CAIRN_NO_SPACE, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(CAIRN_INTERNAL, std::move(msg)); }
  // A write that may or may not have been applied (see CAIRN_OUTCOME_UNKNOWN).
  static Status OutcomeUnknown(std::string msg) {
    return Status(CAIRN_OUTCOME_UNKNOWN, std::move(msg));
  }
  // An authentication failure with its S3 code, e.g. ("SignatureDoesNotMatch", "...").
  static Status AccessDenied(std::string s3_code, std::string msg) {
    Status s(CAIRN_ACCESS_DENIED, std::move(msg));
    s.s3_code_ = std::move(s3_code);
    return s;
  }
  // An error with an explicit S3 code (the core maps it to the HTTP status).
  static Status S3(cairn_code code, std::string s3_code, std::string msg) {
    Status s(code, std::move(msg));
    s.s3_code_ = std::move(s3_code);
    return s;
  }

  bool ok() const { return code_ == CAIRN_OK; }
  cairn_code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& s3_code() const { return s3_code_; }
  bool IsNotFound() const { return code_ == CAIRN_NOT_FOUND; }
  bool IsConflict() const { return code_ == CAIRN_CONFLICT; }
  bool IsOutcomeUnknown() const { return code_ == CAIRN_OUTCOME_UNKNOWN; }

  std::string ToString() const {
    if (ok()) return "OK";
    static const char* kNames[] = {"OK",           "NotFound",        "Conflict",    "Corruption",
                                   "IOError",      "InvalidArgument", "Unavailable", "NoSpace",
                                   "AccessDenied", "Internal",        "OutcomeUnknown"};
    std::string s = (code_ >= 0 && code_ <= CAIRN_OUTCOME_UNKNOWN) ? kNames[code_] : "Unknown";
    if (!s3_code_.empty()) s += " (" + s3_code_ + ")";
    return s + ": " + message_;
  }

  // Crossing the C boundary: a callee fills the caller's cairn_error; a caller rebuilds a Status.
  void ToError(cairn_error* err) const {
    if (err == nullptr) return;
    err->code = code_;
    CopyTruncated(err->s3_code, sizeof(err->s3_code), s3_code_);
    CopyTruncated(err->message, sizeof(err->message), message_);
  }
  static Status FromError(int32_t code, const cairn_error& err) {
    if (code == CAIRN_OK) return Ok();
    Status s(static_cast<cairn_code>(code), std::string(err.message, strnlen(err.message, sizeof(err.message))));
    s.s3_code_.assign(err.s3_code, strnlen(err.s3_code, sizeof(err.s3_code)));
    return s;
  }

 private:
  Status(cairn_code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  static void CopyTruncated(char* dst, size_t cap, const std::string& src) {
    size_t n = src.size() < cap - 1 ? src.size() : cap - 1;
    std::memcpy(dst, src.data(), n);
    dst[n] = '\0';
  }

  cairn_code code_ = CAIRN_OK;
  std::string message_;
  std::string s3_code_;
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  // REQUIRES: ok()
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  T& operator*() { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace cairn

#define CAIRN_RETURN_IF_ERROR(expr)      \
  do {                                   \
    ::cairn::Status _st = (expr);        \
    if (!_st.ok()) return _st;           \
  } while (0)
