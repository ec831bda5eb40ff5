#include "http/SpoolDirectory.h"

#include "http/SpoolFile.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/NumberParser.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace terrarium {

namespace {

/// The process id in a spool file's name "body-<pid>-...", or 0 when name is none.
int ownerOf(const std::string& name)
{
    const std::string prefix = SpoolFile::namePrefix();
    if (name.compare(0, prefix.size(), prefix) != 0) return 0;
    std::size_t end = name.find('-', prefix.size());
    if (end == std::string::npos) return 0;
    int pid = 0;
    if (!Poco::NumberParser::tryParse(name.substr(prefix.size(), end - prefix.size()), pid) || pid <= 0) return 0;
    return pid;
}

bool running(int pid)
{
    return pid != ::getpid() && (::kill(pid, 0) == 0 || errno == EPERM);
}

} // namespace

void SpoolDirectory::prepare(const std::string& path)
{
    Poco::File directory(path);
    if (directory.exists()) return;
    directory.createDirectories();
    ::chmod(path.c_str(), 0700);
}

std::size_t SpoolDirectory::removeStale(const std::string& path)
{
    std::size_t removed = 0;
    for (Poco::DirectoryIterator it(path), end; it != end; ++it)
    {
        int owner = ownerOf(it.name());
        if (owner == 0 || running(owner)) continue;
        if (::unlink(it.path().toString().c_str()) == 0) ++removed;
    }
    return removed;
}

} // namespace terrarium
