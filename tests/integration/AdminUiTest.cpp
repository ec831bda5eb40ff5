// The admin dashboard's page (/admin/ui/, files embedded in terrariumd, AdminUi).
#include "ExpectError.h"
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

#include <string>

using namespace terrarium::test;

namespace {

/// A host with the watcher off and echo.so loaded at start.
TerrariumProcess::Options echoHost()
{
    TerrariumProcess::Options options;
    options.plugins = {{ECHO_PLUGIN_PATH, "echo.so"}};
    options.configJson = R"({"watch":{"enabled":false}})";
    return options;
}

/// Checks the headers every dashboard file is served with.
void expectDashboardHeaders(const HttpResult& result)
{
    std::string policy = result.header("Content-Security-Policy");
    CHECK(policy.find("default-src 'self'") != std::string::npos);
    CHECK(policy.find("script-src 'self'") != std::string::npos);
    CHECK(policy.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(policy.find("unsafe-inline") == std::string::npos);
    CHECK(policy.find("unsafe-eval") == std::string::npos);
    CHECK(result.header("X-Content-Type-Options") == "nosniff");
    CHECK(result.header("Cache-Control") == "no-cache");
    CHECK(result.header("ETag").size() > 2);
}

} // namespace

TEST_CASE("admin dashboard: the page and its files are served without a token, with a strict CSP, nosniff and an ETag", "[admin][ui]")
{
    TerrariumProcess host(echoHost());

    HttpResult page = host.admin("GET", "/admin/ui/", "", false);
    INFO("body: " << page.body);
    REQUIRE(page.status == 200);
    CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
    expectDashboardHeaders(page);
    CHECK(page.body.find("<script src=\"app.js\"") != std::string::npos);
    CHECK(page.body.find("<script>") == std::string::npos);   // no inline script (the CSP would block it)
    CHECK(page.body.find("style=") == std::string::npos);

    HttpResult script = host.admin("GET", "/admin/ui/app.js", "", false);
    REQUIRE(script.status == 200);
    CHECK(script.header("Content-Type") == "text/javascript; charset=utf-8");
    expectDashboardHeaders(script);
    CHECK(script.body.find("innerHTML") == std::string::npos);   // values go in as text only
    CHECK(script.body.find("sessionStorage") != std::string::npos);

    HttpResult style = host.admin("GET", "/admin/ui/style.css", "", false);
    REQUIRE(style.status == 200);
    CHECK(style.header("Content-Type") == "text/css; charset=utf-8");
    expectDashboardHeaders(style);

    CHECK(host.admin("GET", "/admin/ui/index.html", "", false).body == page.body);
    HttpResult head = host.admin("HEAD", "/admin/ui/", "", false);
    CHECK(head.status == 200);
    CHECK(head.body.empty());

    // A client that has the file already is told so (304, no body).
    HttpResult cached = host.admin("GET", "/admin/ui/app.js", "", false, {{"If-None-Match", script.header("ETag")}});
    CHECK(cached.status == 304);
    CHECK(cached.body.empty());
    CHECK(cached.header("ETag") == script.header("ETag"));
    CHECK(host.admin("GET", "/admin/ui/app.js", "", false, {{"If-None-Match", "\"other\""}}).status == 200);
}

TEST_CASE("admin dashboard: /admin/ui redirects to /admin/ui/, unknown files are 404, other methods 405", "[admin][ui]")
{
    TerrariumProcess host(echoHost());

    HttpResult redirect = host.admin("GET", "/admin/ui", "", false);
    CHECK(redirect.status == 301);
    CHECK(redirect.header("Location") == "ui/");   // relative: also right behind a path prefix

    expectError(host.admin("GET", "/admin/ui/missing.js", "", false), 404, "not_found");
    expectError(host.admin("GET", "/admin/ui/app.js/x", "", false), 404, "not_found");
    expectError(host.admin("GET", "/admin/uix", "", false), 401, "unauthorized");   // not the dashboard: an API path

    HttpResult post = host.admin("POST", "/admin/ui/", "{}", true);
    expectError(post, 405, "method_not_allowed");
    CHECK(post.header("Allow") == "GET, HEAD");
}

TEST_CASE("admin dashboard: the page needs no token but the data it shows does, and foreign Host and Origin are refused", "[admin][ui][auth]")
{
    TerrariumProcess host(echoHost());

    CHECK(host.admin("GET", "/admin/ui/", "", false).status == 200);
    CHECK(host.admin("GET", "/admin/ui/", "", false, {{"Authorization", "Bearer wrong"}}).status == 200);
    expectError(host.admin("GET", "/admin/plugins", "", false), 401, "unauthorized");
    expectError(host.admin("GET", "/admin/events", "", false), 401, "unauthorized");
    expectError(host.admin("GET", "/admin/events", "", false, {{"Authorization", "Bearer wrong"}}), 403, "forbidden");
    CHECK(host.admin("GET", "/admin/events").status == 200);

    // The same Host and Origin rules as the rest of the admin API (a rebound DNS name or another
    // site cannot load the page from this host or drive the API from it).
    expectError(host.admin("GET", "/admin/ui/", "", false, {{"Origin", "http://evil.example"}}), 403, "foreign_origin");
    expectError(host.admin("GET", "/admin/ui/app.js", "", false, {{"Origin", "null"}}), 403, "foreign_origin");
    std::string port = host.adminAddress().substr(host.adminAddress().rfind(':'));
    expectError(host.admin("GET", "/admin/ui/", "", false, {{"Host", "evil.example" + port}}), 403, "foreign_host");
    CHECK(host.admin("GET", "/admin/ui/", "", false, {{"Origin", "http://" + host.adminAddress()}}).status == 200);
    CHECK(host.admin("GET", "/admin/ui/", "", false, {{"Host", "localhost" + port}}).status == 200);
}
