// A private directory under /tmp, removed with everything in it when the object goes away.
#ifndef Terrarium_Test_TempDir_INCLUDED
#define Terrarium_Test_TempDir_INCLUDED

#include <string>

namespace terrarium::test {

class TempDir
{
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return _path; }
    /// path() + "/" + name
    std::string file(const std::string& name) const { return _path + "/" + name; }
    /// Writes content to file(name) and returns its path.
    std::string write(const std::string& name, const std::string& content) const;

private:
    std::string _path;
};

} // namespace terrarium::test

#endif
