/*
 * Terrarium plugin ABI.
 *
 * This header is the whole contract between terrariumd and a service plugin. It is pure C
 * (C99 / C++98 compatible) and depends on nothing but <stdint.h>, <stddef.h> and <stdbool.h>.
 *
 * Rules that keep the ABI stable across host and plugin upgrades:
 *
 *  1. A plugin exports exactly one symbol, TERRARIUM_PLUGIN_ENTRY_SYMBOL ("terrarium_plugin_entry"),
 *     of type trm_plugin_entry_fn. It receives the host's function table and returns a pointer to a
 *     descriptor with static storage duration.
 *  2. Every struct that crosses the boundary and may grow starts with a uint32_t struct_size and
 *     grows only at its end. A reader never touches a field that lies beyond struct_size, and a
 *     zero / NULL value in a newer field means "absent". TRM_HAS_FIELD() does the check.
 *  3. The ABI version is major.minor and independent of the product version. The host refuses a
 *     plugin whose major differs from its own, or whose minor is newer than its own; both versions
 *     are named in the refusal. Within one major, the host function table only grows (1.1 appends
 *     the HTTP client and secrets, 1.2 WebSockets, 1.3 file responses): a plugin built against 1.0
 *     keeps working on a 1.x host.
 *  4. Optional plugin capabilities (drain, snapshot/restore, health) are function pointers that may
 *     be NULL.
 *  5. Ownership is stated on every pointer. Everything the host passes in a call is a borrowed view,
 *     valid until that call returns. Everything a plugin hands to the host is copied by the host
 *     before the host function returns, unless ownership is moved explicitly together with a free
 *     function (trm_host_api.response_adopt_body, trm_plugin_descriptor.snapshot) or a file
 *     descriptor is handed over (trm_host_api.response_send_file).
 *  6. One status enum, trm_status: 0 is success, positive values are non-error outcomes, negative
 *     values are errors. A value the host does not know is treated as TRM_ERR_INTERNAL.
 *  7. No C++ type, exception or allocator crosses the boundary. Plugin code must not let an
 *     exception escape a function called by the host (the C++ wrapper in plugin.hpp guarantees it).
 *
 * Threading: handle() and health() may be called concurrently from many host threads on one
 * instance; health() also while restore() runs, and handle() too when the descriptor sets
 * TRM_PLUGIN_SERVE_DURING_RESTORE (otherwise the host holds the requests until restore() returns,
 * see restore()). create(), destroy(), drain(), snapshot() and restore() are never called
 * concurrently with each other for one instance. Host functions are thread-safe and may be called
 * from any thread the plugin owns, for as long as the instance exists (until destroy() returns).
 *
 * Unloading: a plugin must join every thread it started before destroy() returns and must not rely
 * on static destructors or thread_local objects with destructors; the library is closed as soon as
 * no request, timer or callback refers to it any more.
 */
#ifndef TERRARIUM_PLUGIN_H
#define TERRARIUM_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI version this header describes. */
#define TERRARIUM_ABI_MAJOR 1
#define TERRARIUM_ABI_MINOR 3

/** Name of the one symbol a plugin exports. */
#define TERRARIUM_PLUGIN_ENTRY_SYMBOL "terrarium_plugin_entry"

#if defined(_WIN32)
#define TERRARIUM_EXPORT __declspec(dllexport)
#else
#define TERRARIUM_EXPORT __attribute__((visibility("default")))
#endif

/** True when a size-tagged struct pointed to by PTR contains FIELD (rule 2). */
#define TRM_HAS_FIELD(PTR, TYPE, FIELD) \
    ((PTR) != NULL && (size_t)(PTR)->struct_size >= offsetof(TYPE, FIELD) + sizeof((PTR)->FIELD))

/** True when the host table HOST provides function FN (present in its version and not NULL). */
#define TRM_HOST_HAS(HOST, FN) (TRM_HAS_FIELD(HOST, trm_host_api, FN) && (HOST)->FN != NULL)

