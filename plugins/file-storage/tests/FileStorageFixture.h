// A file-storage plugin served by FakeHost over a private storage directory, and helpers to read
// its answers.
#ifndef FileStorage_Test_FileStorageFixture_INCLUDED
#define FileStorage_Test_FileStorageFixture_INCLUDED

#include "FileStorage.h"
#include "ScratchDir.h"

#include <terrarium/json.hpp>
#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <Poco/File.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace filestorage::test {

using terrarium::testing::FakeHost;
using terrarium::testing::FakeResponse;
using terrarium::testing::FlatConfig;

/// A storage directory and the plugin serving it through FakeHost (started).
class StorageFixture
{
public:
    /// The plugin with path set to a fresh directory plus the extra config keys given.
    explicit StorageFixture(FlatConfig extra = {}) : host(&terrarium_plugin_entry, withPath(std::move(extra), dir.file("store")))
    {
        host.start();
    }

    /// The plugin object behind the fake host (for the test seams of FileStorage).
    FileStorage& plugin()
    {
        return static_cast<terrarium::detail::Box<FileStorage>*>(host.instance())->object;
    }

    /// The storage directory's path.
    std::string storagePath() const { return dir.file("store"); }

    /// Every entry of the storage directory (dot files included), sorted.
    std::vector<std::string> entries() const
    {
        std::vector<std::string> names;
        Poco::File(storagePath()).list(names);
        std::sort(names.begin(), names.end());
        return names;
    }

    /// Every entry of the scratch directory that holds the storage directory, sorted.
    std::vector<std::string> parentEntries() const
    {
        std::vector<std::string> names;
        Poco::File(dir.path()).list(names);
        std::sort(names.begin(), names.end());
        return names;
    }

    /// The content of a file of the storage directory ("" when it cannot be read).
    std::string read(const std::string& name) const
    {
        std::ifstream in(storagePath() + "/" + name, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

    /// Writes content to a file of the storage directory directly.
    void put(const std::string& name, const std::string& content) const { dir.write("store/" + name, content); }

    /// PUT /api/file-storage/files with {"content":content} and more members (JSON text, may be empty).
    FakeResponse create(const std::string& content, const std::string& more = "")
    {
        std::string body = "{\"content\":" + terrarium::json::write(content) + (more.empty() ? "" : "," + more) + "}";
        return host.call("PUT", "/api/file-storage/files", body, {{"Content-Type", "application/json"}});
    }

    terrarium::test::ScratchDir dir;
    FakeHost host;

private:
    static FlatConfig withPath(FlatConfig config, const std::string& path)
    {
        config.emplace("path", path);
        return config;
    }
};

/// The body of r as a JSON object (fails the test when it is not one).
inline terrarium::json::ObjectPtr bodyOf(const FakeResponse& r)
{
    INFO(r.body);
    terrarium::json::ObjectPtr object;
    REQUIRE_NOTHROW(object = terrarium::json::parseObject(r.body));
    return object;
}

/// The "detail" text of an error answer.
inline std::string detailOf(const FakeResponse& r)
{
    return bodyOf(r)->getValue<std::string>("detail");
}

} // namespace filestorage::test

#endif
