// plugin.h compiled as strict C++98 (-std=c++98 -pedantic -Wall -Wextra -Werror), as its header
// comment promises; pins the layout as a C++98 compiler sees it.
#include "terrarium/plugin.h"

#include "AbiLayout.h"

#if __cplusplus != 199711L
#error "this file must be compiled as C++98"
#endif

#if defined(__LP64__) || defined(_LP64)
TRM_ABI_TYPES(TRM_ABI_CHECK_TYPE)
TRM_ABI_FIELDS(TRM_ABI_CHECK_FIELD)
#endif
TRM_ABI_CONSTANTS(TRM_ABI_CHECK_CONSTANT)

#define TRM_ABI_TYPE_VALUES(T, S, A) sizeof(T), TRM_ABI_ALIGNOF(T),
#define TRM_ABI_FIELD_VALUES(T, F, O, S) offsetof(T, F), TRM_ABI_FIELD_SIZE(T, F),

extern "C" {
const size_t terrarium_abi_cxx98_layout[TRM_ABI_LAYOUT_COUNT] = {
    TRM_ABI_TYPES(TRM_ABI_TYPE_VALUES) TRM_ABI_FIELDS(TRM_ABI_FIELD_VALUES)
};
const long terrarium_abi_cxx98_standard = __cplusplus;
}
