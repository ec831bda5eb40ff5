#include "plugin/Generation.h"

#include "http/HttpReply.h"
#include "plugin/AbiNegotiation.h"
#include "plugin/HostApi.h"
#include "plugin/PluginContext.h"
#include "plugin/PluginError.h"
#include "plugin/PluginLibrary.h"
#include "plugin/StatusMapping.h"

#include <terrarium/plugin.h>

#include <Poco/Logger.h>
#include <Poco/String.h>

#include <chrono>
#include <cstring>

namespace terrarium {

namespace {

/// Size of the 1.0 descriptor: the smallest a plugin may hand us.
constexpr std::size_t descriptorSize10 = offsetof(trm_plugin_descriptor, health) + sizeof(void*);
/// Size of the 1.0 route struct.
constexpr std::size_t routeSize10 = offsetof(trm_route, host) + sizeof(const char*);

trm_str str(std::string_view s) { return trm_str{s.data(), s.size()}; }

bool validPluginName(const char* name)
{
    if (!name || !*name) return false;
    std::size_t n = std::strlen(name);
    if (n > 64) return false;
    for (std::size_t i = 0; i < n; ++i)
    {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '-' || c == '_'));
        if (!ok) return false;
    }
    return true;
}

Poco::Logger& logger() { return Poco::Logger::get("plugin"); }

} // namespace

Generation::Generation(const std::string& libraryPath, std::string sourceFile, std::string sha256)
    : _libraryPath(libraryPath), _sourceFile(std::move(sourceFile)), _sha256(std::move(sha256))
{
    _library = std::make_unique<PluginLibrary>(libraryPath);
    try
    {
        readDescriptor();
    }
    catch (...)
    {
        _library->close();
        throw;
    }
}

Generation::~Generation()
{
    _restoreGate->open();
    destroyAndClose();
}

void Generation::readDescriptor()
{
    void* entry = _library->symbol(TERRARIUM_PLUGIN_ENTRY_SYMBOL);
    if (!entry)
        throw PluginError("no_entry", 422, std::string("the library does not export the entry symbol '") + TERRARIUM_PLUGIN_ENTRY_SYMBOL + "'");
    auto fn = reinterpret_cast<trm_plugin_entry_fn>(entry);
    const trm_plugin_descriptor* d = fn(HostApi::table());
    if (!d) throw PluginError("no_descriptor", 422, "the entry function returned no descriptor (the plugin refuses to run on this host)");
    if (d->struct_size < descriptorSize10)
        throw PluginError("invalid_descriptor", 422, "descriptor too small: " + std::to_string(d->struct_size) + " bytes, ABI 1.0 needs " + std::to_string(descriptorSize10));

    std::string why = AbiNegotiation::check(AbiNegotiation::hostMajor(), AbiNegotiation::hostMinor(), d->abi_major, d->abi_minor);
    if (!why.empty()) throw PluginError("abi_mismatch", 422, why);

    if (!validPluginName(d->name))
        throw PluginError("invalid_descriptor", 422, std::string("invalid plugin name '") + (d->name ? d->name : "(null)") + "': expected [a-z0-9][a-z0-9_-]*, at most 64 characters");
    if (!d->create || !d->destroy || !d->handle)
        throw PluginError("invalid_descriptor", 422, "descriptor lacks create, destroy or handle");
    if (d->route_count > 0 && !d->routes)
        throw PluginError("invalid_descriptor", 422, "descriptor has route_count > 0 but no routes");

    _raw = d;
    _descriptor.name = d->name;
    _descriptor.version = d->version ? d->version : "";
    _descriptor.description = d->description ? d->description : "";
    _descriptor.abiMajor = d->abi_major;
    _descriptor.abiMinor = d->abi_minor;
    _descriptor.hasDrain = d->drain != nullptr;
    _descriptor.hasSnapshot = d->snapshot != nullptr;
    _descriptor.hasRestore = d->restore != nullptr;
    _descriptor.hasHealth = d->health != nullptr;
    _descriptor.serveDuringRestore = TRM_HAS_FIELD(d, trm_plugin_descriptor, flags) && (d->flags & TRM_PLUGIN_SERVE_DURING_RESTORE) != 0;
    _descriptor.spoolBodies = TRM_HAS_FIELD(d, trm_plugin_descriptor, flags) && (d->flags & TRM_PLUGIN_SPOOL_BODIES) != 0;

    if (d->route_count > 0)
    {
        std::size_t stride = d->routes[0].struct_size;
        if (stride < routeSize10)
            throw PluginError("invalid_descriptor", 422, "route struct too small: " + std::to_string(stride) + " bytes");
        const char* base = reinterpret_cast<const char*>(d->routes);
        for (std::size_t i = 0; i < d->route_count; ++i)
        {
            const auto* r = reinterpret_cast<const trm_route*>(base + i * stride);
            if (!r->prefix || r->prefix[0] != '/')
                throw PluginError("invalid_descriptor", 422, "route " + std::to_string(i) + " has no prefix starting with '/'");
            RouteConfig route;
            route.prefix = r->prefix;
            route.host = r->host ? Poco::toLower(std::string(r->host)) : std::string();
            route.plugin = _descriptor.name;
            route.stripPrefix = (r->flags & TRM_ROUTE_STRIP_PREFIX) != 0;
            _descriptor.routes.push_back(std::move(route));
        }
    }
}

