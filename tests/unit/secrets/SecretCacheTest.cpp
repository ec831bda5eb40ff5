// SecretCache over a scripted provider and a manual clock: hits and misses, one read per path,
// single flight, ttl and refresh ahead, stale if error, negative caching, and no value in any
// message or log.
#include "SecretsTestSupport.h"

#include "secrets/SecretCache.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

using terrarium::SecretCache;
using terrarium::SecretCacheStats;
using terrarium::SecretLookup;
using terrarium::SecretOutcome;
using terrarium::SecretsConfig;
using terrarium::test::contains;
using terrarium::test::eventually;
using terrarium::test::LogCapture;
using terrarium::test::ManualClock;
using terrarium::test::ScriptedProvider;

namespace {

const std::map<std::string, std::string> DB = {
    {"user", "app"}, {"password", "pw-VALUE-7d1f"}, {"host", "db.internal"}};

SecretCache::Settings settings(int ttl = 300, int refreshAhead = 30, int maxStale = 3600, int negativeTtl = 5)
{
    SecretCache::Settings s;
    s.ttl = Poco::Timespan(ttl, 0);
    s.refreshAhead = Poco::Timespan(refreshAhead, 0);
    s.maxStale = Poco::Timespan(maxStale, 0);
    s.negativeTtl = Poco::Timespan(negativeTtl, 0);
    return s;
}

/// A cache over a scripted provider, with its state and clock.
struct Rig
{
    explicit Rig(SecretCache::Settings s = settings())
        : state(std::make_shared<ScriptedProvider::State>()),
          cache(std::make_unique<ScriptedProvider>(state), s, clock.clock())
    {
    }

    ManualClock clock;
    std::shared_ptr<ScriptedProvider::State> state;
    SecretCache cache;
};

Poco::Timespan seconds(int s)
{
    return Poco::Timespan(s, 0);
}

} // namespace

TEST_CASE("a miss reads the provider once per path, the other keys of the path are hits", "[secrets][cache]")
{
    Rig rig;
    rig.state->set("app/db", DB);

    SecretLookup user = rig.cache.get("app/db", "user");
    REQUIRE(user.found());
    CHECK(user.value == "app");
    CHECK_FALSE(user.stale);
    CHECK(user.message.empty());
    CHECK(rig.cache.get("app/db", "password").value == "pw-VALUE-7d1f");
    CHECK(rig.cache.get("app/db", "host").value == "db.internal");
    CHECK(rig.cache.get("app/db", "user").value == "app");

    CHECK(rig.state->readsOf("app/db") == 1);
    const SecretCacheStats stats = rig.cache.stats();
    CHECK(stats.misses == 1);
    CHECK(stats.hits == 3);
    CHECK(stats.entries == 1);
    CHECK(stats.provider == "scripted");
    CHECK(stats.providerErrors == 0);
    CHECK(stats.refreshes == 0);
    CHECK(stats.staleServes == 0);
    CHECK(rig.cache.provider().name() == "scripted");
}

TEST_CASE("a value is fresh for ttl, then read again", "[secrets][cache][ttl]")
{
    Rig rig;
    rig.state->set("app/db", DB);
    REQUIRE(rig.cache.get("app/db", "user").found());
    rig.clock.advance(seconds(299));
    REQUIRE(rig.cache.get("app/db", "user").found());
    CHECK(rig.state->readsOf("app/db") == 1);

    rig.state->set("app/db", {{"user", "rotated"}});
    rig.clock.advance(seconds(1));
    SecretLookup user = rig.cache.get("app/db", "user");
    REQUIRE(user.found());
    CHECK(user.value == "rotated");
    CHECK_FALSE(user.stale);
    CHECK(rig.state->readsOf("app/db") == 2);
    CHECK(rig.cache.stats().misses == 2);
}

