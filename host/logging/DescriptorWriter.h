#ifndef Terrarium_DescriptorWriter_INCLUDED
#define Terrarium_DescriptorWriter_INCLUDED

#include <cstddef>

namespace terrarium {

/// Writes a whole buffer to a file descriptor, repeating write(2) after short writes and EINTR.
class DescriptorWriter
{
public:
    /// Writes size bytes of data to descriptor; returns the bytes written (size unless an error
    /// such as EBADF, ENOSPC or EPIPE stopped it; errno then tells why).
    static std::size_t writeAll(int descriptor, const char* data, std::size_t size);
};

} // namespace terrarium

#endif
