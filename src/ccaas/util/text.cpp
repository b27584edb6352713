#include "ccaas/util/text.hpp"

namespace ccaas {

std::string join(const std::vector<std::string>& items, std::string_view separator)
{
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) {
      out += separator;
    }
    out += item;
  }
  return out;
}

std::string lowercase(std::string text)
{
  for (char& c : text) {
    c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return text;
}

std::string uppercase(std::string text)
{
  for (char& c : text) {
    c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return text;
}

} // namespace ccaas
