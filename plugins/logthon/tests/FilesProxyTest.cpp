// logthon: GET/DELETE /files[/name] proxied to file-storage through the host's service calls.
#include "LogthonFixture.h"

#include <string>

using namespace logthon::test;
using terrarium::testing::FakeServiceCall;
using terrarium::testing::FakeServiceReply;

TEST_CASE("GET and DELETE /files[/name] reach file-storage with path and query, its answer comes back as is", "[logthon][files]")
{
    LogthonFixture logthon;
    logthon.host.onServiceCall([](const FakeServiceCall& call) {
        FakeServiceReply reply;
        reply.status = call.method == "DELETE" ? 200 : 404;
        reply.headers = {{"Content-Type", "application/json"}};
        reply.body = "{\"seen\":\"" + call.method + " " + call.path + "\"}";
        return reply;
    });
    FakeResponse list = logthon.host.call("GET", "/files?limit=5");
    CHECK(list.status == 404);
    CHECK(list.body == R"({"seen":"GET /files?limit=5"})");
    CHECK(list.header("Content-Type") == std::string("application/json"));
    CHECK(logthon.host.call("DELETE", "/files/report.txt").body == R"({"seen":"DELETE /files/report.txt"})");
    CHECK(logthon.host.call("DELETE", "/files").body == R"({"seen":"DELETE /files"})");
    auto calls = logthon.host.serviceCalls();
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].service == "file-storage");
    CHECK(logthon.host.liveServiceResponses() == 0);
}

TEST_CASE("file-storage unreachable answers 503, a timeout 504, other failures 502, in JSON", "[logthon][files][failure]")
{
    LogthonFixture logthon;
    trm_status result = TRM_ERR_NOT_FOUND;
    logthon.host.onServiceCall([&](const FakeServiceCall&) {
        FakeServiceReply reply;
        reply.result = result;
        return reply;
    });
    FakeResponse unknown = logthon.host.call("GET", "/files");
    CHECK(unknown.status == 503);
    CHECK(errorCode(unknown) == "file_storage_unavailable");
    result = TRM_ERR_UNAVAILABLE;
    CHECK(logthon.host.call("GET", "/files/a.txt").status == 503);
    result = TRM_ERR_TIMEOUT;
    FakeResponse timeout = logthon.host.call("GET", "/files");
    CHECK(timeout.status == 504);
    CHECK(errorCode(timeout) == "file_storage_timeout");
    result = TRM_ERR_TOO_LARGE;
    CHECK(logthon.host.call("GET", "/files").status == 502);
    CHECK(logthon.host.counter("files_proxy_failures") == 4);
    CHECK(logthon.host.logged("file-storage did not answer"));
}

TEST_CASE("/files takes only GET, HEAD and DELETE", "[logthon][files]")
{
    LogthonFixture logthon;
    FakeResponse post = logthon.host.call("POST", "/files", "{}");
    CHECK(post.status == 405);
    CHECK(post.header("Allow") == std::string("GET, HEAD, DELETE"));
    CHECK(logthon.host.serviceCalls().empty());
}
