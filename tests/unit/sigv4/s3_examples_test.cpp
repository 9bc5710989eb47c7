// Header authentication against the S3 documentation examples ("Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk"), and the errors around it.
#include <gtest/gtest.h>

#include "crypto.h"
#include "sigv4_authenticator.h"
#include "test_util.h"

namespace cairn::sigv4 {
namespace {

using test::Code;
using test::kDocTime;

constexpr char kScope[] = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";

std::string Authz(const std::string& signed_headers, const std::string& signature,
                  const std::string& sep = ",") {
  return std::string("AWS4-HMAC-SHA256 Credential=") + kScope + sep +
         "SignedHeaders=" + signed_headers + sep + "Signature=" + signature;
}

// GET Object with a range.
HttpRequestView GetObject(int64_t now = kDocTime) {
  return test::MakeRequest(
      "GET", "/test.txt",
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"Authorization", Authz("host;range;x-amz-content-sha256;x-amz-date",
                               "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")},
       {"Range", "bytes=0-9"},
       {"x-amz-content-sha256", std::string(kEmptySha256Hex)},
       {"x-amz-date", "20130524T000000Z"}},
      now);
}

// PUT Object: a '$' in the key, a Date header as well as x-amz-date, and a signed body.
HttpRequestView PutObject(const std::string& uri = "/test%24file.text") {
  return test::MakeRequest(
      "PUT", uri,
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
       {"Authorization", Authz("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                               "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")},
       {"x-amz-date", "20130524T000000Z"},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
       {"Content-Length", "21"}});
}

HttpRequestView BucketGet(const std::string& uri, const std::string& signature) {
  return test::MakeRequest(
      "GET", uri,
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"Authorization", Authz("host;x-amz-content-sha256;x-amz-date", signature, ", ")},
       {"x-amz-content-sha256", std::string(kEmptySha256Hex)},
       {"x-amz-date", "20130524T000000Z"}});
}

void SetHeader(HttpRequestView* r, const std::string& name, const std::string& value) {
  for (auto& [n, v] : r->headers) {
    if (n == name) v = value;
  }
}

class S3Examples : public ::testing::Test {
 protected:
  SigV4Authenticator auth_{SigV4Settings{}, test::DocLookup()};
};

TEST_F(S3Examples, GetObjectWithRange) {
  auto result = auth_.Authenticate(GetObject());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result.value().principal.anonymous);
  EXPECT_EQ(result.value().principal.access_key, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(result.value().principal.user_id, "doc-user");
  // The empty body's hash was signed: the decoder checks that the body is indeed empty.
  ASSERT_NE(result.value().body, nullptr);
  std::string out;
  EXPECT_TRUE(test::FeedAll(result.value().body.get(), "", {}, &out).ok());
}

TEST_F(S3Examples, PutObjectVerifiesTheBody) {
  for (std::string uri : {"/test%24file.text", "/test$file.text"}) {
    SCOPED_TRACE(uri);
    auto result = auth_.Authenticate(PutObject(uri));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    std::string out;
    EXPECT_TRUE(test::FeedAll(result.value().body.get(), "Welcome to Amazon S3.", {5}, &out).ok());
    EXPECT_EQ(out, "Welcome to Amazon S3.");
  }
  auto result = auth_.Authenticate(PutObject());
  ASSERT_TRUE(result.ok());
  std::string out;
  EXPECT_EQ(Code(test::FeedAll(result.value().body.get(), "Welcome to Amazon S4.", {}, &out)),
            "XAmzContentSHA256Mismatch");
}

TEST_F(S3Examples, GetBucketLifecycleAndListObjects) {
  EXPECT_TRUE(
      auth_
          .Authenticate(BucketGet(
              "/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"))
          .ok());
  EXPECT_TRUE(auth_
                  .Authenticate(
                      BucketGet("/?max-keys=2&prefix=J",
                                "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"))
                  .ok());
  // The query order on the wire does not matter; its content does.
  EXPECT_TRUE(auth_
                  .Authenticate(
                      BucketGet("/?prefix=J&max-keys=2",
                                "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"))
                  .ok());
  EXPECT_EQ(Code(auth_
                     .Authenticate(BucketGet(
                         "/?max-keys=3&prefix=J",
                         "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"))
                     .status()),
            "SignatureDoesNotMatch");
}

