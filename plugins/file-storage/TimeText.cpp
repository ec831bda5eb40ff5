#include "TimeText.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <chrono>

namespace filestorage {

namespace {

Poco::Timestamp timestampOf(std::int64_t ns)
{
    // Poco counts microseconds; floor towards the past for times before the epoch.
    std::int64_t us = ns / 1000 - (ns % 1000 < 0 ? 1 : 0);
    return Poco::Timestamp(static_cast<Poco::Timestamp::TimeVal>(us));
}

} // namespace

std::int64_t TimeText::nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string TimeText::iso(std::int64_t ns)
{
    return Poco::DateTimeFormatter::format(timestampOf(ns), Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

std::string TimeText::nameStamp(std::int64_t ns)
{
    return Poco::DateTimeFormatter::format(timestampOf(ns), "%Y%m%d_%H%M%S_%i");
}

std::string TimeText::http(std::int64_t ns)
{
    return Poco::DateTimeFormatter::format(timestampOf(ns), Poco::DateTimeFormat::HTTP_FORMAT);
}

} // namespace filestorage
