#include "secrets/ClientHttpExchange.h"

#include "client/HttpClient.h"
#include "secrets/SecretValues.h"

namespace terrarium {

ClientHttpExchange::ClientHttpExchange(HttpClient& client) : _client(&client)
{
}

HttpExchangeResult ClientHttpExchange::operator()(const HttpExchangeRequest& request) const
{
    ClientRequest call;
    call.method = request.method;
    call.url = request.url;
    call.headers = request.headers;
    call.body = request.body;
    call.timeout = request.timeout;
    call.maxAttempts = _client->config().maxAttempts;
    ClientResult answer = _client->call(call);
    for (auto& header : call.headers)
        SecretValues::wipe(header.second);
    SecretValues::wipe(call.body);
    HttpExchangeResult result;
    if (!answer.ok())
    {
        result.error = answer.message.empty() ? std::string(clientStatusName(answer.status)) : answer.message;
        return result;
    }
    result.reached = true;
    result.status = answer.response.status;
    result.body = std::move(answer.response.body);
    return result;
}

HttpExchange ClientHttpExchange::bind(HttpClient& client)
{
    return HttpExchange(ClientHttpExchange(client));
}

} // namespace terrarium
