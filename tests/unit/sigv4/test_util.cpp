#include "test_util.h"

#include <algorithm>
#include <cstdio>

#include "canonical_request.h"
#include "crypto.h"

namespace cairn::sigv4::test {

CredentialLookup DocLookup(std::map<std::string, std::string> extra) {
  extra[kDocKey] = kDocSecret;
  return [extra](const std::string& key) -> Result<Credential> {
    auto it = extra.find(key);
    if (it == extra.end()) return Status::NotFound("unknown access key");
    return Credential{it->second, key == kDocKey ? "doc-user" : "user-" + key};
  };
}

HttpRequestView MakeRequest(std::string method, std::string uri, HeaderList headers, int64_t now) {
  HttpRequestView r;
  r.method = std::move(method);
  r.uri = std::move(uri);
  r.headers = std::move(headers);
  r.now_unix = now;
  return r;
}

std::string SignRequest(HttpRequestView* request, std::string_view signed_headers,
                        std::string_view payload_hash, std::string_view amz_date) {
  CredentialScope scope{std::string(amz_date.substr(0, 8)), "us-east-1", "s3"};
  RequestToSign to_sign{request->method, request->uri, &request->headers,
                        signed_headers,  payload_hash, false};
  std::string signature = SignHex(DeriveSigningKey(kDocSecret, scope),
                                  StringToSign(amz_date, scope, CanonicalRequest(to_sign)));
  request->headers.emplace_back(
      "Authorization", "AWS4-HMAC-SHA256 Credential=" + std::string(kDocKey) + "/" +
                           scope.ToString() + ", SignedHeaders=" + std::string(signed_headers) +
                           ", Signature=" + signature);
  return signature;
}

namespace {

std::string Hex(size_t n) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%zx", n);
  return buf;
}

std::string NextSignature(const ChunkSigning& s, const std::string& prev, std::string_view kind,
                          const std::string& tail) {
  return SignHex(s.signing_key, std::string(kind) + "\n" + s.amz_date + "\n" + s.scope + "\n" +
                                    prev + "\n" + tail);
}

}  // namespace

std::string FrameChunks(const std::vector<std::string>& chunks, const ChunkSigning* signing,
                        bool trailer_mode, const HeaderList& trailers) {
  std::string body;
  std::string prev = signing ? signing->seed_signature : "";
  std::vector<std::string> all = chunks;
  all.emplace_back();  // the final, empty chunk
  for (const std::string& data : all) {
    body += Hex(data.size());
    if (signing) {
      prev = NextSignature(*signing, prev, "AWS4-HMAC-SHA256-PAYLOAD",
                           std::string(kEmptySha256Hex) + "\n" + Sha256Hex(data));
      body += ";chunk-signature=" + prev;
    }
    body += "\r\n" + data;
    if (!data.empty()) body += "\r\n";
  }
  if (trailer_mode) {
    std::string canonical;
    for (const auto& [name, value] : trailers) {
      body += name + ":" + value + "\r\n";
      canonical += name + ":" + value + "\n";
    }
    if (signing) {
      body += "x-amz-trailer-signature:" +
              NextSignature(*signing, prev, "AWS4-HMAC-SHA256-TRAILER", Sha256Hex(canonical)) +
              "\r\n";
    }
  }
  body += "\r\n";
  return body;
}

Status FeedAll(BodyDecoder* decoder, std::string_view body, const std::vector<size_t>& pieces,
               std::string* out) {
  size_t pos = 0;
  size_t i = 0;
  while (pos < body.size()) {
    size_t n = pieces.empty() ? body.size() : std::max<size_t>(1, pieces[i++ % pieces.size()]);
    n = std::min(n, body.size() - pos);
    CAIRN_RETURN_IF_ERROR(
        decoder->Feed(reinterpret_cast<const uint8_t*>(body.data() + pos), n, out));
    pos += n;
  }
  return decoder->Finish();
}

std::string Code(const Status& status) {
  if (status.ok()) return "OK";
  return status.s3_code().empty() ? status.ToString() : status.s3_code();
}

}  // namespace cairn::sigv4::test
