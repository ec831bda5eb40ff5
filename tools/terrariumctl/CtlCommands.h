#ifndef TerrariumCtl_CtlCommands_INCLUDED
#define TerrariumCtl_CtlCommands_INCLUDED

#include <string>
#include <vector>

namespace terrarium::ctl {

/// One terrariumctl command: what it is called, its arguments, the admin call it makes, and what
/// bash completion offers for each argument.
struct CtlCommand
{
    const char* name;         /// "plugins", "services set"
    const char* arguments;    /// "NAME [--config JSON]", for usage lines
    const char* summary;      /// one line
    const char* method;       /// of the admin call ("" for local commands)
    const char* path;         /// of the admin call, "{name}" for the argument
    std::vector<std::string> completions;   /// per argument: "plugin", "service", "file", "so", "level", "endpoint", "method", "" (nothing)
    std::vector<std::string> options;       /// the command's own options ("--config")
};

/// The one table of terrariumctl's commands: usage, dispatch and the generated bash completion.
class CtlCommands
{
public:
    /// Every command, in the order the usage lists them.
    static const std::vector<CtlCommand>& all();

    /// The command called name (a group's subcommand as "services set"), or nullptr.
    static const CtlCommand* find(const std::string& name);

    /// The options every command takes.
    static const std::vector<std::string>& globalOptions();
};

} // namespace terrarium::ctl

#endif