/* ------------------------------------------------------------------------------------------ */
/* Status                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/** The one status type of the ABI. 0 ok, > 0 not an error, < 0 error. */
typedef int32_t trm_status;

enum trm_status_code {
    TRM_OK = 0,                 /**< success */
    TRM_AGAIN = 1,              /**< not an error: try again later */
    TRM_ERR_INTERNAL = -1,      /**< unexpected failure inside the callee */
    TRM_ERR_INVALID = -2,       /**< an argument was invalid */
    TRM_ERR_NOT_FOUND = -3,     /**< the named thing does not exist */
    TRM_ERR_NO_MEMORY = -4,     /**< allocation failed */
    TRM_ERR_UNSUPPORTED = -5,   /**< the operation is not supported by this side */
    TRM_ERR_TOO_LARGE = -6,     /**< a size limit was exceeded */
    TRM_ERR_TIMEOUT = -7,       /**< a deadline passed */
    TRM_ERR_UNAVAILABLE = -8,   /**< a dependency is down or not ready */
    TRM_ERR_FORBIDDEN = -9,     /**< the caller is not allowed to do this */
    TRM_ERR_BAD_REQUEST = -10   /**< handle(): the request is malformed (answered 400) */
};

/* ------------------------------------------------------------------------------------------ */
/* Plain views (frozen: these never change shape)                                              */
/* ------------------------------------------------------------------------------------------ */

/** A byte string view: ptr may be NULL when len is 0; not NUL-terminated unless stated. */
typedef struct trm_str {
    const char* ptr;
    size_t len;
} trm_str;

/** A key/value pair of views; used for HTTP headers and structured log fields. */
typedef struct trm_kv {
    trm_str key;
    trm_str value;
} trm_kv;

/* ------------------------------------------------------------------------------------------ */
/* Requests and responses                                                                      */
/* ------------------------------------------------------------------------------------------ */

/**
 * A request as a borrowed view. The struct and everything it points to are owned by the host and
 * valid only until handle() returns; copy what you need to keep.
 */
typedef struct trm_request {
    uint32_t struct_size;      /**< sizeof(trm_request) as built by the host */
    uint32_t reserved;         /**< zero */
    trm_str method;            /**< "GET", "POST", ... */
    trm_str path;              /**< path as routed: prefix stripped when the route strips it; no query */
    trm_str original_path;     /**< path as the client sent it, without the query */
    trm_str query;             /**< query string without '?', empty if none */
    const trm_kv* headers;     /**< header_count headers in arrival order (names as sent) */
    size_t header_count;
    trm_str body;              /**< complete request body (may contain NUL bytes) */
    trm_str client_address;    /**< "ip:port" of the peer */
    trm_str listener;          /**< name of the listener that accepted the request */
    trm_str route_prefix;      /**< the route prefix that matched */
    /* ---- ABI 1.1 ---- */
    trm_str request_id;        /**< the request's id (X-Request-Id as sent, or made by the host) */
    /* ---- ABI 1.3 ---- */
    trm_str target;            /**< the request target exactly as the client sent it (dot segments,
                                    percent-escapes, query and absolute-form all as received);
                                    path and original_path are normalised, see docs/http.md */
    trm_str body_file;         /**< empty unless the host spooled the body (only for a plugin whose
                                    descriptor sets TRM_PLUGIN_SPOOL_BODIES, and only for a body
                                    above the spool threshold): then body is empty and this is the
                                    absolute path of a regular file (mode 0600, in the host's spool
                                    directory; NUL-terminated) holding the whole body, de-chunked;
                                    its size is the body's length. The plugin may
                                    take the file during handle() by rename(2)-ing it away (or
                                    link(2)-ing it elsewhere); whatever is still at this path when
                                    handle() returns is unlinked by the host. The plugin must not
                                    write to the file at this path. Valid until handle() returns. */
} trm_request;

