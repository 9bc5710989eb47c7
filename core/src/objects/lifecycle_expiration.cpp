#include "objects/lifecycle_expiration.h"

#include "util/clock.h"

namespace cairn {
namespace {

constexpr int64_t kMillisPerDay = 86400000;

// The rule ID as it may stand between quotes in a header value.
std::string HeaderSafeId(const std::string& id) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : id) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

bool RuleMatches(const LifecycleRule& rule, const std::string& key, uint64_t size,
                 const Pairs& tags) {
  if (key.compare(0, rule.prefix.size(), rule.prefix) != 0) return false;
  for (const auto& [k, v] : rule.tags) {
    bool found = false;
    for (const auto& [ok, ov] : tags) {
      if (ok == k && ov == v) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  if (rule.size_greater_than >= 0 && size <= static_cast<uint64_t>(rule.size_greater_than)) {
    return false;
  }
  if (rule.size_less_than >= 0 && size >= static_cast<uint64_t>(rule.size_less_than)) {
    return false;
  }
  return true;
}

int64_t ExpirationDueMs(const LifecycleRule& rule, int64_t modified_ms, int64_t seconds_per_day) {
  if (rule.expiration_days >= 0) {
    if (seconds_per_day <= 0) seconds_per_day = 86400;
    int64_t due = modified_ms + rule.expiration_days * seconds_per_day * 1000;
    if (seconds_per_day == 86400) {
      int64_t rest = ((due % kMillisPerDay) + kMillisPerDay) % kMillisPerDay;
      if (rest != 0) due += kMillisPerDay - rest;
    }
    return due;
  }
  if (rule.expiration_date_ms > 0) return rule.expiration_date_ms;
  return -1;
}

std::string ExpirationHeader(const LifecycleRules& rules, const std::string& key, uint64_t size,
                             const Pairs& tags, int64_t modified_ms, int64_t seconds_per_day) {
  const LifecycleRule* best = nullptr;
  int64_t best_due = 0;
  for (const auto& rule : rules) {
    if (!rule.enabled) continue;
    int64_t due = ExpirationDueMs(rule, modified_ms, seconds_per_day);
    if (due < 0 || !RuleMatches(rule, key, size, tags)) continue;
    if (best == nullptr || due < best_due) {
      best = &rule;
      best_due = due;
    }
  }
  if (best == nullptr) return "";
  return "expiry-date=\"" + HttpDate(best_due) + "\", rule-id=\"" + HeaderSafeId(best->id) + "\"";
}

}  // namespace cairn
