#ifndef Terrarium_RequestId_INCLUDED
#define Terrarium_RequestId_INCLUDED

#include <string>

namespace terrarium {

/// Request ids: generated, validated (a caller's X-Request-Id) and kept per thread while a
/// request is served (see RequestIdScope), so that log records made meanwhile carry it.
class RequestId
{
public:
    /// A new random id: 16 lower-case hex characters (64 bits).
    static std::string generate();

    /// True for 1..128 printable ASCII characters without spaces (what a caller may send).
    static bool isValid(const std::string& text);

    /// candidate when isValid(candidate), else generate().
    static std::string acceptOrGenerate(const std::string& candidate);

    /// The id of the request the current thread serves (empty outside a RequestIdScope).
    static const std::string& current();

private:
    friend class RequestIdScope;
    static std::string& currentSlot();
};

} // namespace terrarium

#endif
