#ifndef Terrarium_ShipResult_INCLUDED
#define Terrarium_ShipResult_INCLUDED

#include <functional>
#include <string>

namespace terrarium {

/// What became of one body (a record, or a batch of records) handed to a LogShipper.
struct ShipResult
{
    enum class Outcome
    {
        Delivered,   /// logthon took it (2xx)
        Retryable,   /// logthon unreachable, slow or failing (connect error, timeout, 408, 429, 5xx): keep and retry
        Rejected     /// logthon refused this body (other 4xx): retrying it would not help
    };

    Outcome outcome = Outcome::Delivered;
    std::string message;  /// why, for Retryable and Rejected

    /// Delivered.
    static ShipResult delivered() { return ShipResult(); }

    /// Retryable because of message.
    static ShipResult retryable(std::string message) { return ShipResult{Outcome::Retryable, std::move(message)}; }

    /// Rejected because of message.
    static ShipResult rejected(std::string message) { return ShipResult{Outcome::Rejected, std::move(message)}; }

    /// The outcome of an HTTP status: 2xx Delivered; 408, 429 and 5xx Retryable; anything else
    /// Rejected. detail (e.g. the response body) is added to the message.
    static ShipResult fromStatus(int status, const std::string& detail = std::string())
    {
        if (status >= 200 && status < 300)
            return delivered();
        std::string message = "logthon answered HTTP " + std::to_string(status);
        if (!detail.empty())
            message += ": " + detail.substr(0, 200);
        if (status == 408 || status == 429 || status >= 500)
            return retryable(std::move(message));
        return rejected(std::move(message));
    }
};

/// Delivers one logthon body (§6 JSON: one record, or a JSON array of records) and says what became of it: the composition
/// root binds it to the pooled HTTP client (POST <logthon><logthonPath>) or to an in-process call
/// of a logthon plugin. Called from LogthonSink's one shipping thread only; must not block
/// without bound (use the client's timeouts). May throw: an exception counts as Retryable.
using LogShipper = std::function<ShipResult(const std::string& jsonBody)>;

} // namespace terrarium

#endif
