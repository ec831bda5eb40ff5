#ifndef Terrarium_FuzzCheck_INCLUDED
#define Terrarium_FuzzCheck_INCLUDED

#include <cstdio>
#include <cstdlib>
#include <string>

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

/// A new directory of its own under /tmp (mkdtemp), for a target's fixed files.
inline std::string fuzzScratchDirectory()
{
    char pattern[] = "/tmp/terrarium-fuzz-XXXXXX";
    if (!::mkdtemp(pattern)) std::abort();
    return pattern;
}

#endif
