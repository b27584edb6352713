// Go durations and host:port addresses: parse, print, parse again to the same value.
#include "ccaas/contract/address.hpp"
#include "ccaas/util/duration.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace ccaas::contract;
  namespace duration = ccaas::duration;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const duration::DurationResult parsed = duration::parse_go_duration(input);
  if (parsed.nanos && *parsed.nanos != INT64_MIN) {
    const duration::DurationResult again = duration::parse_go_duration(duration::format_go_duration(*parsed.nanos));
    if (!again.nanos || *again.nanos != *parsed.nanos) {
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
