#include "SignTool.h"

#include "AtomicFile.h"
#include "PluginIdentity.h"

#include "plugin/PluginCache.h"
#include "plugin/PluginError.h"
#include "plugin/PluginSignature.h"
#include "plugin/PluginSignatureKey.h"
#include "plugin/PluginSignatureVerifier.h"

#include <Poco/File.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

namespace terrarium {

namespace {

/// Thrown for a command line that does not fit the usage.
struct UsageError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

/// Options ("--name VALUE", repeatable) and positional arguments of one command.
struct Arguments
{
    std::multimap<std::string, std::string> options;
    std::vector<std::string> positional;

    static Arguments parse(const std::vector<std::string>& args, const std::vector<std::string>& known)
    {
        Arguments out;
        for (std::size_t i = 0; i < args.size(); ++i)
        {
            const std::string& arg = args[i];
            if (arg.size() > 2 && arg.compare(0, 2, "--") == 0)
            {
                std::string name = arg.substr(2);
                if (std::find(known.begin(), known.end(), name) == known.end()) throw UsageError("unknown option " + arg);
                if (i + 1 >= args.size()) throw UsageError("option " + arg + " needs a value");
                out.options.emplace(name, args[++i]);
            }
            else
                out.positional.push_back(arg);
        }
        return out;
    }

    std::string single(const std::string& name) const
    {
        if (options.count(name) > 1) throw UsageError("option --" + name + " given more than once");
        auto it = options.find(name);
        return it == options.end() ? std::string() : it->second;
    }
};

} // namespace

std::string SignTool::usage()
{
    return "usage: terrarium-sign keygen PRIVATE_KEY PUBLIC_KEY\n"
           "       terrarium-sign sign --key PRIVATE_KEY [--name NAME --version VERSION] PLUGIN.so\n"
           "       terrarium-sign verify (--key PUBLIC_KEY | --keys-dir DIR)... PLUGIN.so\n"
           "exit codes: 0 done, 1 verification failed, 2 usage error, 3 key or signature file error, 4 plugin error\n";
}

int SignTool::run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    try
    {
        if (args.empty()) throw UsageError("no command");
        const std::string& command = args[0];
        std::vector<std::string> rest(args.begin() + 1, args.end());
        if (command == "keygen") return keygen(rest, out, err);
        if (command == "sign") return sign(rest, out, err);
        if (command == "verify") return verify(rest, out, err);
        if (command == "--help" || command == "-h" || command == "help")
        {
            out << usage();
            return OK;
        }
        throw UsageError("unknown command '" + command + "'");
    }
    catch (const UsageError& e)
    {
        err << "terrarium-sign: " << e.what() << "\n" << usage();
        return USAGE;
    }
}

int SignTool::keygen(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    Arguments arguments = Arguments::parse(args, {});
    if (arguments.positional.size() != 2) throw UsageError("keygen takes PRIVATE_KEY and PUBLIC_KEY");
    const std::string& privatePath = arguments.positional[0];
    const std::string& publicPath = arguments.positional[1];
    if (privatePath == publicPath) throw UsageError("PRIVATE_KEY and PUBLIC_KEY are the same file");
    try
    {
        for (const std::string& path : {privatePath, publicPath})
            if (Poco::File(path).exists()) throw std::runtime_error(path + " exists; refusing to overwrite it");
        PluginSignatureKey key = PluginSignatureKey::generate();
        AtomicFile::create(privatePath, key.privatePem(), 0600);
        try
        {
            AtomicFile::create(publicPath, key.publicPem(), 0644);
        }
        catch (...)
        {
            Poco::File(privatePath).remove();
            throw;
        }
        out << "key " << key.keyId() << ": private key " << privatePath << " (mode 0600), public key " << publicPath << "\n";
        return OK;
    }
    catch (const std::exception& e)
    {
        err << "terrarium-sign: keygen: " << e.what() << "\n";
        return FILE_ERROR;
    }
}

