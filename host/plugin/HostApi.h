#ifndef Terrarium_HostApi_INCLUDED
#define Terrarium_HostApi_INCLUDED

#include "plugin/HostServices.h"

struct trm_host_api;

namespace terrarium {

/// The host function table handed to every plugin (the C ABI's trm_host_api).
class HostApi
{
public:
    /// The table; static storage, valid for the life of the process.
    static const trm_host_api* table();

    /// Makes services reachable from the table's 1.1 functions. Not synchronised: call it while no
    /// plugin is loaded (before the first load; with an empty HostServices after the last unload).
    static void attach(const HostServices& services);
};

} // namespace terrarium

#endif
