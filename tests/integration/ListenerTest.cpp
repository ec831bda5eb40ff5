// Listening addresses: an address another host already listens on stops start-up (exit 71,
// naming the address) unless both hosts ask for reuse_port.
#include "TerrariumProcess.h"

#include <catch2/catch.hpp>

using namespace terrarium::test;

namespace {

/// A host whose main listener is on address, with reusePort as its reuse_port setting.
TerrariumProcess::Options hostOn(const std::string& address, bool reusePort, bool waitReady = true)
{
    TerrariumProcess::Options options;
    options.configJson = std::string(R"({"reuse_port": )") + (reusePort ? "true" : "false") + "}";
    options.extraArgs = {"--listen", address};
    options.waitReady = waitReady;
    return options;
}

} // namespace

TEST_CASE("listeners: a second host on an address in use exits 71 naming the address, the first keeps serving", "[listen][cli]")
{
    SECTION("neither asks for reuse_port")
    {
        TerrariumProcess first(hostOn("127.0.0.1:0", false));
        TerrariumProcess second(hostOn(first.mainAddress(), false, false));
        int code = second.waitForExit(Poco::Timespan(30, 0));
        INFO(second.log());
        CHECK(code == 71);   // EX_OSERR, as the man page says
        CHECK(second.log().find("cannot listen on " + first.mainAddress()) != std::string::npos);
        CHECK(second.log().find("listener 'main'") != std::string::npos);
        CHECK(first.get("/health").status == 200);
    }
    SECTION("only the second asks for reuse_port")
    {
        TerrariumProcess first(hostOn("127.0.0.1:0", false));
        TerrariumProcess second(hostOn(first.mainAddress(), true, false));
        CHECK(second.waitForExit(Poco::Timespan(30, 0)) == 71);
        INFO(second.log());
        CHECK(second.log().find(first.mainAddress()) != std::string::npos);
    }
    SECTION("the admin listener's address")
    {
        TerrariumProcess first(hostOn("127.0.0.1:0", false));
        TerrariumProcess::Options options;
        options.extraArgs = {"--admin-listen", first.adminAddress()};
        options.waitReady = false;
        TerrariumProcess second(options);
        CHECK(second.waitForExit(Poco::Timespan(30, 0)) == 71);
        INFO(second.log());
        CHECK(second.log().find("listener 'admin' cannot listen on " + first.adminAddress()) != std::string::npos);
    }
}

TEST_CASE("listeners: with reuse_port on both, two hosts share one address", "[listen]")
{
    TerrariumProcess first(hostOn("127.0.0.1:0", true));
    TerrariumProcess second(hostOn(first.mainAddress(), true));
    CHECK(second.mainAddress() == first.mainAddress());
    CHECK(first.get("/health").status == 200);
    CHECK(second.get("/health").status == 200);
    // The listening sockets of both processes take connections on the address.
    CHECK(first.running());
    CHECK(second.running());
}
