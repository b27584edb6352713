#include "ccaas/probe/stages.hpp"
#include "ccaas/tls/pem.hpp"
#include "ccaas/util/time_text.hpp"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <ctime>

namespace ccaas::probe {

namespace {

std::string names_of_leaf(const TlsObservation& tls)
{
  return tls.leaf_names.empty() ? "no subject alternative names (" + tls.leaf_subject + "; Go ignores the CN)"
                                : join(tls.leaf_names);
}

bool offers_client_cert(const Session& session)
{
  return session.target.client_auth && !session.target.client_cert.empty();
}

// A plaintext connection that got no HTTP/2 answer: maybe the server wants TLS.
bool plaintext_stage(Session& session, const CallResult& result, const Endpoint& endpoint)
{
  if (result.http_version == 0 && !result.timed_out && session.second_look(endpoint) == Protocol::tls) {
    session.fail(Stage::tls,
                 0,
                 "the server answered a TLS handshake",
                 "the server expects TLS, but connection.json has tls_required false",
                 "set tls_required to true with root_cert (the CA of the server's certificate), or start the "
                 "chaincode server without TLS");
    return false;
  }
  return true;
}

// The server refused the handshake over the client certificate (a fatal alert, or with TLS 1.3
// a connection closed right after it asked for one).
bool client_cert_verdict(Session& session, double ms, const CallResult& result)
{
  const TlsObservation& tls = result.tls;
  const int alert = tls.alert_received;
  const bool required =
    alert == SSL_AD_CERTIFICATE_REQUIRED
    || (alert == SSL_AD_HANDSHAKE_FAILURE && tls.client_cert_requested && !offers_client_cert(session));
  const bool rejected = alert == SSL_AD_UNKNOWN_CA || alert == SSL_AD_BAD_CERTIFICATE
                        || alert == SSL_AD_CERTIFICATE_UNKNOWN || alert == SSL_AD_DECRYPT_ERROR
                        || alert == SSL_AD_ACCESS_DENIED || alert == SSL_AD_UNSUPPORTED_CERTIFICATE;
  const bool closed_after_request = tls.handshake_done && tls.client_cert_requested && result.headers_ms < 0
                                    && !result.timed_out && result.socket.closed_by_peer();
  if (!required && !rejected && !closed_after_request) {
    return false;
  }
  const std::string detail = alert >= 0 ? std::string("alert ") + SSL_alert_desc_string_long(alert) + " from the server"
                                        : "the server closed the connection after asking for a client certificate";
  if (offers_client_cert(session) && !required) {
    session.fail(Stage::tls,
                 ms,
                 detail,
                 "the server rejected the client certificate",
                 "the server's client CA (e.g. --chaincode-tls-client-cacert-file) must have issued client_cert");
  } else {
    session.fail(Stage::tls,
                 ms,
                 detail,
                 "the server requires a client certificate, and connection.json offers none",
                 "set client_auth_required to true with client_cert and client_key issued by the CA the server "
                 "trusts");
  }
  return true;
}

void chain_verdict(Session& session, double ms, const TlsObservation& tls)
{
  const long code = tls.verify_error;
  const std::string detail = std::string(X509_verify_cert_error_string(code)) + " (" + tls.verify_subject + ")";
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  if (code == X509_V_ERR_CERT_HAS_EXPIRED) {
    session.fail(Stage::tls,
                 ms,
                 detail,
                 "the server's certificate (" + tls.verify_subject + ") expired on "
                   + utc_text(tls.verify_not_after, true) + "; this node's clock says " + utc_text(now, true),
                 "renew the chaincode server's certificate; if it is still valid on the chaincode's node, the clocks "
                 "of the two nodes differ (check NTP on both)");
  } else if (code == X509_V_ERR_CERT_NOT_YET_VALID) {
    session.fail(Stage::tls,
                 ms,
                 detail,
                 "the server's certificate (" + tls.verify_subject + ") is not valid before "
                   + utc_text(tls.verify_not_before, true) + ", and this node's clock says " + utc_text(now, true)
                   + ": clock skew between the nodes, or a certificate issued with a start date in the future",
                 "synchronise the clocks of the peer's node and the chaincode's node (NTP, chrony), or reissue the "
                 "certificate with a start date in the past");
  } else {
    session.fail(Stage::tls,
                 ms,
                 detail,
                 "unknown CA: the server's certificate (" + tls.leaf_subject + ", issued by " + tls.verify_issuer
                   + ") does not chain to root_cert",
                 "root_cert must be the CA that issued the chaincode server's certificate");
  }
}

// The server's certificate against the name each peer version checks: the host of address
// (Fabric 2.x, and 3.x without client authentication), or domain (Fabric 3.x with
// client_auth_required; core/container/externalbuilder/instance.go@v3.1.5).
bool names_verdict(Session& session, double ms, const TlsObservation& tls, std::string& checked)
{
  const std::string& host = session.target.address.host;
  const std::string& server_name = session.target.server_name;
  const bool host_ok = tls::certificate_names_host(tls.leaf_der, host);
  if (server_name == host) {
    if (!host_ok) {
      session.fail(Stage::tls,
                   ms,
                   "the certificate names " + names_of_leaf(tls),
                   "name mismatch: the server's certificate is for " + names_of_leaf(tls) + ", not " + host,
                   "issue the server certificate with a subject alternative name for " + host
                     + " (Go ignores the CN), or point address at one of its names");
      return false;
    }
    checked = host;
    return true;
  }
  const bool domain_ok = tls::certificate_names_host(tls.leaf_der, server_name);
  if (!host_ok && !domain_ok) {
    session.fail(Stage::tls,
                 ms,
                 "the certificate names " + names_of_leaf(tls),
                 "name mismatch: the server's certificate is for " + names_of_leaf(tls) + ", neither " + server_name
                   + " (domain, which Fabric 3.x peers check) nor " + host
                   + " (the address host, which Fabric 2.x peers check)",
                 "issue the server certificate with subject alternative names for " + server_name + " and " + host);
    return false;
  }
  if (!host_ok) {
    session.warn("only Fabric 3.x peers can connect: the server's certificate names " + server_name
                 + " (domain, which 3.x peers check with client_auth_required) but not " + host
                 + ", the address host that Fabric 2.x peers check; add a subject alternative name for " + host
                 + " for 2.x peers");
    checked = server_name + " (Fabric 3.x peers; not " + host + " for Fabric 2.x peers)";
  } else if (!domain_ok) {
    session.warn("only Fabric 2.x peers can connect: the server's certificate names " + host
                 + " (the address host, which 2.x peers check) but not " + server_name
                 + ", the domain that Fabric 3.x peers check with client_auth_required; add a subject alternative "
                   "name for "
                 + server_name + " or remove domain");
    checked = host + " (Fabric 2.x peers; not " + server_name + " for Fabric 3.x peers)";
  } else {
    checked = server_name + " (Fabric 3.x) and " + host + " (Fabric 2.x)";
  }
  return true;
}

} // namespace

bool tls_stage(Session& session, const CallResult& result, const Endpoint& endpoint)
{
  if (!session.target.tls) {
    return plaintext_stage(session, result, endpoint);
  }
  const TlsObservation& tls = result.tls;
  const double ms = tls.handshake_done ? tls.handshake_ms : 0;
  if (tls.have_leaf) {
    session.report.server_cert_not_after = tls.leaf_not_after;
  }
  if (!tls.server_hello_seen && !tls.handshake_done && fail_on_silence(session, Stage::tls, result.ended_ms, result)) {
    return false;
  }
  if (client_cert_verdict(session, ms, result)) {
    return false;
  }
  if (tls.verify_error != X509_V_OK) {
    chain_verdict(session, ms, tls);
    return false;
  }
  if (!tls.handshake_done) {
    if (!tls.server_hello_seen && result.socket.payload_received() > 0) {
      const Protocol other = session.second_look(endpoint);
      if (other == Protocol::h2c || other == Protocol::http1) {
        session.fail(Stage::tls,
                     ms,
                     result.curl_error,
                     "the server is not TLS: it answers " + std::string(protocol_name(other)),
                     "set tls_required to false, or start the chaincode server with TLS (a key and certificate)");
        return false;
      }
    }
    if (result.timed_out) {
      session.fail(Stage::tls,
                   ms,
                   "no TLS answer",
                   "the TLS handshake did not complete within the dial timeout (" + session.dial_text() + ")",
                   "the server accepted TCP and answered, but did not finish a TLS handshake: is it the chaincode "
                   "server?");
      return false;
    }
    session.fail(Stage::tls,
                 ms,
                 result.curl_error,
                 "the TLS handshake did not complete: " + result.failure,
                 "check root_cert, client_cert and client_key against the server's TLS set-up");
    return false;
  }
  // grpc-go settles on HTTP/2 by ALPN alone: anything else, or nothing, is a refusal.
  if (result.http_version == 1 || (tls.alpn != "h2" && result.http_version != 2)) {
    session.fail(Stage::tls,
                 ms,
                 "ALPN: " + (tls.alpn.empty() ? std::string("none") : tls.alpn),
                 "the server did not select HTTP/2 (ALPN h2) in the TLS handshake",
                 "gRPC needs HTTP/2: grpc-go 1.67 and later (Fabric 2.5.14, 3.x) refuse such a server; is this a TLS "
                 "proxy or a web server rather than the chaincode?");
    return false;
  }
  std::string checked;
  if (!names_verdict(session, ms, tls, checked)) {
    return false;
  }
  session.pass(Stage::tls,
               ms,
               "TLS verified against root_cert for " + checked + "; ALPN " + tls.alpn
                 + (offers_client_cert(session) ? "; client certificate presented" : ""));
  return true;
}

} // namespace ccaas::probe
