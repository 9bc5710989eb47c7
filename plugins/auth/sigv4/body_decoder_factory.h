// Chooses how a verified request's body must be checked, from the payload hash the client signed
// (x-amz-content-sha256 or X-Amz-Content-Sha256) and the checksum headers it sent.
#pragma once

#include <memory>
#include <string>

#include "cairn/authenticator.h"
#include "chunked_decoder.h"
#include "header_list.h"

namespace cairn::sigv4 {

struct DecoderRequest {
  const HeaderList* headers = nullptr;
  std::string payload_hash;
  bool presigned = false;
  // The verified request's signing context; only the signed aws-chunked modes keep it.
  ChunkSigning signing;
  // CompleteMultipartUpload: its x-amz-checksum-* headers are the checksum of the object being
  // assembled (the core checks them), not of this body.
  bool checksum_headers_name_object = false;
};

// Whether `method` and `uri` (path?query) are a CompleteMultipartUpload (POST with uploadId).
bool IsCompleteMultipartUpload(std::string_view method, std::string_view uri);

// The decoder for the body, or null when it passes through unchanged (UNSIGNED-PAYLOAD and no
// checksum header). InvalidArgument / InvalidRequest for payload hashes and checksum headers S3
// would refuse.
Result<std::unique_ptr<BodyDecoder>> MakeBodyDecoder(DecoderRequest request);

// What a scheme answers once `request` verified as signed by `access_key` of `user_id`: that
// principal and the body decoder (MakeBodyDecoder; a CompleteMultipartUpload's x-amz-checksum-*
// headers name the whole object, not this body).
Result<AuthResult> Authenticated(const HttpRequestView& request, DecoderRequest decoder_request,
                                 const std::string& access_key, const std::string& user_id);

}  // namespace cairn::sigv4
