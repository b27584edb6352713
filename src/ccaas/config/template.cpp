#include "ccaas/config/template.hpp"

#include "ccaas/config/settings.hpp"
#include "ccaas/util/error.hpp"

#include <charconv>

namespace ccaas::config {

namespace {

constexpr std::string_view k_open = "{{";
constexpr std::string_view k_close = "}}";

bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_ident_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string env_name()
{
  return k_builder_config.name;
}

// What Go's fmt prints for a value taken from a JSON-decoded map[string]interface{}: strings as
// they are, booleans as true/false, numbers as the float64 encoding/json made of them.
std::optional<std::string> print_value(const nlohmann::json& value)
{
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? "true" : "false";
  }
  if (value.is_number()) {
    return go_print_float(value.get<double>());
  }
  return std::nullopt;
}

} // namespace

std::string go_print_float(double value)
{
  // The shortest digits that read back as the same float64, as strconv does, in scientific form
  // ("1.234567e+06"); then strconv's 'g' rule with shortest precision: an exponent when it is
  // below -4 or at least 6 (the precision Go uses for that decision), plain digits otherwise.
  char buffer[64];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string_view text(buffer, static_cast<std::size_t>(written.ptr - buffer));
  std::string out;
  if (!text.empty() && text.front() == '-') {
    out = "-";
    text.remove_prefix(1);
  }
  const std::size_t e = text.find('e');
  std::string digits;
  for (const char c : text.substr(0, e)) {
    if (c != '.') {
      digits += c;
    }
  }
  int exponent = 0;
  const std::string_view exponent_text = text.substr(e + 1);
  std::from_chars(exponent_text.data() + (exponent_text.front() == '+' ? 1 : 0),
                  exponent_text.data() + exponent_text.size(),
                  exponent);
  const int count = static_cast<int>(digits.size());
  const int point = exponent + 1; // digits before the decimal point
  if (exponent < -4 || exponent >= 6) {
    out += digits.front();
    if (count > 1) {
      out += '.';
      out += digits.substr(1);
    }
    const int magnitude = exponent < 0 ? -exponent : exponent;
    out += exponent < 0 ? "e-" : "e+";
    out += (magnitude < 10 ? "0" : "") + std::to_string(magnitude);
  } else if (point <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  } else if (point >= count) {
    out += digits + std::string(static_cast<std::size_t>(point - count), '0');
  } else {
    out += digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
  }
  return out;
}

TemplateData TemplateData::from_env_value(const std::optional<std::string>& value)
{
  TemplateData data;
  if (!value || value->empty()) {
    return data;
  }
  nlohmann::json parsed = nlohmann::json::parse(*value, nullptr, false);
  if (parsed.is_discarded()) {
    throw Failure(env_name() + ": not valid JSON: it must be a JSON object such as {\"peername\":\"peer0org1\"}");
  }
  if (parsed.is_string()) {
    std::string hint = "it holds a JSON string, not an object";
    const nlohmann::json inner = nlohmann::json::parse(parsed.get<std::string>(), nullptr, false);
    if (!inner.is_discarded() && inner.is_object()) {
      hint += ": one level of quoting too many (compose or Kubernetes YAML often adds it); "
              "the value must start with '{'";
    }
    throw Failure(env_name() + ": " + hint);
  }
  if (!parsed.is_object()) {
    throw Failure(env_name() + ": must be a JSON object such as {\"peername\":\"peer0org1\"}, found "
                  + std::string(parsed.type_name()));
  }
  data.m_set = true;
  data.m_object = std::move(parsed);
  return data;
}

bool has_template_action(std::string_view text)
{
  return text.find(k_open) != std::string_view::npos;
}

RenderResult render_template(std::string_view text, const TemplateData& data)
{
  RenderResult result;
  std::string& out = result.text;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find(k_open, pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    const std::size_t close = text.find(k_close, open + k_open.size());
    if (close == std::string_view::npos) {
      result.error = "template action \"{{\" is not closed with \"}}\"";
      return result;
    }
    std::string_view action = text.substr(open + k_open.size(), close - open - k_open.size());
    const std::string shown = "{{" + std::string(action) + "}}";
    std::string_view literal = text.substr(pos, open - pos);
    // "{{- " trims the white space before the action, " -}}" the white space after it.
    if (action.size() >= 2 && action[0] == '-' && is_space(action[1])) {
      while (!literal.empty() && is_space(literal.back())) {
        literal.remove_suffix(1);
      }
      action.remove_prefix(1);
    }
    bool trim_after = false;
    if (action.size() >= 2 && action.back() == '-' && is_space(action[action.size() - 2])) {
      trim_after = true;
      action.remove_suffix(1);
    }
    out.append(literal);
    while (!action.empty() && is_space(action.front())) {
      action.remove_prefix(1);
    }
    while (!action.empty() && is_space(action.back())) {
      action.remove_suffix(1);
    }
    if (action.substr(0, 2) == "/*" && action.size() >= 4 && action.substr(action.size() - 2) == "*/") {
      // a comment renders as nothing
    } else {
      // A field chain: .key or .a.b
      if (action.empty() || action.front() != '.' || action.size() == 1) {
        result.error = "template action " + shown + " is not supported: use {{.key}} with a key of " + env_name();
        return result;
      }
      const nlohmann::json* node = &data.object();
      std::string path;
      std::string_view rest = action;
      while (!rest.empty()) {
        if (rest.front() != '.') {
          result.error = "template action " + shown + " is not supported: use {{.key}} with a key of " + env_name();
          return result;
        }
        rest.remove_prefix(1);
        std::size_t n = 0;
        while (n < rest.size() && is_ident_char(rest[n])) {
          ++n;
        }
        if (n == 0) {
          result.error = "template action " + shown + " is not supported: use {{.key}} with a key of " + env_name();
          return result;
        }
        const std::string key(rest.substr(0, n));
        rest.remove_prefix(n);
        path += (path.empty() ? "" : ".") + key;
        if (!data.is_set()) {
          result.error = "template " + shown + " needs key \"" + path + "\", but " + env_name()
                         + " is not set for the builder: set it in the peer's environment and list it under "
                           "propagateEnvironment in core.yaml";
          return result;
        }
        if (!node->is_object() || !node->contains(key)) {
          result.error = "template " + shown + " needs key \"" + path + "\", which " + env_name()
                         + " does not have (the builder got it through propagateEnvironment, but without that key)";
          return result;
        }
        node = &(*node)[key];
      }
      const std::optional<std::string> printed = print_value(*node);
      if (!printed) {
        result.error = "template " + shown + ": key \"" + path + "\" of " + env_name() + " holds "
                       + std::string(node->is_object() ? "an object" : node->type_name())
                       + "; only strings, numbers and booleans can be substituted";
        return result;
      }
      out.append(*printed);
    }
    pos = close + k_close.size();
    if (trim_after) {
      while (pos < text.size() && is_space(text[pos])) {
        ++pos;
      }
    }
  }
  return result;
}

} // namespace ccaas::config
