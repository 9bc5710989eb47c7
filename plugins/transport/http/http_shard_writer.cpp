#include "http_shard_writer.h"

namespace cairn::transport {

Status HttpShardWriter::Append(const uint8_t* data, size_t size) {
  if (done_) return Status::InvalidArgument("append after commit");
  return spool_->Append(data, size);
}

Status HttpShardWriter::Commit() {
  if (done_) return Status::InvalidArgument("commit called twice");
  done_ = true;
  NodeCall call{"PUT", target_, "", spool_.get()};
  Status st = node_->Call(call, [](const Poco::Net::HTTPResponse& response, std::istream&) {
    // 201 with an empty body; anything else 2xx is a node we do not understand.
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_CREATED) {
      return Status::Internal("unexpected HTTP " + std::to_string(response.getStatus()) +
                              " to a shard PUT");
    }
    return Status::Ok();
  });
  spool_.reset();  // release the memory or temp file at once
  return st;
}

}  // namespace cairn::transport
