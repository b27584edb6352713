#include "ccaas/contract/connection_redact.hpp"

#include "ccaas/contract/connection.hpp"
#include "ccaas/tls/pem.hpp"
#include "ccaas/util/time_text.hpp"

namespace ccaas::contract {

namespace {

bool holds_pem(const json::Json& value)
{
  return value.is_string() && value.get_ref<const std::string&>().find("-----BEGIN") != std::string::npos;
}

bool is_private_key(const std::string& pem)
{
  return pem.find("PRIVATE KEY") != std::string::npos;
}

void redact_in_place(json::Json& value)
{
  if (value.is_object() || value.is_array()) {
    for (auto& item : value) {
      redact_in_place(item);
    }
    return;
  }
  if (!holds_pem(value)) {
    return;
  }
  const std::string pem = value.get<std::string>();
  if (is_private_key(pem)) {
    value = "<private key, redacted>";
    return;
  }
  const tls::PemResult parsed = tls::parse_certificates(pem);
  if (!parsed.error.empty()) {
    value = "<PEM, redacted: " + parsed.error + ">";
    return;
  }
  std::string summary;
  for (const tls::CertificateInfo& cert : parsed.certificates) {
    summary += (summary.empty() ? "" : "; ") + cert.subject + " until " + utc_text(cert.not_after);
  }
  value = "<" + std::to_string(parsed.certificates.size()) + " certificate(s): " + summary + ">";
}

} // namespace

bool any_private_key(const json::Json& value)
{
  if (value.is_object() || value.is_array()) {
    for (const auto& item : value) {
      if (any_private_key(item)) {
        return true;
      }
    }
    return false;
  }
  return holds_pem(value) && is_private_key(value.get_ref<const std::string&>());
}

json::Json redacted(const json::Json& doc)
{
  json::Json out = doc;
  redact_in_place(out);
  return out;
}

} // namespace ccaas::contract
