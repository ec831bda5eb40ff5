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
};

} // namespace terrarium

#endif
