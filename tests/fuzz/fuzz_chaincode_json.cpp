// chaincode.json as run reads it.
#include "ccaas/contract/chaincode_json.hpp"
#include "ccaas/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  try {
    (void)ccaas::contract::parse_chaincode_json(std::string_view(reinterpret_cast<const char*>(data), size),
                                                "chaincode.json");
  } catch (const ccaas::Failure&) {
  }
  return 0;
}