TEST_CASE("concurrent misses for one path coalesce into one provider read with one answer", "[secrets][cache][flight]")
{
    const SecretOutcome outcome = GENERATE(SecretOutcome::Found, SecretOutcome::NotFound, SecretOutcome::Unavailable);
    Rig rig;
    if (outcome == SecretOutcome::Found)
        rig.state->set("app/db", DB);
    else
        rig.state->fail("app/db", outcome, "scripted: failing on purpose");
    rig.state->setHold(true);

    const unsigned threads = 8;
    std::vector<SecretLookup> answers(threads);
    std::vector<std::thread> callers;
    for (unsigned i = 0; i < threads; ++i)
        callers.emplace_back([&, i] { answers[i] = rig.cache.get("app/db", i % 2 ? "user" : "password"); });

    // Every caller has missed (and so joined the one flight) while the single read is held.
    REQUIRE(eventually([&] { return rig.cache.stats().misses == threads && rig.state->held() == 1; }));
    rig.state->setHold(false);
    for (std::thread& caller : callers)
        caller.join();

    CHECK(rig.state->readsOf("app/db") == 1);
    for (unsigned i = 0; i < threads; ++i)
    {
        INFO("caller " << i << ": " << answers[i].message);
        CHECK(answers[i].outcome == outcome);
        if (outcome == SecretOutcome::Found)
            CHECK(answers[i].value == (i % 2 ? "app" : "pw-VALUE-7d1f"));
        else
            CHECK(answers[i].message == "scripted: failing on purpose");
    }
    CHECK(rig.cache.stats().providerErrors == (outcome == SecretOutcome::Unavailable ? 1u : 0u));
}

TEST_CASE("misses for different paths do not wait for one another", "[secrets][cache][flight]")
{
    Rig rig;
    rig.state->set("app/slow", DB);
    rig.state->set("app/fast", {{"k", "v"}});
    rig.state->setHold(true);
    SecretLookup slow;
    std::thread caller([&] { slow = rig.cache.get("app/slow", "user"); });
    REQUIRE(eventually([&] { return rig.state->held() == 1; }));
    {
        std::lock_guard<std::mutex> lock(rig.state->mutex);
        rig.state->hold = false;   // the next read passes; the held one stays held until notified
    }
    CHECK(rig.cache.get("app/fast", "k").value == "v");
    rig.state->setHold(false);
    caller.join();
    CHECK(slow.value == "app");
}

TEST_CASE("refresh ahead reads used paths before they expire, unused paths just expire", "[secrets][cache][refresh]")
{
    Rig rig;
    rig.state->set("app/hot", DB);
    rig.state->set("app/cold", DB);
    REQUIRE(rig.cache.get("app/hot", "user").found());
    REQUIRE(rig.cache.get("app/cold", "user").found());

    rig.clock.advance(seconds(100));
    REQUIRE(rig.cache.get("app/hot", "user").found());
    rig.cache.refreshDue();   // used, but not within refreshAhead of expiry yet
    CHECK(rig.state->readsOf("app/hot") == 1);

    rig.clock.advance(seconds(175));   // 275 s: within 30 s of expiry
    rig.state->set("app/hot", {{"user", "rotated"}});
    rig.cache.refreshDue();
    CHECK(rig.state->readsOf("app/hot") == 2);
    CHECK(rig.state->readsOf("app/cold") == 1);
    CHECK(rig.cache.stats().refreshes == 1);

    rig.clock.advance(seconds(40));    // 315 s: the first reads have expired
    const Poco::UInt64 missesBefore = rig.cache.stats().misses;
    SecretLookup hot = rig.cache.get("app/hot", "user");
    CHECK(hot.value == "rotated");
    CHECK(rig.state->readsOf("app/hot") == 2);
    CHECK(rig.cache.stats().misses == missesBefore);
    REQUIRE(rig.cache.get("app/cold", "user").found());
    CHECK(rig.state->readsOf("app/cold") == 2);
    CHECK(rig.cache.stats().misses == missesBefore + 1);

    rig.cache.refreshDue();            // nothing was used since its last read
    CHECK(rig.state->readsOf("app/hot") == 2);
    CHECK(rig.cache.stats().refreshes == 1);
}

TEST_CASE("refresh ahead is capped at half the ttl", "[secrets][cache][refresh]")
{
    Rig rig(settings(10, 30));
    rig.state->set("app/db", DB);
    REQUIRE(rig.cache.get("app/db", "user").found());
    rig.clock.advance(seconds(4));
    REQUIRE(rig.cache.get("app/db", "user").found());
    rig.cache.refreshDue();
    CHECK(rig.state->readsOf("app/db") == 1);
    rig.clock.advance(seconds(2));
    rig.cache.refreshDue();
    CHECK(rig.state->readsOf("app/db") == 2);
}

