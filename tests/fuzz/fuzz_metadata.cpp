// metadata.json as detect reads it.
#include "ccaas/contract/metadata.hpp"
#include "ccaas/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  try {
    const auto metadata =
      ccaas::contract::parse_metadata(std::string_view(reinterpret_cast<const char*>(data), size), "metadata.json");
    (void)ccaas::contract::is_ccaas_type(metadata.type);
  } catch (const ccaas::Failure&) {
  }
  return 0;
}
