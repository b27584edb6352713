#pragma once

#include "ccaas/util/fd.hpp"
#include "ccaas/util/root_path.hpp"

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// A running process read from outside (proc(5)): its environment at exec (/proc/PID/environ),
// its user, groups and capabilities (/proc/PID/status), its mounts as it sees them
// (/proc/PID/mountinfo), its working directory and its root (/proc/PID/root, kept open). Every
// file is read through one open descriptor of /proc/PID, so a process that ends meanwhile fails
// the reads (ESRCH) rather than letting a new process with the same ID answer them. Reading
// environ and following root need ptrace read access: the same user (and a dumpable process), or
// CAP_SYS_PTRACE.
namespace ccaas::process {

// What a process may do, from /proc/PID/status: capability sets as bit masks (bit N: capability N).
struct Powers {
  std::uint64_t bounding = ~0ULL;  // CapBnd
  std::uint64_t effective = ~0ULL; // CapEff
  std::uint64_t permitted = ~0ULL; // CapPrm
  bool no_new_privs = false;       // NoNewPrivs
};

struct ProcessView {
  pid_t pid = 0;
  file::RootView root;
  std::map<std::string, std::string> environ; // every variable, empty ones too
  uid_t uid = 0;                              // the effective user and group, which file access uses
  gid_t gid = 0;
  std::vector<gid_t> groups; // its supplementary groups (fsGroup and supplementalGroups in a pod)
  Powers powers;
  std::string mountinfo; // the process's mount table, mount points named as it names them
  std::string command;   // /proc/PID/comm
  std::string cwd;       // its working directory as it names it ("/" when that cannot be read)
  // Who it is: its start time (clock ticks after boot), and open descriptors of /proc/PID and of
  // the process (a pidfd, where the kernel has them), which outlive it and so tell whether it is
  // the same process later (still_there). Empty for read_self.
  unsigned long long started = 0;
  std::shared_ptr<UniqueFd> proc_dir;
  std::shared_ptr<UniqueFd> pidfd;
};

// Whether the process read by read_process is still running, the same one: its pidfd is not
// readable (it has not ended), and /proc/PID, read through the descriptor kept, shows the same
// start time and no zombie. Always true for read_self.
bool still_there(const ProcessView& view);

// Reads process pid. Throws OwnTrouble with one line that says what to add when the kernel
// refuses (EACCES, EPERM) or a file is larger than the doctor reads (4 MiB), and Failure when
// there is no such process.
ProcessView read_process(pid_t pid);

// A process as /proc/PID/stat shows it (proc(5)): its name (comm), state (R, S, Z...), parent,
// process group, session, and start time (clock ticks after boot).
struct ProcessStat {
  pid_t pid = 0;
  std::string name;
  char state = 0;
  pid_t parent = 0;
  pid_t group = 0;
  pid_t session = 0;
  unsigned long long start = 0;
};

// Parses one /proc/PID/stat text; nullopt when it is not one.
std::optional<ProcessStat> parse_stat(const std::string& stat);

// Every process /proc shows, this one and zombies included; one that ends while it is read is
// left out.
std::vector<ProcessStat> all_processes();

// The running processes named name (the comm of /proc/PID/stat, as `pgrep -x` matches it), this
// one and zombies left out, the oldest first (the start time there, as `pgrep -o` picks). A
// process that ends while it reads is left out.
std::vector<pid_t> processes_named(const std::string& name);

// This process, as a ProcessView of its own root: the doctor run inside the peer's container.
ProcessView read_self();

// The environment of this process, every variable, empty ones too.
std::map<std::string, std::string> own_environ();

} // namespace ccaas::process
