#ifndef Terrarium_ClientHttpExchange_INCLUDED
#define Terrarium_ClientHttpExchange_INCLUDED

#include "secrets/HttpExchange.h"

namespace terrarium {

class HttpClient;

/// The HttpExchange of the Vault provider over the host's pooled HttpClient: the request's method,
/// URL, headers, body and timeout go into one HttpClient::call() with the client's configured
/// maxAttempts; any HTTP answer is reached (status and body), a call without a response is not
/// reached and carries the client's message. Header values and bodies (tokens, secrets) are
/// overwritten in the copies it makes. Copyable; the client must outlive every copy.
class ClientHttpExchange
{
public:
    /// Sends through client.
    explicit ClientHttpExchange(HttpClient& client);

    /// Makes the call; never throws.
    HttpExchangeResult operator()(const HttpExchangeRequest& request) const;

    /// A ClientHttpExchange over client, as the HttpExchange function VaultSecretProvider takes.
    static HttpExchange bind(HttpClient& client);

private:
    HttpClient* _client;
};

} // namespace terrarium

#endif
