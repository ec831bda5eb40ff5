#include "move/PluginMover.h"

#include "client/ServiceDirectory.h"
#include "http/JsonText.h"
#include "lifecycle/PluginLifecycle.h"
#include "move/PeerAdminClient.h"
#include "plugin/PluginError.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>
#include <cstdio>
#include <optional>

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("move"); }

std::string readFile(const std::string& path)
{
    Poco::FileInputStream in(path);
    std::string content;
    Poco::StreamCopier::copyToString(in, content);
    return content;
}

std::string withoutSlash(std::string url)
{
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

/// The steps of one move as they happen, for the log and the report.
class MoveSteps
{
public:
    explicit MoveSteps(Poco::JSON::Object::Ptr report) : _report(std::move(report)), _steps(new Poco::JSON::Array)
    {
        _report->set("steps", _steps);
    }

    /// Records step as done, with its duration since the previous one.
    void done(const std::string& plugin, const std::string& step, const std::string& detail)
    {
        auto now = std::chrono::steady_clock::now();
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("step", step);
        entry->set("ms", std::chrono::duration<double, std::milli>(now - _last).count());
        if (!detail.empty()) entry->set("detail", detail);
        _steps->add(entry);
        _last = now;
        logger().information("move of '%s': %s done (%s)", plugin, step, detail);
    }

    /// Throws move_failed for step, with the report: total time and the failed step.
    [[noreturn]] void fail(const std::string& plugin, const std::string& step, const std::string& cause)
    {
        _report->set("moved", false);
        _report->set("failed_step", step);
        _report->set("total_ms", totalMs());
        logger().error("move of '%s' failed at %s: %s; it keeps serving here", plugin, step, cause);
        throw PluginError("move_failed", 502, "move of '" + plugin + "' failed at step " + step + ": " + cause + "; it keeps serving on this host");
    }

    double totalMs() const { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - _start).count(); }

private:
    Poco::JSON::Object::Ptr _report;
    Poco::JSON::Array::Ptr _steps;
    std::chrono::steady_clock::time_point _start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point _last = _start;
};

} // namespace

PluginMover::PluginMover(PluginLifecycle& lifecycle, const Config& config, HttpClient& client, ServiceDirectory& directory)
    : _lifecycle(lifecycle), _config(config), _client(client), _directory(directory), _peers(config.peers)
{
}

void PluginMover::setPeers(std::map<std::string, PeerConfig> peers)
{
    std::lock_guard lock(_peersMutex);
    _peers = std::move(peers);
}

