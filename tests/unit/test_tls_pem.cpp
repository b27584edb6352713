#include "ccaas/tls/pem.hpp"

#include "support/certs.hpp"

#include <doctest/doctest.h>

using namespace ccaas::tls;
using test_support::CertSpec;

TEST_CASE("certificates parse, with their names and validity")
{
  const auto ca = test_support::make_ca({"org1 chaincode CA"});
  const auto leaf = test_support::issue(ca, {"cc", {"cc.org1.example.com", "127.0.0.1"}});
  const PemResult bundle = parse_certificates(ca.cert_pem + leaf.cert_pem);
  REQUIRE(bundle.error.empty());
  REQUIRE(bundle.certificates.size() == 2);
  CHECK(bundle.certificates[0].subject == "CN=org1 chaincode CA");
  CHECK(bundle.certificates[1].names == std::vector<std::string>{"cc.org1.example.com", "127.0.0.1"});
  CHECK(bundle.certificates[1].not_after > bundle.certificates[1].not_before);
}

TEST_CASE("what is not one or more certificates is refused, without quoting it")
{
  const auto ca = test_support::make_ca({"ca"});
  CHECK(parse_certificates("").error == "holds no PEM block");
  CHECK(parse_certificates("/etc/hyperledger/ca.pem").error
        == "holds no PEM block: it looks like a file path; the peer reads the PEM text itself, not a path");
  CHECK(parse_certificates("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==").error
        == "holds no PEM block: it is base64-encoded PEM; put the decoded PEM text here (base64 -d)");
  CHECK(parse_certificates(ca.key_pem).error
        == "block 1 is a private key, not a certificate: a private key does not belong here");
  CHECK(parse_certificates(ca.cert_pem + ca.key_pem).error
        == "block 2 is a private key, not a certificate: a private key does not belong here");

  std::string damaged = ca.cert_pem;
  damaged.replace(damaged.find('\n') + 5, 8, "!!!!!!!!");
  CHECK(parse_certificates(damaged).error == "block 1 is not well-formed PEM (damaged base64 or a missing END line)");

  std::string truncated = ca.cert_pem.substr(0, ca.cert_pem.find("-----END"));
  CHECK(parse_certificates(truncated).error == "block 1 is not well-formed PEM (damaged base64 or a missing END line)");

  const std::string not_x509 = "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
  CHECK(parse_certificates(not_x509).error == "block 1: the CERTIFICATE does not parse as X.509");
  for (const char* text : {"", "/etc/hyperledger/ca.pem"}) {
    CHECK(parse_certificates(text).error.find("BEGIN") == std::string::npos);
  }
}

TEST_CASE("a client key must parse, be unencrypted and match its certificate")
{
  const auto ca = test_support::make_ca({"ca"});
  const auto client = test_support::issue(ca, {"peer0 client"});
  const auto other = test_support::issue(ca, {"other"});
  CHECK(check_private_key(client.key_pem, client.cert_pem).empty());
  CHECK(check_private_key(other.key_pem, client.cert_pem)
        == "does not match client_cert (the key belongs to another certificate)");
  CHECK(check_private_key(client.cert_pem, client.cert_pem) == "does not parse as a PEM private key");
  CHECK(check_private_key("client.key", client.cert_pem)
        == "holds no PEM block: it looks like a file path; the peer reads the PEM text itself, not a path");
  CHECK(check_private_key("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
                          client.cert_pem)
        == "is an encrypted private key: the peer cannot decrypt it; store it unencrypted (mode 0600)");
}
