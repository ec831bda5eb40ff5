#ifndef Terrarium_ServiceFilterSink_INCLUDED
#define Terrarium_ServiceFilterSink_INCLUDED

#include "logging/LogSink.h"

#include <memory>
#include <string>

namespace terrarium {

/// Passes every record to an inner sink except the records of one service, and reports the inner
/// sink's name and figures. LogPipelineFactory puts it in front of the LogthonSink with the name of
/// the shipping destination ("logthon"): what the logthon plugin itself logs, on any thread, is
/// never shipped back to it (services.md §6: never recursively).
class ServiceFilterSink : public LogSink
{
public:
    /// Forwards to inner everything but the records whose service is excludedService.
    ServiceFilterSink(std::unique_ptr<LogSink> inner, std::string excludedService);

    /// The inner sink's name.
    std::string name() const override { return _inner->name(); }
    /// Starts the inner sink.
    void start() override { _inner->start(); }
    /// Passes record on unless its service is the excluded one.
    void write(const LogRecord& record) override;
    /// Flushes the inner sink.
    void flush() override { _inner->flush(); }
    /// Stops the inner sink within bound.
    void stop(Poco::Timespan bound) override { _inner->stop(bound); }
    /// The inner sink's figures (excluded records are not counted).
    LogSinkStats stats() const override { return _inner->stats(); }

private:
    std::unique_ptr<LogSink> _inner;
    std::string _excludedService;
};

} // namespace terrarium

#endif
