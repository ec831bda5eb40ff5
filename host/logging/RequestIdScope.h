#ifndef Terrarium_RequestIdScope_INCLUDED
#define Terrarium_RequestIdScope_INCLUDED

#include <string>

namespace terrarium {

/// Sets the current thread's request id (RequestId::current()) for the scope's lifetime and
/// restores the previous one afterwards (scopes nest).
class RequestIdScope
{
public:
    /// Makes id the current thread's request id.
    explicit RequestIdScope(std::string id);

    /// Restores the id that was current before.
    ~RequestIdScope();

    RequestIdScope(const RequestIdScope&) = delete;
    RequestIdScope& operator=(const RequestIdScope&) = delete;

private:
    std::string _previous;
};

} // namespace terrarium

#endif
