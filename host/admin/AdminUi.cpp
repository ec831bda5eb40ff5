#include "admin/AdminUi.h"

#include "admin/AdminUiAssets.h"
#include "http/HttpReply.h"
#include "http/IncomingRequest.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <map>

namespace terrarium {

namespace {

const std::string prefix = "/admin/ui";

/// An embedded file with its entity tag.
struct ServedAsset
{
    const adminui::Asset* asset;
    std::string etag;
};

/// The embedded files by name, with their entity tags (a digest of the content), built once.
const std::map<std::string, ServedAsset, std::less<>>& servedAssets()
{
    static const std::map<std::string, ServedAsset, std::less<>> table = [] {
        std::map<std::string, ServedAsset, std::less<>> out;
        std::size_t count = 0;
        const adminui::Asset* assets = adminui::embeddedAssets(count);
        for (std::size_t i = 0; i < count; ++i)
        {
            Poco::SHA1Engine digest;
            digest.update(assets[i].data.data(), static_cast<unsigned>(assets[i].data.size()));
            out.emplace(std::string(assets[i].name), ServedAsset{&assets[i], "\"" + Poco::DigestEngine::digestToHex(digest.digest()).substr(0, 20) + "\""});
        }
        return out;
    }();
    return table;
}

/// True when the If-None-Match header of request names etag (or is "*").
bool notModified(const IncomingRequest& request, const std::string& etag)
{
    const std::string* header = request.header("If-None-Match");
    if (!header) return false;
    Poco::StringTokenizer tags(*header, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    return std::any_of(tags.begin(), tags.end(), [&etag](const std::string& tag) {
        return tag == "*" || tag == etag || (tag.compare(0, 2, "W/") == 0 && tag.substr(2) == etag);
    });
}

void securityHeaders(HttpReply& reply)
{
    reply.addHeader("Content-Security-Policy", AdminUi::contentSecurityPolicy());
    reply.addHeader("X-Content-Type-Options", "nosniff");
    reply.addHeader("X-Frame-Options", "DENY");
    reply.addHeader("Referrer-Policy", "no-referrer");
    reply.addHeader("Cache-Control", "no-cache");
}

} // namespace

const char* AdminUi::contentSecurityPolicy()
{
    return "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
           "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

bool AdminUi::handles(const std::string& path)
{
    return path.compare(0, prefix.size(), prefix) == 0 && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

void AdminUi::handle(const IncomingRequest& request, HttpReply& reply)
{
    if (request.method != "GET" && request.method != "HEAD")
    {
        reply.error(405, "method_not_allowed", request.method + " is not allowed on " + request.path + " (allowed: GET, HEAD)");
        reply.addHeader("Allow", "GET, HEAD");
        return;
    }
    if (request.path == prefix)
    {
        reply.setStatus(301);
        reply.addHeader("Location", "ui/" + (request.query.empty() ? std::string() : "?" + request.query));
        reply.addHeader("Content-Type", "text/plain; charset=utf-8");
        reply.setBody("The dashboard is at /admin/ui/\n");
        return;
    }
    std::string name = request.path.substr(prefix.size() + 1);
    if (name.empty()) name = "index.html";
    const auto& assets = servedAssets();
    auto it = assets.find(name);
    if (it == assets.end())
    {
        reply.error(404, "not_found", "no admin resource " + request.path + " (the dashboard is at /admin/ui/)");
        return;
    }
    securityHeaders(reply);
    reply.addHeader("ETag", it->second.etag);
    if (notModified(request, it->second.etag))
    {
        reply.setStatus(304);
        return;
    }
    reply.setStatus(200);
    reply.addHeader("Content-Type", std::string(it->second.asset->contentType));
    reply.setBody(std::string(it->second.asset->data));
}

} // namespace terrarium
