#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"

#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

using namespace ccaas;
using test_support::TempDir;
namespace fs = std::filesystem;

namespace {

std::string failure_of(const std::function<void()>& action)
{
  try {
    action();
  } catch (const Failure& e) {
    return e.what();
  }
  return "no failure";
}

std::vector<std::string> names_in(const fs::path& dir)
{
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

mode_t mode_of(const fs::path& path)
{
  struct stat st = {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

} // namespace

TEST_CASE("read_regular_file refuses what is not a small regular file, without blocking")
{
  TempDir dir;
  const fs::path file = dir.write("connection.json", "{}");
  CHECK(file::read_regular_file(file) == "{}");

  fs::create_symlink(file, dir.path() / "link.json");
  CHECK(failure_of([&] { file::read_regular_file(dir.path() / "link.json"); })
        == (dir.path() / "link.json").string() + ": is a symlink: refusing to follow it");

  fs::create_directory(dir.path() / "adir");
  CHECK(failure_of([&] { file::read_regular_file(dir.path() / "adir"); })
        == (dir.path() / "adir").string() + ": is a directory, not a regular file");

  REQUIRE(::mkfifo((dir.path() / "fifo").c_str(), 0600) == 0);
  CHECK(failure_of([&] { file::read_regular_file(dir.path() / "fifo"); })
        == (dir.path() / "fifo").string() + ": is a FIFO, not a regular file");

  CHECK(failure_of([&] { file::read_regular_file(dir.path() / "absent"); })
        == (dir.path() / "absent").string() + " not found");

  const fs::path big = dir.write("big", std::string(2000, 'x'));
  CHECK(failure_of([&] { file::read_regular_file(big, 1000); }) == big.string() + ": is 2000 bytes; the limit is 1000");
}

TEST_CASE("write_atomic replaces the target whole, with the mode asked for, and leaves no temp file")
{
  TempDir dir;
  const fs::path target = dir.path() / "connection.json";
  file::write_atomic(target, "first", 0644);
  file::write_atomic(target, "second", 0600);
  CHECK(file::read_regular_file(target) == "second");
  CHECK(mode_of(target) == 0600);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"connection.json"});

  const fs::path missing_dir = dir.path() / "nope" / "connection.json";
  CHECK(
    failure_of([&] { file::write_atomic(missing_dir, "x", 0644); }).find(": cannot create: No such file or directory")
    != std::string::npos);
}

TEST_CASE("copy_tree_atomic copies a tree through one rename")
{
  TempDir dir;
  dir.write("src/META-INF/statedb/couchdb/indexes/byOwner.json", R"({"index":{"fields":["owner"]}})");
  dir.write("src/META-INF/statedb/couchdb/collections/c1/indexes/i.json", "{}");
  fs::create_directories(dir.path() / "bld");
  CHECK(file::copy_tree_atomic(dir.path() / "src/META-INF", dir.path() / "bld/META-INF") == 2);
  CHECK(file::read_regular_file(dir.path() / "bld/META-INF/statedb/couchdb/indexes/byOwner.json")
        == R"({"index":{"fields":["owner"]}})");
  CHECK(names_in(dir.path() / "bld") == std::vector<std::string>{"META-INF"});
}

TEST_CASE("copy_tree_atomic refuses symlinks and special files, leaving nothing behind")
{
  TempDir dir;
  dir.write("src/META-INF/statedb/couchdb/indexes/a.json", "{}");
  fs::create_directories(dir.path() / "bld");
  fs::create_symlink("/etc/passwd", dir.path() / "src/META-INF/statedb/couchdb/indexes/passwd.json");
  const fs::path link = dir.path() / "src/META-INF/statedb/couchdb/indexes/passwd.json";
  CHECK(failure_of([&] { file::copy_tree_atomic(dir.path() / "src/META-INF", dir.path() / "bld/META-INF"); })
        == link.string() + ": is a symlink: only directories and regular files are copied");
  CHECK(names_in(dir.path() / "bld").empty());

  fs::remove(link);
  REQUIRE(::mkfifo((dir.path() / "src/META-INF/fifo").c_str(), 0600) == 0);
  CHECK(failure_of([&] { file::copy_tree_atomic(dir.path() / "src/META-INF", dir.path() / "bld/META-INF"); })
        == (dir.path() / "src/META-INF/fifo").string() + ": is a FIFO: only directories and regular files are copied");
  CHECK(names_in(dir.path() / "bld").empty());
}

TEST_CASE("make_dirs_below: folders made below the one given, a link among them refused, never followed")
{
  test_support::TempDir dir;
  const std::filesystem::path base = dir.path() / "release";
  std::filesystem::create_directory(base);
  CHECK(file::make_dirs_below(base, "chaincode/server", 0750) == base / "chaincode" / "server");
  CHECK(std::filesystem::is_directory(base / "chaincode" / "server"));

  const std::filesystem::path elsewhere = dir.path() / "elsewhere";
  std::filesystem::create_directory(elsewhere);
  const std::filesystem::path other = dir.path() / "other";
  std::filesystem::create_directory(other);
  std::filesystem::create_directory_symlink(elsewhere, other / "chaincode");
  CHECK_THROWS_WITH_AS(file::make_dirs_below(other, "chaincode/server", 0750),
                       (other.string() + "/chaincode: is a symlink: refusing to write through it").c_str(),
                       Failure);
  CHECK(std::filesystem::is_empty(elsewhere)); // nothing made where the link points
  CHECK_THROWS_WITH_AS(file::make_dirs_below(base, "../x", 0750),
                       (base.string() + "/../x: names a folder outside " + base.string()).c_str(),
                       Failure);
}
