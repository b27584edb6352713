#include "ccaas/steps/package.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/tar_writer.hpp"
#include "ccaas/util/targz.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ccaas;

TEST_CASE("reproducible archives: read back by the peer's rules, the same bytes for the same files in any order")
{
  test_support::TempDir dir;
  const std::string long_name = "META-INF/statedb/couchdb/indexes/" + std::string(90, 'x') + ".json";
  const std::string bytes =
    steps::package_bytes("ccaas", "cc_1.0", {{"connection.json", R"({"address":"cc:9999"})"}, {long_name, "{}"}});
  const std::string reordered =
    steps::package_bytes("ccaas", "cc_1.0", {{long_name, "{}"}, {"connection.json", R"({"address":"cc:9999"})"}});
  CHECK(bytes == reordered);
  const std::filesystem::path file = dir.write("cc_1.0.tar.gz", bytes);
  CHECK(file::read_tar_gz_member(file, "metadata.json") == R"({"type":"ccaas","label":"cc_1.0"})");
  file::extract_tar_gz(file, dir.path() / "outer");
  file::extract_tar_gz(dir.path() / "outer" / "code.tar.gz", dir.path() / "code");
  CHECK(std::filesystem::is_regular_file(dir.path() / "code" / long_name));
  CHECK(file::read_tar_gz_member(dir.path() / "outer" / "code.tar.gz", "connection.json")
        == R"({"address":"cc:9999"})");

  // gzip: no name, time 0, OS 255; the same input, the same bytes.
  const std::string gz = file::reproducible_gzip("hello");
  REQUIRE(gz.size() > 10);
  CHECK(static_cast<unsigned char>(gz[3]) == 0);   // FLG: no name, no comment
  CHECK(gz.substr(4, 4) == std::string(4, '\0'));  // MTIME
  CHECK(static_cast<unsigned char>(gz[9]) == 255); // OS
  CHECK(gz == file::reproducible_gzip("hello"));
  CHECK_THROWS_WITH_AS(file::reproducible_tar({{std::string(101, 'n'), ""}}),
                       doctest::Contains("the path is too long for a ustar archive"),
                       Failure);
}
