// Signature Version 2: the string to sign and signatures of the S3 documentation examples
// ("Signing and authenticating REST requests", the johnsmith and awsexamplebucket1 examples with
// the AKIAIOSFODNN7EXAMPLE key), the authenticator's checks and errors, and the scheme dispatch.
#include <gtest/gtest.h>

#include "crypto.h"
#include "s3_authenticator.h"
#include "sigv2_authenticator.h"
#include "sigv2_signature.h"
#include "test_util.h"

namespace cairn::sigv4 {
namespace {

using test::Code;
using test::kDocSecret;

// Tue, 27 Mar 2007 19:36:42 GMT, the time of the first example.
constexpr int64_t kExampleTime = 1175024202;

struct Example {
  const char* name;
  const char* method;
  const char* uri;
  const char* virtual_host_bucket;
  HeaderList headers;
  const char* string_to_sign;
  const char* signature;
};

std::vector<Example> DocExamples() {
  return {
      {"ObjectGet", "GET", "/photos/puppy.jpg", "johnsmith",
       {{"Host", "johnsmith.s3.amazonaws.com"}, {"Date", "Tue, 27 Mar 2007 19:36:42 +0000"}},
       "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg",
       "bWq2s1WEIj+Ydj0vQ697zp+IXMU="},
      {"ObjectGetNewerDocs", "GET", "/photos/puppy.jpg", "awsexamplebucket1",
       {{"Host", "awsexamplebucket1.us-west-1.s3.amazonaws.com"},
        {"Date", "Tue, 27 Mar 2007 19:36:42 +0000"}},
       "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg",
       "qgk2+6Sv9/oM7G3qLEjTH1a1l1g="},
      {"ObjectPut", "PUT", "/photos/puppy.jpg", "johnsmith",
       {{"Content-Type", "image/jpeg"},
        {"Content-Length", "94328"},
        {"Host", "johnsmith.s3.amazonaws.com"},
        {"Date", "Tue, 27 Mar 2007 21:15:45 +0000"}},
       "PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/johnsmith/photos/puppy.jpg",
       "MyyxeRY7whkBe+bq8fHCL/2kKUg="},
      {"List", "GET", "/?prefix=photos&max-keys=50&marker=puppy", "johnsmith",
       {{"User-Agent", "Mozilla/5.0"},
        {"Host", "johnsmith.s3.amazonaws.com"},
        {"Date", "Tue, 27 Mar 2007 19:42:41 +0000"}},
       "GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/johnsmith/", "htDYFYduRNen8P9ZfE/s9SuKy0U="},
      {"FetchAcl", "GET", "/?acl", "johnsmith",
       {{"Host", "johnsmith.s3.amazonaws.com"}, {"Date", "Tue, 27 Mar 2007 19:44:46 +0000"}},
       "GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/johnsmith/?acl",
       "c2WLPFtWHVgbEmeEG93a4cG37dM="},
      {"UploadWithAmzHeaders", "PUT", "/db-backup.dat.gz", "static.johnsmith.net",
       {{"User-Agent", "curl/7.15.5"},
        {"Host", "static.johnsmith.net:8080"},
        {"Date", "Tue, 27 Mar 2007 21:06:08 +0000"},
        {"x-amz-acl", "public-read"},
        {"content-type", "application/x-download"},
        {"Content-MD5", "4gJE4saaMU4BqNR0kLY+lw=="},
        {"X-Amz-Meta-ReviewedBy", "joe@johnsmith.net"},
        {"X-Amz-Meta-ReviewedBy", "jane@johnsmith.net"},
        {"X-Amz-Meta-FileChecksum", "0x02661779"},
        {"X-Amz-Meta-ChecksumAlgorithm", "crc32"},
        {"Content-Disposition", "attachment; filename=database.dat"},
        {"Content-Encoding", "gzip"},
        {"Content-Length", "5913339"}},
       "PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\nTue, 27 Mar 2007 21:06:08 +0000\n"
       "x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\n"
       "x-amz-meta-filechecksum:0x02661779\n"
       "x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n"
       "/static.johnsmith.net/db-backup.dat.gz",
       "ilyl83RwaSoYIEdixDQcA4OnAnc="},
      {"ListAllBuckets", "GET", "/", "",
       {{"Host", "s3.amazonaws.com"}, {"Date", "Wed, 28 Mar 2007 01:29:59 +0000"}},
       "GET\n\n\nWed, 28 Mar 2007 01:29:59 +0000\n/", "qGdzdERIC03wnaRNKh6OqZehG9s="},
      {"UnicodeKeys", "GET", "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re", "",
       {{"Host", "s3.amazonaws.com"}, {"Date", "Wed, 28 Mar 2007 01:49:49 +0000"}},
       "GET\n\n\nWed, 28 Mar 2007 01:49:49 +0000\n/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re",
       "DNEZGsoieTZ92F3bUfSPQcbGmlM="},
  };
}

std::string DateOf(const HeaderList& headers) {
  const std::string* d = FindHeader(headers, "date");
  return d == nullptr ? "" : *d;
}

TEST(SigV2Signature, DocumentationExamples) {
  for (const Example& e : DocExamples()) {
    SCOPED_TRACE(e.name);
    std::string date = DateOf(e.headers);
    SigV2Request r{e.method, e.uri, e.virtual_host_bucket, &e.headers, date};
    std::string sts = SigV2StringToSign(r);
    EXPECT_EQ(sts, e.string_to_sign);
    EXPECT_EQ(SigV2Sign(kDocSecret, sts), e.signature);
  }
}

TEST(SigV2Signature, SubResourcesSortedAndDecodedOthersLeftOut) {
  EXPECT_EQ(CanonicalizedResource("/b/k?uploadId=abc&partNumber=3", ""),
            "/b/k?partNumber=3&uploadId=abc");
  EXPECT_EQ(CanonicalizedResource("/b/k?uploads", ""), "/b/k?uploads");
  EXPECT_EQ(CanonicalizedResource("/b/k?uploads=", ""), "/b/k?uploads=");
  EXPECT_EQ(CanonicalizedResource("/b/?delete&list-type=2&prefix=a", ""), "/b/?delete");
  // response-* values are signed decoded, '+' stays a plus (botocore's unquote).
  EXPECT_EQ(CanonicalizedResource("/b/k?response-content-disposition=attachment%3B%20a+b.txt"
                                  "&response-content-type=text%2Fplain&x=1",
                                  ""),
            "/b/k?response-content-disposition=attachment; a+b.txt"
            "&response-content-type=text/plain");
  // The credentials of a presigned URL are not part of the resource.
  EXPECT_EQ(CanonicalizedResource(
                "/k?AWSAccessKeyId=AK&Expires=1&Signature=x%2By&versionId=v1", "bucket"),
            "/bucket/k?versionId=v1");
  EXPECT_EQ(CanonicalizedResource("/", "bucket"), "/bucket/");
  // A bucket addressed path style is signed as "/bucket/", as botocore and s3cmd sign it.
  EXPECT_EQ(CanonicalizedResource("/bucket", ""), "/bucket/");
  EXPECT_EQ(CanonicalizedResource("/bucket?acl", ""), "/bucket/?acl");
  EXPECT_EQ(CanonicalizedResource("/bucket/", ""), "/bucket/");
  EXPECT_EQ(CanonicalizedResource("/", ""), "/");
  // A sub-resource whose name is sent escaped is the one the server routes on, so it is signed
  // by that name (it was left out: corpus/sigv2/escaped-subresource-name).
  EXPECT_EQ(CanonicalizedResource("/b/k?%74agging&%75ploadId=u%2B1&x%2Did=1", ""),
            "/b/k?tagging&uploadId=u+1");
  EXPECT_EQ(CanonicalizedResource("/b/k?%61cl=&Acl", ""), "/b/k?acl=");
}

TEST(SigV2Signature, AmzHeadersLowercasedTrimmedJoinedSorted) {
  HeaderList h = {{"X-Amz-Meta-B", " two "}, {"x-amz-meta-a", "1"}, {"x-amz-meta-b", "three\t"},
                  {"X-Other", "no"},        {"Content-Type", "no"}};
  EXPECT_EQ(CanonicalizedAmzHeaders(h), "x-amz-meta-a:1\nx-amz-meta-b:two,three\n");
}

HttpRequestView SignedRequest(const Example& e, int64_t now) {
  HttpRequestView r = test::MakeRequest(e.method, e.uri, e.headers, now);
  r.virtual_host_bucket = e.virtual_host_bucket;
  r.headers.emplace_back("Authorization", std::string("AWS ") + test::kDocKey + ":" + e.signature);
  return r;
}

class SigV2 : public ::testing::Test {
 protected:
  S3Authenticator auth_{SigV4Settings{}, true, test::DocLookup({{"OTHERKEY", "other-secret"}})};
};

TEST_F(SigV2, DocumentationExampleAuthenticates) {
  auto result = auth_.Authenticate(SignedRequest(DocExamples()[0], kExampleTime));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result.value().principal.anonymous);
  EXPECT_EQ(result.value().principal.access_key, test::kDocKey);
  EXPECT_EQ(result.value().principal.user_id, "doc-user");
  EXPECT_EQ(result.value().body, nullptr);  // nothing to verify in the body
}

TEST_F(SigV2, XAmzDateTakesTheTimeAndEmptiesTheDateLine) {
  // The DELETE example's headers (Date and x-amz-date) with the rule AWS documents: the Date
  // line is empty and x-amz-date is signed among the amz headers. (The example's own string to
  // sign puts x-amz-date's value on the Date line instead, which no client does.)
  HeaderList headers = {{"Host", "s3.amazonaws.com"},
                        {"Date", "Tue, 27 Mar 2007 21:20:27 +0000"},
                        {"x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000"}};
  std::string sts = "DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n"
                    "/johnsmith/photos/puppy.jpg";
  Example e{"Delete", "DELETE", "/johnsmith/photos/puppy.jpg", "", headers, sts.c_str(), ""};
  std::string signature = SigV2Sign(kDocSecret, sts);
  e.signature = signature.c_str();
  int64_t when = 1175030426;  // 21:20:26
  EXPECT_TRUE(auth_.Authenticate(SignedRequest(e, when)).ok());
  // 900 s of skew from x-amz-date are fine, 901 are not (Date is a second later, and ignored).
  EXPECT_TRUE(auth_.Authenticate(SignedRequest(e, when - 900)).ok());
  EXPECT_EQ(Code(auth_.Authenticate(SignedRequest(e, when - 901)).status()),
            "RequestTimeTooSkewed");
  EXPECT_EQ(Code(auth_.Authenticate(SignedRequest(e, when + 901)).status()),
            "RequestTimeTooSkewed");
}

TEST_F(SigV2, BotocoreDateFormat) {
  HeaderList headers = {{"Host", "h"}, {"Date", "Tue, 27 Mar 2007 19:36:42 GMT"}};
  Example e{"GmtDate", "GET", "/johnsmith/photos/puppy.jpg", "", headers, "", ""};
  std::string signature = SigV2Sign(
      kDocSecret, "GET\n\n\nTue, 27 Mar 2007 19:36:42 GMT\n/johnsmith/photos/puppy.jpg");
  e.signature = signature.c_str();
  EXPECT_TRUE(auth_.Authenticate(SignedRequest(e, kExampleTime)).ok());
}

TEST_F(SigV2, MissingOrBadDate) {
  for (const HeaderList& headers : {HeaderList{{"Host", "h"}},
                                    HeaderList{{"Host", "h"}, {"Date", "yesterday"}},
                                    HeaderList{{"Host", "h"},
                                               {"Date", "Tue, 27 Mar 2007 19:36:42 +0000"},
                                               {"x-amz-date", "soon"}}}) {
    Example e{"NoDate", "GET", "/b/k", "", headers, "", "c2WLPFtWHVgbEmeEG93a4cG37dM="};
    auto result = auth_.Authenticate(SignedRequest(e, kExampleTime));
    EXPECT_EQ(Code(result.status()), "AccessDenied");
    EXPECT_EQ(result.status().message(),
              "AWS authentication requires a valid Date or x-amz-date header");
  }
}

TEST_F(SigV2, WrongSignatureUnknownKeyAndTampering) {
  Example e = DocExamples()[0];
  e.signature = "bWq2s1WEIj+Ydj0vQ697zp+IXMV=";
  auto bad = auth_.Authenticate(SignedRequest(e, kExampleTime));
  EXPECT_EQ(Code(bad.status()), "SignatureDoesNotMatch");
  EXPECT_EQ(bad.status().message().find(kDocSecret), std::string::npos);

  HttpRequestView r = SignedRequest(DocExamples()[0], kExampleTime);
  r.headers.back().second = "AWS NOSUCHKEY:bWq2s1WEIj+Ydj0vQ697zp+IXMU=";
  EXPECT_EQ(Code(auth_.Authenticate(r).status()), "InvalidAccessKeyId");

  // Another key's secret does not sign for this one.
  r.headers.back().second = "AWS OTHERKEY:bWq2s1WEIj+Ydj0vQ697zp+IXMU=";
  EXPECT_EQ(Code(auth_.Authenticate(r).status()), "SignatureDoesNotMatch");

  // Every x-amz-* header is signed: adding one breaks the signature.
  r = SignedRequest(DocExamples()[0], kExampleTime);
  r.headers.emplace_back("x-amz-copy-source", "/other/object");
  EXPECT_EQ(Code(auth_.Authenticate(r).status()), "SignatureDoesNotMatch");
  // So does another sub-resource, path, method or bucket.
  for (auto mutate : std::vector<void (*)(HttpRequestView*)>{
           [](HttpRequestView* v) { v->uri += "?acl"; },
           [](HttpRequestView* v) { v->uri = "/photos/kitten.jpg"; },
           [](HttpRequestView* v) { v->method = "DELETE"; },
           [](HttpRequestView* v) { v->virtual_host_bucket = "other"; },
       }) {
    r = SignedRequest(DocExamples()[0], kExampleTime);
    mutate(&r);
    EXPECT_EQ(Code(auth_.Authenticate(r).status()), "SignatureDoesNotMatch");
  }
  // Unsigned headers and list parameters do not matter.
  r = SignedRequest(DocExamples()[0], kExampleTime);
  r.headers.emplace_back("User-Agent", "test");
  EXPECT_TRUE(auth_.Authenticate(r).ok());
}

TEST_F(SigV2, MalformedHeader) {
  for (const char* value : {"AWS ", "AWS AKIAIOSFODNN7EXAMPLE", "AWS :sig", "AWS AK:",
                            "AWS AK IA:sig"}) {
    SCOPED_TRACE(value);
    HttpRequestView r = test::MakeRequest(
        "GET", "/b/k", {{"Host", "h"}, {"Date", "Tue, 27 Mar 2007 19:36:42 +0000"},
                        {"Authorization", value}},
        kExampleTime);
    auto result = auth_.Authenticate(r);
    EXPECT_EQ(Code(result.status()), "InvalidArgument");
    EXPECT_EQ(result.status().code(), CAIRN_INVALID_ARGUMENT);
  }
}

// The S3 documentation's query-string example: GET /photos/puppy.jpg on johnsmith, expiring
// at 1175139620.
constexpr char kPresignedQuery[] =
    "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620"
    "&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D";

HttpRequestView Presigned(int64_t now, std::string query = kPresignedQuery) {
  HttpRequestView r = test::MakeRequest("GET", "/photos/puppy.jpg?" + query,
                                        {{"Host", "johnsmith.s3.amazonaws.com"}}, now);
  r.virtual_host_bucket = "johnsmith";
  return r;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  return s.replace(s.find(from), from.size(), to);
}

TEST_F(SigV2, PresignedDocumentationExample) {
  HeaderList headers = {{"Host", "johnsmith.s3.amazonaws.com"}};
  std::string uri = "/photos/puppy.jpg?" + std::string(kPresignedQuery);
  SigV2Request r{"GET", uri, "johnsmith", &headers, "1175139620"};
  EXPECT_EQ(SigV2StringToSign(r), "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg");
  EXPECT_EQ(SigV2Sign(kDocSecret, SigV2StringToSign(r)), "NpgCjnDzrM+WFzoENXmpNDUsSn8=");

  auto result = auth_.Authenticate(Presigned(1175139620));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result.value().principal.access_key, test::kDocKey);
  // An unescaped '+' in the signature (read as a space) still matches.
  EXPECT_TRUE(
      auth_.Authenticate(Presigned(0, Replace(kPresignedQuery, "%2B", "+"))).ok());
}

