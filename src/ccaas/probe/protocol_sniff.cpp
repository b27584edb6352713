#include "ccaas/probe/protocol_sniff.hpp"

#include "ccaas/probe/tcp_connect.hpp"
#include "ccaas/util/c_ptr.hpp"
#include "ccaas/util/fd.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace ccaas::probe {

namespace {

// Sends greeting, then reads until want bytes arrived, the peer closed, or the deadline.
std::string exchange(const Endpoint& endpoint,
                     std::string_view greeting,
                     std::size_t want,
                     const Deadline& deadline,
                     const Cancel& cancel)
{
  UniqueFd socket(connect_one(endpoint, deadline, cancel));
  if (socket.get() < 0) {
    return {};
  }
  if (::send(socket.get(), greeting.data(), greeting.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(greeting.size())) {
    return {};
  }
  std::string reply;
  char buffer[512];
  while (reply.size() < want) {
    const int ready = wait_fd(socket.get(), POLLIN, deadline, cancel);
    if (ready <= 0) {
      break;
    }
    const ssize_t n = ::recv(socket.get(), buffer, sizeof buffer, 0);
    if (n <= 0) {
      break;
    }
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  return reply;
}

int g_alert_index = -1;

// Records that the server answered in TLS: a ServerHello, or an alert (which is TLS too).
void on_sniff_info(const SSL* ssl, int where, int) noexcept
{
  if ((where & SSL_CB_READ_ALERT) == SSL_CB_READ_ALERT
      || ((where & SSL_CB_LOOP) != 0 && SSL_get_state(ssl) == TLS_ST_CR_SRVR_HELLO)) {
    SSL_set_ex_data(const_cast<SSL*>(ssl), g_alert_index, const_cast<SSL*>(ssl)); // any non-null mark
  }
}

// The server answers a TLS ClientHello with a handshake, or with an alert: read off OpenSSL's
// callbacks, not its error texts.
bool speaks_tls(const Endpoint& endpoint, const Deadline& deadline, const Cancel& cancel)
{
  static std::once_flag once;
  std::call_once(once, [] { g_alert_index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr); });
  UniqueFd socket(connect_one(endpoint, deadline, cancel));
  if (socket.get() < 0 || g_alert_index < 0) {
    return false;
  }
  const CPtr<SSL_CTX, SSL_CTX_free> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    ERR_clear_error();
    return false;
  }
  const CPtr<SSL, SSL_free> ssl(SSL_new(ctx.get()));
  if (!ssl || SSL_set_fd(ssl.get(), socket.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  SSL_set_verify(ssl.get(), SSL_VERIFY_NONE, nullptr);
  SSL_set_info_callback(ssl.get(), on_sniff_info);
  for (;;) {
    const int rc = SSL_connect(ssl.get());
    if (rc == 1) {
      break;
    }
    const int error = SSL_get_error(ssl.get(), rc);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
      break;
    }
    if (wait_fd(socket.get(), error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, cancel) <= 0) {
      break;
    }
  }
  ERR_clear_error();
  return SSL_get_ex_data(ssl.get(), g_alert_index) != nullptr;
}

} // namespace

Protocol sniff_protocol(const Endpoint& endpoint, const Deadline& deadline, const Cancel& cancel)
{
  // The three greetings at once, each on a connection of its own: a server (or a proxy trying a
  // dead backend) that takes the whole wait to answer costs it once, not three times.
  // The HTTP/2 connection preface and an empty SETTINGS frame; an HTTP/2 server answers with
  // its own SETTINGS frame (type 4).
  static constexpr char k_preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0";
  std::string h2;
  std::string http1;
  bool tls = false;
  const auto quietly = [](auto&& work) noexcept {
    try {
      work();
    } catch (...) {
      // memory pressure: that greeting tells nothing
    }
  };
  std::thread h2_look([&] {
    quietly([&] { h2 = exchange(endpoint, std::string_view(k_preface, sizeof k_preface - 1), 9, deadline, cancel); });
  });
  std::thread http1_look([&] {
    quietly([&] {
      http1 = exchange(endpoint, "GET / HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n", 8, deadline, cancel);
    });
  });
  quietly([&] { tls = speaks_tls(endpoint, deadline, cancel); });
  h2_look.join();
  http1_look.join();
  if (h2.size() >= 9 && h2[3] == 4) {
    return Protocol::h2c;
  }
  if (http1.rfind("HTTP/1.", 0) == 0) {
    return Protocol::http1;
  }
  return tls ? Protocol::tls : Protocol::unknown;
}

const char* protocol_name(Protocol protocol)
{
  switch (protocol) {
    case Protocol::tls:
      return "TLS";
    case Protocol::h2c:
      return "plaintext HTTP/2";
    case Protocol::http1:
      return "plaintext HTTP/1.1";
    default:
      return "an unknown protocol";
  }
}

} // namespace ccaas::probe
