#include "jerasure_coder.h"

#include <jerasure.h>
#include <reed_sol.h>

#include <climits>
#include <cstdlib>
#include <mutex>
#include <string>

#include "aligned_regions.h"

namespace cairn::codec {
namespace {

// Word size 8: one GF(2^8) symbol per byte, so blocks need no multiple-of-w packet layout.
constexpr int kW = 8;
// Jerasure's Vandermonde construction needs k+m distinct field elements (up to 256); 255 keeps
// the same limit as isal-rs, so a stripe shape valid for one codec is valid for the other.
constexpr int kMaxBlocks = 255;
// reed_sol_vandermonde_coding_matrix makes the first parity row all ones; telling
// jerasure_matrix_decode so lets it rebuild one lost data block with XOR alone.
constexpr int kRowKOnes = 1;

// Builds Jerasure's global fields once: GF(2^8) for the coding math and GF(2^32), which
// galois_region_xor uses for plain XOR. Jerasure would build each lazily on first use, and two
// threads doing so at once would corrupt it.
Status InitFieldsOnce() {
  static std::once_flag once;
  static int rc = 0;
  std::call_once(once, [] {
    rc = galois_init_default_field(kW);
    if (rc == 0) rc = galois_init_default_field(32);
  });
  if (rc != 0) {
    return Status::Internal("jerasure: cannot initialize the Galois fields (errno " +
                            std::to_string(rc) + ")");
  }
  return Status::Ok();
}

// Jerasure takes lengths as int.
Status CheckBlockSize(size_t block_size) {
  if (block_size > static_cast<size_t>(INT_MAX)) {
    return Status::InvalidArgument("block size " + std::to_string(block_size) +
                                   " exceeds the Jerasure limit");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<JerasureCoder>> JerasureCoder::Open(int k, int m) {
  if (k < 1 || m < 1 || k + m > kMaxBlocks) {
    return Status::InvalidArgument(
        "jerasure-rs-vand needs k >= 1, m >= 1 and k + m <= 255; got k=" + std::to_string(k) +
        " m=" + std::to_string(m));
  }
  CAIRN_RETURN_IF_ERROR(InitFieldsOnce());
  int* raw = reed_sol_vandermonde_coding_matrix(k, m, kW);
  if (raw == nullptr) {
    return Status::Internal("jerasure: no Vandermonde matrix for k=" + std::to_string(k) +
                            " m=" + std::to_string(m));
  }
  std::vector<int> matrix(raw, raw + static_cast<size_t>(k) * m);
  std::free(raw);  // Jerasure allocates with malloc
  return std::unique_ptr<JerasureCoder>(new JerasureCoder(k, m, std::move(matrix)));
}

Status JerasureCoder::Encode(const uint8_t* const* data, uint8_t* const* parity,
                             size_t block_size) const {
  CAIRN_RETURN_IF_ERROR(CheckBlockSize(block_size));
  if (data == nullptr || parity == nullptr) {
    return Status::InvalidArgument("encode: null block array");
  }
  const int n = k_ + m_;
  std::vector<uint8_t*> blocks(n);
  std::vector<uint8_t> written(n, 0);
  for (int i = 0; i < k_; ++i) blocks[i] = const_cast<uint8_t*>(data[i]);  // only read
  for (int i = 0; i < m_; ++i) {
    blocks[k_ + i] = parity[i];
    written[k_ + i] = 1;
  }
  // Jerasure's signatures are not const-correct; it only reads the matrix.
  int* matrix = const_cast<int*>(matrix_.data());
  return RunOnAlignedRegions({blocks.data(), written.data(), n}, block_size,
                             [&](char** ptrs, int size) {
                               jerasure_matrix_encode(k_, m_, kW, matrix, ptrs, ptrs + k_, size);
                               return Status::Ok();
                             });
}

Status JerasureCoder::Reconstruct(uint8_t* const* blocks, const uint8_t* present,
                                  size_t block_size) const {
  CAIRN_RETURN_IF_ERROR(CheckBlockSize(block_size));
  if (blocks == nullptr || present == nullptr) {
    return Status::InvalidArgument("reconstruct: null block or flag array");
  }
  const int n = k_ + m_;
  std::vector<int> erasures;  // Jerasure's form: lost block ids, terminated by -1
  std::vector<uint8_t> written(n, 0);
  for (int i = 0; i < n; ++i) {
    if (present[i] == 0) {
      erasures.push_back(i);
      written[i] = 1;
    }
  }
  const int survivors = n - static_cast<int>(erasures.size());
  if (survivors < k_) {
    return Status::InvalidArgument("reconstruct: " + std::to_string(survivors) +
                                   " blocks present, " + std::to_string(k_) + " needed");
  }
  if (erasures.empty() || block_size == 0) return Status::Ok();
  erasures.push_back(-1);

  int* matrix = const_cast<int*>(matrix_.data());
  // jerasure_matrix_decode decodes lost data from the first k survivors, then re-encodes lost
  // parity from the data.
  return RunOnAlignedRegions({blocks, written.data(), n}, block_size, [&](char** ptrs, int size) {
    if (jerasure_matrix_decode(k_, m_, kW, matrix, kRowKOnes, erasures.data(), ptrs, ptrs + k_,
                               size) != 0) {
      // Cannot happen for an MDS matrix with >= k survivors, short of malloc failing.
      return Status::Internal("reconstruct: jerasure_matrix_decode failed");
    }
    return Status::Ok();
  });
}

}  // namespace cairn::codec
