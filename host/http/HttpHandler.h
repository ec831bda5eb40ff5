#ifndef Terrarium_HttpHandler_INCLUDED
#define Terrarium_HttpHandler_INCLUDED

#include "http/BodyPolicy.h"

namespace terrarium {

struct IncomingRequest;
class HttpReply;

/// Answers requests of a listener. Called concurrently from connection threads.
class HttpHandler
{
public:
    virtual ~HttpHandler() = default;

    /// Fills reply for request; must not throw.
    virtual void handle(const IncomingRequest& request, HttpReply& reply) = 0;

    /// True for a request the host answers itself without blocking (a liveness or readiness
    /// probe): it is handled at once, without waiting for a handler slot or in the queue.
    virtual bool answersAtOnce(const IncomingRequest& request) const
    {
        (void)request;
        return false;
    }

    /// Where the body of request goes (asked once its headers are complete, for a request with
    /// a body, when the listener spools at all); by default it is held in memory. Called
    /// concurrently from connection threads; must not block.
    virtual BodyPolicy bodyPolicy(const IncomingRequest& request) const
    {
        (void)request;
        return BodyPolicy();
    }
};

} // namespace terrarium

#endif
