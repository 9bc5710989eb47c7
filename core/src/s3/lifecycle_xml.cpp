#include "s3/lifecycle_xml.h"

#include <initializer_list>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "s3/xml.h"
#include "util/clock.h"
#include "util/encoding.h"

namespace cairn {
namespace {

constexpr size_t kMaxIdLength = 255;
constexpr size_t kMaxPrefixLength = 1024;  // S3's longest key
// An object holds at most 10 tags, so a filter needing more could never match.
constexpr size_t kMaxFilterTags = 10;
constexpr int64_t kMaxObjectSize = 1099511627776000;  // S3's bound on the size filters
constexpr int64_t kMaxDays = 2147483647;              // S3's Days are 32-bit integers
constexpr int64_t kMaxNewerNoncurrentVersions = 100;
constexpr int64_t kMillisPerDay = 86400000;

// Schema faults carry S3's standard text, as S3 sends it.
Status Malformed() { return Status::S3(CAIRN_INVALID_ARGUMENT, "MalformedXML", ""); }
Status InvalidArgument(std::string msg) {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument", std::move(msg));
}
Status InvalidRequest(std::string msg) {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidRequest", std::move(msg));
}

bool IsBlank(const std::string& s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// An element that holds only the named children: those in `once` at most once each, those in
// `repeated` any number of times, and no text but whitespace. Anything else is not S3's schema.
bool HasOnly(const XmlElement& e, std::initializer_list<const char*> once,
             std::initializer_list<const char*> repeated = {}) {
  if (!IsBlank(e.text)) return false;
  std::map<std::string, int> seen;
  for (const auto& c : e.children) {
    bool known = false;
    for (const char* n : once) {
      if (c.name == n) {
        if (++seen[c.name] > 1) return false;
        known = true;
      }
    }
    for (const char* n : repeated) {
      if (c.name == n) known = true;
    }
    if (!known) return false;
  }
  return true;
}

// The text of a leaf element (one with no child elements).
std::optional<std::string> Leaf(const XmlElement* e) {
  if (e == nullptr || !e->children.empty()) return std::nullopt;
  return e->text;
}

// An xs:integer of at most 18 digits (so it cannot overflow), surrounding whitespace allowed.
std::optional<int64_t> ParseInteger(const XmlElement* e) {
  auto text = Leaf(e);
  if (!text) return std::nullopt;
  std::string s = Trim(*text);
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  if (i == s.size() || s.size() - i > 18) return std::nullopt;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return negative ? -v : v;
}

// The model's -1 means "absent", so a negative number that was given is kept as -2 or less:
// the checks after parsing refuse it with S3's message.
int64_t KeepNegative(int64_t v) { return v == -1 ? -2 : v; }

// A day count: an integer that fits S3's 32 bits (the sign is checked by the caller, with
// S3's message).
Status ParseDays(const XmlElement* e, int64_t* out) {
  auto v = ParseInteger(e);
  if (!v || *v > kMaxDays || *v < -kMaxDays) return Malformed();
  *out = KeepNegative(*v);
  return Status::Ok();
}

// A Date element: well-formed ISO 8601 (else MalformedXML, as S3), at midnight UTC (else S3's
// InvalidArgument). 1970-01-01 itself is refused: 0 means "no date" in the model.
Status ParseDate(const XmlElement* e, int64_t* out) {
  auto text = Leaf(e);
  if (!text) return Malformed();
  auto ms = ParseIso8601(Trim(*text));
  if (!ms || *ms <= 0) return Malformed();
  if (*ms % kMillisPerDay != 0) return InvalidArgument("'Date' must be at midnight GMT");
  *out = *ms;
  return Status::Ok();
}

// What the checks after parsing need to know about a rule beyond the model.
struct ParsedRule {
  LifecycleRule rule;
  bool id_given = false;
  bool has_expiration = false;
  bool has_eodm = false;  // ExpiredObjectDeleteMarker present, true or false
  bool has_noncurrent_expiration = false;
  bool has_abort = false;
};

Status ParseTag(const XmlElement& e, std::pair<std::string, std::string>* out) {
  if (!HasOnly(e, {"Key", "Value"})) return Malformed();
  auto key = Leaf(e.Child("Key"));
  if (!key) return Malformed();
  std::optional<std::string> value = "";
  if (e.Child("Value") != nullptr) value = Leaf(e.Child("Value"));
  if (!value) return Malformed();
  *out = {*key, *value};
  return Status::Ok();
}

Status ParseSize(const XmlElement* e, int64_t* out) {
  if (e == nullptr) return Status::Ok();
  auto v = ParseInteger(e);
  if (!v) return Malformed();
  *out = KeepNegative(*v);
  return Status::Ok();
}

// <Filter>: empty, exactly one predicate, or <And> of two or more.
Status ParseFilter(const XmlElement& f, LifecycleRule* r) {
  if (!HasOnly(f, {"Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And"})) {
    return Malformed();
  }
  if (f.children.size() > 1) return Malformed();  // several predicates need an <And>
  if (const XmlElement* a = f.Child("And")) {
    r->filter_form = "and";
    if (!HasOnly(*a, {"Prefix", "ObjectSizeGreaterThan", "ObjectSizeLessThan"}, {"Tag"})) {
      return Malformed();
    }
    if (a->children.size() < 2) return Malformed();  // an <And> joins predicates
    if (a->Child("Prefix") != nullptr) {
      auto p = Leaf(a->Child("Prefix"));
      if (!p) return Malformed();
      r->prefix = *p;
    }
    for (const auto& c : a->children) {
      if (c.name != "Tag") continue;
      std::pair<std::string, std::string> tag;
      CAIRN_RETURN_IF_ERROR(ParseTag(c, &tag));
      r->tags.push_back(std::move(tag));
    }
    CAIRN_RETURN_IF_ERROR(ParseSize(a->Child("ObjectSizeGreaterThan"), &r->size_greater_than));
    return ParseSize(a->Child("ObjectSizeLessThan"), &r->size_less_than);
  }
  r->filter_form = "filter";
  if (f.Child("Prefix") != nullptr) {
    auto p = Leaf(f.Child("Prefix"));
    if (!p) return Malformed();
    r->prefix = *p;
  }
  if (const XmlElement* t = f.Child("Tag")) {
    std::pair<std::string, std::string> tag;
    CAIRN_RETURN_IF_ERROR(ParseTag(*t, &tag));
    r->tags.push_back(std::move(tag));
  }
  CAIRN_RETURN_IF_ERROR(ParseSize(f.Child("ObjectSizeGreaterThan"), &r->size_greater_than));
  return ParseSize(f.Child("ObjectSizeLessThan"), &r->size_less_than);
}

Status ParseExpiration(const XmlElement& e, ParsedRule* pr) {
  if (!HasOnly(e, {"Days", "Date", "ExpiredObjectDeleteMarker"})) return Malformed();
  if (e.children.size() != 1) return Malformed();  // exactly one of the three
  LifecycleRule& r = pr->rule;
  pr->has_expiration = true;
  if (e.Child("Days") != nullptr) return ParseDays(e.Child("Days"), &r.expiration_days);
  if (e.Child("Date") != nullptr) return ParseDate(e.Child("Date"), &r.expiration_date_ms);
  auto v = Leaf(e.Child("ExpiredObjectDeleteMarker"));
  if (!v) return Malformed();
  std::string b = Trim(*v);
  if (b != "true" && b != "false" && b != "1" && b != "0") return Malformed();
  pr->has_eodm = true;
  r.expired_object_delete_marker = b == "true" || b == "1";
  return Status::Ok();
}

Status ParseTransition(const XmlElement& e, LifecycleTransition* t) {
  if (!HasOnly(e, {"Days", "Date", "StorageClass"})) return Malformed();
  auto sc = Leaf(e.Child("StorageClass"));
  if (!sc) return Malformed();
  t->storage_class = Trim(*sc);
  bool days = e.Child("Days") != nullptr, date = e.Child("Date") != nullptr;
  if (days == date) return Malformed();  // one of Days or Date
  if (days) return ParseDays(e.Child("Days"), &t->days);
  return ParseDate(e.Child("Date"), &t->date_ms);
}

Status ParseNoncurrentTransition(const XmlElement& e, LifecycleTransition* t) {
  if (!HasOnly(e, {"NoncurrentDays", "NewerNoncurrentVersions", "StorageClass"})) {
    return Malformed();
  }
  auto sc = Leaf(e.Child("StorageClass"));
  if (!sc || e.Child("NoncurrentDays") == nullptr) return Malformed();
  t->storage_class = Trim(*sc);
  CAIRN_RETURN_IF_ERROR(ParseDays(e.Child("NoncurrentDays"), &t->noncurrent_days));
  if (e.Child("NewerNoncurrentVersions") != nullptr) {
    return ParseDays(e.Child("NewerNoncurrentVersions"), &t->newer_noncurrent_versions);
  }
  return Status::Ok();
}

// The structure of one <Rule>: every schema fault is MalformedXML.
Status ParseRule(const XmlElement& e, ParsedRule* pr) {
  if (!HasOnly(e,
               {"ID", "Prefix", "Filter", "Status", "Expiration", "NoncurrentVersionExpiration",
                "AbortIncompleteMultipartUpload"},
               {"Transition", "NoncurrentVersionTransition"})) {
    return Malformed();
  }
  LifecycleRule& r = pr->rule;
  if (e.Child("ID") != nullptr) {
    auto id = Leaf(e.Child("ID"));
    if (!id) return Malformed();
    r.id = *id;
    pr->id_given = !id->empty();
  }
  auto status = Leaf(e.Child("Status"));
  if (!status || (*status != "Enabled" && *status != "Disabled")) return Malformed();
  r.enabled = *status == "Enabled";

  const XmlElement* prefix = e.Child("Prefix");
  const XmlElement* filter = e.Child("Filter");
  if ((prefix == nullptr) == (filter == nullptr)) return Malformed();  // one or the other
  if (prefix != nullptr) {
    auto p = Leaf(prefix);
    if (!p) return Malformed();
    r.filter_form = "prefix";
    r.prefix = *p;
  } else {
    CAIRN_RETURN_IF_ERROR(ParseFilter(*filter, &r));
  }

  if (const XmlElement* x = e.Child("Expiration")) CAIRN_RETURN_IF_ERROR(ParseExpiration(*x, pr));
  if (const XmlElement* x = e.Child("NoncurrentVersionExpiration")) {
    if (!HasOnly(*x, {"NoncurrentDays", "NewerNoncurrentVersions"}) ||
        x->Child("NoncurrentDays") == nullptr) {
      return Malformed();
    }
    pr->has_noncurrent_expiration = true;
    CAIRN_RETURN_IF_ERROR(ParseDays(x->Child("NoncurrentDays"), &r.noncurrent_days));
    if (x->Child("NewerNoncurrentVersions") != nullptr) {
      CAIRN_RETURN_IF_ERROR(
          ParseDays(x->Child("NewerNoncurrentVersions"), &r.newer_noncurrent_versions));
    }
  }
  if (const XmlElement* x = e.Child("AbortIncompleteMultipartUpload")) {
    if (!HasOnly(*x, {"DaysAfterInitiation"}) || x->Child("DaysAfterInitiation") == nullptr) {
      return Malformed();
    }
    pr->has_abort = true;
    CAIRN_RETURN_IF_ERROR(ParseDays(x->Child("DaysAfterInitiation"), &r.abort_upload_days));
  }
  for (const auto& c : e.children) {
    if (c.name == "Transition") {
      LifecycleTransition t;
      CAIRN_RETURN_IF_ERROR(ParseTransition(c, &t));
      r.transitions.push_back(std::move(t));
    } else if (c.name == "NoncurrentVersionTransition") {
      LifecycleTransition t;
      CAIRN_RETURN_IF_ERROR(ParseNoncurrentTransition(c, &t));
      r.noncurrent_transitions.push_back(std::move(t));
    }
  }
  return Status::Ok();
}

// The filter as S3 names it in its messages: "(prefix=logs/ and tag={key=a, value=b})".
std::string FilterText(const LifecycleRule& r) {
  std::vector<std::string> parts;
  if (!r.prefix.empty() || r.filter_form == "prefix") parts.push_back("prefix=" + r.prefix);
  for (const auto& [k, v] : r.tags) parts.push_back("tag={key=" + k + ", value=" + v + "}");
  if (r.size_greater_than >= 0) {
    parts.push_back("objectsizegreaterthan=" + std::to_string(r.size_greater_than));
  }
  if (r.size_less_than >= 0) {
    parts.push_back("objectsizelessthan=" + std::to_string(r.size_less_than));
  }
  if (parts.empty()) return "(prefix=)";
  std::string out = "(";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? " and " : "") + parts[i];
  return out + ")";
}

Status CheckFilter(const LifecycleRule& r) {
  if (r.prefix.size() > kMaxPrefixLength) {
    return InvalidRequest("The maximum size of a prefix is " + std::to_string(kMaxPrefixLength));
  }
  if (r.tags.size() > kMaxFilterTags) {
    return InvalidRequest("A lifecycle filter cannot hold more than " +
                          std::to_string(kMaxFilterTags) + " tags");
  }
  std::set<std::string> keys;
  for (const auto& [k, v] : r.tags) {
    if (k.empty() || k.size() > 128) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidTag",
                        "The TagKey you have provided is invalid");
    }
    if (v.size() > 256) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidTag",
                        "The TagValue you have provided is invalid");
    }
    if (!keys.insert(k).second) return InvalidRequest("Duplicate Tag Keys are not allowed.");
  }
  const std::string max = std::to_string(kMaxObjectSize);
  if (r.size_greater_than != -1 &&
      (r.size_greater_than < 0 || r.size_greater_than > kMaxObjectSize)) {
    return InvalidRequest("'ObjectSizeGreaterThan' should be between 0 and " + max + ".");
  }
  if (r.size_less_than != -1 && (r.size_less_than < 1 || r.size_less_than > kMaxObjectSize)) {
    return InvalidRequest("'ObjectSizeLessThan' should be between 1 and " + max + ".");
  }
  if (r.size_greater_than >= 0 && r.size_less_than >= 0 &&
      r.size_greater_than >= r.size_less_than) {
    return InvalidArgument(
        "'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.");
  }
  return Status::Ok();
}

