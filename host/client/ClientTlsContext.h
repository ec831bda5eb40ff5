#ifndef Terrarium_ClientTlsContext_INCLUDED
#define Terrarium_ClientTlsContext_INCLUDED

#include "config/Config.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/VerificationErrorArgs.h>

#include <string>

namespace terrarium {

/// The TLS context of the client's HTTPS connections: TLS 1.2 or newer; with verifyPeer the
/// server certificate is verified (VERIFY_RELAXED) against caFile, or the system CAs when it
/// is empty, otherwise nothing is verified. Nothing is read from an application configuration
/// and nothing prompts: a certificate that fails verification is rejected, and the reason is
/// recorded for the thread that made the handshake (takeProblem()).
class ClientTlsContext
{
public:
    /// Throws Poco::InvalidArgumentException naming caFile when it cannot be loaded.
    explicit ClientTlsContext(const ClientConfig& config);
    ~ClientTlsContext();

    ClientTlsContext(const ClientTlsContext&) = delete;
    ClientTlsContext& operator=(const ClientTlsContext&) = delete;

    Poco::Net::Context::Ptr context() const { return _context; }

    /// Forgets any problem recorded on this thread (call before a handshake).
    static void clearProblem();

    /// The certificate problem of this thread's last rejected handshake with this context
    /// ("self-signed certificate (depth 0, subject CN=localhost)"), or "" when none was recorded.
    static std::string takeProblem();

private:
    void onVerificationError(const void* sender, Poco::Net::VerificationErrorArgs& args);

    Poco::Net::Context::Ptr _context;
};

} // namespace terrarium

#endif
