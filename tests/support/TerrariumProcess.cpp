#include "TerrariumProcess.h"
#include "TimeScale.h"

#include <catch2/catch.hpp>

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace terrarium::test {

namespace {

/// How long a start may take before the test fails: generous for a busy 2-core machine.
const Poco::Timespan startDeadline(30, 0);

void writeFile(const std::string& path, const std::string& content)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) FAIL("cannot write " << path << ": " << std::strerror(errno));
}

void copyFile(const std::string& source, const std::string& target)
{
    std::ifstream in(source, std::ios::binary);
    if (!in) FAIL("cannot read " << source << ": " << std::strerror(errno));
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out << in.rdbuf();
    out.close();
    if (!out) FAIL("cannot copy " << source << " to " << target << ": " << std::strerror(errno));
}

/// The value of a "--name VALUE" or "--name=VALUE" argument, or "".
std::string argumentValue(const std::vector<std::string>& args, const std::string& name)
{
    std::string found;
    for (std::size_t i = 0; i < args.size(); ++i)
    {
        if (args[i] == name && i + 1 < args.size())
            found = args[i + 1];
        else if (args[i].compare(0, name.size() + 1, name + "=") == 0)
            found = args[i].substr(name.size() + 1);
    }
    return found;
}

/// admin.token_file of a config text, or "" (also when the text is not valid JSON).
std::string configTokenFile(const std::string& configJson)
{
    if (configJson.empty()) return std::string();
    try
    {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var root = parser.parse(configJson);
        if (root.type() != typeid(Poco::JSON::Object::Ptr)) return std::string();
        Poco::JSON::Object::Ptr admin = root.extract<Poco::JSON::Object::Ptr>()->getObject("admin");
        if (admin && admin->has("token_file") && admin->get("token_file").isString()) return admin->getValue<std::string>("token_file");
    }
    catch (const Poco::Exception&)
    {
    }
    return std::string();
}

std::string tail(const std::string& text, std::size_t bytes)
{
    return text.size() <= bytes ? text : "...\n" + text.substr(text.size() - bytes);
}

} // namespace

TerrariumProcess::TerrariumProcess(Options options) : _options(std::move(options))
{
    char pattern[] = "/tmp/terrarium-it-XXXXXX";
    if (!::mkdtemp(pattern)) FAIL("mkdtemp failed: " << std::strerror(errno));
    _dir = pattern;
    _pluginsDir = _dir + "/plugins";
    _stateDir = _dir + "/state";
    _logPath = _dir + "/terrariumd.log";

    // The token file: a flag wins over the environment, which wins over the config file.
    _tokenFile = argumentValue(_options.extraArgs, "--admin-token-file");
    if (_tokenFile.empty())
    {
        auto env = _options.env.find("TERRARIUM_ADMIN_TOKEN_FILE");
        if (env != _options.env.end()) _tokenFile = env->second;
    }
    if (_tokenFile.empty()) _tokenFile = configTokenFile(_options.configJson);
    if (_tokenFile.empty()) _tokenFile = _stateDir + "/admin.token";

    try
    {
        start();
    }
    catch (...)
    {
        cleanup();
        throw;
    }
    if (_options.waitReady) waitReady();
}

TerrariumProcess::~TerrariumProcess()
{
    try
    {
        terminate(SIGTERM, Poco::Timespan(20, 0));
    }
    catch (...)
    {
    }
    if (std::uncaught_exceptions() > 0)
    {
        // A REQUIRE failed while this host ran: show what it said.
        std::cerr << "---- terrariumd log (" << _logPath << ") ----\n" << tail(log(), 16 * 1024) << "\n---- end of log ----\n";
    }
    cleanup();
}

