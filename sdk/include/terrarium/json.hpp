// Terrarium plugin SDK: reading and writing JSON in a plugin, header-only, over Poco JSON.
//
//     #include <terrarium/json.hpp>
//
//     void handle(const terrarium::Request& request, terrarium::Response& response)
//     {
//         Poco::JSON::Object::Ptr body = terrarium::json::readBody(request, response);
//         if (!body) return;                                     // answered 400 invalid_json
//         std::string name = terrarium::json::get<std::string>(*body, "name", "world");
//         int count = terrarium::json::require<int>(*body, "count");   // throws json::Error -> 400
//         Poco::JSON::Object::Ptr out = terrarium::json::object();
//         out->set("greeting", "hello, " + name);
//         terrarium::json::respond(response, 200, out);
//     }
//
// A json::Error (bad syntax, missing field, wrong type) that escapes handle() answers 400 with
// {"error":"<code>","message":"<what was wrong>"}: it is a terrarium::Error with
// TRM_ERR_BAD_REQUEST, and the plugin's answer to it is written by respondError() when caught, or
// by the host (generic message) when not. Catch it to give the caller the precise message:
//
//     try { ... } catch (const terrarium::json::Error& e) { terrarium::json::respondError(response, e); }
//
// Link Poco::JSON and Poco::Foundation: terrarium_add_plugin(<target> SOURCES ... JSON) does.
// Poco types stay inside the plugin: nothing here crosses the C ABI (bodies go out as bytes).
#ifndef TERRARIUM_JSON_HPP
#define TERRARIUM_JSON_HPP

#include "terrarium/plugin.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace terrarium {
namespace json {

using ObjectPtr = Poco::JSON::Object::Ptr;
using ArrayPtr = Poco::JSON::Array::Ptr;

/// JSON input a plugin cannot use. code() names the problem for the answer's "error" member:
/// "invalid_json" (not JSON, or not an object), "missing_field" or "invalid_field".
class Error : public terrarium::Error {
public:
    Error(std::string code, std::string message) : terrarium::Error(TRM_ERR_BAD_REQUEST, std::move(message)), _code(std::move(code)) {}
    const std::string& code() const noexcept { return _code; }
private:
    std::string _code;
};

/// A new empty object that writes its members in the order they were set.
inline ObjectPtr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

/// A new empty array.
inline ArrayPtr array() { return new Poco::JSON::Array; }

/// Parses text as any JSON value; throws json::Error("invalid_json") naming what is wrong.
inline Poco::Dynamic::Var parse(std::string_view text, std::string_view what = "the text") {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        throw Error("invalid_json", std::string(what) + " is empty; expected JSON");
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));   // objects keep their key order
        return parser.parse(std::string(text));
    } catch (const Poco::Exception& e) {
        throw Error("invalid_json", std::string(what) + " is not valid JSON: " + e.message());
    }
}

/// Parses text as a JSON object; throws json::Error("invalid_json") when it is not valid JSON or
/// not an object.
inline ObjectPtr parseObject(std::string_view text, std::string_view what = "the text") {
    Poco::Dynamic::Var value = parse(text, what);
    if (value.type() != typeid(ObjectPtr))
        throw Error("invalid_json", std::string(what) + " must be a JSON object");
    return value.extract<ObjectPtr>();
}

/// The request's body as a JSON object; throws json::Error("invalid_json").
inline ObjectPtr parseBody(const Request& request) { return parseObject(request.body(), "the request body"); }

