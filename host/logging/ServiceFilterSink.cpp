#include "logging/ServiceFilterSink.h"

namespace terrarium {

ServiceFilterSink::ServiceFilterSink(std::unique_ptr<LogSink> inner, std::string excludedService)
    : _inner(std::move(inner)), _excludedService(std::move(excludedService))
{
}

void ServiceFilterSink::write(const LogRecord& record)
{
    if (record.service != _excludedService) _inner->write(record);
}

} // namespace terrarium
