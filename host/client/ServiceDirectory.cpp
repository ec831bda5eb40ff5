#include "client/ServiceDirectory.h"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <mutex>
#include <shared_mutex>

namespace terrarium {

ServiceDirectory::ServiceDirectory(HttpClient& client, std::map<std::string, std::string> baseUrls)
    : _client(client)
{
    for (const auto& entry : baseUrls)
        _baseUrls[entry.first] = normalizeBaseUrl(entry.first, entry.second);
}

std::string ServiceDirectory::normalizeBaseUrl(const std::string& service, const std::string& url)
{
    const std::string where = "service directory: '" + service + "': ";
    if (service.empty())
        throw Poco::InvalidArgumentException("service directory: a service name must not be empty");
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (Poco::Exception& e) {
        throw Poco::InvalidArgumentException(where + "invalid base URL '" + url + "': " + e.message());
    }
    std::string scheme = Poco::toLower(uri.getScheme());
    if (scheme != "http" && scheme != "https")
        throw Poco::InvalidArgumentException(where + "base URL '" + url + "' must start with http:// or https://");
    if (uri.getHost().empty())
        throw Poco::InvalidArgumentException(where + "base URL '" + url + "' has no host");
    if (!uri.getUserInfo().empty())
        throw Poco::InvalidArgumentException(where + "base URL must not carry user information (credentials)");
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty() || url.find_first_of("?#") != std::string::npos)
        throw Poco::InvalidArgumentException(where + "base URL '" + url + "' must not have a query or fragment");
    if (url.find_first_of(" \r\n\t") != std::string::npos)
        throw Poco::InvalidArgumentException(where + "base URL '" + url + "' contains white space");
    std::string normalized = url;
    while (!normalized.empty() && normalized.back() == '/')
        normalized.pop_back();
    return normalized;
}

void ServiceDirectory::setLocalDispatcher(LocalDispatcher* dispatcher)
{
    std::unique_lock<std::shared_mutex> lock(_dispatcherMutex);
    _dispatcher = dispatcher;
}

void ServiceDirectory::setBaseUrl(const std::string& service, const std::string& url)
{
    std::string normalized = normalizeBaseUrl(service, url);
    Poco::ScopedWriteRWLock lock(_lock);
    _baseUrls[service] = std::move(normalized);
}

void ServiceDirectory::removeBaseUrl(const std::string& service)
{
    Poco::ScopedWriteRWLock lock(_lock);
    _baseUrls.erase(service);
}

bool ServiceDirectory::knows(const std::string& service) const
{
    {
        std::shared_lock<std::shared_mutex> lock(_dispatcherMutex);
        if (_dispatcher && _dispatcher->serves(service))
            return true;
    }
    Poco::ScopedReadRWLock lock(_lock);
    return _baseUrls.count(service) > 0;
}

std::map<std::string, std::string> ServiceDirectory::baseUrls() const
{
    Poco::ScopedReadRWLock lock(_lock);
    return _baseUrls;
}

ClientResult ServiceDirectory::call(const std::string& service, const ClientRequest& request)
{
    if (service.empty()) {
        ClientRequest absolute = request;
        if (absolute.url.empty())
            absolute.url = request.path;
        return _client.call(absolute);
    }
    if (!request.path.empty() && request.path[0] != '/' && request.path[0] != '?')
        return ClientResult::failure(ClientStatus::Invalid, "path '" + request.path + "' for service '" + service + "' must start with '/'");

    std::shared_lock<std::shared_mutex> inProcess(_dispatcherMutex);
    if (_dispatcher && _dispatcher->serves(service)) {
        ClientResult result;
        try {
            result = _dispatcher->dispatch(service, request);
        } catch (Poco::Exception& e) {
            return ClientResult::failure(ClientStatus::Unavailable, "in-process call to service '" + service + "' failed: " + e.displayText());
        } catch (std::exception& e) {
            return ClientResult::failure(ClientStatus::Unavailable, "in-process call to service '" + service + "' failed: " + e.what());
        }
        if (result.ok()) {
            result.response.inProcess = true;
            if (result.response.attempts == 0)
                result.response.attempts = 1;
        }
        if (result.status != ClientStatus::NotFound)
            return result;
    }
    inProcess.unlock();

    std::string base;
    {
        Poco::ScopedReadRWLock lock(_lock);
        auto it = _baseUrls.find(service);
        if (it == _baseUrls.end())
            return ClientResult::failure(ClientStatus::NotFound, "no service '" + service + "' in the directory: not a loaded plugin and no base URL configured");
        base = it->second;
    }
    ClientRequest remote = request;
    remote.url = base + (request.path.empty() ? std::string("/") : request.path);
    return _client.call(remote);
}

} // namespace terrarium
