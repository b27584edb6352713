#include "ccaas/util/spawn.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

using namespace ccaas;

namespace {

std::string script(const test_support::TempDir& dir, const std::string& name, const std::string& body)
{
  const std::filesystem::path file = dir.write(name, "#!/bin/sh\n" + body);
  ::chmod(file.c_str(), 0755);
  return file.string();
}

} // namespace

TEST_CASE("spawn: the exit code, the arguments as given, the environment given and nothing else")
{
  test_support::TempDir dir;
  const std::string out = (dir.path() / "out").string();
  const std::string program =
    script(dir, "p", "printf '%s|%s|%s|%s' \"$1\" \"$2\" \"$ONLY\" \"${HOME:-unset}\" > \"$3\"\nexit 7\n");
  const spawn::Exit exit =
    spawn::run(program, {"a b", "*", out}, {"ONLY=yes", "PATH=/usr/bin:/bin"}, std::chrono::seconds(10));
  CHECK(exit.started);
  CHECK_FALSE(exit.timed_out);
  CHECK(exit.code == 7);
  CHECK(test_support::read(out) == "a b|*|yes|unset"); // no shell expanded "*"; HOME was not passed
}

TEST_CASE("spawn: a program that does not exist or cannot run is not started, and says why")
{
  test_support::TempDir dir;
  const spawn::Exit missing = spawn::run((dir.path() / "nothing").string(), {}, {}, std::chrono::seconds(1));
  CHECK_FALSE(missing.started);
  CHECK(missing.error == "cannot start (execve): No such file or directory");
  const std::filesystem::path plain = dir.write("plain", "#!/bin/sh\nexit 0\n"); // no exec bit
  const spawn::Exit denied = spawn::run(plain.string(), {}, {}, std::chrono::seconds(1));
  CHECK_FALSE(denied.started);
  CHECK(denied.error == "cannot start (execve): Permission denied");
}

TEST_CASE("spawn: a program that outlives the limit is killed, and the wait ends")
{
  test_support::TempDir dir;
  const std::string program = script(dir, "hang", "exec sleep 30\n");
  const spawn::Exit exit = spawn::run(program, {}, {"PATH=/usr/bin:/bin"}, std::chrono::milliseconds(200));
  CHECK(exit.started);
  CHECK(exit.timed_out);
  CHECK(exit.code == -1);
  CHECK(exit.ms < 10'000); // bounded by the limit, not by the program
}

TEST_CASE("spawn: a readable cancel fd (a termination signal arrived) kills the program, long before the limit")
{
  test_support::TempDir dir;
  const std::string program = script(dir, "hang", "exec sleep 30\n");
  int fds[2] = {-1, -1};
  REQUIRE(::pipe(fds) == 0);
  const spawn::Exit quiet = spawn::run(program, {}, {"PATH=/usr/bin:/bin"}, std::chrono::milliseconds(300), fds[0]);
  CHECK(quiet.timed_out); // nothing written: the fd does not cancel
  CHECK_FALSE(quiet.cancelled);
  const char byte = 1;
  REQUIRE(::write(fds[1], &byte, 1) == 1);
  const spawn::Exit exit = spawn::run(program, {}, {"PATH=/usr/bin:/bin"}, std::chrono::seconds(60), fds[0]);
  CHECK(exit.started);
  CHECK(exit.cancelled);
  CHECK_FALSE(exit.timed_out);
  CHECK(exit.code == -1);
  CHECK(exit.ms < 30'000); // ended by the fd, not by the limit or the program
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_CASE("spawn: a signal the caller ignores is at its default in the child")
{
  test_support::TempDir dir;
  const std::string program = script(dir, "pipe", "kill -PIPE $$\nexit 0\n");
  const spawn::Exit exit = spawn::run(program, {}, {"PATH=/usr/bin:/bin"}, std::chrono::seconds(10));
  CHECK(exit.started);
  CHECK(exit.signal == SIGPIPE);
}
