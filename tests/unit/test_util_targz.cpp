#include "ccaas/util/error.hpp"
#include "ccaas/util/targz.hpp"
#include "support/tar_writer.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace ccaas;
using test_support::TarWriter;
using test_support::TempDir;

namespace {

std::string failure_of(const std::filesystem::path& archive,
                       const std::filesystem::path& into,
                       const file::ExtractLimits& limits = {})
{
  try {
    file::extract_tar_gz(archive, into, {}, "pkg.tar.gz", limits);
  } catch (const Failure& e) {
    return e.what();
  }
  return "";
}

std::string read(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

bool empty_dir(const std::filesystem::path& dir)
{
  return std::filesystem::is_empty(dir);
}

} // namespace

TEST_CASE("a package's members are extracted: directories and regular files")
{
  TempDir dir;
  const auto archive = dir.path() / "pkg.tar.gz";
  TarWriter()
    .dir("META-INF/")
    .file("./connection.json", R"({"address":"cc:1"})")
    .file("META-INF/x.json", "{}")
    .write_gz(archive);
  const auto into = dir.path() / "out";
  std::filesystem::create_directory(into);
  CHECK(failure_of(archive, into).empty());
  CHECK(read(into / "connection.json") == R"({"address":"cc:1"})");
  CHECK(read(into / "META-INF" / "x.json") == "{}");
}

TEST_CASE("plain data is not gzip, and is refused as the peer refuses it")
{
  TempDir dir;
  const auto archive = dir.write("pkg.tar.gz", TarWriter().file("connection.json", "{}").tar());
  const auto into = dir.path() / "out";
  std::filesystem::create_directory(into);
  CHECK(failure_of(archive, into)
        == "pkg.tar.gz: not gzip data: a chaincode package and its code.tar.gz are .tar.gz files");
  CHECK(empty_dir(into));
}

TEST_CASE("a truncated stream fails, and leaves nothing extracted")
{
  TempDir dir;
  const auto whole = dir.path() / "whole.tar.gz";
  std::string big(200'000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<char>((i * 7919) % 251); // little to compress
  }
  TarWriter().file("a.json", "{}").file("big.bin", big).write_gz(whole);
  const std::string bytes = read(whole);
  const auto cut = dir.write("pkg.tar.gz", bytes.substr(0, bytes.size() / 2));
  const auto into = dir.path() / "out";
  std::filesystem::create_directory(into);
  const std::string error = failure_of(cut, into);
  CHECK(error.rfind("pkg.tar.gz: ", 0) == 0);
  CHECK((error.find("not a readable .tar.gz") != std::string::npos
         || error.find("the archive ends inside") != std::string::npos));
  CHECK(empty_dir(into));
}

TEST_CASE("a gzip bomb: every member counts, directories included, and so does the whole stream")
{
  TempDir dir;
  const auto into = dir.path() / "out";
  std::filesystem::create_directory(into);
  file::ExtractLimits limits;
  limits.max_member = 1 << 20;
  limits.max_total = 1 << 20;
  limits.max_inflated = 4 << 20;

  // A small file: 3 MiB of zeros in members of 512 KiB each compress to a few KiB.
  const auto bomb = dir.path() / "bomb.tar.gz";
  TarWriter writer;
  for (int i = 0; i < 6; ++i) {
    writer.file("zeros" + std::to_string(i), std::string(512 * 1024, '\0'));
  }
  writer.write_gz(bomb);
  CHECK(std::filesystem::file_size(bomb) < 64 * 1024);
  CHECK(failure_of(bomb, into, limits) == "pkg.tar.gz: member 'zeros2': the package holds more than 1048576 bytes");
  CHECK(empty_dir(into));

  // A directory member that claims data: skipped, but still inflated, so it counts too.
  const auto dir_bomb = dir.path() / "dir-bomb.tar.gz";
  TarWriter().add("d/", '5', std::string(2 << 20, '\0')).write_gz(dir_bomb);
  CHECK(failure_of(dir_bomb, into, limits) == "pkg.tar.gz: member 'd/': is 2097152 bytes; the limit is 1048576");

  // Whatever the members say, the stream stops inflating at max_inflated.
  limits.max_member = limits.max_total = 64 << 20;
  limits.max_inflated = 1 << 20;
  CHECK(failure_of(bomb, into, limits)
        == "pkg.tar.gz: inflates to more than 1048576 bytes: not a chaincode package (a gzip bomb?)");
  CHECK(empty_dir(into));
}

TEST_CASE("links and devices are refused by name")
{
  TempDir dir;
  const auto archive = dir.path() / "pkg.tar.gz";
  TarWriter().file("a", "x").add("link", '2', "").write_gz(archive);
  const auto into = dir.path() / "out";
  std::filesystem::create_directory(into);
  CHECK(failure_of(archive, into)
        == "pkg.tar.gz: member 'link': is a symlink: a chaincode package holds only regular files and directories");
  CHECK(empty_dir(into));
}

TEST_CASE("one member read into memory, under the same rules, writing nothing")
{
  TempDir dir;
  const auto archive = dir.path() / "pkg.tar.gz";
  TarWriter().file("metadata.json", R"({"type":"ccaas"})").file("code.tar.gz", "zz").write_gz(archive);
  CHECK(file::read_tar_gz_member(archive, "metadata.json") == R"({"type":"ccaas"})");
  CHECK(std::filesystem::directory_iterator(dir.path()) != std::filesystem::directory_iterator());
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
  try {
    file::read_tar_gz_member(archive, "nothing.json", "pkg.tar.gz");
    FAIL("no such member");
  } catch (const Failure& e) {
    CHECK(std::string(e.what()) == "pkg.tar.gz: has no nothing.json");
  }
  const auto linked = dir.path() / "linked.tar.gz";
  TarWriter().add("metadata.json", '2', "").write_gz(linked);
  try {
    file::read_tar_gz_member(linked, "metadata.json", "linked.tar.gz");
    FAIL("a symlink is refused");
  } catch (const Failure& e) {
    CHECK(std::string(e.what()).rfind("linked.tar.gz: member 'metadata.json': is a symlink", 0) == 0);
  }
}
