#ifndef TerrariumCtl_BashCompletion_INCLUDED
#define TerrariumCtl_BashCompletion_INCLUDED

#include <string>

namespace terrarium::ctl {

/// The bash completion script of terrariumctl, generated from its command table (CtlCommands)
/// and the admin API's endpoint table (AdminEndpoints); the build installs its output.
class BashCompletion
{
public:
    /// The whole script (complete -F _terrariumctl terrariumctl).
    static std::string script();
};

} // namespace terrarium::ctl

#endif
