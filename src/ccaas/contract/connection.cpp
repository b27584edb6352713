#include "ccaas/contract/connection.hpp"

#include "ccaas/contract/connection_redact.hpp"

#include "ccaas/config/template.hpp"
#include "ccaas/tls/pem.hpp"
#include "ccaas/util/duration.hpp"
#include "ccaas/util/time_text.hpp"

#include <cmath>

namespace ccaas::contract {

namespace {

constexpr std::int64_t k_peer_default_startup_timeout = 300 * duration::k_nanos_per_second;

std::string format_time(std::int64_t epoch)
{
  return utc_text(epoch);
}

class Checker
{
public:
  Checker(const json::Json& doc, const std::string& where, Diagnostics& diags)
    : m_doc(doc)
    , m_where(where)
    , m_diags(diags)
  {
  }

  void error(const std::string& field, const std::string& message)
  {
    m_diags.errors.push_back(m_where + ": " + field + ": " + message);
  }
  void warning(const std::string& field, const std::string& message)
  {
    m_diags.warnings.push_back(m_where + ": " + field + ": " + message);
  }

  const json::Json* find(const char* key) const
  {
    const auto it = m_doc.find(key);
    return it == m_doc.end() ? nullptr : &*it;
  }

  // A string field; nullopt when absent (or refused, with an error recorded).
  std::optional<std::string> string_field(const char* key)
  {
    const json::Json* value = find(key);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->is_string()) {
      error(key, "expected a string, found " + json::type_name(*value));
      return std::nullopt;
    }
    return value->get<std::string>();
  }

  // A boolean field; absent means false, as for the peer. A quoted "true" or "false" is an error,
  // but its intent is returned so that the checks that depend on it still run.
  bool bool_field(const char* key)
  {
    const json::Json* value = find(key);
    if (value == nullptr) {
      return false;
    }
    if (value->is_boolean()) {
      return value->get<bool>();
    }
    std::string message = "expected a JSON boolean, found " + json::type_name(*value);
    bool intent = false;
    if (value->is_string()) {
      const std::string text = value->get<std::string>();
      if (text == "true" || text == "false") {
        message += " \"" + text + "\": write " + text + " without quotes (the peer cannot read a quoted boolean)";
        intent = text == "true";
      }
    }
    error(key, message);
    return intent;
  }

private:
  const json::Json& m_doc;
  const std::string& m_where;
  Diagnostics& m_diags;
};

std::optional<std::int64_t> check_dial_timeout(Checker& fields, const json::Json& value)
{
  const char* field = "dial_timeout";
  std::int64_t nanos = 0;
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (text.empty()) {
      fields.error(field,
                   "is \"\", which the peer cannot parse (time: invalid duration \"\"); remove the key to "
                   "use the peer's default of 3s, or write a duration such as \"10s\"");
      return std::nullopt;
    }
    const duration::DurationResult parsed = duration::parse_go_duration(text);
    if (!parsed.nanos) {
      fields.error(field, parsed.error);
      return std::nullopt;
    }
    nanos = *parsed.nanos;
  } else if (value.is_number()) {
    // The peer reads a JSON number as nanoseconds (Duration.UnmarshalJSON, float64 conversion).
    const double number = value.get<double>();
    if (!std::isfinite(number) || std::fabs(number) >= 9.2e18) {
      fields.error(field, "the number is out of range");
      return std::nullopt;
    }
    if (std::floor(number) != number) {
      fields.error(field, "a JSON number here counts nanoseconds and must be whole; write a duration such as \"10s\"");
      return std::nullopt;
    }
    nanos = static_cast<std::int64_t>(number);
    if (nanos > 0 && nanos < duration::k_nanos_per_ms) {
      const std::string shown = value.dump();
      fields.error(field,
                   shown + " is a JSON number, which the peer reads as " + shown
                     + " nanoseconds, too short for any dial: write \"" + shown + "s\" for seconds");
      return std::nullopt;
    }
  } else {
    fields.error(field, "expected a Go duration string such as \"10s\", found " + json::type_name(value));
    return std::nullopt;
  }
  if (nanos < 0) {
    fields.error(field, "is negative: every dial would fail at once");
    return std::nullopt;
  }
  if (nanos > 0 && nanos < duration::k_nanos_per_ms) {
    fields.error(field, duration::format_go_duration(nanos) + " is below one millisecond: no dial can complete in it");
    return std::nullopt;
  }
  if (nanos > k_peer_default_startup_timeout) {
    fields.warning(field,
                   duration::format_go_duration(nanos)
                     + " is longer than the peer's default chaincode.startuptimeout (5m0s): an unreachable "
                       "server then shows only as \"timeout expired while starting chaincode\"");
  }
  return nanos;
}

void check_certificates(Checker& fields, const char* field, const std::string& pem, std::int64_t now)
{
  const tls::PemResult parsed = tls::parse_certificates(pem);
  if (!parsed.error.empty()) {
    fields.error(field, parsed.error);
    return;
  }
  for (std::size_t i = 0; i < parsed.certificates.size(); ++i) {
    const tls::CertificateInfo& cert = parsed.certificates[i];
    const std::string which =
      parsed.certificates.size() > 1 ? "certificate " + std::to_string(i + 1) + " (" : "certificate (";
    const std::string name = which + cert.subject + ")";
    if (cert.not_after <= now) {
      fields.error(field, name + " expired on " + format_time(cert.not_after));
    } else if (cert.not_after - now <= k_expiry_warning_seconds) {
      fields.warning(field, name + " expires on " + format_time(cert.not_after) + ", within 30 days");
    }
    if (cert.not_before > now) {
      fields.warning(field, name + " is not valid before " + format_time(cert.not_before));
    }
  }
}

} // namespace

