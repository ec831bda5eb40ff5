#include "LogthonFixture.h"

#include "FixtureJson.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <chrono>

namespace terrarium {
namespace test {

namespace {

Poco::JSON::Object detail(const std::string& text)
{
    Poco::JSON::Object body;
    body.set("detail", text);
    return body;
}

std::string queryParameter(const Poco::URI& uri, const std::string& name, const std::string& fallback)
{
    for (const auto& parameter : uri.getQueryParameters())
        if (parameter.first == name)
            return parameter.second;
    return fallback;
}

} // namespace

LogthonFixture::LogthonFixture() : _server(*this, 32, 64)
{
    _server.start();
}

LogthonFixture::~LogthonFixture()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _stopping = true;
        _slow = false;
    }
    _changed.notify_all();
    _server.stop();
}

std::string LogthonFixture::baseUrl() const
{
    return "http://127.0.0.1:" + std::to_string(_server.port());
}

std::vector<Poco::JSON::Object::Ptr> LogthonFixture::records() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    std::vector<Poco::JSON::Object::Ptr> bodies;
    for (const Entry& entry : _entries)
        bodies.push_back(entry.body);
    return bodies;
}

std::size_t LogthonFixture::count() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _entries.size();
}

bool LogthonFixture::waitForCount(std::size_t count, Poco::Timespan timeout) const
{
    std::unique_lock<std::mutex> lock(_mutex);
    return _changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()),
        [&] { return _entries.size() >= count; });
}

std::size_t LogthonFixture::posts() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _posts;
}

void LogthonFixture::clear()
{
    std::lock_guard<std::mutex> lock(_mutex);
    _entries.clear();
    _deliveries.clear();
}

void LogthonFixture::setDown(bool down)
{
    _server.setDown(down);
}

void LogthonFixture::setSlow(bool slow)
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _slow = slow && !_stopping;
    }
    _changed.notify_all();
}

unsigned LogthonFixture::held() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _held;
}

bool LogthonFixture::waitForHeld(unsigned count, Poco::Timespan timeout) const
{
    std::unique_lock<std::mutex> lock(_mutex);
    return _changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()),
        [&] { return _held >= count; });
}

std::vector<LogthonFixture::Delivery> LogthonFixture::deliveries() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _deliveries;
}

void LogthonFixture::setAcceptsBatches(bool accepts)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _acceptsBatches = accepts;
}

void LogthonFixture::setFailureStatus(int status)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _failureStatus = status;
}

void LogthonFixture::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
    const Poco::URI uri(request.getURI());
    const std::string& path = uri.getPath();
    const std::string& method = request.getMethod();
    if (method == "POST" && (path == "/logs" || path == "/api/logs" || path == "/"))
        handlePost(request, response);
    else if (method == "GET" && (path == "/logs" || path == "/api/logs"))
        handleList(request, response);
    else if (method == "DELETE" && (path == "/logs" || path == "/api/logs"))
        handleClear(request, response);
    else if (method == "GET" && path == "/health")
    {
        Poco::JSON::Object body;
        body.set("status", "healthy");
        body.set("service", "logthon");
        body.set("timestamp", Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FRAC_FORMAT));
        body.set("connected_clients", 0);
        FixtureJson::send(response, 200, body);
    }
    else
        FixtureJson::send(response, 404, detail("Not Found"));
}

