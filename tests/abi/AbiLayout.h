/*
 * The pinned layout of the Terrarium plugin ABI on LP64 targets (x86_64, aarch64): one table,
 * expanded by the C99 check (AbiLayoutC.c), the C++98 check (AbiLayoutCxx98.cpp) and the C++17
 * Catch2 test (AbiLayoutTest.cpp). Changing a value here is an ABI break: bump TERRARIUM_ABI_MAJOR. Only
 * appending (new fields at a struct's end, new structs, with a new minor) is allowed.
 * Pure C (C99 / C++98).
 */
#ifndef TERRARIUM_TESTS_ABI_LAYOUT_H
#define TERRARIUM_TESTS_ABI_LAYOUT_H

#include "terrarium/plugin.h"

/* X(type, size, align) */
#define TRM_ABI_TYPES(X)                  \
    X(trm_str, 16, 8)                     \
    X(trm_kv, 32, 8)                      \
    X(trm_request, 200, 8)                \
    X(trm_host_api, 152, 8)               \
    X(trm_websocket_handlers, 32, 8)      \
    X(trm_client_request, 96, 8)          \
    X(trm_client_response, 48, 8)         \
    X(trm_route, 24, 8)                   \
    X(trm_buffer, 32, 8)                  \
    X(trm_plugin_descriptor, 112, 8)

