#include "ccaas/util/duration.hpp"

#include <array>
#include <limits>

namespace ccaas::duration {

namespace {

struct Unit {
  std::string_view name;
  std::uint64_t nanos;
};

constexpr std::array<Unit, 8> k_units{{
  {"ns", 1},
  {"us", 1'000},
  {"\xC2\xB5s", 1'000}, // U+00B5 micro sign
  {"\xCE\xBCs", 1'000}, // U+03BC Greek mu
  {"ms", 1'000'000},
  {"s", 1'000'000'000},
  {"m", 60'000'000'000},
  {"h", 3'600'000'000'000},
}};

bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

DurationResult invalid(std::string_view text)
{
  return {std::nullopt, "\"" + std::string(text) + "\" is not a Go duration (examples: \"10s\", \"1m30s\", \"500ms\")"};
}

} // namespace

DurationResult parse_go_duration(std::string_view text)
{
  // Mirrors time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    return {0, {}};
  }
  if (s.empty()) {
    return invalid(text);
  }
  constexpr std::uint64_t k_limit = std::uint64_t{1} << 63;
  std::uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) {
      return invalid(text);
    }
    std::uint64_t whole = 0;
    std::size_t i = 0;
    bool overflow = false;
    while (i < s.size() && is_digit(s[i])) {
      const std::uint64_t digit = static_cast<std::uint64_t>(s[i] - '0');
      if (whole > (k_limit - digit) / 10) {
        overflow = true;
      }
      whole = whole * 10 + digit;
      ++i;
    }
    if (overflow) {
      return {std::nullopt, "\"" + std::string(text) + "\" is out of range"};
    }
    const bool had_whole = i > 0;
    std::uint64_t fraction = 0;
    double scale = 1;
    bool had_fraction = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      const std::size_t start = i;
      bool fraction_overflow = false;
      while (i < s.size() && is_digit(s[i])) {
        if (!fraction_overflow) {
          if (fraction > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) {
            fraction_overflow = true; // further digits are below the precision that matters
          } else {
            fraction = fraction * 10 + static_cast<std::uint64_t>(s[i] - '0');
            scale *= 10;
          }
        }
        ++i;
      }
      had_fraction = i > start;
    }
    if (!had_whole && !had_fraction) {
      return invalid(text);
    }
    const std::size_t unit_start = i;
    while (i < s.size() && s[i] != '.' && !is_digit(s[i])) {
      ++i;
    }
    const std::string_view unit_name = s.substr(unit_start, i - unit_start);
    if (unit_name.empty()) {
      return {std::nullopt,
              "\"" + std::string(text) + "\" has no unit (write \"" + std::string(text)
                + "s\" for seconds; units are ns, us, ms, s, m, h)"};
    }
    const Unit* unit = nullptr;
    for (const Unit& candidate : k_units) {
      if (candidate.name == unit_name) {
        unit = &candidate;
      }
    }
    if (unit == nullptr) {
      return {std::nullopt,
              "\"" + std::string(text) + "\" has an unknown unit \"" + std::string(unit_name)
                + "\" (units are ns, us, ms, s, m, h)"};
    }
    if (whole > k_limit / unit->nanos) {
      return {std::nullopt, "\"" + std::string(text) + "\" is out of range"};
    }
    std::uint64_t value = whole * unit->nanos;
    if (fraction > 0) {
      value += static_cast<std::uint64_t>(static_cast<double>(fraction) * (static_cast<double>(unit->nanos) / scale));
      if (value > k_limit) {
        return {std::nullopt, "\"" + std::string(text) + "\" is out of range"};
      }
    }
    total += value;
    if (total > k_limit) {
      return {std::nullopt, "\"" + std::string(text) + "\" is out of range"};
    }
    s.remove_prefix(i);
  }
  if (negative) {
    return {total == k_limit ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(total), {}};
  }
  if (total == k_limit) {
    return {std::nullopt, "\"" + std::string(text) + "\" is out of range"};
  }
  return {static_cast<std::int64_t>(total), {}};
}

std::string format_go_duration(std::int64_t nanos)
{
  if (nanos == 0) {
    return "0s";
  }
  std::string sign;
  std::uint64_t u = static_cast<std::uint64_t>(nanos);
  if (nanos < 0) {
    sign = "-";
    u = ~u + 1;
  }
  auto fraction_text = [](std::uint64_t value, std::uint64_t divisor) {
    // value / divisor with the fraction's trailing zeros removed, as Go prints it
    std::string out = std::to_string(value / divisor);
    std::uint64_t rest = value % divisor;
    if (rest != 0) {
      std::string digits;
      for (std::uint64_t d = divisor / 10; d > 0; d /= 10) {
        digits += static_cast<char>('0' + (rest / d) % 10);
      }
      while (!digits.empty() && digits.back() == '0') {
        digits.pop_back();
      }
      out += "." + digits;
    }
    return out;
  };
  if (u < 1'000) {
    return sign + std::to_string(u) + "ns";
  }
  if (u < 1'000'000) {
    return sign + fraction_text(u, 1'000) + "\xC2\xB5s";
  }
  if (u < 1'000'000'000) {
    return sign + fraction_text(u, 1'000'000) + "ms";
  }
  const std::uint64_t hours = u / 3'600'000'000'000;
  const std::uint64_t minutes = (u / 60'000'000'000) % 60;
  const std::uint64_t second_nanos = u % 60'000'000'000;
  std::string out = sign;
  if (hours > 0) {
    out += std::to_string(hours) + "h";
  }
  if (hours > 0 || minutes > 0) {
    out += std::to_string(minutes) + "m";
  }
  return out + fraction_text(second_nanos, 1'000'000'000) + "s";
}

} // namespace ccaas::duration