int SignTool::sign(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    Arguments arguments = Arguments::parse(args, {"key", "name", "version"});
    if (arguments.positional.size() != 1) throw UsageError("sign takes one PLUGIN.so");
    std::string keyPath = arguments.single("key");
    if (keyPath.empty()) throw UsageError("sign needs --key PRIVATE_KEY");
    PluginSignature signature;
    signature.name = arguments.single("name");
    signature.version = arguments.single("version");
    if (signature.name.empty() != signature.version.empty()) throw UsageError("give --name and --version together, or neither");
    const std::string& plugin = arguments.positional[0];

    std::optional<PluginSignatureKey> key;
    try
    {
        key = PluginSignatureKey::readFile(keyPath, true);
        if (!key->isPrivate()) throw std::runtime_error(keyPath + " holds a public key; sign needs the private key");
    }
    catch (const std::exception& e)
    {
        err << "terrarium-sign: sign: " << e.what() << "\n";
        return FILE_ERROR;
    }
    try
    {
        signature.sha256 = PluginCache::sha256(plugin);
        if (signature.name.empty())
        {
            PluginIdentity identity = PluginIdentity::read(plugin);
            signature.name = identity.name;
            signature.version = identity.version;
        }
        if (signature.version.empty()) throw PluginError("no_version", 422, "the plugin declares no version; give --name and --version");
    }
    catch (const PluginError& e)
    {
        err << "terrarium-sign: sign: " << plugin << ": " << e.what() << " (" << e.code() << ")\n";
        return PLUGIN_ERROR;
    }
    signature.keyId = key->keyId();
    signature.signature = key->sign(signature.message());
    try
    {
        PluginSignature::parse(signature.toJson());
    }
    catch (const PluginError& e)
    {
        throw UsageError(std::string("the name or version cannot be signed: ") + e.what());
    }
    try
    {
        AtomicFile::replace(plugin + ".sig", signature.toJson(), 0644);
    }
    catch (const std::exception& e)
    {
        err << "terrarium-sign: sign: " << e.what() << "\n";
        return FILE_ERROR;
    }
    out << "signed " << signature.name << " " << signature.version << " (sha256 " << signature.sha256 << ") with key " << signature.keyId << ": "
        << plugin << ".sig\n";
    return OK;
}

int SignTool::verify(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    Arguments arguments = Arguments::parse(args, {"key", "keys-dir"});
    if (arguments.positional.size() != 1) throw UsageError("verify takes one PLUGIN.so");
    if (arguments.options.empty()) throw UsageError("verify needs --key PUBLIC_KEY or --keys-dir DIR");
    const std::string& plugin = arguments.positional[0];
    std::string directory = arguments.single("keys-dir");
    PluginSignatureVerifier verifier("require", directory);
    try
    {
        if (!directory.empty() && !Poco::File(directory).isDirectory()) throw std::runtime_error(directory + " is not a directory");
        for (auto [it, end] = arguments.options.equal_range("key"); it != end; ++it)
            verifier.addTrustedKey(PluginSignatureKey::readFile(it->second, false), it->second);
        if (!Poco::File(plugin).exists()) throw std::runtime_error("no file " + plugin);
    }
    catch (const std::exception& e)
    {
        err << "terrarium-sign: verify: " << e.what() << "\n";
        return FILE_ERROR;
    }
    try
    {
        PluginSignatureStatus status = verifier.checkFile(plugin, plugin + ".sig", plugin);
        out << plugin << ": good signature of " << status.name << " " << status.version << " by key " << status.keyId << " (" << status.keyFile << ")\n";
        return OK;
    }
    catch (const PluginError& e)
    {
        err << "terrarium-sign: verify: " << plugin << ": " << e.code() << ": " << e.what() << "\n";
        return VERIFY_FAILED;
    }
}

} // namespace terrarium
