#include "router/RouteTable.h"

#include <catch2/catch.hpp>

#include <string>

using terrarium::RouteTable;

namespace {

RouteTable::Entry entry(std::string prefix, std::string plugin, bool strip = true, std::string host = std::string())
{
    RouteTable::Entry e;
    e.host = std::move(host);
    e.prefix = std::move(prefix);
    e.plugin = std::move(plugin);
    e.stripPrefix = strip;
    e.fromConfig = true;
    return e;
}

/// "plugin path" of the match, or "none".
std::string route(const RouteTable& table, std::string_view host, std::string_view path)
{
    auto match = table.match(host, path);
    if (!match)
        return "none";
    return match->entry->plugin + " " + match->routedPath;
}

/// The Edge-Terrarium gateway table.
RouteTable gatewayTable()
{
    RouteTable table;
    REQUIRE(table.add(entry("/", "service-sink", false)) == nullptr);
    REQUIRE(table.add(entry("/api/", "service-sink", true)) == nullptr);
    REQUIRE(table.add(entry("/api/custom-client/", "custom-client", true)) == nullptr);
    REQUIRE(table.add(entry("/api/fake-provider/", "custom-client", false)) == nullptr);
    REQUIRE(table.add(entry("/api/file-storage/", "file-storage", true)) == nullptr);
    REQUIRE(table.add(entry("/api/storage/", "file-storage", true)) == nullptr);
    REQUIRE(table.add(entry("/api/logs/", "logthon", true)) == nullptr);
    REQUIRE(table.add(entry("/api/logthon/", "logthon", true)) == nullptr);
    REQUIRE(table.add(entry("/", "custom-client", false, "mycoolwebsite.company.com")) == nullptr);
    return table;
}

} // namespace

TEST_CASE("An empty table matches nothing", "[router]")
{
    RouteTable table;
    CHECK_FALSE(table.match("example.com", "/").has_value());
    CHECK(table.entries().empty());
}

TEST_CASE("The longest matching prefix wins regardless of insertion order", "[router]")
{
    RouteTable table;
    table.add(entry("/a", "short"));
    table.add(entry("/a/b/c", "longest"));
    table.add(entry("/a/b", "middle"));

    CHECK(route(table, "h", "/a/b/c/d") == "longest /d");
    CHECK(route(table, "h", "/a/b/x") == "middle /x");
    CHECK(route(table, "h", "/a/x") == "short /x");
    CHECK(route(table, "h", "/b") == "none");
}

TEST_CASE("A prefix matches on a segment boundary only", "[router]")
{
    RouteTable table;
    table.add(entry("/echo", "echo"));

    CHECK(route(table, "", "/echo") == "echo /");
    CHECK(route(table, "", "/echo/") == "echo /");
    CHECK(route(table, "", "/echo/x") == "echo /x");
    CHECK(route(table, "", "/echoes") == "none");
    CHECK(route(table, "", "/ech") == "none");
    CHECK(route(table, "", "/Echo") == "none");   // paths are case-sensitive

    SECTION("a query string directly after the prefix is a boundary")
    {
        CHECK(route(table, "", "/echo?x=1") == "echo /?x=1");
    }
    SECTION("a prefix ending in '/' matches everything below it, not the bare name")
    {
        table.add(entry("/api/", "api"));
        CHECK(route(table, "", "/api/") == "api /");
        CHECK(route(table, "", "/api/x/y") == "api /x/y");
        CHECK(route(table, "", "/api") == "none");
        CHECK(route(table, "", "/apix") == "none");
    }
}

TEST_CASE("Strip and keep prefix", "[router]")
{
    RouteTable table;
    table.add(entry("/echo", "strip", true));
    table.add(entry("/api/", "strip-slash", true));
    table.add(entry("/keep", "keep", false));

    CHECK(route(table, "", "/echo/a/b") == "strip /a/b");
    CHECK(route(table, "", "/echo") == "strip /");
    CHECK(route(table, "", "/api/x") == "strip-slash /x");
    CHECK(route(table, "", "/api/") == "strip-slash /");
    CHECK(route(table, "", "/keep/a") == "keep /keep/a");
    CHECK(route(table, "", "/keep") == "keep /keep");

    SECTION("stripping '/' leaves the path unchanged")
    {
        table.add(entry("/", "root", true));
        CHECK(route(table, "", "/other/x") == "root /other/x");
        CHECK(route(table, "", "/") == "root /");
    }
}

