#ifndef Terrarium_PluginMover_INCLUDED
#define Terrarium_PluginMover_INCLUDED

#include "config/Config.h"

#include <Poco/JSON/Object.h>

#include <map>
#include <mutex>
#include <string>

namespace terrarium {

class HttpClient;
class PluginLifecycle;
class ServiceDirectory;

/// Moves a running plugin from this host to a peer (a "peers" entry), state and all:
///   upload    the library (and its .sig) to the peer, loaded there holding its requests until restore
///   forward   this host forwards the plugin's routes to the peer's listener; its generation drains
///   snapshot  the drained generation's snapshot bytes (skipped without the capability)
///   restore   the bytes restored on the peer, whose held requests then run
///   unload    the plugin unloaded here (its routes stay forwarded); its file renamed to .NAME.so.moved
///             so that neither a restart nor a rescan loads it here again
///   directory this host's service directory names the peer's URL for the plugin
///   peers     every other peer is told the new URL (POST /admin/services/{name})
/// A failure before unload leaves this host serving as before (the peer's copy is unloaded) and
/// is reported with its step. Every step is logged; move() returns the report. One move at a time.
class PluginMover
{
public:
    /// Starts with config's peers; config and the others must outlive the mover.
    PluginMover(PluginLifecycle& lifecycle, const Config& config, HttpClient& client, ServiceDirectory& directory);

    /// Moves plugin name to to (a peer name, or the admin URL of a peer). Returns the report
    /// {"plugin","to","admin_url","url","moved":true,"state":...,"library_bytes","state_bytes","steps":[{"step","ms"}...],"total_ms","peers":{...}}.
    /// Throws PluginError: unknown_peer (400), not_found (404), moving (409), and move_failed
    /// (502) naming the step and the cause, with the report so far in report.
    Poco::JSON::Object::Ptr move(const std::string& name, const std::string& to, Poco::JSON::Object::Ptr& report);

    /// Replaces the peers (the configuration was read again); a move under way keeps its peer.
    void setPeers(std::map<std::string, PeerConfig> peers);

private:
    PluginLifecycle& _lifecycle;
    const Config& _config;
    HttpClient& _client;
    ServiceDirectory& _directory;
    std::mutex _moveMutex;
    mutable std::mutex _peersMutex;
    std::map<std::string, PeerConfig> _peers;
};

} // namespace terrarium

#endif
