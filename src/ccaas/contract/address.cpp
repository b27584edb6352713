#include "ccaas/contract/address.hpp"

#include "ccaas/util/text.hpp"

#include <arpa/inet.h>

namespace ccaas::contract {

namespace {

bool all_digits_and_dots(std::string_view s)
{
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.')) {
      return false;
    }
  }
  return true;
}

// RFC 1123 host names, plus '_' which Kubernetes and Docker service names sometimes carry.
std::string check_host_name(std::string_view host)
{
  if (host.size() > 253) {
    return "host name is longer than 253 characters";
  }
  std::string_view rest = host;
  if (!rest.empty() && rest.back() == '.') {
    rest.remove_suffix(1); // a fully qualified name may end with a dot
  }
  while (true) {
    const std::size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (label.empty()) {
      return "host name \"" + std::string(host) + "\" has an empty label";
    }
    if (label.size() > 63) {
      return "host name label \"" + std::string(label) + "\" is longer than 63 characters";
    }
    for (char c : label) {
      if (!(is_ascii_alnum(c) || c == '-' || c == '_')) {
        return "host name \"" + std::string(host) + "\" contains '" + std::string(1, c)
               + "' (letters, digits, '-', '_' and '.' only)";
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return "host name label \"" + std::string(label) + "\" starts or ends with '-'";
    }
    if (dot == std::string_view::npos) {
      return {};
    }
    rest.remove_prefix(dot + 1);
  }
}

} // namespace

AddressResult parse_address(std::string_view address)
{
  AddressResult result;
  if (address.empty()) {
    result.error = "is empty: the peer needs host:port";
    return result;
  }
  if (const auto scheme = address.find("://"); scheme != std::string_view::npos) {
    result.error = "\"" + std::string(address) + "\" has a scheme: write host:port without \""
                   + std::string(address.substr(0, scheme + 3)) + "\"";
    return result;
  }
  for (char c : address) {
    if (c == ' ' || c == '\t' || c == '/' || static_cast<unsigned char>(c) < 0x20) {
      result.error = "\"" + std::string(address) + "\" contains a space, '/' or a control character: write host:port";
      return result;
    }
  }

  std::string_view host;
  std::string_view port;
  if (address.front() == '[') {
    const std::size_t close = address.find(']');
    if (close == std::string_view::npos) {
      result.error = "\"" + std::string(address) + "\" opens '[' without closing it";
      return result;
    }
    host = address.substr(1, close - 1);
    const std::string_view after = address.substr(close + 1);
    if (after.empty() || after.front() != ':') {
      result.error = "\"" + std::string(address) + "\" has no port: write [" + std::string(host) + "]:PORT";
      return result;
    }
    port = after.substr(1);
    in6_addr ignored{};
    if (::inet_pton(AF_INET6, std::string(host).c_str(), &ignored) != 1) {
      result.error = "\"" + std::string(host) + "\" in brackets is not an IPv6 address";
      return result;
    }
    result.value.kind = HostKind::ipv6;
  } else {
    const std::size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) {
      result.error = "\"" + std::string(address) + "\" has no port: write " + std::string(address) + ":PORT";
      return result;
    }
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      result.error = "\"" + std::string(address) + "\": an IPv6 address needs brackets, as in [::1]:9999";
      return result;
    }
    if (host.empty()) {
      result.error = "\"" + std::string(address) + "\" has no host: write HOST" + std::string(address);
      return result;
    }
    in_addr v4{};
    if (all_digits_and_dots(host)) {
      if (::inet_pton(AF_INET, std::string(host).c_str(), &v4) != 1) {
        result.error = "\"" + std::string(host) + "\" is not a valid IPv4 address";
        return result;
      }
      result.value.kind = HostKind::ipv4;
    } else if (std::string why = check_host_name(host); !why.empty()) {
      result.error = why;
      return result;
    }
  }

  if (port.empty()) {
    result.error = "\"" + std::string(address) + "\" has an empty port";
    return result;
  }
  unsigned long number = 0;
  for (char c : port) {
    if (c < '0' || c > '9') {
      result.error = "port \"" + std::string(port) + "\" is not a number from 1 to 65535";
      return result;
    }
    number = number * 10 + static_cast<unsigned long>(c - '0');
    if (number > 65535) {
      break;
    }
  }
  if (number < 1 || number > 65535) {
    result.error = "port " + std::string(port) + " is outside 1-65535";
    return result;
  }
  result.value.host = std::string(host);
  result.value.port = static_cast<std::uint16_t>(number);
  return result;
}

std::string format_address(const HostPort& hp)
{
  if (hp.kind == HostKind::ipv6) {
    return "[" + hp.host + "]:" + std::to_string(hp.port);
  }
  return hp.host + ":" + std::to_string(hp.port);
}

} // namespace ccaas::contract