TEST_CASE("the background thread refreshes a hot path while get() keeps answering without waiting", "[secrets][cache][refresh][thread]")
{
    Rig rig;
    rig.state->set("app/db", DB);
    rig.cache.start();
    CHECK(rig.cache.running());
    REQUIRE(rig.cache.get("app/db", "user").found());

    rig.clock.advance(seconds(280));
    rig.state->set("app/db", {{"user", "rotated"}});
    rig.state->setHold(true);
    REQUIRE(rig.cache.get("app/db", "user").value == "app");   // a hit that wakes the refresher
    REQUIRE(eventually([&] { return rig.state->held() == 1; }));
    // The refresh is in flight (held): hits keep answering the current value at once.
    for (int i = 0; i < 20; ++i)
        CHECK(rig.cache.get("app/db", "user").value == "app");
    rig.state->setHold(false);
    REQUIRE(eventually([&] { return rig.cache.get("app/db", "user").value == "rotated"; }));
    CHECK(rig.state->readsOf("app/db") == 2);
    CHECK(rig.cache.stats().refreshes == 1);

    rig.cache.stop();
    CHECK_FALSE(rig.cache.running());
    rig.clock.advance(seconds(300));
    CHECK(rig.cache.get("app/db", "user").value == "rotated");   // stopped: read synchronously
    CHECK(rig.state->readsOf("app/db") == 3);
}

TEST_CASE("while the provider is unavailable the last value is served stale up to maxStale", "[secrets][cache][stale]")
{
    LogCapture logs;
    Rig rig;
    rig.state->set("app/db", DB);
    REQUIRE(rig.cache.get("app/db", "password").found());
    rig.state->fail("app/db", SecretOutcome::Unavailable, "scripted: connection refused by 127.0.0.1:8200");

    rig.clock.advance(seconds(301));
    SecretLookup stale = rig.cache.get("app/db", "password");
    REQUIRE(stale.found());
    CHECK(stale.value == "pw-VALUE-7d1f");
    CHECK(stale.stale);
    CHECK(contains(stale.message, "unavailable"));
    CHECK(contains(stale.message, "connection refused"));
    CHECK(rig.state->readsOf("app/db") == 2);
    SecretCacheStats stats = rig.cache.stats();
    CHECK(stats.staleServes == 1);
    CHECK(stats.providerErrors == 1);

    // Within negativeTtl of the failed read: served stale without asking the provider again.
    CHECK(rig.cache.get("app/db", "user").stale);
    CHECK(rig.state->readsOf("app/db") == 2);
    rig.clock.advance(seconds(5));
    CHECK(rig.cache.get("app/db", "user").stale);
    CHECK(rig.state->readsOf("app/db") == 3);
    CHECK(rig.cache.stats().staleServes == 3);
    CHECK(rig.cache.stats().providerErrors == 2);

    // One warning per path per minute, naming the path and the cause, never the value.
    std::vector<std::string> warnings = logs.texts("secrets", Poco::Message::PRIO_WARNING);
    REQUIRE(warnings.size() == 1);
    CHECK(contains(warnings[0], "app/db"));
    CHECK(contains(warnings[0], "connection refused"));
    CHECK_FALSE(contains(warnings[0], "pw-VALUE-7d1f"));
    rig.clock.advance(seconds(60));
    CHECK(rig.cache.get("app/db", "user").stale);
    CHECK(logs.texts("secrets", Poco::Message::PRIO_WARNING).size() == 2);

    // Past maxStale: Unavailable.
    rig.clock.advance(seconds(3600));
    SecretLookup gone = rig.cache.get("app/db", "password");
    CHECK(gone.outcome == SecretOutcome::Unavailable);
    CHECK(gone.value.empty());
    CHECK(contains(gone.message, "max stale"));
    CHECK(contains(gone.message, "app/db"));
    CHECK(rig.cache.stats().staleServes == 4);

    // Back: a fresh value again.
    rig.state->set("app/db", {{"password", "new-pw"}});
    SecretLookup back = rig.cache.get("app/db", "password");
    REQUIRE(back.found());
    CHECK(back.value == "new-pw");
    CHECK_FALSE(back.stale);
    for (const auto& entry : logs.entries())
        CHECK_FALSE(contains(entry.text, "pw-VALUE-7d1f"));
}

