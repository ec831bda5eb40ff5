// log_bench: throughput of the log pipeline (host/logging) from log() to logthon.
//
// Each scenario logs --records records through a LogPipeline whose only sink is a LogthonSink;
// its LogShipper is an in-process logthon stand-in that parses every body (a round's batch: a JSON
// array of records) with Poco::JSON and counts the records (no network: what is measured is the
// pipeline, the JSON rendering and the queueing).
// The records are logged from 1 and from 2 threads, as fast as they come, once with the default
// queue (10000 records: a burst larger than that overflows and is dropped, as in production) and
// once with a queue as large as the burst (nothing dropped: the sustained shipping rate).
//
// Usage: log_bench [--records N] [--batch N] [--rounds N]

#include "logging/LogPipeline.h"
#include "logging/LogthonSink.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options
{
    std::size_t records = 200000;
    std::size_t batch = 100;
    unsigned rounds = 3;
};

struct Scenario
{
    unsigned threads;
    std::size_t capacity;
};

struct Figures
{
    double callsPerSecond = 0;    // log() calls per second, seen by the logging threads
    double nanosPerCall = 0;      // mean time of one log() call per thread
    double shippedPerSecond = 0;  // records delivered to the stand-in per second, first log() to last delivery
    std::uint64_t shipped = 0;
    std::uint64_t dropped = 0;
};

double seconds(Clock::duration duration)
{
    return std::chrono::duration<double>(duration).count();
}

Figures runOnce(const Options& options, const Scenario& scenario)
{
    std::atomic<std::uint64_t> received{0};
    std::atomic<Clock::rep> lastDelivery{0};
    terrarium::LogShipper standIn = [&](const std::string& body) {
        Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(body);
        std::vector<Poco::JSON::Object::Ptr> entries;
        if (parsed.type() == typeid(Poco::JSON::Array::Ptr))
        {
            Poco::JSON::Array::Ptr batch = parsed.extract<Poco::JSON::Array::Ptr>();
            for (unsigned index = 0; index < batch->size(); ++index)
                entries.push_back(batch->getObject(index));
        }
        else
            entries.push_back(parsed.extract<Poco::JSON::Object::Ptr>());
        for (const auto& entry : entries)
            if (!entry || !entry->has("service") || !entry->has("message"))
                return terrarium::ShipResult::rejected("422: service and message are required");
        received += entries.size();
        lastDelivery = Clock::now().time_since_epoch().count();
        return terrarium::ShipResult::delivered();
    };

    terrarium::LogthonSink::Settings settings;
    settings.queueCapacity = scenario.capacity;
    settings.batchSize = options.batch;
    settings.identity.containerId = "bench";
    settings.identity.containerName = "bench";
    terrarium::LogPipeline pipeline(terrarium::LogLevel::Info, scenario.capacity);
    pipeline.addSink(std::make_unique<terrarium::LogthonSink>(standIn, settings));
    pipeline.start();

    const std::size_t perThread = options.records / scenario.threads;
    std::vector<std::thread> threads;
    const Clock::time_point start = Clock::now();
    for (unsigned thread = 0; thread < scenario.threads; ++thread)
        threads.emplace_back([&pipeline, perThread, thread] {
            const std::string service = "bench-" + std::to_string(thread);
            for (std::size_t index = 0; index < perThread; ++index)
                pipeline.log(service, terrarium::LogLevel::Info, "request served",
                    {{"path", "/echo/hello"}, {"status", "200"}, {"n", std::to_string(index)}});
        });
    for (auto& thread : threads)
        thread.join();
    const Clock::time_point logged = Clock::now();
    pipeline.stop(Poco::Timespan(120, 0));

    const terrarium::LogPipelineStats stats = pipeline.stats();
    const std::size_t total = perThread * scenario.threads;
    Figures figures;
    figures.callsPerSecond = static_cast<double>(total) / seconds(logged - start);
    figures.nanosPerCall = seconds(logged - start) * 1e9 / static_cast<double>(perThread);
    figures.shipped = stats.shipped;
    figures.dropped = stats.dropped;
    const Clock::time_point end = Clock::time_point(Clock::duration(lastDelivery.load()));
    if (received > 0)
        figures.shippedPerSecond = static_cast<double>(received) / seconds(end - start);
    return figures;
}

template <typename Value>
Value median(std::vector<Value> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

bool parse(int argc, char** argv, Options& options)
{
    for (int index = 1; index < argc; ++index)
    {
        const std::string argument = argv[index];
        if (argument == "--help" || argument == "-h" || index + 1 >= argc)
            return false;
        const unsigned long value = std::strtoul(argv[++index], nullptr, 10);
        if (value == 0)
            return false;
        if (argument == "--records")
            options.records = value;
        else if (argument == "--batch")
            options.batch = value;
        else if (argument == "--rounds")
            options.rounds = static_cast<unsigned>(value);
        else
            return false;
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    Options options;
    if (!parse(argc, argv, options))
    {
        std::cerr << "usage: log_bench [--records N (200000)] [--batch N (100)] [--rounds N (3)]\n";
        return 2;
    }
    const std::vector<Scenario> scenarios = {
        {1, 10000}, {2, 10000}, {1, options.records}, {2, options.records}};
    std::printf("log_bench: %zu records per run, batch %zu, median of %u rounds; shipper: in-process logthon stand-in (Poco::JSON parse + count)\n\n",
        options.records, options.batch, options.rounds);
    std::printf("  %-7s %9s %14s %12s %14s %10s %10s\n", "threads", "queue", "log() calls/s", "ns/call", "shipped/s", "shipped", "dropped");
    for (const Scenario& scenario : scenarios)
    {
        std::vector<double> calls, nanos, shippedRate;
        std::vector<std::uint64_t> shipped, dropped;
        for (unsigned round = 0; round < options.rounds; ++round)
        {
            const Figures figures = runOnce(options, scenario);
            calls.push_back(figures.callsPerSecond);
            nanos.push_back(figures.nanosPerCall);
            shippedRate.push_back(figures.shippedPerSecond);
            shipped.push_back(figures.shipped);
            dropped.push_back(figures.dropped);
        }
        std::printf("  %-7u %9zu %14.0f %12.0f %14.0f %10llu %10llu\n", scenario.threads, scenario.capacity, median(calls),
            median(nanos), median(shippedRate), static_cast<unsigned long long>(median(shipped)),
            static_cast<unsigned long long>(median(dropped)));
    }
    return 0;
}