/** Opaque response under construction; owned by the host, valid until handle() returns. */
typedef struct trm_response trm_response;

/** Frees memory whose ownership a plugin moved to the host. ctx is the value given with it. */
typedef void (*trm_free_fn)(void* ctx, void* data);

/* ------------------------------------------------------------------------------------------ */
/* Host function table                                                                         */
/* ------------------------------------------------------------------------------------------ */

/**
 * A call through the host's HTTP client (ABI 1.1). Borrowed by the host for the call only.
 * service names an entry of the host's service directory ("file-storage", "logthon", "vault", or
 * the name of any plugin): when that service is a plugin loaded in this host the call is
 * dispatched in-process (no socket; the plugin sees path as its routed path), otherwise it goes to
 * the base URL the directory has for the name, with path appended. With an empty service, path
 * must be an absolute http:// or https:// URL.
 * Retries: only connection failures, and 502/503/504 answers to idempotent methods (GET, HEAD,
 * PUT, DELETE, OPTIONS), are tried again, with exponential backoff and jitter, within the deadline.
 */
typedef struct trm_client_request {
    uint32_t struct_size;      /**< sizeof(trm_client_request) of the plugin's build */
    uint32_t max_attempts;     /**< total tries; 0 = host default (3); 1 = never retry */
    trm_str service;           /**< logical service name, or empty for an absolute URL in path */
    trm_str method;            /**< "GET", "POST", ...; empty = GET */
    trm_str path;              /**< path and query ("/files?x=1"), or an absolute URL */
    const trm_kv* headers;     /**< header_count request headers */
    size_t header_count;
    trm_str body;              /**< request body (may be empty) */
    uint32_t timeout_ms;       /**< total deadline for all tries; 0 = host default (10 s) */
    uint32_t reserved;         /**< zero */
} trm_client_request;

/** A response of http_call(). Owned by the host; every view is valid until
 *  client_response_release(). Read-only for the plugin. */
typedef struct trm_client_response {
    uint32_t struct_size;      /**< sizeof(trm_client_response) of the host's build */
    int32_t status;            /**< HTTP status */
    const trm_kv* headers;     /**< response headers */
    size_t header_count;
    trm_str body;              /**< complete response body */
    uint32_t attempts;         /**< tries made (1 = no retry) */
    uint32_t flags;            /**< TRM_CLIENT_* */
} trm_client_response;

/** trm_client_response.flags: the call was served by a plugin of this host, without a socket. */
#define TRM_CLIENT_IN_PROCESS 0x1u

/* ------------------------------------------------------------------------------------------ */
/* WebSocket (ABI 1.2)                                                                         */
/* ------------------------------------------------------------------------------------------ */

/** An accepted WebSocket. Opaque, host-owned; valid for the plugin from websocket_accept() until
 *  it calls websocket_release() (also after the socket closed: calls then answer
 *  TRM_ERR_UNAVAILABLE). */
typedef struct trm_websocket trm_websocket;

/** Message opcodes (RFC 6455). */
#define TRM_WS_TEXT 1
#define TRM_WS_BINARY 2

/** Close codes the host uses itself. */
#define TRM_WS_CLOSE_NORMAL 1000
#define TRM_WS_CLOSE_GOING_AWAY 1001      /**< host shutting down, or the plugin generation retired */
#define TRM_WS_CLOSE_PROTOCOL_ERROR 1002
#define TRM_WS_CLOSE_TOO_BIG 1009
#define TRM_WS_CLOSE_ABNORMAL 1006        /**< the connection broke without a close frame */
#define TRM_WS_CLOSE_TRY_AGAIN_LATER 1013

/**
 * What the host calls on an accepted WebSocket. Copied by websocket_accept(). For one WebSocket,
 * the callbacks are never called concurrently with each other; on_close is called exactly once,
 * and no on_message follows it. The plugin generation stays loaded while its WebSockets are
 * open; when it is retired (hot reload, unload, shutdown) the host closes them with
 * TRM_WS_CLOSE_GOING_AWAY, so clients reconnect to the new generation.
 */
