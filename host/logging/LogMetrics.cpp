#include "logging/LogMetrics.h"

#include <cstdint>

namespace terrarium {

void LogMetrics::collect(const LogPipelineStats& stats, PrometheusWriter& writer)
{
    std::uint64_t sinkDropped = 0;
    std::size_t sinkQueued = 0;
    for (const auto& sink : stats.sinks)
    {
        sinkDropped += sink.dropped;
        sinkQueued += sink.queueDepth;
    }
    writer.family("terrarium_log_records_total", "counter", "Log records accepted by the pipeline (level filter passed).");
    writer.sample("terrarium_log_records_total", {}, stats.records);
    writer.family("terrarium_log_suppressed_total", "counter", "Records made while shipping logs, discarded so that logging never loops.");
    writer.sample("terrarium_log_suppressed_total", {}, stats.suppressed);
    writer.family("terrarium_log_queue_depth", "gauge", "Records waiting: in the pipeline's queue and in each sink's own queue.");
    writer.sample("terrarium_log_queue_depth", {{"queue", "pipeline"}}, std::uint64_t(stats.queueDepth - sinkQueued));
    for (const auto& sink : stats.sinks) writer.sample("terrarium_log_queue_depth", {{"queue", sink.name}}, std::uint64_t(sink.queueDepth));
    writer.family("terrarium_log_dropped_total", "counter", "Records given up: a full queue, rejected by logthon, unsent at shutdown.");
    writer.sample("terrarium_log_dropped_total", {{"sink", "pipeline"}}, stats.dropped - sinkDropped);
    for (const auto& sink : stats.sinks) writer.sample("terrarium_log_dropped_total", {{"sink", sink.name}}, sink.dropped);

    writer.family("terrarium_log_written_total", "counter", "Records written by each sink (logthon: delivered).");
    for (const auto& sink : stats.sinks) writer.sample("terrarium_log_written_total", {{"sink", sink.name}}, sink.written);
    writer.family("terrarium_log_skipped_total", "counter", "Records a sink did not take because it had no destination (no logthon known).");
    for (const auto& sink : stats.sinks) writer.sample("terrarium_log_skipped_total", {{"sink", sink.name}}, sink.skipped);
    writer.family("terrarium_log_sink_failures_total", "counter", "Failed writes or shipping attempts of each sink.");
    for (const auto& sink : stats.sinks) writer.sample("terrarium_log_sink_failures_total", {{"sink", sink.name}}, sink.failures);
}

} // namespace terrarium
