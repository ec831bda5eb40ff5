#include "JsonBody.h"

namespace filestorage {

namespace json = terrarium::json;

JsonBody::JsonBody(std::string_view text)
{
    Poco::Dynamic::Var value;
    try
    {
        value = json::parse(text, "the request body");
    }
    catch (const json::Error& e)
    {
        _problems.push_back({"", e.what(), "value_error.jsondecode"});
        return;
    }
    if (value.type() != typeid(json::ObjectPtr))
    {
        _problems.push_back({"", "value is not a valid dict", "type_error.dict"});
        return;
    }
    _object = value.extract<json::ObjectPtr>();
}

std::optional<std::string> JsonBody::string(const std::string& key, bool required)
{
    if (!_object) return std::nullopt;
    if (!_object->has(key))
    {
        if (required) _problems.push_back({key, "field required", "value_error.missing"});
        return std::nullopt;
    }
    if (_object->isNull(key))
    {
        if (required) _problems.push_back({key, "none is not an allowed value", "type_error.none.not_allowed"});
        return std::nullopt;
    }
    Poco::Dynamic::Var value = _object->get(key);
    if (!value.isString())
    {
        _problems.push_back({key, "str type expected", "type_error.str"});
        return std::nullopt;
    }
    return value.extract<std::string>();
}

void JsonBody::object(const std::string& key)
{
    if (!_object || !_object->has(key) || _object->isNull(key)) return;
    if (_object->get(key).type() != typeid(json::ObjectPtr)) _problems.push_back({key, "value is not a valid dict", "type_error.dict"});
}

} // namespace filestorage
