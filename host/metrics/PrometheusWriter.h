#ifndef Terrarium_PrometheusWriter_INCLUDED
#define Terrarium_PrometheusWriter_INCLUDED

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace terrarium {

class Histogram;

/// Writes the Prometheus text exposition format (version 0.0.4): one HELP and TYPE line per
/// family, then its samples; label values escaped, names checked.
class PrometheusWriter
{
public:
    using Labels = std::vector<std::pair<std::string, std::string>>;

    /// The content type of the format.
    static const char* contentType() { return "text/plain; version=0.0.4; charset=utf-8"; }

    /// Starts a family (type "counter", "gauge" or "histogram"); a family already started is not
    /// repeated, so collectors may add samples to the same family.
    void family(const std::string& name, const char* type, const std::string& help);

    /// Writes one sample line.
    void sample(const std::string& name, const Labels& labels, double value);

    /// Writes one sample line with an integer value.
    void sample(const std::string& name, const Labels& labels, std::uint64_t value);

    /// Writes the _bucket, _sum and _count lines of a histogram of family name.
    void histogram(const std::string& name, const Labels& labels, const Histogram& histogram);

    /// The text written so far.
    const std::string& text() const { return _text; }

    /// name with every character outside [a-zA-Z0-9_:] replaced by '_' (and a leading digit prefixed).
    static std::string metricName(std::string_view name);

private:
    void labels(const Labels& labels, const char* extraName = nullptr, const std::string& extraValue = std::string());
    void value(double value);

    std::string _text;
    std::set<std::string> _families;
};

} // namespace terrarium

#endif