bool Generation::holdsRequestsAfter(const Generation& older) const
{
    return _descriptor.hasRestore && older._descriptor.hasSnapshot && !_descriptor.serveDuringRestore;
}

bool Generation::holdUntilRestored(HttpReply& reply)
{
    if (!_restoreGate->holding() || !_restoreGate->enter()) return false;
    reply.setAside([gate = _restoreGate](HttpReply::Resume resume) { gate->onOpen(std::move(resume)); });
    return true;
}

void Generation::waitUntilRestored()
{
    if (_restoreGate->holding() && _restoreGate->enter()) _restoreGate->wait();
}

void Generation::retire()
{
    _retired.store(true, std::memory_order_seq_cst);
    _restoreGate->open();
    if (_context) _context->closeWebSockets();
}

void Generation::create(std::uint64_t number, Poco::JSON::Object::Ptr settings, std::shared_ptr<PluginMetrics> metrics)
{
    _number = number;
    _context = std::make_unique<PluginContext>(_descriptor.name, std::move(settings), std::move(metrics));
    void* instance = nullptr;
    trm_status status = TRM_ERR_INTERNAL;
    try
    {
        status = _raw->create(HostApi::table(), reinterpret_cast<trm_host_ctx*>(_context.get()), &instance);
    }
    catch (...)
    {
        throw PluginError("create_failed", 422, "create() of plugin '" + _descriptor.name + "' threw an exception across the ABI");
    }
    if (status != TRM_OK)
        throw PluginError("create_failed", 422, "create() of plugin '" + _descriptor.name + "' failed with " + StatusMapping::name(status));
    _instance = instance;
    _instanceCreated = true;
}

void Generation::invoke(const PluginCall& call, HttpReply& reply)
{
    _requests.fetch_add(1, std::memory_order_relaxed);

    constexpr std::size_t inlineHeaders = 48;
    trm_kv stackHeaders[inlineHeaders];
    std::vector<trm_kv> heapHeaders;
    trm_kv* headers = stackHeaders;
    std::size_t count = call.headers ? call.headers->size() : 0;
    if (count > inlineHeaders)
    {
        heapHeaders.resize(count);
        headers = heapHeaders.data();
    }
    for (std::size_t i = 0; i < count; ++i)
    {
        const auto& h = (*call.headers)[i];
        headers[i] = trm_kv{str(h.first), str(h.second)};
    }

    trm_request request;
    std::memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.method = str(call.method);
    request.path = str(call.path);
    request.original_path = str(call.originalPath);
    request.query = str(call.query);
    request.headers = headers;
    request.header_count = count;
    request.body = str(call.body);
    request.client_address = str(call.clientAddress);
    request.listener = str(call.listener);
    request.route_prefix = str(call.routePrefix);
    request.request_id = str(call.requestId);
    request.target = str(call.target);
    request.body_file = str(call.bodyFile);

    trm_status status;
    try
    {
        status = _raw->handle(_instance, &request, reinterpret_cast<trm_response*>(&reply));
    }
    catch (...)
    {
        status = TRM_ERR_INTERNAL;
        logger().error("plugin '%s': handle() let an exception escape across the ABI", _descriptor.name);
    }
    if (status == TRM_OK) return;
    if (status == TRM_AGAIN)
    {
        reply.error(503, "try_again", "plugin '" + _descriptor.name + "' asks to try again later");
        reply.addHeader("Retry-After", "1");
        return;
    }
    if (!StatusMapping::known(status))
        logger().error("plugin '%s' returned unknown status %d from handle(); answered 500", _descriptor.name, static_cast<int>(status));
    reply.error(StatusMapping::httpStatus(status), StatusMapping::errorCode(status),
                "plugin '" + _descriptor.name + "' failed: " + StatusMapping::name(status));
}

