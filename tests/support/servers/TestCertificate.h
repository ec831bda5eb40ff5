#ifndef Terrarium_TestCertificate_INCLUDED
#define Terrarium_TestCertificate_INCLUDED

#include <string>

namespace terrarium {
namespace test {

/// A throwaway self-signed certificate for localhost and 127.0.0.1, made at run time with the
/// openssl command into a private temporary directory that is removed with the object.
class TestCertificate
{
public:
    /// Generates the key and certificate; throws std::runtime_error when openssl fails.
    explicit TestCertificate(const std::string& commonName = "localhost");
    ~TestCertificate();

    TestCertificate(const TestCertificate&) = delete;
    TestCertificate& operator=(const TestCertificate&) = delete;

    /// The PEM certificate (also usable as the CA bundle that trusts it).
    const std::string& certFile() const { return _certFile; }

    /// The PEM private key (unencrypted).
    const std::string& keyFile() const { return _keyFile; }

    /// The directory holding both files.
    const std::string& directory() const { return _directory; }

private:
    std::string _directory;
    std::string _certFile;
    std::string _keyFile;
};

} // namespace test
} // namespace terrarium

#endif
