// file-storage: the error of a file-system operation, with the errno that caused it.
#ifndef FileStorage_StorageError_INCLUDED
#define FileStorage_StorageError_INCLUDED

#include <cerrno>
#include <stdexcept>
#include <string>

namespace filestorage {

/// A failed file-system operation: what() names the operation and the system's reason.
class StorageError : public std::runtime_error
{
public:
    /// An error of operation (e.g. "write") that failed with errno error.
    StorageError(const std::string& operation, int error);

    /// The errno of the failure.
    int error() const noexcept { return _error; }

    /// True when the device or quota is full (ENOSPC, EDQUOT, EFBIG): answered 507.
    bool noSpace() const noexcept { return _error == ENOSPC || _error == EDQUOT || _error == EFBIG; }

    /// The system's text for error() ("No space left on device").
    std::string reason() const;

private:
    int _error;
};

} // namespace filestorage

#endif
