// Presigned URLs (query-string authentication), from the S3 documentation example
// ("Authenticating Requests: Using Query Parameters", GET /test.txt, 86400 seconds).
#include <gtest/gtest.h>

#include "sigv4_authenticator.h"
#include "test_util.h"

namespace cairn::sigv4 {
namespace {

using test::Code;
using test::kDocTime;

constexpr char kDocQuery[] =
    "X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

HttpRequestView Presigned(int64_t now, const std::string& path = "/test.txt",
                          const std::string& query = kDocQuery) {
  return test::MakeRequest("GET", path + "?" + query, {{"Host", "examplebucket.s3.amazonaws.com"}},
                           now);
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  return s.replace(s.find(from), from.size(), to);
}

class PresignedUrl : public ::testing::Test {
 protected:
  SigV4Authenticator auth_{SigV4Settings{}, test::DocLookup()};
};

TEST_F(PresignedUrl, DocumentationExample) {
  auto result = auth_.Authenticate(Presigned(kDocTime));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result.value().principal.access_key, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(result.value().body, nullptr);  // UNSIGNED-PAYLOAD
}

TEST_F(PresignedUrl, ValidForItsLifetimeThenExpired) {
  EXPECT_TRUE(auth_.Authenticate(Presigned(kDocTime + 86400)).ok());
  auto expired = auth_.Authenticate(Presigned(kDocTime + 86401));
  EXPECT_EQ(Code(expired.status()), "AccessDenied");
  EXPECT_EQ(expired.status().message(), "Request has expired");
}

TEST_F(PresignedUrl, NotUsableLongBeforeItsDate) {
  EXPECT_TRUE(auth_.Authenticate(Presigned(kDocTime - 900)).ok());
  EXPECT_EQ(Code(auth_.Authenticate(Presigned(kDocTime - 901)).status()), "AccessDenied");
}

TEST_F(PresignedUrl, ExpiresMustBeOneSecondToSevenDays) {
  for (const char* expires : {"0", "604801", "-5", "1e3", ""}) {
    SCOPED_TRACE(expires);
    std::string q =
        Replace(kDocQuery, "X-Amz-Expires=86400", std::string("X-Amz-Expires=") + expires);
    EXPECT_EQ(Code(auth_.Authenticate(Presigned(kDocTime, "/test.txt", q)).status()),
              "AuthorizationQueryParametersError");
  }
}

TEST_F(PresignedUrl, MissingOrBadParameters) {
  for (const std::string& q : {
           Replace(kDocQuery, "&X-Amz-SignedHeaders=host", ""),
           Replace(kDocQuery, "X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA1"),
           Replace(kDocQuery, "X-Amz-Date=20130524T000000Z", "X-Amz-Date=20130524"),
           Replace(kDocQuery, "%2Fs3%2F", "%2Fs3"),
           Replace(kDocQuery, "X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-amz-date"),
       }) {
    SCOPED_TRACE(q);
    EXPECT_EQ(Code(auth_.Authenticate(Presigned(kDocTime, "/test.txt", q)).status()),
              "AuthorizationQueryParametersError");
  }
}

TEST_F(PresignedUrl, TamperingFails) {
  EXPECT_EQ(Code(auth_.Authenticate(Presigned(kDocTime, "/test.txt2")).status()),
            "SignatureDoesNotMatch");
  EXPECT_EQ(Code(auth_
                     .Authenticate(
                         Presigned(kDocTime, "/test.txt", std::string(kDocQuery) + "&versionId=1"))
                     .status()),
            "SignatureDoesNotMatch");
  std::string q = Replace(kDocQuery, "X-Amz-Expires=86400", "X-Amz-Expires=86401");
  EXPECT_EQ(Code(auth_.Authenticate(Presigned(kDocTime, "/test.txt", q)).status()),
            "SignatureDoesNotMatch");
}

TEST_F(PresignedUrl, UnsignedAmzHeadersAreRefused) {
  // Whoever holds the URL could otherwise turn it into a CopyObject, or add metadata.
  for (const char* name : {"x-amz-copy-source", "X-Amz-Meta-Added", "x-amz-storage-class"}) {
    SCOPED_TRACE(name);
    HttpRequestView r = Presigned(kDocTime);
    r.headers.emplace_back(name, "/other/object");
    auto result = auth_.Authenticate(r);
    EXPECT_EQ(Code(result.status()), "AccessDenied");
    EXPECT_EQ(result.status().message(),
              std::string("There were headers present in the request which were not signed: ") +
                  name);
  }
  HttpRequestView r = Presigned(kDocTime);
  r.headers.emplace_back("X-Not-Amz", "other headers may be added");
  EXPECT_TRUE(auth_.Authenticate(r).ok());
}

TEST_F(PresignedUrl, UnknownKey) {
  std::string q = Replace(kDocQuery, "AKIAIOSFODNN7EXAMPLE", "AKIANOBODY");
  EXPECT_EQ(Code(auth_.Authenticate(Presigned(kDocTime, "/test.txt", q)).status()),
            "InvalidAccessKeyId");
}

}  // namespace
}  // namespace cairn::sigv4
