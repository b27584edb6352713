#include "ccaas/probe/dial_order.hpp"
#include "ccaas/probe/report.hpp"
#include "ccaas/probe/stages.hpp"
#include "ccaas/probe/tcp_connect.hpp"

#include <netinet/in.h>

#include <cerrno>

namespace ccaas::probe {

namespace {

std::vector<AddressAttempt> model_of(const std::vector<ConnectAttempt>& attempts)
{
  std::vector<AddressAttempt> model;
  model.reserve(attempts.size());
  for (const ConnectAttempt& a : attempts) {
    // An attempt that never answered counts as pending: the peer waits out its share on it.
    const bool silent = a.outcome == ConnectOutcome::pending || a.outcome == ConnectOutcome::timed_out
                        || a.outcome == ConnectOutcome::abandoned;
    const AttemptState state = silent                                   ? AttemptState::pending
                               : a.outcome == ConnectOutcome::connected ? AttemptState::connected
                                                                        : AttemptState::failed;
    model.push_back({a.endpoint.addr.ss_family == AF_INET6, state, a.ms});
  }
  return model;
}

std::string describe(const ConnectAttempt& attempt)
{
  const std::string where = attempt.endpoint.ip();
  switch (attempt.outcome) {
    case ConnectOutcome::connected:
      return where + " connected in " + ms_text(attempt.ms);
    case ConnectOutcome::refused:
      return where + " refused"
             + (attempt.offender.empty() || attempt.offender == where ? "" : " by " + attempt.offender);
    case ConnectOutcome::timed_out:
      return where + " no answer in " + ms_text(attempt.ms);
    case ConnectOutcome::unreachable:
      return where + " unreachable (" + attempt.error
             + (attempt.offender.empty() ? "" : ", said by " + attempt.offender) + ")";
    case ConnectOutcome::abandoned:
      return where + " still silent after " + ms_text(attempt.ms);
    default:
      return where + " " + attempt.error;
  }
}

// The addresses before index until that did not connect: those the peer's dialer spends time on.
std::string failed_before(const std::vector<ConnectAttempt>& attempts, int until)
{
  std::vector<std::string> ips;
  for (int i = 0; i < until && i < static_cast<int>(attempts.size()); ++i) {
    const ConnectAttempt& a = attempts[static_cast<std::size_t>(i)];
    if (a.outcome != ConnectOutcome::connected) {
      ips.push_back(a.endpoint.ip());
    }
  }
  return join(ips);
}

} // namespace

UniqueFd tcp_stage(Session& session, const std::vector<Endpoint>& endpoints, Endpoint& chosen)
{
  const double timeout_ms = static_cast<double>(session.target.dial_timeout) / 1e6;
  DialVerdict verdict;
  ConnectResult result =
    connect_all(endpoints, session.dial, session.cancel, [&verdict, timeout_ms](const auto& attempts, double elapsed) {
      verdict = peer_dial_verdict(model_of(attempts), elapsed, timeout_ms);
      return verdict.determined;
    });
  if (result.cancelled) {
    session.mark_cancelled();
    return UniqueFd();
  }
  if (!verdict.determined) {
    verdict = peer_dial_verdict(model_of(result.attempts), timeout_ms, timeout_ms);
  }
  std::vector<std::string> parts;
  double ms = 0;
  bool refused = false;
  bool timed_out = false;
  int unreachable_errno = 0;
  const ConnectAttempt* unreachable = nullptr;
  const ConnectAttempt* refused_elsewhere = nullptr; // refused by an ICMP error from another address
  int answered = -1;
  for (std::size_t i = 0; i < result.attempts.size(); ++i) {
    const ConnectAttempt& attempt = result.attempts[i];
    parts.push_back(describe(attempt));
    ms = std::max(ms, attempt.ms);
    refused = refused || attempt.outcome == ConnectOutcome::refused;
    timed_out = timed_out || attempt.outcome == ConnectOutcome::timed_out;
    if (attempt.outcome == ConnectOutcome::unreachable) {
      unreachable_errno = attempt.errno_value;
      unreachable = &attempt;
    }
    if (attempt.outcome == ConnectOutcome::refused && !attempt.offender.empty()
        && attempt.offender != attempt.endpoint.ip() && refused_elsewhere == nullptr) {
      refused_elsewhere = &attempt;
    }
    if (attempt.outcome == ConnectOutcome::connected && answered < 0) {
      answered = static_cast<int>(i);
    }
  }
  const std::string host = session.target.address.host;
  const std::string port = std::to_string(session.target.address.port);
  if (verdict.connects) {
    const auto winner = static_cast<std::size_t>(*verdict.winner);
    chosen = result.attempts[winner].endpoint;
    if (winner > 0) {
      session.warn("of the addresses of " + host + ", " + failed_before(result.attempts, *verdict.winner)
                   + " did not connect: the peer's dialer tries them first and reaches " + chosen.ip() + " after about "
                   + ms_text(verdict.at_ms) + " of its " + session.dial_text()
                   + " dial timeout; remove the dead addresses from " + host);
    }
    // The time the peer's dialer would take, dead addresses first included.
    session.pass(Stage::tcp, std::max(verdict.at_ms, result.attempts[winner].ms), join(parts, "; "));
    return UniqueFd(result.take(winner));
  }
  std::string error;
  std::string hint;
  if (answered >= 0) {
    // Some address answers, but not within the share of time the peer's dialer would give it.
    const std::string live = result.attempts[static_cast<std::size_t>(answered)].endpoint.ip();
    const std::string dead = failed_before(result.attempts, answered);
    error = live + " answers, but the peer's dialer would not reach it within the dial timeout (" + session.dial_text()
            + "): it spends that time on " + dead + " first, which "
            + (dead.find(',') == std::string::npos ? "does" : "do") + " not answer";
    hint = "Go's dialer tries a name's addresses in order and gives each an equal share of dial_timeout (at least "
           "2s): remove the dead addresses from "
           + host + " (a stale DNS record, an old pod IP), or raise dial_timeout to 2s per dead address and more";
  } else if (timed_out) {
    error =
      "no answer from port " + port + " within the dial timeout (" + session.dial_text() + "): packets are dropped";
    hint = "filtered or blackholed: a NetworkPolicy, a firewall or node routing between the peer and the chaincode";
  } else if (refused && refused_elsewhere != nullptr) {
    error = "connection to " + refused_elsewhere->endpoint.ip() + " port " + port + " refused by "
            + refused_elsewhere->offender
            + ", not by the server: a router, a node or a firewall rejected it (ICMP), so nothing is known of the "
              "server itself";
    hint = "a Service with no ready endpoints (kube-proxy rejects its address with ICMP), a NetworkPolicy or a "
           "firewall REJECT rule on "
           + refused_elsewhere->offender
           + ": check the Service's endpoints (kubectl get endpointslices), that the chaincode pod is Ready, and "
             "the rules between the peer and the chaincode";
  } else if (refused) {
    error = "connection refused on port " + port + ": nothing listens there";
    hint = "check the chaincode server's listen port and bind address (0.0.0.0, not 127.0.0.1), and the "
           "Service's port and targetPort; and that the chaincode was started as a server "
           "(shim.ChaincodeServer, fabric-chaincode-node server, CHAINCODE_SERVER_ADDRESS set): one started as a "
           "client dials the peer instead of listening, and the peer logs \"peer will not accept external "
           "chaincode connection ... (except in dev mode)\"";
  } else if (unreachable_errno == EHOSTUNREACH && unreachable != nullptr && unreachable->offender_local) {
    error = "no host has this address: " + unreachable->endpoint.ip()
            + " is on this node's network and nothing answers for it (no ARP or neighbour answer)";
    hint = "an address left by a pod that is gone (a stale DNS record, a pod IP written into connection.json): "
           "use the chaincode's Service name, and check that the chaincode pod runs";
  } else if (unreachable_errno == EHOSTUNREACH) {
    error = "host unreachable: "
            + (unreachable != nullptr && !unreachable->offender.empty()
                 ? unreachable->offender + " answered with ICMP host unreachable"
                 : std::string("no route to the chaincode server's address, or a router or "
                               "firewall answered with ICMP host unreachable"));
    hint = "check the routes between the peer's node and the chaincode's node, and any firewall that rejects the "
           "port";
  } else if (unreachable_errno != 0 && unreachable != nullptr && !unreachable->offender.empty()
             && !unreachable->offender_local) {
    error = "network unreachable, said by " + unreachable->offender
            + ": no route from there to the chaincode "
              "server's address";
    hint = "check the address, and the routing between the peer's node and the chaincode's";
  } else if (unreachable_errno != 0) {
    error = "network unreachable: this node has no route to the chaincode server's address";
    hint = "check the address and the routing between the peer's node and the chaincode's";
  } else {
    error = "cannot connect to port " + port;
    hint = "check the address";
  }
  session.fail(Stage::tcp, ms, join(parts, "; "), error, hint);
  return UniqueFd();
}

} // namespace ccaas::probe
