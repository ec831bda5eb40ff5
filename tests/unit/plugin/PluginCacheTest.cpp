#include "plugin/PluginCache.h"
#include "plugin/PluginError.h"

#include "ScratchDir.h"

#include <Poco/File.h>
#include <Poco/Path.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>

using terrarium::PluginCache;

namespace {

void writeFile(const std::string& path, const std::string& content)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

} // namespace

TEST_CASE("the cache stores content-addressed copies", "[cache]")
{
    terrarium::test::ScratchDir scratch;
    std::string dir = scratch.path();
    std::string source = Poco::Path(dir, "demo.so").toString();
    writeFile(source, "first build");
    PluginCache cache(Poco::Path(dir, "cache").toString());

    PluginCache::Entry first = cache.store(source);
    // sha256("first build")
    CHECK(first.sha256 == PluginCache::sha256(source));
    CHECK(first.sha256.size() == 64);
    CHECK(first.path == Poco::Path(cache.directory(), "demo-" + first.sha256 + ".so").toString());
    CHECK(first.size == 11);
    CHECK(Poco::File(first.path).exists());

    SECTION("the same content maps to the same copy")
    {
        CHECK(cache.store(source).path == first.path);
    }
    SECTION("new content gets a new copy and the old one stays")
    {
        writeFile(source, "second build");
        PluginCache::Entry second = cache.store(source);
        CHECK(second.path != first.path);
        CHECK(Poco::File(first.path).exists());
        CHECK(Poco::File(second.path).exists());
    }
    SECTION("no temporary file is left behind")
    {
        std::vector<std::string> names;
        Poco::File(cache.directory()).list(names);
        CHECK(names.size() == 1);
    }
    SECTION("remove deletes a copy")
    {
        cache.remove(first.path);
        CHECK_FALSE(Poco::File(first.path).exists());
    }
    Poco::File(dir).remove(true);
}

TEST_CASE("an unreadable source is a clear error", "[cache]")
{
    terrarium::test::ScratchDir scratch;
    std::string dir = scratch.path() + "/cache";
    PluginCache cache(dir);
    CHECK_THROWS_AS(cache.store(dir + "/missing.so"), terrarium::PluginError);
    try
    {
        cache.store(dir + "/missing.so");
    }
    catch (const terrarium::PluginError& e)
    {
        CHECK(e.code() == "file_unreadable");
        CHECK_THAT(std::string(e.what()), Catch::Contains("missing.so"));
    }
    Poco::File(dir).remove(true);
}
