// secret_bench: secret lookups per second on a warm SecretCache, with 1, 2 and 4 threads.
//
// The cache sits in front of a provider that only counts its reads (every path holds six keys,
// like the demo secret). The cache is warmed with one read per path, its background refresh
// thread runs, and the ttl is far longer than the run, so every measured get() must be a hit:
// the bench checks that the provider was not read while measuring and that every lookup was
// found, and exits 1 otherwise. Prints, per thread count, the median lookups/s over the rounds,
// the mean time of one get() in one thread, and the hits and provider reads of the measurement.
//
// Usage: secret_bench [--duration SECONDS] [--rounds N] [--paths N]

#include "secrets/SecretCache.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

const char* const KEYS[] = {"api_key", "database_url", "jwt_secret", "encryption_key", "log_level", "max_connections"};
const unsigned KEY_COUNT = sizeof KEYS / sizeof KEYS[0];

/// A provider that answers every path with six keys and counts its reads.
class CountingProvider : public terrarium::SecretProvider
{
public:
    explicit CountingProvider(std::atomic<unsigned long long>& reads) : _reads(reads) {}

    terrarium::SecretRead read(const std::string& path) override
    {
        ++_reads;
        std::map<std::string, std::string> values;
        for (const char* key : KEYS)
            values[key] = "value-of-" + std::string(key) + "-in-" + path;
        return terrarium::SecretRead::found(std::move(values));
    }

    std::string name() const override { return "counting"; }

private:
    std::atomic<unsigned long long>& _reads;
};

unsigned parseNumber(const std::string& name, const std::string& value, unsigned low, unsigned high)
{
    std::size_t used = 0;
    unsigned long number = 0;
    try {
        number = std::stoul(value, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (value.empty() || used != value.size() || number < low || number > high)
        throw std::invalid_argument(name + ": expected a number from " + std::to_string(low) + " to " + std::to_string(high) + ", got '" + value + "'");
    return static_cast<unsigned>(number);
}

struct Run
{
    double lookupsPerSecond = 0;
    unsigned long long lookups = 0;
    unsigned long long failures = 0;
};

/// threads threads calling get() over paths for duration seconds.
Run measure(terrarium::SecretCache& cache, const std::vector<std::string>& paths, unsigned threads, unsigned duration)
{
    std::atomic<bool> stop{false};
    std::atomic<unsigned> ready{0};
    std::atomic<bool> go{false};
    std::vector<unsigned long long> counts(threads, 0);
    std::vector<unsigned long long> failures(threads, 0);
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            ++ready;
            while (!go)
                std::this_thread::yield();
            unsigned long long done = 0;
            unsigned long long failed = 0;
            std::size_t index = t;
            while (!stop.load(std::memory_order_relaxed)) {
                for (int burst = 0; burst < 64; ++burst, ++index) {
                    const terrarium::SecretLookup lookup = cache.get(paths[index % paths.size()], KEYS[index % KEY_COUNT]);
                    if (!lookup.found() || lookup.stale)
                        ++failed;
                }
                done += 64;
            }
            counts[t] = done;
            failures[t] = failed;
        });
    }
    while (ready < threads)
        std::this_thread::yield();
    const auto start = std::chrono::steady_clock::now();
    go = true;
    std::this_thread::sleep_for(std::chrono::seconds(duration));
    stop = true;
    for (std::thread& worker : workers)
        worker.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Run run;
    for (unsigned t = 0; t < threads; ++t) {
        run.lookups += counts[t];
        run.failures += failures[t];
    }
    run.lookupsPerSecond = static_cast<double>(run.lookups) / seconds;
    return run;
}

} // namespace

int main(int argc, char** argv)
{
    unsigned duration = 2;
    unsigned rounds = 3;
    unsigned pathCount = 16;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            const std::string value = i + 1 < argc ? argv[i + 1] : "";
            if (arg == "--duration")
                duration = parseNumber(arg, value, 1, 600);
            else if (arg == "--rounds")
                rounds = parseNumber(arg, value, 1, 100);
            else if (arg == "--paths")
                pathCount = parseNumber(arg, value, 1, 100000);
            else {
                std::cerr << "usage: secret_bench [--duration SECONDS] [--rounds N] [--paths N]\n";
                return arg == "--help" ? 0 : 64;
            }
            ++i;
        }
    } catch (const std::exception& e) {
        std::cerr << "secret_bench: " << e.what() << "\n";
        return 64;
    }

    std::atomic<unsigned long long> reads{0};
    terrarium::SecretCache::Settings settings;
    settings.ttl = Poco::Timespan(24 * 3600, 0);
    terrarium::SecretCache cache(std::make_unique<CountingProvider>(reads), settings);
    cache.start();
    std::vector<std::string> paths;
    for (unsigned p = 0; p < pathCount; ++p)
        paths.push_back("bench/service-" + std::to_string(p) + "/config");
    for (const std::string& path : paths)
        if (!cache.get(path, KEYS[0]).found()) {
            std::cerr << "secret_bench: warming " << path << " failed\n";
            return 1;
        }
    const unsigned long long warmReads = reads.load();

    std::printf("secret_bench: warm SecretCache, %u paths x %u keys, %u s per run, median of %u rounds\n",
        pathCount, KEY_COUNT, duration, rounds);
    std::printf("  %-8s %14s %12s %16s %16s %10s\n", "threads", "lookups/s", "ns/lookup", "hits", "provider reads", "failures");
    bool served = true;
    for (unsigned threads : {1u, 2u, 4u}) {
        const terrarium::SecretCacheStats before = cache.stats();
        const unsigned long long readsBefore = reads.load();
        std::vector<double> rates;
        unsigned long long failures = 0;
        unsigned long long lookups = 0;
        for (unsigned round = 0; round < rounds; ++round) {
            const Run run = measure(cache, paths, threads, duration);
            rates.push_back(run.lookupsPerSecond);
            failures += run.failures;
            lookups += run.lookups;
        }
        std::sort(rates.begin(), rates.end());
        const double median = rates.size() % 2 ? rates[rates.size() / 2] : (rates[rates.size() / 2 - 1] + rates[rates.size() / 2]) / 2;
        const terrarium::SecretCacheStats after = cache.stats();
        const unsigned long long providerReads = reads.load() - readsBefore;
        const unsigned long long hits = after.hits - before.hits;
        std::printf("  %-8u %14.0f %12.1f %16llu %16llu %10llu\n", threads, median, 1e9 * threads / median, hits, providerReads, failures);
        if (providerReads != 0 || failures != 0 || hits != lookups)
            served = false;
    }
    cache.stop();
    std::printf("  provider reads: %llu to warm the cache, %llu while measuring; %s\n", warmReads, reads.load() - warmReads,
        served ? "every lookup was a cache hit" : "NOT every lookup was a cache hit");
    return served ? 0 : 1;
}