Status CheckStorageClass(const std::string& sc, const std::set<std::string>& classes) {
  if (sc == "STANDARD" || classes.count(sc) > 0) return Status::Ok();
  return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidStorageClass",
                    "The storage class you specified is not valid");
}

Status CheckNewerNoncurrent(int64_t n, const std::string& action) {
  if (n == -1 || (n >= 1 && n <= kMaxNewerNoncurrentVersions)) return Status::Ok();
  return InvalidArgument("'NewerNoncurrentVersions' for " + action +
                         " action must be a positive integer up to " +
                         std::to_string(kMaxNewerNoncurrentVersions));
}

Status CheckTransitions(const LifecycleRule& r, const std::set<std::string>& classes) {
  const std::string filter = FilterText(r);
  bool by_days = false, by_date = false;
  std::map<std::string, const LifecycleTransition*> by_class;
  std::map<int64_t, const LifecycleTransition*> by_time;
  for (const auto& t : r.transitions) {
    if (t.days != -1 && t.days < 0) {
      return InvalidArgument("'Days' in Transition action must be nonnegative");
    }
    CAIRN_RETURN_IF_ERROR(CheckStorageClass(t.storage_class, classes));
    (t.days >= 0 ? by_days : by_date) = true;
    if (!by_class.emplace(t.storage_class, &t).second) {
      return InvalidRequest("'StorageClass' must be different for 'Transition' actions in same "
                            "'Rule' with filter '" + filter + "'");
    }
  }
  if (by_days && by_date) {
    return InvalidRequest("Found mixed 'Date' and 'Days' based Transition actions in lifecycle "
                          "rule for filter '" + filter + "'");
  }
  // Two classes due at once would leave the object's class to chance.
  for (const auto& t : r.transitions) {
    int64_t when = t.days >= 0 ? t.days : t.date_ms;
    auto [it, fresh] = by_time.emplace(when, &t);
    if (!fresh) {
      const char* field = t.days >= 0 ? "Days" : "Date";
      return InvalidArgument(std::string("'") + field + "' in the Transition action for " +
                             "StorageClass '" + t.storage_class + "' for filter '" + filter +
                             "' must be different from '" + field +
                             "' in the Transition action for StorageClass '" +
                             it->second->storage_class + "'");
    }
  }
  if (!r.transitions.empty() && (r.expiration_days >= 0 || r.expiration_date_ms > 0)) {
    if ((r.expiration_days >= 0 && by_date) || (r.expiration_date_ms > 0 && by_days)) {
      return InvalidRequest("Found mixed 'Date' and 'Days' based Expiration and Transition "
                            "actions in lifecycle rule for filter '" + filter + "'");
    }
    for (const auto& t : r.transitions) {
      if (r.expiration_days >= 0 && r.expiration_days <= t.days) {
        return InvalidArgument("'Days' in the Expiration action for filter '" + filter +
                               "' must be greater than 'Days' in the Transition action");
      }
      if (r.expiration_date_ms > 0 && r.expiration_date_ms <= t.date_ms) {
        return InvalidArgument("'Date' in the Expiration action for filter '" + filter +
                               "' must be greater than 'Date' in the Transition action");
      }
    }
  }

  by_class.clear();
  std::map<int64_t, const LifecycleTransition*> by_days_noncurrent;
  for (const auto& t : r.noncurrent_transitions) {
    if (t.noncurrent_days < 0) {
      return InvalidArgument(
          "'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative");
    }
    CAIRN_RETURN_IF_ERROR(
        CheckNewerNoncurrent(t.newer_noncurrent_versions, "NoncurrentVersionTransition"));
    CAIRN_RETURN_IF_ERROR(CheckStorageClass(t.storage_class, classes));
    if (!by_class.emplace(t.storage_class, &t).second) {
      return InvalidRequest("'StorageClass' must be different for 'NoncurrentVersionTransition' "
                            "actions in same 'Rule' with filter '" + filter + "'");
    }
    auto [it, fresh] = by_days_noncurrent.emplace(t.noncurrent_days, &t);
    if (!fresh) {
      return InvalidArgument("'NoncurrentDays' in the NoncurrentVersionTransition action for "
                             "StorageClass '" + t.storage_class + "' for filter '" + filter +
                             "' must be different from 'NoncurrentDays' in the "
                             "NoncurrentVersionTransition action for StorageClass '" +
                             it->second->storage_class + "'");
    }
    if (r.noncurrent_days >= 0 && r.noncurrent_days <= t.noncurrent_days) {
      return InvalidArgument("'NoncurrentDays' in the NoncurrentVersionExpiration action for "
                             "filter '" + filter + "' must be greater than 'NoncurrentDays' in "
                             "the NoncurrentVersionTransition action");
    }
  }
  return Status::Ok();
}

