// Redirects this process's standard output into a file for the lifetime of the object.
#ifndef Terrarium_CustomClient_StdoutCapture_INCLUDED
#define Terrarium_CustomClient_StdoutCapture_INCLUDED

#include <Poco/File.h>
#include <Poco/Path.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace terrarium::test {

/// What the process writes to stdout (descriptor 1) while the object lives goes to a file;
/// text() reads it. The destructor restores stdout.
class StdoutCapture
{
public:
    /// Starts capturing.
    StdoutCapture() : _path(Poco::Path::temp() + "terrarium-stdout-XXXXXX")
    {
        std::fflush(stdout);
        _saved = ::dup(1);
        int file = ::mkstemp(_path.data());   // unique across processes (Poco's tempName() is not)
        if (_saved < 0 || file < 0 || ::dup2(file, 1) < 0)
            throw std::runtime_error("cannot capture stdout");
        ::close(file);
    }

    /// Restores stdout and removes the file.
    ~StdoutCapture()
    {
        std::fflush(stdout);
        ::dup2(_saved, 1);
        ::close(_saved);
        try {
            Poco::File(_path).remove();
        } catch (...) {
        }
    }

    StdoutCapture(const StdoutCapture&) = delete;
    StdoutCapture& operator=(const StdoutCapture&) = delete;

    /// Everything written so far.
    std::string text() const
    {
        std::fflush(stdout);
        std::ifstream in(_path, std::ios::binary);
        std::ostringstream out;
        out << in.rdbuf();
        return out.str();
    }

private:
    std::string _path;
    int _saved = -1;
};

} // namespace terrarium::test

#endif
