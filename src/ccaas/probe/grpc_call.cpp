#include "ccaas/probe/grpc_call.hpp"

#include "ccaas/probe/register_message.hpp"
#include "ccaas/tls/pem.hpp"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <mutex>

namespace ccaas::probe {

namespace {

constexpr std::size_t k_max_body = 64 * 1024;
// After the first message, how long the server may take to end the stream before the probe
// ends it itself (a chaincode server ends it at once when the request stream is empty).
constexpr int k_stream_end_grace_ms = 1000;

struct CallState {
  int fd;
  Clock::time_point start;
  CallResult result;
};

int g_observation_index = -1;

std::string lowercase(std::string text)
{
  for (char& c : text) {
    c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return text;
}

std::string trim(std::string text)
{
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

size_t on_header(char* data, size_t size, size_t count, void* user)
{
  auto* state = static_cast<CallState*>(user);
  const std::string line(data, size * count);
  if (state->result.headers_ms < 0 && line.rfind("HTTP/", 0) == 0) {
    state->result.headers_ms = ms_since(state->start);
  }
  const auto colon = line.find(':');
  if (colon != std::string::npos && line.rfind("HTTP/", 0) != 0) {
    state->result.headers[lowercase(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user)
{
  auto* state = static_cast<CallState*>(user);
  std::string& body = state->result.body;
  const size_t n = size * count;
  if (body.size() < k_max_body) {
    body.append(data, std::min(n, k_max_body - body.size()));
  }
  if (state->result.message_ms < 0 && first_grpc_frame(body)) {
    state->result.message_ms = ms_since(state->start);
  }
  return n;
}

curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr*)
{
  auto* state = static_cast<CallState*>(user);
  const int fd = state->fd; // the connection made by the tcp stage: curl owns it from here on
  state->fd = -1;
  return fd >= 0 ? fd : CURL_SOCKET_BAD;
}

int on_sockopt(void*, curl_socket_t, curlsocktype)
{
  return CURL_SOCKOPT_ALREADY_CONNECTED;
}

TlsObservation* observation_of(SSL* ssl)
{
  return static_cast<TlsObservation*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), g_observation_index));
}

int on_verify(int preverify_ok, X509_STORE_CTX* store)
{
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  TlsObservation* observed = ssl != nullptr ? observation_of(ssl) : nullptr;
  if (observed == nullptr) {
    return preverify_ok;
  }
  if (!observed->have_leaf) {
    if (X509* leaf = X509_STORE_CTX_get0_cert(store)) {
      const tls::CertificateInfo info = tls::certificate_info(leaf);
      observed->have_leaf = true;
      observed->leaf_subject = info.subject;
      observed->leaf_names = info.names;
    }
  }
  if (preverify_ok == 0 && observed->verify_error == X509_V_OK) {
    observed->verify_error = X509_STORE_CTX_get_error(store);
    if (X509* cert = X509_STORE_CTX_get_current_cert(store)) {
      observed->verify_subject = tls::certificate_info(cert).subject;
      char issuer[512] = {};
      X509_NAME_oneline(X509_get_issuer_name(cert), issuer, sizeof issuer);
      observed->verify_issuer = issuer;
    }
  }
  return preverify_ok;
}

void on_tls_info(const SSL* ssl, int where, int)
{
  TlsObservation* observed = observation_of(const_cast<SSL*>(ssl));
  if (observed == nullptr) {
    return;
  }
  if ((where & SSL_CB_LOOP) != 0 && SSL_get_state(ssl) == TLS_ST_CR_CERT_REQ) {
    observed->client_cert_requested = true;
  }
  if ((where & SSL_CB_HANDSHAKE_DONE) == 0 || observed->handshake_done) {
    return;
  }
  observed->handshake_done = true;
  const unsigned char* alpn = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &length);
  observed->alpn.assign(reinterpret_cast<const char*>(alpn), length);
}

struct SslContextHook {
  TlsObservation* observed;
  Clock::time_point start;
};

CURLcode on_ssl_context(CURL*, void* ssl_ctx, void* user)
{
  auto* hook = static_cast<SslContextHook*>(user);
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  SSL_CTX_set_ex_data(ctx, g_observation_index, hook->observed);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, on_verify);
  SSL_CTX_set_info_callback(ctx, on_tls_info);
  return CURLE_OK;
}

void global_init()
{
  static std::once_flag once;
  std::call_once(once, [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    g_observation_index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  });
}

template <typename T>
void set(CURL* curl, CURLoption option, T value)
{
  curl_easy_setopt(curl, option, value);
}

} // namespace