TEST_F(S3Examples, ClockSkew) {
  EXPECT_TRUE(auth_.Authenticate(GetObject(kDocTime + 900)).ok());
  EXPECT_TRUE(auth_.Authenticate(GetObject(kDocTime - 900)).ok());
  EXPECT_EQ(Code(auth_.Authenticate(GetObject(kDocTime + 901)).status()), "RequestTimeTooSkewed");
  EXPECT_EQ(Code(auth_.Authenticate(GetObject(kDocTime - 901)).status()), "RequestTimeTooSkewed");
  SigV4Settings strict;
  strict.max_clock_skew_seconds = 60;
  SigV4Authenticator auth(strict, test::DocLookup());
  EXPECT_EQ(Code(auth.Authenticate(GetObject(kDocTime + 61)).status()), "RequestTimeTooSkewed");
}

TEST_F(S3Examples, UnknownAccessKey) {
  SigV4Authenticator auth(SigV4Settings{}, [](const std::string&) -> Result<Credential> {
    return Status::NotFound("no such key");
  });
  auto result = auth.Authenticate(GetObject());
  EXPECT_EQ(Code(result.status()), "InvalidAccessKeyId");
  EXPECT_EQ(result.status().code(), CAIRN_ACCESS_DENIED);
}

TEST_F(S3Examples, LookupFailureIsNotDisguised) {
  SigV4Authenticator auth(SigV4Settings{}, [](const std::string&) -> Result<Credential> {
    return Status::Unavailable("identity store down");
  });
  EXPECT_EQ(auth.Authenticate(GetObject()).status().code(), CAIRN_UNAVAILABLE);
}

TEST_F(S3Examples, TamperedRequestsFail) {
  HttpRequestView range = GetObject();
  SetHeader(&range, "Range", "bytes=0-99");
  HttpRequestView path = GetObject();
  path.uri = "/test.txt2";
  HttpRequestView method = GetObject();
  method.method = "DELETE";
  HttpRequestView wrong_key = GetObject();
  SigV4Authenticator other_secret(SigV4Settings{}, [](const std::string&) -> Result<Credential> {
    return Credential{"not-the-secret", "u"};
  });
  for (const HttpRequestView* r : {&range, &path, &method}) {
    auto result = auth_.Authenticate(*r);
    EXPECT_EQ(Code(result.status()), "SignatureDoesNotMatch");
    EXPECT_EQ(result.status().message(),
              "The request signature we calculated does not match the signature you provided. "
              "Check your key and signing method.");
  }
  auto result = other_secret.Authenticate(wrong_key);
  EXPECT_EQ(Code(result.status()), "SignatureDoesNotMatch");
  EXPECT_EQ(result.status().message().find("not-the-secret"), std::string::npos);
}

TEST_F(S3Examples, UnsignedExtraHeadersDoNotMatter) {
  HttpRequestView r = GetObject();
  r.headers.emplace_back("User-Agent", "test");
  EXPECT_TRUE(auth_.Authenticate(r).ok());
}

TEST_F(S3Examples, Anonymous) {
  auto result = auth_.Authenticate(
      test::MakeRequest("GET", "/bucket/key", {{"Host", "examplebucket.s3.amazonaws.com"}}));
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.value().principal.anonymous);
  EXPECT_EQ(result.value().body, nullptr);
}

