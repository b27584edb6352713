#pragma once

#include "ccaas/probe/grpc_call.hpp"
#include "ccaas/probe/resolve.hpp"
#include "ccaas/probe/session.hpp"
#include "ccaas/util/fd.hpp"

#include <vector>

// The probe's stages, in the order the peer meets them; each records its result in the
// session's report and returns whether the next may run. One file each: stage_<name>.cpp.
namespace ccaas::probe {

// dns: the host resolves (or is an IP address); every address.
bool dns_stage(Session& session, std::vector<Endpoint>& endpoints);

// tcp: every address at once, and which one the peer's dialer would reach within the dial
// timeout (dial_order.hpp). The connected socket of that one, or an empty UniqueFd.
UniqueFd tcp_stage(Session& session, const std::vector<Endpoint>& endpoints, Endpoint& chosen);

// tls, http2, grpc: read off the first stream of the connection the peer would make.
bool tls_stage(Session& session, const CallResult& result, const Endpoint& endpoint);
bool http2_stage(Session& session, const CallResult& result, const Endpoint& endpoint);
bool grpc_stage(Session& session, const CallResult& result);

// mtu: a second stream on the same connection whose request fills full-size segments, as the
// peer's first proposals do; it must get an answer within the dial timeout.
bool mtu_stage(Session& session, ConnectCall& call);

// ccid: the chaincode ID the server registered with is the one the peer launches.
void ccid_stage(Session& session);

// The server accepted the connection and then closed or reset it, or never said anything:
// shared by the stages that wait for its first bytes (tls, http2). True when it failed the stage.
bool fail_on_silence(Session& session, Stage stage, double ms, const CallResult& result);

} // namespace ccaas::probe