void LogthonFixture::handlePost(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
    std::string text;
    Poco::StreamCopier::copyToString(request.stream(), text);
    int failureStatus = 0;
    {
        std::unique_lock<std::mutex> lock(_mutex);
        ++_posts;
        failureStatus = _failureStatus;
        if (_slow && failureStatus == 0)
        {
            ++_held;
            _changed.notify_all();
            _changed.wait(lock, [this] { return !_slow || _stopping; });
            --_held;
        }
    }
    if (failureStatus != 0)
    {
        FixtureJson::send(response, failureStatus, detail("failing on purpose"));
        return;
    }
    Poco::Dynamic::Var parsed;
    try
    {
        parsed = Poco::JSON::Parser().parse(text);
    }
    catch (const Poco::Exception& error)
    {
        FixtureJson::send(response, 422, detail("invalid JSON body: " + error.displayText()));
        return;
    }
    std::vector<Poco::JSON::Object::Ptr> bodies;
    const bool batch = parsed.type() == typeid(Poco::JSON::Array::Ptr);
    if (batch)
    {
        Poco::JSON::Array::Ptr array = parsed.extract<Poco::JSON::Array::Ptr>();
        for (unsigned index = 0; array && index < array->size(); ++index)
            bodies.push_back(array->getObject(index));
    }
    else if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
        bodies.push_back(parsed.extract<Poco::JSON::Object::Ptr>());
    else
        bodies.push_back(nullptr);
    bool acceptsBatches = true;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        acceptsBatches = _acceptsBatches;
    }
    if (batch && !acceptsBatches)
    {
        FixtureJson::send(response, 422, detail("expected one log entry (a JSON object)"));
        return;
    }
    for (const Poco::JSON::Object::Ptr& body : bodies)
        if (!body || !body->has("service") || !body->has("message"))
        {
            FixtureJson::send(response, 422, detail("service and message are required"));
            return;
        }
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (const Poco::JSON::Object::Ptr& body : bodies)
            _entries.push_back(Entry{body, storedEntry(*body)});
        _deliveries.push_back(Delivery{bodies.size(), batch});
    }
    _changed.notify_all();
    Poco::JSON::Object answer;
    answer.set("status", "success");
    answer.set("message", bodies.size() == 1 && !batch ? std::string("Log entry added") : std::to_string(bodies.size()) + " log entries added");
    FixtureJson::send(response, 200, answer);
}

Poco::JSON::Object::Ptr LogthonFixture::storedEntry(const Poco::JSON::Object& body)
{
    Poco::JSON::Object::Ptr metadata = new Poco::JSON::Object;
    if (body.has("metadata") && body.isObject("metadata"))
        metadata = new Poco::JSON::Object(*body.getObject("metadata"));
    if (body.has("timestamp"))
        metadata->set("timestamp", body.get("timestamp"));
    if (body.has("request_id"))
        metadata->set("request_id", body.get("request_id"));
    Poco::JSON::Object::Ptr stored = new Poco::JSON::Object;
    stored->set("id", _nextId++);
    stored->set("timestamp", Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FRAC_FORMAT));
    stored->set("service", body.getValue<std::string>("service"));
    stored->set("level", body.has("level") ? body.getValue<std::string>("level") : std::string("INFO"));
    stored->set("message", body.getValue<std::string>("message"));
    stored->set("metadata", metadata);
    return stored;
}

void LogthonFixture::handleList(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
    const Poco::URI uri(request.getURI());
    const std::string service = queryParameter(uri, "service", "");
    int limit = 100;
    if (!Poco::NumberParser::tryParse(queryParameter(uri, "limit", "100"), limit) || limit < 0)
    {
        FixtureJson::send(response, 422, detail("limit must be a non-negative integer"));
        return;
    }
    std::vector<Poco::JSON::Object::Ptr> selected;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (const Entry& entry : _entries)
            if (service.empty() || entry.stored->getValue<std::string>("service") == service)
                selected.push_back(entry.stored);
    }
    const std::size_t first = selected.size() > static_cast<std::size_t>(limit) ? selected.size() - static_cast<std::size_t>(limit) : 0;
    Poco::JSON::Array::Ptr logs = new Poco::JSON::Array;
    for (std::size_t index = first; index < selected.size(); ++index)
        logs->add(selected[index]);
    Poco::JSON::Object body;
    body.set("logs", logs);
    body.set("count", static_cast<int>(logs->size()));
    FixtureJson::send(response, 200, body);
}

void LogthonFixture::handleClear(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
    const std::string service = queryParameter(Poco::URI(request.getURI()), "service", "");
    {
        std::lock_guard<std::mutex> lock(_mutex);
        std::vector<Entry> kept;
        if (!service.empty())
            for (const Entry& entry : _entries)
                if (entry.stored->getValue<std::string>("service") != service)
                    kept.push_back(entry);
        _entries.swap(kept);
    }
    Poco::JSON::Object body;
    body.set("status", "success");
    body.set("message", "Logs cleared for " + (service.empty() ? std::string("all services") : service));
    FixtureJson::send(response, 200, body);
}

} // namespace test
} // namespace terrarium
