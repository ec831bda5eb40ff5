#include "admin/AdminToken.h"

#include <Poco/DigestEngine.h>
#include <Poco/Path.h>
#include <Poco/RandomStream.h>
#include <Poco/SHA2Engine.h>
#include <Poco/String.h>

#include <openssl/crypto.h>

#include <algorithm>
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
    if (tokenFile.empty() && stateDir.empty()) throw std::runtime_error("no admin token file given");
    if (!tokenFile.empty())
    {
        _path = tokenFile;
        _digest = digest(readToken(tokenFile));
        return;
    }
    _path = Poco::Path(stateDir, "admin.token").toString();
    if (::access(_path.c_str(), F_OK) == 0)
    {
        _digest = digest(readToken(_path));
        return;
    }
    std::string token = randomToken();
    _digest = digest(token);
    std::string temp = _path + ".tmp." + std::to_string(::getpid());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot create admin token file " + temp + ": " + std::strerror(errno));
    std::string line = token + "\n";
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

AdminToken::Digest AdminToken::digest(std::string_view text)
{
    Poco::SHA2Engine sha256(Poco::SHA2Engine::SHA_256);
    sha256.update(text.data(), static_cast<unsigned>(text.size()));
    const Poco::DigestEngine::Digest& bytes = sha256.digest();
    Digest result{};
    std::copy(bytes.begin(), bytes.end(), result.begin());
    return result;
}

bool AdminToken::matches(std::string_view presented) const
{
    Digest candidate = digest(presented);
    return CRYPTO_memcmp(candidate.data(), _digest.data(), candidate.size()) == 0;
}

} // namespace terrarium
