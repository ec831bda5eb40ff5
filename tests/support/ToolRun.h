#ifndef Terrarium_ToolRun_INCLUDED
#define Terrarium_ToolRun_INCLUDED

#include <catch2/catch.hpp>

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <string>
#include <vector>

namespace terrarium {
namespace test {

/// Runs program with arguments to its end; its exit code. Its output (stdout and stderr together)
/// goes to output when given, and to the test's log when it fails.
inline int runTool(const std::string& program, const std::vector<std::string>& arguments, std::string* output = nullptr)
{
    Poco::Pipe pipe;
    Poco::ProcessHandle handle = Poco::Process::launch(program, arguments, nullptr, &pipe, &pipe);
    Poco::PipeInputStream in(pipe);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    int code = handle.wait();
    if (code != 0) UNSCOPED_INFO(program << " " << (arguments.empty() ? std::string() : arguments.front()) << ": exit " << code << ": " << text);
    if (output) *output = text;
    return code;
}

} // namespace test
} // namespace terrarium

#endif
