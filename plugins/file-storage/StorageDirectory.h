// file-storage: the storage directory. Every operation goes through one descriptor of the directory
// (the *at() calls) with names that passed FileNameRules, without following symbolic links, so
// nothing outside the directory is ever read, written or removed.
#ifndef FileStorage_StorageDirectory_INCLUDED
#define FileStorage_StorageDirectory_INCLUDED

#include "FileWriter.h"
#include "OpenFile.h"
#include "StagedFile.h"
#include "StoredFile.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace filestorage {

/// The files of one directory: list, read, write atomically, remove, rotate.
class StorageDirectory
{
public:
    /// Opens the directory at path, creating it and its parents when missing; throws
    /// std::runtime_error when it cannot be created, StorageError when it cannot be opened.
    explicit StorageDirectory(const std::string& path);
    /// Closes the directory.
    ~StorageDirectory();
    StorageDirectory(const StorageDirectory&) = delete;
    StorageDirectory& operator=(const StorageDirectory&) = delete;

    /// The directory's path as given.
    const std::string& path() const noexcept { return _path; }

    /// The stored files (regular files whose names keep FileNameRules: temporary and other dot
    /// files are left out), in no order. Throws StorageError.
    std::vector<StoredFile> list() const;

    /// The stored file name, or nullopt when there is none. Throws StorageError.
    std::optional<StoredFile> find(const std::string& name) const;

    /// Opens the stored file name for reading, or nullopt when there is none. Throws StorageError.
    std::optional<OpenFile> open(const std::string& name) const;

    /// A new temporary file in the directory, to be committed under a name. Throws StorageError.
    StagedFile stage() const;

    /// Removes the stored file name: false when there is none. Throws StorageError.
    bool remove(const std::string& name);

    /// Removes every stored file; how many were removed. Throws StorageError.
    std::size_t clear();

    /// Removes the oldest stored files (by modification time, then name) until at most keep
    /// remain; the names removed. Rotations run one at a time. Throws StorageError.
    std::vector<std::string> rotate(std::size_t keep);

    /// Bytes available to this process on the directory's file system.
    std::uint64_t availableBytes() const;

    /// True when the directory can be written and searched.
    bool writable() const;

    /// Removes temporary files (StagedFile::prefix) last modified before olderThanNs: what a crash
    /// in the middle of a write left. How many were removed.
    std::size_t removeStaleStagedFiles(std::int64_t olderThanNs);

    /// Replaces the writer of later stage()s (tests: a full disk). Call before serving.
    void useWriter(std::shared_ptr<FileWriter> writer) { _writer = std::move(writer); }

private:
    /// Every entry name of the directory.
    std::vector<std::string> entries() const;

    std::string _path;
    int _fd = -1;
    std::shared_ptr<FileWriter> _writer;
    std::mutex _rotation;
};

} // namespace filestorage

#endif
