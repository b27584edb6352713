#pragma once

#include "ccaas/probe/deadline.hpp"
#include "ccaas/probe/resolve.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ccaas::probe {

struct CallTarget {
  Endpoint endpoint;
  std::string server_name; // the name TLS checks the certificate against; also the :authority
  std::uint16_t port = 0;
  bool tls = false;
  std::string root_cert;
  std::string client_cert; // empty: no client certificate is offered
  std::string client_key;
};

// What the TLS handshake showed, recorded from inside OpenSSL's callbacks.
struct TlsObservation {
  bool handshake_done = false;
  double handshake_ms = 0;
  std::string alpn;                   // the protocol the server selected, "" when none
  bool client_cert_requested = false; // the server sent a CertificateRequest
  long verify_error = 0;              // X509_V_OK when the chain verified
  std::string verify_subject;         // the certificate the chain check failed on
  std::string verify_issuer;
  bool have_leaf = false;
  std::string leaf_subject;
  std::vector<std::string> leaf_names;
};

struct CallResult {
  int curl_code = 0;      // CURLcode
  std::string curl_error; // curl's error buffer
  bool cancelled = false;
  bool timed_out = false; // the response deadline passed
  long http_version = 0;  // 2 for HTTP/2, 1 for HTTP/1.x, 0 when no response
  long status = 0;
  double headers_ms = -1;                     // when the response headers arrived
  double message_ms = -1;                     // when the first gRPC message was complete
  std::map<std::string, std::string> headers; // lowercase names, trailers included
  std::string body;
  TlsObservation tls;
};

// Opens the stream the peer opens, POST /protos.Chaincode/Connect, on the already connected
// socket fd (handed over to curl), with an empty request body, and reads the reply until the
// first gRPC message and the end of the stream. HTTP/2 with prior knowledge in plaintext, ALPN
// h2 over TLS 1.2+ verified against root_cert only. The handshake must finish by dial_deadline,
// the response by response_deadline.
CallResult call_chaincode_connect(int fd,
                                  const CallTarget& target,
                                  const Deadline& dial_deadline,
                                  const Deadline& response_deadline,
                                  const Cancel& cancel);

} // namespace ccaas::probe
