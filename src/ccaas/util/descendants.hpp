#pragma once

#include "ccaas/util/process_view.hpp"

#include <sys/types.h>

#include <vector>

// What a program spawn started leaves behind, found and ended: this process is a child subreaper
// (PR_SET_CHILD_SUBREAPER), so a process whose parent dies comes back to it, to be killed; where
// the kernel refuses that (qemu-user), the program's processes are followed while it runs.
namespace ccaas::spawn {

// Makes this process the subreaper of what it starts, once; whether the kernel agreed.
bool become_subreaper();

// Kills every child of this process, and what comes back to it as they go: what a program left
// behind. Returns how many it killed.
int end_children();

// Where this process cannot be a subreaper, what a program starts is followed while it runs:
// every process in its group or session, or whose parent is one of them, kept with its start
// time so that a reused ID is never taken for one of them.
class Descendants
{
public:
  explicit Descendants(pid_t leader)
    : m_leader(leader)
  {
  }

  // Adds those running now.
  void look() { look_in(process::all_processes()); }

  // Kills those still running (the same processes: their start times match). Returns how many.
  int end();

private:
  void look_in(const std::vector<process::ProcessStat>& all);
  bool known(pid_t pid) const;

  pid_t m_leader;
  std::vector<process::ProcessStat> m_members;
};

} // namespace ccaas::spawn
