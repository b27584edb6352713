#pragma once

#include "ccaas/probe/deadline.hpp"

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ccaas::probe {

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t length = 0;

  std::string ip() const; // "10.0.0.1", "fd00::1"
};

enum class ResolveStatus { ok, literal, not_found, no_address, timeout, server_failure, no_server, cancelled, other };

struct ResolveResult {
  ResolveStatus status = ResolveStatus::other;
  std::vector<Endpoint> endpoints;
  std::string error;       // c-ares' own words, when not ok
  std::string answered_as; // the name that answered: host itself, or host with a search domain
  // The names tried, in order, as the resolver's search list and ndots make them (resolv.conf).
  std::vector<std::string> candidates;
  std::string resolv_conf; // the file whose search list and ndots applied
};

// The names a resolver tries for host, in order: a name with fewer dots than ndots is tried with
// each search domain first, then as it is; one with more is tried as it is first (resolv.conf(5),
// as Go's and c-ares' resolvers do). A name ending in '.' is tried only as it is.
std::vector<std::string> search_candidates(const std::string& host, const std::string& resolv_conf_text);

// Names are resolved with these files instead of /etc/resolv.conf and /etc/hosts: copies of the
// peer's, so that its search list, ndots and hosts entries decide; shown names resolv_conf in
// messages (the peer's own path). Call it before any thread resolves (it sets CARES_HOSTS, which
// c-ares reads).
void use_resolver_files(const std::string& resolv_conf, const std::string& hosts, const std::string& shown = {});

// Resolves host (A and AAAA, /etc/hosts then DNS as /etc/resolv.conf says) with c-ares, which
// consults no NSS module and so behaves the same in any image. An IP literal is not looked up.
ResolveResult resolve(const std::string& host, std::uint16_t port, const Deadline& deadline, const Cancel& cancel);

} // namespace ccaas::probe
