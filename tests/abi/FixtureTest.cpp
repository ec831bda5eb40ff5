// Loads every fixture plugin with dlopen(RTLD_NOW | RTLD_LOCAL), the way the host does, and checks
// the low-level outcome of each failure mode; the loadable ones are then served through FakeHost.
#include <terrarium/plugin.h>
#include <terrarium/testing/fake_host.hpp>

#include <catch2/catch.hpp>

#include <dlfcn.h>
#include <elf.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <string>

#ifndef TERRARIUM_FIXTURES_DIR
#error "TERRARIUM_FIXTURES_DIR must be defined"
#endif

using terrarium::testing::FakeHost;

namespace {

/// "host ABI <major>.<minor>" of this header, as refusals name it.
std::string hostAbi()
{
    return "host ABI " + std::to_string(TERRARIUM_ABI_MAJOR) + "." + std::to_string(TERRARIUM_ABI_MINOR);
}

std::string fixturePath(const std::string& name) { return std::string(TERRARIUM_FIXTURES_DIR) + "/" + name; }

/// A dlopen()ed fixture, closed on destruction.
class Library {
public:
    explicit Library(const std::string& name) : _path(fixturePath(name))
    {
        dlerror();
        _handle = dlopen(_path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (_handle == nullptr) {
            const char* e = dlerror();
            _error = e ? e : "";
        }
    }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
    ~Library() { close(); }

    /// True when dlopen() succeeded.
    bool loaded() const { return _handle != nullptr; }
    /// dlerror() of a failed dlopen().
    const std::string& error() const { return _error; }
    /// The address of an exported symbol, or nullptr.
    void* symbol(const char* name) const { return _handle ? dlsym(_handle, name) : nullptr; }
    /// The plugin entry function, or nullptr.
    trm_plugin_entry_fn entry() const { return reinterpret_cast<trm_plugin_entry_fn>(symbol(TERRARIUM_PLUGIN_ENTRY_SYMBOL)); }
    /// dlclose()s the library.
    void close()
    {
        if (_handle) dlclose(_handle);
        _handle = nullptr;
    }
    /// True while the library is still mapped in the process.
    bool stillMapped() const
    {
        void* h = dlopen(_path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
        if (h) dlclose(h);
        return h != nullptr;
    }

private:
    std::string _path;
    void* _handle = nullptr;
    std::string _error;
};

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

/// The pre-dlopen() check a host needs: true when a 64-bit ELF file is shorter than its program
/// headers or than the file contents of a PT_LOAD / PT_DYNAMIC segment. glibc maps such a file and
/// then touches pages beyond its end: SIGBUS instead of a dlopen() error.
bool elfTruncated(const std::string& path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return true;
    auto size = static_cast<uint64_t>(in.tellg());
    Elf64_Ehdr header{};
    in.seekg(0);
    if (size < sizeof header || !in.read(reinterpret_cast<char*>(&header), sizeof header)) return true;
    if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64) return false;   // not ours to judge
    if (header.e_phoff + uint64_t(header.e_phnum) * sizeof(Elf64_Phdr) > size) return true;
    for (unsigned i = 0; i < header.e_phnum; ++i) {
        Elf64_Phdr ph{};
        in.seekg(static_cast<std::streamoff>(header.e_phoff + i * sizeof(Elf64_Phdr)));
        if (!in.read(reinterpret_cast<char*>(&ph), sizeof ph)) return true;
        if ((ph.p_type == PT_LOAD || ph.p_type == PT_DYNAMIC) && ph.p_offset + ph.p_filesz > size) return true;
    }
    return false;
}

/// How a dlopen() in a child process ended: the dlerror() text, "loaded", or "signal <n>".
std::string dlopenInChild(const std::string& path)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        signal(SIGBUS, SIG_DFL);   // report the fault as such, also under sanitizers
        signal(SIGSEGV, SIG_DFL);
        void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        const char* e = h ? "loaded" : dlerror();
        ssize_t written = write(fds[1], e, std::strlen(e));
        _exit(written > 0 ? 0 : 1);
    }
    close(fds[1]);
    std::string out;
    char buf[512];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return out;
}

/// The descriptor of a loadable fixture, from its entry function called with a 1.0 host table.
const trm_plugin_descriptor* describe(const Library& lib)
{
    REQUIRE(lib.loaded());
    auto entry = lib.entry();
    REQUIRE(entry != nullptr);
    FakeHost host(entry);
    return entry(host.api());
}

} // namespace

TEST_CASE("every fixture has been built", "[abi][fixtures]")
{
    for (const char* name : {"not-elf.so", "truncated.so", "no-entry.so", "unresolved.so", "abi-major.so", "abi-minor.so", "create-fails.so",
                             "handle-throws.so", "bad-status.so", "route-conflict.so", "duplicate-name.so", "good.so", "null-descriptor.so",
                             "slow.so", "abi10.so", "abi12.so", "files.so"}) {
        INFO(fixturePath(name));
        CHECK(std::ifstream(fixturePath(name)).good());
    }
}

