#ifndef TerrariumCtl_CtlError_INCLUDED
#define TerrariumCtl_CtlError_INCLUDED

#include <stdexcept>
#include <string>

namespace terrarium::ctl {

/// terrariumctl's exit codes (terrariumctl(1), EXIT STATUS).
enum ExitCode
{
    EXIT_OK = 0,
    EXIT_USAGE = 1,         /// bad command line, unreadable local file
    EXIT_UNREACHABLE = 2,   /// host not running, or its admin API not found
    EXIT_UNAUTHORISED = 3,  /// no or wrong token, token file unreadable, read-only token, too many failures
    EXIT_NOT_FOUND = 4,     /// no such plugin, file or service
    EXIT_REFUSED = 5        /// the host refused the call (its error code and message), or lacks the call
};

/// A failure that ends terrariumctl: the message for stderr and the exit code.
class CtlError : public std::runtime_error
{
public:
    CtlError(int exitCode, const std::string& message) : std::runtime_error(message), _exitCode(exitCode) {}

    /// The process's exit code.
    int exitCode() const { return _exitCode; }

private:
    int _exitCode;
};

} // namespace terrarium::ctl

#endif
