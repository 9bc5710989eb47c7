#include "request_signer.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include "amz_time.h"
#include "canonical_request.h"
#include "crypto.h"

namespace cairn::sigv4 {

namespace {

// Headers a client must not sign: SignRequest makes the first three itself, and the rest are
// changed in transit by proxies or added by HTTP libraries after signing.
constexpr std::string_view kUnsigned[] = {
    "authorization",       "x-amz-date",     "x-amz-content-sha256", "user-agent", "connection",
    "keep-alive",          "expect",         "transfer-encoding",    "te",         "upgrade",
    "proxy-authorization", "x-amzn-trace-id"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsSigned(const std::string& lower_name) {
  return std::find(std::begin(kUnsigned), std::end(kUnsigned), lower_name) == std::end(kUnsigned);
}

}  // namespace

HeaderList SignRequest(const SigningInput& input) {
  std::string amz_date = FormatAmzDate(input.now_unix);
  HeaderList headers;
  std::vector<std::string> names;
  for (const auto& [name, value] : input.headers) {
    std::string lower = Lower(name);
    if (!IsSigned(lower)) continue;
    headers.emplace_back(name, value);
    names.push_back(std::move(lower));
  }
  headers.emplace_back("x-amz-date", amz_date);
  headers.emplace_back("x-amz-content-sha256", input.payload_sha256_hex);
  names.push_back("x-amz-date");
  names.push_back("x-amz-content-sha256");
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signed_headers;
  for (const std::string& name : names) {
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += name;
  }

  RequestToSign to_sign;
  to_sign.method = input.method;
  to_sign.uri = input.uri;
  to_sign.headers = &headers;
  to_sign.signed_headers = signed_headers;
  to_sign.payload_hash = input.payload_sha256_hex;
  CredentialScope scope{amz_date.substr(0, 8), input.region, input.service};
  std::string signing_key = DeriveSigningKey(input.secret_key, scope);
  std::string signature =
      SignHex(signing_key, StringToSign(amz_date, scope, CanonicalRequest(to_sign)));
  SecureWipe(&signing_key);

  HeaderList out;
  out.emplace_back("Authorization", std::string(kAlgorithm) + " Credential=" + input.access_key +
                                        "/" + scope.ToString() + ", SignedHeaders=" +
                                        signed_headers + ", Signature=" + signature);
  out.emplace_back("x-amz-date", std::move(amz_date));
  out.emplace_back("x-amz-content-sha256", input.payload_sha256_hex);
  return out;
}

}  // namespace cairn::sigv4
