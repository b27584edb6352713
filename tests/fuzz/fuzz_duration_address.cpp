// Go durations and host:port addresses: parse, print, parse again to the same value.
#include "ccaas/contract/address.hpp"
#include "ccaas/util/duration.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace ccaas::contract;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const duration::DurationResult duration = duration::parse_go_duration(input);
  if (duration.nanos && *duration.nanos != INT64_MIN) {
    const duration::DurationResult again = duration::parse_go_duration(duration::format_go_duration(*duration.nanos));
    if (!again.nanos || *again.nanos != *duration.nanos) {
      __builtin_trap();
    }
  }
  const AddressResult address = parse_address(input);
  if (address.error.empty()) {
    const AddressResult again = parse_address(format_address(address.value));
    if (!again.error.empty() || again.value.host != address.value.host || again.value.port != address.value.port) {
      __builtin_trap();
    }
  }
  return 0;
}