/* X(type, field, offset, size) */
#define TRM_ABI_FIELDS(X)                                  \
    X(trm_str, ptr, 0, 8)                                  \
    X(trm_str, len, 8, 8)                                  \
    X(trm_kv, key, 0, 16)                                  \
    X(trm_kv, value, 16, 16)                               \
    X(trm_request, struct_size, 0, 4)                      \
    X(trm_request, reserved, 4, 4)                         \
    X(trm_request, method, 8, 16)                          \
    X(trm_request, path, 24, 16)                           \
    X(trm_request, original_path, 40, 16)                  \
    X(trm_request, query, 56, 16)                          \
    X(trm_request, headers, 72, 8)                         \
    X(trm_request, header_count, 80, 8)                    \
    X(trm_request, body, 88, 16)                           \
    X(trm_request, client_address, 104, 16)                \
    X(trm_request, listener, 120, 16)                      \
    X(trm_request, route_prefix, 136, 16)                  \
    X(trm_request, request_id, 152, 16)                    \
    X(trm_request, target, 168, 16)                        \
    X(trm_request, body_file, 184, 16)                     \
    X(trm_host_api, struct_size, 0, 4)                     \
    X(trm_host_api, abi_major, 4, 2)                       \
    X(trm_host_api, abi_minor, 6, 2)                       \
    X(trm_host_api, log, 8, 8)                             \
    X(trm_host_api, config_get, 16, 8)                     \
    X(trm_host_api, response_set_status, 24, 8)            \
    X(trm_host_api, response_add_header, 32, 8)            \
    X(trm_host_api, response_set_body, 40, 8)              \
    X(trm_host_api, response_adopt_body, 48, 8)            \
    X(trm_host_api, counter_add, 56, 8)                    \
    X(trm_host_api, http_call, 64, 8)                      \
    X(trm_host_api, client_response_release, 72, 8)        \
    X(trm_host_api, secret_get, 80, 8)                     \
    X(trm_host_api, log_enabled, 88, 8)                    \
    X(trm_host_api, histogram_observe, 96, 8)              \
    X(trm_host_api, gauge_set, 104, 8)                     \
    X(trm_host_api, websocket_accept, 112, 8)              \
    X(trm_host_api, websocket_send, 120, 8)                \
    X(trm_host_api, websocket_close, 128, 8)               \
    X(trm_host_api, websocket_release, 136, 8)             \
    X(trm_host_api, response_send_file, 144, 8)            \
    X(trm_websocket_handlers, struct_size, 0, 4)           \
    X(trm_websocket_handlers, reserved, 4, 4)              \
    X(trm_websocket_handlers, user, 8, 8)                  \
    X(trm_websocket_handlers, on_message, 16, 8)           \
    X(trm_websocket_handlers, on_close, 24, 8)             \
    X(trm_client_request, struct_size, 0, 4)               \
    X(trm_client_request, max_attempts, 4, 4)              \
    X(trm_client_request, service, 8, 16)                  \
    X(trm_client_request, method, 24, 16)                  \
    X(trm_client_request, path, 40, 16)                    \
    X(trm_client_request, headers, 56, 8)                  \
    X(trm_client_request, header_count, 64, 8)             \
    X(trm_client_request, body, 72, 16)                    \
    X(trm_client_request, timeout_ms, 88, 4)               \
    X(trm_client_request, reserved, 92, 4)                 \
    X(trm_client_response, struct_size, 0, 4)              \
    X(trm_client_response, status, 4, 4)                   \
    X(trm_client_response, headers, 8, 8)                  \
    X(trm_client_response, header_count, 16, 8)            \
    X(trm_client_response, body, 24, 16)                   \
    X(trm_client_response, attempts, 40, 4)                \
    X(trm_client_response, flags, 44, 4)                   \
    X(trm_route, struct_size, 0, 4)                        \
    X(trm_route, flags, 4, 4)                              \
    X(trm_route, prefix, 8, 8)                             \
    X(trm_route, host, 16, 8)                              \
    X(trm_buffer, data, 0, 8)                              \
    X(trm_buffer, len, 8, 8)                               \
    X(trm_buffer, free_fn, 16, 8)                          \
    X(trm_buffer, free_ctx, 24, 8)                         \
    X(trm_plugin_descriptor, struct_size, 0, 4)            \
    X(trm_plugin_descriptor, abi_major, 4, 2)              \
    X(trm_plugin_descriptor, abi_minor, 6, 2)              \
    X(trm_plugin_descriptor, name, 8, 8)                   \
    X(trm_plugin_descriptor, version, 16, 8)               \
    X(trm_plugin_descriptor, description, 24, 8)           \
    X(trm_plugin_descriptor, routes, 32, 8)                \
    X(trm_plugin_descriptor, route_count, 40, 8)           \
    X(trm_plugin_descriptor, create, 48, 8)                \
    X(trm_plugin_descriptor, destroy, 56, 8)               \
    X(trm_plugin_descriptor, handle, 64, 8)                \
    X(trm_plugin_descriptor, drain, 72, 8)                 \
    X(trm_plugin_descriptor, snapshot, 80, 8)              \
    X(trm_plugin_descriptor, restore, 88, 8)               \
    X(trm_plugin_descriptor, health, 96, 8)                \
    X(trm_plugin_descriptor, flags, 104, 4)                \
    X(trm_plugin_descriptor, reserved, 108, 4)

/* X(name, value): ABI version, status codes, log levels, flags */
#define TRM_ABI_CONSTANTS(X)              \
    X(TERRARIUM_ABI_MAJOR, 1)             \
    X(TERRARIUM_ABI_MINOR, 3)             \
    X(TRM_OK, 0)                          \
    X(TRM_AGAIN, 1)                       \
    X(TRM_ERR_INTERNAL, -1)               \
    X(TRM_ERR_INVALID, -2)                \
    X(TRM_ERR_NOT_FOUND, -3)              \
    X(TRM_ERR_NO_MEMORY, -4)              \
    X(TRM_ERR_UNSUPPORTED, -5)            \
    X(TRM_ERR_TOO_LARGE, -6)              \
    X(TRM_ERR_TIMEOUT, -7)                \
    X(TRM_ERR_UNAVAILABLE, -8)            \
    X(TRM_ERR_FORBIDDEN, -9)              \
    X(TRM_ERR_BAD_REQUEST, -10)           \
    X(TRM_LOG_TRACE, 0)                   \
    X(TRM_LOG_DEBUG, 1)                   \
    X(TRM_LOG_INFO, 2)                    \
    X(TRM_LOG_WARN, 3)                    \
    X(TRM_LOG_ERROR, 4)                   \
    X(TRM_ROUTE_STRIP_PREFIX, 1)          \
    X(TRM_PLUGIN_SERVE_DURING_RESTORE, 1) \
    X(TRM_PLUGIN_SPOOL_BODIES, 2)         \
    X(TRM_CLIENT_IN_PROCESS, 1)           \
    X(TRM_WS_TEXT, 1)                     \
    X(TRM_WS_BINARY, 2)                   \
    X(TRM_WS_CLOSE_NORMAL, 1000)          \
    X(TRM_WS_CLOSE_GOING_AWAY, 1001)      \
    X(TRM_WS_CLOSE_PROTOCOL_ERROR, 1002)  \
    X(TRM_WS_CLOSE_TOO_BIG, 1009)         \
    X(TRM_WS_CLOSE_ABNORMAL, 1006)        \
    X(TRM_WS_CLOSE_TRY_AGAIN_LATER, 1013)

