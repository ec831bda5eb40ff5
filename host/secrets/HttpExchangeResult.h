#ifndef Terrarium_HttpExchangeResult_INCLUDED
#define Terrarium_HttpExchangeResult_INCLUDED

#include <string>

namespace terrarium {

/// What an HttpExchange produced: a response (reached, any status) or why there is none.
struct HttpExchangeResult
{
    bool reached = false;  /// false: connection failed or timed out (the provider is unavailable)
    int status = 0;        /// HTTP status when reached
    std::string body;      /// response body when reached
    std::string error;     /// the cause when not reached ("connection refused by 127.0.0.1:8200")
};

} // namespace terrarium

#endif
