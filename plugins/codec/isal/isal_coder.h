// IsalCoder: a Reed-Solomon coder over GF(2^8) for fixed (k, m), computed with ISA-L.
//
// The encode matrix is the (k+m) x k matrix of ISA-L's gf_gen_cauchy1_matrix: identity on top
// (a systematic code: data blocks are stored as they are), and below it the Cauchy rows
// 1 / (i xor j) for i in [k, k+m), j in [0, k). Every k x k submatrix of it is invertible, so any
// k surviving blocks rebuild the stripe. Stored parity depends on this exact matrix: it is what
// the stable name "isal-rs/1" stands for (see isal_codec.h).
//
// Thread-safety: immutable after Open; Encode and Reconstruct may run concurrently (decode
// tables are built per call on the caller's stack/heap, never cached in the object).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cairn/codec.h"
#include "cairn/status.h"

namespace cairn::codec {

class IsalCoder final : public ErasureCoder {
 public:
  // InvalidArgument unless k >= 1, m >= 1 and k + m <= 255.
  static Result<std::unique_ptr<IsalCoder>> Open(int k, int m);

  int k() const override { return k_; }
  int m() const override { return m_; }
  Status Encode(const uint8_t* const* data, uint8_t* const* parity,
                size_t block_size) const override;
  // Fills every block whose present flag is 0 from the first k present blocks.
  Status Reconstruct(uint8_t* const* blocks, const uint8_t* present,
                     size_t block_size) const override;

 private:
  IsalCoder(int k, int m, std::vector<uint8_t> matrix, std::vector<uint8_t> encode_tables)
      : k_(k), m_(m), matrix_(std::move(matrix)), encode_tables_(std::move(encode_tables)) {}

  const int k_;
  const int m_;
  const std::vector<uint8_t> matrix_;         // (k+m) x k, row-major
  const std::vector<uint8_t> encode_tables_;  // ec_init_tables of the m parity rows
};

}  // namespace cairn::codec
