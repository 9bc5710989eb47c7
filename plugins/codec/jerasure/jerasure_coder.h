// JerasureCoder: a Reed-Solomon coder over GF(2^8) for fixed (k, m), computed with Jerasure 2.
//
// The parity rows are the m x k matrix of reed_sol_vandermonde_coding_matrix(k, m, 8); with the
// identity on top it is a systematic MDS code for k + m <= 256 (every k x k submatrix of the
// distribution matrix is invertible), so any k surviving blocks rebuild the stripe. Stored parity
// depends on this exact matrix: it is what the stable name "jerasure-rs-vand/1" stands for (see
// jerasure_codec.h).
//
// Blocks may have any size and any alignment (see aligned_regions.h for why that needs care).
//
// Thread-safety: immutable after Open; Encode and Reconstruct may run concurrently. Jerasure's
// GF(2^8) and GF(2^32) fields are global and lazily built on first use, which races; Open builds
// them once, process-wide, before any coder exists. Jerasure also bumps three global statistics
// counters (jerasure_total_*_bytes) without synchronization: a benign race on numbers nobody
// reads, which thread sanitizers will nevertheless report.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cairn/codec.h"
#include "cairn/status.h"

namespace cairn::codec {

class JerasureCoder final : public ErasureCoder {
 public:
  // InvalidArgument unless k >= 1, m >= 1 and k + m <= 255.
  static Result<std::unique_ptr<JerasureCoder>> Open(int k, int m);

  int k() const override { return k_; }
  int m() const override { return m_; }
  Status Encode(const uint8_t* const* data, uint8_t* const* parity,
                size_t block_size) const override;
  // Fills every block whose present flag is 0 from the first k present blocks.
  Status Reconstruct(uint8_t* const* blocks, const uint8_t* present,
                     size_t block_size) const override;

  // The m x k parity matrix, row-major (for tests that pin the code).
  const std::vector<int>& parity_matrix() const { return matrix_; }

 private:
  JerasureCoder(int k, int m, std::vector<int> matrix) : k_(k), m_(m), matrix_(std::move(matrix)) {}

  const int k_;
  const int m_;
  const std::vector<int> matrix_;  // m x k, row-major
};

}  // namespace cairn::codec
