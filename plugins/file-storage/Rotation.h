// file-storage: after each create, the oldest files go so that at most max_files remain.
#ifndef FileStorage_Rotation_INCLUDED
#define FileStorage_Rotation_INCLUDED

#include "StorageDirectory.h"

#include <terrarium/plugin.hpp>

#include <cstddef>
#include <string>

namespace filestorage {

/// Keeps the storage directory at max_files files.
class Rotation
{
public:
    /// Rotates storage down to keep files, counting and logging through host.
    Rotation(StorageDirectory& storage, std::size_t keep, const terrarium::Host& host) : _storage(storage), _keep(keep), _host(host) {}

    /// Called after a file was created: removes the oldest files beyond the limit. A failure is
    /// logged (the create itself succeeded) and never thrown.
    void afterCreate() noexcept;

private:
    StorageDirectory& _storage;
    std::size_t _keep;
    const terrarium::Host& _host;
};

} // namespace filestorage

#endif
