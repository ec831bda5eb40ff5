// SpoolFile and SpoolDirectory: a spooled body has no name until it is complete, mode 0600, its
// bytes in order; what is left at its name is removed (a plugin that renamed it away keeps it);
// stale files of gone processes are removed at start-up, others' files are left alone.
#include "http/SpoolDirectory.h"
#include "http/SpoolFile.h"

#include "ScratchDir.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

using terrarium::SpoolDirectory;
using terrarium::SpoolFile;
using terrarium::test::ScratchDir;

namespace {

std::vector<std::string> names(const std::string& directory)
{
    std::vector<std::string> out;
    for (Poco::DirectoryIterator it(directory), end; it != end; ++it) out.push_back(it.name());
    return out;
}

std::string content(const std::string& path)
{
    Poco::FileInputStream in(path);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    return text;
}

void touch(const std::string& path)
{
    Poco::FileOutputStream out(path);
    out << "x";
}

} // namespace

TEST_CASE("spool file: written piecewise, named only once published, mode 0600, removed by discard", "[spool]")
{
    ScratchDir dir;
    auto file = std::make_unique<SpoolFile>(dir.path());
    file->write("hello ", 6);
    file->write("world", 5);
    CHECK(file->size() == 11);
    CHECK(names(dir.path()).empty() == file->path().empty());   // unnamed (O_TMPFILE) where the filesystem allows it

    std::string path = file->publish();
    CHECK(file->publish() == path);   // once
    REQUIRE(names(dir.path()).size() == 1);
    CHECK(path.rfind(dir.path() + "/body-" + std::to_string(::getpid()) + "-", 0) == 0);
    CHECK(content(path) == "hello world");
    struct stat info;
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);

    file->discard();
    CHECK(names(dir.path()).empty());
    file->discard();   // idempotent
}

TEST_CASE("spool file: a body the plugin renamed away stays, a partial body leaves nothing", "[spool]")
{
    ScratchDir dir;
    ScratchDir storage;
    {
        SpoolFile file(dir.path());
        file.write("kept", 4);
        std::string taken = storage.path() + "/taken";
        REQUIRE(std::rename(file.publish().c_str(), taken.c_str()) == 0);
    }
    CHECK(names(dir.path()).empty());
    CHECK(content(storage.path() + "/taken") == "kept");

    {
        SpoolFile partial(dir.path());
        partial.write("part", 4);
    }
    CHECK(names(dir.path()).empty());
}

TEST_CASE("spool file: a missing directory is a FileException", "[spool]")
{
    ScratchDir dir;
    CHECK_THROWS_AS(std::make_unique<SpoolFile>(dir.path() + "/missing"), Poco::FileException);
}

TEST_CASE("spool directory: created mode 0700, stale bodies of gone processes removed, other files kept", "[spool]")
{
    ScratchDir dir;
    std::string spool = dir.path() + "/state/spool";
    SpoolDirectory::prepare(spool);
    struct stat info;
    REQUIRE(::stat(spool.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);
    SpoolDirectory::prepare(spool);   // exists: nothing to do

    touch(spool + "/body-" + std::to_string(::getpid()) + "-1-00000000");   // an earlier run with this pid
    touch(spool + "/body-999999999-3-0000abcd");                             // no such process
    touch(spool + "/body-1-7-00000001");                                     // a running process (init)
    touch(spool + "/notes.txt");                                             // not a spool file
    CHECK(SpoolDirectory::removeStale(spool) == 2);
    std::vector<std::string> left = names(spool);
    std::sort(left.begin(), left.end());
    CHECK(left == std::vector<std::string>{"body-1-7-00000001", "notes.txt"});
}
