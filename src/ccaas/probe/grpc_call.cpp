#include "ccaas/probe/grpc_call.hpp"

#include "ccaas/probe/curl_words.hpp"
#include "ccaas/probe/register_message.hpp"
#include "ccaas/util/c_ptr.hpp"
#include "ccaas/util/linked.hpp"
#include "ccaas/util/text.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <mutex>

namespace ccaas::probe {

namespace {

constexpr std::size_t k_max_body = 64 * 1024;
// After the first message, how long the server may take to end the stream before the probe
// ends it itself (a chaincode server ends it at once when the request stream is empty).
constexpr int k_stream_end_grace_ms = 1000;
constexpr const char* k_padding_header = "x-ccaas-builder-probe-padding: ";

using EasyPtr = CPtr<CURL, curl_easy_cleanup>;
using MultiPtr = CPtr<CURLM, curl_multi_cleanup>;
using SlistPtr = CPtr<curl_slist, curl_slist_free_all>;

bool is_ip_literal(const std::string& host)
{
  unsigned char buffer[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

std::string trim(const std::string& text)
{
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

SlistPtr append(SlistPtr list, const std::string& line)
{
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (grown == nullptr) {
    return list; // out of memory: the option set below fails the stream
  }
  static_cast<void>(list.release()); // grown now owns the list list held
  return SlistPtr(grown);
}

void global_init()
{
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace

// Everything the C callbacks reach, behind one pointer they are given.
struct ConnectCall::State {
  State(CallTarget call_target, const Cancel& call_cancel, int socket)
    : target(std::move(call_target))
    , cancel(call_cancel)
    , fd(socket)
  {
  }

  CallTarget target;
  const Cancel& cancel;
  int fd;                   // the connected socket; curl's once handed over
  bool handed = false;      // curl took the socket
  bool closed = false;      // curl closed it
  bool refused_new = false; // curl asked for a second socket
  SocketInfo at_close;
  TlsObservation tls;
  MultiPtr multi;
  SlistPtr resolve;
  bool pin_name = true;
  std::string url;
  // per stream
  Clock::time_point start;
  CallResult* result = nullptr;
};

namespace {

using State = ConnectCall::State;

size_t on_header(char* data, size_t size, size_t count, void* user) noexcept
{
  auto* state = static_cast<State*>(user);
  try {
    const std::string line(data, size * count);
    CallResult& result = *state->result;
    if (result.headers_ms < 0 && line.rfind("HTTP/", 0) == 0) {
      result.headers_ms = ms_since(state->start);
    }
    const auto colon = line.find(':');
    if (colon != std::string::npos && line.rfind("HTTP/", 0) != 0) {
      result.headers[lowercase(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    }
    return size * count;
  } catch (...) {
    return 0; // ends the transfer; no exception crosses curl's frames
  }
}

size_t on_body(char* data, size_t size, size_t count, void* user) noexcept
{
  auto* state = static_cast<State*>(user);
  try {
    CallResult& result = *state->result;
    const size_t n = size * count;
    if (result.body.size() < k_max_body) {
      result.body.append(data, std::min(n, k_max_body - result.body.size()));
    }
    if (result.message_ms < 0 && first_grpc_frame(result.body)) {
      result.message_ms = ms_since(state->start);
    }
    return n;
  } catch (...) {
    return 0;
  }
}

curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr*) noexcept
{
  auto* state = static_cast<State*>(user);
  if (state->handed) {
    state->refused_new = true; // only the connection the tcp stage made is used
    return CURL_SOCKET_BAD;
  }
  state->handed = true;
  return state->fd;
}

int on_sockopt(void*, curl_socket_t, curlsocktype) noexcept
{
  return CURL_SOCKOPT_ALREADY_CONNECTED;
}

int on_close_socket(void* user, curl_socket_t fd) noexcept
{
  auto* state = static_cast<State*>(user);
  if (fd == state->fd) {
    state->at_close = read_socket_info(fd); // what the server did before the end
    state->closed = true;
  }
  return ::close(fd);
}

CURLcode on_ssl_context(CURL*, void* ssl_ctx, void* user) noexcept
{
  // without it no verdict could be read: refuse to go on
  return observe_tls(ssl_ctx, static_cast<TlsObservation*>(user)) ? CURLE_OK : CURLE_SSL_CERTPROBLEM;
}

// Sets one option; a failure names it, and the stream is not started.
class Options
{
public:
  explicit Options(CURL* curl)
    : m_curl(curl)
  {
  }
  template <typename T>
  Options& set(CURLoption option, T value, const char* name)
  {
    if (m_error.empty()) {
      if (const CURLcode code = curl_easy_setopt(m_curl, option, value); code != CURLE_OK) {
        m_error = std::string("cannot set ") + name + ": " + curl_easy_strerror(code);
      }
    }
    return *this;
  }
  const std::string& error() const { return m_error; }

private:
  CURL* m_curl;
  std::string m_error;
};

} // namespace

ConnectCall::ConnectCall(int fd, CallTarget target, const Cancel& cancel)
  : m_state(std::make_unique<State>(std::move(target), cancel, fd))
{
  global_init();
  State& s = *m_state;
  s.multi.reset(curl_multi_init());
  const bool ipv6_name = s.target.server_name.find(':') != std::string::npos;
  const std::string host = ipv6_name ? "[" + s.target.server_name + "]" : s.target.server_name;
  const std::string authority = host + ":" + std::to_string(s.target.port);
  s.url = std::string(s.target.tls ? "https://" : "http://") + authority + "/protos.Chaincode/Connect";
  // Pin a name to the address the tcp stage connected to: no second lookup. An IP address is
  // its own answer (and CURLOPT_RESOLVE takes no IPv6 address as the name); either way curl is
  // handed the socket the tcp stage connected.
  s.pin_name = !is_ip_literal(s.target.server_name);
  if (s.pin_name) {
    s.resolve = append(nullptr, authority + ":" + s.target.endpoint.ip());
  }
}

ConnectCall::~ConnectCall()
{
  State& s = *m_state;
  s.multi.reset(); // closes the connection through on_close_socket
  if (!s.handed && s.fd >= 0) {
    ::close(s.fd); // curl never took it
  }
}

SocketInfo ConnectCall::socket_info() const
{
  const State& s = *m_state;
  return (s.handed && !s.closed) ? read_socket_info(s.fd) : s.at_close;
}

CallResult ConnectCall::stream(const Deadline& before_headers, const Deadline& after_headers, std::size_t padding)
{
  State& s = *m_state;
  CallResult result;
  s.result = &result;
  s.start = Clock::now();
  s.refused_new = false;
  char error_buffer[CURL_ERROR_SIZE] = {};
  EasyPtr curl(curl_easy_init());
  SlistPtr headers = append(nullptr, "content-type: application/grpc");
  for (const char* line : {"te: trailers", "user-agent: ccaas-builder-probe", "Expect:", "Accept:"}) {
    headers = append(std::move(headers), line);
  }
  if (padding > 0) {
    // '~' has a 13-bit HPACK Huffman code, so the header goes on the wire as it is, unshrunk.
    headers = append(std::move(headers), k_padding_header + std::string(padding, '~'));
  }
  if (!s.multi || !curl || (s.pin_name && !s.resolve) || !headers) {
    result.setup_error = "cannot start libcurl (out of memory?)";
    return result;
  }

  const long connect_ms = before_headers.remaining_ms() > 0 ? before_headers.remaining_ms() : 1;
  Options options(curl.get());
  options.set(CURLOPT_URL, s.url.c_str(), "the URL")
    .set(CURLOPT_RESOLVE, s.pin_name ? s.resolve.get() : nullptr, "the address")
    .set(CURLOPT_HTTPHEADER, headers.get(), "the request headers")
    .set(CURLOPT_POST, 1L, "POST")
    .set(CURLOPT_POSTFIELDS, "", "the empty body")
    .set(CURLOPT_POSTFIELDSIZE, 0L, "the body size")
    .set(CURLOPT_NOSIGNAL, 1L, "no signals")
    .set(CURLOPT_ERRORBUFFER, error_buffer, "the error buffer")
    .set(CURLOPT_OPENSOCKETFUNCTION, on_open_socket, "the socket")
    .set(CURLOPT_OPENSOCKETDATA, &s, "the socket")
    .set(CURLOPT_SOCKOPTFUNCTION, on_sockopt, "the socket options")
    .set(CURLOPT_CLOSESOCKETFUNCTION, on_close_socket, "the socket")
    .set(CURLOPT_CLOSESOCKETDATA, &s, "the socket")
    .set(CURLOPT_HEADERFUNCTION, on_header, "the header reader")
    .set(CURLOPT_HEADERDATA, &s, "the header reader")
    .set(CURLOPT_WRITEFUNCTION, on_body, "the body reader")
    .set(CURLOPT_WRITEDATA, &s, "the body reader")
    .set(CURLOPT_CONNECTTIMEOUT_MS, connect_ms, "the dial timeout")
    .set(CURLOPT_PIPEWAIT, 1L, "connection reuse")
    .set(CURLOPT_PROXY, "", "no proxy");
  if (s.target.tls) {
    // root_cert only, as the peer: never the image's CA bundle. Each of these is checked: a CA
    // that failed to load would otherwise fall back to the bundle, and verify against it.
    curl_blob ca{const_cast<char*>(s.target.root_cert.data()), s.target.root_cert.size(), CURL_BLOB_COPY};
    options.set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS), "HTTP/2")
      .set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2), "TLS 1.2 or later")
      .set(CURLOPT_SSL_VERIFYPEER, 1L, "certificate verification")
      // The names are checked by the probe itself, against each name a peer version uses.
      .set(CURLOPT_SSL_VERIFYHOST, 0L, "host name verification")
      .set(CURLOPT_CAINFO_BLOB, &ca, "root_cert as the only CA")
      .set(CURLOPT_CAPATH, static_cast<const char*>(nullptr), "no CA directory")
      .set(CURLOPT_SSL_CTX_FUNCTION, on_ssl_context, "the TLS observer")
      .set(CURLOPT_SSL_CTX_DATA, &s.tls, "the TLS observer");
    if (!s.target.client_cert.empty()) {
      curl_blob cert{const_cast<char*>(s.target.client_cert.data()), s.target.client_cert.size(), CURL_BLOB_COPY};
      curl_blob key{const_cast<char*>(s.target.client_key.data()), s.target.client_key.size(), CURL_BLOB_COPY};
      options.set(CURLOPT_SSLCERT_BLOB, &cert, "client_cert")
        .set(CURLOPT_SSLCERTTYPE, "PEM", "client_cert")
        .set(CURLOPT_SSLKEY_BLOB, &key, "client_key")
        .set(CURLOPT_SSLKEYTYPE, "PEM", "client_key");
    }
  } else {
    // Prior knowledge opens the connection; libcurl 7.88 cannot start a second stream on it with
    // the same setting, but does with plain HTTP/2 on the connection it reuses.
    options.set(CURLOPT_HTTP_VERSION,
                static_cast<long>(s.handed ? CURL_HTTP_VERSION_2_0 : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE),
                "HTTP/2");
  }
  if (!options.error().empty()) {
    result.setup_error = options.error();
    return result;
  }
  if (curl_multi_add_handle(s.multi.get(), curl.get()) != CURLM_OK) {
    result.setup_error = "cannot start the stream";
    return result;
  }

  bool finished = false;
  while (!finished) {
    int running = 0;
    curl_multi_perform(s.multi.get(), &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(s.multi.get(), &queued)) {
      if (message->msg == CURLMSG_DONE && message->easy_handle == curl.get()) {
        result.curl_code = message->data.result;
        finished = true;
      }
    }
    if (finished || running == 0) {
      break;
    }
    if (s.cancel.requested()) {
      result.cancelled = true;
      break;
    }
    const Deadline& deadline = result.headers_ms < 0 ? before_headers : after_headers;
    if (deadline.expired()) {
      result.timed_out = true;
      break;
    }
    if (result.message_ms >= 0 && ms_since(s.start) - result.message_ms > k_stream_end_grace_ms) {
      break; // the message is in; do not wait for a stream that does not end
    }
    curl_waitfd extra{s.cancel.fd, CURL_WAIT_POLLIN, 0};
    const int wait_ms = std::max(1, std::min(100, deadline.remaining_ms()));
    curl_multi_poll(s.multi.get(), s.cancel.fd >= 0 ? &extra : nullptr, s.cancel.fd >= 0 ? 1 : 0, wait_ms, nullptr);
  }
  result.ended_ms = ms_since(s.start);
  result.curl_error = error_buffer;
  if (result.curl_code != CURLE_OK && !result.cancelled) {
    result.failure = failure_words(result.curl_code);
    if (result.failure.empty() && result.setup_error.empty()) {
      result.setup_error =
        std::string("libcurl refused the stream: ") + curl_easy_strerror(static_cast<CURLcode>(result.curl_code));
    }
  }
  result.new_connection = s.refused_new;
  result.timed_out = result.timed_out || result.curl_code == CURLE_OPERATION_TIMEDOUT;
  if (s.tls.handshake_done && s.tls.handshake_ms == 0) {
    curl_off_t appconnect = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_APPCONNECT_TIME_T, &appconnect);
    s.tls.handshake_ms = static_cast<double>(appconnect) / 1000.0;
  }
  long version = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_HTTP_VERSION, &version);
  result.http_version = version == CURL_HTTP_VERSION_2_0 ? 2 : (version == 0 ? 0 : 1);
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &result.status);
  result.socket = socket_info(); // before the handle goes: a failed connection is closed with it
  curl_multi_remove_handle(s.multi.get(), curl.get());
  if (!result.socket.valid) {
    result.socket = socket_info();
  }
  result.tls = s.tls;
  s.result = nullptr;
  return result;
}

std::vector<LinkedLibrary> curl_libraries()
{
  std::vector<LinkedLibrary> out;
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if (info == nullptr) {
    return out;
  }
  const auto add = [&out](const char* name, const char* version) {
    if (version != nullptr) {
      out.push_back({name, version, "curl_version_info"});
    }
  };
  add("libcurl", info->version);
  add("nghttp2", info->nghttp2_version);
  add("zlib", info->libz_version);
  return out;
}

} // namespace ccaas::probe
