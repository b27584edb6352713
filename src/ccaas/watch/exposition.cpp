#include "ccaas/watch/exposition.hpp"

#include "ccaas/util/text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace ccaas::watch {

namespace {

// Backslash and newline escaped, and the double quote too inside a label value (HELP text keeps it);
// bytes that are not UTF-8 (a builder's name as the peer's files spell it) as U+FFFD, since the
// text format is UTF-8 and a scraper refuses the whole page otherwise.
std::string escape(std::string_view raw, bool quote)
{
  const std::string text = valid_utf8(raw);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\' || (quote && c == '"')) {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace

std::string escape_label_value(std::string_view value)
{
  return escape(value, true);
}

std::string format_value(double value)
{
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  if (value == std::floor(value) && std::fabs(value) < 9.0e15) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

void Exposition::family(std::string_view name, MetricType type, std::string_view help)
{
  m_name = name;
  m_text += "# HELP " + m_name + " " + escape(help, false) + "\n";
  m_text += "# TYPE " + m_name + (type == MetricType::counter ? " counter\n" : " gauge\n");
}

void Exposition::sample(const Labels& labels, double value)
{
  m_text += m_name;
  if (!labels.empty()) {
    m_text += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      m_text += (i == 0 ? "" : ",") + labels[i].first + "=\"" + escape_label_value(labels[i].second) + "\"";
    }
    m_text += '}';
  }
  m_text += " " + format_value(value) + "\n";
}

} // namespace ccaas::watch
