#include "ccaas/probe/tls_observe.hpp"

#include "ccaas/tls/pem.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <mutex>

namespace ccaas::probe {

namespace {

// The SSL_CTX ex-data slot that holds a handshake's TlsObservation.
int observation_index()
{
  static std::once_flag once;
  static int index = -1;
  std::call_once(once, [] { index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr); });
  return index;
}

TlsObservation* observation_of(const SSL* ssl)
{
  return static_cast<TlsObservation*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), observation_index()));
}

int on_verify(int preverify_ok, X509_STORE_CTX* store) noexcept
{
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  TlsObservation* observed = ssl != nullptr ? observation_of(ssl) : nullptr;
  if (observed == nullptr) {
    return preverify_ok;
  }
  try {
    if (!observed->have_leaf) {
      if (X509* leaf = X509_STORE_CTX_get0_cert(store)) {
        const tls::CertificateInfo info = tls::certificate_info(leaf);
        observed->have_leaf = true;
        observed->leaf_subject = info.subject;
        observed->leaf_names = info.names;
        observed->leaf_not_after = info.not_after;
        observed->leaf_der = tls::certificate_der(leaf);
      }
    }
    if (preverify_ok == 0 && observed->verify_error == X509_V_OK) {
      observed->verify_error = X509_STORE_CTX_get_error(store);
      if (X509* cert = X509_STORE_CTX_get_current_cert(store)) {
        const tls::CertificateInfo info = tls::certificate_info(cert);
        observed->verify_subject = info.subject;
        observed->verify_not_before = info.not_before;
        observed->verify_not_after = info.not_after;
        char issuer[512] = {};
        X509_NAME_oneline(X509_get_issuer_name(cert), issuer, sizeof issuer);
        observed->verify_issuer = issuer;
      }
    }
  } catch (...) {
    // an observation lost to memory pressure: the verdict falls back to curl's code
  }
  return preverify_ok;
}

void on_tls_info(const SSL* ssl, int where, int ret) noexcept
{
  TlsObservation* observed = observation_of(ssl);
  if (observed == nullptr) {
    return;
  }
  if ((where & SSL_CB_LOOP) != 0) {
    const OSSL_HANDSHAKE_STATE state = SSL_get_state(ssl);
    observed->server_hello_seen = observed->server_hello_seen || state == TLS_ST_CR_SRVR_HELLO;
    observed->client_cert_requested = observed->client_cert_requested || state == TLS_ST_CR_CERT_REQ;
  }
  // A fatal alert from the server: the reason it refused, as a number (RFC 8446 section 6).
  if ((where & SSL_CB_READ_ALERT) == SSL_CB_READ_ALERT && (ret >> 8) == SSL3_AL_FATAL) {
    observed->alert_received = ret & 0xff;
  }
  if ((where & SSL_CB_HANDSHAKE_DONE) == 0 || observed->handshake_done) {
    return;
  }
  observed->handshake_done = true;
  const unsigned char* alpn = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &length);
  try {
    observed->alpn.assign(reinterpret_cast<const char*>(alpn), length);
  } catch (...) {
  }
}

} // namespace

bool observe_tls(void* ssl_ctx, TlsObservation* observed)
{
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  if (SSL_CTX_set_ex_data(ctx, observation_index(), observed) != 1) {
    return false;
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, on_verify);
  SSL_CTX_set_info_callback(ctx, on_tls_info);
  return true;
}

} // namespace ccaas::probe