TEST_CASE("not-elf.so: dlopen refuses a text file", "[abi][fixtures]")
{
    Library lib("not-elf.so");
    REQUIRE_FALSE(lib.loaded());
    INFO(lib.error());
    CHECK(contains(lib.error(), "not-elf.so"));
    CHECK((contains(lib.error(), "invalid ELF header") || contains(lib.error(), "file too short")));
}

TEST_CASE("truncated.so: dlopen fails or crashes: a host must check the file first", "[abi][fixtures]")
{
    // glibc (2.36) maps the segments named by the intact program headers and faults on the missing
    // bytes: the process dies of SIGBUS. So dlopen() runs in a child here, and a host must check
    // the file (elfTruncated) before it dlopen()s it.
    std::string outcome = dlopenInChild(fixturePath("truncated.so"));
    INFO("dlopen(truncated.so) in a child: " << outcome);
    CHECK(outcome != "loaded");
    bool crashed = outcome == "signal " + std::to_string(SIGBUS) || outcome == "signal " + std::to_string(SIGSEGV);
    bool refused = contains(outcome, "truncated.so") &&
                   (contains(outcome, "file too short") || contains(outcome, "past end of file") ||
                    contains(outcome, "failed to map segment") || contains(outcome, "invalid ELF header"));
    CHECK((crashed || refused));

    CHECK(elfTruncated(fixturePath("truncated.so")));
    CHECK_FALSE(elfTruncated(fixturePath("good.so")));
    CHECK_FALSE(elfTruncated(fixturePath("slow.so")));
}

TEST_CASE("unresolved.so: dlopen(RTLD_NOW) fails on the undefined symbol", "[abi][fixtures]")
{
    Library lib("unresolved.so");
    REQUIRE_FALSE(lib.loaded());
    INFO(lib.error());
    CHECK(contains(lib.error(), "undefined symbol"));
    CHECK(contains(lib.error(), "terrarium_fixture_missing_function"));
}

TEST_CASE("no-entry.so: a valid library without terrarium_plugin_entry", "[abi][fixtures]")
{
    Library lib("no-entry.so");
    REQUIRE(lib.loaded());
    CHECK(lib.symbol("terrarium_fixture_not_a_plugin") != nullptr);
    CHECK(lib.entry() == nullptr);
}

TEST_CASE("null-descriptor.so: the entry function returns NULL", "[abi][fixtures]")
{
    Library lib("null-descriptor.so");
    REQUIRE(lib.loaded());
    REQUIRE(lib.entry() != nullptr);
    FakeHost host(lib.entry());
    CHECK(lib.entry()(host.api()) == nullptr);
    CHECK(host.tryStart() == TRM_ERR_UNSUPPORTED);
    CHECK(contains(host.lastError(), "NULL"));
}

TEST_CASE("abi-major.so: descriptor for ABI major 2 is refused", "[abi][fixtures]")
{
    Library lib("abi-major.so");
    const trm_plugin_descriptor* d = describe(lib);
    REQUIRE(d != nullptr);
    CHECK(d->abi_major == 2);
    CHECK(d->abi_minor == 0);
    CHECK(std::string(d->name) == "abi-major");
    FakeHost host(lib.entry());
    CHECK(host.tryStart() == TRM_ERR_UNSUPPORTED);
    INFO(host.lastError());
    CHECK(contains(host.lastError(), "plugin ABI 2.0"));
    CHECK(contains(host.lastError(), hostAbi().c_str()));
}

TEST_CASE("abi-minor.so: a minor newer than the host is refused", "[abi][fixtures]")
{
    Library lib("abi-minor.so");
    const trm_plugin_descriptor* d = describe(lib);
    REQUIRE(d != nullptr);
    CHECK(d->abi_major == 1);
    CHECK(d->abi_minor == 99);
    FakeHost host(lib.entry());
    CHECK(host.tryStart() == TRM_ERR_UNSUPPORTED);
    INFO(host.lastError());
    CHECK(contains(host.lastError(), "plugin ABI 1.99"));
    CHECK(contains(host.lastError(), hostAbi().c_str()));
}

TEST_CASE("create-fails.so: a throwing constructor makes create() fail with TRM_ERR_INTERNAL", "[abi][fixtures]")
{
    Library lib("create-fails.so");
    const trm_plugin_descriptor* d = describe(lib);
    REQUIRE(d != nullptr);
    CHECK(std::string(d->name) == "create-fails");
    {
        FakeHost host(lib.entry());
        CHECK(host.tryStart() == TRM_ERR_INTERNAL);
        CHECK_FALSE(host.started());
        CHECK(host.logged("constructor failure"));
        try {
            host.start();
            FAIL("start() must throw");
        } catch (const terrarium::testing::FakeHostError& e) {
            CHECK(e.status() == TRM_ERR_INTERNAL);
        }
    }
}

