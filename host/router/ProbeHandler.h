#ifndef Terrarium_ProbeHandler_INCLUDED
#define Terrarium_ProbeHandler_INCLUDED

#include "http/HttpHandler.h"
#include "http/ServerState.h"
#include "router/RoutingSnapshot.h"

namespace terrarium {

/// The host's own probes: /health (liveness: 200 {"status":"alive"} while the process serves) and
/// /ready (readiness: 200 once the host serves and every loaded plugin's health says healthy,
/// else 503). As a handler it answers them on a listener without authentication, ahead of the
/// handler it wraps, which gets every other request (the admin listener: probes need no token).
class ProbeHandler : public HttpHandler
{
public:
    /// Answers the probes and passes everything else to next (which must outlive this handler).
    ProbeHandler(const RoutingState& routing, const ServerState& state, HttpHandler& next);

    void handle(const IncomingRequest& request, HttpReply& reply) override;

    /// The probes, and whatever next answers at once.
    bool answersAtOnce(const IncomingRequest& request) const override;

    /// What next says.
    BodyPolicy bodyPolicy(const IncomingRequest& request) const override { return _next.bodyPolicy(request); }

    /// True for a request of a probe's path (/health or /ready, any method).
    static bool isProbe(const IncomingRequest& request);

    /// Answers a probe request (isProbe) from the host's state and the plugins' health.
    static void answer(const IncomingRequest& request, const RoutingState& routing, const ServerState& state, HttpReply& reply);

    /// /ready's answer: host state and the health capability of every loaded plugin.
    static void ready(const RoutingState& routing, const ServerState& state, HttpReply& reply);

private:
    const RoutingState& _routing;
    const ServerState& _state;
    HttpHandler& _next;
};

} // namespace terrarium

#endif
