// The small pieces on their own: UTF-8 prefixes, byte ranges, time texts, and the staged file's
// copy from a descriptor (the path a spooled request body will take).
#include "ByteRange.h"
#include "StagedFile.h"
#include "StorageDirectory.h"
#include "TimeText.h"
#include "Utf8Text.h"

#include "ScratchDir.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

using namespace filestorage;

TEST_CASE("file-storage: Utf8Text counts characters and never cuts a sequence", "[file-storage][utf8]")
{
    CHECK(Utf8Text::valid(""));
    CHECK(Utf8Text::valid("plain ascii"));
    CHECK(Utf8Text::valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
    CHECK_FALSE(Utf8Text::valid("\xc3"));            // cut
    CHECK_FALSE(Utf8Text::valid("\xc0\xaf"));        // overlong '/'
    CHECK_FALSE(Utf8Text::valid("\xe0\x80\xaf"));    // overlong
    CHECK_FALSE(Utf8Text::valid("\xed\xa0\x80"));    // surrogate
    CHECK_FALSE(Utf8Text::valid("\xf4\x90\x80\x80"));   // past U+10FFFF
    CHECK_FALSE(Utf8Text::valid("\xff"));

    auto prefix = Utf8Text::prefix("a\xc3\xa9" "b\xf0\x9f\x98\x80" "c", 4);
    CHECK(prefix.text == "a\xc3\xa9" "b\xf0\x9f\x98\x80");
    CHECK(prefix.bytesUsed == 8);
    CHECK(Utf8Text::prefix("abc", 10).bytesUsed == 3);
    CHECK(Utf8Text::prefix("\xff\xfe" "a", 2).text == "\xef\xbf\xbd\xef\xbf\xbd");
    CHECK(Utf8Text::prefix("\xe2\x82", 5).text == "\xef\xbf\xbd\xef\xbf\xbd");   // a cut sequence: each byte replaced
    CHECK(Utf8Text::sanitized("ok \xc3(") == "ok \xef\xbf\xbd(");
}

TEST_CASE("file-storage: ByteRange reads one range against the size", "[file-storage][range]")
{
    ByteRange part = ByteRange::parse("bytes=2-5", 10);
    CHECK(part.kind() == ByteRange::Kind::Part);
    CHECK(part.first() == 2);
    CHECK(part.length() == 4);
    CHECK(part.contentRange() == "bytes 2-5/10");
    CHECK(ByteRange::parse("", 10).kind() == ByteRange::Kind::Whole);
    CHECK(ByteRange::parse("", 10).length() == 10);
    CHECK(ByteRange::parse("bytes=-3", 2).contentRange() == "bytes 0-1/2");
    CHECK(ByteRange::parse("bytes=0-18446744073709551615", 10).contentRange() == "bytes 0-9/10");
    CHECK(ByteRange::parse("bytes=0-99999999999999999999999", 10).contentRange() == "bytes 0-9/10");
    CHECK(ByteRange::parse("bytes=10-", 10).contentRange() == "bytes */10");
    CHECK(ByteRange::parse(" bytes=1-1 ", 10).kind() == ByteRange::Kind::Part);
    CHECK(ByteRange::parse("bytes=1-1, 3-4", 10).kind() == ByteRange::Kind::Whole);
    CHECK(ByteRange::parse("bytes=-", 10).kind() == ByteRange::Kind::Whole);
    CHECK(ByteRange::parse("bytes=+1-2", 10).kind() == ByteRange::Kind::Whole);
}

TEST_CASE("file-storage: TimeText writes ISO-8601 UTC, name stamps and HTTP dates", "[file-storage][time]")
{
    const std::int64_t ns = 1736677800123456789LL;   // 2025-01-12 10:30:00.123456789 UTC
    CHECK(TimeText::iso(ns) == "2025-01-12T10:30:00.123456Z");
    CHECK(TimeText::nameStamp(ns) == "20250112_103000_123");
    CHECK(TimeText::http(ns) == "Sun, 12 Jan 2025 10:30:00 GMT");
    CHECK(TimeText::iso(0) == "1970-01-01T00:00:00.000000Z");
}

TEST_CASE("file-storage: a staged file takes a whole descriptor's content (a spooled body)", "[file-storage][staging]")
{
    terrarium::test::ScratchDir scratch;
    std::string big;
    for (int i = 0; i < 300000; ++i) big += static_cast<char>('a' + i % 26);
    const std::string spool = scratch.write("spool", big);
    StorageDirectory storage(scratch.file("store"));
    {
        StagedFile staged = storage.stage();
        int fd = ::open(spool.c_str(), O_RDONLY | O_CLOEXEC);
        REQUIRE(fd >= 0);
        staged.append("head:");
        staged.appendFrom(fd);
        ::close(fd);
        CHECK(staged.size() == big.size() + 5);
        bool replaced = true;
        StoredFile file = staged.commitReplacing("spooled.bin", replaced);
        CHECK_FALSE(replaced);
        CHECK(file.size == big.size() + 5);
    }
    auto opened = storage.open("spooled.bin");
    REQUIRE(opened);
    CHECK(opened->read(0, opened->info().size) == "head:" + big);
    CHECK(storage.list().size() == 1);

    SECTION("a staged file dropped without commit leaves nothing")
    {
        {
            StagedFile staged = storage.stage();
            staged.append("never published");
        }
        CHECK(storage.list().size() == 1);
        std::vector<std::string> names;
        Poco::File(scratch.file("store")).list(names);
        CHECK(names == std::vector<std::string>{"spooled.bin"});
    }
    SECTION("commitNew refuses a taken name and keeps the staged file for another")
    {
        StagedFile staged = storage.stage();
        staged.append("x");
        CHECK_FALSE(staged.commitNew("spooled.bin").has_value());
        auto file = staged.commitNew("other.bin");
        REQUIRE(file);
        CHECK(file->name == "other.bin");
        CHECK(storage.open("spooled.bin")->read(0, 5) == "head:");
    }
}
