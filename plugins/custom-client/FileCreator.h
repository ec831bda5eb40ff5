// custom-client's periodic file (services.md §2): PUT /files on the file-storage service.
#ifndef Terrarium_CustomClient_FileCreator_INCLUDED
#define Terrarium_CustomClient_FileCreator_INCLUDED

#include <terrarium/plugin.hpp>

#include <cstdint>
#include <ctime>
#include <string>

namespace terrarium::sink {

/// Creates one file in file-storage per call of create(), through the host's HTTP client (in-process
/// when file-storage is a plugin of the same host). Thread-safe.
class FileCreator
{
public:
    /// Calls service (a name of the host's service directory) with at most timeoutMs per file.
    FileCreator(const terrarium::Host& host, std::string service, std::uint32_t timeoutMs);

    /// PUT /files with body(now); true on a 200 answer. A failure (another status, no answer) is
    /// logged and counted, and nothing else happens: the next call tries again.
    bool create(std::time_t now) const;

    /// {"filename_prefix":"<%Y-%m-%d_%H-%M-%S>","content":"Custom Client generated file at <same>\n…","extension":".txt"}
    /// with now in local time.
    static std::string body(std::time_t now);

private:
    const terrarium::Host& _host;
    const std::string _service;
    const std::uint32_t _timeoutMs;
};

} // namespace terrarium::sink

#endif
