#include "body_decoder_factory.h"

#include <charconv>
#include <memory>

#include "auth_params.h"
#include "payload_decoder.h"
#include "s3_errors.h"

namespace cairn::sigv4 {

namespace {

constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr std::string_view kStreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
constexpr std::string_view kStreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
constexpr std::string_view kStreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

std::optional<std::string> LowerHexSha256(std::string_view s) {
  if (s.size() != 64) return std::nullopt;
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = char(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return out;
}

// The x-amz-checksum-* request header, if any, validated.
Result<std::optional<ExpectedChecksum>> HeaderChecksum(const HeaderList& headers) {
  std::optional<ExpectedChecksum> found;
  for (const auto& [name, value] : headers) {
    auto algorithm = ChecksumFromHeader(name);
    if (!algorithm) continue;
    if (found) return errors::InvalidRequest("Expecting a single x-amz-checksum- header.");
    auto raw = Base64Decode(value);
    if (!raw || raw->size() != ChecksumSize(*algorithm)) {
      return errors::InvalidRequest("Value for " + std::string(ChecksumHeaderName(*algorithm)) +
                                    " header is invalid.");
    }
    found = ExpectedChecksum{*algorithm, value};
  }
  return found;
}

Result<std::unique_ptr<BodyDecoder>> MakeChunked(const DecoderRequest& r, bool is_signed,
                                                 bool trailer,
                                                 std::optional<ExpectedChecksum> header_checksum,
                                                 ChunkSigning signing) {
  ChunkedOptions options;
  if (is_signed) options.signing = std::move(signing);
  options.trailer = trailer;
  options.header_checksum = std::move(header_checksum);
  if (const std::string* t = FindHeader(*r.headers, "x-amz-trailer")) {
    auto algorithm = ChecksumFromHeader(*t);
    if (!algorithm) {
      return errors::InvalidRequest(
          "The value specified in the x-amz-trailer header is not "
          "supported: only x-amz-checksum-crc32, -crc32c, -crc64nvme, "
          "-sha1 and -sha256 are.");
    }
    if (trailer) options.trailer_checksum = algorithm;
  }
  if (const std::string* l = FindHeader(*r.headers, "x-amz-decoded-content-length")) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
    if (ec != std::errc() || end != l->data() + l->size()) {
      return errors::InvalidArgument("x-amz-decoded-content-length is not a number.");
    }
    options.decoded_length = n;
  }
  return std::unique_ptr<BodyDecoder>(std::make_unique<AwsChunkedDecoder>(std::move(options)));
}

}  // namespace

bool IsCompleteMultipartUpload(std::string_view method, std::string_view uri) {
  size_t q = uri.find('?');
  if (method != "POST" || q == std::string_view::npos) return false;
  return FindQueryParam(uri.substr(q + 1), "uploadId").has_value();
}

Result<std::unique_ptr<BodyDecoder>> MakeBodyDecoder(DecoderRequest r) {
  // The signing key leaves this function only inside a signed-chunk decoder.
  ChunkSigning signing = std::move(r.signing);
  struct Wipe {
    std::string* key;
    ~Wipe() { SecureWipe(key); }
  } wipe{&signing.signing_key};

  Result<std::optional<ExpectedChecksum>> header_checksum = std::optional<ExpectedChecksum>();
  if (!r.checksum_headers_name_object) header_checksum = HeaderChecksum(*r.headers);
  if (!header_checksum.ok()) return header_checksum.status();
  const std::string& hash = r.payload_hash;

  bool streaming = hash == kStreamingSigned || hash == kStreamingSignedTrailer ||
                   hash == kStreamingUnsignedTrailer;
  if (streaming && r.presigned) {
    return errors::InvalidRequest("A presigned URL cannot carry an aws-chunked (" + hash +
                                  ") body.");
  }
  if (hash == kStreamingSigned) {
    return MakeChunked(r, true, false, std::move(header_checksum.value()), std::move(signing));
  }
  if (hash == kStreamingSignedTrailer) {
    return MakeChunked(r, true, true, std::move(header_checksum.value()), std::move(signing));
  }
  if (hash == kStreamingUnsignedTrailer) {
    return MakeChunked(r, false, true, std::move(header_checksum.value()), ChunkSigning{});
  }
  if (hash == kUnsignedPayload) {
    if (!header_checksum.value()) return std::unique_ptr<BodyDecoder>();
    return std::unique_ptr<BodyDecoder>(
        std::make_unique<PlainBodyDecoder>(std::nullopt, std::move(header_checksum.value())));
  }
  if (auto hex = LowerHexSha256(hash)) {
    return std::unique_ptr<BodyDecoder>(
        std::make_unique<PlainBodyDecoder>(std::move(*hex), std::move(header_checksum.value())));
  }
  return errors::InvalidArgument(
      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-UNSIGNED-PAYLOAD-TRAILER or a "
      "valid SHA-256 value.");
}

Result<AuthResult> Authenticated(const HttpRequestView& request, DecoderRequest decoder_request,
                                 const std::string& access_key, const std::string& user_id) {
  decoder_request.checksum_headers_name_object =
      IsCompleteMultipartUpload(request.method, request.uri);
  auto body = MakeBodyDecoder(std::move(decoder_request));
  if (!body.ok()) return body.status();
  AuthResult result;
  result.principal.anonymous = false;
  result.principal.access_key = access_key;
  result.principal.user_id = user_id;
  result.body = std::move(body.value());
  return result;
}

}  // namespace cairn::sigv4
