#include "ccaas/probe/probe.hpp"

#include "ccaas/contract/connection.hpp"
#include "ccaas/contract/duration.hpp"
#include "ccaas/probe/grpc_call.hpp"
#include "ccaas/probe/protocol_sniff.hpp"
#include "ccaas/probe/register_message.hpp"
#include "ccaas/probe/report.hpp"
#include "ccaas/probe/resolve.hpp"
#include "ccaas/probe/tcp_connect.hpp"

#include <curl/curl.h>
#include <openssl/x509_vfy.h>
#include <unistd.h>

#include <cstdio>

namespace ccaas::probe {

namespace {

constexpr std::int64_t k_min_response_budget = 2 * contract::k_nanos_per_second;

std::string join(const std::vector<std::string>& items, const char* separator = ", ")
{
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : separator) + item;
  }
  return out;
}

class Prober
{
public:
  Prober(const ProbeTarget& target, const Cancel& cancel)
    : m_target(target)
    , m_cancel(cancel)
    , m_dial(target.dial_timeout)
  {
    m_report.address = contract::format_address(target.address);
    m_report.ccid_expected = target.expected_ccid;
  }

  ProbeReport run()
  {
    const Clock::time_point start = Clock::now();
    run_stages();
    m_report.total_ms = ms_since(start);
    m_report.ok = !m_report.failed_stage && !m_report.cancelled;
    return m_report;
  }

private:
  void pass(Stage stage, double ms, std::string detail)
  {
    m_report.stages.push_back({stage, true, ms, std::move(detail)});
  }

  void fail(Stage stage, double ms, std::string detail, std::string error, std::string hint)
  {
    m_report.stages.push_back({stage, false, ms, std::move(detail)});
    m_report.failed_stage = stage;
    m_report.error = std::move(error);
    m_report.hint = std::move(hint);
  }

  bool cancelled()
  {
    if (m_cancel.requested()) {
      m_report.cancelled = true;
      m_report.error = "cancelled";
    }
    return m_report.cancelled;
  }

  std::string dial_text() const { return contract::format_go_duration(m_target.dial_timeout); }

  void run_stages()
  {
    std::vector<Endpoint> endpoints;
    if (!resolve_stage(endpoints) || cancelled()) {
      return;
    }
    Endpoint endpoint;
    const int fd = tcp_stage(endpoints, endpoint);
    if (fd < 0 || cancelled()) {
      if (fd >= 0) {
        ::close(fd);
      }
      return;
    }
    CallTarget call{endpoint,
                    m_target.server_name,
                    m_target.address.port,
                    m_target.tls,
                    m_target.root_cert,
                    m_target.client_auth ? m_target.client_cert : "",
                    m_target.client_auth ? m_target.client_key : ""};
    const std::int64_t response_budget = std::max(m_target.dial_timeout, k_min_response_budget);
    const CallResult result = call_chaincode_connect(fd, call, m_dial, Deadline(response_budget), m_cancel);
    if (result.cancelled || cancelled()) {
      m_report.cancelled = true;
      m_report.error = "cancelled";
      return;
    }
    if (!tls_stage(result, endpoint) || !http2_stage(result, endpoint) || !grpc_stage(result)) {
      return;
    }
    ccid_stage();
  }

