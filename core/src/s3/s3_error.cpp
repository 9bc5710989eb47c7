#include "s3/s3_error.h"

#include <map>

namespace cairn {
namespace {

struct Entry {
  int status;
  const char* message;
};

const std::map<std::string, Entry>& Table() {
  static const std::map<std::string, Entry> kTable = {
      {"AccessDenied", {403, "Access Denied"}},
      {"AccessControlListNotSupported", {400, "The bucket does not allow ACLs"}},
      {"AuthorizationHeaderMalformed", {400, "The authorization header is malformed."}},
      {"AuthorizationQueryParametersError", {400, "Error parsing the X-Amz-Credential parameter."}},
      {"BadDigest", {400, "The Content-MD5 you specified did not match what we received."}},
      {"BucketAlreadyExists", {409, "The requested bucket name is not available."}},
      {"BucketAlreadyOwnedByYou", {409, "Your previous request to create the named bucket succeeded and you already own it."}},
      {"BucketNotEmpty", {409, "The bucket you tried to delete is not empty"}},
      {"ConditionalRequestConflict", {409, "A conflicting operation occurred. If using PutObject you can retry the request. If using multipart upload you should initiate another CreateMultipartUpload request and re-upload each part."}},
      {"EntityTooLarge", {400, "Your proposed upload exceeds the maximum allowed size"}},
      {"ExpectationFailed", {417, "The expectation in the Expect header cannot be met."}},
      {"HttpVersionNotSupported", {505, "The HTTP version specified is not supported."}},
      {"EntityTooSmall", {400, "Your proposed upload is smaller than the minimum allowed object size."}},
      {"IncompleteBody", {400, "You did not provide the number of bytes specified by the Content-Length HTTP header."}},
      {"InternalError", {500, "We encountered an internal error. Please try again."}},
      {"InvalidAccessKeyId", {403, "The AWS Access Key Id you provided does not exist in our records."}},
      {"InvalidArgument", {400, "Invalid Argument"}},
      {"InvalidBucketName", {400, "The specified bucket is not valid."}},
      {"InvalidBucketState", {409, "The request is not valid with the current state of the bucket."}},
      {"InvalidDigest", {400, "The Content-MD5 you specified is not valid."}},
      {"InvalidLocationConstraint", {400, "The specified location-constraint is not valid."}},
      {"InvalidPart", {400, "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."}},
      {"InvalidPartOrder", {400, "The list of parts was not in ascending order. The parts list must be specified in order by part number."}},
      {"InvalidPartNumber", {416, "The requested partnumber is not satisfiable"}},
      {"InvalidRange", {416, "The requested range is not satisfiable"}},
      {"InvalidRequest", {400, "Invalid Request"}},
      {"InvalidURI", {400, "Couldn't parse the specified URI."}},
      {"InvalidStorageClass", {400, "The storage class you specified is not valid."}},
      {"BadRequest", {400, "Bad Request"}},
      {"InvalidTag", {400, "The tag provided was not a valid tag."}},
      {"KeyTooLongError", {400, "Your key is too long"}},
      {"MalformedXML", {400, "The XML you provided was not well-formed or did not validate against our published schema."}},
      {"MethodNotAllowed", {405, "The specified method is not allowed against this resource."}},
      {"MissingContentLength", {411, "You must provide the Content-Length HTTP header."}},
      {"NoSuchBucket", {404, "The specified bucket does not exist"}},
      {"NoSuchKey", {404, "The specified key does not exist."}},
      {"NoSuchObjectLockConfiguration", {404, "The specified object does not have a ObjectLock configuration"}},
      {"ObjectLockConfigurationNotFoundError", {404, "Object Lock configuration does not exist for this bucket"}},
      {"NoSuchVersion", {404, "The specified version does not exist."}},
      {"NoSuchTagSet", {404, "The TagSet does not exist"}},
      {"NoSuchLifecycleConfiguration", {404, "The lifecycle configuration does not exist"}},
      {"NoSuchUpload", {404, "The specified multipart upload does not exist. The upload ID might be invalid, or the multipart upload might have been aborted or completed."}},
      {"NotImplemented", {501, "A header you provided implies functionality that is not implemented."}},
      {"NotModified", {304, "Not Modified"}},
      {"PreconditionFailed", {412, "At least one of the pre-conditions you specified did not hold"}},
      {"RequestHeaderSectionTooLarge", {400, "Your request header section exceeds the maximum allowed size."}},
      {"RequestTimeout", {400, "Your socket connection to the server was not read from or written to within the timeout period."}},
      {"RequestTimeTooSkewed", {403, "The difference between the request time and the server's time is too large."}},
      {"ServiceUnavailable", {503, "Reduce your request rate."}},
      {"SignatureDoesNotMatch", {403, "The request signature we calculated does not match the signature you provided. Check your key and signing method."}},
      {"SlowDown", {503, "Please reduce your request rate."}},
      {"XAmzContentSHA256Mismatch", {400, "The provided 'x-amz-content-sha256' header does not match what was computed."}},
  };
  return kTable;
}

}  // namespace

S3Error S3Error::Of(const std::string& code, const std::string& message) {
  S3Error e;
  auto it = Table().find(code);
  if (it != Table().end()) {
    e.http_status = it->second.status;
    e.code = code;
    e.message = it->second.message;
  } else {
    // A code a plugin invented: keep it, with the status of its class.
    e.code = code;
    e.http_status = 400;
  }
  if (!message.empty()) e.message = message;
  return e;
}

S3Error S3Error::FromStatus(const Status& status) {
  if (!status.s3_code().empty()) return Of(status.s3_code(), status.message());
  switch (status.code()) {
    case CAIRN_ACCESS_DENIED: return Of("AccessDenied", status.message());
    case CAIRN_INVALID_ARGUMENT: return Of("InvalidArgument", status.message());
    case CAIRN_UNAVAILABLE:
    case CAIRN_OUTCOME_UNKNOWN:  // retrying a PUT or DELETE is safe; S3 clients do
    case CAIRN_NO_SPACE: return Of("ServiceUnavailable", status.message());
    default: return Of("InternalError");  // never leak internal details to clients
  }
}

}  // namespace cairn
