// Fuzz target: Signature Version 2 (plugins/auth/sigv4/sigv2_signature.h,
// sigv2_authenticator.h) on a whole request, through S3Authenticator (s3_authenticator.h), the
// plugin's dispatch between SigV4 and SigV2, with SigV2 allowed and a fixed credential (the S3
// documentation's key); then the body decoder it returns.
//
// Input: a mode byte, three mutation bytes, then an HTTP request (head and body) as a client
// sends it. The head goes through the server's own parser (http/request_head.h), as in
// server/s3_server.cpp. A fuzzer cannot forge an HMAC, so the mode byte lets the harness sign
// what it was given, the way a correct client (botocore's HmacV1Auth) would:
//   'S'  add `Authorization: AWS <key>:<signature>` (and a Date header if there is no date);
//   'P'  presigned: add AWSAccessKeyId and Expires to the query when missing, and replace
//        Signature with the right one;
//   else leave the request as it is.
// A lowercase mode is the same, virtual-hosted style: the bucket is the Host header's first
// label (as the server reads a Host under one of its domains). The server clock is the
// request's own date (the expiry for presigned requests), so skew and expiry checks pass.
//
// Checks: a request the harness signed never fails with SignatureDoesNotMatch (nor skew or
// expiry, nor AccessDenied unless its date, expiry or key was unusable); principals are the
// documented user, or anonymous only without credentials; every query parameter the server
// would read as a sub-resource (it decodes names and values, '+' as a space) is in the signed
// resource, under the name the server reads; changing one byte of an authenticated SigV2
// request where the scheme signs it (the mutation bytes pick the place and the change: method,
// path, bucket, signed header names and values, sub-resources, the credentials) never
// authenticates; and the decoded body is the body (or exactly x-amz-decoded-content-length for
// aws-chunked).
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "amz_time.h"
#include "auth_params.h"
#include "canonical_request.h"
#include "crypto.h"
#include "fuzz_util.h"
#include "header_list.h"
#include "http/request_head.h"
#include "s3_authenticator.h"
#include "sigv2_authenticator.h"
#include "sigv2_signature.h"
#include "util/encoding.h"

namespace {

using namespace cairn::sigv4;
using cairn::HttpRequestView;
using cairn::Result;

constexpr char kDocKey[] = "AKIAIOSFODNN7EXAMPLE";
constexpr char kDocSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kDocHttpDate[] = "Fri, 24 May 2013 00:00:00 GMT";
constexpr int64_t kDocTime = 1369353600;

// The sub-resources SigV2 signs (botocore's HmacV1Auth.QSAOfInterest).
constexpr std::array<std::string_view, 35> kSubResources = {
    "accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "inventory",
    "lifecycle", "location", "logging", "metrics", "notification", "object-lock", "partNumber",
    "policy", "replication", "requestPayment", "response-cache-control",
    "response-content-disposition", "response-content-encoding", "response-content-language",
    "response-content-type", "response-expires", "restore", "select", "select-type",
    "storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning",
    "versions", "website"};

bool IsSubResource(std::string_view name) {
  return std::find(kSubResources.begin(), kSubResources.end(), name) != kSubResources.end();
}

S3Authenticator& Authenticator() {
  static S3Authenticator auth(SigV4Settings{}, /*allow_sigv2=*/true,
                              [](const std::string& key) -> Result<Credential> {
                                if (key != kDocKey) {
                                  return cairn::Status::NotFound("unknown access key");
                                }
                                return Credential{kDocSecret, "doc-user"};
                              });
  return auth;
}

char LowerChar(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerChar(c);
  return out;
}

// One piece of the query: its range in the URI (name, then value after '=', if any).
struct QueryPiece {
  size_t begin, eq, end;  // eq == end when there is no '='
};

std::vector<QueryPiece> Pieces(std::string_view uri) {
  std::vector<QueryPiece> out;
  size_t q = uri.find('?');
  if (q == std::string_view::npos) return out;
  size_t pos = q + 1;
  while (pos <= uri.size()) {
    size_t amp = uri.find('&', pos);
    if (amp == std::string_view::npos) amp = uri.size();
    size_t eq = uri.substr(pos, amp - pos).find('=');
    out.push_back({pos, eq == std::string_view::npos ? amp : pos + eq, amp});
    pos = amp + 1;
  }
  return out;
}

std::string_view NameOf(std::string_view uri, const QueryPiece& p) {
  return uri.substr(p.begin, p.eq - p.begin);
}
std::string_view ValueOf(std::string_view uri, const QueryPiece& p) {
  return p.eq == p.end ? std::string_view() : uri.substr(p.eq + 1, p.end - p.eq - 1);
}

// The base64 signature percent-encoded as botocore sends it.
std::string QueryEncode(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '+') out += "%2B";
    else if (c == '/') out += "%2F";
    else if (c == '=') out += "%3D";
    else out += c;
  }
  return out;
}

