#include "TextOutput.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <cstdio>
#include <sstream>

namespace terrarium::ctl {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string padded(const std::string& text, std::size_t width)
{
    return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::string member(const Object& object, const std::string& name)
{
    return object.has(name) ? TextOutput::scalar(object.get(name)) : std::string("-");
}

} // namespace

std::string TextOutput::scalar(const Poco::Dynamic::Var& value)
{
    if (value.isEmpty()) return "null";
    if (value.isString()) return value.extract<std::string>();
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(value, out);
    return out.str();
}

std::string TextOutput::pretty(const Poco::Dynamic::Var& value)
{
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(value, out, 2);
    out << "\n";
    return out.str();
}

std::string TextOutput::status(const Object& status, const std::string& url)
{
    std::ostringstream out;
    out << "terrariumd " << member(status, "version") << " at " << url << ": " << member(status, "state")
        << (status.optValue<bool>("ready", false) ? " (ready)" : " (not ready)") << "\n"
        << "in-flight requests: " << member(status, "in_flight") << "\n";
    return out.str();
}

std::string TextOutput::plugins(const Object& list)
{
    std::ostringstream out;
    Array::Ptr plugins = list.getArray("plugins");
    out << padded("NAME", 20) << padded("VERSION", 10) << padded("GEN", 5) << padded("STATE", 10) << padded("REQUESTS", 10) << "FILE\n";
    for (unsigned i = 0; plugins && i < plugins->size(); ++i)
    {
        Object::Ptr plugin = plugins->getObject(i);
        Object::Ptr requests = plugin->getObject("requests");
        out << padded(member(*plugin, "name"), 20) << padded(member(*plugin, "version"), 10) << padded(member(*plugin, "generation"), 5)
            << padded(member(*plugin, "state"), 10) << padded(requests ? member(*requests, "total") : "-", 10) << member(*plugin, "file") << "\n";
    }
    if (!plugins || plugins->size() == 0) out << "(no plugins loaded)\n";
    Array::Ptr errors = list.getArray("errors");
    if (errors && errors->size() > 0)
    {
        out << "\nfiles that failed:\n";
        for (unsigned i = 0; i < errors->size(); ++i)
        {
            Object::Ptr error = errors->getObject(i);
            out << "  " << member(*error, "file") << ": " << member(*error, "error") << ": " << member(*error, "message") << "\n";
        }
    }
    return out.str();
}

std::string TextOutput::plugin(const Object& plugin)
{
    std::ostringstream out;
    for (const char* name : {"name", "version", "description", "abi", "generation", "state", "file", "sha256", "library", "loaded_at"})
        if (plugin.has(name)) out << padded(std::string(name) + ":", 14) << scalar(plugin.get(name)) << "\n";
    if (Array::Ptr routes = plugin.getArray("routes"))
        for (unsigned i = 0; i < routes->size(); ++i)
        {
            Object::Ptr route = routes->getObject(i);
            out << padded(i == 0 ? "routes:" : "", 14) << member(*route, "listener") << " " << member(*route, "prefix") << "\n";
        }
    if (Object::Ptr requests = plugin.getObject("requests"))
        out << padded("requests:", 14) << scalar(requests) << "\n";
    for (const char* name : {"reloads", "config", "config_overrides", "capabilities"})
        if (plugin.has(name)) out << padded(std::string(name) + ":", 14) << scalar(plugin.get(name)) << "\n";
    return out.str();
}

std::string TextOutput::services(const Object& services)
{
    std::ostringstream out;
    Object::Ptr entries = services.getObject("services");
    out << padded("SERVICE", 24) << "URL\n";
    for (const std::string& name : entries ? entries->getNames() : std::vector<std::string>())
    {
        Object::Ptr entry = entries->getObject(name);
        out << padded(name, 24) << (entry ? member(*entry, "url") : "-") << "\n";
    }
    if (!entries || entries->size() == 0) out << "(no base URLs)\n";
    return out.str();
}

std::string TextOutput::logLevels(const Object& levels)
{
    std::ostringstream out;
    out << padded("default", 24) << member(levels, "default") << "\n";
    if (Object::Ptr services = levels.getObject("services"))
        for (const std::string& name : services->getNames()) out << padded(name, 24) << scalar(services->get(name)) << "\n";
    return out.str();
}

std::string TextOutput::config(const Object& config)
{
    std::ostringstream out;
    out << "# configuration file: " << (config.has("file") && !config.isNull("file") ? member(config, "file") : "none") << "\n";
    Object::Ptr settings = config.getObject("settings");
    for (const std::string& key : settings ? settings->getNames() : std::vector<std::string>())
    {
        Object::Ptr setting = settings->getObject(key);
        Poco::Dynamic::Var value = setting->get("value");
        std::string shown = value.isString() && value.extract<std::string>().empty() ? "\"\"" : scalar(value);
        out << key << " = " << shown << "  (" << member(*setting, "source") << ")\n";
    }
    return out.str();
}

std::string TextOutput::endpoints(const Object& endpoints)
{
    std::ostringstream out;
    Array::Ptr list = endpoints.getArray("endpoints");
    for (unsigned i = 0; list && i < list->size(); ++i)
    {
        Object::Ptr endpoint = list->getObject(i);
        out << padded(member(*endpoint, "method"), 7) << padded(member(*endpoint, "path"), 34) << member(*endpoint, "summary") << "\n";
    }
    return out.str();
}

} // namespace terrarium::ctl
