// Fuzz target: SigV4Authenticator::Authenticate (plugins/auth/sigv4/sigv4_authenticator.h) on
// a whole request, with a fixed credential (the S3 documentation's key), then the body decoder
// it returns.
//
// Input: a mode byte, then an HTTP request (head and body) as a client sends it. The head goes
// through the server's own parser (http/request_head.h) and becomes the request the
// authenticator sees, as in server/s3_server.cpp. A fuzzer cannot forge an HMAC, so the mode
// byte lets the harness sign what it was given, the way a correct client would:
//   'S'  add an Authorization header signing every header (and X-Amz-Date if there is no date);
//   'P'  replace X-Amz-Signature in a presigned query with the right signature;
//   else leave the request as it is.
// The server clock is the request's own date, so skew checks pass. A request the harness signed
// must never fail with SignatureDoesNotMatch; an authenticated principal is the documented
// user; an anonymous one had no credentials; and the body decoder's output is checked
// against the body (pass-through bodies unchanged, aws-chunked ones at most the body and
// exactly the declared decoded length).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "amz_time.h"
#include "auth_params.h"
#include "canonical_request.h"
#include "crypto.h"
#include "fuzz_util.h"
#include "http/request_head.h"
#include "sigv4_authenticator.h"

namespace {

using namespace cairn::sigv4;
using cairn::HttpRequestView;
using cairn::Result;

constexpr char kDocKey[] = "AKIAIOSFODNN7EXAMPLE";
constexpr char kDocSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kDocDate[] = "20130524T000000Z";
constexpr int64_t kDocTime = 1369353600;

SigV4Authenticator& Authenticator() {
  static SigV4Authenticator auth(SigV4Settings{}, [](const std::string& key) -> Result<Credential> {
    if (key != kDocKey) return cairn::Status::NotFound("unknown access key");
    return Credential{kDocSecret, "doc-user"};
  });
  return auth;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Sign(const CredentialScope& scope, std::string_view amz_date,
                 const RequestToSign& request) {
  return SignHex(DeriveSigningKey(kDocSecret, scope),
                 StringToSign(amz_date, scope, CanonicalRequest(request)));
}

// Signs the request's headers as a client would: all of them, names sorted.
void SignHeaders(HttpRequestView* r) {
  std::string amz_date = kDocDate;
  std::optional<int64_t> when = kDocTime;
  if (const std::string* x = FindHeader(r->headers, "x-amz-date")) {
    amz_date = *x;
    when = ParseAmzDate(*x);
  } else if (const std::string* d = FindHeader(r->headers, "date")) {
    when = ParseHttpDate(*d);
    if (when) amz_date = FormatAmzDate(*when);
  } else {
    r->headers.emplace_back("X-Amz-Date", amz_date);
  }
  r->now_unix = when.value_or(kDocTime);
  std::set<std::string> names;
  for (const auto& [name, value] : r->headers) names.insert(Lower(name));
  std::string signed_headers;
  for (const std::string& n : names) signed_headers += (signed_headers.empty() ? "" : ";") + n;
  std::string payload_hash(kEmptySha256Hex);
  if (const std::string* h = FindHeader(r->headers, "x-amz-content-sha256")) payload_hash = *h;
  CredentialScope scope{amz_date.substr(0, 8), "us-east-1", "s3"};
  RequestToSign to_sign{r->method, r->uri, &r->headers, signed_headers, payload_hash, false};
  std::string signature = Sign(scope, amz_date, to_sign);
  r->headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + std::string(kDocKey) +
                                               "/" + scope.ToString() + ", SignedHeaders=" +
                                               signed_headers + ", Signature=" + signature);
}

// Puts the right X-Amz-Signature into a presigned URL. False when the query is not one.
bool SignQuery(HttpRequestView* r) {
  size_t q = r->uri.find('?');
  if (q == std::string::npos) return false;
  std::string query = r->uri.substr(q + 1);
  auto params = ParsePresignedQuery(query);
  if (!params.ok()) return false;
  // Everything but the signature parameters, in order.
  std::string kept;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string piece = query.substr(pos, amp - pos);
    if (PercentDecode(piece.substr(0, piece.find('=')), true) != "X-Amz-Signature") {
      kept += (kept.empty() ? "" : "&") + piece;
    }
    pos = amp + 1;
  }
  r->uri = r->uri.substr(0, q + 1) + kept;
  std::string payload_hash = params->payload_hash.value_or("UNSIGNED-PAYLOAD");
  RequestToSign to_sign{r->method, r->uri, &r->headers, params->signed_headers, payload_hash, true};
  r->uri += (kept.empty() ? "" : "&") + std::string("X-Amz-Signature=") +
            Sign(params->scope, params->amz_date, to_sign);
  r->now_unix = ParseAmzDate(params->amz_date).value_or(kDocTime);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::fuzz::FuzzInput in(data, size);
  const uint8_t mode = in.Byte();
  std::string_view raw = in.Rest();
  std::optional<size_t> end = cairn::http::FindHeadEnd(raw);
  if (!end) return 0;
  auto head = cairn::http::ParseRequestHead(raw.substr(0, *end), cairn::http::HeadLimits{});
  if (!head.ok()) return 0;
  std::string_view body = raw.substr(*end);

