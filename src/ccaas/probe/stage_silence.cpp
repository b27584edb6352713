#include "ccaas/probe/stages.hpp"

namespace ccaas::probe {

bool fail_on_silence(Session& session, Stage stage, double ms, const CallResult& result)
{
  const SocketInfo& socket = result.socket;
  if (!socket.valid || socket.payload_received() > 0) {
    return false; // the server said something: the stage's own verdicts apply
  }
  const std::string port = std::to_string(session.target.address.port);
  if (socket.closed_by_peer()) {
    // Which came first, a FIN or a reset, depends on the proxy and on when our bytes arrived
    // (haproxy closes, then resets what we sent after; nginx does either): the detail says which,
    // the verdict is one.
    const char* how = socket.fin_received() ? "closed" : "reset";
    session.fail(stage,
                 ms,
                 std::string(how) + " by the server before it sent a byte",
                 "the connection was accepted, then closed or reset before the server said anything: what a proxy "
                 "or load balancer with no ready backend does",
                 "a Service with no ready endpoints behind a service mesh sidecar, an ingress TCP route or a cloud "
                 "load balancer; a chaincode pod that is crash-looping; or a proxy whose targetPort points "
                 "nowhere: check the chaincode pod, the Service's endpoints and the proxy's upstream");
    return true;
  }
  if (result.timed_out) {
    session.fail(stage,
                 ms,
                 "accepted, then nothing came back",
                 "the connection was accepted, but nothing came back within the dial timeout (" + session.dial_text()
                   + ")",
                 "a proxy or load balancer still trying a backend that does not answer (haproxy retries a refused "
                 "backend for about 3s, nginx waits out its proxy_connect_timeout), a hung chaincode process, or a "
                 "port that belongs to something else: check the proxy's upstream and its log, what listens on port "
                   + port + " on the chaincode's node (ss -ltnp), and the chaincode server's log");
    return true;
  }
  return false;
}

} // namespace ccaas::probe