// Adds Authorization: AWS key:signature. Returns whether the request's date is one S3 reads.
bool SignHeaders(HttpRequestView* r) {
  std::optional<int64_t> when;
  if (const std::string* x = FindHeader(r->headers, "x-amz-date")) {
    when = ParseClientDate(*x);
  } else if (const std::string* d = FindHeader(r->headers, "date")) {
    when = ParseClientDate(*d);
  } else {
    r->headers.emplace_back("Date", kDocHttpDate);
    when = kDocTime;
  }
  r->now_unix = when.value_or(kDocTime);
  std::string date_line;
  if (FindHeader(r->headers, "x-amz-date") == nullptr) {
    date_line = std::string(TrimBlanks(*FindHeader(r->headers, "date")));
  }
  SigV2Request to_sign{r->method, r->uri, r->virtual_host_bucket, &r->headers, date_line};
  r->headers.emplace_back("Authorization", std::string("AWS ") + kDocKey + ":" +
                                               SigV2Sign(kDocSecret, SigV2StringToSign(to_sign)));
  return when.has_value();
}

// Makes the query a presigned one with the right Signature. Returns whether AWSAccessKeyId is
// not empty and Expires is a number of seconds (else the request must be refused).
bool SignQuery(HttpRequestView* r) {
  if (r->uri.find('?') == std::string::npos) r->uri += '?';
  std::string kept = r->uri.substr(0, r->uri.find('?') + 1);
  bool first = true;
  for (const QueryPiece& p : Pieces(r->uri)) {
    if (PercentDecode(NameOf(r->uri, p), true) == "Signature") continue;
    kept += (first ? "" : "&") + r->uri.substr(p.begin, p.end - p.begin);
    first = false;
  }
  auto add = [&](const std::string& piece) {
    if (kept.size() > kept.find('?') + 1) kept += '&';
    kept += piece;
  };
  std::string_view query = std::string_view(kept).substr(kept.find('?') + 1);
  if (!FindQueryParam(query, "AWSAccessKeyId")) add(std::string("AWSAccessKeyId=") + kDocKey);
  query = std::string_view(kept).substr(kept.find('?') + 1);
  if (!FindQueryParam(query, "Expires")) add("Expires=" + std::to_string(kDocTime + 3600));
  r->uri = kept;
  std::string expires = *FindQueryParam(std::string_view(r->uri).substr(r->uri.find('?') + 1),
                                        "Expires");
  int64_t expiry = 0;
  auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), expiry);
  bool valid = ec == std::errc() && end == expires.data() + expires.size() && expiry >= 0;
  r->now_unix = valid ? expiry : kDocTime;
  valid = valid && !FindQueryParam(std::string_view(r->uri).substr(r->uri.find('?') + 1),
                                   "AWSAccessKeyId")->empty();
  SigV2Request to_sign{r->method, r->uri, r->virtual_host_bucket, &r->headers, expires};
  add("Signature=" + QueryEncode(SigV2Sign(kDocSecret, SigV2StringToSign(to_sign))));
  r->uri = kept;
  return valid;
}

// The query as the server reads it (server/s3_server.cpp Address: '+' is a space, then
// percent-decoded once), or nullopt when the server refuses the URI.
std::optional<std::vector<std::pair<std::string, std::string>>> ServerQuery(
    std::string_view uri) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const QueryPiece& p : Pieces(uri)) {
    if (p.begin == p.end) continue;
    std::string name(NameOf(uri, p)), value(ValueOf(uri, p));
    std::replace(name.begin(), name.end(), '+', ' ');
    std::replace(value.begin(), value.end(), '+', ' ');
    auto n = cairn::UrlDecode(name);
    auto v = cairn::UrlDecode(value);
    if (!n || !v) return std::nullopt;
    out.emplace_back(std::move(*n), std::move(*v));
  }
  return out;
}

