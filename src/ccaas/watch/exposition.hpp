#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Prometheus' text exposition format, version 0.0.4 (what `promtool check metrics` reads and every
// Prometheus scrapes): a family is `# HELP`, `# TYPE`, then its samples, each
// `name{label="value",...} number`. Label values are escaped (backslash, double quote, newline);
// no sample carries a timestamp.
namespace ccaas::watch {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { gauge, counter };

inline constexpr const char* k_exposition_content_type = "text/plain; version=0.0.4; charset=utf-8";

class Exposition
{
public:
  // Starts a family; samples follow with sample(). Every family has HELP and TYPE.
  void family(std::string_view name, MetricType type, std::string_view help);
  void sample(const Labels& labels, double value);
  void sample(double value) { sample({}, value); }

  const std::string& text() const { return m_text; }

private:
  std::string m_text;
  std::string m_name;
};

// A label value as the format writes it between double quotes.
std::string escape_label_value(std::string_view value);

// A number as the format writes it: integers without a point, others in the shortest form that
// reads back the same, NaN and infinities as Prometheus spells them.
std::string format_value(double value);

} // namespace ccaas::watch
