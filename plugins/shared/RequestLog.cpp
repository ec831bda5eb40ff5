#include "RequestLog.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/Exception.h>
#include <Poco/File.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace terrarium::sink {

namespace {

std::system_error systemError(const std::string& what)
{
    return std::system_error(errno, std::generic_category(), what);
}

bool digitsOnly(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The client IP as a file-name part: characters other than letters, digits, '.', ':' and '-' become '-'.
std::string fileNamePart(std::string_view clientIp)
{
    std::string part(clientIp);
    for (char& c : part) {
        bool plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == ':' || c == '-';
        if (!plain)
            c = '-';
    }
    return part.empty() ? std::string("unknown") : part;
}

std::string localTimestamp(std::time_t now)
{
    std::tm local{};
    localtime_r(&now, &local);
    char text[32];
    std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
    return std::string(text, length);
}

} // namespace

RequestLog::RequestLog(std::string directory, std::string prefix, std::string title, std::size_t retention)
    : _directory(std::move(directory)), _prefix(std::move(prefix)), _title(std::move(title)), _retention(std::max<std::size_t>(retention, 1))
{
    _sequence = highestSequence();
}

std::string RequestLog::fileName(std::time_t now, std::string_view clientIp, std::uint64_t sequence) const
{
    return _prefix + std::to_string(static_cast<long long>(now)) + "_" + fileNamePart(clientIp) + "_" + std::to_string(sequence) + ".txt";
}

std::string RequestLog::render(const SinkRequest& request, std::time_t now) const
{
    const terrarium::Request& raw = request.request();
    std::string text;
    text.reserve(512 + raw.body().size());
    text += _title;
    text += "\nTimestamp: ";
    text += localTimestamp(now);
    text += "\nClient IP: ";
    text += request.clientIp();
    text += "\nMethod: ";
    text += raw.method();
    text += "\nPath: ";
    text += request.pathWithQuery();
    text += "\nVersion: HTTP/1.1\nHeaders:\n";
    for (std::size_t i = 0; i < raw.headerCount(); ++i) {
        auto [name, value] = raw.headerAt(i);
        text += name;
        text += ": ";
        text += value;
        text += '\n';
    }
    text += "\nQuery Parameters: ";
    text += request.query().value_or("(none)");
    text += "\nBody Length: ";
    text += std::to_string(raw.body().size());
    if (raw.body().empty()) {
        text += "\nBody Content: (empty)\n";
    } else {
        text += "\nBody Content:\n";
        text += raw.body();
        text += '\n';
    }
    text += "=== End Request ===\n";
    return text;
}

void RequestLog::ensureDirectory() const
{
    try {
        Poco::File(_directory).createDirectories();
    } catch (const Poco::Exception& e) {
        throw std::system_error(std::make_error_code(std::errc::io_error), "cannot create directory '" + _directory + "': " + e.displayText());
    }
}

std::string RequestLog::writeTemporary(const std::string& content)
{
    const std::string path = _directory + "/." + _prefix + "tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++_temporaries);
    int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (descriptor < 0 && errno == ENOENT) {
        ensureDirectory();
        descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    }
    if (descriptor < 0)
        throw systemError("cannot create '" + path + "'");
    std::size_t written = 0;
    while (written < content.size()) {
        ssize_t n = ::write(descriptor, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            std::system_error error = systemError("cannot write '" + path + "'");
            ::close(descriptor);
            ::unlink(path.c_str());
            throw error;
        }
        written += static_cast<std::size_t>(n);
    }
    if (::close(descriptor) != 0) {
        std::system_error error = systemError("cannot write '" + path + "'");
        ::unlink(path.c_str());
        throw error;
    }
    return path;
}

std::string RequestLog::write(const SinkRequest& request, std::time_t now)
{
    const std::string temporary = writeTemporary(render(request, now));
    const std::string clientIp = request.clientIp();
    for (;;) {
        const std::string path = _directory + "/" + fileName(now, clientIp, ++_sequence);
        if (::link(temporary.c_str(), path.c_str()) == 0) {
            ::unlink(temporary.c_str());
            prune();
            return path;
        }
        if (errno != EEXIST) {
            std::system_error error = systemError("cannot create '" + path + "'");
            ::unlink(temporary.c_str());
            throw error;
        }
    }
}

std::optional<std::pair<std::int64_t, std::uint64_t>> RequestLog::orderOf(std::string_view name) const
{
    static constexpr std::string_view extension = ".txt";
    if (name.size() <= _prefix.size() + extension.size() || name.substr(0, _prefix.size()) != _prefix ||
        name.substr(name.size() - extension.size()) != extension)
        return std::nullopt;
    std::string_view middle = name.substr(_prefix.size(), name.size() - _prefix.size() - extension.size());
    std::size_t first = middle.find('_');
    std::size_t last = middle.rfind('_');
    if (first == std::string_view::npos || first == last)
        return std::nullopt;
    std::string_view epoch = middle.substr(0, first);
    std::string_view sequence = middle.substr(last + 1);
    if (!digitsOnly(epoch) || !digitsOnly(sequence) || epoch.size() > 18 || sequence.size() > 19)
        return std::nullopt;
    return std::make_pair(static_cast<std::int64_t>(std::stoll(std::string(epoch))), static_cast<std::uint64_t>(std::stoull(std::string(sequence))));
}

std::uint64_t RequestLog::highestSequence() const
{
    std::uint64_t highest = 0;
    try {
        for (Poco::DirectoryIterator it(_directory), end; it != end; ++it) {
            if (auto order = orderOf(it.name()))
                highest = std::max(highest, order->second);
        }
    } catch (const Poco::Exception&) {
        return 0;   // no directory yet
    }
    return highest;
}

std::size_t RequestLog::prune()
{
    std::lock_guard<std::mutex> lock(_pruneMutex);
    struct Entry
    {
        std::pair<std::int64_t, std::uint64_t> order;
        std::string name;
    };
    std::vector<Entry> files;
    try {
        for (Poco::DirectoryIterator it(_directory), end; it != end; ++it) {
            if (auto order = orderOf(it.name()))
                files.push_back(Entry{*order, it.name()});
        }
    } catch (const Poco::Exception&) {
        return 0;
    }
    if (files.size() <= _retention)
        return 0;
    std::size_t excess = files.size() - _retention;
    std::partial_sort(files.begin(), files.begin() + static_cast<std::ptrdiff_t>(excess), files.end(),
                      [](const Entry& a, const Entry& b) { return a.order < b.order; });
    std::size_t removed = 0;
    for (std::size_t i = 0; i < excess; ++i) {
        if (::unlink((_directory + "/" + files[i].name).c_str()) == 0)
            ++removed;
    }
    return removed;
}

} // namespace terrarium::sink