TEST_F(SigV2, PresignedExpiry) {
  EXPECT_TRUE(auth_.Authenticate(Presigned(1175139620)).ok());
  auto expired = auth_.Authenticate(Presigned(1175139621));
  EXPECT_EQ(Code(expired.status()), "AccessDenied");
  EXPECT_EQ(expired.status().message(), "Request has expired");
  // The expiry is signed.
  EXPECT_EQ(Code(auth_.Authenticate(Presigned(0, Replace(kPresignedQuery, "1175139620",
                                                           "1175139999")))
                     .status()),
            "SignatureDoesNotMatch");
  EXPECT_EQ(Code(auth_.Authenticate(Presigned(0, Replace(kPresignedQuery, "1175139620", "x")))
                     .status()),
            "AccessDenied");
}

TEST_F(SigV2, PresignedMissingParametersAndTampering) {
  for (const std::string& q : {Replace(kPresignedQuery, "&Expires=1175139620", ""),
                               Replace(kPresignedQuery, "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&", ""),
                               std::string("Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D")}) {
    SCOPED_TRACE(q);
    auto result = auth_.Authenticate(Presigned(0, q));
    EXPECT_EQ(Code(result.status()), "AccessDenied");
  }
  HttpRequestView r = Presigned(0);
  r.headers.emplace_back("x-amz-copy-source", "/other/object");
  EXPECT_EQ(Code(auth_.Authenticate(r).status()), "SignatureDoesNotMatch");
  EXPECT_EQ(Code(auth_.Authenticate(Presigned(0, std::string(kPresignedQuery) + "&uploads"))
                     .status()),
            "SignatureDoesNotMatch");
}

