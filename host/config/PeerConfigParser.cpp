#include "config/PeerConfigParser.h"

#include "config/ConfigError.h"
#include "config/ConfigKey.h"
#include "config/ConfigValue.h"
#include "config/HostServicesConfigParser.h"

#include <Poco/JSON/Object.h>

namespace terrarium {

namespace {

const ConfigKey::Names PEER_KEYS = {"admin_url", "token_file", "url", "listeners"};

} // namespace

void PeerConfigParser::parsePeers(const Poco::Dynamic::Var& value, Config& config)
{
    Poco::JSON::Object::Ptr peers = ConfigValue::object(value, "peers", "an object of peer name -> {\"admin_url\", \"token_file\", \"url\"}");
    for (const std::string& name : peers->getNames())
    {
        std::string key = ConfigKey::member("peers", name);
        if (!ConfigValue::isPluginName(name))
            throw ConfigError(key, "invalid peer name " + ConfigValue::quoted(name) + "; " + ConfigValue::PLUGIN_NAME_EXPECTED);
        Poco::JSON::Object::Ptr peer = ConfigValue::object(peers->get(name), key, "an object with \"admin_url\", \"token_file\" and \"url\"");
        ConfigKey::checkKnown(*peer, key, PEER_KEYS);
        PeerConfig entry;
        if (!peer->has("admin_url")) throw ConfigError(key + ".admin_url", "missing; expected the peer's admin API base URL, e.g. \"http://b:8081\"");
        entry.adminUrl = HostServicesConfigParser::serviceUrl(ConfigValue::string(peer->get("admin_url"), key + ".admin_url", "a URL (string)"),
                                                              key + ".admin_url");
        if (!peer->has("url")) throw ConfigError(key + ".url", "missing; expected the base URL of the peer's main listener, e.g. \"http://b:8080\"");
        entry.url = HostServicesConfigParser::serviceUrl(ConfigValue::string(peer->get("url"), key + ".url", "a URL (string)"), key + ".url");
        if (peer->has("token_file")) entry.tokenFile = ConfigValue::filePath(*peer, key, "token_file");
        if (peer->has("listeners"))
        {
            Poco::JSON::Object::Ptr listeners = ConfigValue::object(peer->get("listeners"), key + ".listeners", "an object of listener name -> base URL");
            for (const std::string& listener : listeners->getNames())
            {
                std::string listenerKey = ConfigKey::member(key + ".listeners", listener);
                entry.listeners[listener] =
                    HostServicesConfigParser::serviceUrl(ConfigValue::string(listeners->get(listener), listenerKey, "a URL (string)"), listenerKey);
            }
        }
        config.peers[name] = entry;
    }
}

} // namespace terrarium
