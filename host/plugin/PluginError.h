#ifndef Terrarium_PluginError_INCLUDED
#define Terrarium_PluginError_INCLUDED

#include <stdexcept>
#include <string>

namespace terrarium {

/// A failed plugin operation. code() is a stable machine-readable code ("abi_mismatch",
/// "load_failed", ...), httpStatus() the status an API answers with, what() the explanation.
class PluginError : public std::runtime_error
{
public:
    PluginError(std::string code, int httpStatus, const std::string& message)
        : std::runtime_error(message), _code(std::move(code)), _httpStatus(httpStatus) {}
    const std::string& code() const noexcept { return _code; }
    int httpStatus() const noexcept { return _httpStatus; }

private:
    std::string _code;
    int _httpStatus;
};

} // namespace terrarium

#endif
