#include "client/ClientTlsContext.h"

#include <Poco/Delegate.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLManager.h>

#include <mutex>

namespace terrarium {

namespace {

thread_local std::string lastProblem;

void initializeSslOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

} // namespace

ClientTlsContext::ClientTlsContext(const ClientConfig& config)
{
    initializeSslOnce();
    Poco::Net::Context::Params params;
    params.verificationMode = config.verifyPeer ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE;
    if (config.verifyPeer) {
        params.caLocation = config.caFile;
        params.loadDefaultCAs = config.caFile.empty();
    }
    try {
        _context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        _context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    } catch (Poco::Exception& e) {
        throw Poco::InvalidArgumentException("HTTP client: cannot load the CA file '" + config.caFile + "': " + e.displayText());
    }
    Poco::Net::SSLManager::instance().ClientVerificationError += Poco::delegate(this, &ClientTlsContext::onVerificationError);
}

ClientTlsContext::~ClientTlsContext()
{
    try {
        Poco::Net::SSLManager::instance().ClientVerificationError -= Poco::delegate(this, &ClientTlsContext::onVerificationError);
    } catch (...) {
    }
}

void ClientTlsContext::clearProblem()
{
    lastProblem.clear();
}

std::string ClientTlsContext::takeProblem()
{
    std::string problem;
    problem.swap(lastProblem);
    return problem;
}

void ClientTlsContext::onVerificationError(const void*, Poco::Net::VerificationErrorArgs& args)
{
    if (args.context().get() != _context.get())
        return;
    lastProblem = args.errorMessage() + " (depth " + std::to_string(args.errorDepth()) + ", subject " + args.certificate().subjectName() + ")";
    args.setIgnoreError(false);
}

} // namespace terrarium
