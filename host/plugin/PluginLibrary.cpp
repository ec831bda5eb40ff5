#include "plugin/PluginLibrary.h"

#include "plugin/PluginError.h"

#include <dlfcn.h>
#include <elf.h>

#include <cstdint>
#include <cstring>

#include <fstream>

namespace terrarium {

namespace {

/// Checks that path is a complete ELF shared object of this machine's class before dlopen() sees
/// it: a file cut short after its program headers would otherwise be mapped and crash the process
/// with SIGBUS on first touch of the missing pages.
void checkElf(const std::string& path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw PluginError("load_failed", 422, "cannot open " + path);
    const std::streamoff size = in.tellg();
    in.seekg(0);
    Elf64_Ehdr header;
    std::memset(&header, 0, sizeof header);
    in.read(reinterpret_cast<char*>(&header), sizeof header);
    if (in.gcount() < 4 || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
        throw PluginError("not_elf", 422, "not an ELF shared object (bad magic bytes)");
    if (in.gcount() != static_cast<std::streamsize>(sizeof header))
        throw PluginError("load_failed", 422, "truncated ELF file: " + std::to_string(size) + " bytes, shorter than its ELF header");
    if (header.e_ident[EI_CLASS] != ELFCLASS64)
        throw PluginError("load_failed", 422, "not a 64-bit ELF object");
    if (header.e_type != ET_DYN)
        throw PluginError("load_failed", 422, "ELF file is not a shared object (e_type " + std::to_string(header.e_type) + ")");
    auto fits = [size](Elf64_Off offset, std::uint64_t length) {
        return offset <= static_cast<std::uint64_t>(size) && length <= static_cast<std::uint64_t>(size) - offset;
    };
    const std::string truncated = "truncated ELF file (" + std::to_string(size) + " bytes): ";
    if (header.e_phentsize != sizeof(Elf64_Phdr) || !fits(header.e_phoff, std::uint64_t(header.e_phnum) * sizeof(Elf64_Phdr)))
        throw PluginError("load_failed", 422, truncated + "program headers lie beyond the end of the file");
    if (header.e_shnum > 0 && !fits(header.e_shoff, std::uint64_t(header.e_shnum) * header.e_shentsize))
        throw PluginError("load_failed", 422, truncated + "section headers lie beyond the end of the file");
    in.seekg(static_cast<std::streamoff>(header.e_phoff));
    for (unsigned i = 0; i < header.e_phnum; ++i)
    {
        Elf64_Phdr segment;
        in.read(reinterpret_cast<char*>(&segment), sizeof segment);
        if (!in) throw PluginError("load_failed", 422, truncated + "cannot read program header " + std::to_string(i));
        if ((segment.p_type == PT_LOAD || segment.p_type == PT_DYNAMIC) && !fits(segment.p_offset, segment.p_filesz))
            throw PluginError("load_failed", 422, truncated + "segment " + std::to_string(i) + " extends beyond the end of the file");
    }
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
