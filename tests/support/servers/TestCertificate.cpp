#include "TestCertificate.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>

#include <stdexcept>

namespace terrarium {
namespace test {

TestCertificate::TestCertificate(const std::string& commonName)
{
    char pattern[] = "/tmp/terrarium-cert-XXXXXX";   // mkdtemp: Poco's tempName() can repeat across processes
    if (!::mkdtemp(pattern)) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    _directory = pattern;
    _certFile = Poco::Path(_directory, "cert.pem").toString();
    _keyFile = Poco::Path(_directory, "key.pem").toString();

    Poco::Process::Args args{"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                             "-subj", "/CN=" + commonName,
                             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                             "-keyout", _keyFile, "-out", _certFile};
    Poco::Pipe output;
    Poco::ProcessHandle process = Poco::Process::launch("openssl", args, nullptr, &output, &output);
    Poco::PipeInputStream stream(output);
    std::string text;
    Poco::StreamCopier::copyToString(stream, text);
    int rc = process.wait();
    if (rc != 0 || !Poco::File(_certFile).exists() || !Poco::File(_keyFile).exists()) {
        Poco::File(_directory).remove(true);
        throw std::runtime_error("openssl could not make a test certificate (exit " + std::to_string(rc) + "): " + text);
    }
}

TestCertificate::~TestCertificate()
{
    try {
        Poco::File(_directory).remove(true);
    } catch (...) {
    }
}

} // namespace test
} // namespace terrarium
