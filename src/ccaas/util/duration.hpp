#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ccaas::duration {

inline constexpr std::int64_t k_nanos_per_ms = 1'000'000;
inline constexpr std::int64_t k_nanos_per_second = 1'000'000'000;

struct DurationResult {
  std::optional<std::int64_t> nanos;
  std::string error; // set when nanos is empty: why, in plain words
};

// Go's time.ParseDuration: "10s", "1m30s", "500ms", "1.5h", "-2s", "0"; units ns, us, µs, μs,
// ms, s, m, h. A number without a unit (other than "0") is an error, as in Go.
DurationResult parse_go_duration(std::string_view text);

// Go's time.Duration.String(): "10s", "1m30s", "500ms", "1h0m0s".
std::string format_go_duration(std::int64_t nanos);

} // namespace ccaas::duration