TEST_CASE("with the background thread running, stale values are served at once and the provider retried in the background", "[secrets][cache][stale][thread]")
{
    Rig rig;
    rig.state->set("app/db", DB);
    rig.cache.start();
    REQUIRE(rig.cache.get("app/db", "user").found());
    rig.state->fail("app/db", SecretOutcome::Unavailable, "scripted: Vault read failed: HTTP 503");

    rig.clock.advance(seconds(301));
    REQUIRE(rig.cache.get("app/db", "user").stale);   // not known to be down yet: this get() reads
    const unsigned readsBefore = rig.state->readsOf("app/db");
    rig.state->setHold(true);
    rig.clock.advance(seconds(5));                      // the retry is due
    SecretLookup served = rig.cache.get("app/db", "user");
    CHECK(served.stale);
    CHECK(served.value == "app");
    REQUIRE(eventually([&] { return rig.state->held() == 1; }));   // the background retry, held
    for (int i = 0; i < 10; ++i)
        CHECK(rig.cache.get("app/db", "user").stale);   // never waits for it
    rig.state->set("app/db", {{"user", "recovered"}});
    rig.state->setHold(false);
    REQUIRE(eventually([&] { return rig.cache.get("app/db", "user").value == "recovered"; }));
    CHECK_FALSE(rig.cache.get("app/db", "user").stale);
    CHECK(rig.state->readsOf("app/db") == readsBefore + 1);
    CHECK(rig.cache.stats().refreshes >= 1);
    rig.cache.stop();
}

TEST_CASE("a failed refresh ahead keeps the value until it expires, then serves it stale", "[secrets][cache][stale][refresh]")
{
    Rig rig(settings(300, 30, 3600, 60));
    rig.state->set("app/db", DB);
    REQUIRE(rig.cache.get("app/db", "user").found());
    rig.clock.advance(seconds(280));
    REQUIRE(rig.cache.get("app/db", "user").found());
    rig.state->fail("app/db", SecretOutcome::Unavailable, "scripted: timeout");
    rig.cache.refreshDue();
    CHECK(rig.cache.stats().providerErrors == 1);
    SecretLookup fresh = rig.cache.get("app/db", "user");
    CHECK(fresh.found());
    CHECK_FALSE(fresh.stale);
    rig.clock.advance(seconds(21));   // 301 s, within negativeTtl of the failed refresh
    SecretLookup stale = rig.cache.get("app/db", "user");
    CHECK(stale.stale);
    CHECK(rig.state->readsOf("app/db") == 2);
}

TEST_CASE("a provider that is unavailable with nothing cached answers Unavailable at every miss", "[secrets][cache][stale]")
{
    Rig rig;
    rig.state->fail("app/db", SecretOutcome::Unavailable, "scripted: connection refused");
    SecretLookup first = rig.cache.get("app/db", "user");
    CHECK(first.outcome == SecretOutcome::Unavailable);
    CHECK(first.message == "scripted: connection refused");
    rig.state->set("app/db", DB);
    CHECK(rig.cache.get("app/db", "user").found());
    CHECK(rig.state->readsOf("app/db") == 2);
}

TEST_CASE("NotFound and Forbidden answers are remembered for negativeTtl", "[secrets][cache][negative]")
{
    const SecretOutcome outcome = GENERATE(SecretOutcome::NotFound, SecretOutcome::Forbidden);
    Rig rig;
    rig.state->fail("app/missing", outcome, "scripted: refused secret path 'app/missing'");
    for (int i = 0; i < 5; ++i)
    {
        SecretLookup lookup = rig.cache.get("app/missing", "user");
        CHECK(lookup.outcome == outcome);
        CHECK(lookup.message == "scripted: refused secret path 'app/missing'");
    }
    CHECK(rig.state->readsOf("app/missing") == 1);
    CHECK(rig.cache.stats().hits == 4);
    rig.clock.advance(seconds(5));
    rig.state->set("app/missing", DB);
    CHECK(rig.cache.get("app/missing", "user").found());
    CHECK(rig.state->readsOf("app/missing") == 2);
    CHECK(rig.cache.stats().providerErrors == 0);
}

