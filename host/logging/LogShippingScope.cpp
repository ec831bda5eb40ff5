#include "logging/LogShippingScope.h"

namespace terrarium {

namespace {

thread_local bool shipping = false;

} // namespace

LogShippingScope::LogShippingScope() : _previous(shipping)
{
    shipping = true;
}

LogShippingScope::~LogShippingScope()
{
    shipping = _previous;
}

bool LogShippingScope::active()
{
    return shipping;
}

} // namespace terrarium
