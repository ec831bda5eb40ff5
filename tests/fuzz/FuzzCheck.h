#ifndef Terrarium_FuzzCheck_INCLUDED
#define Terrarium_FuzzCheck_INCLUDED

#include <cstdio>
#include <cstdlib>

/// Stops the fuzzer with a message when an invariant of the code under test does not hold
/// (libFuzzer then saves the input that broke it).
#define FUZZ_CHECK(condition)                                                                  \
    do                                                                                         \
    {                                                                                          \
        if (!(condition))                                                                      \
        {                                                                                      \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (false)

#endif
