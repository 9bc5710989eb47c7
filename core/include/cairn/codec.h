// Codec: the erasure-coding boundary. A codec turns k data blocks into m parity blocks and
// rebuilds any m lost blocks of a stripe from the k+m.
//
// A codec plugin instance is a factory; Open(k, m) returns a coder for fixed parameters that
// the data path keeps and shares. Coders are immutable after Open and thread-safe.
#pragma once

#include <memory>
#include <string>

#include "cairn/abi.h"
#include "cairn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cairn_codec_vtable {
  uint32_t struct_size;
  // The stable name recorded in each object's manifest, e.g. "isal-rs/1". Changing the
  // encoding math means a new name; the old one must keep decoding what it wrote.
  const char* (*stable_name)(void* instance);
  // Returns a coder for k data and m parity blocks, or NULL and *err.
  void* (*open)(void* instance, uint32_t k, uint32_t m, cairn_error* err);
  void (*close)(void* coder);
  // data: k pointers to block_size bytes; parity: m pointers to block_size writable bytes.
  int32_t (*encode)(void* coder, const uint8_t* const* data, uint8_t* const* parity,
                    size_t block_size, cairn_error* err);
  // blocks: k+m pointers to block_size bytes each (data blocks first, then parity);
  // present[i] != 0 when blocks[i] holds good bytes. Fills every block that is not present.
  // Fails with CAIRN_INVALID_ARGUMENT when fewer than k are present.
  int32_t (*reconstruct)(void* coder, uint8_t* const* blocks, const uint8_t* present,
                         size_t block_size, cairn_error* err);
} cairn_codec_vtable;

#ifdef __cplusplus
}

namespace cairn {

// A coder for fixed (k, m). Thread-safe.
class ErasureCoder {
 public:
  virtual ~ErasureCoder() = default;
  virtual int k() const = 0;
  virtual int m() const = 0;
  // REQUIRES: data has k blocks, parity has m blocks, each of block_size bytes.
  virtual Status Encode(const uint8_t* const* data, uint8_t* const* parity,
                        size_t block_size) const = 0;
  // REQUIRES: blocks has k+m blocks of block_size bytes; present has k+m flags.
  virtual Status Reconstruct(uint8_t* const* blocks, const uint8_t* present,
                             size_t block_size) const = 0;
};

class Codec {
 public:
  virtual ~Codec() = default;
  virtual std::string StableName() const = 0;
  virtual Result<std::unique_ptr<ErasureCoder>> Open(int k, int m) = 0;
};

}  // namespace cairn
#endif