typedef struct trm_websocket_handlers {
    uint32_t struct_size;      /**< sizeof(trm_websocket_handlers) of the plugin's build */
    uint32_t reserved;         /**< zero */
    void* user;                /**< handed back to every callback. Owned by the plugin: the host never
                                    reads through it nor frees it. It must stay valid until on_close
                                    has returned (the last callback; free it there), or, when
                                    websocket_accept() fails, until that call returns (no callback
                                    comes then). */
    /** A complete message (fragments joined; text as sent, the host checks nothing more).
     *  data is borrowed for the call. May be NULL (messages are then discarded). */
    void (*on_message)(void* user, trm_websocket* ws, int32_t opcode, const void* data, size_t len);
    /** The WebSocket closed: the peer's close code (or one of TRM_WS_CLOSE_*), and its reason
     *  (borrowed for the call). May be NULL. */
    void (*on_close)(void* user, trm_websocket* ws, int32_t code, trm_str reason);
} trm_websocket_handlers;

/** Opaque per-instance context; identifies the calling plugin to host functions. Host-owned,
 *  valid from create() until destroy() returns. */
typedef struct trm_host_ctx trm_host_ctx;

typedef enum trm_log_level {
    TRM_LOG_TRACE = 0,
    TRM_LOG_DEBUG = 1,
    TRM_LOG_INFO = 2,
    TRM_LOG_WARN = 3,
    TRM_LOG_ERROR = 4
} trm_log_level;

/**
 * Functions the host offers to plugins. Append-only within a major version: new minors add fields
 * at the end. Check availability of anything newer than 1.0 with TRM_HOST_HAS(). The table is owned
 * by the host and outlives every plugin instance.
 */
