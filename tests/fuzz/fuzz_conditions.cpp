// Fuzz target: the conditional-request headers (core/src/s3/conditions.h, CheckPreconditions)
// and the HTTP dates they carry (util/clock.h, ParseHttpDate).
//
// Input: a flags byte (bit 0: the x-amz-copy-source- form CopyObject uses), then lines: the
// object's ETag, its Last-Modified as Unix seconds, and the values of If-Match, If-None-Match,
// If-Modified-Since and If-Unmodified-Since (an empty line: the header is absent). The headers
// go through the server's HTTP parser, as a client would send them, into an S3Request whose
// services are inert stand-ins (CheckPreconditions only reads headers).
//
// The Range header is parsed by ParseRange in s3/object_get.cpp, which is in an anonymous
// namespace there and reachable only through a whole GetObject; it is not fuzzed here.
//
// Invariants: the outcome is none, PreconditionFailed or NotModified (never NotModified for a
// copy); no headers means no outcome; "*" behaves as S3 documents; a date that parses formats
// and parses back to the same second.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/meta_store.h"
#include "cairn/transport.h"
#include "config/config.h"
#include "data/data_path.h"
#include "fuzz_util.h"
#include "http/connection.h"
#include "http/http_request.h"
#include "http/http_response.h"
#include "http/request_head.h"
#include "policy/placement_policy.h"
#include "s3/conditions.h"
#include "s3/s3_request.h"
#include "objects/services.h"
#include "util/clock.h"

// S3Request and Services are built with designated initializers; the members left out keep
// their defaults, which is the point.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace {

using namespace cairn;

class NoMetaStore : public MetaStore {
 public:
  Status Get(std::string_view, std::string*) override { return Status::NotFound("fuzz"); }
  Status Scan(std::string_view, std::string_view, size_t, std::vector<KeyValue>*) override {
    return Status::Ok();
  }
  Status Commit(const Txn&) override { return Status::Internal("fuzz: no metadata"); }
};

class NoTransport : public Transport {
 public:
  Status Drives(std::vector<DriveInfo>*) override { return Status::Ok(); }
  Result<std::unique_ptr<ShardWriter>> OpenWriter(const ShardRef&) override { return Fail(); }
  Result<uint64_t> Read(const ShardRef&, uint64_t, uint8_t*, uint64_t) override { return Fail(); }
  Status Remove(const ShardRef&) override { return Fail(); }
  Status List(const ShardRef&, std::vector<ShardStat>*) override { return Status::Ok(); }
  Result<ShardStat> Stat(const ShardRef&) override { return Fail(); }

 private:
  static Status Fail() { return Status::Internal("fuzz: no shards"); }
};

// What an S3Request needs to exist, built once.
struct Inert {
  Config config;
  NoMetaStore meta;
  NoTransport transport;
  std::unique_ptr<policy::PlacementPolicy> placement;
  std::unique_ptr<DataPath> data;
  std::unique_ptr<Services> services;

  Inert() {
    auto loaded = policy::PlacementPolicy::Load(CAIRN_PLACEMENT_SCRIPT, {}, nullptr, 1);
    FUZZ_CHECK(loaded.ok());
    placement = std::move(loaded.value());
    data = std::make_unique<DataPath>(transport, std::map<std::string, Codec*>{}, *placement);
    services = std::unique_ptr<Services>(new Services{config, meta, *data, {}});
  }
};

Inert& Stand() {
  static Inert* inert = new Inert();  // never destroyed: it outlives every input
  return *inert;
}

constexpr const char* kHeaders[] = {"If-Match", "If-None-Match", "If-Modified-Since",
                                    "If-Unmodified-Since"};

void CheckDate(const std::string& text) {
  std::optional<int64_t> t = ParseHttpDate(text);
  // Years 1970..9999 format as four digits.
  if (!t || *t < 0 || *t > 253402300799) return;
  FUZZ_CHECK(ParseHttpDate(HttpDate(*t * 1000)) == t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::fuzz::FuzzInput in(data, size);
  const bool copy = (in.Byte() & 1) != 0;
  ObjectRecord object;
  object.etag = std::string(in.Line());
  object.modified_ms =
      std::strtoll(std::string(in.Line()).c_str(), nullptr, 10) % (int64_t{1} << 40) * 1000;
  const std::string prefix = copy ? "x-amz-copy-source-" : "";

  std::string raw = "GET /bucket/key HTTP/1.1\r\nHost: fuzz\r\n";
  std::vector<std::string> values;
  bool any = false;
  for (const char* name : kHeaders) {
    std::string value(in.Line());
    values.push_back(value);
    if (value.empty()) continue;
    raw += prefix + name + ": " + value + "\r\n";
    any = true;
    CheckDate(value);
  }
  raw += "\r\n";
  auto head = http::ParseRequestHead(raw, http::HeadLimits{});
  if (!head.ok()) return 0;

  http::Connection conn(-1, "fuzz");
  http::HttpRequest request(std::move(head.value()), conn, nullptr);
  http::HttpResponse response(conn, false, true);
  S3Request req{.http = request, .response = response, .svc = *Stand().services};
  S3Outcome outcome = CheckPreconditions(req, object, prefix);

  if (outcome) {
    FUZZ_CHECK(outcome->code == "PreconditionFailed" || outcome->code == "NotModified");
    if (copy) FUZZ_CHECK(outcome->code == "PreconditionFailed");
  }
  if (!any) FUZZ_CHECK(!outcome);
  // The header values the parser kept (trimmed) decide; "*" matches any object.
  const std::string if_match = req.Header(prefix + "If-Match");
  const std::string if_none = req.Header(prefix + "If-None-Match");
  if (if_match == "*" && if_none.empty() && req.Header(prefix + "If-Modified-Since").empty()) {
    FUZZ_CHECK(!outcome);
  }
  if (if_none == "*") FUZZ_CHECK(outcome.has_value());
  FUZZ_CHECK(!response.sent());
  return 0;
}
