#include "ccaas/cli/version.hpp"

#include "ccaas/version.hpp"

// Headers only: version macros, no code.
#include <ares_version.h>
#include <curl/curlver.h>
#include <nghttp2/nghttp2ver.h>
#include <openssl/opensslv.h>

namespace ccaas::cli {

std::string version_text(const char* step)
{
  return std::string("ccaas-builder ") + step + " " + k_version + " (commit " + k_git_commit + ")\n"
         + "built with libcurl " LIBCURL_VERSION ", OpenSSL " OPENSSL_FULL_VERSION_STR ", nghttp2 " NGHTTP2_VERSION
           ", c-ares " ARES_VERSION_STR "\n";
}

} // namespace ccaas::cli
