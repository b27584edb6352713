#include "ccaas/util/descendants.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>

namespace ccaas::spawn {

bool become_subreaper()
{
  static std::once_flag once;
  static bool reaper = false;
  std::call_once(once, [] { reaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0; });
  return reaper;
}

int end_children()
{
  become_subreaper();
  int killed = 0;
  // Each round kills the children there are; their own children come back to this process as
  // they die, for the next round. A program that forks as fast as it is killed still ends: each
  // round takes its whole generation.
  for (int round = 0; round < 1000; ++round) {
    int status = 0;
    while (::waitpid(-1, &status, WNOHANG) > 0) {
    }
    std::vector<pid_t> children;
    const pid_t self = ::getpid();
    for (const process::ProcessStat& p : process::all_processes()) {
      if (p.parent == self) {
        children.push_back(p.pid);
      }
    }
    if (children.empty()) {
      break;
    }
    for (const pid_t pid : children) {
      if (::kill(pid, SIGKILL) == 0) {
        ++killed;
      }
    }
    for (const pid_t pid : children) {
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  return killed;
}

void Descendants::look_in(const std::vector<process::ProcessStat>& all)
{
  for (int pass = 0; pass < 4; ++pass) {
    const std::size_t before = m_members.size();
    for (const process::ProcessStat& p : all) {
      if (p.pid != m_leader && !known(p.pid)
          && (p.group == m_leader || p.session == m_leader || p.parent == m_leader || known(p.parent))) {
        m_members.push_back(p);
      }
    }
    if (m_members.size() == before) {
      break;
    }
  }
}

int Descendants::end()
{
  const std::vector<process::ProcessStat> all = process::all_processes(); // one look, for both
  look_in(all);
  int killed = 0;
  for (const process::ProcessStat& now : all) {
    for (const process::ProcessStat& member : m_members) {
      if (now.pid == member.pid && now.start == member.start && ::kill(now.pid, SIGKILL) == 0) {
        ++killed;
      }
    }
  }
  return killed;
}

bool Descendants::known(pid_t pid) const
{
  return std::any_of(m_members.begin(), m_members.end(), [pid](const process::ProcessStat& p) { return p.pid == pid; });
}

} // namespace ccaas::spawn
