#include "ccaas/util/process_view.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

using namespace ccaas;

namespace {

// A process named by its script's file name (the kernel names a script's process so), which
// waits; in a process group of its own, so that its sleep goes with it.
pid_t start_named(const std::string& script)
{
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::execl(script.c_str(), script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// Until pid has exec'd the script (its name is the script's), or 5 s.
void until_named(pid_t pid, const std::string& name)
{
  for (int i = 0; i < 500; ++i) {
    const std::string comm = test_support::read("/proc/" + std::to_string(pid) + "/comm");
    if (comm == name + "\n") {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

} // namespace

TEST_CASE("processes_named: the running processes of that name, the oldest first; zombies and others left out")
{
  test_support::TempDir dir;
  const std::string name = "ccaas-unit-wait"; // 15 bytes: the most a process name keeps
  const std::filesystem::path script = dir.write(name, "#!/bin/sh\nwhile :; do sleep 60; done\n");
  ::chmod(script.c_str(), 0755);

  CHECK(process::processes_named(name).empty());
  std::vector<pid_t> started;
  for (int i = 0; i < 3; ++i) {
    started.push_back(start_named(script.string()));
    until_named(started.back(), name);
    // start times are in clock ticks (10 ms at 100 Hz): apart, so that the order is the kernel's
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(process::processes_named(name) == started);
  CHECK(process::processes_named("ccaas-unit-wai").empty()); // the whole name, as pgrep -x
  CHECK(process::processes_named("sleep").size() >= 3);

  // The middle one ends and is not reaped yet: a zombie, no longer the process of that name.
  ::kill(-started[1], SIGKILL);
  for (int i = 0; i < 500; ++i) {
    const std::string stat = test_support::read("/proc/" + std::to_string(started[1]) + "/stat");
    if (stat.find(") Z") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(process::processes_named(name) == std::vector<pid_t>{started[0], started[2]});

  for (const pid_t pid : started) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  CHECK(process::processes_named(name).empty());
}

TEST_CASE("parse_stat: a name with blanks and parentheses ends at the last ')'; the fields after it")
{
  const auto p = process::parse_stat("42 (a) (b c)) S 7 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12345 1 2\n");
  REQUIRE(p);
  CHECK(p->pid == 42);
  CHECK(p->name == "a) (b c)");
  CHECK(p->state == 'S');
  CHECK(p->parent == 7);
  CHECK(p->group == 42);
  CHECK(p->session == 42);
  CHECK(p->start == 12345);
  CHECK_FALSE(process::parse_stat("42 (cut short) S 7"));
  CHECK_FALSE(process::parse_stat("not a stat line"));
}