  bool resolve_stage(std::vector<Endpoint>& endpoints)
  {
    const Clock::time_point start = Clock::now();
    const std::string& host = m_target.address.host;
    const ResolveResult result = resolve(host, m_target.address.port, m_dial, m_cancel);
    const double ms = ms_since(start);
    if (result.status == ResolveStatus::cancelled) {
      m_report.cancelled = true;
      m_report.error = "cancelled";
      return false;
    }
    if (result.status == ResolveStatus::literal) {
      endpoints = result.endpoints;
      pass(Stage::dns, ms, host + " is an IP address: no lookup");
      return true;
    }
    if (result.status == ResolveStatus::ok) {
      endpoints = result.endpoints;
      std::vector<std::string> ips;
      for (const Endpoint& e : endpoints) {
        ips.push_back(e.ip());
      }
      pass(Stage::dns, ms, host + " resolves to " + join(ips));
      return true;
    }
    const bool short_name = host.find('.') == std::string::npos;
    std::string error;
    std::string hint;
    switch (result.status) {
      case ResolveStatus::not_found:
        error = host + " does not resolve (NXDOMAIN)";
        hint = short_name ? "a short Service name resolves only in the peer's own namespace: write " + host
                              + ".<namespace>.svc.cluster.local, or check the Service's name"
                          : "check the name, and that the Service exists in the namespace the name says";
        break;
      case ResolveStatus::no_address:
        error = host + " exists but has no address (no A or AAAA record)";
        hint = "a headless Service without ready pods has none: check that the chaincode pod is Ready";
        break;
      case ResolveStatus::timeout:
        error = "no DNS answer for " + host + " within the dial timeout (" + dial_text() + ")";
        hint =
          "the peer's DNS server is slow or unreachable: check the peer pod's /etc/resolv.conf, or raise dial_timeout";
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
    fail(Stage::dns, ms, error, error, hint);
    return false;
  }

  int tcp_stage(const std::vector<Endpoint>& endpoints, Endpoint& chosen)
  {
    const ConnectResult result = connect_first(endpoints, m_dial, m_cancel);
    std::vector<std::string> parts;
    double ms = 0;
    bool refused = false;
    bool timed_out = false;
    bool unreachable = false;
    for (const ConnectAttempt& attempt : result.attempts) {
      const std::string where = attempt.endpoint.ip();
      ms = std::max(ms, attempt.ms);
      switch (attempt.outcome) {
        case ConnectOutcome::connected:
          parts.push_back(where + " connected in " + ms_text(attempt.ms));
          break;
        case ConnectOutcome::refused:
          parts.push_back(where + " refused");
          refused = true;
          break;
        case ConnectOutcome::timed_out:
          parts.push_back(where + " no answer in " + ms_text(attempt.ms));
          timed_out = true;
          break;
        case ConnectOutcome::unreachable:
          parts.push_back(where + " unreachable (" + attempt.error + ")");
          unreachable = true;
          break;
        case ConnectOutcome::abandoned:
          parts.push_back(where + " still pending when another address answered");
          break;
        default:
          parts.push_back(where + " " + attempt.error);
          break;
      }
    }
    if (result.cancelled) {
      m_report.cancelled = true;
      m_report.error = "cancelled";
      return -1;
    }
    const std::string port = std::to_string(m_target.address.port);
    if (result.fd >= 0) {
      chosen = result.attempts[static_cast<std::size_t>(result.winner)].endpoint;
      pass(Stage::tcp, result.attempts[static_cast<std::size_t>(result.winner)].ms, join(parts, "; "));
      return result.fd;
    }
    std::string error;
    std::string hint;
    if (timed_out) {
      error = "no answer from port " + port + " within the dial timeout (" + dial_text() + "): packets are dropped";
      hint = "filtered or blackholed: a NetworkPolicy, a firewall or node routing between the peer and the chaincode";
    } else if (refused) {
      error = "connection refused on port " + port + ": nothing listens there";
      hint = "check the chaincode server's listen port and bind address (0.0.0.0, not 127.0.0.1), and the "
             "Service's port and targetPort";
    } else if (unreachable) {
      error = "no route to the chaincode server's address";
      hint = "check the address and the routing between the peer's node and the chaincode's";
    } else {
      error = "cannot connect to port " + port;
      hint = "check the address";
    }
    fail(Stage::tcp, ms, join(parts, "; "), error, hint);
    return -1;
  }

  bool call_offers_client_cert() const { return m_target.client_auth && !m_target.client_cert.empty(); }

  std::string names_of_leaf(const TlsObservation& tls) const
  {
    return tls.leaf_names.empty() ? "no subject alternative names (" + tls.leaf_subject + "; Go ignores the CN)"
                                  : join(tls.leaf_names);
  }

  // Plaintext expected, or TLS expected: what does the server speak instead? Asked once.
  Protocol second_look(const Endpoint& endpoint)
  {
    if (!m_sniffed) {
      m_sniffed = sniff_protocol(endpoint, Deadline(std::max(m_target.dial_timeout, k_min_response_budget)), m_cancel);
    }
    return *m_sniffed;
  }

  bool tls_stage(const CallResult& result, const Endpoint& endpoint)
  {
    const TlsObservation& tls = result.tls;
    if (!m_target.tls) {
      if (result.http_version == 0 && !result.timed_out) {
        // No HTTP/2 answer to plaintext: maybe the server wants TLS.
        if (second_look(endpoint) == Protocol::tls) {
          fail(Stage::tls,
               0,
               "the server answered a TLS handshake",
               "the server expects TLS, but connection.json has tls_required false",
               "set tls_required to true with root_cert (the CA of the server's certificate), or start the chaincode "
               "server without TLS");
          return false;
        }
      }
      return true;
    }
    const double ms = tls.handshake_done ? tls.handshake_ms : 0;
    const std::string& why = result.curl_error;
    auto has = [&why](const char* text) { return why.find(text) != std::string::npos; };
    // With TLS 1.3 the client finishes its handshake before the server has judged the client
    // certificate: a refusal arrives as an alert, or as a closed connection, just after.
    const bool refused_after_request =
      tls.handshake_done && tls.client_cert_requested && result.headers_ms < 0 && !result.timed_out;
    const bool alert_required = has("alert certificate required");
    const bool alert_rejected = has("alert unknown ca") || has("alert bad certificate")
                                || has("alert certificate unknown") || has("alert decrypt error");
    if (alert_required || alert_rejected || refused_after_request) {
      if (call_offers_client_cert() && !alert_required) {
        fail(Stage::tls,
             ms,
             why,
             "the server rejected the client certificate",
             "the server's client CA (e.g. --chaincode-tls-client-cacert-file) must have issued client_cert");
      } else {
        fail(Stage::tls,
             ms,
             why,
             "the server requires a client certificate, and connection.json offers none",
             "set client_auth_required to true with client_cert and client_key issued by the CA the server trusts");
      }
      return false;
    }
    if (tls.handshake_done && result.curl_code != CURLE_PEER_FAILED_VERIFICATION
        && result.curl_code != CURLE_SSL_CONNECT_ERROR) {
      // grpc-go settles on HTTP/2 by ALPN alone: anything else, or nothing, is a refusal.
      if (result.http_version == 1 || (tls.alpn != "h2" && result.http_version != 2)) {
        fail(Stage::tls,
             ms,
             "ALPN: " + (tls.alpn.empty() ? std::string("none") : tls.alpn),
             "the server did not select HTTP/2 (ALPN h2) in the TLS handshake",
             "gRPC needs HTTP/2: grpc-go 1.67 and later (Fabric 2.5.14, 3.x) refuse such a server; is this a TLS "
             "proxy or a web server rather than the chaincode?");
        return false;
      }
      pass(Stage::tls,
           ms,
           "TLS verified against root_cert for " + m_target.server_name + "; ALPN " + tls.alpn
             + (call_offers_client_cert() ? "; client certificate presented" : ""));
      return true;
    }
    std::string error;
    std::string hint;
    std::string detail = why;
    if (tls.verify_error != X509_V_OK) {
      const long code = tls.verify_error;
      detail = std::string(X509_verify_cert_error_string(code)) + " (" + tls.verify_subject + ")";
      if (code == X509_V_ERR_CERT_HAS_EXPIRED) {
        error = "the server's certificate (" + tls.verify_subject + ") has expired";
        hint = "renew the chaincode server's certificate";
      } else if (code == X509_V_ERR_CERT_NOT_YET_VALID) {
        error = "the server's certificate (" + tls.verify_subject + ") is not valid yet";
        hint = "check the clocks, or the certificate's start date";
      } else {
        error = "unknown CA: the server's certificate (" + tls.leaf_subject + ", issued by " + tls.verify_issuer
                + ") does not chain to root_cert";
        hint = "root_cert must be the CA that issued the chaincode server's certificate";
      }
    } else if (result.curl_code == CURLE_PEER_FAILED_VERIFICATION || has("subject name") || has("does not match")) {
      error = "name mismatch: the server's certificate is for " + names_of_leaf(tls) + ", not " + m_target.server_name;
      hint = "issue the server certificate with a subject alternative name for " + m_target.server_name
             + " (Go ignores the CN), or point address at one of its names";
    } else if (has("wrong version number") || has("packet length too long") || has("unexpected eof")
               || has("record layer failure") || result.curl_code == CURLE_SSL_CONNECT_ERROR) {
      const Protocol other = second_look(endpoint);
      if (other == Protocol::h2c || other == Protocol::http1) {
        error = "the server is not TLS: it answers " + std::string(protocol_name(other));
        hint = "set tls_required to false, or start the chaincode server with TLS (a key and certificate)";
      } else {
        error = "the TLS handshake failed: " + why;
        hint = "check that address points at the chaincode server's TLS port";
      }
    } else if (result.timed_out || result.curl_code == CURLE_OPERATION_TIMEDOUT) {
      error = "the TLS handshake did not complete within the dial timeout (" + dial_text() + ")";
      hint = "the server accepted TCP but did not answer TLS: is it the chaincode server?";
      detail = "no TLS answer";
    } else {
      error = "the TLS handshake failed: " + why;
      hint = "check root_cert, client_cert and client_key against the server's TLS set-up";
    }
    fail(Stage::tls, ms, detail, error, hint);
    return false;
  }

  bool http2_stage(const CallResult& result, const Endpoint& endpoint)
  {
    const double tls_ms = m_target.tls ? result.tls.handshake_ms : 0;
    const double ms = result.headers_ms >= 0 ? result.headers_ms - tls_ms : 0;
    if (result.http_version == 2 && result.headers_ms >= 0) {
      pass(Stage::http2, ms, "HTTP/2 " + std::to_string(result.status) + (m_target.tls ? "" : " (prior knowledge)"));
      return true;
    }
    if (result.http_version == 1) {
      fail(Stage::http2,
           ms,
           "HTTP/1.x " + std::to_string(result.status),
           "the server speaks HTTP/1 only",
           "gRPC needs HTTP/2: address points at a web server or an HTTP/1 proxy or ingress, not the chaincode's "
           "gRPC port");
      return false;
    }
    if (result.timed_out) {
      fail(Stage::http2,
           ms,
           "no HTTP/2 response",
           "no HTTP/2 response within the dial timeout (" + dial_text() + ")",
           "the server accepted the connection but did not answer HTTP/2: is it the chaincode server?");
      return false;
    }
    std::string error = "no HTTP/2 answer (" + result.curl_error + ")";
    std::string hint = "check that address points at the chaincode server's gRPC port";
    if (!m_target.tls) {
      const Protocol other = second_look(endpoint);
      if (other == Protocol::http1) {
        error = "the server speaks HTTP/1 only";
        hint = "gRPC needs HTTP/2: address points at a web server or an HTTP/1 proxy, not the chaincode's gRPC port";
      }
    }
    fail(Stage::http2, ms, result.curl_error, error, hint);
    return false;
  }

  bool grpc_stage(const CallResult& result)
  {
    const double ms = result.message_ms >= 0 ? result.message_ms - result.headers_ms : 0;
    const auto header = [&result](const char* name) {
      const auto it = result.headers.find(name);
      return it == result.headers.end() ? std::string() : it->second;
    };
    const std::string content_type = header("content-type");
    const std::string grpc_status = header("grpc-status");
    if (content_type.rfind("application/grpc", 0) != 0 && grpc_status.empty()) {
      fail(Stage::grpc,
           ms,
           "HTTP/2 " + std::to_string(result.status) + ", content-type "
             + (content_type.empty() ? "none" : content_type),
           "not gRPC: an HTTP/2 server answered without gRPC (status " + std::to_string(result.status) + ")",
           "something else listens on this port (a web server, a proxy): point address at the chaincode server");
      return false;
    }
    if (result.message_ms < 0) {
      if (!grpc_status.empty() && grpc_status != "0") {
        const std::string message = header("grpc-message");
        if (grpc_status == "12") {
          fail(Stage::grpc,
               ms,
               "grpc-status 12 (UNIMPLEMENTED) " + message,
               "a gRPC server, but not a chaincode: /protos.Chaincode/Connect is UNIMPLEMENTED",
               "this port serves another gRPC service (the peer itself? an orderer?): point address at the chaincode "
               "server");
        } else {
          fail(Stage::grpc,
               ms,
               "grpc-status " + grpc_status + " " + message,
               "the chaincode server refused the stream: grpc-status " + grpc_status
                 + (message.empty() ? "" : " (" + message + ")"),
               "check the chaincode server's log");
        }
        return false;
      }
      fail(Stage::grpc,
           ms,
           result.timed_out ? "no message" : "the stream ended without a message",
           result.timed_out ? "connected, but the server sent no REGISTER in time"
                            : "the server ended the stream without sending REGISTER",
           "the peer would wait out chaincode.startuptimeout (5m): is this the chaincode server, and did it start "
           "cleanly?");
      return false;
    }
    const auto frame = first_grpc_frame(result.body);
    if (frame->compressed) {
      fail(Stage::grpc,
           ms,
           "compressed message",
           "the first message is compressed, which the probe cannot read",
           "the peer asks for no compression; check the server");
      return false;
    }
    const DecodeResult decoded = decode_chaincode_message(frame->message);
    if (!decoded.info) {
      fail(Stage::grpc,
           ms,
           decoded.error,
           "the first message is not a ChaincodeMessage: " + decoded.error,
           "this is a gRPC server, but not a Fabric chaincode");
      return false;
    }
    if (decoded.info->type != k_register) {
      fail(Stage::grpc,
           ms,
           "first message " + message_type_name(decoded.info->type),
           "the first message is " + message_type_name(decoded.info->type) + ", not REGISTER",
           "a chaincode server opens with REGISTER: check the chaincode's shim version");
      return false;
    }
    m_report.ccid_reported = decoded.info->chaincode_id;
    pass(Stage::grpc, ms, "REGISTER as " + decoded.info->chaincode_id);
    return true;
  }

  void ccid_stage()
  {
    if (!m_target.expected_ccid) {
      return; // nothing to compare with
    }
    const std::string& expected = *m_target.expected_ccid;
    const std::string& reported = *m_report.ccid_reported;
    if (expected == reported) {
      pass(Stage::ccid, 0, "chaincode ID " + reported + " is the one the peer launches");
      return;
    }
    fail(Stage::ccid,
         0,
         "expected " + expected + ", server registers as " + reported,
         "chaincode ID mismatch: the server registers as " + reported + ", but the peer launches " + expected,
         "the peer rejects it (\"peer will not accept external chaincode connection\") and fails after "
         "chaincode.startuptimeout with \"timeout expired while starting chaincode\": restart the server with "
         "CHAINCODE_ID="
           + expected);
  }

  const ProbeTarget& m_target;
  const Cancel& m_cancel;
  Deadline m_dial;
  ProbeReport m_report;
  std::optional<Protocol> m_sniffed;
};

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
  // (core/container/externalbuilder/instance.go@v3.1.5); otherwise the host of address.
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
  return Prober(target, cancel).run();
}

} // namespace ccaas::probe
