#include "admin/AdminConfigReport.h"

#include "client/ServiceDirectory.h"
#include "config/EffectiveConfig.h"
#include "lifecycle/PluginLifecycle.h"
#include "logging/LogLevels.h"
#include "logging/LogPipeline.h"

#include <Poco/JSON/Array.h>

namespace terrarium {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr child(Object& parent, const std::string& name)
{
    if (!parent.has(name) || parent.get(name).type() != typeid(Object::Ptr))
        parent.set(name, Object::Ptr(new Object(Poco::JSON_PRESERVE_KEY_ORDER)));
    return parent.getObject(name);
}

bool sameLevel(const std::string& configured, LogLevel running)
{
    LogLevel level = LogLevel::Info;
    return LogLevels::tryParse(configured, level) && level == running;
}

/// Every leaf key under prefix of value (objects walked), marked in keys.
void markLeaves(const Var& value, const std::string& prefix, std::map<std::string, bool>& keys)
{
    if (value.type() == typeid(Object::Ptr)) {
        Object::Ptr object = value.extract<Object::Ptr>();
        if (object->size() == 0) keys[prefix] = true;
        for (const std::string& name : object->getNames()) markLeaves(object->get(name), prefix + "." + name, keys);
    } else
        keys[prefix] = true;
}

Var redactedValue(const Var& value)
{
    if (value.isEmpty() || (value.isString() && value.extract<std::string>().empty())) return value;
    return std::string(AdminConfigReport::REDACTED);
}

} // namespace

AdminConfigReport::AdminConfigReport(const Config& config, const PluginLifecycle& lifecycle, const LogPipeline* log,
                                     const ServiceDirectory* directory)
    : _config(config), _lifecycle(lifecycle), _log(log), _directory(directory)
{
}

void AdminConfigReport::addAdminLayer(Object& tree, std::map<std::string, bool>& adminKeys) const
{
    Object::Ptr plugins = child(tree, "plugins");
    Array::Ptr loaded = _lifecycle.list()->getArray("plugins");
    for (unsigned i = 0; loaded && i < loaded->size(); ++i) {
        Object::Ptr plugin = loaded->getObject(i);
        std::string name = plugin->getValue<std::string>("name");
        Object::Ptr block = child(*plugins, name);
        block->set("config", plugin->get("config"));
        if (!plugin->isNull("config_overrides")) markLeaves(plugin->get("config_overrides"), "plugins." + name + ".config", adminKeys);
    }
    if (_log) {
        Object::Ptr log = child(tree, "log");
        LogLevelTable table = _log->levels();
        if (!sameLevel(_config.log.level, table.defaultLevel)) {
            log->set("level", std::string(LogLevels::name(table.defaultLevel)));
            adminKeys["log.level"] = true;
        }
        Object::Ptr levels = child(*log, "plugins");
        for (const auto& [service, level] : table.services) {
            auto configured = _config.log.pluginLevels.find(service);
            if (configured != _config.log.pluginLevels.end() && sameLevel(configured->second, level)) continue;
            levels->set(service, std::string(LogLevels::name(level)));
            adminKeys["log.plugins." + service] = true;
        }
    }
    if (_directory) {
        Object::Ptr services = child(tree, "services");
        std::map<std::string, std::string> running = _directory->baseUrls();
        for (const auto& [name, url] : running) {
            auto configured = _config.services.find(name);
            if (configured != _config.services.end() && configured->second == url) continue;
            if (configured == _config.services.end() && name == "vault" && url == _config.secrets.vault.address) continue;
            services->set(name, url);
            adminKeys["services." + name] = true;
        }
        for (const auto& [name, url] : _config.services) {
            if (running.count(name)) continue;
            services->set(name, Var());
            adminKeys["services." + name] = true;
        }
    }
}

