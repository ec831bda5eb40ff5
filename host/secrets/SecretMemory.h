#ifndef Terrarium_SecretMemory_INCLUDED
#define Terrarium_SecretMemory_INCLUDED

#include <cstddef>
#include <map>
#include <string>

namespace terrarium {

/// Memory for cached secret values: whole pages of their own, excluded from core dumps
/// (MADV_DONTDUMP) and zeroed before they are given back. Costs a page per value, which is fine
/// for the tens of values a host caches.
class SecretMemory
{
public:
    /// bytes of zeroed memory on pages of their own, marked MADV_DONTDUMP; throws std::bad_alloc.
    static void* allocate(std::size_t bytes);

    /// Zeroes and unmaps what allocate(bytes) returned.
    static void release(void* memory, std::size_t bytes) noexcept;

    /// Pages allocated and not yet released (for tests).
    static std::size_t pagesInUse();
};

/// The standard allocator interface over SecretMemory.
template <class T>
struct SecretAllocator
{
    using value_type = T;

    SecretAllocator() = default;
    template <class U>
    SecretAllocator(const SecretAllocator<U>&) noexcept
    {
    }

    T* allocate(std::size_t count) { return static_cast<T*>(SecretMemory::allocate(count * sizeof(T))); }
    void deallocate(T* memory, std::size_t count) noexcept { SecretMemory::release(memory, count * sizeof(T)); }

    template <class U>
    bool operator==(const SecretAllocator<U>&) const noexcept { return true; }
    template <class U>
    bool operator!=(const SecretAllocator<U>&) const noexcept { return false; }
};

/// A string whose characters live in SecretMemory. Built with SecretMemory::copy so that even a
/// short value is on the heap (never in the string object itself, as the small-string
/// optimisation would place it).
using SecretString = std::basic_string<char, std::char_traits<char>, SecretAllocator<char>>;

/// The values of one secret path as the cache keeps them.
using SecretStringMap = std::map<std::string, SecretString>;

/// value copied into a SecretString held in SecretMemory (capacity above the in-object buffer).
SecretString secretCopy(const std::string& value);

} // namespace terrarium

#endif
