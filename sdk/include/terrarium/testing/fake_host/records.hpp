// Terrarium plugin SDK, part of the fake host (include <terrarium/testing/fake_host.hpp>, not this):
// what a test reads back (responses, log records, service calls), what it scripts (service replies)
// and the error a FakeHost throws.
#ifndef TERRARIUM_TESTING_FAKE_HOST_RECORDS_HPP
#define TERRARIUM_TESTING_FAKE_HOST_RECORDS_HPP

#include "terrarium/plugin.h"
#include "terrarium/testing/fake_host/common.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace terrarium {
namespace testing {

/// A file a plugin answered with (response_send_file, ABI 1.3). The fake host has closed the
/// descriptor once call() returned, as the host does once the file is sent.
struct FakeFileBody {
    int descriptor = -1;   ///< the descriptor the plugin handed over (closed by now)
    uint64_t offset = 0;   ///< where the range starts
    uint64_t length = 0;   ///< its length: the Content-Length the host sends
};

/// What the host would have sent for one call().
struct FakeResponse {
    int status = 0;              ///< HTTP status the host sends
    Headers headers;             ///< response headers in the order added
    std::string body;            ///< response body (a file's range, read, unless FakeHost::readFileBodies(false))
    trm_status result = TRM_OK;  ///< what the plugin's handle() returned
    std::optional<FakeFileBody> file;  ///< the file the plugin answered with, if it did

    /// Value of the first header with this name (case-insensitive), if any.
    std::optional<std::string> header(std::string_view name) const { return detail::findPair(headers, name); }
};

/// One log record the plugin emitted.
struct LogRecord {
    int32_t level = TRM_LOG_INFO;  ///< trm_log_level, clamped to TRACE..ERROR
    std::string message;           ///< the message
    Headers fields;                ///< structured fields in order

    /// Value of the first field with this key (case-insensitive), if any.
    std::optional<std::string> field(std::string_view key) const { return detail::findPair(fields, key); }
};

/// One http_call() the plugin made, as the host received it.
struct FakeServiceCall {
    std::string service;       ///< logical service name; empty for an absolute URL in path
    std::string method;        ///< "GET" when the plugin left it empty
    std::string path;          ///< path and query, or the absolute URL
    std::string body;          ///< request body
    Headers headers;           ///< request headers in order
    uint32_t timeoutMs = 0;    ///< as given (0 = host default)
    uint32_t maxAttempts = 0;  ///< as given (0 = host default)
    std::string requestId;     ///< the id of the request being served on the calling thread, which the
                               ///< host sends as X-Request-Id (also in-process); empty from other threads
};

/// What the fake host answers to one http_call().
struct FakeServiceReply {
    trm_status result = TRM_OK;  ///< anything but TRM_OK: http_call fails with it, no response
    int status = 200;            ///< HTTP status of the response
    Headers headers;             ///< response headers
    std::string body;            ///< response body
    unsigned attempts = 1;       ///< tries reported in the response
    bool inProcess = false;      ///< sets TRM_CLIENT_IN_PROCESS
};

/// A plugin refused to load or a capability failed; status() is the trm_status.
class FakeHostError : public std::runtime_error {
public:
    /// An error with the status that caused it.
    FakeHostError(trm_status status, const std::string& message)
        : std::runtime_error(message + " (" + statusName(status) + " = " + std::to_string(status) + ")"), _status(status) {}
    /// The trm_status that caused the error.
    trm_status status() const noexcept { return _status; }

private:
    trm_status _status;
};

} // namespace testing
} // namespace terrarium

#endif // TERRARIUM_TESTING_FAKE_HOST_RECORDS_HPP
