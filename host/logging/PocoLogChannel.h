#ifndef Terrarium_PocoLogChannel_INCLUDED
#define Terrarium_PocoLogChannel_INCLUDED

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Message.h>

#include <atomic>
#include <string>

namespace terrarium {

class LogPipeline;

/// A Poco::Channel that turns Poco::Messages into LogRecords of service "host" (the logger's
/// name in field "logger", the source file and line in "source" when the message has them), so
/// that host code logging through Poco::Logger::get(...) goes through the LogPipeline. Priorities
/// map to levels as LogLevels::fromPriority() says (fatal and critical are error, notice is info).
class PocoLogChannel : public Poco::Channel
{
public:
    /// Feeds pipeline, which must outlive the channel or be detached first.
    explicit PocoLogChannel(LogPipeline& pipeline);

    /// Turns message into a record and hands it to the pipeline; after detach() it is dropped.
    void log(const Poco::Message& message) override;

    /// Stops feeding the pipeline (call before destroying it while loggers may still log).
    void detach();

    /// Makes a channel for pipeline the channel of every Poco logger (existing ones and, through
    /// the root logger, future ones) and keeps the loggers' level equal to the pipeline's level of
    /// "host", now and after every level change (so disabled messages are not even formatted).
    static Poco::AutoPtr<PocoLogChannel> install(LogPipeline& pipeline);

protected:
    ~PocoLogChannel() override = default;

private:
    std::atomic<LogPipeline*> _pipeline;
};

} // namespace terrarium

#endif
