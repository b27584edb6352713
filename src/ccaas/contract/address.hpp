#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ccaas::contract {

enum class HostKind { name, ipv4, ipv6 };

struct HostPort {
  std::string host; // without brackets
  std::uint16_t port = 0;
  HostKind kind = HostKind::name;
};

struct AddressResult {
  HostPort value;
  std::string error; // non-empty on failure: the cause and, where known, the fix
};

// The peer dials `address` with gRPC, which splits it like Go's net.SplitHostPort: "host:port",
// "[v6]:port". Refuses what would only fail at the first invoke: a scheme, a path, no port, a
// port outside 1-65535 or given by name, an IPv6 address without brackets, an invalid host name.
AddressResult parse_address(std::string_view address);

// "host:port" again, with brackets for IPv6.
std::string format_address(const HostPort& hp);

} // namespace ccaas::contract
