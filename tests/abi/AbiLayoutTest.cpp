// Pins the plugin ABI of plugin.h: sizes, alignments and field offsets of every struct (LP64),
// status codes, log levels, the ABI version and the function pointer signatures. The static_asserts
// make an accidental ABI change fail the build; the test cases report the values.
#include "AbiLayout.h"

#include <terrarium/plugin.h>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#if defined(__LP64__) || defined(_LP64)
#define TRM_ABI_LP64 1
#else
#define TRM_ABI_LP64 0
#endif

// ---- compile time ------------------------------------------------------------------------------

#if TRM_ABI_LP64
#define TRM_STATIC_TYPE(T, S, A)                                                              \
    static_assert(sizeof(T) == (S), "sizeof(" #T ") changed: that is an ABI break");          \
    static_assert(alignof(T) == (A), "alignof(" #T ") changed: that is an ABI break");        \
    static_assert(TRM_ABI_ALIGNOF(T) == alignof(T), "alignment probe is wrong for " #T);
#define TRM_STATIC_FIELD(T, F, O, S)                                                          \
    static_assert(offsetof(T, F) == (O), "offsetof(" #T ", " #F ") changed: ABI break");     \
    static_assert(sizeof(T::F) == (S), "sizeof(" #T "::" #F ") changed: ABI break");
TRM_ABI_TYPES(TRM_STATIC_TYPE)
TRM_ABI_FIELDS(TRM_STATIC_FIELD)
#endif
#define TRM_STATIC_CONSTANT(N, V) static_assert((N) == (V), #N " changed: ABI break");
TRM_ABI_CONSTANTS(TRM_STATIC_CONSTANT)

#define TRM_STATIC_PLAIN(T, S, A)                                                                  \
    static_assert(std::is_standard_layout<T>::value && std::is_trivial<T>::value, #T " must stay a plain C struct");
TRM_ABI_TYPES(TRM_STATIC_PLAIN)

static_assert(sizeof(trm_status) == 4 && std::is_signed<trm_status>::value, "trm_status is a signed 32-bit integer");
static_assert(std::string_view(TERRARIUM_PLUGIN_ENTRY_SYMBOL) == "terrarium_plugin_entry", "the entry symbol name is ABI");

// Function pointer signatures are ABI too.
template <class Member, class Expected>
constexpr bool sameSignature = std::is_same<Member, Expected>::value;

static_assert(sameSignature<trm_free_fn, void (*)(void*, void*)>, "trm_free_fn changed");
static_assert(sameSignature<trm_plugin_entry_fn, const trm_plugin_descriptor* (*)(const trm_host_api*)>, "trm_plugin_entry_fn changed");
static_assert(sameSignature<decltype(trm_host_api::log), void (*)(trm_host_ctx*, int32_t, trm_str, const trm_kv*, size_t)>, "log changed");
static_assert(sameSignature<decltype(trm_host_api::config_get), trm_status (*)(trm_host_ctx*, trm_str, trm_str*)>, "config_get changed");
static_assert(sameSignature<decltype(trm_host_api::response_set_status), trm_status (*)(trm_response*, int32_t)>, "response_set_status changed");
static_assert(sameSignature<decltype(trm_host_api::response_add_header), trm_status (*)(trm_response*, trm_str, trm_str)>,
              "response_add_header changed");
static_assert(sameSignature<decltype(trm_host_api::response_set_body), trm_status (*)(trm_response*, const void*, size_t)>,
              "response_set_body changed");
static_assert(sameSignature<decltype(trm_host_api::response_adopt_body), trm_status (*)(trm_response*, void*, size_t, trm_free_fn, void*)>,
              "response_adopt_body changed");
static_assert(sameSignature<decltype(trm_host_api::counter_add), trm_status (*)(trm_host_ctx*, trm_str, uint64_t)>, "counter_add changed");
static_assert(sameSignature<decltype(trm_host_api::response_send_file), trm_status (*)(trm_response*, int, uint64_t, uint64_t)>,
              "response_send_file changed");
static_assert(sameSignature<decltype(trm_plugin_descriptor::create), trm_status (*)(const trm_host_api*, trm_host_ctx*, void**)>,
              "create changed");
static_assert(sameSignature<decltype(trm_plugin_descriptor::destroy), void (*)(void*)>, "destroy changed");
static_assert(sameSignature<decltype(trm_plugin_descriptor::handle), trm_status (*)(void*, const trm_request*, trm_response*)>,
              "handle changed");
static_assert(sameSignature<decltype(trm_plugin_descriptor::drain), trm_status (*)(void*)>, "drain changed");
static_assert(sameSignature<decltype(trm_plugin_descriptor::snapshot), trm_status (*)(void*, trm_buffer*)>, "snapshot changed");
static_assert(sameSignature<decltype(trm_plugin_descriptor::restore), trm_status (*)(void*, const void*, size_t)>, "restore changed");
static_assert(sameSignature<decltype(trm_plugin_descriptor::health), trm_status (*)(void*)>, "health changed");

// ---- run time ----------------------------------------------------------------------------------

namespace {

struct Pinned {
    std::string what;
    size_t actual;
    size_t expected;
};

std::vector<Pinned> typeValues()
{
    std::vector<Pinned> v;
#define TRM_TYPE_ROW(T, S, A)                                 \
    v.push_back({"sizeof(" #T ")", sizeof(T), (S)});          \
    v.push_back({"alignof(" #T ")", alignof(T), (A)});
    TRM_ABI_TYPES(TRM_TYPE_ROW)
#undef TRM_TYPE_ROW
    return v;
}

std::vector<Pinned> fieldValues()
{
    std::vector<Pinned> v;
#define TRM_FIELD_ROW(T, F, O, S)                                        \
    v.push_back({"offsetof(" #T ", " #F ")", offsetof(T, F), (O)});      \
    v.push_back({"sizeof(" #T "::" #F ")", sizeof(T::F), (S)});
    TRM_ABI_FIELDS(TRM_FIELD_ROW)
#undef TRM_FIELD_ROW
    return v;
}

/// The layout values in the order of terrarium_abi_c_layout.
std::vector<Pinned> layoutValues()
{
    auto v = typeValues();
    auto f = fieldValues();
    v.insert(v.end(), f.begin(), f.end());
    return v;
}

void checkPinned(const std::vector<Pinned>& values)
{
    for (const auto& p : values) {
        INFO(p.what << " = " << p.actual << " (pinned: " << p.expected << ")");
        CHECK(p.actual == p.expected);
    }
}

} // namespace

TEST_CASE("struct sizes and alignments are pinned (LP64)", "[abi][layout]")
{
    if (!TRM_ABI_LP64) {
        WARN("the pinned layout is for LP64 targets; not checked here");
        return;
    }
    auto values = typeValues();
    REQUIRE(values.size() == 2 * 10);
    checkPinned(values);
}

TEST_CASE("field offsets and sizes are pinned (LP64)", "[abi][layout]")
{
    if (!TRM_ABI_LP64) {
        WARN("the pinned layout is for LP64 targets; not checked here");
        return;
    }
    auto values = fieldValues();
    CHECK(values.size() == 2 * 87);
    checkPinned(values);
}

TEST_CASE("ABI version, status codes, log levels and route flags are pinned", "[abi][constants]")
{
    struct Constant {
        const char* name;
        long actual;
        long expected;
    };
    std::vector<Constant> constants;
#define TRM_CONSTANT_ROW(N, V) constants.push_back({#N, static_cast<long>(N), (V)});
    TRM_ABI_CONSTANTS(TRM_CONSTANT_ROW)
#undef TRM_CONSTANT_ROW
    REQUIRE(constants.size() == TRM_ABI_CONSTANT_COUNT);
    for (size_t i = 0; i < constants.size(); ++i) {
        INFO(constants[i].name << " = " << constants[i].actual << " (pinned: " << constants[i].expected
                               << ", C sees: " << terrarium_abi_c_constants[i] << ")");
        CHECK(constants[i].actual == constants[i].expected);
        CHECK(terrarium_abi_c_constants[i] == constants[i].expected);
    }
    CHECK(std::string(TERRARIUM_PLUGIN_ENTRY_SYMBOL) == "terrarium_plugin_entry");
}

TEST_CASE("plugin.h compiles as strict C99 and C++98", "[abi][c]")
{
    CHECK(terrarium_abi_c_standard == 199901L);
    CHECK(terrarium_abi_cxx98_standard == 199711L);
}

TEST_CASE("C99, C++98 and C++17 agree on the layout", "[abi][c]")
{
    auto values = layoutValues();
    REQUIRE(values.size() == TRM_ABI_LAYOUT_COUNT);
    for (size_t i = 0; i < values.size(); ++i) {
        INFO(values[i].what << ": C++17 " << values[i].actual << ", C99 " << terrarium_abi_c_layout[i] << ", C++98 "
                            << terrarium_abi_cxx98_layout[i]);
        CHECK(terrarium_abi_c_layout[i] == values[i].actual);
        CHECK(terrarium_abi_cxx98_layout[i] == values[i].actual);
    }
}

TEST_CASE("TRM_HAS_FIELD and TRM_HOST_HAS honour struct_size and NULL", "[abi][macros]")
{
    trm_host_api api{};
    api.counter_add = [](trm_host_ctx*, trm_str, uint64_t) -> trm_status { return TRM_OK; };
    const trm_host_api* host = &api;

    api.struct_size = static_cast<uint32_t>(sizeof(trm_host_api));
    CHECK(TRM_HOST_HAS(host, counter_add));
    CHECK_FALSE(TRM_HOST_HAS(host, log));   // present in the struct but NULL

    api.struct_size = static_cast<uint32_t>(offsetof(trm_host_api, counter_add));   // an older, shorter table
    CHECK_FALSE(TRM_HAS_FIELD(host, trm_host_api, counter_add));
    CHECK_FALSE(TRM_HOST_HAS(host, counter_add));
    CHECK(TRM_HAS_FIELD(host, trm_host_api, response_adopt_body));

    host = nullptr;
    CHECK_FALSE(TRM_HAS_FIELD(host, trm_host_api, abi_major));

    trm_request request{};
    const trm_request* r = &request;
    request.struct_size = static_cast<uint32_t>(sizeof(trm_request));
    CHECK(TRM_HAS_FIELD(r, trm_request, route_prefix));
    request.struct_size = static_cast<uint32_t>(offsetof(trm_request, route_prefix) + sizeof(trm_str) - 1);
    CHECK_FALSE(TRM_HAS_FIELD(r, trm_request, route_prefix));
}
