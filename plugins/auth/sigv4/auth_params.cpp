#include "auth_params.h"

#include <cctype>
#include <charconv>
#include <vector>

#include "s3_errors.h"

namespace cairn::sigv4 {

namespace {

constexpr int64_t kMaxPresignedExpiry = 7 * 24 * 3600;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    size_t next = s.find(sep, pos);
    parts.push_back(s.substr(pos, next == std::string_view::npos ? next : next - pos));
    if (next == std::string_view::npos) return parts;
    pos = next + 1;
  }
}

bool IsDate8(std::string_view s) {
  if (s.size() != 8) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "AK/20130524/us-east-1/s3/aws4_request"; empty on success, else what is wrong.
std::string ParseCredential(std::string_view credential, SignatureParams* out) {
  std::vector<std::string_view> parts = Split(credential, '/');
  if (parts.size() != 5 || parts[0].empty() || parts[2].empty() || parts[3].empty()) {
    return "the Credential must be <access key>/<date>/<region>/<service>/aws4_request";
  }
  if (!IsDate8(parts[1])) return "the Credential date must be YYYYMMDD";
  if (parts[4] != "aws4_request") return "the Credential must end with aws4_request";
  out->access_key = parts[0];
  out->scope = CredentialScope{std::string(parts[1]), std::string(parts[2]), std::string(parts[3])};
  return "";
}

// Lowercase names separated by ';', host among them; empty on success, else what is wrong.
std::string CheckSignedHeaders(std::string_view signed_headers) {
  bool has_host = false;
  for (std::string_view name : Split(signed_headers, ';')) {
    if (name.empty()) return "SignedHeaders has an empty header name";
    for (char c : name) {
      if (std::isupper(static_cast<unsigned char>(c)) || c == ' ' || c == ',') {
        return "SignedHeaders must be lowercase names separated by ';'";
      }
    }
    if (name == "host") has_host = true;
  }
  if (!has_host) return "the host header must be signed";
  return "";
}

}  // namespace

Result<SignatureParams> ParseAuthorizationHeader(std::string_view value) {
  value = Trim(value);
  if (value.substr(0, kAlgorithm.size()) != kAlgorithm ||
      (value.size() > kAlgorithm.size() && value[kAlgorithm.size()] != ' ')) {
    return errors::AccessDenied(
        "Unsupported Authorization scheme: only AWS Signature Version 4 (AWS4-HMAC-SHA256) is "
        "supported.");
  }
  SignatureParams p;
  bool have_credential = false, have_signed = false, have_signature = false;
  for (std::string_view part : Split(value.substr(kAlgorithm.size()), ',')) {
    part = Trim(part);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return errors::HeaderMalformed("The authorization header is malformed: '" +
                                     std::string(part.substr(0, 64)) + "' is not key=value.");
    }
    std::string_view key = part.substr(0, eq);
    std::string_view val = part.substr(eq + 1);
    if (key == "Credential") {
      std::string problem = ParseCredential(val, &p);
      if (!problem.empty())
        return errors::HeaderMalformed("The authorization header is malformed; " + problem + ".");
      have_credential = true;
    } else if (key == "SignedHeaders") {
      p.signed_headers = val;
      have_signed = true;
    } else if (key == "Signature") {
      p.signature = val;
      have_signature = true;
    } else {
      return errors::HeaderMalformed("The authorization header is malformed; unknown component '" +
                                     std::string(key.substr(0, 64)) + "'.");
    }
  }
  if (!have_credential || !have_signed || !have_signature) {
    return errors::HeaderMalformed(
        "The authorization header is malformed; it needs Credential, SignedHeaders and "
        "Signature.");
  }
  std::string problem = CheckSignedHeaders(p.signed_headers);
  if (!problem.empty()) {
    return errors::HeaderMalformed("The authorization header is malformed; " + problem + ".");
  }
  if (p.signature.empty()) {
    return errors::HeaderMalformed(
        "The authorization header is malformed; the Signature is empty.");
  }
  return p;
}

std::optional<std::string> FindQueryParam(std::string_view raw_query, std::string_view name) {
  for (std::string_view piece : Split(raw_query, '&')) {
    size_t eq = piece.find('=');
    if (PercentDecode(piece.substr(0, eq), true) != name) continue;
    if (eq == std::string_view::npos) return std::string();
    return PercentDecode(piece.substr(eq + 1), true);
  }
  return std::nullopt;
}

Result<SignatureParams> ParsePresignedQuery(std::string_view raw_query) {
  SignatureParams p;
  p.presigned = true;
  auto get = [&](std::string_view name) { return FindQueryParam(raw_query, name); };
  auto algorithm = get("X-Amz-Algorithm");
  auto credential = get("X-Amz-Credential");
  auto date = get("X-Amz-Date");
  auto expires = get("X-Amz-Expires");
  auto signed_headers = get("X-Amz-SignedHeaders");
  auto signature = get("X-Amz-Signature");
  if (!algorithm || !credential || !date || !expires || !signed_headers || !signature) {
    return errors::QueryMalformed(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  }
  if (*algorithm != kAlgorithm) {
    return errors::QueryMalformed("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\".");
  }
  std::string problem = ParseCredential(*credential, &p);
  if (problem.empty()) problem = CheckSignedHeaders(*signed_headers);
  if (!problem.empty())
    return errors::QueryMalformed("Error parsing the query parameters: " + problem + ".");
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(expires->data(), expires->data() + expires->size(), seconds);
  if (ec != std::errc() || end != expires->data() + expires->size() || seconds < 1 ||
      seconds > kMaxPresignedExpiry) {
    return errors::QueryMalformed(
        "X-Amz-Expires must be a number of seconds between 1 and 604800 (seven days).");
  }
  p.signed_headers = *signed_headers;
  p.signature = *signature;
  p.amz_date = *date;
  p.expires_seconds = seconds;
  p.payload_hash = get("X-Amz-Content-Sha256");
  return p;
}

}  // namespace cairn::sigv4