/* Alignment without C11 _Alignof: the offset of T after a char. */
#define TRM_ABI_ALIGN_WRAPPER(T, S, A) typedef struct { char c; T t; } trm_abi_align_##T;
TRM_ABI_TYPES(TRM_ABI_ALIGN_WRAPPER)
#define TRM_ABI_ALIGNOF(T) offsetof(trm_abi_align_##T, t)
#define TRM_ABI_FIELD_SIZE(T, F) sizeof(((T*)0)->F)

/* Compile-time checks usable in C99 and C++98 (a negative array size fails the build). */
#define TRM_ABI_CHECK(NAME, COND) typedef char trm_abi_check_##NAME[(COND) ? 1 : -1];
#define TRM_ABI_CHECK_TYPE(T, S, A)                               \
    TRM_ABI_CHECK(T##_size, sizeof(T) == (S))                     \
    TRM_ABI_CHECK(T##_align, TRM_ABI_ALIGNOF(T) == (A))
#define TRM_ABI_CHECK_FIELD(T, F, O, S)                           \
    TRM_ABI_CHECK(T##_##F##_offset, offsetof(T, F) == (O))        \
    TRM_ABI_CHECK(T##_##F##_size, TRM_ABI_FIELD_SIZE(T, F) == (S))
/* (pasted here, not passed on: N may itself be a macro that would expand before pasting) */
#define TRM_ABI_CHECK_CONSTANT(N, V) typedef char trm_abi_check_##N[((N) == (V)) ? 1 : -1];

/* Number of values in terrarium_abi_c_layout: size and align per type, offset and size per field. */
#define TRM_ABI_COUNT_TYPE(T, S, A) +2
#define TRM_ABI_COUNT_FIELD(T, F, O, S) +2
#define TRM_ABI_LAYOUT_COUNT (0 TRM_ABI_TYPES(TRM_ABI_COUNT_TYPE) TRM_ABI_FIELDS(TRM_ABI_COUNT_FIELD))
#define TRM_ABI_COUNT_CONSTANT(N, V) +1
#define TRM_ABI_CONSTANT_COUNT (0 TRM_ABI_CONSTANTS(TRM_ABI_COUNT_CONSTANT))

#ifdef __cplusplus
extern "C" {
#endif

/** The layout as the C compiler sees it (sizes, alignments, offsets in TRM_ABI_* order). */
extern const size_t terrarium_abi_c_layout[TRM_ABI_LAYOUT_COUNT];
/** The constants as the C compiler sees them. */
extern const long terrarium_abi_c_constants[TRM_ABI_CONSTANT_COUNT];
/** Language standard the C check was compiled with (__STDC_VERSION__). */
extern const long terrarium_abi_c_standard;
/** Language standard the C++98 check was compiled with (__cplusplus), and its layout. */
extern const long terrarium_abi_cxx98_standard;
extern const size_t terrarium_abi_cxx98_layout[TRM_ABI_LAYOUT_COUNT];

#ifdef __cplusplus
}
#endif

#endif /* TERRARIUM_TESTS_ABI_LAYOUT_H */