// The meaning of one parsed rule, in S3's words.
Status CheckRule(const ParsedRule& pr, const std::set<std::string>& classes) {
  const LifecycleRule& r = pr.rule;
  if (r.id.size() > kMaxIdLength) {
    return InvalidArgument("ID length should not exceed allowed limit of " +
                           std::to_string(kMaxIdLength));
  }
  CAIRN_RETURN_IF_ERROR(CheckFilter(r));
  if (!pr.has_expiration && !pr.has_noncurrent_expiration && !pr.has_abort &&
      r.transitions.empty() && r.noncurrent_transitions.empty()) {
    return InvalidRequest("At least one action needs to be specified in a rule");
  }
  const bool tag_filter = !r.tags.empty();
  const bool size_filter = r.size_greater_than >= 0 || r.size_less_than >= 0;
  if (pr.has_expiration) {
    if (r.expiration_days != -1 && r.expiration_days <= 0) {
      return InvalidArgument("'Days' for Expiration action must be a positive integer");
    }
    if (pr.has_eodm && tag_filter) {
      return InvalidRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.");
    }
    if (pr.has_eodm && size_filter) {
      return InvalidRequest("ExpiredObjectDeleteMarker cannot be specified with Object Size.");
    }
  }
  if (pr.has_noncurrent_expiration) {
    if (r.noncurrent_days <= 0) {
      return InvalidArgument(
          "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
    }
    CAIRN_RETURN_IF_ERROR(
        CheckNewerNoncurrent(r.newer_noncurrent_versions, "NoncurrentVersionExpiration"));
  }
  if (pr.has_abort) {
    if (r.abort_upload_days <= 0) {
      return InvalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action "
                             "must be a positive integer");
    }
    if (tag_filter) {
      return InvalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.");
    }
    if (size_filter) {
      return InvalidRequest("AbortIncompleteMultipartUpload cannot be specified with Object Size.");
    }
  }
  return CheckTransitions(r, classes);
}

