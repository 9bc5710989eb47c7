#include "canonical_request.h"

#include <algorithm>
#include <cctype>

#include "crypto.h"

namespace cairn::sigv4 {

namespace {

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Trims leading and trailing whitespace and collapses inner runs of spaces to one.
void AppendTrimmed(std::string_view value, std::string* out) {
  size_t b = value.find_first_not_of(" \t");
  if (b == std::string_view::npos) return;
  size_t e = value.find_last_not_of(" \t");
  bool in_space = false;
  for (size_t i = b; i <= e; ++i) {
    char c = value[i];
    if (c == ' ') {
      if (!in_space) out->push_back(' ');
      in_space = true;
    } else {
      out->push_back(c);
      in_space = false;
    }
  }
}

}  // namespace

std::string UriEncode(std::string_view bytes, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(char(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 0xf]};
    }
  }
  return out;
}

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out.push_back(char(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  return UriEncode(PercentDecode(raw_path, false), true);
}

std::string CanonicalQuery(std::string_view raw_query, bool drop_signature) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t pos = 0;
  while (pos <= raw_query.size()) {
    size_t amp = raw_query.find('&', pos);
    if (amp == std::string_view::npos) amp = raw_query.size();
    std::string_view piece = raw_query.substr(pos, amp - pos);
    pos = amp + 1;
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view name = piece.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
    std::string decoded_name = PercentDecode(name, true);
    if (drop_signature && decoded_name == "X-Amz-Signature") continue;
    params.emplace_back(UriEncode(decoded_name, false),
                        UriEncode(PercentDecode(value, true), false));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string CanonicalHeaders(const HeaderList& headers, std::string_view signed_headers) {
  std::string out;
  size_t pos = 0;
  while (pos < signed_headers.size()) {
    size_t semi = signed_headers.find(';', pos);
    if (semi == std::string_view::npos) semi = signed_headers.size();
    std::string_view name = signed_headers.substr(pos, semi - pos);
    pos = semi + 1;
    for (char c : name) out.push_back(char(std::tolower(static_cast<unsigned char>(c))));
    out.push_back(':');
    bool first = true;
    for (const auto& [n, v] : headers) {
      if (!EqualsIgnoreCase(n, name)) continue;
      if (!first) out.push_back(',');
      AppendTrimmed(v, &out);
      first = false;
    }
    out.push_back('\n');
  }
  return out;
}

std::string CanonicalRequest(const RequestToSign& r) {
  size_t q = r.uri.find('?');
  std::string_view path = r.uri.substr(0, q);
  std::string_view query = q == std::string_view::npos ? "" : r.uri.substr(q + 1);
  std::string out;
  out += r.method;
  out += '\n';
  out += CanonicalUri(path);
  out += '\n';
  out += CanonicalQuery(query, r.presigned);
  out += '\n';
  out += CanonicalHeaders(*r.headers, r.signed_headers);
  out += '\n';
  out += r.signed_headers;
  out += '\n';
  out += r.payload_hash;
  return out;
}

std::string CredentialScope::ToString() const {
  return date + "/" + region + "/" + service + "/aws4_request";
}

std::string StringToSign(std::string_view amz_date, const CredentialScope& scope,
                         std::string_view canonical_request) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out += amz_date;
  out += '\n';
  out += scope.ToString();
  out += '\n';
  out += Sha256Hex(canonical_request);
  return out;
}

std::string DeriveSigningKey(std::string_view secret, const CredentialScope& scope) {
  std::string k = "AWS4";
  k += secret;
  std::string date_key = HmacSha256(k, scope.date);
  std::string region_key = HmacSha256(date_key, scope.region);
  std::string service_key = HmacSha256(region_key, scope.service);
  std::string signing_key = HmacSha256(service_key, "aws4_request");
  for (std::string* s : {&k, &date_key, &region_key, &service_key}) SecureWipe(s);
  return signing_key;
}

std::string SignHex(std::string_view signing_key, std::string_view string_to_sign) {
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

}  // namespace cairn::sigv4
