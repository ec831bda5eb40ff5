#ifndef Terrarium_SecretsTestSupport_INCLUDED
#define Terrarium_SecretsTestSupport_INCLUDED

#include "config/Config.h"
#include "secrets/SecretProvider.h"
#include "secrets/SecretClock.h"

#include "Contains.h"
#include "Eventually.h"
#include "ScratchDir.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <Poco/Timespan.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace terrarium {
namespace test {

/// A clock that moves only when told (microseconds, starts at 1000 s).
class ManualClock
{
public:
    /// The SecretClock reading this clock (copies share it).
    SecretClock clock() const
    {
        std::shared_ptr<std::atomic<Poco::Int64>> now = _now;
        return [now] { return now->load(); };
    }

    /// Moves the clock forward by span.
    void advance(const Poco::Timespan& span) { _now->fetch_add(span.totalMicroseconds()); }

    /// The current reading.
    Poco::Int64 now() const { return _now->load(); }

private:
    std::shared_ptr<std::atomic<Poco::Int64>> _now = std::make_shared<std::atomic<Poco::Int64>>(Poco::Int64(1000) * 1000 * 1000);
};

/// A provider whose answers the test sets per path, counting reads; reads can be held (blocked)
/// until released, to make concurrent misses overlap deterministically. Unset paths are NotFound.
class ScriptedProvider : public SecretProvider
{
public:
    /// Shared between the test and the provider the cache owns.
    struct State
    {
        mutable std::mutex mutex;
        std::condition_variable changed;
        std::map<std::string, SecretRead> answers;
        std::map<std::string, unsigned> reads;
        unsigned totalReads = 0;
        bool hold = false;
        unsigned holding = 0;
        bool throwing = false;
        bool lowerCaseKeys = false;

        void set(const std::string& path, std::map<std::string, std::string> values)
        {
            std::lock_guard<std::mutex> lock(mutex);
            answers[path] = SecretRead::found(std::move(values));
        }

        void fail(const std::string& path, SecretOutcome outcome, const std::string& message)
        {
            std::lock_guard<std::mutex> lock(mutex);
            answers[path] = SecretRead::failure(outcome, message);
        }

        void setHold(bool held)
        {
            {
                std::lock_guard<std::mutex> lock(mutex);
                hold = held;
            }
            changed.notify_all();
        }

        void setThrowing(bool value)
        {
            std::lock_guard<std::mutex> lock(mutex);
            throwing = value;
        }

        unsigned readsOf(const std::string& path) const
        {
            std::lock_guard<std::mutex> lock(mutex);
            auto found = reads.find(path);
            return found == reads.end() ? 0 : found->second;
        }

        unsigned total() const
        {
            std::lock_guard<std::mutex> lock(mutex);
            return totalReads;
        }

        unsigned held() const
        {
            std::lock_guard<std::mutex> lock(mutex);
            return holding;
        }
    };

    explicit ScriptedProvider(std::shared_ptr<State> state) : _state(std::move(state)) {}

    SecretRead read(const std::string& path) override
    {
        std::unique_lock<std::mutex> lock(_state->mutex);
        ++_state->reads[path];
        ++_state->totalReads;
        if (_state->hold)
        {
            ++_state->holding;
            _state->changed.notify_all();
            _state->changed.wait(lock, [this] { return !_state->hold; });
            --_state->holding;
        }
        if (_state->throwing)
            throw std::runtime_error("scripted provider exploded");
        auto found = _state->answers.find(path);
        if (found == _state->answers.end())
            return SecretRead::failure(SecretOutcome::NotFound, "scripted: secret path '" + path + "' not found");
        return found->second;
    }

    std::string name() const override { return "scripted"; }

    std::string canonicalKey(const std::string& key) const override
    {
        std::lock_guard<std::mutex> lock(_state->mutex);
        if (!_state->lowerCaseKeys)
            return key;
        std::string lower = key;
        for (char& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return lower;
    }

private:
    std::shared_ptr<State> _state;
};

/// Captures every Poco log message of every logger (all levels) while it exists.
class LogCapture
{
public:
    struct Entry
    {
        std::string logger;
        std::string text;
        Poco::Message::Priority priority;
    };

    LogCapture() : _channel(new Collector)
    {
        _previousChannel = Poco::Logger::root().getChannel();
        _previousLevel = Poco::Logger::root().getLevel();
        Poco::Logger::root().setChannel(_channel);
        Poco::Logger::setChannel("", _channel);
        Poco::Logger::setLevel("", Poco::Message::PRIO_TRACE);
    }

    ~LogCapture()
    {
        Poco::Logger::setChannel("", _previousChannel);
        Poco::Logger::setLevel("", _previousLevel);
    }

    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    std::vector<Entry> entries() const
    {
        std::lock_guard<std::mutex> lock(_channel->mutex);
        return _channel->entries;
    }

    /// Messages of logger at priority (any priority when 0).
    std::vector<std::string> texts(const std::string& logger, int priority = 0) const
    {
        std::vector<std::string> found;
        for (const Entry& entry : entries())
            if (entry.logger == logger && (priority == 0 || entry.priority == priority))
                found.push_back(entry.text);
        return found;
    }

private:
    struct Collector : public Poco::Channel
    {
        mutable std::mutex mutex;
        std::vector<Entry> entries;

        void log(const Poco::Message& message) override
        {
            std::lock_guard<std::mutex> lock(mutex);
            entries.push_back(Entry{message.getSource(), message.getText(), message.getPriority()});
        }
    };

    Poco::AutoPtr<Collector> _channel;
    Poco::Channel::Ptr _previousChannel;
    int _previousLevel = Poco::Message::PRIO_INFORMATION;
};

/// A client configuration for tests: fast backoff, generous deadlines, a breaker that does not
/// open (tests assert outcomes, never durations).
inline ClientConfig testClientConfig()
{
    ClientConfig config;
    config.connectTimeout = Poco::Timespan(5, 0);
    config.timeout = Poco::Timespan(20, 0);
    config.maxAttempts = 2;
    config.backoffInitial = Poco::Timespan(0, 1000);
    config.backoffMax = Poco::Timespan(0, 5000);
    config.breakerFailures = 1000;
    return config;
}

} // namespace test
} // namespace terrarium

#endif
