#include "chunked_decoder.h"

#include <algorithm>
#include <cctype>

#include "canonical_request.h"
#include "s3_errors.h"

namespace cairn::sigv4 {

namespace {

// A chunk header is "<hex size>;chunk-signature=<64 hex>": well under this.
constexpr size_t kMaxLine = 4096;
constexpr size_t kMaxTrailerBytes = 16 * 1024;
constexpr std::string_view kSignatureExt = "chunk-signature=";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status Framing(const std::string& what) {
  return errors::InvalidRequest("Malformed aws-chunked body: " + what + ".");
}

}  // namespace

AwsChunkedDecoder::AwsChunkedDecoder(ChunkedOptions options) : options_(std::move(options)) {
  if (options_.signing) previous_signature_ = options_.signing->seed_signature;
  if (options_.header_checksum) header_checksum_.emplace(options_.header_checksum->algorithm);
  if (options_.trailer_checksum) trailer_checksum_.emplace(*options_.trailer_checksum);
}

AwsChunkedDecoder::~AwsChunkedDecoder() {
  if (options_.signing) SecureWipe(&options_.signing->signing_key);
}

Status AwsChunkedDecoder::Fail(Status st) {
  failure_ = st;
  return st;
}

Result<bool> AwsChunkedDecoder::TakeLine(const uint8_t** p, const uint8_t* end) {
  const uint8_t* nl = std::find(*p, end, uint8_t('\n'));
  // Checked before appending, so a line without an end never grows the buffer past the limit.
  if (line_.size() + static_cast<size_t>(nl - *p) > kMaxLine) {
    return Framing("a framing line is too long");
  }
  line_.append(reinterpret_cast<const char*>(*p), nl - *p);
  *p = nl == end ? end : nl + 1;
  if (nl == end) return false;
  if (line_.empty() || line_.back() != '\r') return Framing("lines must end with CRLF");
  line_.pop_back();
  return true;
}

Status AwsChunkedDecoder::Feed(const uint8_t* raw, size_t size, std::string* out) {
  if (!failure_.ok()) return failure_;
  const uint8_t* p = raw;
  const uint8_t* end = raw + size;
  while (p < end) {
    if (state_ == State::kChunkData) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(chunk_remaining_, end - p));
      if (options_.signing) chunk_sha256_.Update(p, n);
      if (header_checksum_) header_checksum_->Update(p, n);
      if (trailer_checksum_) trailer_checksum_->Update(p, n);
      out->append(reinterpret_cast<const char*>(p), n);
      p += n;
      chunk_remaining_ -= n;
      decoded_ += n;
      if (chunk_remaining_ == 0) {
        state_ = State::kChunkDataEnd;
        Status st = VerifyChunkSignature();
        if (!st.ok()) return Fail(st);
      }
      continue;
    }
    if (state_ == State::kDone) {
      return Fail(Framing("data follows the final chunk"));
    }
    auto line = TakeLine(&p, end);
    if (!line.ok()) return Fail(line.status());
    if (!line.value()) break;
    Status st;
    switch (state_) {
      case State::kChunkHeader:
        st = OnChunkHeader();
        break;
      case State::kChunkDataEnd:
        st = line_.empty() ? Status::Ok() : Framing("chunk data is longer than its size");
        state_ = State::kChunkHeader;
        break;
      case State::kFinalLine:
        st = line_.empty() ? Status::Ok() : Framing("the final chunk must end with an empty line");
        state_ = State::kDone;
        break;
      case State::kTrailer:
        st = line_.empty() ? OnTrailerEnd() : OnTrailerLine();
        break;
      default:
        st = Status::Internal("aws-chunked decoder in an impossible state");
    }
    line_.clear();
    if (!st.ok()) return Fail(st);
  }
  return Status::Ok();
}

Status AwsChunkedDecoder::OnChunkHeader() {
  std::string_view line = line_;
  size_t semi = line.find(';');
  std::string_view hex = line.substr(0, semi);
  if (hex.empty() || hex.size() > 15) return Framing("a chunk size must be 1 to 15 hex digits");
  uint64_t size = 0;
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return Framing("a chunk size is not hex");
    size = size * 16 + uint64_t(std::isdigit(static_cast<unsigned char>(c))
                                    ? c - '0'
                                    : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
  }
  std::string_view ext = semi == std::string_view::npos ? "" : line.substr(semi + 1);
  if (options_.signing) {
    if (ext.substr(0, kSignatureExt.size()) != kSignatureExt) {
      return Framing("a signed chunk needs a chunk-signature");
    }
    chunk_signature_ = ext.substr(kSignatureExt.size());
  }
  if (options_.decoded_length && decoded_ + size > *options_.decoded_length) {
    return errors::InvalidRequest(
        "The aws-chunked body is longer than x-amz-decoded-content-length.");
  }
  chunk_remaining_ = size;
  if (size > 0) {
    state_ = State::kChunkData;
    return Status::Ok();
  }
  // The zero-size chunk is the final one; its signature covers the empty string.
  CAIRN_RETURN_IF_ERROR(VerifyChunkSignature());
  state_ = options_.trailer ? State::kTrailer : State::kFinalLine;
  return Status::Ok();
}

