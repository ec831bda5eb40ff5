// terrarium_plugin_assets() embeds files into the plugin byte for byte; terrarium/assets.hpp
// finds them by name and serves them with a content type from the extension.
#include <terrarium/assets.hpp>
#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

using terrarium::testing::FakeHost;

namespace {

std::string sourceFile(const std::string& name)
{
    std::ifstream in(std::string(ASSETS_SOURCE_DIR) + "/" + name, std::ios::binary);
    REQUIRE(in);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("assets: every listed file is embedded byte for byte, sorted by name", "[assets]")
{
    std::size_t count = 0;
    const terrarium::Asset* assets = terrarium::embeddedAssets(count);
    REQUIRE(count == 5);
    for (std::size_t i = 1; i < count; ++i) CHECK(assets[i - 1].name < assets[i].name);

    for (const char* name : {"hello.txt", "nested/data.json", "bytes.bin", "empty.txt", "page.html"}) {
        INFO(name);
        const terrarium::Asset* asset = terrarium::findAsset(name);
        REQUIRE(asset);
        CHECK(asset->name == name);
        CHECK(std::string(asset->data) == sourceFile(name));
    }
    CHECK(terrarium::findAsset("bytes.bin")->data.size() == 256);
    CHECK(terrarium::findAsset("empty.txt")->data.empty());
    CHECK(terrarium::findAsset("missing.txt") == nullptr);
    CHECK(terrarium::findAsset("nested") == nullptr);
    CHECK(terrarium::findAsset("") == nullptr);

    CHECK(terrarium::findAsset("hello.txt")->contentType == "text/plain; charset=utf-8");
    CHECK(terrarium::findAsset("nested/data.json")->contentType == "application/json");
    CHECK(terrarium::findAsset("page.html")->contentType == "text/html; charset=utf-8");
    CHECK(terrarium::findAsset("bytes.bin")->contentType == "application/octet-stream");
}

TEST_CASE("assets: a plugin serves its embedded files through the host", "[assets][plugin]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();
    auto page = host.call("GET", "/assets/page.html");
    CHECK(page.status == 200);
    CHECK(page.header("Content-Type") == std::string("text/html; charset=utf-8"));
    CHECK(page.body == sourceFile("page.html"));
    auto binary = host.call("GET", "/assets/bytes.bin");
    CHECK(binary.status == 200);
    CHECK(binary.body == sourceFile("bytes.bin"));
    CHECK(host.call("GET", "/assets/nested/data.json").body == "{\"nested\": true}\n");
    CHECK(host.call("GET", "/assets/nope").status == 404);
}
