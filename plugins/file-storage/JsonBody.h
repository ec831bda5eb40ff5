// file-storage: a JSON request body checked field by field, the way FastAPI validates a model:
// every problem is collected and answered at once as 422.
#ifndef FileStorage_JsonBody_INCLUDED
#define FileStorage_JsonBody_INCLUDED

#include "ApiAnswer.h"

#include <terrarium/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace filestorage {

/// A request body that must be a JSON object, read member by member.
class JsonBody
{
public:
    /// Parses text; a body that is not a JSON object is one problem.
    explicit JsonBody(std::string_view text);

    /// The string member key. Absent or null: nullopt (a problem when required); another type: a problem.
    std::optional<std::string> string(const std::string& key, bool required);

    /// Checks that the optional member key, when present and not null, is an object.
    void object(const std::string& key);

    /// The problems found so far (empty: the body is valid).
    const std::vector<ValidationProblem>& problems() const noexcept { return _problems; }

private:
    terrarium::json::ObjectPtr _object;
    std::vector<ValidationProblem> _problems;
};

} // namespace filestorage

#endif
