#include "ccaas/util/duration.hpp"

#include <doctest/doctest.h>

using ccaas::duration::format_go_duration;
using ccaas::duration::parse_go_duration;

TEST_CASE("Go durations parse as time.ParseDuration does")
{
  struct Row {
    const char* text;
    std::int64_t nanos;
  };
  const Row rows[] = {
    {"10s", 10'000'000'000},
    {"1m30s", 90'000'000'000},
    {"500ms", 500'000'000},
    {"1.5h", 5'400'000'000'000},
    {"1h2m3s4ms5us6ns", 3'723'004'005'006},
    {"2\xC2\xB5s", 2'000},
    {"2\xCE\xBCs", 2'000},
    {".5s", 500'000'000},
    {"5.s", 5'000'000'000},
    {"0", 0},
    {"-0", 0},
    {"+3s", 3'000'000'000},
    {"-2s", -2'000'000'000},
    {"0.000000001s", 1},
    {"2562047h47m16.854775807s", 9'223'372'036'854'775'807},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    const auto result = ccaas::duration::parse_go_duration(row.text);
    REQUIRE(result.nanos.has_value());
    CHECK(*result.nanos == row.nanos);
  }
}

TEST_CASE("Go duration errors say why")
{
  struct Row {
    const char* text;
    const char* message;
  };
  const Row rows[] = {
    {"10", "\"10\" has no unit (write \"10s\" for seconds; units are ns, us, ms, s, m, h)"},
    {"", "\"\" is not a Go duration (examples: \"10s\", \"1m30s\", \"500ms\")"},
    {"s", "\"s\" is not a Go duration (examples: \"10s\", \"1m30s\", \"500ms\")"},
    {".s", "\".s\" is not a Go duration (examples: \"10s\", \"1m30s\", \"500ms\")"},
    {"10 s", "\"10 s\" has an unknown unit \" s\" (units are ns, us, ms, s, m, h)"},
    {"10sec", "\"10sec\" has an unknown unit \"sec\" (units are ns, us, ms, s, m, h)"},
    {"1d", "\"1d\" has an unknown unit \"d\" (units are ns, us, ms, s, m, h)"},
    {"3000000h", "\"3000000h\" is out of range"},
    {"9223372036854775808ns", "\"9223372036854775808ns\" is out of range"},
    {"99999999999999999999s", "\"99999999999999999999s\" is out of range"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    const auto result = ccaas::duration::parse_go_duration(row.text);
    CHECK_FALSE(result.nanos.has_value());
    CHECK(result.error == row.message);
  }
}

TEST_CASE("Go durations print as time.Duration.String does")
{
  CHECK(ccaas::duration::format_go_duration(0) == "0s");
  CHECK(ccaas::duration::format_go_duration(3'000'000'000) == "3s");
  CHECK(ccaas::duration::format_go_duration(90'000'000'000) == "1m30s");
  CHECK(ccaas::duration::format_go_duration(3'600'000'000'000) == "1h0m0s");
  CHECK(ccaas::duration::format_go_duration(500'000'000) == "500ms");
  CHECK(ccaas::duration::format_go_duration(1'500'000) == "1.5ms");
  CHECK(ccaas::duration::format_go_duration(2'000) == "2\xC2\xB5s");
  CHECK(ccaas::duration::format_go_duration(7) == "7ns");
  CHECK(ccaas::duration::format_go_duration(-2'500'000'000) == "-2.5s");
}