  HttpRequestView request;
  request.method = head->method;
  request.uri = head->target;
  request.headers = head->headers;
  request.now_unix = kDocTime;
  bool harness_signed = false;
  if (mode == 'S' && FindHeader(request.headers, "authorization") == nullptr) {
    SignHeaders(&request);
    harness_signed = true;
  } else if (mode == 'P') {
    harness_signed = SignQuery(&request);
  }

  auto result = Authenticator().Authenticate(request);
  if (!result.ok()) {
    FUZZ_CHECK(!result.status().s3_code().empty());
    if (harness_signed) FUZZ_CHECK(result.status().s3_code() != "SignatureDoesNotMatch");
    return 0;
  }
  const cairn::Principal& who = result->principal;
  size_t q = request.uri.find('?');
  bool has_credentials =
      FindHeader(request.headers, "authorization") != nullptr ||
      (q != std::string::npos &&
       FindQueryParam(std::string_view(request.uri).substr(q + 1), "X-Amz-Algorithm"));
  if (who.anonymous) {
    FUZZ_CHECK(!has_credentials);
    FUZZ_CHECK(result->body == nullptr);
    return 0;
  }
  FUZZ_CHECK(has_credentials);
  FUZZ_CHECK(who.access_key == kDocKey && who.user_id == "doc-user");
  cairn::BodyDecoder* decoder = result->body.get();
  if (decoder == nullptr) return 0;

  // Pieces of a size the body itself picks, so that splits vary with the input.
  size_t piece = 1 + (body.empty() ? 0 : static_cast<uint8_t>(body[0]) % 64);
  std::string out;
  cairn::Status st;
  for (size_t pos = 0; pos < body.size() && st.ok(); pos += piece) {
    std::string_view p = body.substr(pos, piece);
    st = decoder->Feed(reinterpret_cast<const uint8_t*>(p.data()), p.size(), &out);
  }
  if (st.ok()) st = decoder->Finish();
  FUZZ_CHECK(out.size() <= body.size());
  if (!st.ok()) {
    FUZZ_CHECK(!st.s3_code().empty());
    return 0;
  }
  // Presigned bodies are never aws-chunked; header-signed ones are when the hash says so.
  const std::string* hash = FindHeader(request.headers, "x-amz-content-sha256");
  bool presigned = FindHeader(request.headers, "authorization") == nullptr;
  if (!presigned && hash != nullptr && hash->rfind("STREAMING-", 0) == 0) {
    if (const std::string* l = FindHeader(request.headers, "x-amz-decoded-content-length")) {
      uint64_t n = 0;
      auto [end_of_number, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
      FUZZ_CHECK(ec == std::errc() && end_of_number == l->data() + l->size());
      FUZZ_CHECK(n == out.size());
    }
  } else {
    FUZZ_CHECK(out == body);
  }
  return 0;
}
