#include "ccaas/cli/peer_target.hpp"

#include "ccaas/probe/resolve.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/process_view.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace ccaas::cli {

namespace {

bool is_number(const std::string& text)
{
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// The process --pid names: the ID as given, or the oldest process of that name (as `pgrep -o -x`:
// a `peer` CLI command run beside `peer node start` is younger).
pid_t find_process(const std::string& spec)
{
  if (is_number(spec)) {
    return static_cast<pid_t>(std::stol(spec));
  }
  const std::vector<pid_t> found = process::processes_named(spec);
  if (found.empty()) {
    throw Failure("--pid " + spec + ": no process named " + spec
                  + " here: the doctor must share the peer's process namespace (`kubectl debug "
                    "--target=PEER_CONTAINER`, shareProcessNamespace: true, `docker run --pid container:PEER`)");
  }
  return found.front();
}

// A file of the peer's, read inside its root (at most 1 MiB; a missing or unreadable one is
// empty), copied into a file in memory of this process: the resolver opens its files by path at
// each lookup, and that path must lead to what was read inside the peer's root, and nowhere else.
std::string copy_to_memory(const file::RootView& root, const char* path, UniqueFd& kept)
{
  std::string text;
  try {
    text = file::read_in_root(root, path, file::k_max_contract_file, file::Last::follow);
  } catch (const Failure&) {
    text.clear();
  }
  kept.reset(::memfd_create(path, MFD_CLOEXEC));
  if (kept.get() < 0 || write_fully(kept.get(), text) != 0) {
    throw OwnTrouble(std::string("cannot keep a copy of the peer's ") + path + ": " + std::strerror(errno));
  }
  return "/proc/self/fd/" + std::to_string(kept.get());
}

} // namespace

// A process ID (1 to 9 digits, not 0), or a name as the kernel keeps it (/proc/PID/comm: at most
// 15 bytes, no '/'), printable.
bool valid_process(const std::string& value)
{
  if (is_number(value)) {
    return value.size() <= 9 && std::stol(value) > 0;
  }
  return !value.empty() && value.size() <= 15
         && std::all_of(value.begin(), value.end(), [](char c) { return c > ' ' && c < 0x7f && c != '/'; });
}

// The peer of another container, read through /proc: its environment, root, user and mounts, and
// the resolver files it resolves names with (its resolv.conf's search list and ndots, its hosts).
void read_peer(const std::string& spec, steps::DoctorInput& input)
{
  static UniqueFd resolv_conf;
  static UniqueFd hosts;
  input.peer = process::read_process(find_process(spec));
  input.outside = true;
  const std::string resolv_path = copy_to_memory(input.peer.root, "/etc/resolv.conf", resolv_conf);
  probe::use_resolver_files(resolv_path, copy_to_memory(input.peer.root, "/etc/hosts", hosts), "/etc/resolv.conf");
}

// The peer the run began with, the same process at its end: else its findings are of a peer that
// is gone (or of another process that took its ID), and no verdict is given.
void same_peer(const steps::DoctorInput& input)
{
  if (input.outside && !process::still_there(input.peer)) {
    throw OwnTrouble("the peer (process " + std::to_string(input.peer.pid)
                     + ") ended during the run, or another process took its ID: no verdict on a peer that is gone; "
                       "run the doctor again once the peer is running");
  }
}

// --serve --pid: the peer is read again before each run, so that a changed environment is seen and
// a restarted peer (a new process, with a new ID) is followed by its name; its ID changing is logged.
// A peer given by ID that has gone fails the run with what to give instead.
void follow_peer(const std::string& spec, steps::DoctorInput& input, log::Reporter& reporter)
{
  const pid_t before = input.peer.pid;
  try {
    read_peer(spec, input);
  } catch (const Failure& e) {
    if (!is_number(spec)) {
      throw;
    }
    throw Failure(std::string(e.what())
                  + "; a restarted peer is a new process with another ID: --pid peer finds it by its name at each run");
  }
  if (input.peer.pid != before) {
    reporter.info("the peer process named " + spec + " is now process " + std::to_string(input.peer.pid) + " (it was "
                  + std::to_string(before) + "): the peer restarted");
  }
}

} // namespace ccaas::cli
