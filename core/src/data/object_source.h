// ObjectSource: a PayloadSource over the stored bytes [offset, offset+length) of an object's
// segments, for server-side copies. Pulls a window at a time through DataPath::Read, so memory
// stays bounded. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "data/data_path.h"

namespace cairn {

class ObjectSource : public PayloadSource {
 public:
  ObjectSource(DataPath& data, std::vector<Segment> segments, uint64_t offset, uint64_t length,
               std::string what)
      : data_(data), segments_(std::move(segments)), pos_(offset), end_(offset + length),
        what_(std::move(what)) {}

  Result<size_t> Read(uint8_t* out, size_t size) override {
    if (buf_pos_ == buf_.size()) {
      buf_.clear();
      buf_pos_ = 0;
      CAIRN_RETURN_IF_ERROR(Fill());
      if (buf_.empty()) return size_t{0};
    }
    size_t n = std::min(size, buf_.size() - buf_pos_);
    std::memcpy(out, buf_.data() + buf_pos_, n);
    buf_pos_ += n;
    return n;
  }

 private:
  // Reads the next window, aligned to the segment's stripes so no stripe is read twice.
  Status Fill() {
    uint64_t seg_start = 0;
    for (const Segment& s : segments_) {
      uint64_t seg_end = seg_start + s.size;
      if (pos_ < seg_end && pos_ < end_) {
        uint64_t stripe = static_cast<uint64_t>(s.k) * s.block_size;
        uint64_t rel = pos_ - seg_start;
        uint64_t window = stripe - rel % stripe;
        uint64_t n = std::min({window, seg_end - pos_, end_ - pos_});
        CAIRN_RETURN_IF_ERROR(data_.Read(s, rel, n, [this](const uint8_t* d, size_t len) {
          buf_.append(reinterpret_cast<const char*>(d), len);
          return Status::Ok();
        }, what_));
        pos_ += n;
        return Status::Ok();
      }
      seg_start = seg_end;
    }
    return Status::Ok();
  }

  DataPath& data_;
  std::vector<Segment> segments_;
  uint64_t pos_;
  uint64_t end_;
  std::string what_;
  std::string buf_;
  size_t buf_pos_ = 0;
};

}  // namespace cairn
