// The host answers config_get("terrarium.state_dir") for every plugin with its state directory
// (docs/plugins.md, "Config, metrics, logs"), whatever the plugin's own config holds.
#include "plugin/HostApi.h"
#include "plugin/PluginContext.h"

#include <terrarium/plugin.h>

#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <string>

using terrarium::HostApi;
using terrarium::HostServices;
using terrarium::PluginContext;

namespace {

trm_status configGet(PluginContext& context, const std::string& key, std::string& value)
{
    trm_str out{nullptr, 0};
    trm_status status = HostApi::table()->config_get(reinterpret_cast<trm_host_ctx*>(&context), trm_str{key.data(), key.size()}, &out);
    value.assign(out.ptr ? out.ptr : "", out.len);
    return status;
}

Poco::JSON::Object::Ptr settings(const std::string& json) { return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>(); }

} // namespace

TEST_CASE("host api: config_get answers terrarium.state_dir with the host's state directory", "[hostapi][config]")
{
    HostServices services;
    services.stateDir = "/var/lib/terrarium-test";
    HostApi::attach(services);
    PluginContext plain("plain", settings(R"({"greeting":"hi"})"), nullptr);
    PluginContext claiming("claiming", settings(R"({"terrarium":{"state_dir":"/elsewhere"}})"), nullptr);
    std::string value;
    CHECK(configGet(plain, "terrarium.state_dir", value) == TRM_OK);
    CHECK(value == "/var/lib/terrarium-test");
    CHECK(configGet(claiming, "terrarium.state_dir", value) == TRM_OK);
    CHECK(value == "/var/lib/terrarium-test");   // the host's fact wins over the plugin's config
    CHECK(configGet(plain, "greeting", value) == TRM_OK);
    CHECK(value == "hi");
    CHECK(configGet(plain, "terrarium.other", value) == TRM_ERR_NOT_FOUND);
    HostApi::attach(HostServices());
}

TEST_CASE("host api: without attached services terrarium.state_dir is the plugin's own config or absent", "[hostapi][config]")
{
    HostApi::attach(HostServices());
    PluginContext plain("plain", settings("{}"), nullptr);
    PluginContext claiming("claiming", settings(R"({"terrarium":{"state_dir":"/elsewhere"}})"), nullptr);
    std::string value;
    CHECK(configGet(plain, "terrarium.state_dir", value) == TRM_ERR_NOT_FOUND);
    CHECK(configGet(claiming, "terrarium.state_dir", value) == TRM_OK);
    CHECK(value == "/elsewhere");
}
