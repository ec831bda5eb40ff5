#ifndef Terrarium_LoggingTestSupport_INCLUDED
#define Terrarium_LoggingTestSupport_INCLUDED

#include "logging/LogDiagnostics.h"
#include "logging/LogSink.h"
#include "logging/ShipResult.h"

#include "Eventually.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NullChannel.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

#include <condition_variable>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace terrarium {
namespace test {

/// A sink keeping copies of the records it is given.
class MemorySink : public LogSink
{
public:
    /// Shared with the test after the pipeline took ownership of the sink.
    struct Store
    {
        mutable std::mutex mutex;
        std::vector<LogRecord> records;

        std::vector<LogRecord> copy() const
        {
            std::lock_guard<std::mutex> lock(mutex);
            return records;
        }

        std::size_t size() const
        {
            std::lock_guard<std::mutex> lock(mutex);
            return records.size();
        }
    };

    explicit MemorySink(std::shared_ptr<Store> store) : _store(std::move(store)) {}

    std::string name() const override { return "memory"; }

    void write(const LogRecord& record) override
    {
        std::lock_guard<std::mutex> lock(_store->mutex);
        _store->records.push_back(record);
    }

    LogSinkStats stats() const override
    {
        LogSinkStats stats;
        stats.name = name();
        stats.written = _store->size();
        return stats;
    }

private:
    std::shared_ptr<Store> _store;
};

/// Lines written by a LogDiagnostics writer, kept for assertions.
class CapturedDiagnostics
{
public:
    LogDiagnostics::Writer writer()
    {
        auto lines = _lines;
        auto mutex = _mutex;
        return [lines, mutex](const std::string& line) {
            std::lock_guard<std::mutex> lock(*mutex);
            lines->push_back(line);
        };
    }

    std::vector<std::string> lines() const
    {
        std::lock_guard<std::mutex> lock(*_mutex);
        return *_lines;
    }

    bool contains(const std::string& text) const
    {
        for (const std::string& line : lines())
            if (line.find(text) != std::string::npos)
                return true;
        return false;
    }

private:
    std::shared_ptr<std::vector<std::string>> _lines = std::make_shared<std::vector<std::string>>();
    std::shared_ptr<std::mutex> _mutex = std::make_shared<std::mutex>();
};

/// A LogShipper posting to logthon at 127.0.0.1:port over one keep-alive Poco session (what the
/// host's client does, minus pooling): 2xx delivered, 408/429/5xx and I/O errors retryable,
/// other statuses rejected.
inline LogShipper httpShipper(Poco::UInt16 port, const std::string& path = "/logs")
{
    auto session = std::make_shared<Poco::Net::HTTPClientSession>("127.0.0.1", port);
    session->setTimeout(Poco::Timespan(20, 0));
    return [session, path](const std::string& body) {
        try
        {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
            session->sendRequest(request) << body;
            Poco::Net::HTTPResponse response;
            std::string answer;
            Poco::StreamCopier::copyToString(session->receiveResponse(response), answer);
            return ShipResult::fromStatus(response.getStatus(), answer);
        }
        catch (const Poco::Exception& error)
        {
            session->reset();
            return ShipResult::retryable(error.displayText());
        }
    };
}

/// Parses a JSON object text (throws on anything else).
inline Poco::JSON::Object::Ptr parseObject(const std::string& text)
{
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// The lines of a file.
inline std::vector<std::string> readLines(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

/// Routes every Poco logger to a NullChannel at information level when it goes away, undoing
/// PocoLogChannel::install() for the next test.
class PocoLoggersReset
{
public:
    ~PocoLoggersReset()
    {
        Poco::AutoPtr<Poco::NullChannel> quiet(new Poco::NullChannel);
        Poco::Logger::root().setChannel(quiet);
        Poco::Logger::setChannel("", quiet);
        Poco::Logger::setLevel("", Poco::Message::PRIO_INFORMATION);
    }
};

} // namespace test
} // namespace terrarium

#endif
