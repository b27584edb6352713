#include "ccaas/util/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>

namespace ccaas::signals {

namespace {

int g_pipe[2] = {-1, -1};

extern "C" void on_termination(int)
{
  if (g_pipe[1] >= 0) {
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_pipe[1], &byte, 1);
  }
}

} // namespace

void ignore_broken_pipes()
{
  struct sigaction action = {};
  action.sa_handler = SIG_IGN;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGPIPE, &action, nullptr);
}

void install_termination_handlers()
{
  if (g_pipe[0] < 0 && ::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    g_pipe[0] = g_pipe[1] = -1;
  }
  struct sigaction action = {};
  action.sa_handler = on_termination;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
}

int termination_fd()
{
  return g_pipe[0];
}

} // namespace ccaas::signals
