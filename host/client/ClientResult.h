#ifndef Terrarium_ClientResult_INCLUDED
#define Terrarium_ClientResult_INCLUDED

#include "client/ClientResponse.h"
#include "client/ClientStatus.h"

#include <string>
#include <utility>

namespace terrarium {

/// What a client call produced: a response (status Ok, any HTTP status) or the reason there is none.
struct ClientResult
{
    ClientStatus status = ClientStatus::Ok;
    std::string message;         /// the cause when status is not Ok ("connection refused by 127.0.0.1:4567 after 3 tries")
    ClientResponse response;     /// valid when status is Ok

    /// True when a response was received.
    bool ok() const { return status == ClientStatus::Ok; }

    /// A result holding response.
    static ClientResult success(ClientResponse response)
    {
        ClientResult result;
        result.response = std::move(response);
        return result;
    }

    /// A result without a response.
    static ClientResult failure(ClientStatus status, std::string message)
    {
        ClientResult result;
        result.status = status;
        result.message = std::move(message);
        return result;
    }
};

} // namespace terrarium

#endif
