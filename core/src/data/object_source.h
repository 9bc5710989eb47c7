// Reading an object's stored bytes, wherever they live: inline in its record (small objects)
// or in erasure-coded segments.
//   ReadObjectRange pushes [offset, offset+length) into a sink (GetObject);
//   ObjectSource pulls them as a PayloadSource (server-side copies), a stripe-aligned window
//   at a time, so memory stays bounded. Not thread-safe.
// Both register with the data path's ReadRegistry for as long as they read, so that an
// overwrite meanwhile does not free the shards under them (data/read_registry.h).
#pragma once

#include <algorithm>
#include <cstring>
#include <string>

#include "data/data_path.h"

namespace cairn {

namespace detail {
// ReadObjectRange without registering the read (ObjectSource registers once for all windows).
inline Status ReadObjectBytes(DataPath& data, const ObjectRecord& o, uint64_t offset,
                              uint64_t length, const PayloadSink& sink, const std::string& what) {
  if (o.segments.empty()) {
    if (length == 0) return Status::Ok();
    return sink(reinterpret_cast<const uint8_t*>(o.inline_data.data()) + offset, length);
  }
  uint64_t seg_start = 0;
  const uint64_t end = offset + length;
  for (const Segment& s : o.segments) {
    uint64_t seg_end = seg_start + s.size;
    if (seg_end > offset && seg_start < end) {
      uint64_t lo = std::max(offset, seg_start);
      uint64_t hi = std::min(end, seg_end);
      CAIRN_RETURN_IF_ERROR(data.Read(s, lo - seg_start, hi - lo, sink, what));
    }
    seg_start = seg_end;
  }
  return Status::Ok();
}
}  // namespace detail

// `what` names the object in logs.
inline Status ReadObjectRange(DataPath& data, const ObjectRecord& o, uint64_t offset,
                              uint64_t length, const PayloadSink& sink, const std::string& what) {
  ScopedRead registered(data.read_registry(), o);
  return detail::ReadObjectBytes(data, o, offset, length, sink, what);
}

class ObjectSource : public PayloadSource {
 public:
  ObjectSource(DataPath& data, ObjectRecord object, uint64_t offset, uint64_t length,
               std::string what)
      : data_(data), object_(std::move(object)), registered_(data.read_registry(), object_),
        pos_(offset), end_(offset + length), what_(std::move(what)) {}

  Result<size_t> Read(uint8_t* out, size_t size) override {
    if (buf_pos_ == buf_.size()) {
      buf_.clear();
      buf_pos_ = 0;
      if (pos_ >= end_) return size_t{0};
      uint64_t n = std::min(Window(), end_ - pos_);
      CAIRN_RETURN_IF_ERROR(detail::ReadObjectBytes(
          data_, object_, pos_, n,
          [this](const uint8_t* d, size_t len) {
            buf_.append(reinterpret_cast<const char*>(d), len);
            return Status::Ok();
          },
          what_));
      pos_ += n;
    }
    size_t n = std::min(size, buf_.size() - buf_pos_);
    std::memcpy(out, buf_.data() + buf_pos_, n);
    buf_pos_ += n;
    return n;
  }

 private:
  // Bytes from pos_ to the end of its stripe, so that no stripe is read twice.
  uint64_t Window() const {
    uint64_t seg_start = 0;
    for (const Segment& s : object_.segments) {
      if (pos_ < seg_start + s.size) {
        uint64_t stripe = static_cast<uint64_t>(s.k) * s.block_size;
        return stripe - (pos_ - seg_start) % stripe;
      }
      seg_start += s.size;
    }
    return 1 << 20;  // inline data
  }

  DataPath& data_;
  ObjectRecord object_;
  ScopedRead registered_;  // after object_, which it reads
  uint64_t pos_;
  uint64_t end_;
  std::string what_;
  std::string buf_;
  size_t buf_pos_ = 0;
};

}  // namespace cairn
