#ifndef Terrarium_PluginDirectoryWatcher_INCLUDED
#define Terrarium_PluginDirectoryWatcher_INCLUDED

#include <Poco/Runnable.h>
#include <Poco/Thread.h>
#include <Poco/Timespan.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

namespace terrarium {

class PluginLifecycle;

/// Watches the plugins directory by polling: a new *.so file is loaded, a replaced one reloaded,
/// a removed one unloaded. A file is acted on only once it has stopped changing for one polling
/// interval, so a copy in progress is never loaded half-written (copying to a name that does not
/// end in .so, or starts with '.', and renaming is the instant way). Failures are logged and kept
/// per file by the lifecycle; the previous generation keeps serving. A file's signature FILE.so.sig
/// counts as part of it: when it appears or is replaced, the file is acted on again (so a plugin
/// refused unsigned loads once its signature arrives).
class PluginDirectoryWatcher : public Poco::Runnable
{
public:
    PluginDirectoryWatcher(PluginLifecycle& lifecycle, std::string directory, Poco::Timespan interval);
    ~PluginDirectoryWatcher();

    /// Loads every plugin file now present (once, synchronously) and remembers it as handled.
    void loadAll();

    /// Starts the polling thread.
    void start();

    /// Stops and joins the polling thread.
    void stop();

    /// One polling round (public for tests).
    void scan();

    /// Acts on the directory now, without waiting for a quiet period (the operator asked for it,
    /// e.g. with SIGHUP): loads new files, reloads changed ones, unloads plugins whose file is gone.
    void rescan();

    void run() override;

private:
    struct Signature
    {
        long long size = -1;
        long long mtimeNs = 0;
        unsigned long long inode = 0;
        long long sigSize = -1;       /// FILE.so.sig (-1: none)
        long long sigMtimeNs = 0;
        unsigned long long sigInode = 0;
        bool operator==(const Signature& o) const
        {
            return size == o.size && mtimeNs == o.mtimeNs && inode == o.inode && sigSize == o.sigSize && sigMtimeNs == o.sigMtimeNs && sigInode == o.sigInode;
        }
        bool operator!=(const Signature& o) const { return !(*this == o); }
    };
    struct Tracked
    {
        Signature seen;       /// at the last scan
        Signature handled;    /// the version last acted on
        bool everHandled = false;
    };

    std::map<std::string, Signature> list() const;
    void act(const std::string& file, bool known);
    void sweep(bool immediate);

    PluginLifecycle& _lifecycle;
    std::string _directory;
    Poco::Timespan _interval;
    std::mutex _filesMutex;                 /// one sweep at a time (polling thread, rescan)
    std::map<std::string, Tracked> _files;
    Poco::Thread _thread;
    std::atomic<bool> _running{false};
    std::mutex _wakeMutex;
    std::condition_variable _wake;
};

} // namespace terrarium

#endif
