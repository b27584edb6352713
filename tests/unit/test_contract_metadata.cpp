#include "ccaas/contract/metadata.hpp"
#include "ccaas/util/error.hpp"

#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace ccaas;

TEST_CASE("metadata.json type matches ccaas in any case, like Fabric's ccaas_builder")
{
  CHECK(contract::is_ccaas_type("ccaas"));
  CHECK(contract::is_ccaas_type("CCAAS"));
  CHECK(contract::is_ccaas_type("CCaaS"));
  CHECK_FALSE(contract::is_ccaas_type("ccaas "));
  CHECK_FALSE(contract::is_ccaas_type("external"));
  CHECK_FALSE(contract::is_ccaas_type(""));
}

TEST_CASE("metadata.json is read with its label and type")
{
  test_support::TempDir dir;
  dir.write("metadata.json", R"({"type":"ccaas","label":"basic_1.0","path":""})");
  const contract::Metadata metadata = contract::read_metadata(dir.path());
  CHECK(metadata.type == "ccaas");
  CHECK(metadata.label == "basic_1.0");

  dir.write("metadata.json", R"({"type":7})");
  try {
    contract::read_metadata(dir.path());
    FAIL("expected a failure");
  } catch (const Failure& e) {
    CHECK(std::string(e.what())
          == (dir.path() / "metadata.json").string() + ": type: expected a string, found a number");
  }
}
