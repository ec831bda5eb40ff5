#include "plugin/PluginLibrary.h"

#include "plugin/PluginError.h"

#include <dlfcn.h>

#include <fstream>

namespace terrarium {

namespace {

void checkElf(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw PluginError("load_failed", 422, "cannot open " + path);
    char magic[4] = {0, 0, 0, 0};
    in.read(magic, sizeof magic);
    if (in.gcount() != 4 || magic[0] != 0x7f || magic[1] != 'E' || magic[2] != 'L' || magic[3] != 'F')
        throw PluginError("not_elf", 422, "not an ELF shared object (bad magic bytes)");
}

} // namespace

PluginLibrary::PluginLibrary(const std::string& path) : _path(path)
{
    checkElf(path);
    boost::dll::fs::error_code ec;
    _library.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
    if (ec || !_library.is_loaded())
    {
        // Boost.DLL leaves dlerror() untouched after a failed dlopen; it holds the real reason.
        const char* reason = ::dlerror();
        throw PluginError("load_failed", 422, std::string("dlopen failed: ") + (reason ? reason : ec.message()));
    }
}

PluginLibrary::~PluginLibrary()
{
    close();
}

void* PluginLibrary::symbol(const char* name) const
{
    if (!_library.is_loaded()) return nullptr;
    if (!_library.has(name)) return nullptr;
    return &_library.get<char>(name);
}

bool PluginLibrary::close()
{
    if (_library.is_loaded()) _library.unload();
    return !isLoaded(_path);
}

bool PluginLibrary::isLoaded(const std::string& path)
{
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (!handle) return false;
    ::dlclose(handle);
    return true;
}

} // namespace terrarium
