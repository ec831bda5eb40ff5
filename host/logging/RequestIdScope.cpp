#include "logging/RequestIdScope.h"

#include "logging/RequestId.h"

#include <utility>

namespace terrarium {

RequestIdScope::RequestIdScope(std::string id)
    : _previous(std::exchange(RequestId::currentSlot(), std::move(id)))
{
}

RequestIdScope::~RequestIdScope()
{
    RequestId::currentSlot() = std::move(_previous);
}

} // namespace terrarium
