#include "ccaas/probe/probe.hpp"

#include "ccaas/contract/connection.hpp"
#include "ccaas/probe/stages.hpp"
#include "ccaas/util/duration.hpp"

#include <algorithm>

namespace ccaas::probe {

namespace {

// After the response headers, how long the server may take with its first message.
constexpr std::int64_t k_min_response_budget = 2 * duration::k_nanos_per_second;

void run_stages(Session& session)
{
  const ProbeTarget& target = session.target;
  std::vector<Endpoint> endpoints;
  if (!dns_stage(session, endpoints) || session.cancelled()) {
    return;
  }
  Endpoint endpoint;
  UniqueFd socket = tcp_stage(session, endpoints, endpoint);
  if (socket.get() < 0 || session.cancelled()) {
    return;
  }
  ConnectCall call(socket.release(),
                   {endpoint,
                    target.server_name,
                    target.address.port,
                    target.tls,
                    target.root_cert,
                    target.client_auth ? target.client_cert : "",
                    target.client_auth ? target.client_key : ""},
                   session.cancel);
  const CallResult first =
    call.stream(session.dial, session.within_limit(std::max(target.dial_timeout, k_min_response_budget)));
  if (first.cancelled || session.cancelled()) {
    session.mark_cancelled();
    return;
  }
  if (!first.setup_error.empty()) {
    session.cannot_check(first.setup_error);
    return;
  }
  if (!tls_stage(session, first, endpoint) || !http2_stage(session, first, endpoint) || !grpc_stage(session, first)
      || !mtu_stage(session, call)) {
    return;
  }
  ccid_stage(session);
}

} // namespace

const char* stage_name(Stage stage)
{
  switch (stage) {
    case Stage::config:
      return "config";
    case Stage::dns:
      return "dns";
    case Stage::tcp:
      return "tcp";
    case Stage::tls:
      return "tls";
    case Stage::http2:
      return "http2";
    case Stage::grpc:
      return "grpc";
    case Stage::mtu:
      return "mtu";
    case Stage::ccid:
      return "ccid";
  }
  return "?";
}

ProbeTarget target_for(const contract::Connection& connection,
                       std::optional<std::string> expected_ccid,
                       std::optional<std::int64_t> dial_timeout_override)
{
  ProbeTarget target;
  target.address = connection.address;
  // Fabric 3 sets the TLS server name from domain, and only with client authentication
  // (core/container/externalbuilder/instance.go@v3.1.5); Fabric 2.x always uses the host of
  // address. The tls stage checks the certificate against both.
  target.server_name = (connection.tls_required && connection.client_auth_required && !connection.domain.empty())
                         ? connection.domain
                         : connection.address.host;
  target.dial_timeout = dial_timeout_override.value_or(connection.effective_dial_timeout());
  target.tls = connection.tls_required;
  target.client_auth = connection.tls_required && connection.client_auth_required;
  target.root_cert = connection.root_cert;
  target.client_cert = connection.client_cert;
  target.client_key = connection.client_key;
  target.expected_ccid = std::move(expected_ccid);
  return target;
}

ProbeReport run_probe(const ProbeTarget& target, const Cancel& cancel)
{
  Session session(target, cancel);
  const Clock::time_point start = Clock::now();
  run_stages(session);
  session.report.total_ms = ms_since(start);
  session.report.ok = !session.report.failed_stage && !session.report.cancelled && !session.report.unchecked;
  return session.report;
}

} // namespace ccaas::probe
