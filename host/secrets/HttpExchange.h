#ifndef Terrarium_HttpExchange_INCLUDED
#define Terrarium_HttpExchange_INCLUDED

#include "secrets/HttpExchangeRequest.h"
#include "secrets/HttpExchangeResult.h"

#include <functional>

namespace terrarium {

/// The transport the Vault provider talks through (the host wires it to its pooled client).
/// Must be callable from several threads at once; may throw (treated as "not reached").
using HttpExchange = std::function<HttpExchangeResult(const HttpExchangeRequest&)>;

} // namespace terrarium

#endif
