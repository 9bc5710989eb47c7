#include "util/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "util/clock.h"

namespace cairn {

static std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
static std::mutex g_mutex;

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }

void Log(LogLevel level, const std::string& component, const std::string& message) {
  if (static_cast<int>(level) < g_level) return;
  static const char* kNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};
  std::string line = Iso8601(NowMillis()) + " " + kNames[static_cast<int>(level)] + " " +
                     component + ": " + message + "\n";
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace cairn
