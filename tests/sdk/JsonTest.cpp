// terrarium/json.hpp: parsing with clear errors, typed getters with defaults, writing, and the
// 400 answers of a plugin ("orders", JsonPlugin.cpp) driven through FakeHost.
#include <terrarium/json.hpp>
#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

using terrarium::testing::FakeHost;
namespace json = terrarium::json;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The code and message of the json::Error that f throws ("" when it throws none).
template <class F>
std::pair<std::string, std::string> errorOf(F&& f)
{
    try {
        f();
    } catch (const json::Error& e) {
        CHECK(e.status() == TRM_ERR_BAD_REQUEST);
        return {e.code(), e.what()};
    }
    return {};
}

} // namespace

TEST_CASE("json: parseObject reads an object and names what is wrong with anything else", "[json]")
{
    json::ObjectPtr object = json::parseObject(R"({"a": 1, "b": [true, null], "c": {"d": "é"}})");
    CHECK(object->size() == 3);

    auto truncated = errorOf([] { json::parseObject(R"({"a": )", "the request body"); });
    CHECK(truncated.first == "invalid_json");
    CHECK(truncated.second == "the request body is not valid JSON: unexpected end of text");
    CHECK(errorOf([] { json::parseObject("[1, 2]"); }).second == "the text must be a JSON object");
    CHECK(errorOf([] { json::parseObject("  \n"); }).second == "the text is empty; expected JSON");
    CHECK(errorOf([] { json::parseObject("{\"a\":1} trailing"); }).first == "invalid_json");
    CHECK(json::parse("[1,2]").isArray());
}

TEST_CASE("json: typed getters take defaults for absent or null members and refuse other types", "[json]")
{
    json::ObjectPtr o = json::parseObject(
        R"({"s":"text","i":42,"neg":-7,"big":5000000000,"huge":18446744073709551615,"d":2.5,"t":true,"n":null,"o":{"k":1},"a":[1,2,3]})");
    CHECK(json::get<std::string>(*o, "s", "x") == "text");
    CHECK(json::get(*o, "missing", "fallback") == "fallback");
    CHECK(json::get<std::string>(*o, "n", "null means absent") == "null means absent");
    CHECK(json::get<int>(*o, "i", 0) == 42);
    CHECK(json::get<int>(*o, "neg", 0) == -7);
    CHECK(json::get<std::int64_t>(*o, "big", 0) == 5000000000LL);
    CHECK(json::get<std::uint64_t>(*o, "huge", 0) == 18446744073709551615ULL);
    CHECK(json::get<double>(*o, "d", 0) == 2.5);
    CHECK(json::get<double>(*o, "i", 0) == 42.0);   // an integer is a number
    CHECK(json::get<bool>(*o, "t", false));
    CHECK(json::get<json::ObjectPtr>(*o, "o", nullptr)->getValue<int>("k") == 1);
    CHECK(json::get<json::ArrayPtr>(*o, "a", nullptr)->size() == 3);
    CHECK(json::require<int>(*o, "i") == 42);

    CHECK(errorOf([&] { json::get<int>(*o, "s", 0); }) == std::make_pair(std::string("invalid_field"), std::string("field 's' must be an integer")));
    CHECK(errorOf([&] { json::get<int>(*o, "t", 0); }).second == "field 't' must be an integer");
    CHECK(errorOf([&] { json::get<int>(*o, "d", 0); }).second == "field 'd' must be an integer");
    CHECK(errorOf([&] { json::get<int>(*o, "big", 0); }).second == "field 'big' must be an integer from -2147483648 to 2147483647");
    CHECK(errorOf([&] { json::get<unsigned>(*o, "neg", 0); }).second == "field 'neg' must be an integer from 0 to 4294967295");
    CHECK(errorOf([&] { json::get<std::int64_t>(*o, "huge", 0); }).first == "invalid_field");
    CHECK(errorOf([&] { json::get<std::string>(*o, "i", ""); }).second == "field 'i' must be a string");
    CHECK(errorOf([&] { json::get<bool>(*o, "s", false); }).second == "field 's' must be true or false");
    CHECK(errorOf([&] { json::get<double>(*o, "t", 0); }).second == "field 't' must be a number");
    CHECK(errorOf([&] { json::get<json::ObjectPtr>(*o, "a", nullptr); }).second == "field 'a' must be an object");
    CHECK(errorOf([&] { json::get<json::ArrayPtr>(*o, "o", nullptr); }).second == "field 'o' must be an array");
    CHECK(errorOf([&] { json::require<std::string>(*o, "n"); }) == std::make_pair(std::string("missing_field"), std::string("field 'n' is required")));
    CHECK(errorOf([&] { json::require<std::string>(*o, "nope"); }).second == "field 'nope' is required");
}

TEST_CASE("json: write gives compact text in insertion order with strings escaped", "[json]")
{
    json::ObjectPtr o = json::object();
    o->set("z", 1);
    o->set("path", "/a/b");
    o->set("text", std::string("quote \" backslash \\ newline \n é"));
    json::ArrayPtr list = json::array();
    list->add(true);
    list->add(Poco::Dynamic::Var());
    o->set("list", list);
    CHECK(json::write(o) == R"({"z":1,"path":"/a/b","text":"quote \" backslash \\ newline \n é","list":[true,null]})");
    CHECK(json::write(Poco::Dynamic::Var()) == "null");
    // Parsed objects keep their order too, so what is read can be written back as it came.
    CHECK(json::write(json::parseObject(R"({"b":1,"a":2})")) == R"({"b":1,"a":2})");
}

TEST_CASE("json: a plugin answers its JSON and 400 with a JSON error for bad input", "[json][plugin]")
{
    FakeHost host(&terrarium_plugin_entry);
    host.start();

    auto ok = host.call("POST", "/orders", R"({"item":"tea","quantity":3,"gift":true,"tags":["a","b"],"note":"hot"})");
    CHECK(ok.status == 201);
    CHECK(ok.header("Content-Type") == std::string("application/json"));
    CHECK(ok.body == R"({"item":"tea","quantity":3,"gift":true,"tags":2,"note":"hot"})");
    CHECK(host.call("POST", "/orders", R"({"item":"tea"})").body == R"({"item":"tea","quantity":1,"gift":false,"tags":0})");

    auto broken = host.call("POST", "/orders", R"({"item": "tea",)");
    CHECK(broken.status == 400);
    CHECK(broken.result == TRM_OK);
    CHECK(broken.header("Content-Type") == std::string("application/json"));
    CHECK(broken.body == R"({"error":"invalid_json","message":"the request body is not valid JSON: unexpected end of text"})");

    auto empty = host.call("POST", "/orders", "");
    CHECK(empty.status == 400);
    CHECK(contains(empty.body, "the request body is empty"));

    auto missing = host.call("POST", "/orders", R"({"quantity":2})");
    CHECK(missing.status == 400);
    CHECK(missing.body == R"({"error":"missing_field","message":"field 'item' is required"})");

    auto wrong = host.call("POST", "/orders", R"({"item":"tea","quantity":"3"})");
    CHECK(wrong.status == 400);
    CHECK(wrong.body == R"({"error":"invalid_field","message":"field 'quantity' must be an integer"})");

    // Not caught by the plugin: handle() returns TRM_ERR_BAD_REQUEST and the host answers 400.
    auto strict = host.call("POST", "/orders/strict", "[]");
    CHECK(strict.result == TRM_ERR_BAD_REQUEST);
    CHECK(strict.status == 400);
    CHECK(host.call("POST", "/orders/strict", R"({"item":"tea"})").status == 201);
}