TEST_CASE("'/' is a catch-all that loses to every longer prefix", "[router]")
{
    RouteTable table;
    table.add(entry("/", "fallback", false));
    table.add(entry("/echo", "echo"));

    CHECK(route(table, "any", "/") == "fallback /");
    CHECK(route(table, "any", "/whatever/deep") == "fallback /whatever/deep");
    CHECK(route(table, "any", "/echoes") == "fallback /echoes");
    CHECK(route(table, "any", "/echo/1") == "echo /1");

    SECTION("an empty path is treated as '/'")
    {
        CHECK(route(table, "any", "") == "fallback /");
    }
}

TEST_CASE("Host routes are consulted before any-host routes", "[router]")
{
    RouteTable table;
    table.add(entry("/", "default", false));
    table.add(entry("/api/", "api"));
    table.add(entry("/", "site", false, "example.com"));
    table.add(entry("/shop", "shop", true, "example.com"));

    SECTION("a host route wins even over a longer any-host prefix")
    {
        CHECK(route(table, "example.com", "/api/x") == "site /api/x");
        CHECK(route(table, "example.com", "/shop/cart") == "shop /cart");
        CHECK(route(table, "example.com", "/") == "site /");
    }
    SECTION("other hosts use the any-host routes")
    {
        CHECK(route(table, "other.com", "/api/x") == "api /x");
        CHECK(route(table, "other.com", "/shop/cart") == "default /shop/cart");
        CHECK(route(table, "", "/api/x") == "api /x");
        CHECK(route(table, "sub.example.com", "/") == "default /");
    }
    SECTION("the host is matched without port and case-insensitively")
    {
        CHECK(route(table, "Example.COM", "/") == "site /");
        CHECK(route(table, "example.com:8080", "/shop") == "shop /");
        CHECK(route(table, "EXAMPLE.com:443", "/x") == "site /x");
        CHECK(route(table, "example.com.", "/x") == "site /x");
        CHECK(route(table, "example.co", "/x") == "default /x");
    }
}

TEST_CASE("Falls back to any-host routes when no host route matches the path", "[router]")
{
    RouteTable table;
    table.add(entry("/admin", "admin-ui", true, "example.com"));
    table.add(entry("/", "default", false));

    CHECK(route(table, "example.com", "/admin/x") == "admin-ui /x");
    CHECK(route(table, "example.com", "/other") == "default /other");
}

TEST_CASE("IPv6 hosts keep their brackets and lose their port", "[router]")
{
    RouteTable table;
    table.add(entry("/", "local6", false, "[::1]"));
    table.add(entry("/", "local4", false, "127.0.0.1"));

    CHECK(route(table, "[::1]:8080", "/x") == "local6 /x");
    CHECK(route(table, "[::1]", "/x") == "local6 /x");
    CHECK(route(table, "127.0.0.1:8080", "/x") == "local4 /x");
    CHECK(route(table, "[::2]:8080", "/x") == "none");
}

TEST_CASE("add() detects conflicts on the same host and prefix", "[router]")
{
    RouteTable table;
    REQUIRE(table.add(entry("/echo", "echo")) == nullptr);

    const RouteTable::Entry* conflict = table.add(entry("/echo", "other", false));
    REQUIRE(conflict != nullptr);
    CHECK(conflict->plugin == "echo");
    CHECK(table.entries().size() == 1);
    CHECK(route(table, "", "/echo/x") == "echo /x");

    SECTION("the same prefix for another host or with a trailing slash is no conflict")
    {
        CHECK(table.add(entry("/echo", "hosted", true, "example.com")) == nullptr);
        CHECK(table.add(entry("/echo/", "slash")) == nullptr);
        CHECK(table.entries().size() == 3);
    }
    SECTION("hosts are compared normalized")
    {
        REQUIRE(table.add(entry("/x", "a", true, "example.com")) == nullptr);
        const RouteTable::Entry* hosted = table.add(entry("/x", "b", true, "Example.com:8080"));
        REQUIRE(hosted != nullptr);
        CHECK(hosted->plugin == "a");
    }
}

