// Large transfers for the integration tests: pattern files written a MiB at a time, uploads
// streamed from a file and downloads hashed as they arrive, so that no test holds a large body.
#ifndef Terrarium_Test_FileTransfer_INCLUDED
#define Terrarium_Test_FileTransfer_INCLUDED

#include "HttpTestClient.h"

#include <Poco/Net/HTTPSClientSession.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}

namespace terrarium::test {

/// Writes size bytes of a pattern that differs in every 8-byte word (so that a reordered or lost
/// block changes the checksum) to path, a MiB at a time.
void writePattern(const std::string& path, std::size_t size);

/// A download's status, headers (names lower-cased), length and SHA-256, the body never held whole.
struct Download
{
    int status = 0;
    std::map<std::string, std::string> headers;
    std::uint64_t bytes = 0;
    std::string sha256;
};

/// GET path on session (plain or HTTPS), hashing the body as it arrives.
Download download(Poco::Net::HTTPClientSession& session, const std::string& path, const std::map<std::string, std::string>& headers = {});

/// GET path on a new connection to address (host:port), 120 s timeout.
Download download(const std::string& address, const std::string& path, const std::map<std::string, std::string>& headers = {});

/// PUTs the file at source to path on session, streamed (Content-Length, or chunked).
HttpResult upload(Poco::Net::HTTPClientSession& session, const std::string& path, const std::string& source, bool chunked = false);

/// PUTs the file at source to path on a new connection to address, 120 s timeout.
HttpResult upload(const std::string& address, const std::string& path, const std::string& source, bool chunked = false);

/// An HTTPS session to address ("host:port") that trusts the certificate in caFile, 60 s timeout.
std::unique_ptr<Poco::Net::HTTPSClientSession> tlsSession(const std::string& address, const std::string& caFile);

/// The names in directory (none when it does not exist), unsorted.
std::vector<std::string> entries(const std::string& directory);

} // namespace terrarium::test

#endif
