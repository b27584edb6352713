#include "ccaas/probe/resolve.hpp"

#include "ccaas/util/c_ptr.hpp"
#include "ccaas/util/linked.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace ccaas::probe {

namespace {

struct Lookup {
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<Endpoint> endpoints;
  std::string name;
};

void on_addrinfo(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) noexcept
{
  auto* lookup = static_cast<Lookup*>(arg);
  lookup->done = true;
  lookup->status = status;
  if (result == nullptr) {
    return;
  }
  try {
    if (result->name != nullptr) {
      lookup->name = result->name;
    }
    for (const ares_addrinfo_node* node = result->nodes; node != nullptr; node = node->ai_next) {
      Endpoint endpoint;
      if (node->ai_addrlen > sizeof endpoint.addr) {
        continue;
      }
      std::memcpy(&endpoint.addr, node->ai_addr, node->ai_addrlen);
      endpoint.length = node->ai_addrlen;
      lookup->endpoints.push_back(endpoint);
    }
  } catch (...) {
    lookup->status = ARES_ENOMEM; // no exception crosses c-ares' frames
  }
  ares_freeaddrinfo(result);
}

// The resolver channel, destroyed with its pending queries (their callbacks see ARES_EDESTRUCTION).
using Channel = CPtr<ares_channeldata, ares_destroy>;

ResolveStatus status_of(int code)
{
  switch (code) {
    case ARES_SUCCESS:
      return ResolveStatus::ok;
    case ARES_ENOTFOUND:
      return ResolveStatus::not_found;
    case ARES_ENODATA:
      return ResolveStatus::no_address;
    case ARES_ETIMEOUT:
      return ResolveStatus::timeout;
    case ARES_ESERVFAIL:
    case ARES_EREFUSED:
      return ResolveStatus::server_failure;
    case ARES_ECONNREFUSED:
      return ResolveStatus::no_server;
    default:
      return ResolveStatus::other;
  }
}

bool literal(const std::string& host, std::uint16_t port, Endpoint& out)
{
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.addr);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    out.length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.addr);
  if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    out.length = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

// The peer's files, when the doctor looks at a peer from outside (use_resolver_files).
std::string& resolv_conf_path()
{
  static std::string path;
  return path;
}

std::vector<std::string> words(const std::string& line)
{
  std::vector<std::string> out;
  std::size_t at = 0;
  while ((at = line.find_first_not_of(" \t", at)) != std::string::npos) {
    const std::size_t end = line.find_first_of(" \t", at);
    out.push_back(line.substr(at, end == std::string::npos ? std::string::npos : end - at));
    at = end;
  }
  return out;
}

std::string read_text(const std::string& path)
{
  std::FILE* file = std::fopen(path.c_str(), "re");
  if (file == nullptr) {
    return {};
  }
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0 && text.size() < 65536) {
    text.append(buffer, n);
  }
  std::fclose(file);
  return text;
}

} // namespace

std::vector<std::string> search_candidates(const std::string& host, const std::string& resolv_conf_text)
{
  std::vector<std::string> search;
  int ndots = 1;
  std::size_t start = 0;
  while (start <= resolv_conf_text.size()) {
    std::size_t end = resolv_conf_text.find('\n', start);
    if (end == std::string::npos) {
      end = resolv_conf_text.size();
    }
    const std::vector<std::string> w = words(resolv_conf_text.substr(start, end - start));
    start = end + 1;
    if (w.empty() || w[0][0] == '#' || w[0][0] == ';') {
      continue;
    }
    if (w[0] == "search" || w[0] == "domain") {
      search.assign(w.begin() + 1, w.end()); // the last of search and domain wins
    } else if (w[0] == "options") {
      for (std::size_t i = 1; i < w.size(); ++i) {
        if (w[i].rfind("ndots:", 0) == 0) {
          ndots = std::min(15, std::atoi(w[i].c_str() + 6));
        }
      }
    }
  }
  if (!host.empty() && host.back() == '.') {
    return {host.substr(0, host.size() - 1)};
  }
  const auto dots = static_cast<int>(std::count(host.begin(), host.end(), '.'));
  std::vector<std::string> out;
  if (dots >= ndots) {
    out.push_back(host);
  }
  for (const std::string& domain : search) {
    if (domain != ".") {
      out.push_back(host + "." + domain);
    }
  }
  if (dots < ndots) {
    out.push_back(host);
  }
  return out;
}

static std::string& resolv_conf_shown()
{
  static std::string shown;
  return shown;
}