typedef struct trm_host_api {
    uint32_t struct_size;      /**< sizeof(trm_host_api) of the host's build */
    uint16_t abi_major;        /**< ABI version the host implements */
    uint16_t abi_minor;

    /* ---- ABI 1.0 ---- */

    /** Emit a structured log record. message and fields are copied before return. level outside
     *  trm_log_level is clamped. Never fails; never blocks on I/O. */
    void (*log)(trm_host_ctx* ctx, int32_t level, trm_str message, const trm_kv* fields,
                size_t field_count);

    /** Look up the plugin's configuration. key is a '.'-separated path into the plugin's config
     *  object ("" = the whole object). On TRM_OK *out is a NUL-terminated string owned by the host,
     *  valid until destroy() returns: scalars as text, objects and arrays as JSON.
     *  TRM_ERR_NOT_FOUND when the key is absent. */
    trm_status (*config_get)(trm_host_ctx* ctx, trm_str key, trm_str* out);

    /** Set the HTTP status (100..599; default 200). TRM_ERR_INVALID otherwise. */
    trm_status (*response_set_status)(trm_response* response, int32_t status);

    /** Add a header (copied). TRM_ERR_INVALID for an empty name or CR/LF in name or value. */
    trm_status (*response_add_header)(trm_response* response, trm_str name, trm_str value);

    /** Set the body by copying len bytes from data (replaces an earlier body). */
    trm_status (*response_set_body)(trm_response* response, const void* data, size_t len);

    /** Set the body by moving ownership of data to the host: the host calls free_fn(free_ctx, data)
     *  exactly once when done with it (free_fn may be NULL for static data). Also on failure. */
    trm_status (*response_adopt_body)(trm_response* response, void* data, size_t len,
                                      trm_free_fn free_fn, void* free_ctx);

    /** Add delta to the plugin's counter metric name (created at first use; the host scopes the
     *  name under the plugin's namespace). name: [a-zA-Z_][a-zA-Z0-9_]*, copied. */
    trm_status (*counter_add)(trm_host_ctx* ctx, trm_str name, uint64_t delta);

    /* ---- ABI 1.1: HTTP client and service directory, secrets, log levels, metrics ---- */

    /** Call a service synchronously. See trm_client_request. On TRM_OK *out is a response owned by
     *  the host (any HTTP status, also 4xx/5xx), valid until client_response_release(). Errors (no
     *  response): TRM_ERR_INVALID (bad request fields), TRM_ERR_NOT_FOUND (unknown service name),
     *  TRM_ERR_TIMEOUT (the deadline passed), TRM_ERR_UNAVAILABLE (connection refused or broken
     *  after the allowed tries, or the circuit breaker of that origin is open), TRM_ERR_TOO_LARGE
     *  (response body above the host's limit). Usable from handle() and from plugin threads. */
    trm_status (*http_call)(trm_host_ctx* ctx, const struct trm_client_request* request,
                            struct trm_client_response** out);

    /** Release a response returned by http_call(). NULL is ignored. */
    void (*client_response_release)(trm_host_ctx* ctx, struct trm_client_response* response);

    /** Read one key of a secret path ("custom-client/config", key "api_key") through the host's
     *  secret cache. The value is copied into buf (capacity buf_size, NUL-terminated when it fits)
     *  and *value_len receives its length without the NUL. TRM_ERR_TOO_LARGE when buf is too small
     *  (*value_len tells the size needed); TRM_ERR_NOT_FOUND when the path or the key does not
     *  exist; TRM_ERR_FORBIDDEN when the provider refuses access; TRM_ERR_UNAVAILABLE when the
     *  provider cannot be reached and no value (fresh or within the staleness bound) is cached. */
    trm_status (*secret_get)(trm_host_ctx* ctx, trm_str path, trm_str key, char* buf,
                             size_t buf_size, size_t* value_len);

    /** True when a record of this level from this plugin would be kept (per-plugin level, which the
     *  admin API can change at run time). Lets a plugin skip building expensive records. */
    bool (*log_enabled)(trm_host_ctx* ctx, int32_t level);

    /** Record value in the plugin's histogram metric name (seconds or any unit; default buckets
     *  for latencies in seconds). Same naming rule and scoping as counter_add. */
    trm_status (*histogram_observe)(trm_host_ctx* ctx, trm_str name, double value);

    /** Set the plugin's gauge metric name to value. Same naming rule and scoping as counter_add. */
    trm_status (*gauge_set)(trm_host_ctx* ctx, trm_str name, double value);

    /* ---- ABI 1.2: WebSocket ---- */

    /** From handle() only: accept request (a GET with Upgrade: websocket, Connection: Upgrade,
     *  Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key) as a WebSocket. After handle() returns
     *  the host answers 101 Switching Protocols (with the headers the plugin added to response,
     *  e.g. Sec-WebSocket-Protocol; status and body are ignored) and calls handlers from then on.
     *  On TRM_OK *out holds the WebSocket with one reference for the plugin (websocket_release()).
     *  Messages sent before the 101 went out are queued behind it. TRM_ERR_INVALID when the
     *  request is not a valid upgrade (the plugin answers it, e.g. 400); TRM_ERR_UNSUPPORTED when
     *  the request did not come through a listener (an in-process call). */
    trm_status (*websocket_accept)(trm_host_ctx* ctx, const trm_request* request, trm_response* response,
                                   const trm_websocket_handlers* handlers, trm_websocket** out);

    /** Send one message (TRM_WS_TEXT or TRM_WS_BINARY; data copied). Thread-safe, from any
     *  thread, never blocks. TRM_ERR_UNAVAILABLE when the WebSocket is closed or closing;
     *  TRM_ERR_TOO_LARGE when the peer reads too slowly and the host's bound on output waiting for
     *  it is reached (the message is not sent); TRM_ERR_INVALID for another opcode. */
    trm_status (*websocket_send)(trm_websocket* ws, int32_t opcode, const void* data, size_t len);

    /** Start the close handshake with code (a code valid on the wire: 1000..1003, 1007..1014 or
     *  3000..4999) and reason (UTF-8, at most 123 bytes, copied); TRM_ERR_INVALID otherwise.
     *  on_close follows. Thread-safe. TRM_ERR_UNAVAILABLE when already closed or closing. */
    trm_status (*websocket_close)(trm_websocket* ws, int32_t code, trm_str reason);

    /** Drop the plugin's reference; ws must not be used afterwards. Does not close the socket
     *  (call websocket_close first to end it). NULL is ignored. */
    void (*websocket_release)(trm_websocket* ws);

    /* ---- ABI 1.3: file responses ---- */

    /** From handle(): answer with length bytes of the open regular file fd, from offset on, instead
     *  of a body in memory (replaces an earlier body). Ownership of fd moves to the host with this
     *  call, whatever it returns: the host closes fd exactly once, when the answer has been sent,
     *  when the client goes away first, when another body replaces it, or when handle() returns an
     *  error; on an error returned here it has closed fd already. The host sets Content-Length to
     *  length and keeps the plugin's other headers (Content-Type, ETag, Content-Range with a 206
     *  the plugin set); HEAD answers carry the headers only. Plain TCP sends with sendfile(2), TLS
     *  reads and encrypts through a bounded buffer: the file is never read whole into memory.
     *  The bytes are read while they are sent, after handle() returned: the file must not shrink
     *  meanwhile (the host closes the connection if it does); a file renamed or unlinked after this
     *  call is still sent (the descriptor holds it). Called through an in-process service call
     *  (http_call), the host reads the range into the caller's response body (the HTTP client's
     *  response limit applies, TRM_ERR_TOO_LARGE beyond it).
     *  TRM_ERR_INVALID when response is NULL or no longer being built, fd is negative or not a
     *  regular file open for reading, or offset + length passes the end of the file. */
    trm_status (*response_send_file)(trm_response* response, int fd, uint64_t offset, uint64_t length);

    /* ---- later minors append here ---- */
} trm_host_api;