std::int64_t Connection::effective_dial_timeout() const
{
  return dial_timeout.value_or(0) == 0 ? k_peer_default_dial_timeout : *dial_timeout;
}

bool Connection::holds_private_key() const
{
  return !client_key.empty() || any_private_key(doc);
}

std::string Connection::summary() const
{
  std::string text =
    format_address(address) + ", dial_timeout " + duration::format_go_duration(effective_dial_timeout());
  if (!dial_timeout || *dial_timeout == 0) {
    text += " (the peer's default)";
  }
  if (!tls_required) {
    text += ", plaintext";
  } else if (client_auth_required) {
    text += ", TLS with client authentication";
  } else {
    text += ", TLS";
  }
  if (!domain.empty() && tls_required && client_auth_required) {
    // Fabric 3.x verifies the server's certificate against domain; 2.x ignores it.
    text +=
      ", domain " + domain + " (the TLS server name of Fabric 3.x peers; Fabric 2.x peers use " + address.host + ")";
  }
  return text;
}

void render_connection(json::Json& doc, const config::TemplateData& data, const std::string& where, Diagnostics& diags)
{
  for (auto& [key, value] : doc.items()) {
    if (!value.is_string()) {
      continue;
    }
    const std::string text = value.get<std::string>();
    if (!config::has_template_action(text)) {
      continue;
    }
    config::RenderResult rendered = config::render_template(text, data);
    if (!rendered.error.empty()) {
      diags.errors.push_back(where + ": " + key + ": " + rendered.error);
      continue;
    }
    value = std::move(rendered.text);
  }
}

void apply_default_dial_timeout(json::Json& doc, const std::optional<std::string>& default_dial_timeout)
{
  if (!doc.contains("dial_timeout") && default_dial_timeout) {
    doc["dial_timeout"] = *default_dial_timeout;
  }
}

std::optional<Connection> validate_connection(json::Json doc,
                                              const std::string& where,
                                              std::int64_t now,
                                              Diagnostics& diags,
                                              KeyCheck key_check)
{
  const std::size_t errors_before = diags.errors.size();
  Checker fields(doc, where, diags);
  Connection conn;

  if (const json::Json* address = fields.find("address"); address == nullptr) {
    fields.error("address", "missing: the peer needs the chaincode server's host:port");
  } else if (const auto text = fields.string_field("address")) {
    const AddressResult parsed = parse_address(*text);
    if (!parsed.error.empty()) {
      fields.error("address", parsed.error);
    } else {
      conn.address = parsed.value;
    }
  }

  if (const json::Json* timeout = fields.find("dial_timeout")) {
    conn.dial_timeout = check_dial_timeout(fields, *timeout);
  }

  conn.tls_required = fields.bool_field("tls_required");
  conn.client_auth_required = fields.bool_field("client_auth_required");
  conn.root_cert = fields.string_field("root_cert").value_or("");
  conn.client_cert = fields.string_field("client_cert").value_or("");
  conn.client_key = fields.string_field("client_key").value_or("");
  if (const auto domain = fields.string_field("domain")) {
    conn.domain = *domain;
    // core/container/externalbuilder/instance.go@v3.1.5: ServerNameOverride = domain only when
    // client authentication is on; else the peer checks the address host, and says nothing.
    if (!conn.domain.empty() && (!conn.tls_required || !conn.client_auth_required)) {
      fields.warning("domain",
                     conn.domain
                       + " is not used: Fabric 3.x peers take domain as the TLS server name only with tls_required "
                         "and client_auth_required, and Fabric 2.x peers never; the server's certificate is "
                         "checked against the address host");
    }
  }

  if (conn.tls_required) {
    if (conn.root_cert.empty()) {
      fields.error("root_cert",
                   "missing: with tls_required the peer needs the PEM of the CA that issued the "
                   "chaincode server's certificate");
    } else {
      check_certificates(fields, "root_cert", conn.root_cert, now);
    }
    if (conn.client_auth_required) {
      if (conn.client_cert.empty()) {
        fields.error("client_cert", "missing: with client_auth_required the peer presents this certificate (PEM)");
      } else {
        check_certificates(fields, "client_cert", conn.client_cert, now);
      }
      if (conn.client_key.empty()) {
        fields.error("client_key",
                     "missing: with client_auth_required the peer needs the private key of client_cert (PEM)");
      } else if (key_check == KeyCheck::pair) {
        if (const std::string problem = tls::check_private_key(conn.client_key, conn.client_cert); !problem.empty()) {
          fields.error("client_key", problem);
        }
      }
    }
    if (!conn.domain.empty() && !conn.client_auth_required) {
      fields.warning("domain",
                     "Fabric 3 uses domain as the TLS server name only with client_auth_required; "
                     "without it the peer checks the certificate against the address host");
    }
  } else {
    if (conn.client_auth_required) {
      fields.warning("client_auth_required", "has no effect without tls_required: the peer dials in plaintext");
    }
    for (const char* field : {"root_cert", "client_cert", "client_key"}) {
      const json::Json* value = fields.find(field);
      if (value != nullptr && value->is_string() && !value->get<std::string>().empty()) {
        fields.warning(field, "is ignored: tls_required is not true, so the peer dials in plaintext");
      }
    }
  }
  if (!conn.domain.empty()) {
    const AddressResult parsed = parse_address(conn.domain + ":1");
    if (!parsed.error.empty()) {
      fields.error("domain", "is not a host name: " + parsed.error);
    }
  }

  if (diags.errors.size() != errors_before) {
    return std::nullopt;
  }
  conn.doc = std::move(doc);
  return conn;
}

} // namespace ccaas::contract
