// Fuzz target: the XML parser for S3 request bodies (core/src/s3/xml.h, ParseXml) and the way
// the S3 operations read the tree it returns.
//
// DeleteObjects (s3/object_delete.cpp), CompleteMultipartUpload (s3/multipart.cpp),
// PutObjectTagging (s3/tagging.cpp) and CreateBucket's CreateBucketConfiguration
// (s3/bucket_ops.cpp) interpret the tree inside their handlers, which need a whole S3Request
// (a connection, metadata and data services); that interpretation is not a function of its own
// to call. So this target parses the input, walks the whole tree generically, and then reads it
// the way each of those handlers does -- through the same XmlElement accessors and the same
// reachable checks (ValidateKey, ValidateTags, ParseTagQuery) -- and builds the XML each would
// answer with, which must parse back to the same keys and tags.
//
// Invariants: ParseXml never crashes, recurses, or returns a tree deeper than its limit
// (hostile nesting, DTDs and entity tricks come back as MalformedXML), and every element has a
// name.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_util.h"
#include "s3/object_common.h"
#include "s3/xml.h"

namespace {

using cairn::ParseXml;
using cairn::XmlElement;

// xml.cpp refuses documents nested deeper than this.
constexpr size_t kMaxDepth = 32;

// Iterative, like the parser: a tree from a hostile body must not be walked recursively either.
size_t CheckTree(const XmlElement& root) {
  std::vector<std::pair<const XmlElement*, size_t>> stack{{&root, 1}};
  size_t elements = 0;
  while (!stack.empty()) {
    auto [e, depth] = stack.back();
    stack.pop_back();
    ++elements;
    FUZZ_CHECK(!e->name.empty());
    FUZZ_CHECK(depth <= kMaxDepth);
    for (const XmlElement& c : e->children) stack.emplace_back(&c, depth + 1);
  }
  return elements;
}

std::string Wrap(const std::string& name, const std::string& inner) {
  return "<" + name + " xmlns=\"" + cairn::kS3Namespace + "\">" + inner + "</" + name + ">";
}

// The XML an operation answers with is built with XmlTag from what the request said; any text
// the parser accepted must come back unchanged when that answer is parsed.
void CheckRoundTrip(const std::string& name,
                    const std::vector<std::pair<std::string, std::string>>& items) {
  std::string inner;
  for (const auto& [k, v] : items) {
    inner += "<Item>";
    cairn::XmlTag(inner, "Key", k);
    cairn::XmlTag(inner, "Value", v);
    inner += "</Item>";
  }
  auto doc = ParseXml(Wrap(name, inner));
  FUZZ_CHECK(doc.ok());
  FUZZ_CHECK(doc->name == name && doc->children.size() == items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    FUZZ_CHECK(doc->children[i].ChildText("Key") == items[i].first);
    FUZZ_CHECK(doc->children[i].ChildText("Value") == items[i].second);
  }
}

// DeleteObjects: <Delete><Quiet/>?<Object><Key/></Object>...</Delete>.
void AsDeleteObjects(const XmlElement& doc) {
  if (doc.name != "Delete") return;
  std::vector<std::pair<std::string, std::string>> results;
  for (const XmlElement& c : doc.children) {
    if (c.name != "Object") continue;
    if (c.Child("Key") == nullptr) return;  // MalformedXML
    std::string key = c.ChildText("Key");
    auto error = cairn::ValidateKey(key);
    results.emplace_back(key, error ? error->code : "");
  }
  if (results.empty() || results.size() > 1000) return;
  CheckRoundTrip("DeleteResult", results);
}

// CompleteMultipartUpload: <Part><PartNumber/><ETag/></Part>..., numbers strictly increasing.
void AsCompleteMultipartUpload(const XmlElement& doc) {
  if (doc.name != "CompleteMultipartUpload") return;
  std::vector<std::pair<std::string, std::string>> parts;
  unsigned long previous = 0;
  for (const XmlElement& p : doc.children) {
    if (p.name != "Part") continue;
    std::string n = p.ChildText("PartNumber");
    if (n.empty() || n.size() > 5 || n.find_first_not_of("0123456789") != std::string::npos) {
      return;  // MalformedXML
    }
    unsigned long number = std::stoul(n);
    if (!parts.empty() && number <= previous) return;  // InvalidPartOrder
    previous = number;
    std::string etag = p.ChildText("ETag");
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
      etag = etag.substr(1, etag.size() - 2);
    }
    parts.emplace_back(std::to_string(number), etag);
    (void)p.ChildText("ChecksumCRC32");
  }
  if (!parts.empty()) CheckRoundTrip("CompleteMultipartUploadResult", parts);
}

// PutObjectTagging: <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>.
void AsTagging(const XmlElement& doc) {
  if (doc.name != "Tagging") return;
  cairn::Pairs tags;
  if (const XmlElement* set = doc.Child("TagSet")) {
    for (const XmlElement& t : set->children) {
      if (t.name != "Tag" || t.Child("Key") == nullptr) return;  // MalformedXML
      tags.emplace_back(t.ChildText("Key"), t.ChildText("Value"));
    }
  }
  if (cairn::ValidateTags(tags)) return;
  CheckRoundTrip("Tagging", {tags.begin(), tags.end()});
  // The same tags as an x-amz-tagging header value parse back to themselves.
  std::string query;
  for (const auto& [k, v] : tags) {
    query +=
        (query.empty() ? "" : "&") + cairn::UrlEncode(k, false) + "=" + cairn::UrlEncode(v, false);
  }
  auto parsed = cairn::ParseTagQuery(query);
  FUZZ_CHECK(parsed.ok());
  // corpus/xml/tagging once found '+' decoded after the escapes (a "%2B" became a space).
  if (!tags.empty()) FUZZ_CHECK(parsed.value() == tags);
}

// CreateBucket: <CreateBucketConfiguration><LocationConstraint/></CreateBucketConfiguration>.
void AsCreateBucketConfiguration(const XmlElement& doc) {
  if (doc.name != "CreateBucketConfiguration") return;
  std::string wanted = doc.ChildText("LocationConstraint");
  CheckRoundTrip("LocationConstraint", {{wanted, ""}});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto doc = ParseXml(text);
  if (!doc.ok()) {
    FUZZ_CHECK(doc.status().s3_code() == "MalformedXML");
    // The tagging header form of the same bytes.
    auto tags = cairn::ParseTagQuery(text);
    if (tags.ok()) (void)cairn::ValidateTags(tags.value());
    return 0;
  }
  CheckTree(doc.value());
  AsDeleteObjects(doc.value());
  AsCompleteMultipartUpload(doc.value());
  AsTagging(doc.value());
  AsCreateBucketConfiguration(doc.value());
  return 0;
}