/* ------------------------------------------------------------------------------------------ */
/* Plugin descriptor                                                                           */
/* ------------------------------------------------------------------------------------------ */

/** Plugin flags (trm_plugin_descriptor.flags, ABI 1.3). */
#define TRM_PLUGIN_SERVE_DURING_RESTORE 0x1u /**< a plugin with snapshot and restore serves requests
                                                   while restore() runs (its restore merges state);
                                                   without it the host holds them until restore returns */
#define TRM_PLUGIN_SPOOL_BODIES 0x2u         /**< the plugin reads trm_request.body_file: request
                                                   bodies above the host's spool threshold are
                                                   streamed to a file as they arrive instead of being
                                                   held in memory, up to the spool limit (413 beyond);
                                                   see docs/plugins.md */

/** Route flags. */
#define TRM_ROUTE_STRIP_PREFIX 0x1u /**< the plugin sees the path without the matched prefix */

/** A default route a plugin declares; the host configuration can override or remove it. */
typedef struct trm_route {
    uint32_t struct_size;      /**< sizeof(trm_route) of the plugin's build */
    uint32_t flags;            /**< TRM_ROUTE_* */
    const char* prefix;        /**< path prefix, starts with '/'; NUL-terminated, static */
    const char* host;          /**< Host header to match, or NULL for any host; static */
} trm_route;

/** State moved from an old generation to a new one on hot reload. Frozen: never changes shape. */
typedef struct trm_buffer {
    void* data;                /**< owned by whoever holds the buffer */
    size_t len;
    trm_free_fn free_fn;       /**< frees data (may be NULL for static data) */
    void* free_ctx;
} trm_buffer;

/**
 * What a plugin is and what it can do. Returned by the entry function; must have static storage
 * duration and stay unchanged while the library is loaded. All strings are NUL-terminated, static.
 */
