#include "ccaas/probe/stages.hpp"
#include "ccaas/util/text.hpp"

namespace ccaas::probe {

bool dns_stage(Session& session, std::vector<Endpoint>& endpoints)
{
  const Clock::time_point start = Clock::now();
  const std::string& host = session.target.address.host;
  const ResolveResult result = resolve(host, session.target.address.port, session.dial, session.cancel);
  const double ms = ms_since(start);
  if (result.status == ResolveStatus::cancelled) {
    session.mark_cancelled();
    return false;
  }
  if (result.status == ResolveStatus::literal) {
    endpoints = result.endpoints;
    session.pass(Stage::dns, ms, host + " is an IP address: no lookup");
    return true;
  }
  if (result.status == ResolveStatus::ok) {
    endpoints = result.endpoints;
    std::vector<std::string> ips;
    ips.reserve(endpoints.size());
    for (const Endpoint& e : endpoints) {
      ips.push_back(e.ip());
    }
    std::string detail = host + " resolves to " + join(ips);
    if (!result.answered_as.empty() && lowercase(result.answered_as) != lowercase(host)) {
      // A short name completed by the search list: the first domain is the pod's own namespace.
      detail += " as " + result.answered_as + " (the search list of " + result.resolv_conf + ")";
      session.name_note = host + " resolved as " + result.answered_as + " through the peer's search list ("
                          + result.resolv_conf
                          + "), which tries the peer's own namespace first: a chaincode in "
                            "another namespace needs "
                          + host + ".<namespace> in address";
    }
    session.pass(Stage::dns, ms, detail);
    return true;
  }
  const bool short_name = host.find('.') == std::string::npos;
  std::string error;
  std::string hint;
  switch (result.status) {
    case ResolveStatus::not_found:
      error = host + " does not resolve (NXDOMAIN)";
      if (result.candidates.size() > 1) {
        error += ": tried " + join(result.candidates) + " (the search list and ndots of " + result.resolv_conf
                 + "), and none answered";
      }
      hint = short_name ? "a short Service name resolves only in the peer's own namespace: write " + host
                            + ".<namespace>.svc.cluster.local, or check the Service's name"
                        : "check the name, and that the Service exists in the namespace the name says";
      if (lowercase(host) == "host.docker.internal") {
        hint = "host.docker.internal exists only where Docker Desktop adds it: elsewhere add it (docker run "
               "--add-host host.docker.internal:host-gateway, compose extra_hosts, Kubernetes hostAliases), or use "
               "the chaincode server's own name";
      }
      break;
    case ResolveStatus::no_address:
      error = host + " exists but has no address (no A or AAAA record)";
      hint = "a headless Service without ready pods has none: check that the chaincode pod is Ready";
      break;
    case ResolveStatus::timeout:
      error = "no DNS answer for " + host + " within the dial timeout (" + session.dial_text() + ")";
      hint = "the peer's DNS server is slow or unreachable: check the peer pod's /etc/resolv.conf and that the "
             "cluster DNS answers from this node, or raise dial_timeout";
      break;
    case ResolveStatus::no_server:
    case ResolveStatus::server_failure:
      error = "the DNS server gave no usable answer for " + host + " (" + result.error + ")";
      hint = "check the cluster DNS (CoreDNS) and the nameserver lines of the peer's /etc/resolv.conf";
      break;
    default:
      error = "cannot resolve " + host + ": " + result.error;
      hint = "check the name in address";
      break;
  }
  session.fail(Stage::dns, ms, error, error, hint);
  return false;
}

} // namespace ccaas::probe
