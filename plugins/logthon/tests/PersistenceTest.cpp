// logthon: the SQLite database (restart, retention, clears, ids), a database that cannot be opened,
// the default file under the host's state directory, and snapshot/restore.
#include "LogthonFixture.h"
#include "ScratchDir.h"

#include "Eventually.h"

#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/Session.h>
#include <Poco/File.h>

#include <string>

using namespace logthon::test;
using terrarium::test::ScratchDir;
using terrarium::test::eventually;

namespace {

FlatConfig withDatabase(const std::string& path, FlatConfig extra = {})
{
    extra["database"] = path;
    return extra;
}

} // namespace

TEST_CASE("entries survive a restart: the database is loaded at start and ids go on", "[logthon][persistence]")
{
    ScratchDir dir;
    const std::string database = dir.file("logs/logthon.db");
    {
        LogthonFixture logthon(withDatabase(database));
        logthon.add("a", "1");
        REQUIRE(logthon.post(R"([{"service":"b","message":"2","request_id":"r"},{"service":"a","message":"3"}])").status == 200);
        auto health = logthon.getObject("/health");
        CHECK(health->getValue<std::string>("status") == "healthy");
        CHECK(health->getObject("persistence")->getValue<bool>("enabled"));
        CHECK(health->getObject("persistence")->getValue<std::string>("database") == database);
    }
    CHECK(Poco::File(database).exists());
    LogthonFixture again(withDatabase(database));
    CHECK(again.messages() == std::vector<std::string>{"1", "2", "3"});
    CHECK(again.logs()->getObject(1)->getValue<std::string>("request_id") == "r");
    again.add("a", "4");
    CHECK(again.ids() == std::vector<std::uint64_t>{1, 2, 3, 4});
    CHECK(again.host.logged("logthon ready"));
}

TEST_CASE("retention applies to the database too", "[logthon][persistence][retention]")
{
    ScratchDir dir;
    const std::string database = dir.file("logthon.db");
    {
        LogthonFixture logthon(withDatabase(database, {{"max_logs", "5"}}));
        for (int i = 1; i <= 8; ++i) logthon.add("a", std::to_string(i));
        logthon.add("b", "b1");
    }
    {
        LogthonFixture smaller(withDatabase(database, {{"max_logs", "3"}}));
        CHECK(smaller.messages("?service=a") == std::vector<std::string>{"6", "7", "8"});
    }
    LogthonFixture larger(withDatabase(database, {{"max_logs", "100"}}));
    CHECK(larger.messages("?service=a") == std::vector<std::string>{"6", "7", "8"});   // what was pruned stays gone
    CHECK(larger.messages("?service=b") == std::vector<std::string>{"b1"});
}

TEST_CASE("clears reach the database, and ids keep increasing after everything was cleared", "[logthon][persistence][delete]")
{
    ScratchDir dir;
    const std::string database = dir.file("logthon.db");
    {
        LogthonFixture logthon(withDatabase(database));
        logthon.add("a", "1");
        logthon.add("b", "2");
        REQUIRE(logthon.host.call("DELETE", "/logs?service=a").status == 200);
    }
    {
        LogthonFixture logthon(withDatabase(database));
        CHECK(logthon.messages() == std::vector<std::string>{"2"});
        REQUIRE(logthon.host.call("DELETE", "/logs").status == 200);
    }
    LogthonFixture logthon(withDatabase(database));
    CHECK(logthon.logs()->size() == 0);
    logthon.add("c", "3");
    CHECK(logthon.ids() == std::vector<std::uint64_t>{3});
}

TEST_CASE("without a database setting the file lies under the host's state directory (terrarium.state_dir)", "[logthon][persistence][config]")
{
    ScratchDir dir;
    {
        LogthonFixture logthon(FlatConfig{{"terrarium.state_dir", dir.path()}});
        logthon.add("a", "1");
        CHECK(logthon.getObject("/health")->getObject("persistence")->getValue<std::string>("database") == dir.file("data/logthon/logthon.db"));
    }
    CHECK(Poco::File(dir.file("data/logthon/logthon.db")).exists());
    LogthonFixture again(FlatConfig{{"terrarium.state_dir", dir.path()}});
    CHECK(again.messages() == std::vector<std::string>{"1"});
}

TEST_CASE("LOGTHON_DATABASE names the file when the config does not", "[logthon][persistence][config]")
{
    ScratchDir dir;
    ::setenv("LOGTHON_DATABASE", dir.file("env.db").c_str(), 1);
    {
        LogthonFixture logthon;
        logthon.add("a", "1");
    }
    ::unsetenv("LOGTHON_DATABASE");
    CHECK(Poco::File(dir.file("env.db")).exists());
}

