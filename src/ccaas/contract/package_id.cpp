#include "ccaas/contract/package_id.hpp"

#include "ccaas/util/text.hpp"

namespace ccaas::contract {

namespace {

constexpr std::size_t k_hash_length = 64;

bool is_lower_hex(char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// name = label + "-" + 64 hex + suffix, where suffix consists of digits only (and is empty when
// allow_suffix is false). The last '-' that fits wins: a label may itself contain '-'.
std::optional<PackageId> split_label_hash(std::string_view name, bool allow_suffix)
{
  for (std::size_t dash = name.rfind('-'); dash != std::string_view::npos && dash > 0;
       dash = name.rfind('-', dash - 1)) {
    const std::string_view hash = name.substr(dash + 1, k_hash_length);
    const std::string_view suffix = name.size() > dash + 1 + k_hash_length ? name.substr(dash + 1 + k_hash_length) : "";
    if (hash.size() != k_hash_length) {
      continue;
    }
    bool ok = true;
    for (char c : hash) {
      ok = ok && is_lower_hex(c);
    }
    for (char c : suffix) {
      ok = ok && c >= '0' && c <= '9';
    }
    ok = ok && (allow_suffix || suffix.empty());
    const std::string_view label = name.substr(0, dash);
    if (ok && is_valid_label(label)) {
      return PackageId{std::string(label), std::string(hash)};
    }
  }
  return std::nullopt;
}

} // namespace

std::string sanitize_ccid_path(std::string_view ccid)
{
  std::string out(ccid);
  for (char& c : out) {
    switch (c) {
      case '<':
      case '>':
      case ':':
      case '"':
      case '/':
      case '\\':
      case '|':
      case '?':
      case '*':
      case '&':
        c = '-';
        break;
      default:
        break;
    }
  }
  return out;
}

std::optional<PackageId> package_id_from_scratch_dir(std::string_view dir_name)
{
  constexpr std::string_view prefix = "fabric-";
  if (dir_name.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  return split_label_hash(dir_name.substr(prefix.size()), true);
}

std::optional<PackageId> package_id_from_durable_dir(std::string_view dir_name)
{
  return split_label_hash(dir_name, false);
}

bool is_valid_label(std::string_view label)
{
  if (label.empty() || !is_ascii_alnum(label.front())) {
    return false;
  }
  for (char c : label) {
    if (!(is_ascii_alnum(c) || c == '_' || c == '.' || c == '+' || c == '-')) {
      return false;
    }
  }
  return true;
}

std::optional<PackageId> parse_package_id(std::string_view text)
{
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view label = text.substr(0, colon);
  const std::string_view hash = text.substr(colon + 1);
  if (!is_valid_label(label) || hash.size() != k_hash_length) {
    return std::nullopt;
  }
  for (char c : hash) {
    if (!is_lower_hex(c)) {
      return std::nullopt;
    }
  }
  return PackageId{std::string(label), std::string(hash)};
}

} // namespace ccaas::contract