Poco::JSON::Object::Ptr PluginMover::move(const std::string& name, const std::string& to, Poco::JSON::Object::Ptr& report)
{
    std::unique_lock moving(_moveMutex, std::try_to_lock);
    if (!moving.owns_lock()) throw PluginError("moving", 409, "another move is under way; try again once it ended");
    std::map<std::string, PeerConfig> peers;
    {
        std::lock_guard lock(_peersMutex);
        peers = _peers;
    }
    std::optional<PeerAdminClient> peer;
    for (const auto& [peerName, config] : peers)
        if (peerName == to || withoutSlash(config.adminUrl) == withoutSlash(to)) peer.emplace(_client, peerName, config);
    if (!peer)
    {
        std::string known;
        for (const auto& entry : peers) known += (known.empty() ? "" : ", ") + entry.first;
        throw PluginError("unknown_peer", 400, "'" + to + "' is neither the name nor the admin URL of a configured peer (peers: " +
                                                   (known.empty() ? std::string("none; add them under \"peers\"") : known) + ")");
    }
    Poco::JSON::Object::Ptr plugin = _lifecycle.describe(name);
    const std::string file = plugin->getValue<std::string>("file");
    const std::string library = _lifecycle.resolveFile(file);
    const std::string url = peer->peer().url;
    const std::string base = "/admin/plugins/" + name;

    report = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    report->set("plugin", name);
    report->set("to", peer->name());
    report->set("admin_url", peer->peer().adminUrl);
    report->set("url", url);
    MoveSteps steps(report);
    logger().information("moving plugin '%s' to peer '%s' (%s, requests to %s)", name, peer->name(), peer->peer().adminUrl, url);

    std::string bytes = readFile(library);
    report->set("library_bytes", static_cast<Poco::UInt64>(bytes.size()));
    if (Poco::File(library + ".sig").exists())
    {
        ClientResult signature = peer->call("PUT", base + "/signature", readFile(library + ".sig"), "application/octet-stream");
        if (!signature.ok() || signature.response.status != 200) steps.fail(name, "upload", "signature: " + PeerAdminClient::failure(signature));
    }
    ClientResult uploaded = peer->call("PUT", base + "/library?hold=restore", std::move(bytes), "application/octet-stream");
    if (!uploaded.ok() || uploaded.response.status != 201) steps.fail(name, "upload", PeerAdminClient::failure(uploaded));
    steps.done(name, "upload", "loaded on " + peer->name());

    auto unloadOnPeer = [&] {
        ClientResult removed = peer->call("DELETE", base + "/library", std::string(), std::string());
        if (!removed.ok() || removed.response.status != 200)
            logger().error("move of '%s': cannot remove the copy on peer '%s': %s", name, peer->name(), PeerAdminClient::failure(removed));
    };
    std::map<std::string, std::string> urls = _directory.baseUrls();
    std::optional<std::string> previousUrl = urls.count(name) ? std::optional<std::string>(urls[name]) : std::nullopt;
    auto restoreDirectory = [&] {
        if (previousUrl)
            _directory.setBaseUrl(name, *previousUrl);
        else
            _directory.removeBaseUrl(name);
    };
    _directory.setBaseUrl(name, url);
    std::optional<std::string> state;
    try
    {
        state = _lifecycle.handOver(name, url, peer->peer().listeners);
    }
    catch (const PluginError& e)
    {
        restoreDirectory();
        unloadOnPeer();
        steps.fail(name, "forward", e.what());
    }
    steps.done(name, "forward", "routes forwarded to " + url + ", drained");
    if (state)
    {
        report->set("state_bytes", static_cast<Poco::UInt64>(state->size()));
        std::string failure;
        if (state->size() > _config.adminMaxUploadBytes)
            failure = "the snapshot of " + std::to_string(state->size()) + " bytes exceeds admin.max_upload_bytes";
        else
        {
            ClientResult restored = peer->call("PUT", base + "/snapshot", std::move(*state), "application/octet-stream");
            if (!restored.ok() || restored.response.status != 200) failure = PeerAdminClient::failure(restored);
        }
        if (!failure.empty())
        {
            _lifecycle.abortMove(name);
            restoreDirectory();
            unloadOnPeer();
            steps.fail(name, "restore", failure);
        }
        report->set("state", "restored");
        steps.done(name, "restore", "state restored on " + peer->name());
    }
    else
    {
        report->set("state_bytes", 0);
        report->set("state", "none: the plugin has no snapshot/restore capability, it starts afresh on " + peer->name());
    }
    bool closed = _lifecycle.completeMove(name);
    std::string parked = Poco::Path(Poco::Path(library).parent(), "." + file + ".moved").toString();
    bool renamed = ::rename(library.c_str(), parked.c_str()) == 0;
    if (renamed && Poco::File(library + ".sig").exists()) ::rename((library + ".sig").c_str(), (parked + ".sig").c_str());
    if (!renamed) logger().warning("move of '%s': cannot rename %s out of the plugins directory; a restart would load it here again", name, library);
    steps.done(name, "unload", std::string(closed ? "library closed" : "library still mapped") + (renamed ? ", " + file + " renamed to ." + file + ".moved" : ""));

    Poco::JSON::Object::Ptr told = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    std::string body = "{\"url\":";
    JsonText::appendString(body, url);
    body += "}";
    for (const auto& [peerName, config] : peers)
    {
        if (peerName == peer->name()) continue;
        PeerAdminClient other(_client, peerName, config);
        ClientResult result = other.call("POST", "/admin/services/" + name, body, "application/json", Poco::Timespan(5, 0));
        bool ok = result.ok() && result.response.status == 200;
        told->set(peerName, ok ? std::string("told") : PeerAdminClient::failure(result));
        if (!ok) logger().warning("move of '%s': peer '%s' was not told the new URL: %s", name, peerName, PeerAdminClient::failure(result));
    }
    report->set("peers", told);
    steps.done(name, "peers", std::to_string(told->size()) + " peers");
    report->set("moved", true);
    report->set("total_ms", steps.totalMs());
    logger().information("plugin '%s' moved to peer '%s' in %.1f ms", name, peer->name(), steps.totalMs());
    return report;
}

} // namespace terrarium