TEST_F(SigV2, EscapedSubResourceIsSigned) {
  // A presigned GET of an object does not become a GetObjectTagging, a ListParts or an ACL
  // read by appending a sub-resource with an escaped name: the server decodes query names.
  for (const char* extra : {"&%74agging", "&%75ploadId=x", "&%61cl", "&%61%63%6C"}) {
    SCOPED_TRACE(extra);
    EXPECT_EQ(Code(auth_.Authenticate(Presigned(0, std::string(kPresignedQuery) + extra)).status()),
              "SignatureDoesNotMatch");
  }
}

TEST_F(SigV2, OnlyOneMechanism) {
  HttpRequestView r = Presigned(0);
  r.headers.emplace_back("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:x");
  EXPECT_EQ(Code(auth_.Authenticate(r).status()), "InvalidArgument");
  r = Presigned(0, std::string(kPresignedQuery) + "&X-Amz-Algorithm=AWS4-HMAC-SHA256");
  EXPECT_EQ(Code(auth_.Authenticate(r).status()), "InvalidArgument");
}

TEST_F(SigV2, BodyChecksHeadersButSignedChunksNeedSigV4) {
  auto sign = [](HeaderList headers) {
    headers.emplace_back("Host", "h");
    headers.emplace_back("Date", "Tue, 27 Mar 2007 19:36:42 +0000");
    HttpRequestView r = test::MakeRequest("PUT", "/b/k", headers, kExampleTime);
    std::string sts = SigV2StringToSign({"PUT", "/b/k", "", &r.headers,
                                         "Tue, 27 Mar 2007 19:36:42 +0000"});
    r.headers.emplace_back("Authorization",
                           std::string("AWS ") + test::kDocKey + ":" + SigV2Sign(kDocSecret, sts));
    return r;
  };
  auto plain = auth_.Authenticate(sign({{"Content-Length", "5"}}));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.value().body, nullptr);

  auto hashed = auth_.Authenticate(
      sign({{"x-amz-content-sha256", std::string(64, '0')}, {"Content-Length", "5"}}));
  ASSERT_TRUE(hashed.ok());
  ASSERT_NE(hashed.value().body, nullptr);
  std::string out;
  EXPECT_EQ(Code(test::FeedAll(hashed.value().body.get(), "hello", {}, &out)),
            "XAmzContentSHA256Mismatch");

  auto chunked = auth_.Authenticate(
      sign({{"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}}));
  EXPECT_EQ(Code(chunked.status()), "InvalidRequest");
}

TEST(SigV2Disabled, RefusedWithInvalidRequestSigV4StillWorks) {
  S3Authenticator auth{SigV4Settings{}, false, test::DocLookup()};
  auto header = auth.Authenticate(SignedRequest(DocExamples()[0], kExampleTime));
  EXPECT_EQ(Code(header.status()), "InvalidRequest");
  EXPECT_EQ(header.status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(header.status().message(),
            "The authorization mechanism you have provided is not supported. Please use "
            "AWS4-HMAC-SHA256.");
  EXPECT_EQ(Code(auth.Authenticate(Presigned(0)).status()), "InvalidRequest");
  // Anonymous requests and SigV4 are unaffected.
  EXPECT_TRUE(auth.Authenticate(test::MakeRequest("GET", "/b/k", {{"Host", "h"}})).ok());
  HttpRequestView v4 = test::MakeRequest(
      "GET", "/test.txt", {{"Host", "examplebucket.s3.amazonaws.com"},
                           {"x-amz-date", test::kDocDate},
                           {"x-amz-content-sha256", std::string(kEmptySha256Hex)}});
  test::SignRequest(&v4, "host;x-amz-content-sha256;x-amz-date", kEmptySha256Hex);
  EXPECT_TRUE(auth.Authenticate(v4).ok());
}

}  // namespace
}  // namespace cairn::sigv4