bool Generation::waitIdle(Poco::Timespan timeout)
{
    std::unique_lock lock(_idleMutex);
    return _idle.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [this] { return _inflight.load() == 0; });
}

void Generation::drain()
{
    if (!_instanceCreated || !_raw->drain) return;
    trm_status status = _raw->drain(_instance);
    if (status < 0) logger().warning("plugin '%s': drain() failed with %s", _descriptor.name, StatusMapping::name(status));
}

bool Generation::restoreFrom(Generation& older)
{
    if (!_instanceCreated || !older._instanceCreated || !older._raw->snapshot || !_raw->restore) return false;
    trm_buffer buffer;
    std::memset(&buffer, 0, sizeof buffer);
    trm_status status = older._raw->snapshot(older._instance, &buffer);
    if (status != TRM_OK)
        throw PluginError("snapshot_failed", 500, "snapshot() of generation " + std::to_string(older._number) + " failed with " + StatusMapping::name(status));
    status = _raw->restore(_instance, buffer.data, buffer.len);
    if (buffer.free_fn && buffer.data) buffer.free_fn(buffer.free_ctx, buffer.data);
    if (status != TRM_OK)
        throw PluginError("restore_failed", 500, "restore() of generation " + std::to_string(_number) + " failed with " + StatusMapping::name(status));
    return true;
}

std::string Generation::snapshotState()
{
    if (!_instanceCreated || !_raw->snapshot || !_raw->restore)
        throw PluginError("no_snapshot", 409, "plugin '" + _descriptor.name + "' has no snapshot/restore capability");
    trm_buffer buffer;
    std::memset(&buffer, 0, sizeof buffer);
    trm_status status = _raw->snapshot(_instance, &buffer);
    if (status != TRM_OK)
        throw PluginError("snapshot_failed", 500, "snapshot() of plugin '" + _descriptor.name + "' failed with " + StatusMapping::name(status));
    std::string state(buffer.data ? static_cast<const char*>(buffer.data) : "", buffer.len);
    if (buffer.free_fn && buffer.data) buffer.free_fn(buffer.free_ctx, buffer.data);
    return state;
}

void Generation::restoreState(const std::string& state)
{
    if (!_instanceCreated || !_raw->snapshot || !_raw->restore)
        throw PluginError("no_snapshot", 409, "plugin '" + _descriptor.name + "' has no snapshot/restore capability");
    trm_status status = _raw->restore(_instance, state.data(), state.size());
    if (status != TRM_OK)
        throw PluginError("restore_failed", 500, "restore() of plugin '" + _descriptor.name + "' failed with " + StatusMapping::name(status));
}

bool Generation::healthy()
{
    if (!_instanceCreated || !_raw->health) return true;
    return _raw->health(_instance) == TRM_OK;
}

bool Generation::destroyAndClose()
{
    if (_instanceCreated)
    {
        _instanceCreated = false;
        _raw->destroy(_instance);
        _instance = nullptr;
    }
    _context.reset();
    _raw = nullptr;
    if (!_library) return true;
    bool gone = _library->close();
    _library.reset();
    return gone;
}

} // namespace terrarium