Object::Ptr AdminConfigReport::redactPlugin(Object::Ptr description)
{
    if (!description) return description;
    Object::Ptr shown = new Object(*description);
    for (const char* member : {"config", "config_overrides"})
    {
        Var value = shown->get(member);
        if (value.type() != typeid(Object::Ptr)) continue;
        Object::Ptr copy = new Object(*value.extract<Object::Ptr>());
        redact(*copy, false, std::string());
        shown->set(member, copy);
    }
    return shown;
}

Object::Ptr AdminConfigReport::redactPluginList(Object::Ptr list)
{
    Array::Ptr plugins = list ? list->getArray("plugins") : nullptr;
    if (!plugins) return list;
    Object::Ptr shown = new Object(*list);
    Array::Ptr copy = new Array;
    for (unsigned i = 0; i < plugins->size(); ++i) copy->add(redactPlugin(plugins->getObject(i)));
    shown->set("plugins", copy);
    return shown;
}

void AdminConfigReport::redact(Object& object, bool secret, const std::string& path)
{
    for (const std::string& name : object.getNames()) {
        std::string key = path.empty() ? name : path + "." + name;
        bool secretHere = secret || (EffectiveConfig::secretName(name) && key != "secrets");
        Var value = object.get(name);
        if (value.type() == typeid(Object::Ptr)) {
            Object::Ptr copy = new Object(*value.extract<Object::Ptr>());
            redact(*copy, secretHere, key);
            object.set(name, copy);
        } else if (value.type() == typeid(Array::Ptr)) {
            Array::Ptr array = value.extract<Array::Ptr>();
            Array::Ptr copy = new Array;
            for (unsigned i = 0; i < array->size(); ++i) {
                Var element = array->get(i);
                if (element.type() == typeid(Object::Ptr)) {
                    Object::Ptr item = new Object(*element.extract<Object::Ptr>());
                    redact(*item, secretHere, key);
                    copy->add(item);
                } else
                    copy->add(secretHere ? redactedValue(element) : element);
            }
            object.set(name, copy);
        } else if (secretHere)
            object.set(name, redactedValue(value));
    }
}

void AdminConfigReport::flatten(const Var& value, const std::string& key, const std::map<std::string, bool>& adminKeys, Object& settings) const
{
    if (value.type() == typeid(Object::Ptr)) {
        Object::Ptr object = value.extract<Object::Ptr>();
        if (object->size() > 0) {
            for (const std::string& name : object->getNames())
                flatten(object->get(name), key.empty() ? name : key + "." + name, adminKeys, settings);
            return;
        }
    } else if (value.type() == typeid(Array::Ptr)) {
        Array::Ptr array = value.extract<Array::Ptr>();
        bool objects = array->size() > 0;
        for (unsigned i = 0; objects && i < array->size(); ++i) objects = array->get(i).type() == typeid(Object::Ptr);
        if (objects) {
            for (unsigned i = 0; i < array->size(); ++i) flatten(array->get(i), key + "[" + std::to_string(i) + "]", adminKeys, settings);
            return;
        }
    }
    Object::Ptr setting = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    setting->set("value", value);
    setting->set("source", adminKeys.count(key) ? std::string("admin") : EffectiveConfig::source(_config, key));
    settings.set(key, setting);
}

Object::Ptr AdminConfigReport::build() const
{
    Object::Ptr tree = EffectiveConfig::settings(_config);
    std::map<std::string, bool> adminKeys;
    addAdminLayer(*tree, adminKeys);
    redact(*tree, false, std::string());

    Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("file", _config.provenance.file.empty() ? Var() : Var(_config.provenance.file));
    Array::Ptr precedence = new Array;
    for (const char* layer : {"default", "file", "env", "flag", "admin"}) precedence->add(std::string(layer));
    out->set("precedence", precedence);
    Object::Ptr settings = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    flatten(tree, std::string(), adminKeys, *settings);
    out->set("settings", settings);
    out->set("config", tree);
    return out;
}

} // namespace terrarium
