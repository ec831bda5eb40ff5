#include "EdgeTerrariumConfig.h"

#include "HttpTestClient.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace terrarium::test {

Poco::JSON::Object::Ptr edgeTerrariumConfigOnLoopback()
{
    const std::string text = readFile(std::string(TERRARIUM_CONFIG_DIR) + "/edge-terrarium.json");
    REQUIRE_FALSE(text.empty());
    auto root = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    root->set("listen", "127.0.0.1:0");
    auto listeners = root->getArray("listeners");
    REQUIRE(listeners);
    for (unsigned i = 0; i < listeners->size(); ++i) listeners->getObject(i)->set("listen", "127.0.0.1:0");
    auto admin = root->getObject("admin");
    REQUIRE(admin);
    admin->set("listen", "127.0.0.1:0");
    return root;
}

Poco::JSON::Object::Ptr shippedConfigOnLoopback(const std::string& file)
{
    const std::string text = readFile(std::string(TERRARIUM_CONFIG_DIR) + "/" + file);
    INFO("config/" << file);
    REQUIRE_FALSE(text.empty());
    auto root = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    REQUIRE(root);
    root->set("listen", "127.0.0.1:0");
    if (auto listeners = root->getArray("listeners"))
        for (unsigned i = 0; i < listeners->size(); ++i) listeners->getObject(i)->set("listen", "127.0.0.1:0");
    objectMember(root, "admin")->set("listen", "127.0.0.1:0");
    return root;
}

Poco::JSON::Object::Ptr objectMember(Poco::JSON::Object::Ptr object, const std::string& name)
{
    Poco::JSON::Object::Ptr child = object->getObject(name);
    if (!child) {
        child = new Poco::JSON::Object;
        object->set(name, child);
    }
    return child;
}

std::string jsonText(const Poco::JSON::Object::Ptr& object)
{
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

} // namespace terrarium::test
