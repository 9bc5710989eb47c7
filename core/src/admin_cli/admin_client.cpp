#include "admin_cli/admin_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <ctime>
#include <exception>

#include "admin_cli/admin_json.h"
#include "crypto.h"
#include "request_signer.h"

namespace cairn::admin_cli {

namespace {

// Long enough for a busy server; a scrub runs in the background, so no call waits on one.
constexpr int kTimeoutSeconds = 30;

std::string XmlUnescape(std::string s) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, text] : kEntities) {
    for (size_t p = s.find(entity); p != std::string::npos; p = s.find(entity, p + 1)) {
      s.replace(p, std::string_view(entity).size(), text);
    }
  }
  return s;
}

// The text of the first <tag>...</tag>, or "". S3 error documents are flat, so this is enough.
std::string XmlElement(const std::string& xml, const std::string& tag) {
  size_t b = xml.find("<" + tag + ">");
  if (b == std::string::npos) return "";
  b += tag.size() + 2;
  size_t e = xml.find("</" + tag + ">", b);
  return e == std::string::npos ? "" : XmlUnescape(xml.substr(b, e - b));
}

}  // namespace

Status ReplyError(const AdminReply& reply) {
  std::string code = XmlElement(reply.body, "Code");
  if (!code.empty()) {
    std::string message = XmlElement(reply.body, "Message");
    return Status::AccessDenied(code, message.empty() ? code : message);
  }
  std::string message = ParseErrorMessage(reply.body);
  if (message.empty()) message = "the server answered HTTP " + std::to_string(reply.http_status);
  if (reply.http_status == 409) return Status::Conflict(message);
  if (reply.http_status == 404) return Status::NotFound(message);
  if (reply.http_status >= 400 && reply.http_status < 500) return Status::InvalidArgument(message);
  return Status::Internal(message);
}

Result<std::unique_ptr<HttpAdminClient>> HttpAdminClient::Create(const std::string& endpoint,
                                                                 std::string access_key,
                                                                 std::string secret_key) {
  auto bad = [&endpoint](const std::string& why) {
    return Status::InvalidArgument("bad endpoint '" + endpoint + "': " + why);
  };
  std::unique_ptr<HttpAdminClient> api(new HttpAdminClient());
  try {
    Poco::URI uri(endpoint);
    if (uri.getScheme() != "http") return bad("only http:// endpoints are supported");
    if (uri.getHost().empty()) return bad("no host");
    if (!uri.getUserInfo().empty()) return bad("credentials go in --access-key/--secret-key");
    if ((!uri.getPath().empty() && uri.getPath() != "/") || !uri.getRawQuery().empty()) {
      return bad("give the server only, as http://host:port");
    }
    api->host_ = uri.getHost();
    api->port_ = uri.getPort();
    api->authority_ = uri.getAuthority();
  } catch (const Poco::Exception& e) {
    return bad(e.message());
  }
  api->endpoint_ = endpoint;
  api->access_key_ = std::move(access_key);
  api->secret_key_ = std::move(secret_key);
  return api;
}

HttpAdminClient::~HttpAdminClient() { sigv4::SecureWipe(&secret_key_); }

Result<AdminReply> HttpAdminClient::Send(std::string_view method, std::string_view target) {
  sigv4::SigningInput in;
  in.method = std::string(method);
  in.uri = std::string(target);
  in.headers = {{"Host", authority_}};
  in.payload_sha256_hex = std::string(sigv4::kEmptySha256Hex);
  in.access_key = access_key_;
  in.secret_key = secret_key_;
  in.now_unix = static_cast<int64_t>(std::time(nullptr));
  sigv4::HeaderList signature = sigv4::SignRequest(in);
  sigv4::SecureWipe(&in.secret_key);
  try {
    Poco::Net::HTTPClientSession session(host_, port_);
    session.setTimeout(Poco::Timespan(kTimeoutSeconds, 0));
    Poco::Net::HTTPRequest request(in.method, in.uri, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Host", authority_);
    for (const auto& [name, value] : signature) request.set(name, value);
    request.set("User-Agent", "cairn-admin");
    if (method == "POST" || method == "PUT") request.setContentLength(0);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    AdminReply reply;
    reply.http_status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(body, reply.body);
    return reply;
  } catch (const Poco::Exception& e) {
    // Refused, unknown host, timeout, reset: all mean the same to an operator.
    return Status::Unavailable("cannot reach the Cairn server at " + endpoint_ + " (" +
                               e.displayText() + ")");
  } catch (const std::exception& e) {
    return Status::Unavailable("cannot reach the Cairn server at " + endpoint_ + " (" + e.what() +
                               ")");
  }
}

}  // namespace cairn::admin_cli
