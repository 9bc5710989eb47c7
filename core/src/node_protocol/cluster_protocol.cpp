#include "node_protocol/cluster_protocol.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <cstdlib>

namespace cairn::cluster {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string HexOf(const unsigned char* data, size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xf]);
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '~' || c == '-';
}

}  // namespace

std::string SignRequest(std::string_view secret, std::string_view method, std::string_view target,
                        std::string_view date, std::string_view content_length) {
  std::string to_sign;
  to_sign.reserve(method.size() + target.size() + date.size() + content_length.size() + 3);
  to_sign.append(method).append("\n").append(target).append("\n").append(date).append("\n");
  to_sign.append(content_length);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), mac, &mac_size);
  return HexOf(mac, mac_size);
}

Status VerifyRequest(std::string_view secret, std::string_view method, std::string_view target,
                     std::string_view date, std::string_view content_length,
                     std::string_view signature, int64_t now_unix) {
  if (date.empty() || signature.empty()) {
    return Status::AccessDenied("MissingSecurityHeader",
                                std::string("missing ") + kDateHeader + " or " + kSignatureHeader);
  }
  int64_t when = 0;
  auto [end, ec] = std::from_chars(date.data(), date.data() + date.size(), when);
  if (ec != std::errc() || end != date.data() + date.size()) {
    return Status::AccessDenied("AccessDenied", std::string("malformed ") + kDateHeader);
  }
  if (std::llabs(now_unix - when) > kMaxClockSkewSeconds) {
    return Status::AccessDenied("RequestTimeTooSkewed",
                                "request date is more than 5 minutes from the node's clock");
  }
  const std::string expected = SignRequest(secret, method, target, date, content_length);
  // Constant-time: the comparison must not tell an attacker how many leading bytes matched.
  if (signature.size() != expected.size() ||
      CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    return Status::AccessDenied("SignatureDoesNotMatch", "bad cluster request signature");
  }
  return Status::Ok();
}

int HttpStatusOf(cairn_code code) {
  switch (code) {
    case CAIRN_OK:
      return 200;
    case CAIRN_NOT_FOUND:
      return 404;
    case CAIRN_CONFLICT:
      return 409;
    case CAIRN_INVALID_ARGUMENT:
      return 400;
    case CAIRN_UNAVAILABLE:
      return 503;
    case CAIRN_NO_SPACE:
      return 507;
    case CAIRN_ACCESS_DENIED:
      return 401;
    case CAIRN_CORRUPTION:
    case CAIRN_IO_ERROR:
    case CAIRN_INTERNAL:
      return 500;
  }
  return 500;
}

Status StatusOfResponse(int http_status, std::string_view error_header, std::string_view body) {
  std::string message(body.substr(0, 400));
  int code = -1;
  if (!error_header.empty()) {
    auto [end, ec] =
        std::from_chars(error_header.data(), error_header.data() + error_header.size(), code);
    if (ec != std::errc() || code <= CAIRN_OK || code > CAIRN_INTERNAL) code = -1;
  }
  if (code < 0) {
    message = "HTTP " + std::to_string(http_status) + (message.empty() ? "" : ": " + message);
    if (http_status == 401 || http_status == 403)
      code = CAIRN_ACCESS_DENIED;
    else if (http_status == 404)
      code = CAIRN_NOT_FOUND;
    else if (http_status == 409)
      code = CAIRN_CONFLICT;
    else if (http_status == 507)
      code = CAIRN_NO_SPACE;
    else if (http_status == 503)
      code = CAIRN_UNAVAILABLE;
    else if (http_status >= 400 && http_status < 500)
      code = CAIRN_INVALID_ARGUMENT;
    else
      code = CAIRN_IO_ERROR;
  }
  if (code == CAIRN_ACCESS_DENIED) return Status::AccessDenied("AccessDenied", message);
  return Status::S3(static_cast<cairn_code>(code), "", message);
}

std::string PercentEncode(std::string_view in, bool keep_slash) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    if (Unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      const auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xf]);
    }
  }
  return out;
}

std::optional<std::string> PercentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    const int hi = HexValue(in[i + 1]);
    const int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace cairn::cluster
