#include "logging/RequestId.h"

#include <Poco/Random.h>

namespace terrarium {

namespace {

Poco::Random& threadRandom()
{
    thread_local Poco::Random random;
    thread_local bool seeded = false;
    if (!seeded)
    {
        random.seed();
        seeded = true;
    }
    return random;
}

} // namespace

std::string RequestId::generate()
{
    static const char hex[] = "0123456789abcdef";
    Poco::Random& random = threadRandom();
    std::string id(16, '0');
    for (char& digit : id)
        digit = hex[(random.next() >> 16) & 0xF];
    return id;
}

bool RequestId::isValid(const std::string& text)
{
    if (text.empty() || text.size() > 128)
        return false;
    for (char c : text)
        if (c <= ' ' || c > '~')
            return false;
    return true;
}

std::string RequestId::acceptOrGenerate(const std::string& candidate)
{
    return isValid(candidate) ? candidate : generate();
}

const std::string& RequestId::current()
{
    return currentSlot();
}

std::string& RequestId::currentSlot()
{
    thread_local std::string id;
    return id;
}

} // namespace terrarium
