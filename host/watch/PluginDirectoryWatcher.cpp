#include "watch/PluginDirectoryWatcher.h"

#include "lifecycle/PluginLifecycle.h"

#include <Poco/Logger.h>

#include <chrono>
#include <dirent.h>
#include <sys/stat.h>

namespace terrarium {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("watch"); }

bool isPluginFile(const std::string& name)
{
    return name.size() > 3 && name[0] != '.' && name.compare(name.size() - 3, 3, ".so") == 0;
}

} // namespace

PluginDirectoryWatcher::PluginDirectoryWatcher(PluginLifecycle& lifecycle, std::string directory, Poco::Timespan interval)
    : _lifecycle(lifecycle), _directory(std::move(directory)), _interval(interval), _thread("plugin-watch")
{
}

PluginDirectoryWatcher::~PluginDirectoryWatcher()
{
    stop();
}

std::map<std::string, PluginDirectoryWatcher::Signature> PluginDirectoryWatcher::list() const
{
    std::map<std::string, Signature> out;
    DIR* dir = ::opendir(_directory.c_str());
    if (!dir) return out;
    while (struct dirent* entry = ::readdir(dir))
    {
        std::string name = entry->d_name;
        if (!isPluginFile(name)) continue;
        struct stat st;
        std::string path = _directory + "/" + name;
        if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        Signature sig;
        sig.size = static_cast<long long>(st.st_size);
        sig.mtimeNs = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
        sig.inode = static_cast<unsigned long long>(st.st_ino);
        struct stat sigSt;
        if (::stat((path + ".sig").c_str(), &sigSt) == 0)
        {
            sig.sigSize = static_cast<long long>(sigSt.st_size);
            sig.sigMtimeNs = static_cast<long long>(sigSt.st_mtim.tv_sec) * 1000000000LL + sigSt.st_mtim.tv_nsec;
            sig.sigInode = static_cast<unsigned long long>(sigSt.st_ino);
        }
        out[name] = sig;
    }
    ::closedir(dir);
    return out;
}

void PluginDirectoryWatcher::loadAll()
{
    std::lock_guard lock(_filesMutex);
    for (const auto& [file, sig] : list())
    {
        Tracked& t = _files[file];
        t.seen = sig;
        t.handled = sig;
        t.everHandled = true;
        act(file, false);
    }
}

void PluginDirectoryWatcher::act(const std::string& file, bool known)
{
    try
    {
        std::optional<std::string> plugin = _lifecycle.pluginForFile(file);
        if (plugin)
        {
            logger().information("%s changed: reloading plugin '%s'", file, *plugin);
            _lifecycle.reload(*plugin, nullptr, true);
        }
        else
        {
            logger().information("%s %s: loading it", file, std::string(known ? "changed" : "appeared"));
            _lifecycle.load(file);
        }
    }
    catch (const std::exception& e)
    {
        // The lifecycle has logged and recorded the cause; the previous generation keeps serving.
        logger().debug("%s: %s", file, std::string(e.what()));
    }
}

void PluginDirectoryWatcher::scan()
{
    sweep(false);
}

void PluginDirectoryWatcher::rescan()
{
    logger().information("rescanning %s", _directory);
    sweep(true);
}

void PluginDirectoryWatcher::sweep(bool immediate)
{
    std::lock_guard lock(_filesMutex);
    std::map<std::string, Signature> now = list();
    for (const auto& [file, sig] : now)
    {
        auto it = _files.find(file);
        if (it == _files.end() && !immediate)
        {
            _files[file].seen = sig;   // wait one more round: it may still be being written
            continue;
        }
        Tracked& t = _files[file];
        if (sig != t.seen && !immediate)
        {
            t.seen = sig;
            continue;
        }
        t.seen = sig;
        if (t.everHandled && sig == t.handled) continue;
        bool known = t.everHandled;
        t.handled = sig;
        t.everHandled = true;
        act(file, known);
    }
    for (auto it = _files.begin(); it != _files.end();)
    {
        if (now.count(it->first))
        {
            ++it;
            continue;
        }
        std::string file = it->first;
        it = _files.erase(it);
        std::optional<std::string> plugin = _lifecycle.pluginForFile(file);
        _lifecycle.recordFileError(file, {}, {});
        if (!plugin) continue;
        logger().information("%s removed: unloading plugin '%s'", file, *plugin);
        try
        {
            _lifecycle.unload(*plugin);
        }
        catch (const std::exception& e)
        {
            logger().error("cannot unload plugin '%s': %s", *plugin, std::string(e.what()));
        }
    }
    _lifecycle.reap();
}

void PluginDirectoryWatcher::start()
{
    if (_running.exchange(true)) return;
    _thread.start(*this);
}

void PluginDirectoryWatcher::stop()
{
    if (!_running.exchange(false)) return;
    {
        std::lock_guard lock(_wakeMutex);
        _wake.notify_all();
    }
    _thread.join();
}

void PluginDirectoryWatcher::run()
{
    while (_running.load())
    {
        try
        {
            scan();
        }
        catch (const std::exception& e)
        {
            logger().error("scanning %s failed: %s", _directory, std::string(e.what()));
        }
        std::unique_lock lock(_wakeMutex);
        _wake.wait_for(lock, std::chrono::microseconds(_interval.totalMicroseconds()), [this] { return !_running.load(); });
    }
}

} // namespace terrarium
