#include "ccaas/contract/package_id.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ccaas::contract;

namespace {
const std::string k_hash = "0a60f3cbe5e4ff0e39d1c6c3c1d1a86f7d4e1f4b7b9b0f6b9e0dfe0217342748";
}

TEST_CASE("the package ID is read back from the peer's scratch directory name")
{
  // os.MkdirTemp("", "fabric-"+SanitizeCCIDPath(ccid)) appends random decimal digits
  auto id = package_id_from_scratch_dir("fabric-envtest_2-" + k_hash + "3427480");
  REQUIRE(id.has_value());
  CHECK(id->str() == "envtest_2:" + k_hash);

  id = package_id_from_scratch_dir("fabric-my-cc.v1+b-" + k_hash + "1");
  REQUIRE(id.has_value());
  CHECK(id->label == "my-cc.v1+b");

  // the hash may end in digits: the 64 characters after the separator are the hash
  const std::string digit_hash = std::string(60, 'a') + "1234";
  id = package_id_from_scratch_dir("fabric-cc-" + digit_hash + "987");
  REQUIRE(id.has_value());
  CHECK(id->hash == digit_hash);

  CHECK_FALSE(package_id_from_scratch_dir("fabric-run1367300942").has_value());
  CHECK_FALSE(package_id_from_scratch_dir("tmp.x-" + k_hash).has_value());
  CHECK_FALSE(package_id_from_scratch_dir("fabric-cc-" + k_hash + "x1").has_value());
  CHECK_FALSE(package_id_from_scratch_dir("fabric--" + k_hash).has_value());
}

TEST_CASE("the durable build directory is the sanitized package ID")
{
  CHECK(sanitize_ccid_path("mycc_1.0:" + k_hash) == "mycc_1.0-" + k_hash);
  CHECK(sanitize_ccid_path("a<b>c:d\"e/f\\g|h?i*j&k") == "a-b-c-d-e-f-g-h-i-j-k");
  const auto id = package_id_from_durable_dir("mycc_1.0-" + k_hash);
  REQUIRE(id.has_value());
  CHECK(id->str() == "mycc_1.0:" + k_hash);
  CHECK_FALSE(package_id_from_durable_dir("mycc_1.0-" + k_hash + "12").has_value());
}

TEST_CASE("labels follow Fabric's rule")
{
  CHECK(is_valid_label("basic_1.0"));
  CHECK(is_valid_label("a+b-c"));
  CHECK_FALSE(is_valid_label(""));
  CHECK_FALSE(is_valid_label("_x"));
  CHECK_FALSE(is_valid_label("a b"));
  CHECK(parse_package_id("cc:" + k_hash).has_value());
  CHECK_FALSE(parse_package_id("cc:" + k_hash.substr(1)).has_value());
  CHECK_FALSE(parse_package_id("cc-" + k_hash).has_value());
}