TEST_CASE("find() looks up exact host and prefix", "[router]")
{
    RouteTable table;
    table.add(entry("/echo", "echo"));
    table.add(entry("/echo", "hosted", true, "example.com"));

    REQUIRE(table.find("", "/echo") != nullptr);
    CHECK(table.find("", "/echo")->plugin == "echo");
    REQUIRE(table.find("example.com", "/echo") != nullptr);
    CHECK(table.find("example.com", "/echo")->plugin == "hosted");
    CHECK(table.find("EXAMPLE.com:80", "/echo")->plugin == "hosted");
    CHECK(table.find("", "/echo/") == nullptr);
    CHECK(table.find("", "/ech") == nullptr);
    CHECK(table.find("other.com", "/echo") == nullptr);
}

TEST_CASE("Entries are kept sorted: host routes first, then longest prefix first", "[router]")
{
    RouteTable table;
    table.add(entry("/", "root"));
    table.add(entry("/a", "a"));
    table.add(entry("/", "hosted-root", true, "x.com"));
    table.add(entry("/abc", "abc"));
    table.add(entry("/ab", "hosted-ab", true, "Y.com"));

    const auto& entries = table.entries();
    REQUIRE(entries.size() == 5);
    CHECK(entries[0].plugin == "hosted-ab");
    CHECK(entries[0].host == "y.com");   // stored lower-case
    CHECK(entries[1].plugin == "hosted-root");
    CHECK(entries[2].plugin == "abc");
    CHECK(entries[3].plugin == "a");
    CHECK(entries[4].plugin == "root");
}

TEST_CASE("The match keeps the entry's flags", "[router]")
{
    RouteTable table;
    RouteTable::Entry defaultRoute = entry("/echo", "echo");
    defaultRoute.fromConfig = false;
    table.add(defaultRoute);

    auto match = table.match("h", "/echo/x");
    REQUIRE(match);
    CHECK(match->entry->prefix == "/echo");
    CHECK(match->entry->stripPrefix);
    CHECK_FALSE(match->entry->fromConfig);
}

TEST_CASE("The Edge-Terrarium gateway table", "[router][gateway]")
{
    RouteTable table = gatewayTable();

    SECTION("service prefixes")
    {
        CHECK(route(table, "gateway.local", "/api/custom-client/items/1") == "custom-client /items/1");
        CHECK(route(table, "gateway.local", "/api/custom-client/") == "custom-client /");
        CHECK(route(table, "gateway.local", "/api/fake-provider/v1/x") == "custom-client /api/fake-provider/v1/x");
        CHECK(route(table, "gateway.local", "/api/file-storage/files/a.txt") == "file-storage /files/a.txt");
        CHECK(route(table, "gateway.local", "/api/storage/files") == "file-storage /files");
        CHECK(route(table, "gateway.local", "/api/logs/tail") == "logthon /tail");
        CHECK(route(table, "gateway.local", "/api/logthon/") == "logthon /");
    }
    SECTION("the rest of /api/ goes to service-sink, stripped")
    {
        CHECK(route(table, "gateway.local", "/api/unknown/x") == "service-sink /unknown/x");
        CHECK(route(table, "gateway.local", "/api/storagex/x") == "service-sink /storagex/x");
        CHECK(route(table, "gateway.local", "/api/custom-client") == "service-sink /custom-client");
    }
    SECTION("everything else goes to service-sink, unchanged")
    {
        CHECK(route(table, "gateway.local", "/") == "service-sink /");
        CHECK(route(table, "gateway.local", "/index.html") == "service-sink /index.html");
        CHECK(route(table, "gateway.local", "/api") == "service-sink /api");
    }
    SECTION("the website host goes to custom-client, unchanged")
    {
        CHECK(route(table, "mycoolwebsite.company.com", "/") == "custom-client /");
        CHECK(route(table, "MyCoolWebsite.Company.com:443", "/api/logs/x") == "custom-client /api/logs/x");
        CHECK(route(table, "mycoolwebsite.company.com", "/about") == "custom-client /about");
    }
}
