#ifndef TerrariumCtl_AdminTarget_INCLUDED
#define TerrariumCtl_AdminTarget_INCLUDED

#include <map>
#include <string>

namespace terrarium::ctl {

/// Where the admin API is and how to authenticate: found from flags, then TERRARIUM_ADMIN_URL /
/// TERRARIUM_ADMIN_TOKEN_FILE, then the packaged layout (<state dir>/listeners.json and
/// <state dir>/admin.token; state dir from --state-dir, TERRARIUM_STATE_DIR or /var/lib/terrarium).
/// An admin listener with TLS is reached with an https URL (listeners.json does not say so).
class AdminTarget
{
public:
    /// The settings terrariumctl looks at.
    struct Settings
    {
        std::string url;        /// --url
        std::string tokenFile;  /// --token-file
        std::string stateDir;   /// --state-dir
        std::string caFile;     /// --ca-file: PEM bundle trusted for an https URL (default: the system's)
        std::string certFile;   /// --cert: client certificate for an https URL (admin.tls.client_certs)
        std::string keyFile;    /// --key: its private key
        std::map<std::string, std::string> environment;   /// TERRARIUM_ADMIN_URL, TERRARIUM_ADMIN_TOKEN_FILE, TERRARIUM_STATE_DIR
    };

    /// The packaged host's state directory.
    static constexpr const char* DEFAULT_STATE_DIR = "/var/lib/terrarium";

    /// Resolves the URL (throws CtlError EXIT_UNREACHABLE when no listeners.json names it,
    /// EXIT_USAGE for a malformed URL) and reads the token (EXIT_UNAUTHORISED when its file
    /// exists but cannot be read). A Unix-socket URL needs no token.
    static AdminTarget locate(const Settings& settings);

    /// "http://host:port", "https://host:port" or "unix:/path", as shown to the user.
    const std::string& url() const { return _url; }
    /// Where the URL came from ("--url", "TERRARIUM_ADMIN_URL", "<dir>/listeners.json").
    const std::string& urlSource() const { return _urlSource; }
    /// The socket path for a unix: URL, else "".
    const std::string& socketPath() const { return _socketPath; }
    const std::string& host() const { return _host; }
    /// True for an https URL (the admin listener has admin.tls).
    bool secure() const { return _secure; }
    /// --ca-file, --cert and --key.
    const Settings& tls() const { return _tls; }
    unsigned short port() const { return _port; }
    /// The bearer token ("" when none was found or none is needed).
    const std::string& token() const { return _token; }
    /// The token file consulted ("" for a Unix socket).
    const std::string& tokenFile() const { return _tokenFile; }

private:
    void setUrl(const std::string& url, const std::string& source);
    void readToken(const Settings& settings, const std::string& stateDir);

    std::string _url;
    std::string _urlSource;
    std::string _socketPath;
    std::string _host;
    unsigned short _port = 0;
    bool _secure = false;
    Settings _tls;
    std::string _token;
    std::string _tokenFile;
};

} // namespace terrarium::ctl

#endif
