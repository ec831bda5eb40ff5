// file-storage: a file being written. Its bytes go to a temporary file in the storage directory
// (".upload-…", never listed); a commit flushes it (fsync), renames it to its name and flushes the
// directory. Until then no reader sees it; a failure or a destruction without commit removes it,
// so a full disk never leaves a partial file behind.
#ifndef FileStorage_StagedFile_INCLUDED
#define FileStorage_StagedFile_INCLUDED

#include "FileWriter.h"
#include "StoredFile.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace filestorage {

/// A temporary file in a directory, published under a name by commitNew() or commitReplacing().
class StagedFile
{
public:
    /// The prefix of temporary names (a leading dot: never a valid stored name, never listed).
    static constexpr std::string_view prefix = ".upload-";

    /// Creates a new temporary file in the directory dirFd (not owned) written through writer;
    /// throws StorageError.
    StagedFile(int dirFd, std::shared_ptr<FileWriter> writer);
    /// Removes the temporary file unless it was committed.
    ~StagedFile();
    StagedFile(StagedFile&& other) noexcept;
    StagedFile& operator=(StagedFile&&) = delete;
    StagedFile(const StagedFile&) = delete;
    StagedFile& operator=(const StagedFile&) = delete;

    /// Appends data; throws StorageError (the staged file is then useless: let it go).
    void append(std::string_view data);

    /// Appends everything readable from fd, from its current offset to its end (a spooled request
    /// body), without passing it through memory; throws StorageError.
    void appendFrom(int fd);

    /// Makes the regular file at path (a spooled request body, which the caller gives up) the
    /// whole content of this still empty staged file: renamed into its place when both are on one
    /// file system (no copy; it gets the mode a staged file gets), else copied. Throws StorageError.
    void adopt(const std::string& path);

    /// Bytes written so far.
    std::uint64_t size() const noexcept { return _size; }

    /// Flushes the file and gives it name when no file has it: its status, or nullopt when name is
    /// taken (the staged file stays, to be committed under another name). Throws StorageError.
    std::optional<StoredFile> commitNew(const std::string& name);

    /// Flushes the file and renames it to name, atomically replacing a file of that name (replaced
    /// tells whether there was one). Throws StorageError.
    StoredFile commitReplacing(const std::string& name, bool& replaced);

private:
    /// fsync and close, once.
    void flush();
    /// fsync of the directory, after a rename.
    void syncDirectory();
    /// The status of the flushed file, under name.
    StoredFile published(const std::string& name);

    int _dirFd;
    std::shared_ptr<FileWriter> _writer;   ///< _fd may be read-only once adopt() renamed a file in
    std::string _tempName;
    int _fd = -1;
    std::uint64_t _size = 0;
    bool _flushed = false;
    bool _committed = false;
    std::optional<StoredFile> _status;
};

} // namespace filestorage

#endif
