#include "plugin/HostApi.h"

#include "client/HttpClient.h"
#include "client/ServiceDirectory.h"
#include "http/HeaderName.h"
#include "http/HttpReply.h"
#include "logging/LogLevels.h"
#include "logging/LogPipeline.h"
#include "logging/RequestId.h"
#include "secrets/SecretCache.h"
#include "plugin/PluginContext.h"
#include "plugin/WebSocketHandle.h"

#include <terrarium/plugin.h>

#include <Poco/Message.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <atomic>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace terrarium {

namespace {

/// Set by HostApi::attach() while no plugin is loaded, read by the 1.1 functions.
HostServices attached;

const HostServices& services() { return attached; }

std::string_view view(trm_str s) { return s.len ? std::string_view(s.ptr, s.len) : std::string_view(); }

trm_str str(std::string_view s) { return trm_str{s.data(), s.size()}; }

PluginContext* context(trm_host_ctx* ctx) { return reinterpret_cast<PluginContext*>(ctx); }

HttpReply* reply(trm_response* response) { return reinterpret_cast<HttpReply*>(response); }

bool hasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

Poco::Message::Priority priorityOf(int32_t level)
{
    switch (level)
    {
    case TRM_LOG_TRACE: return Poco::Message::PRIO_TRACE;
    case TRM_LOG_DEBUG: return Poco::Message::PRIO_DEBUG;
    case TRM_LOG_INFO: return Poco::Message::PRIO_INFORMATION;
    case TRM_LOG_WARN: return Poco::Message::PRIO_WARNING;
    default: return level < TRM_LOG_TRACE ? Poco::Message::PRIO_TRACE : Poco::Message::PRIO_ERROR;
    }
}

void hostLog(trm_host_ctx* ctx, int32_t level, trm_str message, const trm_kv* fields, size_t fieldCount) noexcept
{
    if (!ctx) return;
    try
    {
        PluginContext* plugin = context(ctx);
        if (LogPipeline* pipeline = services().log)
        {
            LogLevel severity = LogLevels::fromAbi(level);
            if (!pipeline->enabled(plugin->name(), severity)) return;
            std::vector<LogField> recordFields;
            recordFields.reserve(fields ? fieldCount : 0);
            for (size_t i = 0; fields && i < fieldCount; ++i)
                recordFields.emplace_back(std::string(view(fields[i].key)), std::string(view(fields[i].value)));
            pipeline->log(plugin->name(), severity, std::string(view(message)), std::move(recordFields));
            return;
        }
        Poco::Logger& logger = plugin->logger();
        Poco::Message::Priority priority = priorityOf(level);
        if (!logger.is(priority)) return;
        std::string text(view(message));
        for (size_t i = 0; fields && i < fieldCount; ++i)
        {
            text += ' ';
            text += view(fields[i].key);
            text += '=';
            text += view(fields[i].value);
        }
        logger.log(Poco::Message(logger.name(), text, priority));
    }
    catch (...)
    {
    }
}

bool logEnabled(trm_host_ctx* ctx, int32_t level) noexcept
{
    if (!ctx) return false;
    try
    {
        PluginContext* plugin = context(ctx);
        if (LogPipeline* pipeline = services().log) return pipeline->enabled(plugin->name(), LogLevels::fromAbi(level));
        return plugin->logger().is(priorityOf(level));
    }
    catch (...)
    {
        return true;
    }
}

trm_status statusOf(SecretOutcome outcome)
{
    switch (outcome)
    {
    case SecretOutcome::Found: return TRM_OK;
    case SecretOutcome::NotFound: return TRM_ERR_NOT_FOUND;
    case SecretOutcome::Forbidden: return TRM_ERR_FORBIDDEN;
    case SecretOutcome::Unavailable: return TRM_ERR_UNAVAILABLE;
    case SecretOutcome::Invalid: return TRM_ERR_INVALID;
    }
    return TRM_ERR_INTERNAL;
}

trm_status secretGet(trm_host_ctx* ctx, trm_str path, trm_str key, char* buf, size_t bufSize, size_t* valueLen) noexcept
{
    if (valueLen) *valueLen = 0;
    if (!ctx || !valueLen || (!buf && bufSize)) return TRM_ERR_INVALID;
    try
    {
        SecretCache* secrets = services().secrets;
        if (!secrets) return TRM_ERR_UNAVAILABLE;
        SecretLookup lookup = secrets->get(std::string(view(path)), std::string(view(key)));
        if (!lookup.found())
        {
            PluginContext* plugin = context(ctx);
            if (plugin->logger().debug())
                plugin->logger().debug("plugin '%s': secret %s key %s: %s", plugin->name(), std::string(view(path)), std::string(view(key)),
                                       lookup.message);
            return statusOf(lookup.outcome);
        }
        *valueLen = lookup.value.size();
        if (lookup.value.size() + 1 > bufSize)
        {
            if (buf && bufSize) buf[0] = '\0';
            std::fill(lookup.value.begin(), lookup.value.end(), '\0');
            return TRM_ERR_TOO_LARGE;
        }
        std::memcpy(buf, lookup.value.data(), lookup.value.size());
        buf[lookup.value.size()] = '\0';
        std::fill(lookup.value.begin(), lookup.value.end(), '\0');
        return TRM_OK;
    }
    catch (const std::bad_alloc&)
    {
        return TRM_ERR_NO_MEMORY;
    }
    catch (...)
    {
        return TRM_ERR_INTERNAL;
    }
}

/// Keys every plugin can read whatever its config holds: facts of the host (docs/plugins.md).
constexpr std::string_view stateDirKey = "terrarium.state_dir";

trm_status configGet(trm_host_ctx* ctx, trm_str key, trm_str* out) noexcept
{
    if (!ctx || !out) return TRM_ERR_INVALID;
    try
    {
        if (view(key) == stateDirKey && !services().stateDir.empty())
        {
            *out = str(services().stateDir);
            return TRM_OK;
        }
        const std::string* value = context(ctx)->configValue(view(key));
        if (!value) return TRM_ERR_NOT_FOUND;
        out->ptr = value->c_str();
        out->len = value->size();
        return TRM_OK;
    }
    catch (...)
    {
        return TRM_ERR_INTERNAL;
    }
}

trm_status setStatus(trm_response* response, int32_t status) noexcept
{
    if (!response || status < 100 || status > 599) return TRM_ERR_INVALID;
    reply(response)->setStatus(status);
    return TRM_OK;
}

trm_status addHeader(trm_response* response, trm_str name, trm_str value) noexcept
{
    if (!response || name.len == 0 || hasLineBreak(view(name)) || hasLineBreak(view(value))) return TRM_ERR_INVALID;
    if (view(name).find(':') != std::string_view::npos) return TRM_ERR_INVALID;
    try
    {
        reply(response)->addHeader(std::string(view(name)), std::string(view(value)));
        return TRM_OK;
    }
    catch (...)
    {
        return TRM_ERR_NO_MEMORY;
    }
}

trm_status setBody(trm_response* response, const void* data, size_t len) noexcept
{
    if (!response || (!data && len)) return TRM_ERR_INVALID;
    try
    {
        reply(response)->setBody(std::string(static_cast<const char*>(data), len));
        return TRM_OK;
    }
    catch (...)
    {
        return TRM_ERR_NO_MEMORY;
    }
}

trm_status adoptBody(trm_response* response, void* data, size_t len, trm_free_fn freeFn, void* freeCtx) noexcept
{
    if (!response || (!data && len))
    {
        if (freeFn && data) freeFn(freeCtx, data);
        return TRM_ERR_INVALID;
    }
    reply(response)->adoptBody(data, len, freeFn, freeCtx);
    return TRM_OK;
}

trm_status sendFile(trm_response* response, int fd, uint64_t offset, uint64_t length) noexcept
{
    if (fd < 0) return TRM_ERR_INVALID;
    struct stat info;
    int mode = ::fcntl(fd, F_GETFL);
    bool usable = response && mode >= 0 && (mode & O_ACCMODE) != O_WRONLY && ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
                  offset <= static_cast<uint64_t>(info.st_size) && length <= static_cast<uint64_t>(info.st_size) - offset;
    if (!usable)
    {
        ::close(fd);
        return TRM_ERR_INVALID;
    }
    reply(response)->sendFile(fd, offset, length);
    return TRM_OK;
}

trm_status counterAdd(trm_host_ctx* ctx, trm_str name, uint64_t delta) noexcept
{
    if (!ctx || !PluginMetrics::validName(view(name))) return TRM_ERR_INVALID;
    try
    {
        context(ctx)->metrics().add(view(name), delta);
        return TRM_OK;
    }
    catch (...)
    {
        return TRM_ERR_NO_MEMORY;
    }
}

trm_status histogramObserve(trm_host_ctx* ctx, trm_str name, double value) noexcept
{
    if (!ctx || !PluginMetrics::validName(view(name)) || value != value) return TRM_ERR_INVALID;
    try
    {
        context(ctx)->metrics().observe(view(name), value);
        return TRM_OK;
    }
    catch (...)
    {
        return TRM_ERR_NO_MEMORY;
    }
}

trm_status gaugeSet(trm_host_ctx* ctx, trm_str name, double value) noexcept
{
    if (!ctx || !PluginMetrics::validName(view(name))) return TRM_ERR_INVALID;
    try
    {
        context(ctx)->metrics().set(view(name), value);
        return TRM_OK;
    }
    catch (...)
    {
        return TRM_ERR_NO_MEMORY;
    }
}

/// A response of http_call(): the C view the plugin reads, followed by the storage it points into.
struct OwnedClientResponse : trm_client_response
{
    ClientResponse data;
    std::vector<trm_kv> headerViews;
};

trm_status clientStatusOf(ClientStatus status)
{
    switch (status)
    {
    case ClientStatus::Ok: return TRM_OK;
    case ClientStatus::Invalid: return TRM_ERR_INVALID;
    case ClientStatus::NotFound: return TRM_ERR_NOT_FOUND;
    case ClientStatus::Timeout: return TRM_ERR_TIMEOUT;
    case ClientStatus::Unavailable: return TRM_ERR_UNAVAILABLE;
    case ClientStatus::TooLarge: return TRM_ERR_TOO_LARGE;
    }
    return TRM_ERR_INTERNAL;
}

trm_status httpCall(trm_host_ctx* ctx, const trm_client_request* request, trm_client_response** out) noexcept
{
    if (!ctx || !request || !out || !TRM_HAS_FIELD(request, trm_client_request, timeout_ms)) return TRM_ERR_INVALID;
    *out = nullptr;
    try
    {
        const HostServices& host = services();
        ClientRequest call;
        if (request->method.len) call.method = std::string(view(request->method));
        call.path = std::string(view(request->path));
        for (size_t i = 0; request->headers && i < request->header_count; ++i)
            call.headers.emplace_back(std::string(view(request->headers[i].key)), std::string(view(request->headers[i].value)));
        call.body = std::string(view(request->body));
        call.timeout = Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(request->timeout_ms) * 1000);
        call.maxAttempts = request->max_attempts;
        call.requestId = RequestId::current();
        std::string service(view(request->service));

        ClientResult result;
        if (service.empty())
        {
            if (!host.client) return TRM_ERR_UNAVAILABLE;
            call.url = std::move(call.path);
            call.path.clear();
            result = host.client->call(call);
        }
        else
        {
            if (!host.directory) return TRM_ERR_UNAVAILABLE;
            result = host.directory->call(service, call);
        }
        if (!result.ok())
        {
            PluginContext* plugin = context(ctx);
            if (plugin->logger().debug())
                plugin->logger().debug("plugin '%s': call to %s %s failed: %s", plugin->name(), service.empty() ? std::string("URL") : service,
                                       std::string(view(request->path)), result.message);
            return clientStatusOf(result.status);
        }
        auto* owned = new OwnedClientResponse();
        owned->data = std::move(result.response);
        owned->headerViews.reserve(owned->data.headers.size());
        for (const auto& [name, value] : owned->data.headers) owned->headerViews.push_back(trm_kv{str(name), str(value)});
        owned->struct_size = static_cast<uint32_t>(sizeof(trm_client_response));
        owned->status = owned->data.status;
        owned->headers = owned->headerViews.data();
        owned->header_count = owned->headerViews.size();
        owned->body = str(owned->data.body);
        owned->attempts = owned->data.attempts;
        owned->flags = owned->data.inProcess ? TRM_CLIENT_IN_PROCESS : 0u;
        *out = owned;
        return TRM_OK;
    }
    catch (const std::bad_alloc&)
    {
        return TRM_ERR_NO_MEMORY;
    }
    catch (...)
    {
        return TRM_ERR_INTERNAL;
    }
}

