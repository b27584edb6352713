// PEM certificates and keys as connection.json's TLS fields carry them.
#include "ccaas/tls/pem.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto parsed = ccaas::tls::parse_certificates(input);
  if (parsed.error.find("-----BEGIN") != std::string::npos) {
    __builtin_trap(); // a message never quotes PEM
  }
  (void)ccaas::tls::check_private_key(input, input);
  (void)ccaas::tls::not_pem_hint(input);
  return 0;
}