TEST_CASE("a database that cannot be opened is logged with its path and cause, health says degraded, ingestion works in memory",
          "[logthon][persistence][failure]")
{
    ScratchDir dir;
    const std::string blocked = dir.write("not-a-directory", "a file") + "/logthon.db";
    LogthonFixture logthon(withDatabase(blocked));
    CHECK(logthon.host.started());
    bool named = false;
    for (const auto& record : logthon.host.logs())
        if (record.message == "log database unavailable: logs are kept in memory only" && record.field("database") == blocked &&
            !record.field("error").value_or("").empty())
            named = true;
    CHECK(named);
    logthon.add("a", "kept in memory");
    CHECK(logthon.messages() == std::vector<std::string>{"kept in memory"});
    auto health = logthon.getObject("/health");
    CHECK(health->getValue<std::string>("status") == "degraded");
    auto persistence = health->getObject("persistence");
    CHECK(persistence->getValue<bool>("enabled"));
    CHECK_FALSE(persistence->getValue<bool>("healthy"));
    CHECK(persistence->getValue<std::string>("error").find(blocked) != std::string::npos);
}

TEST_CASE("snapshot hands every entry and the last id to the next generation's restore", "[logthon][reload]")
{
    LogthonFixture old(FlatConfig{{"max_logs", "2"}});
    old.add("a", "1");
    old.add("a", "2");
    old.add("a", "3");
    old.add("b", "multi\nline \"quoted\"");
    std::string state = old.host.snapshot();

    LogthonFixture next(FlatConfig{{"max_logs", "2"}});
    next.add("z", "before restore");   // replaced: the previous generation's state wins
    REQUIRE(next.host.restore(state) == TRM_OK);
    CHECK(next.messages() == std::vector<std::string>{"2", "3", "multi\nline \"quoted\""});
    CHECK(next.ids() == std::vector<std::uint64_t>{2, 3, 4});
    next.add("a", "5");
    CHECK(next.ids("?service=a") == std::vector<std::uint64_t>{3, 5});
    CHECK(next.host.restore("garbage") != TRM_OK);
    CHECK(next.ids("?service=a") == std::vector<std::uint64_t>{3, 5});
}

TEST_CASE("snapshot writes out what is queued for the database first", "[logthon][reload][persistence]")
{
    ScratchDir dir;
    const std::string database = dir.file("logthon.db");
    LogthonFixture old(withDatabase(database));
    REQUIRE(old.post(R"([{"service":"a","message":"1"},{"service":"a","message":"2"}])").status == 200);
    std::string state = old.host.snapshot();
    LogthonFixture next(withDatabase(database));   // opened while the old generation still runs
    CHECK(next.messages() == std::vector<std::string>{"1", "2"});
    REQUIRE(next.host.restore(state) == TRM_OK);
    next.add("a", "3");
    CHECK(next.ids() == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE("a failing write round is logged with the file and the cause, health says degraded, entries stay in memory and are written once the database works again",
          "[logthon][persistence][failure]")
{
    ScratchDir dir;
    const std::string database = dir.file("logthon.db");
    LogthonFixture logthon(withDatabase(database));
    logthon.add("a", "1");
    auto persisted = [&] { return logthon.getObject("/health")->getObject("persistence")->getValue<int>("persisted"); };
    REQUIRE(eventually([&] { return persisted() == 1; }));

    Poco::Data::Session other(new Poco::Data::SQLite::SessionImpl(database));
    other << "DROP TABLE logs", Poco::Data::Keywords::now;   // the next insert fails: no such table
    logthon.add("a", "2");
    REQUIRE(eventually([&] { return logthon.host.counter("persistence_failures") >= 1; }));
    CHECK(logthon.messages() == std::vector<std::string>{"1", "2"});
    auto health = logthon.getObject("/health");
    CHECK(health->getValue<std::string>("status") == "degraded");
    CHECK(health->getObject("persistence")->getValue<std::string>("error").find("no such table") != std::string::npos);
    bool named = false;
    for (const auto& record : logthon.host.logs())
        if (record.message == "persisting log entries failed; they stay in memory and are written again later" && record.field("database") == database &&
            record.field("error").value_or("").find("no such table") != std::string::npos)
            named = true;
    CHECK(named);

    other << "CREATE TABLE logs (id INTEGER PRIMARY KEY, service TEXT NOT NULL, entry TEXT NOT NULL)", Poco::Data::Keywords::now;
    logthon.add("a", "3");
    REQUIRE(eventually([&] { return persisted() == 3; }));   // the failed round's entry too
    CHECK(logthon.getObject("/health")->getValue<std::string>("status") == "healthy");
    std::vector<std::string> stored;
    other << "SELECT entry FROM logs ORDER BY id", Poco::Data::Keywords::into(stored), Poco::Data::Keywords::now;
    CHECK(stored.size() == 2);   // "2" and "3": "1" went with the dropped table
}
