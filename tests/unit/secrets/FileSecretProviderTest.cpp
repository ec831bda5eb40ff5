// FileSecretProvider: Kubernetes secret volume layout (..data symlinks), JSON files, missing and
// unreadable paths; and the cache in front of it.
#include "SecretsTestSupport.h"

#include "secrets/FileSecretProvider.h"
#include "secrets/SecretCache.h"

#include <Poco/File.h>

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

using terrarium::FileSecretProvider;
using terrarium::SecretCache;
using terrarium::SecretOutcome;
using terrarium::SecretRead;
using terrarium::test::contains;
using terrarium::test::ManualClock;
using terrarium::test::ScratchDir;

namespace {

void symlinkOrFail(const std::string& target, const std::string& link)
{
    REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
}

/// Lays out dir/<path> as kubelet does: the files in a timestamped directory, `..data` pointing at
/// it, and one symbolic link per key through `..data`.
void kubernetesMount(const ScratchDir& dir, const std::string& path, const std::string& stamp,
    const std::map<std::string, std::string>& values, bool firstTime = true)
{
    for (const auto& value : values)
        dir.write(path + "/" + stamp + "/" + value.first, value.second);
    const std::string base = dir.file(path);
    symlinkOrFail(stamp, base + "/..data_tmp");
    REQUIRE(std::rename((base + "/..data_tmp").c_str(), (base + "/..data").c_str()) == 0);
    if (firstTime)
        for (const auto& value : values)
            symlinkOrFail("..data/" + value.first, base + "/" + value.first);
}

/// The outcome of provider.read(path) in a child process that runs as user nobody (so that file
/// permissions apply even when the tests run as root).
SecretOutcome readAsNobody(FileSecretProvider& provider, const std::string& path)
{
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0)
    {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0)
            ::_exit(100);
        ::_exit(static_cast<int>(provider.read(path).outcome));
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) != 100);
    return static_cast<SecretOutcome>(WEXITSTATUS(status));
}

} // namespace

TEST_CASE("a Kubernetes secret mount reads one key per file through the ..data links", "[secrets][files]")
{
    ScratchDir dir;
    kubernetesMount(dir, "custom-client/config", "..2024_06_01_12_00_00.000000001",
        {{"api_key", "mock-api-key-12345\n"}, {"database_url", "postgresql://user:pass@db:5432/app"}, {"crlf", "line\r\n"},
         {"two_newlines", "x\n\n"}});
    FileSecretProvider provider(dir.path());
    CHECK(provider.name() == "files");
    CHECK(provider.dir() == dir.path());

    SecretRead read = provider.read("custom-client/config");
    REQUIRE(read.outcome == SecretOutcome::Found);
    CHECK(read.values.size() == 4);   // no ..data, no timestamped directory
    CHECK(read.values["api_key"] == "mock-api-key-12345");
    CHECK(read.values["database_url"] == "postgresql://user:pass@db:5432/app");
    CHECK(read.values["crlf"] == "line");
    CHECK(read.values["two_newlines"] == "x\n");

    // kubelet's atomic update: new timestamped directory, ..data swapped by rename.
    kubernetesMount(dir, "custom-client/config", "..2024_06_01_13_00_00.000000002",
        {{"api_key", "rotated\n"}, {"database_url", "d"}, {"crlf", "c"}, {"two_newlines", "t"}}, false);
    CHECK(provider.read("custom-client/config").values["api_key"] == "rotated");
}

TEST_CASE("a JSON file is read as an object of keys, a directory wins over it", "[secrets][files]")
{
    ScratchDir dir;
    dir.write("app/db.json", R"({"user": "app", "port": 5432, "tls": true, "extra": {"a": [1, 2]}})");
    FileSecretProvider provider(dir.path());
    SecretRead read = provider.read("app/db");
    REQUIRE(read.outcome == SecretOutcome::Found);
    CHECK(read.values["user"] == "app");
    CHECK(read.values["port"] == "5432");
    CHECK(read.values["tls"] == "true");
    CHECK(read.values["extra"] == R"({"a":[1,2]})");

    dir.write("app/db/user", "from-directory");
    read = provider.read("app/db");
    REQUIRE(read.outcome == SecretOutcome::Found);
    CHECK(read.values.size() == 1);
    CHECK(read.values["user"] == "from-directory");
}

TEST_CASE("missing paths are NotFound, also below a directory that does not exist", "[secrets][files]")
{
    ScratchDir dir;
    FileSecretProvider provider(dir.path());
    SecretRead read = provider.read("app/missing");
    CHECK(read.outcome == SecretOutcome::NotFound);
    CHECK(contains(read.message, "app/missing"));
    FileSecretProvider nowhere(dir.file("not-there"));
    CHECK(nowhere.read("app/db").outcome == SecretOutcome::NotFound);
}

TEST_CASE("unreadable files are Forbidden, broken ones are Unavailable", "[secrets][files]")
{
    ScratchDir dir;
    FileSecretProvider provider(dir.path());

    SECTION("a key file without read permission")
    {
        const std::string file = dir.write("app/locked/password", "pw-VALUE-locked");
        REQUIRE(::chmod(file.c_str(), 0) == 0);
        if (::geteuid() == 0)
            CHECK(readAsNobody(provider, "app/locked") == SecretOutcome::Forbidden);
        else
            CHECK(provider.read("app/locked").outcome == SecretOutcome::Forbidden);
    }
    SECTION("a JSON file without read permission")
    {
        const std::string file = dir.write("app/locked.json", R"({"password": "pw-VALUE-locked"})");
        REQUIRE(::chmod(file.c_str(), 0) == 0);
        if (::geteuid() == 0)
            CHECK(readAsNobody(provider, "app/locked") == SecretOutcome::Forbidden);
        else
            CHECK(provider.read("app/locked").outcome == SecretOutcome::Forbidden);
    }
    SECTION("invalid JSON")
    {
        dir.write("app/broken.json", R"({"password": "pw-VALUE-broken")");
        SecretRead read = provider.read("app/broken");
        CHECK(read.outcome == SecretOutcome::Unavailable);
        CHECK_FALSE(contains(read.message, "pw-VALUE-broken"));
    }
    SECTION("a file over 1 MiB")
    {
        dir.write("app/huge/blob", std::string(1024 * 1024 + 1, 'x'));
        CHECK(provider.read("app/huge").outcome == SecretOutcome::Unavailable);
    }
    SECTION("hidden segments")
    {
        dir.write("app/..data/key", "v");
        CHECK(provider.read("app/..data").outcome == SecretOutcome::Invalid);
        CHECK(provider.read(".hidden/x").outcome == SecretOutcome::Invalid);
    }
}

TEST_CASE("the cache in front of files picks up a rewritten file after the ttl", "[secrets][files][cache]")
{
    ScratchDir dir;
    dir.write("app/db/user", "first\n");
    ManualClock clock;
    SecretCache::Settings settings;
    settings.ttl = Poco::Timespan(10, 0);
    SecretCache cache(std::make_unique<FileSecretProvider>(dir.path()), settings, clock.clock());
    CHECK(cache.get("app/db", "user").value == "first");
    dir.write("app/db/user", "second\n");
    CHECK(cache.get("app/db", "user").value == "first");
    clock.advance(Poco::Timespan(10, 0));
    CHECK(cache.get("app/db", "user").value == "second");
    CHECK(cache.get("app/db", "missing").outcome == SecretOutcome::NotFound);
    CHECK(cache.stats().provider == "files");
}
