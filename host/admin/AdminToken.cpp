#include "admin/AdminToken.h"

#include <Poco/DigestEngine.h>
#include <Poco/Path.h>
#include <Poco/RandomStream.h>
#include <Poco/String.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace terrarium {

namespace {

std::string readToken(const std::string& path)
{
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read admin token file " + path + ": " + std::strerror(errno));
    std::string token;
    std::getline(in, token);
    token = Poco::trim(token);
    if (token.empty()) throw std::runtime_error("admin token file " + path + " is empty");
    return token;
}

std::string randomToken()
{
    Poco::RandomInputStream random;
    std::vector<unsigned char> bytes(32);
    random.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return Poco::DigestEngine::digestToHex(bytes);
}

} // namespace

AdminToken::AdminToken(const std::string& tokenFile, const std::string& stateDir)
{
    if (!tokenFile.empty())
    {
        _path = tokenFile;
        _token = readToken(tokenFile);
        return;
    }
    _path = Poco::Path(stateDir, "admin.token").toString();
    if (::access(_path.c_str(), F_OK) == 0)
    {
        _token = readToken(_path);
        return;
    }
    _token = randomToken();
    std::string temp = _path + ".tmp." + std::to_string(::getpid());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot create admin token file " + temp + ": " + std::strerror(errno));
    std::string line = _token + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(temp.c_str(), _path.c_str()) != 0)
    {
        int err = errno;
        ::unlink(temp.c_str());
        throw std::runtime_error("cannot write admin token file " + _path + ": " + std::strerror(err));
    }
    _generated = true;
}

bool AdminToken::matches(std::string_view presented) const
{
    unsigned char diff = static_cast<unsigned char>(presented.size() != _token.size());
    for (std::size_t i = 0; i < _token.size(); ++i)
    {
        unsigned char p = i < presented.size() ? static_cast<unsigned char>(presented[i]) : 0;
        diff |= static_cast<unsigned char>(p ^ static_cast<unsigned char>(_token[i]));
    }
    return diff == 0;
}

} // namespace terrarium
