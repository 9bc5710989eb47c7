#include "util/clock.h"

#include <openssl/rand.h>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <chrono>

#include "util/encoding.h"

namespace cairn {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Iso8601(int64_t millis) {
  Poco::Timestamp ts(millis * 1000);
  return Poco::DateTimeFormatter::format(ts, "%Y-%m-%dT%H:%M:%S.%iZ");
}

std::string HttpDate(int64_t millis) {
  Poco::Timestamp ts(millis * 1000);
  return Poco::DateTimeFormatter::format(ts, Poco::DateTimeFormat::HTTP_FORMAT);
}

std::optional<int64_t> ParseHttpDate(const std::string& text) {
  try {
    int tzd = 0;
    Poco::DateTime dt;
    if (!Poco::DateTimeParser::tryParse(text, dt, tzd)) return std::nullopt;
    dt.makeUTC(tzd);
    return dt.timestamp().epochTime();
  } catch (...) {
    return std::nullopt;
  }
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  return HexEncode(raw);
}

}  // namespace cairn
