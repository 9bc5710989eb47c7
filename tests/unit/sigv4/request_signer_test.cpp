// RequestSigner: the client side of SigV4. Its signatures must equal the ones AWS documents,
// and a request it signs must pass the plugin's own authenticator.
#include "request_signer.h"

#include <gtest/gtest.h>

#include "crypto.h"
#include "sigv4_authenticator.h"
#include "test_util.h"

namespace cairn::sigv4 {
namespace {

using test::Code;
using test::kDocKey;
using test::kDocSecret;
using test::kDocTime;

SigningInput DocInput(std::string method, std::string uri, HeaderList headers,
                      std::string payload_hash = std::string(kEmptySha256Hex)) {
  SigningInput in;
  in.method = std::move(method);
  in.uri = std::move(uri);
  in.headers = std::move(headers);
  in.payload_sha256_hex = std::move(payload_hash);
  in.access_key = kDocKey;
  in.secret_key = kDocSecret;
  in.now_unix = kDocTime;
  return in;
}

// The request as the server sees it: the signed headers plus the ones SignRequest added.
HttpRequestView AsSent(const SigningInput& in, int64_t now = kDocTime) {
  HeaderList headers = in.headers;
  for (auto& h : SignRequest(in)) headers.push_back(std::move(h));
  return test::MakeRequest(in.method, in.uri, std::move(headers), now);
}

std::string Authorization(const HeaderList& added) {
  const std::string* a = FindHeader(added, "Authorization");
  return a == nullptr ? "" : *a;
}

// "GET Object" from the S3 documentation (Signature Calculations for the Authorization Header).
TEST(RequestSigner, MatchesTheS3GetObjectExample) {
  HeaderList added = SignRequest(DocInput(
      "GET", "/test.txt", {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}}));
  ASSERT_EQ(added.size(), 3u);
  EXPECT_EQ(added[0].first, "Authorization");
  EXPECT_EQ(Authorization(added),
            "AWS4-HMAC-SHA256 "
            "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(*FindHeader(added, "x-amz-date"), "20130524T000000Z");
  EXPECT_EQ(*FindHeader(added, "x-amz-content-sha256"), kEmptySha256Hex);
}

// "PUT Object" from the same page: a '$' in the key, a Date header and a signed body hash.
TEST(RequestSigner, MatchesTheS3PutObjectExample) {
  HeaderList added = SignRequest(DocInput("PUT", "/test%24file.text",
                                          {{"Host", "examplebucket.s3.amazonaws.com"},
                                           {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                                           {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                                          Sha256Hex("Welcome to Amazon S3.")));
  EXPECT_EQ(Authorization(added),
            "AWS4-HMAC-SHA256 "
            "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

// "GET Bucket (List Objects)": the query is canonicalized, whatever order it is sent in.
TEST(RequestSigner, MatchesTheS3ListObjectsExample) {
  for (const char* uri : {"/?max-keys=2&prefix=J", "/?prefix=J&max-keys=2"}) {
    HeaderList added =
        SignRequest(DocInput("GET", uri, {{"Host", "examplebucket.s3.amazonaws.com"}}));
    EXPECT_NE(Authorization(added).find(
                  "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
              std::string::npos)
        << uri;
  }
}

TEST(RequestSigner, SignedRequestsAuthenticate) {
  SigV4Authenticator auth(SigV4Settings{}, test::DocLookup({{"cairnroot", "cairnroot-secret"}}));
  SigningInput admin = DocInput("POST", "/_cairn/admin/scrub?bucket=my%20photos",
                                {{"Host", "127.0.0.1:9000"}, {"Content-Length", "0"}});
  admin.access_key = "cairnroot";
  admin.secret_key = "cairnroot-secret";
  admin.now_unix = 1700000000;
  auto result = auth.Authenticate(AsSent(admin, 1700000000));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result.value().principal.access_key, "cairnroot");
  EXPECT_EQ(result.value().principal.user_id, "user-cairnroot");

  // A body with a signed hash is then verified as it streams.
  std::string body = "{\"hello\": 1}";
  SigningInput put = DocInput("PUT", "/bucket/key", {{"host", "localhost:9000"}}, Sha256Hex(body));
  auto put_result = auth.Authenticate(AsSent(put));
  ASSERT_TRUE(put_result.ok()) << put_result.status().ToString();
  std::string out;
  EXPECT_TRUE(test::FeedAll(put_result.value().body.get(), body, {3}, &out).ok());
  EXPECT_EQ(out, body);

  SigningInput unsigned_body = DocInput("PUT", "/b/k", {{"Host", "h"}}, kUnsignedPayload);
  EXPECT_TRUE(auth.Authenticate(AsSent(unsigned_body)).ok());
}

TEST(RequestSigner, TamperingIsDetected) {
  SigV4Authenticator auth(SigV4Settings{}, test::DocLookup());
  SigningInput in = DocInput("GET", "/bucket/a", {{"Host", "h:1"}, {"x-amz-meta-k", "v"}});
  HttpRequestView sent = AsSent(in);
  sent.uri = "/bucket/b";
  EXPECT_EQ(Code(auth.Authenticate(sent).status()), "SignatureDoesNotMatch");
  sent = AsSent(in);
  for (auto& [n, v] : sent.headers) {
    if (n == "x-amz-meta-k") v = "w";
  }
  EXPECT_EQ(Code(auth.Authenticate(sent).status()), "SignatureDoesNotMatch");
  in.secret_key = "not-the-secret";
  EXPECT_EQ(Code(auth.Authenticate(AsSent(in)).status()), "SignatureDoesNotMatch");
}

TEST(RequestSigner, LeavesHopByHopHeadersAndStaleSignaturesOut) {
  SigningInput in = DocInput("GET", "/test.txt",
                             {{"Host", "examplebucket.s3.amazonaws.com"},
                              {"Range", "bytes=0-9"},
                              {"User-Agent", "cairn-admin/0.1"},
                              {"Connection", "keep-alive"},
                              {"X-Amz-Date", "19990101T000000Z"},
                              {"Authorization", "stale"}});
  HeaderList added = SignRequest(in);
  EXPECT_NE(Authorization(added).find("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"),
            std::string::npos);
  EXPECT_NE(
      Authorization(added).find("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
      std::string::npos);
  for (const auto& [n, v] : added) EXPECT_EQ(v.find(kDocSecret), std::string::npos) << n;
}

}  // namespace
}  // namespace cairn::sigv4
