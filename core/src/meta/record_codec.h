// A small binary encoding for metadata records: varint-prefixed fields in a fixed order,
// behind a one-byte record type and version so that a reader refuses what it does not know.
// Not thread-safe; one per record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn {

class RecordWriter {
 public:
  void U64(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void Str(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }
  void Pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
    U64(pairs.size());
    for (const auto& [k, v] : pairs) {
      Str(k);
      Str(v);
    }
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class RecordReader {
 public:
  explicit RecordReader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  // True when every byte was read.
  bool AtEnd() const { return pos_ >= in_.size(); }
  uint64_t U64() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return Fail();
      unsigned char b = in_[pos_++];
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail();
  }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  std::string Str() {
    uint64_t n = U64();
    if (!ok_ || n > in_.size() - pos_) {
      Fail();
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::vector<std::pair<std::string, std::string>> Pairs() {
    std::vector<std::pair<std::string, std::string>> out;
    uint64_t n = U64();
    for (uint64_t i = 0; ok_ && i < n; ++i) {
      std::string k = Str();
      std::string v = Str();
      out.emplace_back(std::move(k), std::move(v));
    }
    return out;
  }

 private:
  uint64_t Fail() {
    ok_ = false;
    return 0;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace cairn