void TerrariumProcess::start()
{
    if (::mkdir(_pluginsDir.c_str(), 0755) != 0) FAIL("mkdir " << _pluginsDir << ": " << std::strerror(errno));
    if (::mkdir(_stateDir.c_str(), 0755) != 0) FAIL("mkdir " << _stateDir << ": " << std::strerror(errno));
    for (const auto& [source, fileName] : _options.plugins) copyFile(source, _pluginsDir + "/" + fileName);

    std::vector<std::string> args = {TERRARIUMD_PATH, "--plugins-dir", _pluginsDir, "--state-dir", _stateDir};
    for (const char* listen : {"--listen", "--admin-listen"})
    {
        if (!argumentValue(_options.extraArgs, listen).empty()) continue;   // the test chose the address
        args.push_back(listen);
        args.push_back("127.0.0.1:0");
    }
    if (!_options.configJson.empty())
    {
        std::string configPath = _dir + "/config.json";
        writeFile(configPath, _options.configJson);
        args.push_back("--config");
        args.push_back(configPath);
    }
    args.insert(args.end(), _options.extraArgs.begin(), _options.extraArgs.end());

    // The environment: ours without TERRARIUM_* (an unknown one is a configuration error), plus env.
    std::vector<std::string> environment;
    for (char** entry = environ; entry && *entry; ++entry)
    {
        std::string variable(*entry);
        std::string name = variable.substr(0, variable.find('='));
        if (name.compare(0, 10, "TERRARIUM_") == 0 || _options.env.count(name)) continue;
        environment.push_back(variable);
    }
    for (const auto& [name, value] : _options.env) environment.push_back(name + "=" + value);

    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : environment) envp.push_back(e.data());
    envp.push_back(nullptr);

    int logFd = ::open(_logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logFd < 0) FAIL("cannot create " << _logPath << ": " << std::strerror(errno));
    int nullFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (nullFd < 0)
    {
        ::close(logFd);
        FAIL("cannot open /dev/null: " << std::strerror(errno));
    }
    const pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid == 0)
    {
        // Child: only async-signal-safe calls until execve.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);   // never outlive a crashed or killed test
        if (::getppid() != parent) ::_exit(127);
        sigset_t none;
        ::sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        struct sigaction defaults;
        std::memset(&defaults, 0, sizeof defaults);
        defaults.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; ++sig)
        {
            if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &defaults, nullptr);
        }
        ::dup2(nullFd, 0);
        ::dup2(logFd, 1);
        ::dup2(logFd, 2);
        ::syscall(SYS_close_range, 3U, ~0U, 0U);
        ::execve(argv[0], argv.data(), envp.data());
        static const char failed[] = "TerrariumProcess: execve failed\n";
        ssize_t ignored = ::write(2, failed, sizeof failed - 1);
        (void)ignored;
        ::_exit(127);
    }
    int forkErrno = errno;
    ::close(logFd);
    ::close(nullFd);
    if (pid < 0) FAIL("fork failed: " << std::strerror(forkErrno));
    _pid = pid;
}

bool TerrariumProcess::readListeners() const
{
    std::string text = readFile(_stateDir + "/listeners.json");
    if (text.empty()) return false;
    try
    {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var root = parser.parse(text);
        if (root.type() != typeid(Poco::JSON::Object::Ptr)) return false;
        Poco::JSON::Object::Ptr object = root.extract<Poco::JSON::Object::Ptr>();
        std::map<std::string, std::string> listeners;
        for (const auto& name : object->getNames()) listeners[name] = object->getValue<std::string>(name);
        if (!listeners.count("main") || !listeners.count("admin")) return false;
        _listeners = listeners;
        _mainAddress = listeners["main"];
        _adminAddress = listeners["admin"];
        return true;
    }
    catch (const Poco::Exception&)
    {
        return false;
    }
}