typedef struct trm_plugin_descriptor {
    uint32_t struct_size;      /**< sizeof(trm_plugin_descriptor) of the plugin's build */
    uint16_t abi_major;        /**< must equal the host's major */
    uint16_t abi_minor;        /**< minimum host minor this plugin needs (<= host's minor) */
    const char* name;          /**< unique service name: [a-z0-9][a-z0-9_-]* */
    const char* version;       /**< the plugin's own version, free text (e.g. "1.2.0") */
    const char* description;   /**< one line, may be NULL */
    const trm_route* routes;   /**< route_count default routes; elements are routes[0].struct_size
                                    bytes apart (readers step by that, not by their own sizeof) */
    size_t route_count;

    /** Create an instance. host and ctx stay valid until destroy() returns. On TRM_OK *instance is
     *  the plugin's opaque state (may be NULL). Any error refuses the load; the host keeps serving. */
    trm_status (*create)(const trm_host_api* host, trm_host_ctx* ctx, void** instance);

    /** Destroy an instance: join own threads, free everything. Called once no request uses it. */
    void (*destroy)(void* instance);

    /** Serve one request. Build the answer through the host table's response_* functions.
     *  TRM_OK sends the response built (200 by default). Any other status drops the response built
     *  and answers with a JSON body {"error":<code>,"message":"plugin '<name>' failed: <status>"}:
     *  TRM_ERR_BAD_REQUEST 400 "bad_request", TRM_ERR_FORBIDDEN 403 "forbidden",
     *  TRM_ERR_NOT_FOUND 404 "not_found", TRM_ERR_TOO_LARGE 413 "payload_too_large",
     *  TRM_ERR_UNAVAILABLE 503 "unavailable", TRM_ERR_TIMEOUT 504 "timeout", TRM_AGAIN 503
     *  "try_again" with Retry-After: 1 (message "plugin '<name>' asks to try again later"), any
     *  other error 500 "plugin_error", and a status the ABI does not define 500 "unknown_status". */
    trm_status (*handle)(void* instance, const trm_request* request, trm_response* response);

    /* ---- optional capabilities: NULL when absent ---- */

    /** Stop taking new work; called on the old generation once it no longer receives requests.
     *  Requests already running still finish. */
    trm_status (*drain)(void* instance);

    /** Serialise state for the next generation into *out (ownership of out->data moves to the
     *  host, which calls out->free_fn). Called after drain, before restore on the new generation. */
    trm_status (*snapshot)(void* instance, trm_buffer* out);

    /** Take over state produced by snapshot() of an earlier generation of the same plugin.
     *  data is borrowed for the call. Routes switch to the new generation first, then the old one
     *  drains and is snapshotted, then restore() runs. Meanwhile the host holds the new
     *  generation's requests (without a thread, bounded in number and time: restore_hold_ms and
     *  restore_hold_max_requests of the host configuration) and runs them once restore() returned,
     *  failed or was skipped; past a bound they are served before it returned. With
     *  TRM_PLUGIN_SERVE_DURING_RESTORE in flags (ABI 1.3) nothing is held: restore() then runs
     *  while this instance already serves requests and must merge the state thread-safely. */
    trm_status (*restore)(void* instance, const void* data, size_t len);

    /** Report health: TRM_OK healthy, anything else not ready. May be called concurrently. */
    trm_status (*health)(void* instance);

    /* ---- ABI 1.3 ---- */
    uint32_t flags;            /**< TRM_PLUGIN_*; 0 when absent (a 1.2 descriptor ends before it) */
    uint32_t reserved;         /**< zero */
} trm_plugin_descriptor;

/** The entry function every plugin exports as "terrarium_plugin_entry". host is valid for the
 *  life of the library. Returns the descriptor, or NULL when the plugin cannot run on this host. */
typedef const trm_plugin_descriptor* (*trm_plugin_entry_fn)(const trm_host_api* host);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TERRARIUM_PLUGIN_H */
