#include "logging/DescriptorWriter.h"

#include <unistd.h>

#include <cerrno>

namespace terrarium {

std::size_t DescriptorWriter::writeAll(int descriptor, const char* data, std::size_t size)
{
    std::size_t offset = 0;
    while (offset < size)
    {
        const ssize_t written = ::write(descriptor, data + offset, size - offset);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            break;
        offset += static_cast<std::size_t>(written);
    }
    return offset;
}

} // namespace terrarium