// The actions S3 compares when rule-level prefixes overlap.
std::vector<const char*> ActionTypes(const ParsedRule& pr) {
  std::vector<const char*> out;
  if (pr.has_expiration) out.push_back("Expiration");
  if (pr.has_noncurrent_expiration) out.push_back("NoncurrentVersionExpiration");
  if (pr.has_abort) out.push_back("AbortIncompleteMultipartUpload");
  if (!pr.rule.transitions.empty()) out.push_back("Transition");
  if (!pr.rule.noncurrent_transitions.empty()) out.push_back("NoncurrentVersionTransition");
  return out;
}

bool StartsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

// Rules across the configuration: one form (the 2006 rule-level Prefix or Filters), unique IDs,
// and, in the 2006 form, no two rules with overlapping prefixes doing the same kind of thing.
Status CheckConfiguration(const std::vector<ParsedRule>& rules) {
  bool seen_prefix = false, seen_filter = false;
  for (const auto& pr : rules) {
    if (pr.rule.filter_form == "prefix") {
      if (seen_filter) {
        return InvalidRequest("Base level prefix cannot be used in Lifecycle V2, prefixes are "
                              "only supported in the Filter.");
      }
      seen_prefix = true;
    } else {
      if (seen_prefix) return InvalidRequest("Filter element can only be used in Lifecycle V2.");
      seen_filter = true;
    }
  }
  std::set<std::string> ids;
  for (const auto& pr : rules) {
    if (pr.id_given && !ids.insert(pr.rule.id).second) {
      return InvalidArgument("Rule ID must be unique. Found same ID for more than one rule");
    }
  }
  if (!seen_prefix) return Status::Ok();
  for (const auto& pr : rules) {
    bool newer = pr.rule.newer_noncurrent_versions != -1;
    for (const auto& t : pr.rule.noncurrent_transitions) {
      newer = newer || t.newer_noncurrent_versions != -1;
    }
    if (newer) {
      return InvalidRequest("NewerNoncurrentVersions element can only be used in Lifecycle V2.");
    }
  }
  // Quadratic, but bounded by kMaxLifecycleRules and cheap per pair.
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto ai = ActionTypes(rules[i]);
    for (size_t j = i + 1; j < rules.size(); ++j) {
      const std::string& a = rules[i].rule.prefix;
      const std::string& b = rules[j].rule.prefix;
      if (!StartsWith(a, b) && !StartsWith(b, a)) continue;
      for (const char* x : ActionTypes(rules[j])) {
        for (const char* y : ai) {
          if (std::string(x) == y) {
            return InvalidRequest("Found overlapping prefixes '" + a + "' and '" + b +
                                  "' for same action type '" + x + "'");
          }
        }
      }
    }
  }
  return Status::Ok();
}

