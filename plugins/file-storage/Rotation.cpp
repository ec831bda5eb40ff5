#include "Rotation.h"

#include <exception>

namespace filestorage {

void Rotation::afterCreate() noexcept
{
    try
    {
        for (const std::string& name : _storage.rotate(_keep))
        {
            _host.count("files_rotated");
            _host.log(terrarium::LogLevel::Info, "rotated out the oldest file", {{"filename", name}});
        }
    }
    catch (const std::exception& e)
    {
        _host.log(terrarium::LogLevel::Warn, "rotation failed", {{"error", e.what()}});
    }
}

} // namespace filestorage