TEST_CASE("a secret deleted or revoked at the provider replaces the cached value", "[secrets][cache][negative]")
{
    const SecretOutcome outcome = GENERATE(SecretOutcome::NotFound, SecretOutcome::Forbidden);
    LogCapture logs;
    Rig rig;
    rig.state->set("app/db", DB);
    REQUIRE(rig.cache.get("app/db", "password").found());
    rig.state->fail("app/db", outcome, "scripted: gone");

    SECTION("at expiry")
    {
        rig.clock.advance(seconds(300));
    }
    SECTION("at a background refresh, before expiry")
    {
        rig.clock.advance(seconds(280));
        REQUIRE(rig.cache.get("app/db", "password").found());
        rig.cache.refreshDue();
    }
    SecretLookup lookup = rig.cache.get("app/db", "password");
    CHECK(lookup.outcome == outcome);
    CHECK_FALSE(lookup.stale);
    CHECK(lookup.value.empty());
    CHECK(rig.cache.stats().staleServes == 0);
    rig.state->fail("app/db", SecretOutcome::Unavailable, "scripted: down");
    rig.clock.advance(seconds(5));
    CHECK(rig.cache.get("app/db", "password").outcome == SecretOutcome::Unavailable);   // no value left to serve stale
    for (const auto& entry : logs.entries())
        CHECK_FALSE(contains(entry.text, "pw-VALUE-7d1f"));
}

TEST_CASE("malformed paths and keys are Invalid without a provider read", "[secrets][cache][invalid]")
{
    Rig rig;
    const std::vector<std::string> paths = {"", "/app/db", "app/db/", "app//db", "app/../db", "./app", "app\ndb"};
    for (const std::string& path : paths)
    {
        SecretLookup lookup = rig.cache.get(path, "user");
        INFO("path '" << path << "': " << lookup.message);
        CHECK(lookup.outcome == SecretOutcome::Invalid);
        CHECK_FALSE(lookup.message.empty());
    }
    CHECK(rig.cache.get("app/db", "").outcome == SecretOutcome::Invalid);
    CHECK(rig.cache.get("app/db", std::string("us\ter")).outcome == SecretOutcome::Invalid);
    CHECK(rig.cache.get("app/db", std::string(300, 'k')).outcome == SecretOutcome::Invalid);
    CHECK(rig.state->total() == 0);
    CHECK(rig.cache.stats().entries == 0);
}

TEST_CASE("a key missing in a found path is NotFound naming path and key", "[secrets][cache]")
{
    Rig rig;
    rig.state->set("app/db", DB);
    SecretLookup lookup = rig.cache.get("app/db", "port");
    CHECK(lookup.outcome == SecretOutcome::NotFound);
    CHECK(contains(lookup.message, "'app/db'"));
    CHECK(contains(lookup.message, "'port'"));
    CHECK(rig.cache.get("app/db", "user").found());
    CHECK(rig.state->readsOf("app/db") == 1);
}

TEST_CASE("keys are looked up under the provider's canonical spelling", "[secrets][cache]")
{
    Rig rig;
    rig.state->lowerCaseKeys = true;
    rig.state->set("app/db", {{"api_key", "k-1"}});
    CHECK(rig.cache.get("app/db", "API_KEY").value == "k-1");
    SecretLookup missing = rig.cache.get("app/db", "Other");
    CHECK(missing.outcome == SecretOutcome::NotFound);
    CHECK(contains(missing.message, "'Other'"));
    CHECK(contains(missing.message, "'other'"));
}

TEST_CASE("a provider that throws makes get() answer Unavailable, not throw", "[secrets][cache]")
{
    Rig rig;
    rig.state->set("app/db", DB);
    rig.state->setThrowing(true);
    SecretLookup lookup = rig.cache.get("app/db", "user");
    CHECK(lookup.outcome == SecretOutcome::Unavailable);
    CHECK(contains(lookup.message, "scripted provider exploded"));
    rig.state->setThrowing(false);
    CHECK(rig.cache.get("app/db", "user").found());
}

TEST_CASE("refresh rounds drop entries that can answer nothing any more", "[secrets][cache]")
{
    Rig rig(settings(300, 30, 600, 5));
    rig.state->set("app/db", DB);
    REQUIRE(rig.cache.get("app/db", "user").found());
    CHECK(rig.cache.get("app/missing", "user").outcome == SecretOutcome::NotFound);
    CHECK(rig.cache.stats().entries == 2);
    rig.clock.advance(seconds(5));
    rig.cache.refreshDue();
    CHECK(rig.cache.stats().entries == 1);   // the negative answer expired
    rig.clock.advance(seconds(300 + 600 - 5));   // t = 900 s: expiry + maxStale
    rig.cache.refreshDue();
    CHECK(rig.cache.stats().entries == 1);   // exactly maxStale past expiry: still servable
    rig.clock.advance(seconds(1));
    rig.cache.refreshDue();
    CHECK(rig.cache.stats().entries == 0);
    CHECK(rig.state->total() == 2);
}