// S3's generated IDs: 48 characters, the base64 of a version 4 UUID's text.
std::string GeneratedId() {
  std::string hex = RandomHex(16);
  hex[12] = '4';
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  std::string uuid = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
                     hex.substr(16, 4) + "-" + hex.substr(20);
  return Base64Encode(uuid);
}

void RenderTag(std::string& out, const std::pair<std::string, std::string>& tag) {
  out += "<Tag>";
  XmlTag(out, "Key", tag.first);
  XmlTag(out, "Value", tag.second);
  out += "</Tag>";
}

void RenderFilter(std::string& out, const LifecycleRule& r) {
  if (r.filter_form == "prefix") {
    XmlTag(out, "Prefix", r.prefix);
    return;
  }
  out += "<Filter>";
  if (r.filter_form == "and") {
    out += "<And>";
    size_t others = r.tags.size() + (r.size_greater_than >= 0) + (r.size_less_than >= 0);
    // An empty Prefix is kept when the And would otherwise not join two predicates.
    if (!r.prefix.empty() || others < 2) XmlTag(out, "Prefix", r.prefix);
    for (const auto& t : r.tags) RenderTag(out, t);
    if (r.size_greater_than >= 0) {
      XmlTag(out, "ObjectSizeGreaterThan", std::to_string(r.size_greater_than));
    }
    if (r.size_less_than >= 0) {
      XmlTag(out, "ObjectSizeLessThan", std::to_string(r.size_less_than));
    }
    out += "</And>";
  } else if (!r.tags.empty()) {
    RenderTag(out, r.tags.front());
  } else if (r.size_greater_than >= 0) {
    XmlTag(out, "ObjectSizeGreaterThan", std::to_string(r.size_greater_than));
  } else if (r.size_less_than >= 0) {
    XmlTag(out, "ObjectSizeLessThan", std::to_string(r.size_less_than));
  } else {
    XmlTag(out, "Prefix", r.prefix);  // an empty filter reads back as the empty prefix
  }
  out += "</Filter>";
}

}  // namespace

