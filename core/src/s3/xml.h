// XML for S3 bodies: a tiny element tree parsed with Poco (external entities off, namespaces
// ignored by using local names) and a builder for responses.
#pragma once

#include <string>
#include <vector>

#include "cairn/status.h"
#include "util/encoding.h"

namespace cairn {

struct XmlElement {
  std::string name;  // local name
  std::string text;  // concatenated text content of direct text children
  std::vector<XmlElement> children;

  const XmlElement* Child(const std::string& n) const {
    for (const auto& c : children) {
      if (c.name == n) return &c;
    }
    return nullptr;
  }
  std::string ChildText(const std::string& n) const {
    const XmlElement* c = Child(n);
    return c ? c->text : "";
  }
};

// MalformedXML (as an S3-coded Status) when the text is not well-formed.
Result<XmlElement> ParseXml(const std::string& text);

// Appends <name>escaped text</name>.
inline void XmlTag(std::string& out, const std::string& name, const std::string& text) {
  out += "<" + name + ">" + XmlEscape(text) + "</" + name + ">";
}

inline constexpr const char* kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

}  // namespace cairn
