// PayloadSource: where the bytes of an object come from (a request body after SigV4
// decoding, or another object for CopyObject). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "cairn/status.h"

namespace cairn {

class PayloadSource {
 public:
  virtual ~PayloadSource() = default;
  // Reads up to `size` bytes; 0 means the end, reached only after the source verified
  // everything it verifies (signatures, checksums, length).
  virtual Result<size_t> Read(uint8_t* out, size_t size) = 0;
};

// Reads until `size` bytes or the end; returns the count.
inline Result<size_t> ReadFull(PayloadSource& src, uint8_t* out, size_t size) {
  size_t got = 0;
  while (got < size) {
    auto n = src.Read(out + got, size - got);
    if (!n.ok()) return n.status();
    if (n.value() == 0) break;
    got += n.value();
  }
  return got;
}

// Where read object bytes go (the HTTP response). A failed sink stops the read.
using PayloadSink = std::function<Status(const uint8_t* data, size_t size)>;

}  // namespace cairn