void use_resolver_files(const std::string& resolv_conf, const std::string& hosts, const std::string& shown)
{
  resolv_conf_path() = resolv_conf;
  resolv_conf_shown() = shown.empty() ? resolv_conf : shown;
  ::setenv("CARES_HOSTS", hosts.c_str(), 1);
}

std::string Endpoint::ip() const
{
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, text, sizeof text);
  } else if (addr.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr, text, sizeof text);
  }
  return text;
}

ResolveResult resolve(const std::string& host, std::uint16_t port, const Deadline& deadline, const Cancel& cancel)
{
  ResolveResult result;
  Endpoint endpoint;
  if (literal(host, port, endpoint)) {
    result.status = ResolveStatus::literal;
    result.endpoints.push_back(endpoint);
    return result;
  }

  static std::once_flag init_once;
  std::call_once(init_once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
  ares_channel raw = nullptr;
  ares_options options{};
  options.timeout = deadline.remaining_ms() > 0 ? deadline.remaining_ms() : 1;
  options.tries = 1;
  int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  std::string resolv_conf = resolv_conf_path();
  if (!resolv_conf.empty()) {
    options.resolvconf_path = resolv_conf.data();
    mask |= ARES_OPT_RESOLVCONF;
  }
  if (ares_init_options(&raw, &options, mask) != ARES_SUCCESS) {
    result.error = "cannot initialise the resolver (is /etc/resolv.conf readable?)";
    return result;
  }
  // Declared after lookup, so that the channel goes first and its callback finds lookup alive.

  Lookup lookup;
  const Channel owned(raw);
  ares_channel channel = owned.get();
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = ARES_AI_NUMERICSERV | (resolv_conf.empty() ? 0 : ARES_AI_ENVHOSTS);
  const std::string service = std::to_string(port);
  ares_getaddrinfo(channel, host.c_str(), service.c_str(), &hints, on_addrinfo, &lookup);

  while (!lookup.done) {
    ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
    const int mask = ares_getsock(channel, sockets, ARES_GETSOCK_MAXNUM);
    pollfd fds[ARES_GETSOCK_MAXNUM + 1];
    nfds_t count = 0;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      events |= ARES_GETSOCK_READABLE(mask, i) ? POLLIN : 0;
      events |= ARES_GETSOCK_WRITABLE(mask, i) ? POLLOUT : 0;
      if (events != 0) {
        fds[count++] = {sockets[i], events, 0};
      }
    }
    if (cancel.fd >= 0) {
      fds[count++] = {cancel.fd, POLLIN, 0};
    }
    timeval max{0, 100'000};
    timeval tv{};
    ares_timeout(channel, &max, &tv);
    int wait_ms = static_cast<int>(tv.tv_sec * 1000 + tv.tv_usec / 1000);
    if (deadline.remaining_ms() < wait_ms) {
      wait_ms = deadline.remaining_ms();
    }
    ::poll(fds, count, wait_ms);
    if (cancel.requested()) {
      result.status = ResolveStatus::cancelled;
      result.error = "cancelled";
      return result;
    }
    if (deadline.expired() && !lookup.done) {
      result.status = ResolveStatus::timeout;
      result.error = "no answer within the dial timeout";
      return result;
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].fd == cancel.fd) {
        continue;
      }
      const ares_socket_t readable = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) ? fds[i].fd : ARES_SOCKET_BAD;
      const ares_socket_t writable = (fds[i].revents & POLLOUT) ? fds[i].fd : ARES_SOCKET_BAD;
      if (readable != ARES_SOCKET_BAD || writable != ARES_SOCKET_BAD) {
        ares_process_fd(channel, readable, writable);
      }
    }
    ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD); // timeouts
  }

  result.status = status_of(lookup.status);
  result.endpoints = std::move(lookup.endpoints);
  result.answered_as = lookup.name;
  result.resolv_conf = resolv_conf.empty() ? "/etc/resolv.conf" : resolv_conf_shown();
  result.candidates = search_candidates(host, read_text(resolv_conf.empty() ? "/etc/resolv.conf" : resolv_conf));
  if (result.status != ResolveStatus::ok) {
    result.error = ares_strerror(lookup.status);
  } else if (result.endpoints.empty()) {
    result.status = ResolveStatus::no_address;
    result.error = "no address records";
  }
  return result;
}

LinkedLibrary cares_library()
{
  return {"c-ares", ares_version(nullptr), "ares_version"};
}

} // namespace ccaas::probe
