#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ccaas {

// "a, b, c": the items with separator between them.
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// A letter or digit of ASCII, whatever the locale.
constexpr bool is_ascii_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The text as valid UTF-8: each byte that does not start or continue a well-formed sequence
// (an overlong form, a surrogate, past U+10FFFF, cut short) becomes U+FFFD, as JSON and the
// Prometheus text format need; valid text is returned as it is.
std::string valid_utf8(std::string_view text);

// ASCII letters in lower case (HTTP header names, viper's keys): locale-free.
std::string lowercase(std::string text);
// ASCII letters in upper case (Fabric's chaincode types as its Docker builder names them).
std::string uppercase(std::string text);

} // namespace ccaas