TEST_CASE("no secret value reaches a lookup message or a log line", "[secrets][cache][leak]")
{
    LogCapture logs;
    Rig rig;
    const std::string secret = "pw-VALUE-7d1f";
    rig.state->set("app/db", DB);
    std::vector<std::string> messages;
    auto remember = [&](const SecretLookup& lookup) { messages.push_back(lookup.message); };

    remember(rig.cache.get("app/db", "password"));
    remember(rig.cache.get("app/db", "nope"));
    rig.state->fail("app/db", SecretOutcome::Unavailable, "scripted: down");
    rig.clock.advance(seconds(301));
    remember(rig.cache.get("app/db", "password"));
    remember(rig.cache.get("app/db", "nope"));
    rig.clock.advance(seconds(3700));
    remember(rig.cache.get("app/db", "password"));
    rig.state->set("app/db", DB);
    rig.clock.advance(seconds(5));
    remember(rig.cache.get("app/db", "password"));
    rig.state->fail("app/db", SecretOutcome::Forbidden, "scripted: permission denied");
    rig.clock.advance(seconds(300));
    remember(rig.cache.get("app/db", "password"));

    for (const std::string& message : messages)
        CHECK_FALSE(contains(message, secret));
    CHECK_FALSE(logs.entries().empty());
    for (const auto& entry : logs.entries())
    {
        INFO(entry.logger << ": " << entry.text);
        CHECK_FALSE(contains(entry.text, secret));
    }
}

TEST_CASE("Settings::fromConfig takes the configured durations", "[secrets][cache]")
{
    SecretsConfig config;
    config.ttl = Poco::Timespan(60, 0);
    config.refreshAhead = Poco::Timespan(6, 0);
    config.maxStale = Poco::Timespan(600, 0);
    config.negativeTtl = Poco::Timespan(2, 0);
    const SecretCache::Settings s = SecretCache::Settings::fromConfig(config);
    CHECK(s.ttl == config.ttl);
    CHECK(s.refreshAhead == config.refreshAhead);
    CHECK(s.maxStale == config.maxStale);
    CHECK(s.negativeTtl == config.negativeTtl);
    const SecretCache::Settings defaults;
    CHECK(defaults.ttl == SecretsConfig().ttl);
    CHECK(defaults.refreshAhead == SecretsConfig().refreshAhead);
    CHECK(defaults.maxStale == SecretsConfig().maxStale);
    CHECK(defaults.negativeTtl == SecretsConfig().negativeTtl);
}

TEST_CASE("a cache needs a provider", "[secrets][cache]")
{
    CHECK_THROWS_AS(SecretCache(nullptr, settings()), Poco::InvalidArgumentException);
}

namespace {

/// The VmFlags of the mapping of this process that holds address, from /proc/self/smaps.
std::string mappingFlags(const void* address)
{
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    const auto target = reinterpret_cast<std::uintptr_t>(address);
    while (std::getline(smaps, line))
    {
        std::uintptr_t from = 0, to = 0;
        if (std::sscanf(line.c_str(), "%lx-%lx ", &from, &to) == 2 && line.find(':') > line.find(' '))
            inside = target >= from && target < to;
        else if (inside && line.rfind("VmFlags:", 0) == 0)
            return line;
    }
    return std::string();
}

} // namespace

TEST_CASE("cached values live on pages excluded from core dumps, zeroed and unmapped when dropped", "[secrets][cache][memory]")
{
    const std::size_t before = terrarium::SecretMemory::pagesInUse();
    {
        terrarium::SecretString value = terrarium::secretCopy("pw");   // short: still on its own page, not in the string object
        CHECK(value == "pw");
        CHECK(terrarium::SecretMemory::pagesInUse() == before + 1);
        CHECK(mappingFlags(value.data()).find(" dd") != std::string::npos);
    }
    CHECK(terrarium::SecretMemory::pagesInUse() == before);

    {
        Rig rig;
        rig.state->set("app/db", {{"password", "pw-VALUE-7d1f"}, {"user", "app"}});
        CHECK(rig.cache.get("app/db", "password").value == "pw-VALUE-7d1f");
        CHECK(terrarium::SecretMemory::pagesInUse() == before + 2);
    }
    CHECK(terrarium::SecretMemory::pagesInUse() == before);
}
