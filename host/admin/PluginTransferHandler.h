#ifndef Terrarium_PluginTransferHandler_INCLUDED
#define Terrarium_PluginTransferHandler_INCLUDED

#include "config/Config.h"
#include "http/BodyPolicy.h"

#include <string>
#include <vector>

namespace terrarium {

struct IncomingRequest;
class HttpReply;
class PluginLifecycle;
class PluginMover;

/// The admin API's plugin transfer resources (dispatched to by AdminHandler):
///   PUT  /admin/plugins/{name}/library    the .so bytes: stored as {name}.so in the plugins dir
///                                         (temporary name, fsync, rename), then loaded (201) or
///                                         reloaded (200); ?hold=restore (a move): load only, and
///                                         hold requests until the snapshot is restored
///   DELETE /admin/plugins/{name}/library  unloads the plugin loaded from {name}.so, removes the file and its .sig
///   PUT  /admin/plugins/{name}/signature  the signature bytes: stored as {name}.so.sig (send it first)
///   GET  /admin/plugins/{name}/snapshot   the plugin's snapshot bytes, after drain
///   PUT  /admin/plugins/{name}/snapshot   restores the bytes into the loaded instance
///   POST /admin/plugins/{name}/move       {"to":"<peer name or admin URL>"}: moves it (see PluginMover)
/// Bodies above admin.max_body_bytes are spooled to a file; above admin.max_upload_bytes: 413.
class PluginTransferHandler
{
public:
    /// mover may be null (no HTTP client): move answers 503.
    PluginTransferHandler(PluginLifecycle& lifecycle, const Config& config, PluginMover* mover);

    /// True for a path of these resources (segments of /admin/plugins/{name}/{resource}).
    static bool handles(const std::vector<std::string>& segments);

    /// Answers a request for handles() segments; throws PluginError for the admin handler to answer.
    void handle(const IncomingRequest& request, const std::vector<std::string>& segments, HttpReply& reply);

    /// Library, signature and snapshot uploads spool above admin.max_body_bytes, up to admin.max_upload_bytes.
    BodyPolicy bodyPolicy(const IncomingRequest& request) const;

private:
    void library(const IncomingRequest& request, const std::string& name, HttpReply& reply);
    void removeLibrary(const IncomingRequest& request, const std::string& name, HttpReply& reply);
    void signature(const IncomingRequest& request, const std::string& name, HttpReply& reply);
    void snapshot(const IncomingRequest& request, const std::string& name, HttpReply& reply);
    void move(const IncomingRequest& request, const std::string& name, HttpReply& reply);
    /// Writes content, or the file at spooled when not empty, to a new hidden file of the plugins
    /// directory named after file (synced) and returns its path.
    std::string stage(const std::string& file, const std::string& content, const std::string& spooled) const;
    /// Syncs the plugins directory (a rename in it is durable then).
    void syncDirectory() const;

    PluginLifecycle& _lifecycle;
    const Config& _config;
    PluginMover* _mover;
};

} // namespace terrarium

#endif