CallResult call_chaincode_connect(int fd,
                                  const CallTarget& target,
                                  const Deadline& dial_deadline,
                                  const Deadline& response_deadline,
                                  const Cancel& cancel)
{
  global_init();
  CallState state{fd, Clock::now(), {}};
  SslContextHook hook{&state.result.tls, state.start};

  CURL* curl = curl_easy_init();
  CURLM* multi = curl_multi_init();
  char error_buffer[CURL_ERROR_SIZE] = {};
  const bool ipv6_name = target.server_name.find(':') != std::string::npos;
  const std::string authority =
    (ipv6_name ? "[" + target.server_name + "]" : target.server_name) + ":" + std::to_string(target.port);
  const std::string url = std::string(target.tls ? "https://" : "http://") + authority + "/protos.Chaincode/Connect";
  // Pin the name to the address the tcp stage connected to: no second lookup.
  const std::string pin = (ipv6_name ? "[" + target.server_name + "]" : target.server_name) + ":"
                          + std::to_string(target.port) + ":" + target.endpoint.ip();
  curl_slist* resolve = curl_slist_append(nullptr, pin.c_str());
  curl_slist* headers = curl_slist_append(nullptr, "content-type: application/grpc");
  headers = curl_slist_append(headers, "te: trailers");
  headers = curl_slist_append(headers, "user-agent: ccaas-builder-probe");
  headers = curl_slist_append(headers, "Expect:");
  headers = curl_slist_append(headers, "Accept:");

  set(curl, CURLOPT_URL, url.c_str());
  set(curl, CURLOPT_RESOLVE, resolve);
  set(curl, CURLOPT_HTTPHEADER, headers);
  set(curl, CURLOPT_POST, 1L);
  set(curl, CURLOPT_POSTFIELDS, "");
  set(curl, CURLOPT_POSTFIELDSIZE, 0L);
  set(curl, CURLOPT_NOSIGNAL, 1L);
  set(curl, CURLOPT_ERRORBUFFER, error_buffer);
  set(curl, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  set(curl, CURLOPT_OPENSOCKETDATA, &state);
  set(curl, CURLOPT_SOCKOPTFUNCTION, on_sockopt);
  set(curl, CURLOPT_HEADERFUNCTION, on_header);
  set(curl, CURLOPT_HEADERDATA, &state);
  set(curl, CURLOPT_WRITEFUNCTION, on_body);
  set(curl, CURLOPT_WRITEDATA, &state);
  set(curl,
      CURLOPT_CONNECTTIMEOUT_MS,
      static_cast<long>(dial_deadline.remaining_ms() > 0 ? dial_deadline.remaining_ms() : 1));
  set(curl, CURLOPT_FORBID_REUSE, 1L);
  set(curl, CURLOPT_PROXY, "");
  if (target.tls) {
    set(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    set(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    set(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    set(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    // root_cert only, as the peer: never the image's CA bundle.
    curl_blob ca{const_cast<char*>(target.root_cert.data()), target.root_cert.size(), CURL_BLOB_COPY};
    set(curl, CURLOPT_CAINFO_BLOB, &ca);
    set(curl, CURLOPT_CAPATH, static_cast<const char*>(nullptr));
    if (!target.client_cert.empty()) {
      curl_blob cert{const_cast<char*>(target.client_cert.data()), target.client_cert.size(), CURL_BLOB_COPY};
      curl_blob key{const_cast<char*>(target.client_key.data()), target.client_key.size(), CURL_BLOB_COPY};
      set(curl, CURLOPT_SSLCERT_BLOB, &cert);
      set(curl, CURLOPT_SSLCERTTYPE, "PEM");
      set(curl, CURLOPT_SSLKEY_BLOB, &key);
      set(curl, CURLOPT_SSLKEYTYPE, "PEM");
    }
    set(curl, CURLOPT_SSL_CTX_FUNCTION, on_ssl_context);
    set(curl, CURLOPT_SSL_CTX_DATA, &hook);
  } else {
    set(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE));
  }

  curl_multi_add_handle(multi, curl);
  CallResult& result = state.result;
  int running = 1;
  bool finished = false;
  while (!finished) {
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg == CURLMSG_DONE) {
        result.curl_code = message->data.result;
        finished = true;
      }
    }
    if (finished || running == 0) {
      break;
    }
    if (cancel.requested()) {
      result.cancelled = true;
      break;
    }
    // Before the response headers, the dial deadline applies; after them, the response one.
    const Deadline& deadline = result.headers_ms < 0 ? dial_deadline : response_deadline;
    if (deadline.expired()) {
      result.timed_out = true;
      break;
    }
    if (result.message_ms >= 0 && ms_since(state.start) - result.message_ms > k_stream_end_grace_ms) {
      break; // the message is in; do not wait for a stream that does not end
    }
    curl_waitfd extra{cancel.fd, CURL_WAIT_POLLIN, 0};
    curl_multi_poll(multi, cancel.fd >= 0 ? &extra : nullptr, cancel.fd >= 0 ? 1 : 0, 100, nullptr);
  }
  result.curl_error = error_buffer;
  if (result.tls.handshake_done) {
    curl_off_t appconnect = 0;
    curl_easy_getinfo(curl, CURLINFO_APPCONNECT_TIME_T, &appconnect);
    result.tls.handshake_ms = static_cast<double>(appconnect) / 1000.0;
  }
  long version = 0;
  curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &version);
  result.http_version = version == CURL_HTTP_VERSION_2_0 ? 2 : (version == 0 ? 0 : 1);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);

  curl_multi_remove_handle(multi, curl);
  curl_easy_cleanup(curl);
  curl_multi_cleanup(multi);
  curl_slist_free_all(resolve);
  curl_slist_free_all(headers);
  if (state.fd >= 0) {
    ::close(state.fd); // curl never took it
  }
  return result;
}

} // namespace ccaas::probe
