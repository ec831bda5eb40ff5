#ifndef Terrarium_LogShippingScope_INCLUDED
#define Terrarium_LogShippingScope_INCLUDED

namespace terrarium {

/// Marks the current thread as one that delivers log records (LogthonSink's shipping thread)
/// for the scope's lifetime. LogPipeline::log() discards records made on such a thread (and
/// counts them as suppressed): whatever the shipper logs (the HTTP client's errors, or an
/// in-process logthon plugin logging the record it received) never feeds back into shipping.
class LogShippingScope
{
public:
    /// Marks the current thread.
    LogShippingScope();

    /// Restores the previous mark.
    ~LogShippingScope();

    LogShippingScope(const LogShippingScope&) = delete;
    LogShippingScope& operator=(const LogShippingScope&) = delete;

    /// True on a thread inside a LogShippingScope.
    static bool active();

private:
    bool _previous;
};

} // namespace terrarium

#endif
