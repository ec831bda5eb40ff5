#include "FileCreator.h"

#include "Utf8Text.h"

#include <terrarium/json.hpp>

namespace terrarium::sink {

namespace {

std::string fileTimestamp(std::time_t now)
{
    std::tm local{};
    localtime_r(&now, &local);
    char text[32];
    std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%d_%H-%M-%S", &local);
    return std::string(text, length);
}

/// At most limit bytes of text, for a log field.
std::string excerpt(std::string_view text, std::size_t limit = 200)
{
    return Utf8Text::repaired(text.size() <= limit ? text : text.substr(0, limit)) + (text.size() <= limit ? "" : "...");
}

} // namespace

FileCreator::FileCreator(const terrarium::Host& host, std::string service, std::uint32_t timeoutMs)
    : _host(host), _service(std::move(service)), _timeoutMs(timeoutMs)
{
}

std::string FileCreator::body(std::time_t now)
{
    const std::string timestamp = fileTimestamp(now);
    json::ObjectPtr document = json::object();
    document->set("filename_prefix", timestamp);
    document->set("content", "Custom Client generated file at " + timestamp +
                             "\n\nThis is a test file created by the Custom Client plugin.\n\nFile Details:\n- Created: " + timestamp +
                             "\n- Service: custom-client\n- Purpose: Automated file creation test\n");
    document->set("extension", ".txt");
    return json::write(document);
}

bool FileCreator::create(std::time_t now) const
{
    try {
        terrarium::ServiceResponse answer = _host.call(_service, "PUT", "/files", body(now), {{"Content-Type", "application/json"}},
                                                       terrarium::CallOptions{_timeoutMs, 0});
        if (answer.status() == 200) {
            _host.count("files_created");
            _host.log(terrarium::LogLevel::Info, "Successfully created file via file storage API",
                      {{"storage_service", _service}, {"response", excerpt(answer.body())}, {"in_process", answer.inProcess() ? "true" : "false"}});
            return true;
        }
        _host.count("file_failures");
        _host.log(terrarium::LogLevel::Error, "File storage API returned error code: " + std::to_string(answer.status()),
                  {{"storage_service", _service}, {"status", std::to_string(answer.status())}, {"response", excerpt(answer.body())}});
    } catch (const terrarium::Error& e) {
        _host.count("file_failures");
        _host.log(terrarium::LogLevel::Error, "Failed to create file via file storage API", {{"storage_service", _service}, {"error", e.what()}});
    }
    return false;
}

} // namespace terrarium::sink
