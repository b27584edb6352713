#pragma once

#include "ccaas/probe/deadline.hpp"
#include "ccaas/probe/resolve.hpp"
#include "ccaas/probe/socket_info.hpp"
#include "ccaas/probe/tls_observe.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ccaas::probe {

struct CallTarget {
  Endpoint endpoint;
  std::string server_name; // the name sent as SNI and :authority (the peer's TLS server name)
  std::uint16_t port = 0;
  bool tls = false;
  std::string root_cert;
  std::string client_cert; // empty: no client certificate is offered
  std::string client_key;
};

struct CallResult {
  int curl_code = 0;       // CURLcode
  std::string curl_error;  // curl's error buffer, shown as a stage's detail only: verdicts read numbers
  std::string failure;     // what curl_code means, in the probe's own words ("" when it is 0)
  std::string setup_error; // the probe could not set the stream up (its own trouble): nothing was sent
  bool cancelled = false;
  bool timed_out = false;      // the deadline passed
  bool new_connection = false; // a later stream could not reuse the connection
  long http_version = 0;       // 2 for HTTP/2, 1 for HTTP/1.x, 0 when no response
  long status = 0;
  double ended_ms = 0;                        // when the stream ended, or the wait for it did
  double headers_ms = -1;                     // when the response headers arrived
  double message_ms = -1;                     // when the first gRPC message was complete
  std::map<std::string, std::string> headers; // lowercase names, trailers included
  std::string body;
  TlsObservation tls;
  SocketInfo socket; // the connection as the stream ended (or as curl closed it)
};

// The connection the peer makes, on the socket the tcp stage connected (handed over to curl):
// HTTP/2 with prior knowledge in plaintext, ALPN h2 over TLS 1.2+ verified against root_cert
// only. Each stream is POST /protos.Chaincode/Connect with an empty request body, as the peer
// opens it; the reply is read until the first gRPC message and the end of the stream.
class ConnectCall
{
public:
  ConnectCall(int fd, CallTarget target, const Cancel& cancel);
  ~ConnectCall();
  ConnectCall(const ConnectCall&) = delete;
  ConnectCall& operator=(const ConnectCall&) = delete;

  // One stream. Until the response headers arrive the first deadline applies, then the second.
  // padding > 0 adds a request header of that many bytes, which a gRPC server ignores: a stream
  // whose request cannot fit in a small packet. A later stream reuses the connection.
  CallResult stream(const Deadline& before_headers, const Deadline& after_headers, std::size_t padding = 0);

  // The connection now, or as it was when curl closed it.
  SocketInfo socket_info() const;

  struct State;

private:
  std::unique_ptr<State> m_state;
};

} // namespace ccaas::probe
