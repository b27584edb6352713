// connection.json as build reads it: parse, render templates, validate, redact.
#include "ccaas/config/template.hpp"
#include "ccaas/contract/connection.hpp"
#include "ccaas/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace ccaas;
  static const config::TemplateData k_data =
    config::TemplateData::from_env_value(std::string(R"({"peername":"peer0org1","port":9999,"org":{"name":"org1"}})"));
  try {
    json::Json doc = json::parse_object(std::string_view(reinterpret_cast<const char*>(data), size), "f");
    contract::Diagnostics diags;
    contract::render_connection(doc, k_data, "f", diags);
    contract::apply_default_dial_timeout(doc, std::string("10s"));
    const auto connection = contract::validate_connection(doc, "f", 1'800'000'000, diags);
    (void)contract::redacted(doc).dump();
    if (connection) {
      (void)connection->summary();
      (void)connection->doc.dump(2);
    }
  } catch (const Failure&) {
  }
  return 0;
}
