#pragma once

#include <cstdint>
#include <string>
#include <vector>

// What a TLS handshake showed the probe, recorded from inside OpenSSL's own callbacks (the chain
// check, the handshake's states, the alerts), as numbers and names: the TLS stage's verdicts read
// these, never a library's message.
namespace ccaas::probe {

// What the TLS handshake showed, recorded from inside OpenSSL's callbacks, as numbers.
struct TlsObservation {
  bool server_hello_seen = false; // the server answered the ClientHello with a ServerHello
  bool handshake_done = false;
  double handshake_ms = 0;
  std::string alpn;                   // the protocol the server selected, "" when none
  bool client_cert_requested = false; // the server sent a CertificateRequest
  int alert_received = -1;            // the TLS alert the server sent (SSL_AD_*), -1 when none
  long verify_error = 0;              // X509_V_OK when the chain verified
  std::string verify_subject;         // the certificate the chain check failed on
  std::string verify_issuer;
  std::int64_t verify_not_before = 0; // its validity, seconds since the epoch
  std::int64_t verify_not_after = 0;
  bool have_leaf = false;
  std::string leaf_subject;
  std::vector<std::string> leaf_names;
  std::int64_t leaf_not_after = 0; // the server's certificate's expiry, seconds since the epoch
  std::string leaf_der;            // the server's certificate, for checking names the way each peer does
};

// Makes every handshake of this SSL_CTX record into observed: OpenSSL's verify and info
// callbacks, with observed as the context's ex data. False when it cannot (no verdict could
// then be read, so the stream must not go on).
bool observe_tls(void* ssl_ctx, TlsObservation* observed);

} // namespace ccaas::probe
