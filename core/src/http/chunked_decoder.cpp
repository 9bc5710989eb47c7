#include "http/chunked_decoder.h"

#include "http/http_errors.h"

namespace cairn::http {
namespace {

constexpr size_t kMaxLine = 4096;
constexpr size_t kMaxTrailer = 16 << 10;

Status Malformed(const std::string& what) {
  return BadRequest("The chunked request body is malformed: " + what + ".");
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Status ChunkedDecoder::ParseSizeLine(std::string_view line) {
  size_t i = 0;
  uint64_t size = 0;
  for (; i < line.size() && HexValue(line[i]) >= 0; ++i) {
    if (size > (uint64_t{1} << 58)) return Malformed("a chunk size is too large");
    size = size * 16 + static_cast<uint64_t>(HexValue(line[i]));
  }
  if (i == 0) return Malformed("a chunk size is not a hexadecimal number");
  // Extensions (";name=value") are allowed and ignored; nothing else may follow the size.
  size_t rest = i;
  while (rest < line.size() && (line[rest] == ' ' || line[rest] == '\t')) ++rest;
  if (rest < line.size() && line[rest] != ';') {
    return Malformed("a chunk size is followed by something other than an extension");
  }
  for (unsigned char c : line.substr(rest)) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return Malformed("a chunk extension has a control");
  }
  remaining_ = size;
  state_ = size == 0 ? State::kTrailer : State::kData;
  return Status::Ok();
}

Result<size_t> ChunkedDecoder::Feed(std::string_view in, std::string* out) {
  size_t pos = 0;
  while (pos < in.size() && state_ != State::kDone) {
    if (state_ == State::kData) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size() - pos));
      out->append(in.data() + pos, n);
      pos += n;
      remaining_ -= n;
      if (remaining_ == 0) state_ = State::kDataEnd;
      continue;
    }
    // The other states read lines. A line ends in CR LF; a bare CR or LF is malformed.
    char c = in[pos++];
    if (c != '\n') {
      if (!line_.empty() && line_.back() == '\r') return Malformed("a line has a bare CR");
      if (line_.size() >= kMaxLine) return Malformed("a line is too long");
      line_.push_back(c);
      continue;
    }
    if (line_.empty() || line_.back() != '\r') return Malformed("a line ends in a bare LF");
    line_.pop_back();
    std::string line = std::move(line_);
    line_.clear();
    switch (state_) {
      case State::kSize:
        CAIRN_RETURN_IF_ERROR(ParseSizeLine(line));
        break;
      case State::kDataEnd:
        if (!line.empty()) return Malformed("chunk data is longer than its size");
        state_ = State::kSize;
        break;
      case State::kTrailer:
        trailer_bytes_ += line.size() + 2;
        if (trailer_bytes_ > kMaxTrailer) return Malformed("the trailer section is too large");
        if (line.empty()) {
          state_ = State::kDone;
        } else if (line[0] == ' ' || line[0] == '\t' || line.find(':') == std::string::npos) {
          return Malformed("a trailer line is not \"name: value\"");
        }
        break;
      default:
        break;
    }
  }
  return pos;
}

}  // namespace cairn::http
