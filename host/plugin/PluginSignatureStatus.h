#ifndef Terrarium_PluginSignatureStatus_INCLUDED
#define Terrarium_PluginSignatureStatus_INCLUDED

#include <Poco/JSON/Object.h>

#include <string>

namespace terrarium {

/// What the signature check found for one loaded plugin file (shown in its admin description).
struct PluginSignatureStatus
{
    std::string state = "not_checked";   /// "signed", "unsigned" (warn policy: loaded despite problem), "not_checked" (policy off)
    std::string keyId;                   /// signed: the trusted key that signed it
    std::string keyFile;                 /// signed: that key's file in the trusted keys directory
    std::string name;                    /// signed: the name the signature vouches for
    std::string version;                 /// signed: the version the signature vouches for
    std::string problem;                 /// unsigned: the refusal code the require policy would have answered
    std::string reason;                  /// unsigned: its explanation

    /// {"state":..., "key_id":..., ...}, only the fields that apply.
    Poco::JSON::Object::Ptr toJson() const
    {
        Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        out->set("state", state);
        if (!keyId.empty()) out->set("key_id", keyId);
        if (!keyFile.empty()) out->set("key_file", keyFile);
        if (!problem.empty()) out->set("problem", problem);
        if (!reason.empty()) out->set("reason", reason);
        return out;
    }
};

} // namespace terrarium

#endif
