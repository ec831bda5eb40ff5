// logthon: GET/DELETE /files[/name], proxied to the file-storage service.
#ifndef Logthon_FilesProxy_INCLUDED
#define Logthon_FilesProxy_INCLUDED

#include <terrarium/plugin.hpp>

#include <string_view>

namespace logthon {

/// Forwards the web UI's file requests to the "file-storage" service through the host (in-process
/// when it is a plugin of the same host, else the service directory's URL) and answers with its
/// status, Content-Type and body. No answer from file-storage: 503 file_storage_unavailable (not
/// known, refused, circuit open), 504 file_storage_timeout, 502 bad_gateway (anything else).
class FilesProxy
{
public:
    /// A proxy calling through host.
    explicit FilesProxy(const terrarium::Host& host) : _host(host) {}

    /// Forwards request (GET, HEAD or DELETE of /files or /files/<name>; 405 otherwise).
    void forward(const terrarium::Request& request, terrarium::Response& response) const;

private:
    const terrarium::Host& _host;
};

} // namespace logthon

#endif
