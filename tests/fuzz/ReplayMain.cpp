// Replays a fuzz target's corpus without libFuzzer: every file of the directories given is passed to
// LLVMFuzzerTestOneInput once, so the normal build checks that no input that was ever interesting
// (the seeds, and every input that once broke something) breaks the code again.
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>

#include <cstdint>
#include <iostream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv)
{
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i)
    {
        for (Poco::DirectoryIterator it{std::string(argv[i])}, end; it != end; ++it)
        {
            if (!it->isFile()) continue;
            Poco::FileInputStream in(it->path());
            std::string data;
            Poco::StreamCopier::copyToString(in, data);
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
            ++replayed;
        }
    }
    std::cout << replayed << " inputs replayed\n";
    return replayed > 0 ? 0 : 1;
}