void clientResponseRelease(trm_host_ctx* ctx, trm_client_response* response) noexcept
{
    delete static_cast<OwnedClientResponse*>(response);
}

/// The value of header name in request (case-insensitive), or empty.
std::string_view requestHeader(const trm_request* request, std::string_view name)
{
    for (size_t i = 0; request->headers && i < request->header_count; ++i)
    {
        if (sameHeaderName(view(request->headers[i].key), name)) return view(request->headers[i].value);
    }
    return std::string_view();
}

/// True when the comma-separated list holds token (case-insensitive).
bool listHas(std::string_view list, const char* token)
{
    Poco::StringTokenizer parts(std::string(list), ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& part : parts)
        if (Poco::icompare(part, token) == 0) return true;
    return false;
}

trm_status websocketAccept(trm_host_ctx* ctx, const trm_request* request, trm_response* response, const trm_websocket_handlers* handlers,
                           trm_websocket** out) noexcept
{
    if (out) *out = nullptr;
    if (!ctx || !request || !response || !handlers || !out || handlers->struct_size < offsetof(trm_websocket_handlers, on_message))
        return TRM_ERR_INVALID;
    try
    {
        HttpReply* target = reply(response);
        if (!target->upgradable()) return TRM_ERR_UNSUPPORTED;
        if (target->webSocket()) return TRM_ERR_INVALID;
        std::string_view key = requestHeader(request, "Sec-WebSocket-Key");
        if (view(request->method) != "GET" || !listHas(requestHeader(request, "Upgrade"), "websocket") ||
            !listHas(requestHeader(request, "Connection"), "upgrade") || Poco::trim(std::string(requestHeader(request, "Sec-WebSocket-Version"))) != "13" ||
            Poco::trim(std::string(key)).size() != 24)
            return TRM_ERR_INVALID;
        auto handle = std::make_shared<WebSocketHandle>(*handlers);
        handle->retainForPlugin();
        context(ctx)->trackWebSocket(handle);
        target->acceptWebSocket(handle, Poco::trim(std::string(key)));
        *out = handle->abi();
        return TRM_OK;
    }
    catch (const std::bad_alloc&)
    {
        return TRM_ERR_NO_MEMORY;
    }
    catch (...)
    {
        return TRM_ERR_INTERNAL;
    }
}