Result<LifecycleRules> ParseLifecycleConfiguration(const std::string& body,
                                                   const std::set<std::string>& storage_classes) {
  auto doc = ParseXml(body);
  if (!doc.ok()) return doc.status();
  if (doc->name != "LifecycleConfiguration" || !HasOnly(*doc, {}, {"Rule"})) return Malformed();
  if (doc->children.empty()) return InvalidRequest("At least one lifecycle rule must be specified.");
  if (doc->children.size() > kMaxLifecycleRules) {
    return InvalidRequest("The number of lifecycle rules must not exceed the allowed limit of " +
                          std::to_string(kMaxLifecycleRules) + " rules.");
  }
  std::vector<ParsedRule> parsed(doc->children.size());
  for (size_t i = 0; i < parsed.size(); ++i) {
    CAIRN_RETURN_IF_ERROR(ParseRule(doc->children[i], &parsed[i]));
  }
  for (const auto& pr : parsed) CAIRN_RETURN_IF_ERROR(CheckRule(pr, storage_classes));
  CAIRN_RETURN_IF_ERROR(CheckConfiguration(parsed));

  std::set<std::string> ids;
  for (const auto& pr : parsed) ids.insert(pr.rule.id);
  LifecycleRules rules;
  rules.reserve(parsed.size());
  for (auto& pr : parsed) {
    if (!pr.id_given) {
      do {
        pr.rule.id = GeneratedId();
      } while (!ids.insert(pr.rule.id).second);
    }
    rules.push_back(std::move(pr.rule));
  }
  return rules;
}

