#pragma once

#include "ccaas/util/root_path.hpp"

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

// A running process read from outside (proc(5)): its environment at exec (/proc/PID/environ),
// its user and group (/proc/PID/status), its mounts as it sees them (/proc/PID/mountinfo) and
// its root (/proc/PID/root). Reading environ and following root need ptrace read access: the
// same user (and a dumpable process), or CAP_SYS_PTRACE.
namespace ccaas::process {

struct ProcessView {
  pid_t pid = 0;
  file::RootView root;
  std::map<std::string, std::string> environ; // every variable, empty ones too
  uid_t uid = 0;                              // the real user and group
  gid_t gid = 0;
  std::string mountinfo; // the process's mount table, mount points named as it names them
  std::string command;   // /proc/PID/comm
};

// Reads process pid. Throws OwnTrouble with one line that says what to add when the kernel
// refuses (EACCES, EPERM), and Failure when there is no such process.
ProcessView read_process(pid_t pid);

// The running processes named name (the comm of /proc/PID/stat, as `pgrep -x` matches it), this
// one and zombies left out, the oldest first (the start time there, as `pgrep -o` picks). A
// process that ends while it reads is left out.
std::vector<pid_t> processes_named(const std::string& name);

// This process, as a ProcessView of its own root: the doctor run inside the peer's container.
ProcessView read_self();

// The environment of this process, every variable, empty ones too.
std::map<std::string, std::string> own_environ();

} // namespace ccaas::process
