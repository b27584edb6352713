#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct x509_st;

// PEM checks for connection.json's TLS fields. The only code besides the probe that uses
// OpenSSL; messages name what is wrong and never quote the PEM.
namespace ccaas::tls {

struct CertificateInfo {
  std::string subject;            // one line, RFC 2253
  std::vector<std::string> names; // DNS and IP subject alternative names
  std::int64_t not_before = 0;    // seconds since the epoch
  std::int64_t not_after = 0;
};

struct PemResult {
  std::vector<CertificateInfo> certificates;
  std::string error; // non-empty on failure
};

// Every CERTIFICATE block must parse, and there must be at least one. A private key or other
// non-certificate block is an error (it does not belong in the field).
PemResult parse_certificates(std::string_view pem);

// An unencrypted private key that parses and belongs to the first certificate of cert_pem.
// Returns an error text, empty when the pair is good.
std::string check_private_key(std::string_view key_pem, std::string_view cert_pem);

// Subject, names and validity of a parsed certificate (an OpenSSL X509*).
CertificateInfo certificate_info(x509_st* cert);

// The certificate's DER encoding, for keeping it beyond the callback that saw it.
std::string certificate_der(x509_st* cert);

// Whether a certificate (DER) is valid for host the way Go's TLS client checks it: DNS subject
// alternative names (a wildcard only as the whole leftmost label), IP SANs for an IP address,
// never the CN.
bool certificate_names_host(std::string_view der, const std::string& host);

// A hint when text is not PEM but looks like a common mistake: base64 of a PEM file, or a path.
std::string not_pem_hint(std::string_view text);

} // namespace ccaas::tls
