#pragma once

#include <string>
#include <vector>

// Test certificates made with OpenSSL at run time: P-256 keys, a CA, and leaves it issues.
namespace test_support {

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

struct CertSpec {
  CertSpec(std::string cn,
           std::vector<std::string> dns = {},
           long not_before = -3600,
           long not_after = 365L * 24 * 3600)
    : common_name(std::move(cn))
    , dns_names(std::move(dns))
    , not_before_offset(not_before)
    , not_after_offset(not_after)
  {
  }

  std::string common_name;
  std::vector<std::string> dns_names; // an all-digit name becomes an IP SAN
  long not_before_offset;             // seconds from now
  long not_after_offset;              // seconds from now
};

KeyPair make_ca(const CertSpec& spec);
KeyPair issue(const KeyPair& ca, const CertSpec& spec);

} // namespace test_support
