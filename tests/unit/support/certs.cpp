#include "support/certs.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace test_support {

namespace {

std::string to_pem(int (*write)(BIO*, const X509*), X509* cert)
{
  BIO* bio = BIO_new(BIO_s_mem());
  write(bio, cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

std::string key_to_pem(EVP_PKEY* key)
{
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

EVP_PKEY* read_key(const std::string& pem)
{
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return key;
}

X509* read_cert(const std::string& pem)
{
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) {
    throw std::runtime_error("bad extension " + value);
  }
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

KeyPair make(const CertSpec& spec, X509* issuer, EVP_PKEY* issuer_key, bool is_ca)
{
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), spec.not_before_offset);
  X509_gmtime_adj(X509_getm_notAfter(cert), spec.not_after_offset);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(
    name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  add_ext(cert, issuer != nullptr ? issuer : cert, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (!spec.dns_names.empty()) {
    std::string sans;
    for (const std::string& dns : spec.dns_names) {
      sans += (sans.empty() ? "" : ",")
              + std::string(dns.find_first_not_of("0123456789.") == std::string::npos ? "IP:" : "DNS:") + dns;
    }
    add_ext(cert, issuer != nullptr ? issuer : cert, NID_subject_alt_name, sans);
  }
  X509_sign(cert, issuer_key != nullptr ? issuer_key : key, EVP_sha256());
  KeyPair out{to_pem(PEM_write_bio_X509, cert), key_to_pem(key)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

} // namespace

KeyPair make_ca(const CertSpec& spec)
{
  return make(spec, nullptr, nullptr, true);
}

KeyPair issue(const KeyPair& ca, const CertSpec& spec)
{
  X509* ca_cert = read_cert(ca.cert_pem);
  EVP_PKEY* ca_key = read_key(ca.key_pem);
  KeyPair out = make(spec, ca_cert, ca_key, false);
  X509_free(ca_cert);
  EVP_PKEY_free(ca_key);
  return out;
}

} // namespace test_support
