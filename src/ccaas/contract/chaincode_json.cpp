#include "ccaas/contract/chaincode_json.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/json_read.hpp"

namespace ccaas::contract {

ChaincodeJson read_chaincode_json(const std::filesystem::path& run_metadata_dir)
{
  const std::filesystem::path path = run_metadata_dir / k_chaincode_json_file;
  return parse_chaincode_json(file::read_regular_file(path), path.string());
}

ChaincodeJson parse_chaincode_json(std::string_view text, const std::string& where)
{
  const json::Json doc = json::parse_object(text, where);
  auto field = [&](const char* key) -> std::string {
    const auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) {
      return {};
    }
    if (!it->is_string()) {
      throw Failure(where + ": " + key + ": expected a string, found " + json::type_name(*it));
    }
    return it->get<std::string>();
  };
  ChaincodeJson out{field("chaincode_id"),
                    field("peer_address"),
                    field("client_cert"),
                    field("client_key"),
                    field("root_cert"),
                    field("mspid")};
  if (out.chaincode_id.empty()) {
    throw Failure(where + ": chaincode_id: missing or empty");
  }
  return out;
}

} // namespace ccaas::contract
