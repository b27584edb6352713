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
  std::string error; // c-ares' own words, when not ok
};

// Resolves host (A and AAAA, /etc/hosts then DNS as /etc/resolv.conf says) with c-ares, which
// consults no NSS module and so behaves the same in any image. An IP literal is not looked up.
ResolveResult resolve(const std::string& host, std::uint16_t port, const Deadline& deadline, const Cancel& cancel);

} // namespace ccaas::probe
