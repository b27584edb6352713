#include "ccaas/probe/stages.hpp"

namespace ccaas::probe {

bool http2_stage(Session& session, const CallResult& result, const Endpoint& endpoint)
{
  const double tls_ms = session.target.tls ? result.tls.handshake_ms : 0;
  const double ms = result.headers_ms >= 0 ? result.headers_ms - tls_ms : 0;
  if (result.http_version == 2 && result.headers_ms >= 0) {
    session.pass(
      Stage::http2, ms, "HTTP/2 " + std::to_string(result.status) + (session.target.tls ? "" : " (prior knowledge)"));
    return true;
  }
  const std::string http1_hint =
    "gRPC needs HTTP/2: address points at a web server or an HTTP/1 proxy or ingress, not the chaincode's gRPC port";
  if (result.http_version == 1) {
    session.fail(
      Stage::http2, ms, "HTTP/1.x " + std::to_string(result.status), "the server speaks HTTP/1 only", http1_hint);
    return false;
  }
  // A server that said nothing before it closed, reset or went quiet: no second look could tell
  // more, and it would cost another wait.
  if (fail_on_silence(session, Stage::http2, result.ended_ms - tls_ms, result)) {
    return false;
  }
  if (!session.target.tls && !result.timed_out && session.second_look(endpoint) == Protocol::http1) {
    session.fail(Stage::http2, ms, result.curl_error, "the server speaks HTTP/1 only", http1_hint);
    return false;
  }
  if (result.timed_out) {
    session.fail(Stage::http2,
                 ms,
                 "no HTTP/2 response",
                 "the server answered, but sent no HTTP/2 response within the dial timeout (" + session.dial_text()
                   + ")",
                 "the server accepted the connection but did not answer HTTP/2: is it the chaincode server?");
    return false;
  }
  session.fail(Stage::http2,
               ms,
               result.curl_error,
               "no HTTP/2 answer: " + result.failure,
               "check that address points at the chaincode server's gRPC port");
  return false;
}

} // namespace ccaas::probe
