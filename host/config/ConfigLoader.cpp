#include "config/ConfigLoader.h"

#include "config/AddressParser.h"
#include "config/ConfigFileParser.h"
#include "config/ConfigOverrides.h"
#include "config/ConfigSources.h"
#include "config/ConfigError.h"
#include "config/ConfigValue.h"

#include <Poco/String.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

namespace terrarium {

namespace {

const char* const DEFAULT_MAIN_ADDRESS = "0.0.0.0:8080";

/// Two listeners on the very same host:port (port not 0) cannot both bind.
void checkDistinctAddresses(const Config& config, const ConfigSources& sources)
{
    struct Bound { std::string address; std::string key; std::string owner; };
    std::vector<Bound> bound;
    bound.push_back({config.listeners.front().address, sources.mainListen, "listener 'main'"});
    for (std::size_t i = 1; i < config.listeners.size(); ++i)
        bound.push_back({config.listeners[i].address, sources.extraListen[i - 1],
                         "listener " + ConfigValue::quoted(config.listeners[i].name)});
    bound.push_back({config.adminAddress, sources.adminListen, "the admin listener"});
    for (std::size_t i = 1; i < bound.size(); ++i) {
        if (AddressParser::port(bound[i].address) == "0")
            continue;
        for (std::size_t j = 0; j < i; ++j) {
            if (Poco::toLower(bound[i].address) == Poco::toLower(bound[j].address))
                throw ConfigError(bound[i].key, "address " + ConfigValue::quoted(bound[i].address) + " is already used by "
                    + bound[j].owner + " (" + bound[j].key + "); expected a different address or port 0");
        }
    }
}

/// Every listener must be able to hold at least one body of max_body_bytes: the default bound
/// grows to it, a configured one below it is an error.
void checkBufferedBodyBytes(Config& config, const ConfigSources& sources)
{
    LimitsConfig& limits = config.limits;
    if (limits.maxBufferedBodyBytes >= limits.maxBodyBytes)
        return;
    if (!sources.bufferedBodyBytesSet) {
        limits.maxBufferedBodyBytes = limits.maxBodyBytes;
        return;
    }
    throw ConfigError("limits.max_buffered_body_bytes", "smaller than limits.max_body_bytes (" + std::to_string(limits.maxBodyBytes)
        + "); expected room for at least one whole body");
}

/// Every spool threshold must lie below its limit (the host's and each plugin's, absent values
/// taken from the host's).
void checkSpool(const Config& config)
{
    const LimitsConfig& limits = config.limits;
    if (limits.spoolThresholdBytes > limits.maxSpooledBodyBytes)
        throw ConfigError("limits.spool_threshold_bytes", "larger than limits.max_spooled_body_bytes (" + std::to_string(limits.maxSpooledBodyBytes)
            + "); expected a threshold below the limit");
    for (const auto& [name, plugin] : config.plugins) {
        auto [threshold, max] = Config::spoolLimits(limits, &plugin);
        if (threshold > max)
            throw ConfigError("plugins." + name + ".spool", "threshold " + std::to_string(threshold) + " larger than the limit " + std::to_string(max)
                + " (absent values are the host's limits.spool_threshold_bytes and limits.max_spooled_body_bytes); expected a threshold below the limit");
    }
}

Config build(const std::string& name, const std::string* text, const ConfigLoader::Overrides& environment,
             const ConfigLoader::Overrides& flags)
{
    Config config;
    ListenerConfig main;
    main.name = "main";
    main.address = DEFAULT_MAIN_ADDRESS;
    main.pluginDefaultRoutes = true;
    main.probes = true;
    config.listeners.push_back(std::move(main));
    ConfigSources sources;

    if (text) {
        Poco::JSON::Object::Ptr root = ConfigFileParser::parseJson(name, *text);
        ConfigFileParser::apply(*root, config, sources);
        config.provenance.file = name;
        config.provenance.fileRoot = root;
    }
    ConfigOverrides::applyEnvironment(environment, config, sources);
    ConfigOverrides::applyFlags(flags, config, sources);
    config.provenance.overrides = std::move(sources.overrides);
    checkDistinctAddresses(config, sources);
    checkBufferedBodyBytes(config, sources);
    checkSpool(config);
    config.log.level = config.logLevel;
    return config;
}

std::string readFile(const std::string& path)
{
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file)
        throw ConfigError(path, std::string("cannot open config file: ") + std::strerror(errno));
    std::string text;
    char buffer[8192];
    std::size_t count = 0;
    while ((count = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
        text.append(buffer, count);
    int error = std::ferror(file) ? errno : 0;
    std::fclose(file);
    if (error != 0)
        throw ConfigError(path, std::string("cannot read config file: ") + std::strerror(error));
    return text;
}

} // namespace

Config ConfigLoader::load(const std::string& file, const Overrides& environment, const Overrides& flags)
{
    if (file.empty())
        return build("config", nullptr, environment, flags);
    std::string text = readFile(file);
    return build(file, &text, environment, flags);
}

Config ConfigLoader::parse(const std::string& json, const Overrides& environment, const Overrides& flags)
{
    return build("config", &json, environment, flags);
}

ConfigLoader::Overrides ConfigLoader::processEnvironment()
{
    return ConfigOverrides::processEnvironment();
}

void ConfigLoader::checkAddress(const std::string& key, const std::string& address)
{
    AddressParser::check(key, address);
}

} // namespace terrarium
