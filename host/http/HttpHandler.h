#ifndef Terrarium_HttpHandler_INCLUDED
#define Terrarium_HttpHandler_INCLUDED

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
};

} // namespace terrarium

#endif
