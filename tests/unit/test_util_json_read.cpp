#include "ccaas/util/error.hpp"
#include "ccaas/util/json_read.hpp"

#include <doctest/doctest.h>

using namespace ccaas;

namespace {

std::string failure_of(const std::string& text)
{
  try {
    json::parse_object(text, "f.json");
  } catch (const Failure& e) {
    return e.what();
  }
  return "no failure";
}

} // namespace

TEST_CASE("JSON objects parse with their key order kept")
{
  CHECK(json::parse_object(R"({"b":1,"a":{"c":[1,2]}})", "f.json").dump() == R"({"b":1,"a":{"c":[1,2]}})");
  // the same key in sibling objects is fine
  CHECK(json::parse_object(R"({"a":{"k":1},"b":{"k":2}})", "f.json").size() == 2);
}

TEST_CASE("JSON problems are one line that does not echo the input")
{
  CHECK(failure_of(R"({"address":"a:1","address":"b:2"})")
        == "f.json: key \"address\" appears twice in one object: keep one");
  CHECK(failure_of(R"({"o":{"k":1,"k":2}})") == "f.json: key \"k\" appears twice in one object: keep one");
  CHECK(failure_of("[1]") == "f.json: expected a JSON object, found an array");
  CHECK(failure_of("\"s\"") == "f.json: expected a JSON object, found a string");
  CHECK(failure_of(std::string(100, '[') + std::string(100, ']')) == "f.json: JSON nested deeper than 64 levels");
  CHECK(failure_of(R"({"a":1,})").rfind("f.json: not valid JSON: parse error at line 1, column 8: ", 0) == 0);

  const std::string secret = "{\"client_key\":\"-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n\"}";
  const std::string message = failure_of(secret);
  CHECK(message.find("MIGHAgEA") == std::string::npos);
  CHECK(message.find("BEGIN") == std::string::npos);
  CHECK(message.find("(inside a JSON string a PEM needs \\n escapes, not line breaks)") != std::string::npos);

  CHECK(failure_of(std::string("{\"a\":\"\xff\"}")).rfind("f.json: not valid JSON: ", 0) == 0);
  CHECK(failure_of(std::string("{\"a\":1}\0", 8)) == "f.json: contains a NUL byte: not a JSON text file");
  CHECK(failure_of("").rfind("f.json: not valid JSON: ", 0) == 0);
  // found by fuzz_metadata: nlohmann throws out_of_range, not parse_error, for these
  CHECK(failure_of(R"({"dial_timeout": 1101e4600})") == "f.json: not valid JSON: a number is out of range");
  CHECK(failure_of("1e999") == "f.json: not valid JSON: a number is out of range");
}