trm_status websocketSend(trm_websocket* ws, int32_t opcode, const void* data, size_t len) noexcept
{
    if (!ws) return TRM_ERR_INVALID;
    try
    {
        return WebSocketHandle::fromAbi(ws)->send(opcode, data, len);
    }
    catch (const std::bad_alloc&)
    {
        return TRM_ERR_NO_MEMORY;
    }
    catch (...)
    {
        return TRM_ERR_INTERNAL;
    }
}

trm_status websocketClose(trm_websocket* ws, int32_t code, trm_str reason) noexcept
{
    if (!ws) return TRM_ERR_INVALID;
    try
    {
        return WebSocketHandle::fromAbi(ws)->close(code, view(reason));
    }
    catch (...)
    {
        return TRM_ERR_INTERNAL;
    }
}

void websocketRelease(trm_websocket* ws) noexcept
{
    if (ws) WebSocketHandle::fromAbi(ws)->releaseByPlugin();
}

const trm_host_api hostTable = {
    static_cast<uint32_t>(sizeof(trm_host_api)),
    TERRARIUM_ABI_MAJOR,
    TERRARIUM_ABI_MINOR,
    &hostLog,
    &configGet,
    &setStatus,
    &addHeader,
    &setBody,
    &adoptBody,
    &counterAdd,
    &httpCall,
    &clientResponseRelease,
    &secretGet,
    &logEnabled,
    &histogramObserve,
    &gaugeSet,
    &websocketAccept,
    &websocketSend,
    &websocketClose,
    &websocketRelease,
    &sendFile,
};

} // namespace

void HostApi::attach(const HostServices& services)
{
    attached = services;
}

const trm_host_api* HostApi::table()
{
    return &hostTable;
}

} // namespace terrarium
