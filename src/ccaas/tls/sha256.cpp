#include "ccaas/tls/sha256.hpp"

#include "ccaas/util/c_ptr.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace ccaas::tls {

std::string sha256_file_hex(const std::filesystem::path& path)
{
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    throw Failure(path.string() + ": cannot read: " + std::strerror(errno));
  }
  const CPtr<EVP_MD_CTX, EVP_MD_CTX_free> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    throw Failure(path.string() + ": cannot hash: OpenSSL has no SHA-256");
  }
  std::vector<char> buffer(64 * 1024);
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      // A hash of part of the file would be another package ID: fail instead.
      throw Failure(path.string() + ": cannot read: " + std::strerror(errno));
    }
    if (n == 0) {
      break;
    }
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(n));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += k_hex[digest[i] >> 4];
    hex += k_hex[digest[i] & 0xf];
  }
  return hex;
}

} // namespace ccaas::tls