TEST_CASE("handle-throws.so: an exception in handle() answers 500 and is logged", "[abi][fixtures]")
{
    Library lib("handle-throws.so");
    REQUIRE(lib.loaded());
    FakeHost host(lib.entry());
    host.start();
    REQUIRE(host.descriptor()->route_count == 1);
    CHECK(std::string(host.descriptor()->routes[0].prefix) == "/throws");
    auto r = host.call("GET", "/throws");
    CHECK(r.status == 500);
    CHECK(r.result == TRM_ERR_INTERNAL);
    CHECK_FALSE(contains(r.body, "must not be sent"));
    CHECK(host.logged("fixture failure"));
}

TEST_CASE("bad-status.so: an unknown status from handle() answers 500", "[abi][fixtures]")
{
    Library lib("bad-status.so");
    REQUIRE(lib.loaded());
    FakeHost host(lib.entry());
    host.start();
    CHECK(std::string(host.descriptor()->routes[0].prefix) == "/bad-status");
    auto r = host.call("GET", "/bad-status");
    CHECK(r.result == 777);
    CHECK(r.status == 500);
    CHECK(r.header("Content-Type") == std::string("application/json"));
    CHECK_FALSE(contains(r.body, "must not be sent"));
}

TEST_CASE("route-conflict.so: plugin \"conflict\" declares the echo plugin's route", "[abi][fixtures]")
{
    Library lib("route-conflict.so");
    const trm_plugin_descriptor* d = describe(lib);
    REQUIRE(d != nullptr);
    CHECK(std::string(d->name) == "conflict");
    REQUIRE(d->route_count == 1);
    CHECK(std::string(d->routes[0].prefix) == "/echo");
}

TEST_CASE("duplicate-name.so: another plugin named \"echo\"", "[abi][fixtures]")
{
    Library lib("duplicate-name.so");
    const trm_plugin_descriptor* d = describe(lib);
    REQUIRE(d != nullptr);
    CHECK(std::string(d->name) == "echo");
    REQUIRE(d->route_count == 1);
    CHECK(std::string(d->routes[0].prefix) == "/echo-dup");
}

TEST_CASE("good.so: loads, serves and unloads", "[abi][fixtures]")
{
    Library lib("good.so");
    REQUIRE(lib.loaded());
    {
        FakeHost host(lib.entry());
        host.start();
        CHECK(std::string(host.descriptor()->name) == "good");
        CHECK(std::string(host.descriptor()->routes[0].prefix) == "/good");
        auto r = host.call("GET", "/good");
        CHECK(r.status == 200);
        CHECK(r.result == TRM_OK);
        CHECK(r.body == "{\"plugin\":\"good\"}");
        CHECK(r.header("content-type") == std::string("application/json"));
        CHECK(host.counter("served") == 1);
        CHECK(host.healthy());
    }
    lib.close();
    CHECK_FALSE(lib.stillMapped());   // -fno-gnu-unique: a C++ plugin really unloads
}

TEST_CASE("slow.so: sleeps for ms=, drains and reports health", "[abi][fixtures]")
{
    Library lib("slow.so");
    REQUIRE(lib.loaded());
    FakeHost host(lib.entry());
    host.start();
    CHECK(std::string(host.descriptor()->routes[0].prefix) == "/slow");
    REQUIRE(host.descriptor()->drain != nullptr);
    REQUIRE(host.descriptor()->health != nullptr);

    auto begin = std::chrono::steady_clock::now();
    auto r = host.call("GET", "/slow?ms=30");
    auto elapsed = std::chrono::steady_clock::now() - begin;
    CHECK(r.status == 200);
    CHECK(r.body == "slow done");
    CHECK(elapsed >= std::chrono::milliseconds(30));

    begin = std::chrono::steady_clock::now();
    CHECK(host.call("GET", "/slow").status == 200);   // default: 200 ms
    CHECK(std::chrono::steady_clock::now() - begin >= std::chrono::milliseconds(200));
    CHECK(host.counter("served") == 2);

    CHECK(host.healthy());
    CHECK(host.drain() == TRM_OK);
    CHECK(host.drain() == TRM_OK);
    CHECK(host.counter("drains") == 2);

    FakeHost unhealthy(lib.entry(), R"({"healthy": false})");
    unhealthy.start();
    CHECK_FALSE(unhealthy.healthy());
    CHECK(unhealthy.health() == TRM_ERR_UNAVAILABLE);
}

