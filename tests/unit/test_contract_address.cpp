#include "ccaas/contract/address.hpp"

#include <doctest/doctest.h>

using namespace ccaas::contract;

TEST_CASE("addresses that the peer can dial")
{
  struct Row {
    const char* text;
    const char* host;
    int port;
    HostKind kind;
  };
  const Row rows[] = {
    {"peer0-cc:9999", "peer0-cc", 9999, HostKind::name},
    {"cc.org1.svc.cluster.local:7052", "cc.org1.svc.cluster.local", 7052, HostKind::name},
    {"cc.example.com.:1", "cc.example.com.", 1, HostKind::name},
    {"peer0org1_assettransfer_ccaas:9999", "peer0org1_assettransfer_ccaas", 9999, HostKind::name},
    {"127.0.0.1:65535", "127.0.0.1", 65535, HostKind::ipv4},
    {"[::1]:9999", "::1", 9999, HostKind::ipv6},
    {"[fd00::10:1]:7052", "fd00::10:1", 7052, HostKind::ipv6},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    const AddressResult result = parse_address(row.text);
    REQUIRE(result.error.empty());
    CHECK(result.value.host == row.host);
    CHECK(result.value.port == row.port);
    CHECK(result.value.kind == row.kind);
    CHECK(format_address(result.value) == row.text);
  }
}

TEST_CASE("addresses that would fail only at the first invoke")
{
  struct Row {
    const char* text;
    const char* error;
  };
  const Row rows[] = {
    {"", "is empty: the peer needs host:port"},
    {"peer0-cc", "\"peer0-cc\" has no port: write peer0-cc:PORT"},
    {"grpc://cc:9999", "\"grpc://cc:9999\" has a scheme: write host:port without \"grpc://\""},
    {"cc:9999/path", "\"cc:9999/path\" contains a space, '/' or a control character: write host:port"},
    {"cc :9999", "\"cc :9999\" contains a space, '/' or a control character: write host:port"},
    {"cc:0", "port 0 is outside 1-65535"},
    {"cc:65536", "port 65536 is outside 1-65535"},
    {"cc:99999999999999999999", "port 99999999999999999999 is outside 1-65535"},
    {"cc:grpc", "port \"grpc\" is not a number from 1 to 65535"},
    {"cc:", "\"cc:\" has an empty port"},
    {":9999", "\":9999\" has no host: write HOST:9999"},
    {"::1:9999", "\"::1:9999\": an IPv6 address needs brackets, as in [::1]:9999"},
    {"[::1]", "\"[::1]\" has no port: write [::1]:PORT"},
    {"[::1:9999", "\"[::1:9999\" opens '[' without closing it"},
    {"[cc]:9999", "\"cc\" in brackets is not an IPv6 address"},
    {"300.1.1.1:9999", "\"300.1.1.1\" is not a valid IPv4 address"},
    {"cc..org:1", "host name \"cc..org\" has an empty label"},
    {"-cc:1", "host name label \"-cc\" starts or ends with '-'"},
    {"c$c:1", "host name \"c$c\" contains '$' (letters, digits, '-', '_' and '.' only)"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    CHECK(parse_address(row.text).error == row.error);
  }
}
