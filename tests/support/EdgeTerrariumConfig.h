// config/edge-terrarium.json as shipped, moved onto ephemeral loopback ports for the tests that
// start the real terrariumd with it.
#ifndef Terrarium_Test_EdgeTerrariumConfig_INCLUDED
#define Terrarium_Test_EdgeTerrariumConfig_INCLUDED

#include <Poco/JSON/Object.h>

#include <string>

namespace terrarium::test {

/// config/edge-terrarium.json with every "listen" (main, extra listeners, admin) set to
/// 127.0.0.1:0; FAILs the test when the file cannot be read or lacks those members.
Poco::JSON::Object::Ptr edgeTerrariumConfigOnLoopback();

/// object as compact JSON text (e.g. for TerrariumProcess::Options::configJson).
std::string jsonText(const Poco::JSON::Object::Ptr& object);

} // namespace terrarium::test

#endif