namespace detail {

inline const char* expected(const std::string*) { return "a string"; }
inline const char* expected(const bool*) { return "true or false"; }
inline const char* expected(const double*) { return "a number"; }
inline const char* expected(const ObjectPtr*) { return "an object"; }
inline const char* expected(const ArrayPtr*) { return "an array"; }
template <class T>
const char* expected(const T*) { return "an integer"; }

template <class T>
std::string integerRange() { return "an integer from " + std::to_string(std::numeric_limits<T>::min()) + " to " + std::to_string(std::numeric_limits<T>::max()); }

[[noreturn]] inline void wrongType(const std::string& key, const std::string& expected) {
    throw Error("invalid_field", "field '" + key + "' must be " + expected);
}

/// value as T, strictly: no conversion between strings, numbers and booleans.
template <class T>
T convert(const Poco::Dynamic::Var& value, const std::string& key) {
    const T* tag = nullptr;
    if constexpr (std::is_same_v<T, std::string>) {
        if (!value.isString()) wrongType(key, expected(tag));
        return value.extract<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!value.isBoolean()) wrongType(key, expected(tag));
        return value.extract<bool>();
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!value.isNumeric() || value.isBoolean()) wrongType(key, expected(tag));
        return value.convert<T>();
    } else if constexpr (std::is_integral_v<T>) {
        if (!value.isInteger() || value.isBoolean()) wrongType(key, expected(tag));
        try {
            if (value.isSigned()) {
                auto number = value.convert<std::int64_t>();
                if constexpr (std::is_unsigned_v<T>) {
                    if (number < 0 || static_cast<std::uint64_t>(number) > std::numeric_limits<T>::max()) wrongType(key, integerRange<T>());
                } else {
                    if (number < std::numeric_limits<T>::min() || number > std::numeric_limits<T>::max()) wrongType(key, integerRange<T>());
                }
                return static_cast<T>(number);
            }
            auto number = value.convert<std::uint64_t>();
            if (number > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) wrongType(key, integerRange<T>());
            return static_cast<T>(number);
        } catch (const Poco::Exception&) {
            wrongType(key, expected(tag));
        }
    } else if constexpr (std::is_same_v<T, ObjectPtr>) {
        if (value.type() != typeid(ObjectPtr)) wrongType(key, expected(tag));
        return value.extract<ObjectPtr>();
    } else if constexpr (std::is_same_v<T, ArrayPtr>) {
        if (value.type() != typeid(ArrayPtr)) wrongType(key, expected(tag));
        return value.extract<ArrayPtr>();
    } else {
        static_assert(sizeof(T) == 0, "json::get/require: use std::string, bool, an integer type, double, ObjectPtr or ArrayPtr");
    }
}

} // namespace detail

/// Member key of object as T (std::string, bool, an integer type, double, ObjectPtr, ArrayPtr);
/// fallback when it is absent or null; throws json::Error("invalid_field") when it has another
/// type or an integer out of T's range.
template <class T>
T get(const Poco::JSON::Object& object, const std::string& key, T fallback) {
    if (!object.has(key) || object.isNull(key)) return fallback;
    return detail::convert<T>(object.get(key), key);
}

/// get() for string fields with a literal fallback.
inline std::string get(const Poco::JSON::Object& object, const std::string& key, const char* fallback) {
    return get<std::string>(object, key, std::string(fallback));
}

/// Member key of object as T; throws json::Error("missing_field") when it is absent or null, or
/// json::Error("invalid_field") as get() does.
template <class T>
T require(const Poco::JSON::Object& object, const std::string& key) {
    if (!object.has(key) || object.isNull(key)) throw Error("missing_field", "field '" + key + "' is required");
    return detail::convert<T>(object.get(key), key);
}

/// value as compact JSON text (UTF-8 as is; quotes, backslashes and control characters escaped).
inline std::string write(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return "null";
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(value, out);
    return out.str();
}

/// Answers status with Content-Type application/json and value as its body.
inline void respond(Response& response, int status, const Poco::Dynamic::Var& value) {
    response.status(status).header("Content-Type", "application/json").body(write(value));
}

/// Answers status with the host's error shape {"error":code,"message":message}.
inline void respondError(Response& response, int status, std::string_view code, std::string_view message) {
    std::string body = "{\"error\":";
    appendJsonString(body, code);
    body += ",\"message\":";
    appendJsonString(body, message);
    body += '}';
    response.status(status).header("Content-Type", "application/json").body(std::move(body));
}

/// Answers 400 {"error":error.code(),"message":error.what()}.
inline void respondError(Response& response, const Error& error) { respondError(response, 400, error.code(), error.what()); }

/// The request's body as a JSON object, or null after answering 400 {"error":"invalid_json",...}.
inline ObjectPtr readBody(const Request& request, Response& response) {
    try {
        return parseBody(request);
    } catch (const Error& e) {
        respondError(response, e);
        return nullptr;
    }
}

} // namespace json
} // namespace terrarium

#endif
