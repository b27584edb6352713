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

// ASCII letters in lower case (HTTP header names, viper's keys): locale-free.
std::string lowercase(std::string text);
// ASCII letters in upper case (Fabric's chaincode types as its Docker builder names them).
std::string uppercase(std::string text);

} // namespace ccaas
