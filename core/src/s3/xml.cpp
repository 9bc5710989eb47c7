#include "s3/xml.h"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/XMLReader.h>

namespace cairn {
namespace {

XmlElement Convert(const Poco::XML::Node* node) {
  XmlElement e;
  e.name = node->localName().empty() ? node->nodeName() : node->localName();
  for (Poco::XML::Node* c = node->firstChild(); c != nullptr; c = c->nextSibling()) {
    if (c->nodeType() == Poco::XML::Node::ELEMENT_NODE) {
      e.children.push_back(Convert(c));
    } else if (c->nodeType() == Poco::XML::Node::TEXT_NODE ||
               c->nodeType() == Poco::XML::Node::CDATA_SECTION_NODE) {
      e.text += c->nodeValue();
    }
  }
  return e;
}

}  // namespace

Result<XmlElement> ParseXml(const std::string& text) {
  try {
    Poco::XML::DOMParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    Poco::AutoPtr<Poco::XML::Document> doc = parser.parseString(text);
    if (doc->documentElement() == nullptr) throw std::runtime_error("empty document");
    return Convert(doc->documentElement());
  } catch (...) {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "MalformedXML", "");
  }
}

}  // namespace cairn
