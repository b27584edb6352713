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

TEST_CASE("spawn: what a program leaves running, in its group or in a session of its own, ends with it")
{
  test_support::TempDir dir;
  const std::string pids = (dir.path() / "pids").string();
  // One child in its group, one that leaves it (setsid) and forks again; then, once both run, the
  // program exits (where this process cannot be a subreaper, as under qemu-user, spawn follows
  // them while the program runs: they must be there to be seen).
  const std::string program = script(dir,
                                     "p",
                                     "sleep 300 & echo $! >> \"$1\"\nsetsid sh -c 'sleep 300 & echo $! >> \"$1\"; "
                                     "sleep 300' x \"$1\" &\n"
                                     "while [ \"$(wc -l < \"$1\")\" -lt 2 ]; do sleep 0.05; done\nsleep 0.3\nexit 0\n");
  const spawn::Exit exit = spawn::run(program, {pids}, {"PATH=/usr/bin:/bin"}, std::chrono::seconds(10));
  CHECK(exit.code == 0);
  CHECK(exit.left_behind >= 2);
  const std::string text = test_support::read(pids);
  REQUIRE_FALSE(text.empty());
  std::size_t start = 0;
  int checked = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const pid_t pid = static_cast<pid_t>(std::stol(text.substr(start, end - start)));
    // Ended: gone, or a zombie for the moment its new parent takes to reap it (where this process
    // cannot be a subreaper, as under qemu-user, that parent is another).
    const std::string stat = test_support::read("/proc/" + std::to_string(pid) + "/stat");
    const std::size_t close = stat.rfind(')');
    CHECK((stat.empty() || (close != std::string::npos && stat.substr(close + 2, 1) == "Z")));
    ++checked;
    start = end + 1;
  }
  CHECK(checked == 2);
}

TEST_CASE("spawn: no descriptor but 0, 1 and 2 reaches the program")
{
  test_support::TempDir dir;
  const int kept = ::dup2(STDERR_FILENO, 50); // a descriptor without close-on-exec, as a library may leave one
  REQUIRE(kept == 50);
  spawn::Options options;
  options.capture_stdout = true;
  const spawn::Exit exit = spawn::run("/bin/ls", {"/proc/self/fd"}, {}, options);
  ::close(kept);
  CHECK(exit.code == 0);
  CHECK(exit.stdout_text == "0\n1\n2\n3\n"); // 3: the folder ls reads
}

TEST_CASE("spawn: confined to a user, its groups and at most some capabilities, with no_new_privs")
{
  if (::geteuid() != 0) {
    return; // the change of user and the capabilities need root: the integration suites run as root
  }
  const auto status = [](const spawn::Options& options) {
    spawn::Options with = options;
    with.capture_stdout = true;
    return spawn::run("/bin/grep",
                      {"-E", "^(Uid|Groups|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):", "/proc/self/status"},
                      {},
                      with)
      .stdout_text;
  };
  spawn::Options root_peer;
  root_peer.change_user = true;
  root_peer.user = spawn::Identity{0, 0, {}};
  root_peer.capabilities = 1ULL << 0; // CAP_CHOWN alone
  const std::string as_root = status(root_peer);
  CHECK(as_root.find("CapPrm:\t0000000000000001\n") != std::string::npos);
  CHECK(as_root.find("CapEff:\t0000000000000001\n") != std::string::npos);
  CHECK(as_root.find("CapBnd:\t0000000000000001\n") != std::string::npos);
  CHECK(as_root.find("CapAmb:\t0000000000000000\n") != std::string::npos);
  CHECK(as_root.find("NoNewPrivs:\t1\n") != std::string::npos);

  spawn::Options other;
  other.change_user = true;
  other.user = spawn::Identity{65534, 65534, {4242, 4343}};
  other.capabilities = 0;
  const std::string as_nobody = status(other);
  CHECK(as_nobody.find("Uid:\t65534\t65534\t65534\t65534\n") != std::string::npos);
  CHECK(as_nobody.find("Groups:\t4242 4343 \n") != std::string::npos);
  CHECK(as_nobody.find("CapEff:\t0000000000000000\n") != std::string::npos);
  CHECK(as_nobody.find("NoNewPrivs:\t1\n") != std::string::npos);
}
