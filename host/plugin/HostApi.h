#ifndef Terrarium_HostApi_INCLUDED
#define Terrarium_HostApi_INCLUDED

struct trm_host_api;

namespace terrarium {

/// The host function table handed to every plugin (the C ABI's trm_host_api).
class HostApi
{
public:
    /// The table; static storage, valid for the life of the process.
    static const trm_host_api* table();
};

} // namespace terrarium

#endif
