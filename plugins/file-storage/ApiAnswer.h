// file-storage: the shapes of its answers. Errors are {"detail":"<text>"} as in the original
// (FastAPI); request bodies that do not validate are 422 with FastAPI's list of problems.
#ifndef FileStorage_ApiAnswer_INCLUDED
#define FileStorage_ApiAnswer_INCLUDED

#include <terrarium/json.hpp>

#include <string>
#include <vector>

namespace filestorage {

/// One reason a request body was refused: {"loc":["body",<field>],"msg":…,"type":…}.
struct ValidationProblem
{
    std::string field;   ///< the member, "" for the body as a whole
    std::string msg;     ///< "field required", "str type expected", …
    std::string type;    ///< "value_error.missing", "type_error.str", …
};

/// Writes answers; each function returns the status it set (for the request log).
class ApiAnswer
{
public:
    /// status with value as application/json.
    static int send(terrarium::Response& response, int status, const Poco::Dynamic::Var& value);

    /// status with {"detail":text}.
    static int detail(terrarium::Response& response, int status, const std::string& text);

    /// 422 with {"detail":[{"loc":["body",field],"msg":…,"type":…},…]}.
    static int invalid(terrarium::Response& response, const std::vector<ValidationProblem>& problems);
};

} // namespace filestorage

#endif
