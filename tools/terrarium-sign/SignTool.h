#ifndef Terrarium_SignTool_INCLUDED
#define Terrarium_SignTool_INCLUDED

#include <ostream>
#include <string>
#include <vector>

namespace terrarium {

/// terrarium-sign: creates Ed25519 signing keys, signs plugin files (FILE.so.sig) and verifies
/// them the way terrariumd does before it loads a plugin (docs/plugins.md, "Signed plugins").
///   keygen PRIVATE_KEY PUBLIC_KEY
///   sign --key PRIVATE_KEY [--name NAME --version VERSION] PLUGIN.so
///   verify (--key PUBLIC_KEY | --keys-dir DIR)... PLUGIN.so
class SignTool
{
public:
    /// Exit codes of run().
    enum ExitCode
    {
        OK = 0,
        VERIFY_FAILED = 1,    /// verify: the signature is missing, malformed, untrusted, invalid or for other bytes
        USAGE = 2,            /// unknown command or option, missing or extra argument
        FILE_ERROR = 3,       /// a key or signature file cannot be read or written (or exists, for keygen)
        PLUGIN_ERROR = 4      /// sign: the plugin cannot be read or opened to read its name and version
    };

    /// Runs one command (args without the program name), reporting to out and err.
    static int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

    /// The usage text.
    static std::string usage();

private:
    static int keygen(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
    static int sign(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
    static int verify(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
};

} // namespace terrarium

#endif
