#include "ccaas/contract/metadata.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/json_read.hpp"

namespace ccaas::contract {

namespace {

std::string optional_string(const json::Json& doc, const char* key, const std::string& where)
{
  const auto it = doc.find(key);
  if (it == doc.end()) {
    return {};
  }
  if (!it->is_string()) {
    throw Failure(where + ": " + key + ": expected a string, found " + json::type_name(*it));
  }
  return it->get<std::string>();
}

} // namespace

Metadata parse_metadata(std::string_view text, const std::string& where)
{
  const json::Json doc = json::parse_object(text, where);
  return Metadata{optional_string(doc, "type", where), optional_string(doc, "label", where)};
}

Metadata read_metadata(const std::filesystem::path& metadata_dir)
{
  const std::filesystem::path path = metadata_dir / k_metadata_file;
  return parse_metadata(file::read_regular_file(path), path.string());
}

namespace {

bool equals_lowercase(const std::string& type, std::string_view expected)
{
  if (type.size() != expected.size()) {
    return false;
  }
  for (std::size_t i = 0; i < type.size(); ++i) {
    const char c = type[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != expected[i]) {
      return false;
    }
  }
  return true;
}

} // namespace

bool is_ccaas_type(const std::string& type)
{
  return equals_lowercase(type, "ccaas");
}

bool is_external_type(const std::string& type)
{
  return equals_lowercase(type, "external");
}

bool claims_type(const config::PackageTypes& types, const std::string& type)
{
  return (types.ccaas && is_ccaas_type(type)) || (types.external && is_external_type(type));
}

bool is_server_type(const std::string& type)
{
  return is_ccaas_type(type) || is_external_type(type);
}

} // namespace ccaas::contract
