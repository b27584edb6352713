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
    const char* how = socket.reset_by_peer() ? "reset" : "closed";
    session.fail(stage,
                 ms,
                 std::string(how) + " by the server before it sent a byte",
                 std::string("the connection was accepted, then ") + how
                   + " before the server said anything: what a proxy or load balancer with no ready backend does",
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
                 "a hung chaincode process, or a port that belongs to something else: check what listens on port "
                   + port + " on the chaincode's node (ss -ltnp) and the chaincode server's log");
    return true;
  }
  return false;
}

} // namespace ccaas::probe
