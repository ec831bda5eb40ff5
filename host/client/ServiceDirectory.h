#ifndef Terrarium_ServiceDirectory_INCLUDED
#define Terrarium_ServiceDirectory_INCLUDED

#include "client/ClientRequest.h"
#include "client/ClientResult.h"
#include "client/HttpClient.h"
#include "client/LocalDispatcher.h"

#include <Poco/RWLock.h>

#include <map>
#include <shared_mutex>
#include <string>

namespace terrarium {

/// Resolves a logical service name ("file-storage") to a plugin of this process (called
/// in-process through the LocalDispatcher) or to a remote base URL (called through the
/// HttpClient). The table changes at run time: moving a service to another host is a
/// setBaseUrl(). Thread-safe.
class ServiceDirectory
{
public:
    /// baseUrls: service name -> base URL ("http://file-storage:8080", may end in a path
    /// prefix). Throws Poco::InvalidArgumentException naming the service and the problem when
    /// a name or URL is not valid.
    ServiceDirectory(HttpClient& client, std::map<std::string, std::string> baseUrls);

    /// Plugins of this process are preferred over base URLs when dispatcher serves the name;
    /// nullptr turns in-process dispatch off. Returns once no call uses the previous dispatcher
    /// any more, so that it may be destroyed then (a thread calling while the host stops).
    void setLocalDispatcher(LocalDispatcher* dispatcher);

    /// Adds or replaces the base URL of service; throws Poco::InvalidArgumentException when invalid.
    void setBaseUrl(const std::string& service, const std::string& url);

    /// Forgets the base URL of service (no effect when unknown).
    void removeBaseUrl(const std::string& service);

    /// True when a call to service has somewhere to go: a plugin of this process or a base URL.
    bool knows(const std::string& service) const;

    /// The base URLs, normalized (no trailing '/').
    std::map<std::string, std::string> baseUrls() const;

    /// Calls service: in-process when the local dispatcher serves the name (response.inProcess
    /// is true), else base URL + request.path through the HTTP client, else NotFound. A plugin
    /// that left between the two (the dispatcher answers NotFound: it was not called) is called
    /// at the base URL, so moving a service away (unload here, base URL elsewhere) fails no call. With an
    /// empty service name, request.url (or request.path when url is empty) is called as an
    /// absolute URL. Never throws.
    ClientResult call(const std::string& service, const ClientRequest& request);

    /// The base URL without its trailing '/'; throws Poco::InvalidArgumentException naming
    /// service when url is not an absolute http(s) URL with a host and without query,
    /// fragment or user information.
    static std::string normalizeBaseUrl(const std::string& service, const std::string& url);

private:
    HttpClient& _client;
    mutable std::shared_mutex _dispatcherMutex;   /// shared by calls while they use _dispatcher
    LocalDispatcher* _dispatcher = nullptr;
    mutable Poco::RWLock _lock;
    std::map<std::string, std::string> _baseUrls;
};

} // namespace terrarium

#endif
