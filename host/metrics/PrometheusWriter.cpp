#include "metrics/PrometheusWriter.h"

#include "metrics/Histogram.h"

#include <cmath>
#include <cstdio>

namespace terrarium {

void PrometheusWriter::family(const std::string& name, const char* type, const std::string& help)
{
    if (!_families.insert(name).second) return;
    _text += "# HELP " + name + " ";
    for (char c : help)
    {
        if (c == '\\') _text += "\\\\";
        else if (c == '\n') _text += "\\n";
        else _text += c;
    }
    _text += "\n# TYPE " + name + " " + type + "\n";
}

void PrometheusWriter::sample(const std::string& name, const Labels& labelSet, double number)
{
    _text += name;
    labels(labelSet);
    _text += ' ';
    value(number);
    _text += '\n';
}

void PrometheusWriter::sample(const std::string& name, const Labels& labelSet, std::uint64_t number)
{
    _text += name;
    labels(labelSet);
    _text += ' ';
    _text += std::to_string(number);
    _text += '\n';
}

void PrometheusWriter::histogram(const std::string& name, const Labels& labelSet, const Histogram& histogram)
{
    const auto& bounds = histogram.bounds();
    for (std::size_t i = 0; i <= bounds.size(); ++i)
    {
        std::string le = "+Inf";
        if (i < bounds.size())
        {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%g", bounds[i]);
            le = buffer;
        }
        _text += name + "_bucket";
        labels(labelSet, "le", le);
        _text += ' ' + std::to_string(histogram.cumulative(i)) + '\n';
    }
    _text += name + "_sum";
    labels(labelSet);
    _text += ' ';
    value(histogram.sum());
    _text += '\n';
    _text += name + "_count";
    labels(labelSet);
    _text += ' ' + std::to_string(histogram.count()) + '\n';
}

std::string PrometheusWriter::metricName(std::string_view name)
{
    std::string result;
    result.reserve(name.size() + 1);
    for (char c : name)
    {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
        result += ok ? c : '_';
    }
    if (result.empty() || (result[0] >= '0' && result[0] <= '9')) result.insert(result.begin(), '_');
    return result;
}

void PrometheusWriter::labels(const Labels& labelSet, const char* extraName, const std::string& extraValue)
{
    if (labelSet.empty() && !extraName) return;
    _text += '{';
    bool first = true;
    auto add = [&](const std::string& key, const std::string& text) {
        if (!first) _text += ',';
        first = false;
        _text += key;
        _text += "=\"";
        for (char c : text)
        {
            if (c == '\\') _text += "\\\\";
            else if (c == '"') _text += "\\\"";
            else if (c == '\n') _text += "\\n";
            else _text += c;
        }
        _text += '"';
    };
    for (const auto& [key, text] : labelSet) add(key, text);
    if (extraName) add(extraName, extraValue);
    _text += '}';
}

void PrometheusWriter::value(double number)
{
    if (std::isnan(number)) _text += "NaN";
    else if (std::isinf(number)) _text += number > 0 ? "+Inf" : "-Inf";
    else
    {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.12g", number);
        _text += buffer;
    }
}

} // namespace terrarium
