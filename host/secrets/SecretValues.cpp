#include "secrets/SecretValues.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace terrarium {

std::map<std::string, std::string> SecretValues::fromJson(const Poco::JSON::Object& object)
{
    std::map<std::string, std::string> values;
    for (const auto& member : object)
    {
        const Poco::Dynamic::Var& value = member.second;
        if (value.isString())
            values[member.first] = value.extract<std::string>();
        else if (value.isEmpty())
            values[member.first] = "null";
        else if (value.type() == typeid(Poco::JSON::Object::Ptr) || value.type() == typeid(Poco::JSON::Array::Ptr))
        {
            std::ostringstream text;
            Poco::JSON::Stringifier::condense(value, text);
            values[member.first] = text.str();
        }
        else
            values[member.first] = value.convert<std::string>();
    }
    return values;
}

void SecretValues::wipe(std::string& text)
{
    volatile char* characters = text.empty() ? nullptr : &text[0];
    for (std::size_t index = 0; index < text.size(); ++index)
        characters[index] = '\0';
    text.clear();
}

void SecretValues::wipe(std::map<std::string, std::string>& values)
{
    for (auto& value : values)
        wipe(value.second);
    values.clear();
}

} // namespace terrarium
