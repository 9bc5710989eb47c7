#include "meta/keys.h"

#include <cstdio>
#include <cstdlib>

namespace cairn::keys {

std::string Bucket(std::string_view bucket) { return "b/" + std::string(bucket); }

std::string Object(std::string_view bucket, std::string_view key) {
  return ObjectPrefix(bucket) + std::string(key);
}

std::string ObjectPrefix(std::string_view bucket) { return "o/" + std::string(bucket) + "/"; }

std::string VersionPrefix(std::string_view bucket) { return "v/" + std::string(bucket) + "/"; }

std::string VersionsOfKey(std::string_view bucket, std::string_view key) {
  // NUL ends the key, as in Upload: the versions of "a" sort before those of "a/b".
  std::string k = VersionPrefix(bucket) + std::string(key);
  k.push_back('\0');
  return k;
}

std::string Version(std::string_view bucket, std::string_view key, uint64_t seq) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(~seq));
  return VersionsOfKey(bucket, key) + hex;
}

std::string Describe(std::string_view record_key) {
  if (record_key.size() <= 2) return std::string(record_key);
  std::string_view rest = record_key.substr(2);
  const size_t nul = rest.find('\0');
  if (record_key.substr(0, 2) != kVersionFamily || nul == std::string_view::npos) {
    return std::string(rest);
  }
  const std::string order(rest.substr(nul + 1));
  char id[17];
  std::snprintf(id, sizeof(id), "%016llx", ~std::strtoull(order.c_str(), nullptr, 16));
  return std::string(rest.substr(0, nul)) + "?versionId=" + id;
}

std::string Upload(std::string_view bucket, std::string_view key, std::string_view upload_id) {
  // NUL separates key and id: object keys never contain NUL, and it sorts uploads of a key
  // before uploads of any longer key.
  std::string k = UploadPrefix(bucket) + std::string(key);
  k.push_back('\0');
  return k + std::string(upload_id);
}

std::string UploadPrefix(std::string_view bucket) { return "u/" + std::string(bucket) + "/"; }

std::string Part(std::string_view upload_id, uint32_t part_number) {
  char num[16];
  std::snprintf(num, sizeof(num), "%05u", part_number);
  return PartPrefix(upload_id) + num;
}

std::string PartPrefix(std::string_view upload_id) { return "p/" + std::string(upload_id) + "/"; }

std::string Repair(std::string_view data_id) { return "q/" + std::string(data_id); }

std::string Node(std::string_view name) { return "n/" + std::string(name); }

namespace {
std::string DueHex(int64_t ms) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(ms < 0 ? 0 : ms));
  return hex;
}
}  // namespace

std::string Garbage(int64_t due_ms, std::string_view data_id) {
  return std::string(kGarbagePrefix) + DueHex(due_ms) + "/" + std::string(data_id);
}

std::string GarbageDueEnd(int64_t now_ms) {
  return std::string(kGarbagePrefix) + DueHex(now_ms + 1);
}

std::string GarbageDataId(std::string_view key) {
  constexpr size_t kIdAt = 2 + 16 + 1;  // "g/" + due + "/"
  if (key.substr(0, 2) != kGarbagePrefix || key.size() <= kIdAt || key[kIdAt - 1] != '/') {
    return "";
  }
  return std::string(key.substr(kIdAt));
}

std::string LifecycleDue(int64_t due_ms, std::string_view bucket, std::string_view key) {
  return std::string(kLifecycleDuePrefix) + DueHex(due_ms) + "/" + std::string(bucket) + "/" +
         std::string(key);
}

std::string LifecycleDueEnd(int64_t now_ms) {
  return std::string(kLifecycleDuePrefix) + DueHex(now_ms + 1);
}

std::string LifecycleIntake(std::string_view bucket) { return "e/" + std::string(bucket); }

bool ParseLifecycleDue(std::string_view entry, int64_t* due_ms, std::string* bucket,
                       std::string* key) {
  constexpr size_t kBucketAt = 2 + 16 + 1;  // "d/" + due + "/"
  if (entry.substr(0, 2) != kLifecycleDuePrefix || entry.size() <= kBucketAt ||
      entry[kBucketAt - 1] != '/') {
    return false;
  }
  const size_t slash = entry.find('/', kBucketAt);
  if (slash == std::string_view::npos || slash == kBucketAt) return false;
  *due_ms = static_cast<int64_t>(std::strtoull(std::string(entry.substr(2, 16)).c_str(),
                                               nullptr, 16));
  *bucket = std::string(entry.substr(kBucketAt, slash - kBucketAt));
  *key = std::string(entry.substr(slash + 1));
  return true;
}

std::string CompletedUpload(std::string_view upload_id) {
  return std::string(kCompletedUploadPrefix) + std::string(upload_id);
}

std::string ReadLease(std::string_view data_id, std::string_view reader_id) {
  return ReadLeasePrefix(data_id) + std::string(reader_id);
}

std::string ReadLeasePrefix(std::string_view data_id) {
  return std::string(kReadLeasePrefix) + std::string(data_id) + "/";
}

std::string ReadLeaseDataId(std::string_view key) {
  if (key.substr(0, 2) != kReadLeasePrefix) return "";
  size_t slash = key.find('/', 2);
  if (slash == std::string_view::npos || slash == 2) return "";
  return std::string(key.substr(2, slash - 2));
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    unsigned char last = static_cast<unsigned char>(end.back());
    if (last != 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace cairn::keys
