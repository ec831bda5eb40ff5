// The shipped configurations (config/edge-terrarium.json, config/terrarium.json, config/split/),
// moved onto ephemeral loopback ports for the tests that start the real terrariumd with them.
#ifndef Terrarium_Test_EdgeTerrariumConfig_INCLUDED
#define Terrarium_Test_EdgeTerrariumConfig_INCLUDED

#include <Poco/JSON/Object.h>

#include <string>

namespace terrarium::test {

/// config/edge-terrarium.json with every "listen" (main, extra listeners, admin) set to
/// 127.0.0.1:0; FAILs the test when the file cannot be read or lacks those members.
Poco::JSON::Object::Ptr edgeTerrariumConfigOnLoopback();

/// config/<file> (e.g. "terrarium.json", "split/host-a.json") with every "listen" it has (main,
/// extra listeners, admin) set to 127.0.0.1:0; FAILs the test when the file cannot be read or is
/// not a JSON object.
Poco::JSON::Object::Ptr shippedConfigOnLoopback(const std::string& file);

/// object.<name> as an object, added (empty) when absent: for editing a configuration.
Poco::JSON::Object::Ptr objectMember(Poco::JSON::Object::Ptr object, const std::string& name);

/// object as compact JSON text (e.g. for TerrariumProcess::Options::configJson).
std::string jsonText(const Poco::JSON::Object::Ptr& object);

} // namespace terrarium::test

#endif