void TerrariumProcess::waitReady()
{
    Poco::Timestamp started;
    enum class Stage { Listeners, Token, Ready, Signals, Done } stage = Stage::Listeners;
    Poco::Timestamp signalsSince;
    while (stage != Stage::Done)
    {
        if (reap(false)) failStart("terrariumd exited with code " + std::to_string(_exitCode) + " before it was ready");
        if (started.isElapsed(scaledMicroseconds(startDeadline.totalMicroseconds())))
            failStart("terrariumd was not ready within " + std::to_string(static_cast<long long>(startDeadline.totalSeconds() * timeScale())) + " s");
        switch (stage)
        {
        case Stage::Listeners:
            if (readListeners()) stage = Stage::Token;
            break;
        case Stage::Token:
            if (!token().empty()) stage = Stage::Ready;
            break;
        case Stage::Ready:
            try
            {
                if (httpRequest(_mainAddress, "GET", "/ready", "", {}, Poco::Timespan(10, 0)).status == 200)
                {
                    stage = Stage::Signals;
                    signalsSince.update();
                }
            }
            catch (const Poco::Exception&)
            {
            }
            break;
        case Stage::Signals:
        {
            // Ready is published just before the main thread starts waiting for SIGTERM/SIGINT;
            // a signal in between would kill the process instead of shutting it down. Wait until
            // the main thread sits in rt_sigtimedwait (when /proc tells; at most 5 s).
            std::string syscallText = readFile("/proc/" + std::to_string(_pid) + "/syscall");
            std::istringstream in(syscallText);
            long number = -1;
            in >> number;
            if (syscallText.empty() || !in || number == SYS_rt_sigtimedwait || signalsSince.isElapsed(5 * 1000 * 1000))
                stage = Stage::Done;
            break;
        }
        case Stage::Done:
            break;
        }
        if (stage != Stage::Done) Poco::Thread::sleep(5);
    }
}

void TerrariumProcess::failStart(const std::string& why)
{
    if (!_exited) terminate(SIGKILL, Poco::Timespan(20, 0));
    std::string output = log();
    cleanup();
    FAIL(why << "\n---- terrariumd log ----\n" << output << "\n---- end of log ----");
    std::abort();   // FAIL throws
}

void TerrariumProcess::cleanup()
{
    if (_pid > 0 && !_exited)
    {
        ::kill(_pid, SIGKILL);
        reap(true);
    }
    if (_dir.empty()) return;
    try
    {
        Poco::File(_dir).remove(true);
    }
    catch (const Poco::Exception& e)
    {
        std::cerr << "TerrariumProcess: cannot remove " << _dir << ": " << e.displayText() << "\n";
    }
    _dir.clear();
}

bool TerrariumProcess::reap(bool block) const
{
    if (_pid <= 0) return true;
    if (_exited) return true;
    int status = 0;
    pid_t r;
    do
        r = ::waitpid(_pid, &status, block ? 0 : WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == 0) return false;
    _exited = true;
    if (r < 0)
        _exitCode = -1;
    else if (WIFEXITED(status))
        _exitCode = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        _exitCode = 128 + WTERMSIG(status);
    else
        _exitCode = -1;
    return true;
}

int TerrariumProcess::terminate(int signal, Poco::Timespan timeout)
{
    if (_pid <= 0) return _exitCode;
    if (reap(false)) return _exitCode;
    ::kill(_pid, signal);
    if (waitForExit(timeout) >= 0 || _exited) return _exitCode;
    ::kill(_pid, SIGKILL);
    reap(true);
    _exitCode = -1;
    return -1;
}

int TerrariumProcess::waitForExit(Poco::Timespan timeout)
{
    Poco::Timestamp started;
    while (!reap(false))
    {
        if (started.isElapsed(scaledMicroseconds(timeout.totalMicroseconds()))) return -1;
        Poco::Thread::sleep(5);
    }
    return _exitCode;
}

bool TerrariumProcess::running() const
{
    return !reap(false);
}

const std::string& TerrariumProcess::mainAddress() const
{
    if (_mainAddress.empty()) readListeners();
    return _mainAddress;
}

const std::string& TerrariumProcess::adminAddress() const
{
    if (_adminAddress.empty()) readListeners();
    return _adminAddress;
}

std::string TerrariumProcess::listenerAddress(const std::string& name) const
{
    auto it = _listeners.find(name);
    if (it == _listeners.end())
    {
        readListeners();
        it = _listeners.find(name);
    }
    return it == _listeners.end() ? std::string() : it->second;
}

