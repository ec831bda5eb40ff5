#include "metrics/ConfigReloadMetrics.h"

namespace terrarium {

ConfigReloadMetrics::ConfigReloadMetrics(Poco::Timestamp loadedAt) : _lastSuccess(loadedAt.epochMicroseconds())
{
}

void ConfigReloadMetrics::succeeded()
{
    _lastSuccess.store(Poco::Timestamp().epochMicroseconds(), std::memory_order_relaxed);
    _lastOk.store(true, std::memory_order_relaxed);
    _successes.fetch_add(1, std::memory_order_relaxed);
}

void ConfigReloadMetrics::failed()
{
    _lastOk.store(false, std::memory_order_relaxed);
    _failures.fetch_add(1, std::memory_order_relaxed);
}

void ConfigReloadMetrics::collect(PrometheusWriter& writer) const
{
    writer.family("terrarium_config_reloads_total", "counter", "Configuration reloads (SIGHUP) by result: success, or failure (the file did not load; the running configuration stays).");
    writer.sample("terrarium_config_reloads_total", {{"result", "success"}}, successes());
    writer.sample("terrarium_config_reloads_total", {{"result", "failure"}}, failures());
    writer.family("terrarium_config_last_reload_successful", "gauge", "0 when the last configuration reload failed, else 1.");
    writer.sample("terrarium_config_last_reload_successful", {}, std::uint64_t(_lastOk.load(std::memory_order_relaxed) ? 1 : 0));
    writer.family("terrarium_config_last_load_success_timestamp_seconds", "gauge", "When the configuration in force was loaded (start-up or reload), in seconds since the epoch.");
    writer.sample("terrarium_config_last_load_success_timestamp_seconds", {}, static_cast<double>(lastSuccess()) / 1e6);
}

} // namespace terrarium
