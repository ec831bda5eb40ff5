#ifndef Terrarium_ClientAttempt_INCLUDED
#define Terrarium_ClientAttempt_INCLUDED

#include "client/ClientResponse.h"

#include <string>

namespace terrarium {

/// The outcome of one try of an HttpClient call; HttpClient decides from it whether to retry.
struct ClientAttempt
{
    enum class Outcome
    {
        Response,        /// an HTTP answer
        NotSent,         /// failed before the request was sent: safe to repeat for any method
        NoResponse,      /// sent, then the connection broke before any response
        BrokenResponse,  /// the connection broke during the response, or the response is malformed
        Timeout,         /// the deadline passed
        NoConnection,    /// no free connection within the deadline: the origin was not contacted
        Tls,             /// TLS handshake or certificate failure
        TooLarge         /// the body is above maxResponseBytes
    };

    Outcome outcome = Outcome::Response;
    ClientResponse response;     /// when outcome is Response
    std::string message;         /// the cause otherwise

    /// An attempt without a response.
    static ClientAttempt failed(Outcome outcome, std::string message)
    {
        ClientAttempt attempt;
        attempt.outcome = outcome;
        attempt.message = std::move(message);
        return attempt;
    }
};

} // namespace terrarium

#endif
