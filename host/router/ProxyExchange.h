#ifndef Terrarium_ProxyExchange_INCLUDED
#define Terrarium_ProxyExchange_INCLUDED

#include "client/ClientRequest.h"
#include "client/ClientResult.h"
#include "metrics/RouteMetrics.h"

#include <atomic>
#include <chrono>
#include <string>

namespace terrarium {

/// One request of an upstream route on its way: the call to make, its result once made, and what
/// the gateway needs to answer and count it when the request runs again.
struct ProxyExchange
{
    std::string upstream;          /// a service-directory name, or an http(s) base URL
    ClientRequest call;            /// path and query below the upstream, headers, body, deadline
    ClientResult result;           /// valid once done
    std::atomic<bool> done{false}; /// set (release) after result was written
    RouteMetrics* figures = nullptr;                 /// the route's figures (begun when forwarded)
    std::chrono::steady_clock::time_point started;   /// when the request was forwarded
};

} // namespace terrarium

#endif
