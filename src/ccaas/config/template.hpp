#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

// The part of Go's text/template that connection.json templates use with Fabric's ccaas_builder:
// {{.key}}, {{ .key }}, {{.a.b}}, comments and the trim markers {{- and -}}, over the JSON object in
// CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, with missingkey=error. Other actions are refused by name.
namespace ccaas::config {

class TemplateData
{
public:
  // Parses the variable's value; nullopt means the variable is unset (or empty) for the builder.
  // Throws Failure when it is set but not a JSON object, with a quoting hint for a JSON string.
  static TemplateData from_env_value(const std::optional<std::string>& value);

  bool is_set() const { return m_set; }
  const nlohmann::json& object() const { return m_object; }

private:
  bool m_set = false;
  nlohmann::json m_object = nlohmann::json::object();
};

bool has_template_action(std::string_view text);

struct RenderResult {
  std::string text;
  std::string error; // non-empty on failure; never quotes the text outside the failing action
};

RenderResult render_template(std::string_view text, const TemplateData& data);

// A JSON number as Fabric's builder renders it: encoding/json decodes it as a float64, and
// text/template prints that with fmt's %v, which is strconv's shortest 'g' form: 9999 stays
// "9999", 1000000 becomes "1e+06", 0.00001 "1e-05". (A JSON -0 reads as 0 here, "-0" in Go.)
std::string go_print_float(double value);

} // namespace ccaas::config
