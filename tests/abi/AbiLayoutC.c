/*
 * plugin.h compiled as strict C99 (-std=c99 -pedantic -Wall -Wextra -Werror): proves it is pure C
 * and pins the layout as a C compiler sees it, at compile time and for the C++ test to compare.
 */
#include "terrarium/plugin.h"

#include "AbiLayout.h"

#if !defined(__STDC_VERSION__) || __STDC_VERSION__ != 199901L
#error "this file must be compiled as C99"
#endif

#if defined(__LP64__) || defined(_LP64)
TRM_ABI_TYPES(TRM_ABI_CHECK_TYPE)
TRM_ABI_FIELDS(TRM_ABI_CHECK_FIELD)
#endif
TRM_ABI_CONSTANTS(TRM_ABI_CHECK_CONSTANT)

#define TRM_ABI_TYPE_VALUES(T, S, A) sizeof(T), TRM_ABI_ALIGNOF(T),
#define TRM_ABI_FIELD_VALUES(T, F, O, S) offsetof(T, F), TRM_ABI_FIELD_SIZE(T, F),
#define TRM_ABI_CONSTANT_VALUES(N, V) (long)(N),

const size_t terrarium_abi_c_layout[TRM_ABI_LAYOUT_COUNT] = {
    TRM_ABI_TYPES(TRM_ABI_TYPE_VALUES) TRM_ABI_FIELDS(TRM_ABI_FIELD_VALUES)
};
const long terrarium_abi_c_constants[TRM_ABI_CONSTANT_COUNT] = {TRM_ABI_CONSTANTS(TRM_ABI_CONSTANT_VALUES)};
const long terrarium_abi_c_standard = __STDC_VERSION__;

/* The macros of the header must be usable from C. */
static int terrarium_abi_c_macros(const trm_host_api* host, const trm_request* request)
{
    return TRM_HOST_HAS(host, counter_add) + TRM_HAS_FIELD(request, trm_request, route_prefix);
}
int (*const terrarium_abi_c_macros_used)(const trm_host_api*, const trm_request*) = &terrarium_abi_c_macros;
