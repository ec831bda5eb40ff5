// AdminEndpoints: the one table of the admin API's calls, its path patterns and the methods of a path.
#include "admin/AdminEndpoints.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <set>
#include <string>

using terrarium::AdminEndpoint;
using terrarium::AdminEndpoints;

TEST_CASE("AdminEndpoints: patterns match one segment per {parameter}", "[admin][endpoints]")
{
    CHECK(AdminEndpoints::matches("/admin/plugins/{name}", "/admin/plugins/echo"));
    CHECK(AdminEndpoints::matches("/admin/plugins/{name}/reload", "/admin/plugins/echo/reload"));
    CHECK_FALSE(AdminEndpoints::matches("/admin/plugins/{name}", "/admin/plugins"));
    CHECK_FALSE(AdminEndpoints::matches("/admin/plugins/{name}", "/admin/plugins/echo/reload"));
    CHECK_FALSE(AdminEndpoints::matches("/admin/plugins", "/admin/services"));
    CHECK(AdminEndpoints::matches("/admin", "/admin"));
}

TEST_CASE("AdminEndpoints: the methods of a path, for 405 answers", "[admin][endpoints]")
{
    CHECK(AdminEndpoints::allowedMethods("/admin/plugins") == "GET, POST");
    CHECK(AdminEndpoints::allowedMethods("/admin/plugins/echo") == "GET, DELETE");
    CHECK(AdminEndpoints::allowedMethods("/admin/plugins/echo/reload") == "POST");
    CHECK(AdminEndpoints::allowedMethods("/admin/nothing").empty());
}

TEST_CASE("AdminEndpoints: each call once, a one-line summary, mutations are not for the read-only token", "[admin][endpoints]")
{
    std::set<std::string> seen;
    for (const AdminEndpoint& endpoint : AdminEndpoints::all())
    {
        std::string call = std::string(endpoint.method) + " " + endpoint.path;
        INFO(call);
        CHECK(seen.insert(call).second);
        CHECK(std::string(endpoint.summary).find('\n') == std::string::npos);
        // Every method but GET mutates; of the GETs only the snapshot, which drains a plugin and hands out its data.
        const bool snapshot = std::string(endpoint.path) == "/admin/plugins/{name}/snapshot";
        CHECK(endpoint.mutates == (std::string(endpoint.method) != "GET" || snapshot));
        CHECK(AdminEndpoints::mutates(endpoint.method, endpoint.path) == endpoint.mutates);
    }
    CHECK(AdminEndpoints::mutates("HEAD", "/admin/plugins/{name}/snapshot"));
    CHECK_FALSE(AdminEndpoints::mutates("HEAD", "/admin/plugins"));
    CHECK(AdminEndpoints::mutates("PATCH", "/admin/unknown"));
    CHECK_FALSE(AdminEndpoints::mutates("GET", "/admin/unknown"));
    Poco::JSON::Parser parser;
    Poco::JSON::Object::Ptr list = parser.parse(AdminEndpoints::listJson()).extract<Poco::JSON::Object::Ptr>();
    CHECK(list->getArray("endpoints")->size() == AdminEndpoints::all().size());
}