std::string TerrariumProcess::token() const
{
    return Poco::trim(readFile(_tokenFile));
}

const std::string& TerrariumProcess::pluginsDir() const
{
    return _pluginsDir;
}

const std::string& TerrariumProcess::stateDir() const
{
    return _stateDir;
}

const std::string& TerrariumProcess::dir() const
{
    return _dir;
}

void TerrariumProcess::replaceConfig(const std::string& json) const
{
    std::string path = _dir + "/config.json";
    std::string temp = path + ".tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << json;
        REQUIRE(out.good());
    }
    REQUIRE(::rename(temp.c_str(), path.c_str()) == 0);
}

int TerrariumProcess::pid() const
{
    return _pid;
}

HttpResult TerrariumProcess::get(const std::string& pathAndQuery, const std::map<std::string, std::string>& headers) const
{
    return httpRequest(mainAddress(), "GET", pathAndQuery, "", headers);
}

HttpResult TerrariumProcess::request(const std::string& method, const std::string& pathAndQuery, const std::string& body,
                                     const std::map<std::string, std::string>& headers) const
{
    return httpRequest(mainAddress(), method, pathAndQuery, body, headers);
}

HttpResult TerrariumProcess::admin(const std::string& method, const std::string& path, const std::string& body, bool withToken,
                                   const std::map<std::string, std::string>& headers) const
{
    std::map<std::string, std::string> all = headers;
    if (withToken && !all.count("Authorization")) all["Authorization"] = "Bearer " + token();
    if (!body.empty() && !all.count("Content-Type")) all["Content-Type"] = "application/json";
    return httpRequest(adminAddress(), method, path, body, all);
}

void TerrariumProcess::dropPlugin(const std::string& source, const std::string& fileName) const
{
    std::string temp = _pluginsDir + "/." + fileName + ".tmp";
    std::string target = _pluginsDir + "/" + fileName;
    copyFile(source, temp);
    if (::rename(temp.c_str(), target.c_str()) != 0) FAIL("rename " << temp << " -> " << target << ": " << std::strerror(errno));
}

void TerrariumProcess::removePlugin(const std::string& fileName) const
{
    std::string target = _pluginsDir + "/" + fileName;
    if (::unlink(target.c_str()) != 0) FAIL("unlink " << target << ": " << std::strerror(errno));
}

std::string TerrariumProcess::log() const
{
    return readFile(_logPath);
}

bool TerrariumProcess::waitForLog(const std::string& needle, Poco::Timespan timeout) const
{
    return waitUntil([&] { return log().find(needle) != std::string::npos; }, timeout);
}

std::size_t TerrariumProcess::openFileDescriptors() const
{
    std::size_t count = 0;
    DIR* dir = ::opendir(("/proc/" + std::to_string(_pid) + "/fd").c_str());
    if (!dir) return 0;
    while (struct dirent* entry = ::readdir(dir))
    {
        if (entry->d_name[0] != '.') ++count;
    }
    ::closedir(dir);
    return count;
}

std::size_t TerrariumProcess::statusKiB(const std::string& field) const
{
    std::istringstream in(readFile("/proc/" + std::to_string(_pid) + "/status"));
    std::string line;
    const std::string prefix = field + ":";
    while (std::getline(in, line))
    {
        if (line.compare(0, prefix.size(), prefix) == 0) return static_cast<std::size_t>(std::strtoull(line.c_str() + prefix.size(), nullptr, 10));
    }
    return 0;
}

std::size_t TerrariumProcess::residentKiB() const
{
    return statusKiB("VmRSS");
}

std::size_t TerrariumProcess::peakResidentKiB() const
{
    return statusKiB("VmHWM");
}

bool TerrariumProcess::mapsContain(const std::string& needle) const
{
    return readFile("/proc/" + std::to_string(_pid) + "/maps").find(needle) != std::string::npos;
}

} // namespace terrarium::test
