#include "StorageError.h"

#include <cstring>

namespace filestorage {

StorageError::StorageError(const std::string& operation, int error)
    : std::runtime_error(operation + ": " + std::strerror(error)), _error(error)
{
}

std::string StorageError::reason() const
{
    return std::strerror(_error);
}

} // namespace filestorage
