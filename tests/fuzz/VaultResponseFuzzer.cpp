// Vault's answers as the provider reads them: a KV v2 read, and a Kubernetes login. The first byte
// picks the status and whether the provider logs in first; the rest is the body. Whatever Vault
// sends, the provider gives an outcome and never puts its token into a message.
#include "FuzzCheck.h"

#include "secrets/VaultSecretProvider.h"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/NullChannel.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

namespace {

const char token[] = "s.fuzz-token-0123456789";

std::string jwtFile()
{
    Poco::Logger::root().setChannel(Poco::AutoPtr<Poco::NullChannel>(new Poco::NullChannel));
    std::string path = fuzzScratchDirectory() + "/jwt";
    std::ofstream(path) << "header.payload.signature";
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::string jwt = jwtFile();
    if (size < 1) return 0;
    static const int statuses[] = {200, 200, 200, 204, 400, 403, 404, 412, 429, 500, 503};
    const int status = statuses[(data[0] & 0x7f) % (sizeof statuses / sizeof statuses[0])];
    const bool login = (data[0] & 0x80) != 0;
    const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);

    terrarium::VaultConfig config;
    config.address = "http://127.0.0.1:8200";
    if (login)
    {
        config.kubernetesRole = "fuzz";
        config.kubernetesJwtFile = jwt;
    }
    else
        config.token = token;
    auto exchange = [&](const terrarium::HttpExchangeRequest& request) {
        terrarium::HttpExchangeResult result;
        result.reached = true;
        bool isLogin = request.url.find("/auth/") != std::string::npos;
        result.status = isLogin ? 200 : status;
        result.body = isLogin ? std::string(R"({"auth":{"client_token":")") + token + R"(","lease_duration":60}})" : body;
        if (isLogin && status != 200) result.body = body;
        return result;
    };
    terrarium::VaultSecretProvider provider(config, exchange);
    for (const char* path : {"custom-client/config", "a/b/c"})
    {
        terrarium::SecretRead read = provider.read(path);
        FUZZ_CHECK(read.message.find(token) == std::string::npos);
        if (read.outcome != terrarium::SecretOutcome::Found) FUZZ_CHECK(read.values.empty());
    }
    return 0;
}
