#ifndef Terrarium_AdminUi_INCLUDED
#define Terrarium_AdminUi_INCLUDED

#include <string>

namespace terrarium {

struct IncomingRequest;
class HttpReply;

/// The admin dashboard's page on the admin listener: GET /admin/ui/ (index.html), /admin/ui/app.js,
/// /admin/ui/style.css, from files embedded at build time. The page holds no data and needs no
/// token (its scripts send the token with each API call); the admin API's Host and Origin checks
/// apply before it (AdminHandler). Every answer carries a strict Content-Security-Policy (only the
/// page's own files, no inline script or style, no framing), X-Content-Type-Options nosniff,
/// Cache-Control no-cache and an ETag (If-None-Match answers 304). /admin/ui redirects to
/// /admin/ui/ (relative Location, so the page also works behind a path prefix); other names are
/// 404 not_found; methods other than GET and HEAD are 405.
class AdminUi
{
public:
    /// True for /admin/ui and every path below it.
    static bool handles(const std::string& path);

    /// Answers a request for a path that handles() accepts.
    static void handle(const IncomingRequest& request, HttpReply& reply);

    /// The Content-Security-Policy of the dashboard's answers.
    static const char* contentSecurityPolicy();
};

} // namespace terrarium

#endif
