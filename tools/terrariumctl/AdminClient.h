#ifndef TerrariumCtl_AdminClient_INCLUDED
#define TerrariumCtl_AdminClient_INCLUDED

#include "AdminTarget.h"
#include "CtlError.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/Context.h>

#include <string>

namespace terrarium::ctl {

/// One answer of the admin API.
struct AdminAnswer
{
    int status = 0;
    std::string contentType;
    std::string body;

    /// The body as a JSON object (null when it is none).
    Poco::JSON::Object::Ptr json() const;
};

/// Sends admin calls to an AdminTarget over TCP (HTTP or HTTPS) or its Unix socket, one connection per call.
class AdminClient
{
public:
    explicit AdminClient(AdminTarget target);

    /// Sends the call and returns the answer, whatever its status; throws CtlError
    /// EXIT_UNREACHABLE when the host cannot be reached.
    AdminAnswer call(const std::string& method, const std::string& pathAndQuery, const std::string& body = std::string(),
                     const std::string& contentType = "application/json") const;

    /// call(), then throws CtlError for an error answer (see refusal()).
    AdminAnswer expect(const std::string& method, const std::string& pathAndQuery, const std::string& body = std::string(),
                       const std::string& contentType = "application/json") const;

    /// The CtlError for an error answer of method path: EXIT_UNAUTHORISED for 401, 403 and 429,
    /// EXIT_NOT_FOUND for 404 of an existing call, EXIT_REFUSED for the rest (a host that does not
    /// have the call at all, 404/405, included), each naming the host's error code and message.
    static CtlError refusal(const std::string& method, const std::string& path, const AdminAnswer& answer);

    const AdminTarget& target() const { return _target; }

private:
    Poco::Net::Context::Ptr tlsContext() const;

    AdminTarget _target;
    mutable Poco::Net::Context::Ptr _context;
};

} // namespace terrarium::ctl

#endif
