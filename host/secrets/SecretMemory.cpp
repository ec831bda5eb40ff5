#include "secrets/SecretMemory.h"

#include <algorithm>
#include <atomic>
#include <new>

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

namespace terrarium {

namespace {

std::atomic<std::size_t> pages{0};

std::size_t pageSize()
{
    static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

std::size_t rounded(std::size_t bytes)
{
    const std::size_t page = pageSize();
    return std::max<std::size_t>(1, (bytes + page - 1) / page) * page;
}

} // namespace

void* SecretMemory::allocate(std::size_t bytes)
{
    const std::size_t length = rounded(bytes);
    void* memory = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) throw std::bad_alloc();
    ::madvise(memory, length, MADV_DONTDUMP);   // best effort: an older kernel keeps the pages in dumps
    pages.fetch_add(length / pageSize(), std::memory_order_relaxed);
    return memory;
}

void SecretMemory::release(void* memory, std::size_t bytes) noexcept
{
    if (!memory) return;
    const std::size_t length = rounded(bytes);
    ::explicit_bzero(memory, length);
    ::munmap(memory, length);
    pages.fetch_sub(length / pageSize(), std::memory_order_relaxed);
}

std::size_t SecretMemory::pagesInUse()
{
    return pages.load(std::memory_order_relaxed);
}

SecretString secretCopy(const std::string& value)
{
    SecretString copy;
    copy.reserve(std::max<std::size_t>(value.size(), 32));
    copy.assign(value.data(), value.size());
    return copy;
}

} // namespace terrarium