std::string RenderLifecycleConfiguration(const LifecycleRules& rules) {
  std::string out = std::string("<LifecycleConfiguration xmlns=\"") + kS3Namespace + "\">";
  for (const auto& r : rules) {
    out += "<Rule>";
    XmlTag(out, "ID", r.id);
    RenderFilter(out, r);
    XmlTag(out, "Status", r.enabled ? "Enabled" : "Disabled");
    for (const auto& t : r.transitions) {
      out += "<Transition>";
      if (t.days >= 0) {
        XmlTag(out, "Days", std::to_string(t.days));
      } else {
        XmlTag(out, "Date", Iso8601(t.date_ms));
      }
      XmlTag(out, "StorageClass", t.storage_class);
      out += "</Transition>";
    }
    for (const auto& t : r.noncurrent_transitions) {
      out += "<NoncurrentVersionTransition>";
      XmlTag(out, "NoncurrentDays", std::to_string(t.noncurrent_days));
      if (t.newer_noncurrent_versions >= 0) {
        XmlTag(out, "NewerNoncurrentVersions", std::to_string(t.newer_noncurrent_versions));
      }
      XmlTag(out, "StorageClass", t.storage_class);
      out += "</NoncurrentVersionTransition>";
    }
    const bool other_action = r.noncurrent_days >= 0 || r.abort_upload_days >= 0 ||
                              !r.transitions.empty() || !r.noncurrent_transitions.empty();
    if (r.expiration_days >= 0) {
      out += "<Expiration>";
      XmlTag(out, "Days", std::to_string(r.expiration_days));
      out += "</Expiration>";
    } else if (r.expiration_date_ms > 0) {
      out += "<Expiration>";
      XmlTag(out, "Date", Iso8601(r.expiration_date_ms));
      out += "</Expiration>";
    } else if (r.expired_object_delete_marker || !other_action) {
      // A rule whose only action was <ExpiredObjectDeleteMarker>false</...> keeps it, so the
      // configuration read back can be put again.
      out += "<Expiration>";
      XmlTag(out, "ExpiredObjectDeleteMarker", r.expired_object_delete_marker ? "true" : "false");
      out += "</Expiration>";
    }
    if (r.noncurrent_days >= 0) {
      out += "<NoncurrentVersionExpiration>";
      XmlTag(out, "NoncurrentDays", std::to_string(r.noncurrent_days));
      if (r.newer_noncurrent_versions >= 0) {
        XmlTag(out, "NewerNoncurrentVersions", std::to_string(r.newer_noncurrent_versions));
      }
      out += "</NoncurrentVersionExpiration>";
    }
    if (r.abort_upload_days >= 0) {
      out += "<AbortIncompleteMultipartUpload>";
      XmlTag(out, "DaysAfterInitiation", std::to_string(r.abort_upload_days));
      out += "</AbortIncompleteMultipartUpload>";
    }
    out += "</Rule>";
  }
  return out + "</LifecycleConfiguration>";
}

}  // namespace cairn
