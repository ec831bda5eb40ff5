#include "logging/PocoLogChannel.h"

#include "logging/LogLevels.h"
#include "logging/LogPipeline.h"

#include <Poco/Logger.h>

namespace terrarium {

PocoLogChannel::PocoLogChannel(LogPipeline& pipeline) : _pipeline(&pipeline)
{
}

void PocoLogChannel::log(const Poco::Message& message)
{
    LogPipeline* pipeline = _pipeline.load(std::memory_order_acquire);
    if (!pipeline)
        return;
    const LogLevel level = LogLevels::fromPriority(message.getPriority());
    if (!pipeline->enabled("host", level))
        return;
    LogRecord record;
    record.timestamp = message.getTime();
    record.level = level;
    record.service = "host";
    record.message = message.getText();
    if (!message.getSource().empty())
        record.fields.emplace_back("logger", message.getSource());
    if (message.getSourceFile())
        record.fields.emplace_back("source", std::string(message.getSourceFile()) + ":" + std::to_string(message.getSourceLine()));
    pipeline->log(std::move(record));
}

void PocoLogChannel::detach()
{
    _pipeline.store(nullptr, std::memory_order_release);
}

Poco::AutoPtr<PocoLogChannel> PocoLogChannel::install(LogPipeline& pipeline)
{
    Poco::AutoPtr<PocoLogChannel> channel(new PocoLogChannel(pipeline));
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::setChannel("", channel);
    auto syncLevel = [&pipeline] { Poco::Logger::setLevel("", LogLevels::toPriority(pipeline.level("host"))); };
    syncLevel();
    pipeline.setLevelObserver(syncLevel);
    return channel;
}

} // namespace terrarium
