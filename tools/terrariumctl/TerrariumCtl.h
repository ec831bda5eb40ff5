#ifndef TerrariumCtl_TerrariumCtl_INCLUDED
#define TerrariumCtl_TerrariumCtl_INCLUDED

#include "AdminClient.h"
#include "CtlCommands.h"

#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace terrarium::ctl {

/// terrariumctl: parses the command line, finds the host (AdminTarget), makes the admin call of
/// the command (CtlCommands) and writes the answer for people or, with --json, as JSON.
class TerrariumCtl
{
public:
    /// environment: the process's variables (TERRARIUM_ADMIN_URL, TERRARIUM_ADMIN_TOKEN_FILE, TERRARIUM_STATE_DIR).
    TerrariumCtl(std::ostream& out, std::ostream& err, std::map<std::string, std::string> environment);

    /// Runs argv (argv[0] is the program) and returns the exit code (CtlError's ExitCode).
    int run(const std::vector<std::string>& arguments);

    /// The usage text.
    static std::string usage();

private:
    void parse(const std::vector<std::string>& arguments);
    void dispatch();
    const AdminClient& client();
    void require(std::size_t count, const CtlCommand& command) const;
    std::string option(const std::string& name) const;
    std::string path(const CtlCommand& command, const std::string& name) const;
    std::string jsonQuery() const;
    void print(const AdminAnswer& answer, std::string (*text)(const Poco::JSON::Object&));
    void printMutation(const AdminAnswer& answer, const std::string& done);
    void load(const CtlCommand& command);
    void reload(const CtlCommand& command);
    void upload(const CtlCommand& command);
    bool listed(const std::string& method, const std::string& pattern);
    void move(const CtlCommand& command);
    void logLevel(const CtlCommand& command);
    void metrics();
    void api();
    void completeNames();
    static std::string configBody(const std::string& config, bool allowNull);

    std::ostream& _out;
    std::ostream& _err;
    std::map<std::string, std::string> _environment;
    std::map<std::string, std::string> _options;
    std::vector<std::string> _words;
    bool _json = false;
    std::unique_ptr<AdminClient> _client;
};

} // namespace terrarium::ctl

#endif
