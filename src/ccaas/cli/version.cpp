#include "ccaas/cli/version.hpp"

#include "ccaas/util/linked.hpp"
#include "ccaas/version.hpp"

// Headers only: version macros, no code.
#include <ares_version.h>
#include <curl/curlver.h>
#include <nghttp2/nghttp2ver.h>
#include <openssl/opensslv.h>

#include <vector>

// Each library's report of itself, defined beside the code that uses it. Weak: a binary that
// does not link that code (detect links neither OpenSSL nor libcurl) leaves the name null here,
// and asking pulls nothing in.
namespace ccaas {
namespace probe {
[[gnu::weak]] std::vector<LinkedLibrary> curl_libraries();
[[gnu::weak]] LinkedLibrary cares_library();
} // namespace probe
namespace tls {
[[gnu::weak]] LinkedLibrary openssl_library();
}
namespace contract {
[[gnu::weak]] LinkedLibrary yaml_cpp_library();
}
namespace file {
[[gnu::weak]] LinkedLibrary zlib_library();
}
namespace json {
LinkedLibrary nlohmann_json_library(); // every step reads JSON
}
namespace watch {
[[gnu::weak]] LinkedLibrary httplib_library();
}
} // namespace ccaas

namespace ccaas::cli {

std::vector<LinkedLibrary> linked_libraries()
{
  std::vector<LinkedLibrary> out;
  const auto add = [&out](LinkedLibrary library) {
    for (const LinkedLibrary& seen : out) {
      if (seen.name == library.name) {
        return; // zlib, under libcurl and the tar reader alike
      }
    }
    out.push_back(std::move(library));
  };
  if (probe::curl_libraries != nullptr) {
    for (LinkedLibrary& library : probe::curl_libraries()) {
      add(std::move(library));
    }
  }
  if (probe::cares_library != nullptr) {
    add(probe::cares_library());
  }
  if (tls::openssl_library != nullptr) {
    add(tls::openssl_library());
  }
  if (file::zlib_library != nullptr) {
    add(file::zlib_library());
  }
  if (contract::yaml_cpp_library != nullptr) {
    add(contract::yaml_cpp_library());
  }
  if (watch::httplib_library != nullptr) {
    add(watch::httplib_library());
  }
  add(json::nlohmann_json_library());
  return out;
}

namespace {

// The machine the program was built for, as Go and Docker name platforms.
constexpr const char* k_platform =
#if defined(__aarch64__)
  "linux/arm64";
#elif defined(__x86_64__)
  "linux/amd64";
#else
  "linux/unknown";
#endif

} // namespace

std::string version_text(const char* step, bool verbose)
{
  std::string text = version_text(step);
  if (verbose) {
    text += std::string("platform: ") + k_platform + "\n";
    for (const LinkedLibrary& library : linked_libraries()) {
      text += "linked: " + library.name + " " + library.version + " (" + library.source + ")\n";
    }
  }
  return text;
}

std::string version_text(const char* step)
{
  return std::string("ccaas-builder ") + step + " " + k_version + " (commit " + k_git_commit + ")\n"
         + "built with libcurl " LIBCURL_VERSION ", OpenSSL " OPENSSL_FULL_VERSION_STR ", nghttp2 " NGHTTP2_VERSION
           ", c-ares " ARES_VERSION_STR "\n";
}

} // namespace ccaas::cli