TEST_CASE("abi10.so: a plugin of ABI 1.0 exactly", "[abi][fixtures]")
{
    Library lib("abi10.so");
    const trm_plugin_descriptor* d = describe(lib);
    REQUIRE(d != nullptr);
    CHECK(d->abi_major == 1);
    CHECK(d->abi_minor == 0);
    CHECK(d->struct_size == offsetof(trm_plugin_descriptor, health) + sizeof(d->health));
    FakeHost host(lib.entry());
    host.start();
    auto r = host.call("GET", "/abi10/x");
    CHECK(r.status == 200);
    CHECK(r.body == "{\"plugin\":\"abi10\"}");
    CHECK(host.counter("served") == 1);
}

TEST_CASE("abi12.so: a plugin of ABI 1.2 exactly keeps working on this host", "[abi][fixtures]")
{
    Library lib("abi12.so");
    const trm_plugin_descriptor* d = describe(lib);
    REQUIRE(d != nullptr);
    CHECK(d->abi_major == 1);
    CHECK(d->abi_minor == 2);
    CHECK(d->struct_size == offsetof(trm_plugin_descriptor, health) + sizeof(d->health));   // the 1.2 descriptor: no flags
    CHECK_FALSE(TRM_HAS_FIELD(d, trm_plugin_descriptor, flags));
    REQUIRE(d->snapshot != nullptr);
    REQUIRE(d->restore != nullptr);

    FakeHost host(lib.entry());
    host.setRequestId("from-a-1.2-plugin");
    host.start();
    auto r = host.call("GET", "/abi12/x");
    CHECK(r.status == 200);
    CHECK(r.body == "{\"plugin\":\"abi12\",\"count\":1,\"request_id\":\"from-a-1.2-plugin\"}");

    // 1.2 functions: a WebSocket greets and echoes.
    r = host.call("GET", "/abi12/ws", "", {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Version", "13"},
                                          {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
    CHECK(r.status == 101);
    REQUIRE(host.webSocketCount() == 1);
    host.webSocketReceive(0, "hello");
    auto sent = host.webSocketSent(0);
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].second == "abi12");
    CHECK(sent[1] == std::make_pair(int32_t(TRM_WS_TEXT), std::string("hello")));
    host.webSocketPeerClose(0, TRM_WS_CLOSE_NORMAL);
    CHECK(host.webSocketReleased(0));

    // State across reloads, as the host hands it over.
    std::string state = host.snapshot();
    CHECK(state == "1");
    FakeHost next(lib.entry());
    next.start();
    CHECK(next.restore(state) == TRM_OK);
    CHECK(next.call("GET", "/abi12/x").body.find("\"count\":2") != std::string::npos);
}

TEST_CASE("files.so: answers with a file by descriptor and takes a spooled upload by rename (ABI 1.3)", "[abi][fixtures]")
{
    char storage[] = "/tmp/terrarium-files-XXXXXX";
    char spool[] = "/tmp/terrarium-spool-XXXXXX";
    REQUIRE(::mkdtemp(storage) != nullptr);
    REQUIRE(::mkdtemp(spool) != nullptr);
    std::ofstream(std::string(storage) + "/hello.txt") << "hello, file";
    {
        Library lib("files.so");
        const trm_plugin_descriptor* d = describe(lib);
        REQUIRE(d != nullptr);
        CHECK(d->abi_minor == 3);
        REQUIRE(TRM_HAS_FIELD(d, trm_plugin_descriptor, flags));
        CHECK((d->flags & TRM_PLUGIN_SPOOL_BODIES) != 0);

        FakeHost host(lib.entry(), std::string("{\"dir\":\"") + storage + "\"}");
        host.start();
        host.spoolBodies(spool, 0);
        auto r = host.call("GET", "/files/hello.txt", "", {{"Range", "bytes=7-10"}});
        CHECK(r.status == 206);
        CHECK(r.body == "file");
        REQUIRE(r.file);
        CHECK(r.file->offset == 7);
        CHECK(host.closedFiles() == 1);

        r = host.call("PUT", "/files/up.txt", "uploaded");
        CHECK(r.status == 201);
        CHECK(r.body == "{\"name\":\"up.txt\",\"bytes\":8,\"renamed\":true}");
        std::string stored;
        std::getline(std::ifstream(std::string(storage) + "/up.txt"), stored);
        CHECK(stored == "uploaded");
        CHECK(::access(host.lastBodyFile().c_str(), F_OK) != 0);
    }
    for (const char* name : {"hello.txt", "up.txt"}) ::unlink((std::string(storage) + "/" + name).c_str());
    CHECK(::rmdir(storage) == 0);
    CHECK(::rmdir(spool) == 0);   // nothing left behind
}
