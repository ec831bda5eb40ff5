// logthon: why a submission was refused.
#ifndef Logthon_IngestError_INCLUDED
#define Logthon_IngestError_INCLUDED

#include <stdexcept>
#include <string>
#include <utility>

namespace logthon {

/// A refused submission: the HTTP status, the error code of the answer, the message and, for a
/// batch, the index of the record at fault (-1 for the body as a whole).
class IngestError : public std::runtime_error
{
public:
    /// A refusal answered with status, code and message (index: the batch record at fault).
    IngestError(int status, std::string code, const std::string& message, long index = -1)
        : std::runtime_error(message), _status(status), _code(std::move(code)), _index(index)
    {
    }

    /// 400, 413 or 422.
    int status() const noexcept { return _status; }

    /// "invalid_json", "missing_field", "invalid_field", "message_too_large", ...
    const std::string& code() const noexcept { return _code; }

    /// The batch index of the record at fault, or -1.
    long index() const noexcept { return _index; }

private:
    int _status;
    std::string _code;
    long _index;
};

} // namespace logthon

#endif
