#pragma once

#include "ccaas/contract/address.hpp"
#include "ccaas/contract/diagnostics.hpp"
#include "ccaas/util/json_read.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ccaas::config {
class TemplateData;
}

namespace ccaas::contract {

// connection.json: the package's SRC/connection.json, rendered into BLD/connection.json, then
// published as RELEASE/chaincode/server/connection.json, which the peer reads at every launch
// (ChaincodeServerUserData in core/container/externalbuilder/instance.go).
struct Connection {
  json::Json doc; // the whole document as it is written: unknown keys are kept
  HostPort address;
  std::optional<std::int64_t> dial_timeout; // nanoseconds; empty or 0: the peer's default, 3s
  bool tls_required = false;
  bool client_auth_required = false;
  std::string domain; // Fabric 3: TLS server name, used only with client_auth_required
  std::string root_cert;
  std::string client_cert;
  std::string client_key;

  std::int64_t effective_dial_timeout() const;
  // Whether the written file holds a private key anywhere, client_key or any other key's value
  // (and so must be mode 0600).
  bool holds_private_key() const;
  // "peer0:9999, dial_timeout 10s, TLS with client authentication"
  std::string summary() const;
};

inline constexpr const char* k_connection_file = "connection.json";
// The peer's DialTimeout when connection.json gives none or 0 (core/container/externalbuilder/instance.go).
inline constexpr std::int64_t k_peer_default_dial_timeout = 3'000'000'000;
inline constexpr std::int64_t k_expiry_warning_seconds = 30 * 24 * 3600;

// Renders every top-level string value as a template over data (Fabric's ccaas_builder renders
// address, dial_timeout and the TLS strings; we render every string, so domain and an operator's
// own keys work too). Problems go to diags, each naming the field.
void render_connection(json::Json& doc, const config::TemplateData& data, const std::string& where, Diagnostics& diags);

// Fills dial_timeout from default_dial_timeout (CCAAS_BUILDER_DIAL_TIMEOUT, already checked as a
// Go duration) when the document has none, so that the written file never says "dial_timeout": "".
void apply_default_dial_timeout(json::Json& doc, const std::optional<std::string>& default_dial_timeout);

// How much of the TLS material to check. Pairing the private key with its certificate costs
// OpenSSL 3's key decoders (about 1 ms and 2 MB): build does it; release and run read build's
// output, whose pairing cannot have changed, and check the rest (a certificate may have expired).
enum class KeyCheck { pair, skip };

// Checks everything the peer will later need, the way the peer will read it, and more: host:port
// syntax, Go durations, JSON booleans, PEM that parses, a key that matches its certificate,
// certificates in their validity period at `now` (seconds since the epoch). Returns the parsed
// connection when there is no error.
std::optional<Connection> validate_connection(json::Json doc,
                                              const std::string& where,
                                              std::int64_t now,
                                              Diagnostics& diags,
                                              KeyCheck key_check = KeyCheck::pair);

// A copy of a connection.json safe to print: certificates summarised (subject, expiry), private
// keys and any other PEM replaced, at any depth (unknown keys are kept, and may nest).
json::Json redacted(const json::Json& doc);

} // namespace ccaas::contract
