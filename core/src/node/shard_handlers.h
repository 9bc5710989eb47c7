// The request handlers of `cairn node`: each serves one route of node_target.h over the
// node's Transport once the request is authenticated (see shard_server.h). Handlers that fail
// before sending anything answer with the HTTP status of the Status and X-Cairn-Error; a
// failure after the headers went out cuts the connection, so a client never mistakes a short
// body for a whole one. Thread-safe: a handler lives for one request.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstdint>
#include <memory>
#include <string>

#include "cairn/transport.h"

namespace cairn {

// Who the node says it is in GET /drives, overriding what its transport reports.
struct NodeIdentity {
  std::string name;
  std::string zone;
};

// Sends `status` as an error response with the given HTTP status (0: the one of its code).
void SendNodeError(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                   const Status& status, int http_status = 0);

// A handler answering with a fixed error.
std::unique_ptr<Poco::Net::HTTPRequestHandler> MakeErrorHandler(Status status, int http_status);
std::unique_ptr<Poco::Net::HTTPRequestHandler> MakeHealthHandler();
std::unique_ptr<Poco::Net::HTTPRequestHandler> MakeDrivesHandler(Transport& transport,
                                                                 NodeIdentity identity);
std::unique_ptr<Poco::Net::HTTPRequestHandler> MakeListHandler(Transport& transport,
                                                               ShardRef prefix);
// GET (whole shard, or one "Range: bytes=a-b" range: 206, 416 past the end), HEAD, DELETE.
std::unique_ptr<Poco::Net::HTTPRequestHandler> MakeShardHandler(Transport& transport, ShardRef ref);
// PUT: streams exactly `length` body bytes into the writer and commits only if all arrived.
std::unique_ptr<Poco::Net::HTTPRequestHandler> MakePutHandler(std::unique_ptr<ShardWriter> writer,
                                                              uint64_t length);

}  // namespace cairn
