// The process log: one line per event on stderr, "time level component: message".
// Thread-safe. Never pass secrets: keys and signatures must not reach the log.
#pragma once

#include <string>

namespace cairn {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void SetLogLevel(LogLevel level);
void Log(LogLevel level, const std::string& component, const std::string& message);
inline void LogInfo(const std::string& c, const std::string& m) { Log(LogLevel::kInfo, c, m); }
inline void LogWarn(const std::string& c, const std::string& m) { Log(LogLevel::kWarn, c, m); }
inline void LogError(const std::string& c, const std::string& m) { Log(LogLevel::kError, c, m); }

}  // namespace cairn