// Whether the canonicalized resource's sub-resources include `name` (with `value`, unless
// empty), '+' and ' ' taken as the same (SigV2 signs a raw '+' as a plus, as botocore does).
bool SignsSubResource(std::string resource, std::string_view name, std::string value) {
  size_t q = resource.find('?');
  if (q == std::string::npos) return false;
  std::replace(resource.begin(), resource.end(), '+', ' ');
  std::replace(value.begin(), value.end(), '+', ' ');
  std::string_view items = std::string_view(resource).substr(q);
  for (size_t pos = 0; (pos = items.find(name, pos)) != std::string_view::npos; ++pos) {
    if (pos == 0 || (items[pos - 1] != '?' && items[pos - 1] != '&')) continue;
    std::string_view after = items.substr(pos + name.size());
    if (value.empty() && (after.empty() || after[0] == '&' || after[0] == '=')) return true;
    if (!value.empty() && after.size() > value.size() && after[0] == '=' &&
        after.substr(1, value.size()) == value &&
        (after.size() == value.size() + 1 || after[value.size() + 1] == '&')) {
      return true;
    }
  }
  return false;
}

// A range of bytes the SigV2 scheme signs, and how to tell whether a change of one of them
// leaves what S3 signs unchanged (then it proves nothing).
enum class Spot { kMethod, kPath, kBucket, kHeaderName, kHeaderValue, kQuery, kSignature };
struct Field {
  Spot spot;
  size_t index;  // header index, or the query piece
  size_t begin, end;
};

// The signed fields of an authenticated SigV2 request.
std::vector<Field> SignedFields(const HttpRequestView& r, bool presigned) {
  std::vector<Field> out;
  auto add = [&](Spot s, size_t index, size_t begin, size_t end) {
    if (begin < end) out.push_back({s, index, begin, end});
  };
  add(Spot::kMethod, 0, 0, r.method.size());
  add(Spot::kPath, 0, 0, std::min(r.uri.find('?'), r.uri.size()));
  add(Spot::kBucket, 0, 0, r.virtual_host_bucket.size());
  bool amz_date = FindHeader(r.headers, "x-amz-date") != nullptr;
  bool seen_md5 = false, seen_type = false, seen_date = false, seen_auth = false;
  for (size_t i = 0; i < r.headers.size(); ++i) {
    std::string name = Lower(r.headers[i].first);
    size_t n = r.headers[i].second.size();
    if (name.starts_with("x-amz-")) {
      add(Spot::kHeaderName, i, 0, name.size());
      add(Spot::kHeaderValue, i, 0, n);
    } else if (name == "content-md5" && !std::exchange(seen_md5, true)) {
      add(Spot::kHeaderValue, i, 0, n);
    } else if (name == "content-type" && !std::exchange(seen_type, true)) {
      add(Spot::kHeaderValue, i, 0, n);
    } else if (name == "date" && !std::exchange(seen_date, true) && !amz_date && !presigned) {
      add(Spot::kHeaderValue, i, 0, n);
    } else if (name == "authorization" && !std::exchange(seen_auth, true) && !presigned) {
      add(Spot::kSignature, i, 0, n);
    }
  }
  bool seen_key = false, seen_sig = false, seen_expires = false;
  std::vector<QueryPiece> pieces = Pieces(r.uri);
  for (size_t i = 0; i < pieces.size(); ++i) {
    std::string name = PercentDecode(NameOf(r.uri, pieces[i]), true);
    bool credential = presigned && ((name == "AWSAccessKeyId" && !std::exchange(seen_key, true)) ||
                                    (name == "Signature" && !std::exchange(seen_sig, true)) ||
                                    (name == "Expires" && !std::exchange(seen_expires, true)));
    if (credential) add(Spot::kQuery, i, pieces[i].eq + 1, pieces[i].end);
    if (IsSubResource(name)) add(Spot::kQuery, i, pieces[i].begin, pieces[i].end);
  }
  return out;
}

// How the plugin reads a query piece: names and values decoded, '+' as a space; the signature's
// spaces are pluses again.
std::string ReadPiece(std::string_view piece) {
  std::string out = PercentDecode(piece, true);
  std::replace(out.begin(), out.end(), ' ', '+');
  return out;
}

