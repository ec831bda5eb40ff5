#include "logging/LogPipelineFactory.h"

#include "config/Config.h"
#include "logging/ConsoleSink.h"
#include "logging/LogLevels.h"
#include "logging/LogthonSink.h"
#include "logging/RotatingFileSink.h"
#include "logging/ServiceFilterSink.h"

#include <Poco/Exception.h>

namespace terrarium {

namespace {

LogLevel levelOf(const std::string& key, const std::string& name)
{
    LogLevel level = LogLevel::Info;
    if (!LogLevels::tryParse(name, level))
        throw Poco::InvalidArgumentException(key + ": unknown log level '" + name
            + "', expected one of none, fatal, critical, error, warning, notice, information, debug, trace");
    return level;
}

} // namespace

std::unique_ptr<LogPipeline> LogPipelineFactory::create(const LogConfig& config, LogShipper shipper, LogDiagnostics::Writer diagnostics,
                                                       std::function<bool()> destination)
{
    auto pipeline = std::make_unique<LogPipeline>(levelOf("log.level", config.level), config.queueCapacity);
    for (const auto& entry : config.pluginLevels)
        pipeline->setLevel(entry.first, levelOf("log.plugins." + entry.first, entry.second));
    if (config.console)
    {
        try
        {
            pipeline->addSink(std::make_unique<ConsoleSink>(config.format));
        }
        catch (const Poco::InvalidArgumentException& error)
        {
            throw Poco::InvalidArgumentException("log.format: " + error.message());
        }
    }
    if (!config.filePath.empty())
        pipeline->addSink(std::make_unique<RotatingFileSink>(config.filePath, config.fileMaxBytes, config.fileKeep, diagnostics));
    if (config.logthon && shipper)
    {
        LogthonSink::Settings settings = LogthonSink::Settings::fromConfig(config);
        settings.destination = std::move(destination);
        // The logthon plugin's own records are not shipped to it (see ServiceFilterSink).
        pipeline->addSink(std::make_unique<ServiceFilterSink>(std::make_unique<LogthonSink>(std::move(shipper), std::move(settings), diagnostics),
                                                              "logthon"));
    }
    return pipeline;
}

} // namespace terrarium
