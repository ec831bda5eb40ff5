// Whether the tests (and so terrariumd, built alike) run under a sanitizer (TERRARIUM_SANITIZE).
#ifndef Terrarium_Test_Sanitizers_INCLUDED
#define Terrarium_Test_Sanitizers_INCLUDED

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TERRARIUM_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TERRARIUM_TEST_SANITIZED 1
#endif

namespace terrarium::test {

/// True in an AddressSanitizer or ThreadSanitizer build, whose allocators keep freed memory
/// (ASan's quarantine) or shadow it, so resident memory says nothing about leaks there; LeakSanitizer
/// checks leaks instead (scripts/sanitize.sh).
#ifdef TERRARIUM_TEST_SANITIZED
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif

} // namespace terrarium::test

#endif
