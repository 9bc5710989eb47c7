// Fuzz target: what SigV4 parses and canonicalizes from untrusted text, in
// plugins/auth/sigv4/: the Authorization header and presigned-query parsers (auth_params.h),
// the canonical URI, query, headers and request (canonical_request.h, header_list.h) and the
// request timestamps (amz_time.h).
//
// The whole input is tried as an Authorization header, a query string, a path and a date.
// Then it is read as lines -- method, target, signed headers, then "name:value" headers -- and
// a canonical request and signature are built from them. Checks: parsed parameters are well
// formed, canonical forms use only unreserved characters and escapes and are idempotent,
// percent-encoding round-trips, and a formatted date parses back to itself.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "amz_time.h"
#include "auth_params.h"
#include "canonical_request.h"
#include "fuzz_util.h"
#include "header_list.h"

namespace {

using namespace cairn::sigv4;

bool IsUnreserved(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool IsUpperHex(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

// Only unreserved characters, %XX escapes with uppercase hex, and the given extras.
bool IsEncoded(std::string_view s, std::string_view extras) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !IsUpperHex(s[i + 1]) || !IsUpperHex(s[i + 2])) return false;
      i += 2;
    } else if (!IsUnreserved(c) && extras.find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

void CheckScope(const SignatureParams& p) {
  FUZZ_CHECK(!p.access_key.empty());
  FUZZ_CHECK(p.scope.date.size() == 8);
  for (char c : p.scope.date) FUZZ_CHECK(c >= '0' && c <= '9');
  FUZZ_CHECK(!p.scope.region.empty() && !p.scope.service.empty());
  // SignedHeaders: non-empty lowercase names separated by ';', host among them.
  bool host = false;
  size_t pos = 0;
  while (pos <= p.signed_headers.size()) {
    size_t semi = p.signed_headers.find(';', pos);
    if (semi == std::string::npos) semi = p.signed_headers.size();
    std::string_view name = std::string_view(p.signed_headers).substr(pos, semi - pos);
    FUZZ_CHECK(!name.empty());
    for (char c : name) FUZZ_CHECK(!(c >= 'A' && c <= 'Z') && c != ' ' && c != ',');
    host = host || name == "host";
    pos = semi + 1;
  }
  FUZZ_CHECK(host);
}

void CheckDates(std::string_view text) {
  for (auto when : {ParseAmzDate(text), ParseHttpDate(text)}) {
    if (!when) continue;
    std::string formatted = FormatAmzDate(*when);
    FUZZ_CHECK(formatted.size() == 16);
    FUZZ_CHECK(ParseAmzDate(formatted) == when);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto header = ParseAuthorizationHeader(text);
  if (header.ok()) {
    FUZZ_CHECK(!header->presigned);
    FUZZ_CHECK(!header->signature.empty());
    CheckScope(header.value());
  } else {
    const std::string& code = header.status().s3_code();
    FUZZ_CHECK(code == "AuthorizationHeaderMalformed" || code == "AccessDenied");
  }

  auto query = ParsePresignedQuery(text);
  if (query.ok()) {
    FUZZ_CHECK(query->presigned);
    FUZZ_CHECK(query->expires_seconds >= 1 && query->expires_seconds <= 604800);
    CheckScope(query.value());
    FUZZ_CHECK(FindQueryParam(text, "X-Amz-Signature") == query->signature);
  } else {
    FUZZ_CHECK(query.status().s3_code() == "AuthorizationQueryParametersError");
  }

  for (bool drop : {false, true}) {
    std::string canonical = CanonicalQuery(text, drop);
    FUZZ_CHECK(IsEncoded(canonical, "=&"));
    FUZZ_CHECK(CanonicalQuery(canonical, drop) == canonical);
    if (drop) FUZZ_CHECK(canonical.find("X-Amz-Signature=") != 0);
    if (drop) FUZZ_CHECK(canonical.find("&X-Amz-Signature=") == std::string::npos);
  }
  std::string uri = CanonicalUri(text);
  FUZZ_CHECK(!uri.empty() && IsEncoded(uri, "/"));
  FUZZ_CHECK(CanonicalUri(uri) == uri);
  for (bool keep_slash : {false, true}) {
    std::string encoded = UriEncode(text, keep_slash);
    FUZZ_CHECK(IsEncoded(encoded, keep_slash ? "/" : ""));
    FUZZ_CHECK(PercentDecode(encoded, false) == text);
    FUZZ_CHECK(PercentDecode(encoded, true) == text);  // '+' was encoded too
  }
  CheckDates(text);

  // method, target, signed headers, then headers, one per line.
  cairn::fuzz::FuzzInput in(data, size);
  std::string method(in.Line());
  std::string target(in.Line());
  std::string signed_headers(in.Line());
  HeaderList headers;
  while (!in.empty()) {
    std::string_view line = in.Line();
    size_t colon = line.find(':');
    headers.emplace_back(
        std::string(line.substr(0, colon)),
        colon == std::string_view::npos ? "" : std::string(line.substr(colon + 1)));
  }
  std::string canonical_headers = CanonicalHeaders(headers, signed_headers);
  FUZZ_CHECK(canonical_headers.empty() || canonical_headers.back() == '\n');
  for (bool presigned : {false, true}) {
    RequestToSign request{method, target, &headers, signed_headers, "UNSIGNED-PAYLOAD", presigned};
    std::string canonical = CanonicalRequest(request);
    FUZZ_CHECK(canonical.rfind(method + "\n", 0) == 0);
    FUZZ_CHECK(canonical.find(canonical_headers) != std::string::npos);
    CredentialScope scope{"20130524", "us-east-1", "s3"};
    std::string signature =
        SignHex(DeriveSigningKey("secret", scope), StringToSign(target, scope, canonical));
    FUZZ_CHECK(signature.size() == 64);
  }
  // FindHeader: the first header of that name, in any case.
  const std::string* first = nullptr;
  for (const auto& [name, value] : headers) {
    if (name.size() == method.size() &&
        std::equal(name.begin(), name.end(), method.begin(), [](unsigned char a, unsigned char b) {
          return std::tolower(a) == std::tolower(b);
        })) {
      first = &value;
      break;
    }
  }
  FUZZ_CHECK(FindHeader(headers, method) == first);
  return 0;
}
