#include "isal_coder.h"

#include <isa-l/erasure_code.h>

#include <algorithm>
#include <climits>
#include <string>

namespace cairn::codec {
namespace {

// GF(2^8) has 255 non-zero elements; the Cauchy construction needs k+m distinct row/column
// labels whose xor is never 0, which holds up to 255 rows.
constexpr int kMaxBlocks = 255;

// ISA-L takes lengths as int.
Status CheckBlockSize(size_t block_size) {
  if (block_size > static_cast<size_t>(INT_MAX)) {
    return Status::InvalidArgument("block size " + std::to_string(block_size) +
                                   " exceeds the ISA-L limit");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<IsalCoder>> IsalCoder::Open(int k, int m) {
  if (k < 1 || m < 1 || k + m > kMaxBlocks) {
    return Status::InvalidArgument("isal-rs needs k >= 1, m >= 1 and k + m <= 255; got k=" +
                                   std::to_string(k) + " m=" + std::to_string(m));
  }
  const int rows = k + m;
  std::vector<uint8_t> matrix(static_cast<size_t>(rows) * k);
  gf_gen_cauchy1_matrix(matrix.data(), rows, k);
  std::vector<uint8_t> tables(32 * static_cast<size_t>(k) * m);
  ec_init_tables(k, m, matrix.data() + static_cast<size_t>(k) * k, tables.data());
  return std::unique_ptr<IsalCoder>(new IsalCoder(k, m, std::move(matrix), std::move(tables)));
}

Status IsalCoder::Encode(const uint8_t* const* data, uint8_t* const* parity,
                         size_t block_size) const {
  CAIRN_RETURN_IF_ERROR(CheckBlockSize(block_size));
  if (data == nullptr || parity == nullptr) {
    return Status::InvalidArgument("encode: null block array");
  }
  if (block_size == 0) return Status::Ok();
  // ISA-L's signature is not const-correct; it only reads the sources and the tables.
  ec_encode_data(static_cast<int>(block_size), k_, m_,
                 const_cast<unsigned char*>(encode_tables_.data()),
                 const_cast<unsigned char**>(data), const_cast<unsigned char**>(parity));
  return Status::Ok();
}

Status IsalCoder::Reconstruct(uint8_t* const* blocks, const uint8_t* present,
                              size_t block_size) const {
  CAIRN_RETURN_IF_ERROR(CheckBlockSize(block_size));
  if (blocks == nullptr || present == nullptr) {
    return Status::InvalidArgument("reconstruct: null block or flag array");
  }
  const int n = k_ + m_;
  std::vector<int> sources;
  std::vector<int> missing;
  for (int i = 0; i < n; ++i) {
    if (present[i] != 0) {
      if (static_cast<int>(sources.size()) < k_) sources.push_back(i);
    } else {
      missing.push_back(i);
    }
  }
  if (static_cast<int>(sources.size()) < k_) {
    return Status::InvalidArgument("reconstruct: " + std::to_string(sources.size()) +
                                   " blocks present, " + std::to_string(k_) + " needed");
  }
  if (missing.empty() || block_size == 0) return Status::Ok();

  // The chosen sources are S = B * data, with B the matrix rows of the sources; so
  // data = B^-1 * S. A missing data block j is row j of B^-1 applied to S; a missing parity
  // block is its matrix row times B^-1 (re-encoding the regenerated data), folded into one row
  // so that every missing block comes out of a single pass over the sources.
  const size_t k = static_cast<size_t>(k_);
  std::vector<uint8_t> b(k * k);
  for (size_t r = 0; r < k; ++r) {
    const uint8_t* row = &matrix_[static_cast<size_t>(sources[r]) * k];
    std::copy(row, row + k, &b[r * k]);
  }
  std::vector<uint8_t> inverse(k * k);
  if (gf_invert_matrix(b.data(), inverse.data(), k_) != 0) {
    // Cannot happen for a Cauchy matrix; reaching this means the matrix was damaged.
    return Status::Internal("reconstruct: singular decode matrix");
  }
  std::vector<uint8_t> decode(missing.size() * k);
  for (size_t r = 0; r < missing.size(); ++r) {
    uint8_t* out = &decode[r * k];
    const size_t target = static_cast<size_t>(missing[r]);
    if (target < k) {
      std::copy(&inverse[target * k], &inverse[target * k] + k, out);
      continue;
    }
    const uint8_t* parity_row = &matrix_[target * k];
    for (size_t c = 0; c < k; ++c) {
      uint8_t acc = 0;
      for (size_t j = 0; j < k; ++j) acc ^= gf_mul(parity_row[j], inverse[j * k + c]);
      out[c] = acc;
    }
  }

  const int rows = static_cast<int>(missing.size());
  std::vector<uint8_t> tables(32 * k * missing.size());
  ec_init_tables(k_, rows, decode.data(), tables.data());
  std::vector<uint8_t*> src(k);
  for (size_t i = 0; i < k; ++i) src[i] = blocks[sources[i]];
  std::vector<uint8_t*> dst(missing.size());
  for (size_t i = 0; i < missing.size(); ++i) dst[i] = blocks[missing[i]];
  ec_encode_data(static_cast<int>(block_size), k_, rows, tables.data(), src.data(), dst.data());
  return Status::Ok();
}

}  // namespace cairn::codec
