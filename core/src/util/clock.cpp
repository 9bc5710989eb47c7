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

namespace {

int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {  // days since 1970-01-01
  y -= m <= 2;
  const int64_t era = y / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool ReadNumber(const std::string& s, size_t* pos, size_t digits, int64_t* out) {
  if (*pos + digits > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += digits;
  *out = v;
  return true;
}

}  // namespace

std::optional<int64_t> ParseIso8601(const std::string& s) {
  size_t p = 0;
  int64_t year, month, day, hour = 0, minute = 0, second = 0, millis = 0, offset_min = 0;
  if (!ReadNumber(s, &p, 4, &year) || p >= s.size() || s[p++] != '-' ||
      !ReadNumber(s, &p, 2, &month) || p >= s.size() || s[p++] != '-' ||
      !ReadNumber(s, &p, 2, &day)) {
    return std::nullopt;
  }
  static const int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > kDaysIn[month - 1]) {
    return std::nullopt;
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  if (p < s.size()) {
    if (s[p++] != 'T' || !ReadNumber(s, &p, 2, &hour) || p >= s.size() || s[p++] != ':' ||
        !ReadNumber(s, &p, 2, &minute)) {
      return std::nullopt;
    }
    if (p < s.size() && s[p] == ':') {
      ++p;
      if (!ReadNumber(s, &p, 2, &second)) return std::nullopt;
      if (p < s.size() && s[p] == '.') {
        ++p;
        size_t start = p;
        int64_t scale = 100;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
          millis += (s[p] - '0') * scale;
          scale /= 10;
          ++p;
        }
        if (p == start || p - start > 9) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    if (p < s.size()) {
      if (s[p] == 'Z') {
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        int sign = s[p++] == '-' ? -1 : 1;
        int64_t oh, om;
        if (!ReadNumber(s, &p, 2, &oh)) return std::nullopt;
        if (p < s.size() && s[p] == ':') ++p;
        if (!ReadNumber(s, &p, 2, &om) || oh > 23 || om > 59) return std::nullopt;
        offset_min = sign * (oh * 60 + om);
      } else {
        return std::nullopt;
      }
    }
    if (p != s.size()) return std::nullopt;
  }
  int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                    second - offset_min * 60;
  return seconds * 1000 + millis;
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  return HexEncode(raw);
}

}  // namespace cairn
