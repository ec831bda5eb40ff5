#ifndef Terrarium_LocalDispatcher_INCLUDED
#define Terrarium_LocalDispatcher_INCLUDED

#include "client/ClientRequest.h"
#include "client/ClientResult.h"

#include <string>

namespace terrarium {

/// Serves directory calls to plugins loaded in this process, without a socket. Implemented by
/// the host; both methods may be called from many threads at once.
class LocalDispatcher
{
public:
    virtual ~LocalDispatcher() = default;

    /// True when service names a plugin of this process that can take a call now.
    virtual bool serves(const std::string& service) const = 0;

    /// Calls the plugin with request (request.path is the plugin's routed path); NotFound when
    /// the plugin is no longer loaded (it was not called: the caller may go elsewhere).
    virtual ClientResult dispatch(const std::string& service, const ClientRequest& request) = 0;
};

} // namespace terrarium

#endif
