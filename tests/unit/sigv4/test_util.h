// Helpers shared by the sigv4 unit tests: requests, a credential store, a reference signer built
// from the (separately vector-checked) canonicalization functions, aws-chunked framing, and
// feeding a body in pieces.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "chunked_decoder.h"
#include "sigv4_authenticator.h"

namespace cairn::sigv4::test {

// The S3 documentation examples: 2013-05-24T00:00:00Z, us-east-1.
inline constexpr int64_t kDocTime = 1369353600;
inline constexpr char kDocDate[] = "20130524T000000Z";
inline constexpr char kDocKey[] = "AKIAIOSFODNN7EXAMPLE";
inline constexpr char kDocSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

// A lookup that knows the documentation key (user id "doc-user") and any extra keys given.
CredentialLookup DocLookup(std::map<std::string, std::string> extra = {});

HttpRequestView MakeRequest(std::string method, std::string uri, HeaderList headers,
                            int64_t now = kDocTime);

// Adds an Authorization header signing `signed_headers` of `request` with the doc key.
// Returns the request signature (the seed of an aws-chunked body).
std::string SignRequest(HttpRequestView* request, std::string_view signed_headers,
                        std::string_view payload_hash, std::string_view amz_date = kDocDate);

// The aws-chunked encoding of `chunks`, followed by the final chunk and, in trailer mode, the
// trailing headers. With `signing`, chunk and trailer signatures are chained from its seed.
std::string FrameChunks(const std::vector<std::string>& chunks, const ChunkSigning* signing,
                        bool trailer_mode, const HeaderList& trailers = {});

// Feeds `body` in pieces of the given sizes (cycled; empty means all at once), appending the
// decoded bytes to *out, then calls Finish(). Returns the first failure.
Status FeedAll(BodyDecoder* decoder, std::string_view body, const std::vector<size_t>& pieces,
               std::string* out);

// The S3 error code of a status, or "OK".
std::string Code(const Status& status);

}  // namespace cairn::sigv4::test
