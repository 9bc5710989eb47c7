// The S3 additional checksums at the HTTP layer, beyond the body verification the
// authenticator does: the checksum type of multipart uploads (x-amz-checksum-type COMPOSITE or
// FULL_OBJECT), the object checksum CompleteMultipartUpload derives from the part checksums,
// the response headers, and checksums computed while copying (CopyObject, UploadPartCopy).
//
// Checksums are stored by algorithm name ("crc32", "crc32c", "crc64nvme", "sha1", "sha256")
// and base64 value. A multipart COMPOSITE value carries its part count ("<base64>-<parts>");
// a value without the suffix is FULL_OBJECT, the checksum of all the object's bytes (what
// every single PUT has).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "checksum/s3_checksum.h"
#include "data/payload_source.h"
#include "meta/records.h"
#include "s3/s3_request.h"

namespace cairn {

inline constexpr char kChecksumComposite[] = "COMPOSITE";
inline constexpr char kChecksumFullObject[] = "FULL_OBJECT";

// CreateMultipartUpload: fills upload->checksum_algorithm and checksum_type from
// x-amz-checksum-algorithm and x-amz-checksum-type, under S3's rules: FULL_OBJECT only for
// CRC32, CRC32C and CRC64NVME, COMPOSITE for all but CRC64NVME, CRC64NVME defaulting to
// FULL_OBJECT and the others to COMPOSITE; a type without an algorithm, an unknown algorithm or
// type, or a forbidden pair is InvalidRequest. Sets the response headers.
S3Outcome ReadUploadChecksum(S3Request& req, UploadRecord* upload);

// An upload's checksum type: its x-amz-checksum-type, COMPOSITE for an upload with an
// algorithm from before types were recorded, "" without an algorithm.
std::string UploadChecksumType(const UploadRecord& upload);

// "COMPOSITE" for "<base64>-<parts>", "FULL_OBJECT" for another value, "" for none.
std::string ChecksumTypeOf(const std::string& checksum);

// x-amz-checksum-<algorithm> and x-amz-checksum-type, when there is a checksum.
void SetChecksumHeaders(S3Request& req, const std::string& algorithm, const std::string& checksum);

// The object checksum of a completed upload from its parts in object order: COMPOSITE is the
// checksum of the concatenated raw part checksums with "-<parts>"; FULL_OBJECT combines the
// part CRCs with their sizes (no data is read). InvalidPart when a part has no checksum of
// the upload's algorithm. REQUIRES: upload.checksum_algorithm is not empty.
Result<std::string> MultipartChecksum(const UploadRecord& upload,
                                      const std::vector<const PartRecord*>& parts);

// CompleteMultipartUpload: the checksum the client sent for the whole object
// (x-amz-checksum-<algorithm>, x-amz-checksum-type), if any, against the one computed.
// InvalidRequest for another algorithm or type than the upload's, BadDigest for another value.
S3Outcome CheckCompleteChecksum(const S3Request& req, const UploadRecord& upload,
                                const std::string& computed);

// The algorithm a copy is asked to compute (CopyObject's x-amz-checksum-algorithm), nullopt
// without the header; InvalidRequest for an unknown one.
Result<std::optional<checksum::Algorithm>> CopyChecksumAlgorithm(const S3Request& req);

// A PayloadSource that hashes the bytes it passes on, for checksums computed while copying.
class ChecksummingSource : public PayloadSource {
 public:
  ChecksummingSource(PayloadSource& inner, checksum::Algorithm algorithm)
      : inner_(inner), hasher_(algorithm) {}
  Result<size_t> Read(uint8_t* out, size_t size) override;
  // The base64 checksum of everything read. Call once, after the end.
  std::string FinishBase64();

 private:
  PayloadSource& inner_;
  checksum::Hasher hasher_;
};

}  // namespace cairn
