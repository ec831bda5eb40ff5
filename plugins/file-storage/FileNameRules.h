// file-storage: which names a stored file may have. Every name that reaches the file system passes
// here first, so that no request can name a file outside the storage directory.
#ifndef FileStorage_FileNameRules_INCLUDED
#define FileStorage_FileNameRules_INCLUDED

#include <optional>
#include <string>
#include <string_view>

namespace filestorage {

/// The rules for stored file names: not empty, at most 255 bytes, valid UTF-8, no '/' or '\\', no
/// "..", no leading '.', no NUL or other control character; checked on the name as given and on
/// its percent-decoded form.
class FileNameRules
{
public:
    /// The longest name, in bytes (NAME_MAX).
    static constexpr std::size_t maxLength = 255;

    /// Why name breaks the rules ("it contains '..'"), or "" when it keeps them (checked as is only).
    static std::string problem(std::string_view name);

    /// Decodes a name taken from a request path (one percent-decoding, '+' stays '+') into name
    /// and checks it; the problem, or "" when name is usable. A malformed escape is a problem.
    static std::string problemInPath(std::string_view segment, std::string& name);

    /// Checks a name given in a request body: as given and, when it holds '%', its percent-decoded
    /// form too (a name that would turn bad once a client puts it in a URL is refused).
    static std::string problemInBody(std::string_view name);

    /// Decodes %XX escapes. strict: nullopt for a malformed escape; else it stays as it is.
    static std::optional<std::string> percentDecode(std::string_view text, bool strict);
};

} // namespace filestorage

#endif
