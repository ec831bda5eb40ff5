// The real terrariumd, started in a private temporary directory on ephemeral 127.0.0.1 ports.
#ifndef Terrarium_Test_TerrariumProcess_INCLUDED
#define Terrarium_Test_TerrariumProcess_INCLUDED

#include "HttpTestClient.h"

#include <Poco/Timespan.h>

#include <csignal>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace terrarium::test {

/// How to start terrariumd (TerrariumProcess::Options; outside the class so that it can be a
/// default argument of the constructor).
struct TerrariumProcessOptions
{
    std::vector<std::pair<std::string, std::string>> plugins;   /// (source path, file name) copied into plugins dir BEFORE start
    std::string configJson;                 /// written to <tmp>/config.json and passed with --config when not empty
    std::vector<std::string> extraArgs;
    std::map<std::string, std::string> env; /// added to the child's environment
    bool waitReady = true;                  /// wait for listeners.json, the token and /ready == 200
};

/// Starts terrariumd with
///   --plugins-dir <dir>/plugins --state-dir <dir>/state --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0
///   [--config <dir>/config.json] <extraArgs>
/// (without --listen or --admin-listen 127.0.0.1:0 when extraArgs give that flag themselves)
/// in a fresh directory under /tmp, output captured to <dir>/terrariumd.log. The child gets the
/// test's environment without any inherited TERRARIUM_* variable, plus Options::env.
/// The destructor stops it (SIGTERM, then SIGKILL) and removes the directory.
class TerrariumProcess
{
public:
    using Options = TerrariumProcessOptions;

    /// Starts terrariumd. With waitReady, FAILs the test (with the log) if it exits or does not
    /// become ready within 30 s (scaled by timeScale(), as are all deadlines here).
    explicit TerrariumProcess(Options options = {});
    /// SIGTERM, wait up to 20 s, then SIGKILL; removes the temp dir.
    ~TerrariumProcess();
    TerrariumProcess(const TerrariumProcess&) = delete;
    TerrariumProcess& operator=(const TerrariumProcess&) = delete;

    const std::string& mainAddress() const;
    const std::string& adminAddress() const;
    /// An address from listeners.json ("" when absent).
    std::string listenerAddress(const std::string& name) const;
    /// The admin token file's content, trimmed (the --admin-token-file when given, else <state>/admin.token).
    std::string token() const;
    const std::string& pluginsDir() const;
    const std::string& stateDir() const;
    const std::string& dir() const;
    int pid() const;

    /// Replaces <dir>/config.json with json atomically (a temporary file, then a rename), as an
    /// operator's editor would before SIGHUP. FAILs the test when the file cannot be written.
    void replaceConfig(const std::string& json) const;

    /// A request on the main listener.
    HttpResult get(const std::string& pathAndQuery, const std::map<std::string, std::string>& headers = {}) const;
    HttpResult request(const std::string& method, const std::string& pathAndQuery, const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {}) const;
    /// A request on the admin listener, with "Authorization: Bearer <token>" unless withToken is false.
    HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "", bool withToken = true,
                     const std::map<std::string, std::string>& headers = {}) const;

    /// Copies source to "<plugins>/.<fileName>.tmp", then rename()s it to "<plugins>/<fileName>".
    void dropPlugin(const std::string& source, const std::string& fileName) const;
    void removePlugin(const std::string& fileName) const;

    /// Sends signal, waits up to timeout for the exit and returns the exit code (128 + signal when
    /// killed by a signal), or -1 when it had to be SIGKILLed after the timeout. Idempotent: once
    /// the process has exited, returns the same code without signalling.
    int terminate(int signal = SIGTERM, Poco::Timespan timeout = Poco::Timespan(20, 0));
    /// Waits (without signalling) up to timeout for the process to exit; its exit code as
    /// terminate() reports it, or -1 if it is still running.
    int waitForExit(Poco::Timespan timeout = Poco::Timespan(20, 0));
    bool running() const;

    /// The captured stdout and stderr so far.
    std::string log() const;
    bool waitForLog(const std::string& needle, Poco::Timespan timeout = Poco::Timespan(20, 0)) const;

    std::size_t openFileDescriptors() const;   /// entries of /proc/<pid>/fd
    std::size_t residentKiB() const;           /// VmRSS of /proc/<pid>/status
    std::size_t peakResidentKiB() const;       /// VmHWM of /proc/<pid>/status (the peak of VmRSS so far)
    bool mapsContain(const std::string& needle) const;   /// /proc/<pid>/maps contains needle

private:
    void start();
    void waitReady();
    bool reap(bool block) const;
    [[noreturn]] void failStart(const std::string& why);
    void cleanup();
    bool readListeners() const;
    std::size_t statusKiB(const std::string& field) const;   /// a "<field>: N kB" line of /proc/<pid>/status

    Options _options;
    std::string _dir;
    std::string _pluginsDir;
    std::string _stateDir;
    std::string _logPath;
    std::string _tokenFile;
    int _pid = -1;
    mutable bool _exited = false;
    mutable int _exitCode = -1;
    mutable std::string _mainAddress;
    mutable std::string _adminAddress;
    mutable std::map<std::string, std::string> _listeners;
};

} // namespace terrarium::test

#endif
