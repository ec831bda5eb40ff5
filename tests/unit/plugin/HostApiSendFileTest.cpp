// The host's response_send_file (ABI 1.3): a readable regular file's range becomes the reply's
// body; the descriptor belongs to the host from the call on, closed at once when it is refused
// (a range past the end, a directory, a write-only descriptor) and with the reply otherwise.
#include "http/HttpReply.h"
#include "plugin/HostApi.h"

#include <terrarium/plugin.h>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

using terrarium::HostApi;
using terrarium::HttpReply;

namespace {

int tenBytes(int flags = O_RDWR)
{
    char path[] = "/tmp/terrarium-hostapi-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, "0123456789", 10) == 10);
    if (flags != O_RDWR)
    {
        ::close(fd);
        fd = ::open(path, flags);
        REQUIRE(fd >= 0);
    }
    ::unlink(path);
    return fd;
}

bool isOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

trm_status sendFile(HttpReply& reply, int fd, uint64_t offset, uint64_t length)
{
    return HostApi::table()->response_send_file(reinterpret_cast<trm_response*>(&reply), fd, offset, length);
}

} // namespace

TEST_CASE("host api: response_send_file takes the descriptor, checks the range and the file", "[hostapi][files]")
{
    const trm_host_api* api = HostApi::table();
    REQUIRE(TRM_HOST_HAS(api, response_send_file));

    HttpReply reply;
    reply.setBody("replaced");
    int fd = tenBytes();
    CHECK(sendFile(reply, fd, 2, 8) == TRM_OK);
    CHECK(reply.hasFile());
    CHECK(reply.body().empty());
    CHECK(reply.file().offset == 2);
    CHECK(reply.bodySize() == 8);
    CHECK(isOpen(fd));
    reply.setBody("a body replaces the file and closes it");
    CHECK_FALSE(reply.hasFile());
    CHECK_FALSE(isOpen(fd));

    fd = tenBytes();
    CHECK(sendFile(reply, fd, 10, 0) == TRM_OK);   // an empty range at the end is fine
    reply.reset();
    CHECK_FALSE(isOpen(fd));

    for (auto [offset, length] : {std::pair<uint64_t, uint64_t>{0, 11}, {11, 0}, {5, UINT64_MAX}})
    {
        fd = tenBytes();
        CHECK(sendFile(reply, fd, offset, length) == TRM_ERR_INVALID);
        CHECK_FALSE(isOpen(fd));
        CHECK_FALSE(reply.hasFile());
    }

    fd = ::open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(sendFile(reply, fd, 0, 0) == TRM_ERR_INVALID);
    CHECK_FALSE(isOpen(fd));

    fd = tenBytes(O_WRONLY);
    CHECK(sendFile(reply, fd, 0, 1) == TRM_ERR_INVALID);
    CHECK_FALSE(isOpen(fd));

    CHECK(sendFile(reply, -1, 0, 0) == TRM_ERR_INVALID);
    fd = tenBytes();
    CHECK(api->response_send_file(nullptr, fd, 0, 1) == TRM_ERR_INVALID);
    CHECK_FALSE(isOpen(fd));
}