TEST_F(S3Examples, OnlySigV4IsSupported) {
  auto result = auth_.Authenticate(test::MakeRequest(
      "GET", "/bucket/key",
      {{"Host", "h"}, {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="}}));
  EXPECT_EQ(Code(result.status()), "AccessDenied");
  EXPECT_NE(result.status().message().find("only AWS Signature Version 4 (AWS4-HMAC-SHA256)"),
            std::string::npos);
}

TEST_F(S3Examples, MalformedAuthorizationHeaders) {
  const std::string sig(64, '0');
  const std::string good_cred = std::string("Credential=") + kScope;
  for (const std::string& value : std::vector<std::string>{
           "AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=host",
           "AWS4-HMAC-SHA256 Credential=AK/2013/us-east-1/s3/aws4_request, SignedHeaders=host, "
           "Signature=" +
               sig,
           "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws5_request, "
           "SignedHeaders=host, Signature=" +
               sig,
           "AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=x-amz-date, Signature=" + sig,
           "AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=Host, Signature=" + sig,
           "AWS4-HMAC-SHA256 " + good_cred + ", SignedHeaders=host, Signature=" + sig + ", Extra=1",
           std::string("AWS4-HMAC-SHA256 garbage"),
           "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/ec2/aws4_request, "
           "SignedHeaders=host, Signature=" +
               sig,
       }) {
    SCOPED_TRACE(value);
    HttpRequestView r = GetObject();
    SetHeader(&r, "Authorization", value);
    EXPECT_EQ(Code(auth_.Authenticate(r).status()), "AuthorizationHeaderMalformed");
  }
}

TEST_F(S3Examples, ScopeDateMustMatchRequestDate) {
  HttpRequestView r = GetObject();
  SetHeader(&r, "x-amz-date", "20130525T000000Z");
  EXPECT_EQ(Code(auth_.Authenticate(r).status()), "AuthorizationHeaderMalformed");
}

TEST_F(S3Examples, MissingOrBadDate) {
  HttpRequestView r = GetObject();
  SetHeader(&r, "x-amz-date", "2013-05-24T00:00:00Z");
  EXPECT_EQ(Code(auth_.Authenticate(r).status()), "AccessDenied");
  HttpRequestView none = GetObject();
  std::erase_if(none.headers, [](const auto& h) { return h.first == "x-amz-date"; });
  EXPECT_EQ(Code(auth_.Authenticate(none).status()), "AccessDenied");
}

TEST_F(S3Examples, DateHeaderAloneIsEnough) {
  HttpRequestView r = test::MakeRequest("GET", "/bucket/key",
                                        {{"Host", "localhost:9000"},
                                         {"Date", "Fri, 24 May 2013 00:00:10 GMT"},
                                         {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}});
  test::SignRequest(&r, "date;host;x-amz-content-sha256", "UNSIGNED-PAYLOAD", "20130524T000010Z");
  auto result = auth_.Authenticate(r);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result.value().body, nullptr);  // UNSIGNED-PAYLOAD without a checksum: passthrough
}

TEST_F(S3Examples, PayloadHashRules) {
  // No x-amz-content-sha256 and no body: the empty hash is implied.
  HttpRequestView get =
      test::MakeRequest("GET", "/b/k", {{"Host", "h"}, {"x-amz-date", test::kDocDate}});
  test::SignRequest(&get, "host;x-amz-date", kEmptySha256Hex);
  EXPECT_TRUE(auth_.Authenticate(get).ok());
  // With a body the header is required.
  for (auto body_header : {std::pair<std::string, std::string>{"Content-Length", "5"},
                           {"Transfer-Encoding", "chunked"}}) {
    HttpRequestView put = test::MakeRequest(
        "PUT", "/b/k", {{"Host", "h"}, {"x-amz-date", test::kDocDate}, body_header});
    test::SignRequest(&put, "host;x-amz-date", kEmptySha256Hex);
    auto result = auth_.Authenticate(put);
    EXPECT_EQ(Code(result.status()), "InvalidRequest");
    EXPECT_EQ(result.status().message(),
              "Missing required header for this request: x-amz-content-sha256");
  }
  // Something that is neither a hash nor a known mode.
  HttpRequestView odd = test::MakeRequest(
      "PUT", "/b/k",
      {{"Host", "h"}, {"x-amz-date", test::kDocDate}, {"x-amz-content-sha256", "banana"}});
  test::SignRequest(&odd, "host;x-amz-content-sha256;x-amz-date", "banana");
  EXPECT_EQ(Code(auth_.Authenticate(odd).status()), "InvalidArgument");
}

TEST_F(S3Examples, HeaderAndQueryAuthTogetherAreRefused) {
  HttpRequestView r = GetObject();
  r.uri += "?X-Amz-Algorithm=AWS4-HMAC-SHA256";
  EXPECT_EQ(Code(auth_.Authenticate(r).status()), "InvalidArgument");
}

}  // namespace
}  // namespace cairn::sigv4
