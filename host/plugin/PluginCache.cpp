#include "plugin/PluginCache.h"

#include "plugin/PluginError.h"

#include <Poco/DigestEngine.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/SHA2Engine.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace terrarium {

namespace {

std::atomic<unsigned> tempCounter{0};

} // namespace

PluginCache::PluginCache(std::string directory) : _directory(std::move(directory))
{
    Poco::File(_directory).createDirectories();
}

std::string PluginCache::sha256(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw PluginError("file_unreadable", 422, "cannot read " + path + ": " + std::strerror(errno));
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    char buffer[65536];
    while (in)
    {
        in.read(buffer, sizeof buffer);
        if (in.gcount() > 0) engine.update(buffer, static_cast<unsigned>(in.gcount()));
    }
    return Poco::DigestEngine::digestToHex(engine.digest());
}

PluginCache::Entry PluginCache::store(const std::string& source) const
{
    // Read the whole file once: hash and copy the same bytes, so the copy matches its name
    // even if the source changes meanwhile.
    std::ifstream in(source, std::ios::binary);
    if (!in) throw PluginError("file_unreadable", 422, "cannot read " + source + ": " + std::strerror(errno));
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw PluginError("file_unreadable", 422, "error reading " + source);

    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(content.data(), static_cast<unsigned>(content.size()));
    Entry entry;
    entry.sha256 = Poco::DigestEngine::digestToHex(engine.digest());
    entry.size = content.size();
    std::string stem = Poco::Path(source).getBaseName();
    entry.path = Poco::Path(_directory, stem + "-" + entry.sha256 + ".so").toString();

    struct stat st;
    if (::stat(entry.path.c_str(), &st) == 0 && static_cast<std::size_t>(st.st_size) == entry.size)
        return entry;

    std::string temp = entry.path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(tempCounter++);
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out)
        {
            ::unlink(temp.c_str());
            throw PluginError("cache_write_failed", 500, "cannot write plugin copy " + temp + ": " + std::strerror(errno));
        }
    }
    ::chmod(temp.c_str(), 0644);
    if (::rename(temp.c_str(), entry.path.c_str()) != 0)
    {
        int err = errno;
        ::unlink(temp.c_str());
        throw PluginError("cache_write_failed", 500, "cannot rename plugin copy to " + entry.path + ": " + std::strerror(err));
    }
    return entry;
}

void PluginCache::remove(const std::string& path) const
{
    ::unlink(path.c_str());
}

} // namespace terrarium
