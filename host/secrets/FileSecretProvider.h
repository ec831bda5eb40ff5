#ifndef Terrarium_FileSecretProvider_INCLUDED
#define Terrarium_FileSecretProvider_INCLUDED

#include "secrets/SecretProvider.h"

#include <string>

namespace terrarium {

/// Secrets from a directory, laid out like Kubernetes secret volumes:
/// - `<dir>/<path>/<key>`: one file per key; the value is the file's content with ONE trailing
///   newline ("\n" or "\r\n") removed. Names starting with '.' are skipped (the `..data` and
///   `..<timestamp>` entries of a Kubernetes mount); symbolic links to files are followed (the
///   keys of a Kubernetes mount are such links); subdirectories are other paths, not keys.
/// - `<dir>/<path>.json`: a JSON object of keys (non-string values as JSON text).
/// The directory form wins when both exist. Missing → NotFound; permission denied → Forbidden;
/// a file over 1 MiB, invalid JSON or another I/O error → Unavailable (so a cached value stays
/// in use while a file is being rewritten). Paths are checked by SecretPath, so no path reaches
/// above dir; the directory's own content (links included) is the operator's and is trusted.
class FileSecretProvider : public SecretProvider
{
public:
    /// Reads below dir (which may not exist yet: every path is then NotFound).
    explicit FileSecretProvider(const std::string& dir);

    SecretRead read(const std::string& path) override;

    /// "files".
    std::string name() const override { return "files"; }

    /// The root directory.
    const std::string& dir() const { return _dir; }

private:
    SecretRead readDirectory(const std::string& path, const std::string& directory) const;
    SecretRead readJsonFile(const std::string& path, const std::string& file) const;

    std::string _dir;
};

} // namespace terrarium

#endif
