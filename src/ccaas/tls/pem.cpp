#include "ccaas/tls/pem.hpp"

#include "ccaas/util/c_ptr.hpp"
#include "ccaas/util/linked.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace ccaas::tls {

namespace {

using BioPtr = CPtr<BIO, BIO_free>;
using X509Ptr = CPtr<X509, X509_free>;
using KeyPtr = CPtr<EVP_PKEY, EVP_PKEY_free>;

BioPtr memory_bio(std::string_view text)
{
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::int64_t to_epoch(const ASN1_TIME* time)
{
  struct tm tm = {};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    return 0;
  }
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string subject_of(X509* cert)
{
  BioPtr out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(size > 0 ? size : 0));
}

std::vector<std::string> names_of(X509* cert)
{
  std::vector<std::string> names;
  auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (sans == nullptr) {
    return names;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans, i);
    if (name->type == GEN_DNS) {
      const ASN1_STRING* s = name->d.dNSName;
      names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                         static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      char text[64] = {};
      const unsigned char* bytes = ASN1_STRING_get0_data(ip);
      if (ASN1_STRING_length(ip) == 4) {
        snprintf(text, sizeof text, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
        names.emplace_back(text);
      } else if (ASN1_STRING_length(ip) == 16) {
        std::string v6;
        for (int b = 0; b < 16; b += 2) {
          snprintf(text, sizeof text, "%s%x", b == 0 ? "" : ":", (bytes[b] << 8) | bytes[b + 1]);
          v6 += text;
        }
        names.push_back(v6);
      }
    }
  }
  GENERAL_NAMES_free(sans);
  return names;
}

std::string ordinal(std::size_t n)
{
  return "block " + std::to_string(n);
}

// Refuse encrypted keys: the peer has no passphrase to give.
int no_passphrase(char*, int, int, void*)
{
  return -1;
}

} // namespace

PemResult parse_certificates(std::string_view pem)
{
  PemResult result;
  if (pem.find("-----BEGIN") == std::string_view::npos) {
    result.error = "holds no PEM block";
    if (const std::string hint = not_pem_hint(pem); !hint.empty()) {
      result.error += ": " + hint;
    }
    return result;
  }
  BioPtr bio = memory_bio(pem);
  for (std::size_t index = 1;; ++index) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long length = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1) {
      const unsigned long err = ERR_peek_last_error();
      ERR_clear_error();
      if (ERR_GET_REASON(err) != PEM_R_NO_START_LINE) {
        result.error = ordinal(index) + " is not well-formed PEM (damaged base64 or a missing END line)";
      }
      break;
    }
    const std::string type = name;
    OPENSSL_free(name);
    OPENSSL_free(header);
    if (type != "CERTIFICATE") {
      OPENSSL_free(data);
      // Lowercase, so that no message ever carries the words of a key's PEM armour.
      std::string kind = type;
      for (char& c : kind) {
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
      result.error = ordinal(index) + " is a " + kind + ", not a certificate";
      if (kind.find("private key") != std::string::npos) {
        result.error += ": a private key does not belong here";
      }
      return result;
    }
    const unsigned char* cursor = data;
    X509Ptr cert(d2i_X509(nullptr, &cursor, length));
    OPENSSL_free(data);
    ERR_clear_error();
    if (!cert) {
      result.error = ordinal(index) + ": the CERTIFICATE does not parse as X.509";
      return result;
    }
    result.certificates.push_back(certificate_info(cert.get()));
  }
  if (result.error.empty() && result.certificates.empty()) {
    result.error = "holds no CERTIFICATE block";
  }
  return result;
}

std::string check_private_key(std::string_view key_pem, std::string_view cert_pem)
{
  if (key_pem.find("-----BEGIN") == std::string_view::npos) {
    std::string error = "holds no PEM block";
    if (const std::string hint = not_pem_hint(key_pem); !hint.empty()) {
      error += ": " + hint;
    }
    return error;
  }
  if (key_pem.find("ENCRYPTED") != std::string_view::npos) {
    return "is an encrypted private key: the peer cannot decrypt it; store it unencrypted (mode 0600)";
  }
  BioPtr key_bio = memory_bio(key_pem);
  KeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr));
  ERR_clear_error();
  if (!key) {
    return "does not parse as a PEM private key";
  }
  BioPtr cert_bio = memory_bio(cert_pem);
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!cert) {
    return {}; // the certificate's own check reports it
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return "does not match client_cert (the key belongs to another certificate)";
  }
  return {};
}

CertificateInfo certificate_info(X509* cert)
{
  return CertificateInfo{
    subject_of(cert), names_of(cert), to_epoch(X509_get0_notBefore(cert)), to_epoch(X509_get0_notAfter(cert))};
}

std::string certificate_der(X509* cert)
{
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert, &der);
  if (length <= 0) {
    return {};
  }
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

bool certificate_names_host(std::string_view der, const std::string& host)
{
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!cert) {
    ERR_clear_error();
    return false;
  }
  // Go (1.15 and later) checks subject alternative names only, never the CN; an IP address
  // only against IP SANs.
  int matched = X509_check_ip_asc(cert.get(), host.c_str(), 0);
  if (matched < 0) { // not an IP address
    matched = X509_check_host(cert.get(),
                              host.data(),
                              host.size(),
                              X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
                              nullptr);
  }
  ERR_clear_error();
  return matched == 1;
}

std::string not_pem_hint(std::string_view text)
{
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    return {};
  }
  text.remove_prefix(start);
  if (text.front() == '/' || text.substr(0, 2) == "./" || text.ends_with(".pem") || text.ends_with(".crt")
      || text.ends_with(".key")) {
    return "it looks like a file path; the peer reads the PEM text itself, not a path";
  }
  // "LS0tLS1CRUdJTi" is base64 for "-----BEGIN"
  if (text.substr(0, 14) == "LS0tLS1CRUdJTi") {
    return "it is base64-encoded PEM; put the decoded PEM text here (base64 -d)";
  }
  return {};
}

LinkedLibrary openssl_library()
{
  return {"OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING), "OpenSSL_version"}; // "3.0.17"
}

} // namespace ccaas::tls