std::string AwsChunkedDecoder::SignChunk(const std::string& data_sha256_hex) {
  const ChunkSigning& s = *options_.signing;
  std::string sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + s.amz_date + "\n" + s.scope + "\n" +
                    previous_signature_ + "\n" + std::string(kEmptySha256Hex) + "\n" +
                    data_sha256_hex;
  return SignHex(s.signing_key, sts);
}

Status AwsChunkedDecoder::VerifyChunkSignature() {
  if (!options_.signing) return Status::Ok();
  std::string expected = SignChunk(HexEncode(chunk_sha256_.Finish()));
  if (!ConstantTimeEquals(expected, chunk_signature_)) return errors::SignatureDoesNotMatch();
  previous_signature_ = expected;
  return Status::Ok();
}

Status AwsChunkedDecoder::OnTrailerLine() {
  trailer_bytes_ += line_.size() + 2;
  if (trailer_bytes_ > kMaxTrailerBytes) return Framing("the trailing headers are too long");
  std::string_view line = line_;
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Framing("a trailing header has no ':'");
  std::string name(Trim(line.substr(0, colon)));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string_view value = Trim(line.substr(colon + 1));
  if (name == "x-amz-trailer-signature") {
    if (options_.signing) trailer_signature_ = value;
    return Status::Ok();
  }
  trailer_canonical_ += name + ":" + std::string(value) + "\n";
  if (auto algorithm = ChecksumFromHeader(name)) {
    if (!options_.trailer_checksum || *algorithm != *options_.trailer_checksum) {
      return errors::InvalidRequest("The trailing " + name +
                                    " was not declared in the x-amz-trailer header.");
    }
    trailer_checksum_value_ = value;
  }
  return Status::Ok();
}

Status AwsChunkedDecoder::OnTrailerEnd() {
  state_ = State::kDone;
  if (!options_.signing) return Status::Ok();
  if (!trailer_signature_) return errors::SignatureDoesNotMatch();
  const ChunkSigning& s = *options_.signing;
  std::string sts = "AWS4-HMAC-SHA256-TRAILER\n" + s.amz_date + "\n" + s.scope + "\n" +
                    previous_signature_ + "\n" + Sha256Hex(trailer_canonical_);
  if (!ConstantTimeEquals(SignHex(s.signing_key, sts), *trailer_signature_)) {
    return errors::SignatureDoesNotMatch();
  }
  return Status::Ok();
}

Status AwsChunkedDecoder::Finish() {
  if (!failure_.ok()) return failure_;
  if (state_ != State::kDone) {
    return Fail(errors::IncompleteBody(
        "The aws-chunked body ended before its final chunk or trailing headers."));
  }
  if (options_.decoded_length && decoded_ != *options_.decoded_length) {
    return Fail(errors::IncompleteBody(
        "You did not provide the number of bytes specified by the x-amz-decoded-content-length "
        "HTTP header."));
  }
  if (trailer_checksum_) {
    if (!trailer_checksum_value_) {
      return Fail(errors::InvalidRequest(
          "The " + std::string(ChecksumHeaderName(*options_.trailer_checksum)) +
          " trailing header named by x-amz-trailer is missing."));
    }
    Status st = CompareChecksum({*options_.trailer_checksum, *trailer_checksum_value_},
                                &*trailer_checksum_);
    if (!st.ok()) return Fail(st);
  }
  if (header_checksum_) {
    Status st = CompareChecksum(*options_.header_checksum, &*header_checksum_);
    if (!st.ok()) return Fail(st);
  }
  return Status::Ok();
}

bool AwsChunkedDecoder::VerifiedChecksum(std::string* algorithm, std::string* base64) const {
  if (options_.trailer_checksum && trailer_checksum_value_) {
    *algorithm = ChecksumAlgorithmName(*options_.trailer_checksum);
    *base64 = *trailer_checksum_value_;
    return true;
  }
  if (options_.header_checksum) {
    *algorithm = ChecksumAlgorithmName(options_.header_checksum->algorithm);
    *base64 = options_.header_checksum->base64;
    return true;
  }
  return false;
}

}  // namespace cairn::sigv4
