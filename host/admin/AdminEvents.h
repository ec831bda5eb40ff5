#ifndef Terrarium_AdminEvents_INCLUDED
#define Terrarium_AdminEvents_INCLUDED

namespace terrarium {

struct IncomingRequest;
class HttpReply;
class LifecycleHistory;

/// GET /admin/events[?since=ID]: the latest plugin lifecycle events (LifecycleHistory), oldest
/// first; with since, only those recorded after the event of that id.
class AdminEvents
{
public:
    /// Answers the request from history (400 invalid_request for a since that is no number, 405
    /// for methods other than GET and HEAD).
    static void handle(const LifecycleHistory& history, const IncomingRequest& request, HttpReply& reply);
};

} // namespace terrarium

#endif
