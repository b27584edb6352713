#pragma once

#include "ccaas/contract/address.hpp"
#include "ccaas/probe/deadline.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ccaas::contract {
struct Connection;
}

// The reachability probe: does what the peer's dial does, stage by stage, and says where and
// why it fails; then what the peer's first real transaction needs on top (full-size packets).
// One file a stage (stage_*.cpp); the only code that includes <curl/curl.h> is below this directory.
namespace ccaas::probe {

enum class Stage { config, dns, tcp, tls, http2, grpc, mtu, ccid };

const char* stage_name(Stage stage);

// How long the probe may take beyond the dial timeout, for what the peer does after its dial
// (the REGISTER message, full-size packets): the probe answers within dial_timeout plus this,
// whatever the server, a proxy or the network does.
inline constexpr std::int64_t k_probe_margin_ns = 500'000'000;

struct ProbeTarget {
  contract::HostPort address;
  std::string server_name;   // the TLS server name: host of address, or Fabric 3's domain when a 3.x peer uses it
  std::int64_t dial_timeout; // nanoseconds; bounds dns, tcp, tls and http2 together, as in the peer
  bool tls = false;
  bool client_auth = false;
  std::string root_cert;
  std::string client_cert;
  std::string client_key;
  std::optional<std::string> expected_ccid;
};

// The target the peer would dial for this connection.json; dial_timeout_override (nanoseconds)
// replaces the connection's own when set.
ProbeTarget target_for(const contract::Connection& connection,
                       std::optional<std::string> expected_ccid,
                       std::optional<std::int64_t> dial_timeout_override = std::nullopt);

struct StageResult {
  Stage stage;
  bool ok = false;
  double ms = 0;
  std::string detail;
};

struct ProbeReport {
  bool ok = false;
  bool cancelled = false;
  bool unchecked = false; // the probe could not run to its end for a reason of its own; error says why
  std::string address;    // host:port
  std::optional<std::string> ccid_expected;
  std::optional<std::string> ccid_reported;
  std::optional<Stage> failed_stage;
  std::string error;                 // plain words: what failed
  std::string hint;                  // the likely fix
  std::vector<std::string> warnings; // what passed for this peer but fails some (a Fabric version, an address)
  std::vector<StageResult> stages;
  double total_ms = 0;
  std::optional<std::int64_t> server_cert_not_after; // the server's certificate, when TLS showed it
};

ProbeReport run_probe(const ProbeTarget& target, const Cancel& cancel);

} // namespace ccaas::probe