// Changes one signed byte of an authenticated SigV2 request; it must not authenticate.
void CheckOneByteChange(const HttpRequestView& request, bool presigned, uint8_t what,
                        uint8_t where, uint8_t change) {
  std::vector<Field> fields = SignedFields(request, presigned);
  if (fields.empty()) return;
  const Field& f = fields[what % fields.size()];
  HttpRequestView r = request;
  std::string* text = nullptr;
  switch (f.spot) {
    case Spot::kMethod: text = &r.method; break;
    case Spot::kPath: case Spot::kQuery: text = &r.uri; break;
    case Spot::kBucket: text = &r.virtual_host_bucket; break;
    case Spot::kHeaderName: text = &r.headers[f.index].first; break;
    case Spot::kHeaderValue: case Spot::kSignature: text = &r.headers[f.index].second; break;
  }
  size_t pos = f.begin + where % (f.end - f.begin);
  char before = (*text)[pos];
  char after = static_cast<char>(before ^ (change == 0 ? 1 : change));
  (*text)[pos] = after;
  // Changes that S3 itself does not see: the case of a header name, a '?' that moves the end
  // of the path (a path-style "/b/" and "/b?" are the same bucket), and an escape that
  // decodes to the same byte.
  if (f.spot == Spot::kHeaderName && LowerChar(before) == LowerChar(after)) return;
  if (f.spot == Spot::kPath && after == '?') return;
  if (f.spot == Spot::kQuery) {
    std::string_view old_piece = std::string_view(request.uri).substr(f.begin, f.end - f.begin);
    std::string_view new_piece = std::string_view(r.uri).substr(f.begin, f.end - f.begin);
    if (ReadPiece(old_piece) == ReadPiece(new_piece)) return;
  }
  auto result = Authenticator().Authenticate(r);
  FUZZ_CHECK(!result.ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::fuzz::FuzzInput in(data, size);
  const uint8_t mode = in.Byte();
  const uint8_t what = in.Byte(), where = in.Byte(), change = in.Byte();
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
  if (std::islower(mode)) {
    const std::string* host = FindHeader(request.headers, "host");
    if (host == nullptr || host->find('.') == std::string::npos) return 0;
    request.virtual_host_bucket = Lower(host->substr(0, host->find('.')));
    if (request.virtual_host_bucket.empty()) return 0;
  }
  bool harness_signed = false;
  bool credentials_ok = true;  // the date, expiry and key of a harness-signed request
  const char sign = static_cast<char>(std::toupper(mode));
  if (sign == 'S' && FindHeader(request.headers, "authorization") == nullptr) {
    credentials_ok = SignHeaders(&request);
    harness_signed = true;
  } else if (sign == 'P') {
    credentials_ok = SignQuery(&request);
    harness_signed = true;
  }

  size_t q = request.uri.find('?');
  std::string_view query =
      q == std::string::npos ? std::string_view() : std::string_view(request.uri).substr(q + 1);
  const std::string* authorization = FindHeader(request.headers, "authorization");
  bool v2_header = authorization != nullptr && SigV2Authenticator::IsSigV2Header(*authorization);
  bool v2_query = SigV2Authenticator::IsSigV2Query(query);

  auto result = Authenticator().Authenticate(request);
  if (!result.ok()) {
    const std::string& code = result.status().s3_code();
    FUZZ_CHECK(!code.empty());
    if (harness_signed) {
      FUZZ_CHECK(code != "SignatureDoesNotMatch");
      FUZZ_CHECK(code != "RequestTimeTooSkewed");
      if (sign == 'S') FUZZ_CHECK(code != "InvalidAccessKeyId");
      if (code == "AccessDenied") FUZZ_CHECK(!credentials_ok);
    }
    return 0;
  }
  const cairn::Principal& who = result->principal;
  bool has_credentials = authorization != nullptr ||
                         FindQueryParam(query, "X-Amz-Algorithm").has_value() || v2_query;
  if (who.anonymous) {
    FUZZ_CHECK(!has_credentials);
    FUZZ_CHECK(result->body == nullptr);
    return 0;
  }
  FUZZ_CHECK(has_credentials);
  FUZZ_CHECK(who.access_key == kDocKey && who.user_id == "doc-user");
  if (v2_header || v2_query) {
    FUZZ_CHECK(!harness_signed || credentials_ok);
    // Whatever the server will route on is signed.
    if (auto server_query = ServerQuery(request.uri)) {
      std::string resource = CanonicalizedResource(request.uri, request.virtual_host_bucket);
      for (const auto& [name, value] : *server_query) {
        if (IsSubResource(name)) FUZZ_CHECK(SignsSubResource(resource, name, value));
      }
    }
    CheckOneByteChange(request, /*presigned=*/!v2_header, what, where, change);
  }

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
  // Only header-signed bodies can be aws-chunked (unsigned chunks: SigV2 has no chunk
  // signatures).
  const std::string* hash = FindHeader(request.headers, "x-amz-content-sha256");
  if (authorization != nullptr && hash != nullptr && hash->rfind("STREAMING-", 0) == 0) {
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
