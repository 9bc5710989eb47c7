#include "s3/xml.h"

#include <Poco/SAX/Attributes.h>
#include <Poco/SAX/ContentHandler.h>
#include <Poco/SAX/LexicalHandler.h>
#include <Poco/SAX/SAXParser.h>

#include <stdexcept>

namespace cairn {
namespace {

// The deepest S3 body (DeleteObjects, CompleteMultipartUpload, lifecycle rules) nests a handful
// of levels; anything near this limit is hostile.
constexpr size_t kMaxDepth = 32;
constexpr size_t kMaxElements = 200000;

struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Builds the element tree as SAX events arrive, with an explicit stack: no recursion, and the
// parse stops at the first element past kMaxDepth, before the rest of a hostile body is read.
// DTDs are refused outright: no S3 body has one, and they are where entity expansion lives.
class TreeBuilder : public Poco::XML::ContentHandler, public Poco::XML::LexicalHandler {
 public:
  XmlElement root;
  bool has_root = false;

  void startElement(const Poco::XML::XMLString&, const Poco::XML::XMLString& local,
                    const Poco::XML::XMLString& qname, const Poco::XML::Attributes&) override {
    if (stack_.size() >= kMaxDepth) throw Refused("XML nested too deeply");
    if (++elements_ > kMaxElements) throw Refused("too many XML elements");
    XmlElement e;
    e.name = local.empty() ? qname : local;
    if (stack_.empty()) {
      if (has_root) throw Refused("second root element");
      root = std::move(e);
      has_root = true;
      stack_.push_back(&root);
    } else {
      stack_.back()->children.push_back(std::move(e));
      stack_.push_back(&stack_.back()->children.back());
    }
  }
  void endElement(const Poco::XML::XMLString&, const Poco::XML::XMLString&,
                  const Poco::XML::XMLString&) override {
    if (!stack_.empty()) stack_.pop_back();
  }
  void characters(const Poco::XML::XMLChar ch[], int start, int length) override {
    if (!stack_.empty()) stack_.back()->text.append(ch + start, static_cast<size_t>(length));
  }
  void startDTD(const Poco::XML::XMLString&, const Poco::XML::XMLString&,
                const Poco::XML::XMLString&) override {
    throw Refused("DTDs are not allowed");
  }

  void setDocumentLocator(const Poco::XML::Locator*) override {}
  void startDocument() override {}
  void endDocument() override {}
  void ignorableWhitespace(const Poco::XML::XMLChar[], int, int) override {}
  void processingInstruction(const Poco::XML::XMLString&, const Poco::XML::XMLString&) override {}
  void startPrefixMapping(const Poco::XML::XMLString&, const Poco::XML::XMLString&) override {}
  void endPrefixMapping(const Poco::XML::XMLString&) override {}
  void skippedEntity(const Poco::XML::XMLString&) override {}
  void endDTD() override {}
  void startEntity(const Poco::XML::XMLString&) override {}
  void endEntity(const Poco::XML::XMLString&) override {}
  void startCDATA() override {}
  void endCDATA() override {}
  void comment(const Poco::XML::XMLChar[], int, int) override {}

 private:
  // Pointers into the tree: a parent's children vector only grows at its end, and only the
  // innermost open element (the stack's top) gains children, so the pointers stay valid.
  std::vector<XmlElement*> stack_;
  size_t elements_ = 0;
};

}  // namespace

Result<XmlElement> ParseXml(const std::string& text) {
  TreeBuilder builder;
  try {
    Poco::XML::SAXParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    parser.setContentHandler(&builder);
    parser.setProperty(Poco::XML::XMLReader::PROPERTY_LEXICAL_HANDLER,
                       static_cast<Poco::XML::LexicalHandler*>(&builder));
    parser.parseString(text);
  } catch (...) {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "MalformedXML", "");
  }
  if (!builder.has_root) return Status::S3(CAIRN_INVALID_ARGUMENT, "MalformedXML", "");
  return std::move(builder.root);
}

}  // namespace cairn
